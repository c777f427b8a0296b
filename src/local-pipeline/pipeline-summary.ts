import { MAX_RECORD_FAILURE_EXAMPLES } from './record-failure-tally.js';
import type { LocalPipelineReport, StreamReport } from './run-local-pipeline.js';

/** The run's totals across streams: records in and out by result. */
export interface PipelineTotals {
  readonly events: number;
  readonly controlMessages: number;
  readonly failedEvents: number;
  readonly logEventsIn: number;
  readonly recordsPut: number;
  readonly ok: number;
  readonly dropped: number;
  readonly processingFailed: number;
  /** Records of invocations that failed as a whole (written to processing-failed too). */
  readonly failedWithInvocation: number;
  readonly documentsDelivered: number;
  readonly processingFailedRecords: number;
}

/**
 * Adds the streams' numbers up.
 *
 * @example pipelineTotals(report).recordsPut // 3630
 */
export function pipelineTotals(report: LocalPipelineReport): PipelineTotals {
  const sum = (pick: (stream: StreamReport) => number): number => report.streams.reduce((total, stream) => total + pick(stream), 0);
  return {
    events: report.events,
    controlMessages: sum((stream) => stream.controlMessages),
    failedEvents: sum((stream) => stream.failedEvents),
    logEventsIn: sum((stream) => stream.logEventsIn),
    recordsPut: sum((stream) => stream.recordsPut),
    ok: sum((stream) => stream.stream.results.Ok),
    dropped: sum((stream) => stream.stream.results.Dropped),
    processingFailed: sum((stream) => stream.stream.results.ProcessingFailed),
    failedWithInvocation: sum((stream) => Object.values(stream.stream.invocationFailures).reduce((total, count) => total + count, 0)),
    documentsDelivered: report.delivered.documents,
    processingFailedRecords: sum((stream) => stream.stream.processingFailedRecords),
  };
}

/**
 * Why the decorator failed records, per reason, and its first examples (record number in its
 * invocation, record id, line): nothing when no record failed.
 */
function recordFailureLines(report: LocalPipelineReport): string[] {
  const reasons = [
    { count: 0, text: (n: number) => `${plural(n, 'record')} with a line that does not parse` },
    { count: 0, text: (n: number) => `${plural(n, 'record')} not decodable as flow logs (not base64, gzip, UTF-8 or a subscription message)` },
    { count: 0, text: (n: number) => `${plural(n, 'record')} failed because the transformation response was full, not for their content` },
  ];
  const examples: string[] = [];
  for (const stream of report.streams) {
    const { badLine, undecodable, responseFull } = stream.recordFailures;
    [badLine, undecodable, responseFull].forEach((value, index) => {
      (reasons[index] as { count: number }).count += value;
    });
    for (const example of stream.recordFailures.examples) {
      if (examples.length < MAX_RECORD_FAILURE_EXAMPLES) examples.push(`${stream.deliveryStreamName}: ${example}`);
    }
  }
  const given = reasons.filter((reason) => reason.count > 0);
  if (given.length === 0) return [];
  return ['Why the decorator failed records:', ...given.map((reason) => `  ${reason.text(reason.count)}`), ...examples.map((example) => `  e.g. ${example}`), ''];
}

/** How many rows the summary's rankings show. */
const TOP_ROWS = 10;

const count = (value: number): string => value.toLocaleString('en-US');
const plural = (value: number, one: string, many = `${one}s`): string => `${count(value)} ${value === 1 ? one : many}`;

export interface SummaryContext {
  /** Where the events came from, as the user named it. */
  readonly source: string;
  /** The output folder, as the user named it. */
  readonly outDirectory: string;
  /** The inventory folder, for the report command suggested next; absent: none was used. */
  readonly inventory?: string;
}

/**
 * The text `vpc-flow-log-appender pipeline` prints: per stream what the ingestor, Firehose and the
 * decorator did, the totals, where the output is, flows per security group, the top rejected
 * sources and what to run next. Nothing in it depends on the wall clock.
 *
 * @example process.stdout.write(formatPipelineSummary(report, { source: 'events/sample/subscription-events', outDirectory: 'out' }));
 */
export function formatPipelineSummary(report: LocalPipelineReport, context: SummaryContext): string {
  const totals = pipelineTotals(report);
  const lines: string[] = [`Local pipeline: ${plural(report.events, 'CloudWatch Logs subscription event')} from ${context.source}`, ''];
  for (const stream of report.streams) {
    const { results } = stream.stream;
    const invocationFailures = Object.entries(stream.stream.invocationFailures);
    lines.push(
      `${stream.logGroup === '' ? '(no log group)' : stream.logGroup} -> ingestor -> Firehose ${stream.deliveryStreamName} -> decorator (${stream.format} format)`,
      `  ingestor   ${plural(stream.events, 'event')} (${plural(stream.controlMessages, 'control message')}, ${count(stream.failedEvents)} failed): ` +
        `${plural(stream.logEventsIn, 'log event')} in, ${plural(stream.recordsPut, 'record')} put in ${plural(stream.putRecordBatchCalls, 'PutRecordBatch call')}`,
      `  firehose   ${plural(stream.stream.invocations, 'transformation call')}: Ok ${count(results.Ok)}, Dropped ${count(results.Dropped)}, ProcessingFailed ${count(results.ProcessingFailed)}` +
        (invocationFailures.length === 0 ? '' : `; failed with their invocation: ${invocationFailures.map(([code, records]) => `${code} x${count(records)}`).join(', ')}`),
      `  output     ${plural(stream.stream.deliveredRecords, 'record')} delivered in ${plural(stream.stream.deliveredObjects, 'object')}, ` +
        `${plural(stream.stream.processingFailedRecords, 'record')} to processing-failed in ${plural(stream.stream.processingFailedObjects, 'object')}`,
      '',
    );
  }
  lines.push(
    `Records: ${count(totals.logEventsIn)} log events in -> ${count(totals.recordsPut)} put -> Ok ${count(totals.ok)}, Dropped ${count(totals.dropped)}, ` +
      `ProcessingFailed ${count(totals.processingFailed + totals.failedWithInvocation)} -> ${plural(totals.documentsDelivered, 'document')} delivered`,
    ...recordFailureLines(report),
    `Output in ${context.outDirectory}/:`,
    `  delivered/           NDJSON, one enriched document a line, under yyyy/MM/dd/HH/ as Firehose names S3 objects`,
    `  processing-failed/   ${plural(totals.processingFailedRecords, 'record')} in Firehose's failed-record format (rawData: the original line, base64)`,
    '',
    'Flows per security group:',
  );
  const groups = report.delivered.flowsPerSecurityGroup;
  if (groups.length === 0) lines.push('  (no document names a security group)');
  for (const group of groups.slice(0, TOP_ROWS)) lines.push(`  ${group.groupId.padEnd(22)} ${group.groupName.padEnd(16)} ${count(group.flows).padStart(7)}`);
  lines.push('', 'Top rejected sources:');
  const rejected = report.delivered.rejectedSources;
  if (rejected.length === 0) lines.push('  (no REJECT record)');
  for (const source of rejected.slice(0, TOP_ROWS)) lines.push(`  ${source.address.padEnd(40)} ${plural(source.flows, 'flow').padStart(10)}`);
  // The report needs the full rule list: without an inventory it reads EC2 itself (--live), so the
  // command printed runs as it is. --silent keeps npm's banner out of piped output.
  const inventory = context.inventory === undefined ? ' --live' : ` --inventory ${context.inventory}`;
  lines.push('', 'Next:');
  if (context.inventory === undefined) {
    lines.push(
      '  (no --inventory: no interface was looked up, so the documents carry no interface, group or rule fields;',
      '   "snapshot --out DIR" saves an account\'s inventory for pipeline --inventory DIR and report --inventory DIR)',
    );
  }
  lines.push(
    `  Security-group report:   npm run --silent cli -- report ${context.outDirectory}/delivered/*/*/*/*/*${inventory} --format html --out ${context.outDirectory}/report.html`,
    '  OpenSearch dashboards:   npm run --silent cli -- opensearch setup --endpoint https://<your domain endpoint>',
    '  Deploy to AWS:           sam build && sam deploy --guided',
    '',
  );
  return lines.join('\n');
}
