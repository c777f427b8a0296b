// What the two event generators share (generate-sample-events.ts for `sam local invoke`,
// generate-sample-subscription-events.ts for `npm start`): CloudWatch Logs subscription payloads as
// CloudWatch Logs builds them, their gzip + base64 encoding, the comparison that tells a stale
// committed event from a current one, and the --check command line.
import { gunzipSync, gzipSync } from 'node:zlib';

/** The account of every sample (the documentation account id). */
export const SAMPLE_ACCOUNT = '123456789012';
/** The subscription filter named in every sample DATA_MESSAGE. */
export const SAMPLE_SUBSCRIPTION_FILTER = 'vpc-flow-logs-to-ingestor';

export interface SampleLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/**
 * A log event id in CloudWatch Logs' 56-digit shape, unique per sequence number.
 *
 * @example sampleLogEventId(1) // '31953106606966983378809025079804211143289615424290000001'
 */
export function sampleLogEventId(sequence: number): string {
  return `3195310660696698337880902507980421114328961542429${String(sequence).padStart(7, '0')}`;
}

/**
 * A DATA_MESSAGE payload of the sample account, as a subscription receives it once decoded.
 *
 * @example dataMessage({ logGroup: '/vpc/flow-logs', logStream: 'eni-1-all', logEvents: [] }).messageType // 'DATA_MESSAGE'
 */
export function dataMessage(batch: { readonly logGroup: string; readonly logStream: string; readonly logEvents: readonly SampleLogEvent[] }): object {
  return {
    messageType: 'DATA_MESSAGE',
    owner: SAMPLE_ACCOUNT,
    logGroup: batch.logGroup,
    logStream: batch.logStream,
    subscriptionFilters: [SAMPLE_SUBSCRIPTION_FILTER],
    logEvents: batch.logEvents,
  };
}

/**
 * The health check CloudWatch Logs sends a new subscription destination, at `timestampMs`.
 *
 * @example controlMessage(1_780_300_800_000).messageType // 'CONTROL_MESSAGE'
 */
export function controlMessage(timestampMs: number): object {
  return {
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: timestampMs, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  };
}

/**
 * JSON, gzipped, in base64: how CloudWatch Logs encodes a payload for Lambda and for Firehose.
 *
 * @example gzipBase64({ a: 1 }).startsWith('H4sI') // true
 */
export function gzipBase64(value: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(value), 'utf8')).toString('base64');
}

/**
 * A Lambda subscription event, `{"awslogs":{"data":...}}`, as pretty-printed file content.
 *
 * @example subscriptionEventFile(controlMessage(0)).startsWith('{\n  "awslogs"') // true
 */
export function subscriptionEventFile(payload: object): string {
  return `${JSON.stringify({ awslogs: { data: gzipBase64(payload) } }, null, 2)}\n`;
}

/**
 * The JSON with every gzipped base64 string replaced by its decompressed text, to compare payloads.
 *
 * @example withGzipExpanded(JSON.stringify({ data: gzipBase64({ a: 1 }) })) // { data: { gunzipped: { a: 1 } } }
 */
export function withGzipExpanded(json: string): unknown {
  return JSON.parse(json, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes.toString('base64') !== value) return value;
    return { gunzipped: JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown };
  });
}

/**
 * Whether a committed event file holds the same payload as freshly generated content. Gzip bytes
 * may differ between zlib versions while the payload is the same, so gzipped fields are compared
 * decompressed.
 *
 * @example isSameEvent(subscriptionEventFile(controlMessage(0)), subscriptionEventFile(controlMessage(0))) // true
 */
export function isSameEvent(committed: string, generated: string): boolean {
  return JSON.stringify(withGzipExpanded(committed)) === JSON.stringify(withGzipExpanded(generated));
}

/**
 * The command line of a sample generator: with --check, exit 1 naming the stale files; otherwise
 * write them.
 *
 * @example runSampleGenerator(process.argv, { script: 'scripts/generate-sample-events.ts', stale: staleSampleEvents, write: writeSampleEvents });
 */
export function runSampleGenerator(argv: readonly string[], generator: { readonly script: string; stale(): string[]; write(): void }): void {
  if (argv.includes('--check')) {
    const stale = generator.stale();
    if (stale.length > 0) {
      process.stderr.write(`stale, run npx tsx ${generator.script}: ${stale.join(', ')}\n`);
      process.exitCode = 1;
    }
    return;
  }
  generator.write();
}
