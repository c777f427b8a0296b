// Builders for CloudWatch Logs subscription events: defaults plus overrides, really compressed.
import { readdirSync, readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { CORPUS_DIR } from './corpus.js';
import type { CloudWatchLogEvent, CloudWatchLogsPayload } from '../../src/cloudwatch/decode-subscription-payload.js';

/** A 56-digit log event id like CloudWatch Logs', distinct per `sequence`. */
export function logEventId(sequence: number): string {
  return `3195310660696698337880902507980421114328961542429${String(sequence).padStart(7, '0')}`;
}

/** A v2 default-format flow-log line between documentation addresses. */
export function flowLogMessage(overrides: { srcaddr?: string; dstaddr?: string; srcport?: number; action?: 'ACCEPT' | 'REJECT' } = {}): string {
  const { srcaddr = '198.51.100.7', dstaddr = '10.0.1.5', srcport = 49_152, action = 'ACCEPT' } = overrides;
  return `2 123456789012 eni-0a1b2c3d4e5f60718 ${srcaddr} ${dstaddr} ${srcport} 443 6 10 840 1700000000 1700000060 ${action} OK`;
}

export function logEvent(overrides: Partial<CloudWatchLogEvent> & { sequence?: number } = {}): CloudWatchLogEvent {
  const { sequence = 0, ...rest } = overrides;
  return { id: logEventId(sequence), timestamp: 1_700_000_000_000 + sequence, message: flowLogMessage({ srcport: 1024 + (sequence % 60_000) }), ...rest };
}

/** `count` distinct flow-log events; `messageBytes` pads each message to that many bytes (ASCII). */
export function logEvents(count: number, { messageBytes }: { messageBytes?: number } = {}): CloudWatchLogEvent[] {
  return Array.from({ length: count }, (_, sequence) => {
    const event = logEvent({ sequence });
    return messageBytes === undefined ? event : { ...event, message: event.message.padEnd(messageBytes, ' ').slice(0, messageBytes) };
  });
}

export function subscriptionPayload(overrides: Partial<CloudWatchLogsPayload> = {}): CloudWatchLogsPayload {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/vpc/flow-logs',
    logStream: 'eni-0a1b2c3d4e5f60718-all',
    subscriptionFilters: ['to-ingestor'],
    logEvents: [logEvent()],
    ...overrides,
  };
}

/** The health check CloudWatch Logs sends, shaped like the one in SAM CLI's sample events. */
export function controlPayload(): CloudWatchLogsPayload {
  return subscriptionPayload({
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: 1_700_000_000_000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  });
}

export type Compression = 'gzip' | 'zlib';

/** base64(gzip(JSON)), as in `awslogs.data`; any value can be encoded, to build bad payloads too. */
export function encodeSubscriptionData(payload: unknown, compression: Compression = 'gzip'): string {
  const json = Buffer.from(JSON.stringify(payload), 'utf8');
  return (compression === 'gzip' ? gzipSync(json) : deflateSync(json)).toString('base64');
}

export function subscriptionEvent(
  overrides: Partial<CloudWatchLogsPayload> = {},
  { compression = 'gzip' }: { compression?: Compression } = {},
): CloudWatchLogsEvent {
  return { awslogs: { data: encodeSubscriptionData(subscriptionPayload(overrides), compression) } };
}

/** A Lambda context whose remaining time is fixed, so retry budgets are deterministic. */
export function lambdaContext({ remainingTimeMs = 60_000 }: { remainingTimeMs?: number } = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'ingestor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ingestor',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/ingestor',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => remainingTimeMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The shared public corpus (../shared/corpus), read in place, never copied into the repository. */
export const CORPUS = pathToFileURL(`${CORPUS_DIR}/`);

export function readCorpusJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, CORPUS), 'utf8'));
}

/**
 * Every file under corpus/events that is a CloudWatch Logs Lambda event (`{"awslogs":{"data"}}`),
 * found by shape rather than listed, so a sample added to the corpus is tested too. The derived
 * `decoded/` views are left out: they are expectations, not events.
 */
export function corpusCloudWatchLogsEvents(): { readonly file: string; readonly event: CloudWatchLogsEvent }[] {
  const files = readdirSync(new URL('events/', CORPUS), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json') && !file.startsWith('decoded'))
    .sort();
  return files.flatMap((file) => {
    const content = readCorpusJson(`events/${file}`);
    const data = (content as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
    return typeof data === 'string' ? [{ file, event: { awslogs: { data } } }] : [];
  });
}
