/**
 * The window of a report computed where the data lives (`--opensearch`, `--athena`): one set of
 * options and one parser for both engines, so the same words select the same records.
 */
import type { LedgerWindow } from '../report/index.js';
import type { OptionTable } from './command.js';

export const REPORT_WINDOW_OPTIONS = {
  since: {
    type: 'string',
    value: 'N(d|h)',
    help: `With --opensearch or --athena: the window is the last N days (30d) or hours
(12h). Default: every document with --opensearch, 30d with --athena.`,
  },
  from: { type: 'string', value: 'T', help: 'With --opensearch or --athena: the window starts at T (ISO 8601, or epoch\nseconds), records by their start. Not with --since.' },
  to: { type: 'string', value: 'T', help: 'With --opensearch or --athena, and --from: the window ends before T.\nDefault: now.' },
} as const satisfies OptionTable;

export type ReportWindowValues = { readonly [Name in keyof typeof REPORT_WINDOW_OPTIONS]?: string };

const SECONDS_BY_UNIT: Readonly<Record<string, number>> = { d: 86_400, h: 3_600 };

/** The window options given, by name (`--since`, ...), for "needs --opensearch or --athena". */
export function windowOptionsGiven(values: ReportWindowValues): readonly string[] {
  return (Object.keys(REPORT_WINDOW_OPTIONS) as (keyof typeof REPORT_WINDOW_OPTIONS)[]).filter((name) => values[name] !== undefined).map((name) => `--${name}`);
}

/**
 * The window the options select, or undefined when none is given. `now` is epoch seconds; every
 * problem is pushed on `problems` (the caller lists them all at once).
 *
 * @example parseReportWindow({ since: '30d' }, 2_000_000_000, []) // { from: 1997408000, to: 2000000000 }
 * @example parseReportWindow({ from: '2026-11-01', to: '2026-12-01' }, 2_000_000_000, []) // { from: 1793491200, to: 1796083200 }
 */
export function parseReportWindow(values: ReportWindowValues, now: number, problems: string[]): LedgerWindow | undefined {
  if (values.since !== undefined) {
    if (values.from !== undefined || values.to !== undefined) problems.push('--since excludes --from and --to');
    const match = /^(\d{1,6})([dh])$/.exec(values.since);
    const amount = match === null ? 0 : Number(match[1]) * (SECONDS_BY_UNIT[match[2] as string] as number);
    if (!(amount > 0)) {
      problems.push(`--since: expected a number of days or hours such as 30d or 12h, got "${values.since}"`);
      return undefined;
    }
    return { from: now - amount, to: now };
  }
  if (values.to !== undefined && values.from === undefined) problems.push('--to needs --from');
  if (values.from === undefined) return undefined;
  const from = timeOf('--from', values.from, problems);
  const to = values.to === undefined ? now : timeOf('--to', values.to, problems);
  if (from === undefined || to === undefined) return undefined;
  if (!(from < to)) problems.push(`--from must be before --to (${values.from} is not before ${values.to ?? 'now'})`);
  return { from, to };
}

function timeOf(option: string, text: string, problems: string[]): number | undefined {
  if (/^\d{9,11}$/.test(text)) return Number(text);
  // A date alone, or a date and time with a zone: a time without one would depend on this machine's.
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(iso)) {
    problems.push(`${option}: expected epoch seconds, a date (2026-01-31) or a date and time with its zone (2026-01-31T00:00:00Z), got "${text}"`);
    return undefined;
  }
  return Math.floor(iso / 1_000);
}
