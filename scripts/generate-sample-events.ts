// Writes the `sam local invoke` payloads in events/ingestor/ and events/decorator/ from lines of the
// bundled sample (events/sample/flow-logs.log: documentation addresses, interfaces
// eni-0a1b2c3d4e5f60001..6), so they are ours and deterministic.
//
//   npx tsx scripts/generate-sample-events.ts            # rewrite the events
//   npx tsx scripts/generate-sample-events.ts --check    # exit 1 when an event is stale
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlMessage, dataMessage, gzipBase64, isSameEvent, runSampleGenerator, SAMPLE_ACCOUNT, sampleLogEventId, type SampleLogEvent } from './cloudwatch-logs-sample-events.js';
import { sampleRecordLines } from './generate-sample-flow-logs.js';

const LOG_GROUP = '/vpc/flow-logs';
const DELIVERY_STREAM_ARN = `arn:aws:firehose:us-east-1:${SAMPLE_ACCOUNT}:deliverystream/vpc-flow-log-appender`;
/** Lines of each interface the Firehose events carry. */
const LINES_PER_INTERFACE = 2;
/** Lines of the first interface in the CloudWatch Logs data message. */
const DATA_MESSAGE_LINES = 4;

/** The event files, by path. */
export const SAMPLE_EVENT_PATHS = {
  cloudWatchLogsData: 'events/ingestor/cloudwatch-logs-data-message.json',
  cloudWatchLogsControl: 'events/ingestor/cloudwatch-logs-control-message.json',
  firehoseFromIngestor: 'events/decorator/firehose-from-ingestor.json',
  firehoseDirectPut: 'events/decorator/firehose-direct-put.json',
  firehoseCloudWatchLogsEnvelopes: 'events/decorator/firehose-cloudwatch-logs-envelopes.json',
} as const;

/** The sample's record lines (no header, no NODATA/SKIPDATA), grouped by interface id in file order. */
export function sampleLinesByInterface(): Map<string, string[]> {
  const byInterface = new Map<string, string[]>();
  for (const line of sampleRecordLines()) {
    const fields = line.split(' ');
    const interfaceId = fields[2] ?? '';
    if (fields[13] !== 'OK') continue;
    byInterface.set(interfaceId, [...(byInterface.get(interfaceId) ?? []), line]);
  }
  return byInterface;
}

function logEventsOf(lines: readonly string[], firstSequence: number): SampleLogEvent[] {
  // A flow-log line's `end` field (seconds) is when CloudWatch Logs receives it, near enough.
  return lines.map((message, index) => ({ id: sampleLogEventId(firstSequence + index), timestamp: Number(message.split(' ')[11]) * 1000, message }));
}

function interfaceDataMessage(interfaceId: string, lines: readonly string[], firstSequence: number): object {
  return dataMessage({ logGroup: LOG_GROUP, logStream: `${interfaceId}-all`, logEvents: logEventsOf(lines, firstSequence) });
}

const CONTROL_MESSAGE = controlMessage(1_780_300_800_000);

function firehoseEvent(invocationNumber: number, datas: readonly string[]): object {
  return {
    invocationId: `a1b2c3d4-0000-4000-8000-00000000000${invocationNumber}`,
    deliveryStreamArn: DELIVERY_STREAM_ARN,
    region: 'us-east-1',
    records: datas.map((data, index) => ({
      recordId: `49546986683135544286507457936321625675700192471156785154${String(index + 1).padStart(6, '0')}`,
      approximateArrivalTimestamp: 1_780_300_900_000 + index,
      data,
    })),
  };
}

/** Every event file's content, by path. */
export function generateSampleEvents(): Record<string, string> {
  const byInterface = sampleLinesByInterface();
  const interfaces = [...byInterface.keys()].sort();
  const firstInterface = interfaces[0] ?? '';
  const fewLines = interfaces.flatMap((id) => (byInterface.get(id) ?? []).slice(0, LINES_PER_INTERFACE));
  const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const envelopes = interfaces.map((id, index) => gzipBase64(interfaceDataMessage(id, (byInterface.get(id) ?? []).slice(0, LINES_PER_INTERFACE), index * LINES_PER_INTERFACE)));
  const events: Record<string, object> = {
    [SAMPLE_EVENT_PATHS.cloudWatchLogsData]: { awslogs: { data: gzipBase64(interfaceDataMessage(firstInterface, (byInterface.get(firstInterface) ?? []).slice(0, DATA_MESSAGE_LINES), 0)) } },
    [SAMPLE_EVENT_PATHS.cloudWatchLogsControl]: { awslogs: { data: gzipBase64(CONTROL_MESSAGE) } },
    [SAMPLE_EVENT_PATHS.firehoseFromIngestor]: firehoseEvent(1, fewLines.map((line) => base64(`${line}\n`))),
    [SAMPLE_EVENT_PATHS.firehoseDirectPut]: firehoseEvent(2, fewLines.map((line) => base64(JSON.stringify({ message: line })))),
    // A subscription filter straight to Firehose: one envelope per log stream, and the health check.
    [SAMPLE_EVENT_PATHS.firehoseCloudWatchLogsEnvelopes]: firehoseEvent(3, [...envelopes, gzipBase64(CONTROL_MESSAGE)]),
  };
  return Object.fromEntries(Object.entries(events).map(([path, event]) => [path, `${JSON.stringify(event, null, 2)}\n`]));
}

/** Paths whose committed content differs from what this script writes. */
export function staleSampleEvents(read: (path: string) => string | undefined = readOrUndefined): string[] {
  return Object.entries(generateSampleEvents())
    .filter(([path, content]) => {
      const committed = read(path);
      return committed === undefined || !isSameEvent(committed, content);
    })
    .map(([path]) => path);
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function writeSampleEvents(): void {
  for (const [path, content] of Object.entries(generateSampleEvents())) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSampleGenerator(process.argv, { script: 'scripts/generate-sample-events.ts', stale: () => staleSampleEvents(), write: writeSampleEvents });
}
