import type { LedgerWindow, SecurityGroupReport } from '../report/index.js';

/** The counts a notification carries: what the report proposes and finds. */
export interface ReportCounts {
  readonly records: number;
  readonly rules: number;
  /** Rules whose verdict is remove or narrow: what the CLI script would change. */
  readonly changes: number;
  readonly removals: number;
  readonly narrowings: number;
  readonly unused: number;
  readonly overBroad: number;
  readonly exposures: number;
  /** Exposures some public source tried (accepted or stopped by the network ACL). */
  readonly exposuresAttempted: number;
}

/** SNS's limits on Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
export const SNS_SUBJECT_MAX_CHARACTERS = 100;
export const SNS_MESSAGE_MAX_BYTES = 262_144;

/**
 * What a report proposes and finds, counted as `report` prints it on standard error.
 *
 * @example countsOf(report) // { records: 120000, rules: 42, changes: 3, removals: 2, narrowings: 1, unused: 2, overBroad: 1, exposures: 1, exposuresAttempted: 1 }
 */
export function countsOf(report: SecurityGroupReport): ReportCounts {
  const removals = report.recommendations.filter((recommendation) => recommendation.verdict === 'remove').length;
  const narrowings = report.recommendations.filter((recommendation) => recommendation.verdict === 'narrow').length;
  return {
    records: report.totals.records,
    rules: report.rules.length,
    changes: removals + narrowings,
    removals,
    narrowings,
    unused: report.unused.reduce((total, group) => total + group.rules.length, 0),
    overBroad: report.overBroad.length,
    exposures: report.exposures.length,
    exposuresAttempted: report.exposures.filter((exposure) => exposure.attempted).length,
  };
}

export interface ReportNotification {
  /** At most 100 ASCII characters, one line: what SNS takes and e-mail shows. */
  readonly subject: string;
  /** Plain text, well under SNS's 256 KiB. */
  readonly message: string;
}

/**
 * The short summary a scheduled run notifies: counts and where the outputs are, never a record,
 * address or rule of the report (those stay in the bucket, behind its permissions).
 *
 * @example notificationOf(counts, { from, to }, ['s3://bucket/reports/2026/12/06/security-group-report.html']).subject
 * // 'Security-group report, 7 days to 2026-12-06: 3 changes proposed, 1 exposure'
 */
export function notificationOf(counts: ReportCounts, window: LedgerWindow, locations: readonly string[]): ReportNotification {
  const days = Math.round((window.to - window.from) / 86_400);
  const from = isoDate(window.from);
  const to = isoDate(window.to);
  const subject = `Security-group report, ${days} days to ${to}: ${plural(counts.changes, 'change')} proposed, ${plural(counts.exposures, 'exposure')}`;
  const lines = [
    `Security-group report over ${plural(days, 'day')}, ${from} to ${to} (UTC, end excluded).`,
    '',
    `Records read: ${counts.records.toLocaleString('en-US')}; rules judged: ${counts.rules.toLocaleString('en-US')}.`,
    `Changes proposed: ${counts.changes} (${counts.removals} to remove, ${counts.narrowings} to narrow), each replayed against every accepted flow of the window.`,
    `Unused rules: ${counts.unused}.`,
    `Over-broad rules: ${counts.overBroad}.`,
    `Exposures (administration or database ports open to the internet): ${counts.exposures}, ${counts.exposuresAttempted} of them tried by public sources.`,
    '',
    'Reports:',
    ...locations.map((location) => `  ${location}`),
    '',
    'The .sh script changes nothing unless run with --apply; its .rollback.sh undoes it.',
  ];
  return { subject: asciiLine(subject, SNS_SUBJECT_MAX_CHARACTERS), message: lines.join('\n') };
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1_000).toISOString().slice(0, 10);
}

/** SNS subjects are ASCII, without line breaks, at most `max` characters. */
function asciiLine(text: string, max: number): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, ' ');
  return ascii.length <= max ? ascii : `${ascii.slice(0, max - 3)}...`;
}
