// Writes events/sample/subscription-events/, the input of `npm start` (vpc-flow-log-appender
// pipeline --sample): CloudWatch Logs subscription events as CloudWatch Logs hands them to the
// ingestor ({"awslogs":{"data":base64(gzip(JSON))}}), one file per batch, in delivery order, and
// log-groups.json saying which delivery stream (and so which decorator format) each log group feeds.
//
//   npx tsx scripts/generate-sample-subscription-events.ts            # rewrite the events
//   npx tsx scripts/generate-sample-subscription-events.ts --check    # exit 1 when an event is stale
//
// Two flow logs, like two deployments of the stack:
// - /vpc/flow-logs: the default format, every record line of events/sample/flow-logs.log
//   (08:00-09:00 UTC, six interfaces), no header (CloudWatch Logs has none);
// - /vpc/flow-logs-v5: a custom v5 format (vpc-id, subnet-id, instance-id, tcp-flags, type,
//   pkt-srcaddr, pkt-dstaddr, flow-direction, traffic-path) on the public subnet's three
//   interfaces, which took over at 09:00: the same traffic pattern an hour later with the v5 fields.
// A few log events are not flow-log records (a truncated line, a bad port, a bad address, a header
// line someone replayed into the log group), so the pipeline's failure paths run too.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_GROUPS_FILE, type LogGroupRoute } from '../src/local-pipeline/subscription-events-directory.js';
import { controlMessage, dataMessage, isSameEvent, runSampleGenerator, sampleLogEventId, subscriptionEventFile } from './cloudwatch-logs-sample-events.js';
import { sampleRecordLines } from './generate-sample-flow-logs.js';

export const SUBSCRIPTION_EVENTS_DIRECTORY = 'events/sample/subscription-events';

const DEFAULT_LOG_GROUP = '/vpc/flow-logs';
const V5_LOG_GROUP = '/vpc/flow-logs-v5';
const V5_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ' +
  '${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path}';
/** CloudWatch Logs batches a log stream's events; ten minutes of flow logs per batch here. */
const BATCH_SECONDS = 600;
const V5_SHIFT_SECONDS = 3600;
const VPC_ID = 'vpc-0a1b2c3d4e5f60000';

/** The public subnet's interfaces (web servers, bastion), as in events/sample/inventory. */
const V5_INTERFACES: Readonly<Record<string, { subnetId: string; instanceId: string; addresses: readonly string[] }>> = {
  'eni-0a1b2c3d4e5f60001': { subnetId: 'subnet-0a1b2c3d4e5f60010', instanceId: 'i-0a1b2c3d4e5f60001', addresses: ['10.0.1.10', '2001:db8:1234:a100::10'] },
  'eni-0a1b2c3d4e5f60002': { subnetId: 'subnet-0a1b2c3d4e5f60010', instanceId: 'i-0a1b2c3d4e5f60002', addresses: ['10.0.1.11', '2001:db8:1234:a100::11'] },
  'eni-0a1b2c3d4e5f60003': { subnetId: 'subnet-0a1b2c3d4e5f60010', instanceId: 'i-0a1b2c3d4e5f60003', addresses: ['10.0.0.5'] },
};

/** Log events that are not flow-log records, by log group, and where they go (after the nth event of the group). */
export const MALFORMED_LOG_EVENTS: readonly { readonly logGroup: string; readonly after: number; readonly message: string; readonly kind: 'invalid' | 'header' }[] = [
  { logGroup: DEFAULT_LOG_GROUP, after: 100, kind: 'invalid', message: '2 123456789012 eni-0a1b2c3d4e5f60001 198.51.100.7 10.0.1.10 51234' },
  { logGroup: DEFAULT_LOG_GROUP, after: 700, kind: 'invalid', message: '2 123456789012 eni-0a1b2c3d4e5f60003 203.0.113.99 10.0.0.5 40000 port22 6 1 60 1780301400 1780301410 REJECT OK' },
  { logGroup: DEFAULT_LOG_GROUP, after: 1500, kind: 'invalid', message: '2 123456789012 eni-0a1b2c3d4e5f60004 10.0.2.999 10.0.3.30 40001 5432 6 3 180 1780302000 1780302010 ACCEPT OK' },
  {
    logGroup: DEFAULT_LOG_GROUP,
    after: 2000,
    kind: 'header',
    message: 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  },
  { logGroup: V5_LOG_GROUP, after: 300, kind: 'invalid', message: '5 123456789012 eni-0a1b2c3d4e5f60002 198.51.100.8 10.0.1.11 443' },
];

/** What log-groups.json holds: the delivery stream and the decorator's format of each log group. */
const LOG_GROUPS: { readonly logGroups: Readonly<Record<string, LogGroupRoute>> } = {
  logGroups: {
    [DEFAULT_LOG_GROUP]: { deliveryStreamName: 'vpc-flow-logs-default' },
    [V5_LOG_GROUP]: { deliveryStreamName: 'vpc-flow-logs-v5', format: V5_FORMAT },
  },
};

interface LogLine {
  readonly logStream: string;
  /** Seconds; the record's `end`, when CloudWatch Logs receives it, near enough. */
  readonly time: number;
  readonly message: string;
}

/** The default sample's record lines (no header), as log lines of their interface's log stream. */
function defaultFormatLines(): LogLine[] {
  return sampleRecordLines().map((message) => {
    const fields = message.split(' ');
    return { logStream: `${fields[2] ?? ''}-all`, time: Number(fields[11]), message };
  });
}

/**
 * A default-format line of the public subnet as the v5 flow log writes it an hour later.
 * tcp-flags: a rejected probe SYN (2), other TCP flows as below, other protocols 0.
 */
function toV5Line(line: string): string | undefined {
  const [, account, eni, src, dst, srcPort, dstPort, protocol, packets, bytes, start, end, action, status] = line.split(' ');
  const host = V5_INTERFACES[eni ?? ''];
  if (host === undefined || start === undefined || end === undefined) return undefined;
  const shift = (seconds: string): number => Number(seconds) + V5_SHIFT_SECONDS;
  const context = [VPC_ID, host.subnetId, host.instanceId];
  if (status !== 'OK') {
    return ['5', account, eni, src, dst, srcPort, dstPort, protocol, packets, bytes, shift(start), shift(end), action, status, ...context, '-', '-', '-', '-', '-', '-'].join(' ');
  }
  const ingress = host.addresses.includes(dst ?? '');
  const peer = ingress ? (src ?? '') : (dst ?? '');
  // A flow to a well-known port is a request (SYN|FIN); from one, the reply (SYN-ACK|FIN).
  const tcpFlags = protocol !== '6' ? 0 : action === 'REJECT' ? 2 : Number(dstPort) < 32768 ? 3 : 19;
  const trafficPath = ingress ? '-' : peer.startsWith('10.') ? '1' : '8';
  return [
    '5', account, eni, src, dst, srcPort, dstPort, protocol, packets, bytes, shift(start), shift(end), action, status,
    ...context, tcpFlags, (src ?? '').includes(':') ? 'IPv6' : 'IPv4', src, dst, ingress ? 'ingress' : 'egress', trafficPath,
  ].join(' ');
}

function withMalformed(logGroup: string, lines: readonly LogLine[]): LogLine[] {
  const result = [...lines];
  // From the last position back, so earlier positions still count original lines.
  const inserts = MALFORMED_LOG_EVENTS.filter((event) => event.logGroup === logGroup).sort((a, b) => b.after - a.after);
  for (const insert of inserts) {
    const neighbour = result[insert.after - 1] as LogLine;
    result.splice(insert.after, 0, { logStream: neighbour.logStream, time: neighbour.time, message: insert.message });
  }
  return result;
}

const CONTROL_MESSAGE = controlMessage(1_780_300_790_000);

/** Every file of the events directory, by file name: log-groups.json and one event per batch. */
export function generateSampleSubscriptionEvents(): Record<string, string> {
  const defaultLines = defaultFormatLines();
  const groups: [string, LogLine[]][] = [
    [DEFAULT_LOG_GROUP, withMalformed(DEFAULT_LOG_GROUP, defaultLines)],
    [
      V5_LOG_GROUP,
      withMalformed(
        V5_LOG_GROUP,
        defaultLines.flatMap((line) => {
          const message = toV5Line(line.message);
          return message === undefined ? [] : [{ logStream: line.logStream, time: line.time + V5_SHIFT_SECONDS, message }];
        }),
      ),
    ],
  ];
  // One batch per log group, log stream and ten minutes, in the order CloudWatch Logs would send them.
  const batches = new Map<string, { logGroup: string; logStream: string; window: number; lines: LogLine[] }>();
  for (const [logGroup, lines] of groups) {
    for (const line of lines) {
      const window = Math.floor(line.time / BATCH_SECONDS);
      const key = `${String(window)} ${logGroup} ${line.logStream}`;
      const batch = batches.get(key) ?? { logGroup, logStream: line.logStream, window, lines: [] };
      batch.lines.push(line);
      batches.set(key, batch);
    }
  }
  const ordered = [...batches.values()].sort((a, b) => a.window - b.window || a.logGroup.localeCompare(b.logGroup) || a.logStream.localeCompare(b.logStream));
  const files: Record<string, string> = {
    [LOG_GROUPS_FILE]: `${JSON.stringify(LOG_GROUPS, null, 2)}\n`,
    '0000-control-message.json': subscriptionEventFile(CONTROL_MESSAGE),
  };
  let sequence = 0;
  ordered.forEach((batch, index) => {
    const payload = dataMessage({
      logGroup: batch.logGroup,
      logStream: batch.logStream,
      logEvents: batch.lines.map((line) => {
        sequence += 1;
        return { id: sampleLogEventId(sequence), timestamp: line.time * 1000, message: line.message };
      }),
    });
    const name = `${String(index + 1).padStart(4, '0')}-${batch.logGroup.replaceAll('/', '-').slice(1)}-${batch.logStream}.json`;
    files[name] = subscriptionEventFile(payload);
  });
  return files;
}

/** File names whose committed content differs from what this script writes, and stray files. */
export function staleSubscriptionEvents(directory = SUBSCRIPTION_EVENTS_DIRECTORY): string[] {
  const expected = generateSampleSubscriptionEvents();
  let present: string[] = [];
  try {
    present = readdirSync(directory);
  } catch {
    return Object.keys(expected);
  }
  const stray = present.filter((name) => !(name in expected));
  const stale = Object.entries(expected)
    .filter(([name, content]) => {
      if (!present.includes(name)) return true;
      return !isSameEvent(readFileSync(join(directory, name), 'utf8'), content);
    })
    .map(([name]) => name);
  return [...stale, ...stray];
}

function writeSubscriptionEvents(): void {
  rmSync(SUBSCRIPTION_EVENTS_DIRECTORY, { recursive: true, force: true });
  mkdirSync(SUBSCRIPTION_EVENTS_DIRECTORY, { recursive: true });
  const files = generateSampleSubscriptionEvents();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(SUBSCRIPTION_EVENTS_DIRECTORY, name), content);
  process.stdout.write(`${SUBSCRIPTION_EVENTS_DIRECTORY}: ${Object.keys(files).length - 1} events\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSampleGenerator(process.argv, { script: 'scripts/generate-sample-subscription-events.ts', stale: () => staleSubscriptionEvents(), write: writeSubscriptionEvents });
}
