import type { CloudWatchLogEvent } from '../../cloudwatch/decode-subscription-payload.js';

/** One Firehose record, with the id of the log event it came from to name it in errors. */
export interface DeliveryRecord {
  /** The CloudWatch Logs event id; kept for messages, never sent. */
  readonly sourceId: string;
  readonly data: Uint8Array;
}

/**
 * Turns one log event into one Firehose record: the message and a newline. Firehose joins records
 * with nothing in between when it writes to S3, so the newline keeps one flow-log line per line;
 * the decorator splits on it.
 *
 * @example
 * toDeliveryRecord({ id: '3195', timestamp: 1432826855000, message: '2 123456789012 eni-0a1b ... OK' });
 * // { sourceId: '3195', data: <bytes of "2 123456789012 eni-0a1b ... OK\n"> }
 */
export function toDeliveryRecord(logEvent: CloudWatchLogEvent): DeliveryRecord {
  return { sourceId: logEvent.id, data: Buffer.from(`${logEvent.message}\n`, 'utf8') };
}

/**
 * Lines packed into one record at most: Firehose's multi-record de-aggregation, which splits packed
 * records back into lines before the decorator when the stack partitions by record (the Security
 * Lake layout), takes up to 500 sub-records a record.
 */
const MAX_PACKED_LINES = 500;

/**
 * Turns log events into Firehose records, packing consecutive lines into one record while it stays
 * within `packingBytes` and MAX_PACKED_LINES (a line is never split; a longer line gets a record of its own). Firehose
 * bills each record rounded up to 5 KB, so one 120-byte line a record pays for about 40: packed
 * records pay for what they carry. Only for an S3 destination: the decorator turns a record of
 * several lines into newline-delimited documents, which OpenSearch cannot take. `packingBytes` 0
 * puts one line a record.
 *
 * @example
 * toDeliveryRecords(logEvents, 5_120).length // about a fortieth of logEvents.length for 120-byte lines
 */
export function toDeliveryRecords(logEvents: readonly CloudWatchLogEvent[], packingBytes: number): DeliveryRecord[] {
  if (packingBytes <= 0) return logEvents.map(toDeliveryRecord);
  const records: DeliveryRecord[] = [];
  let lines: Buffer[] = [];
  let bytes = 0;
  let firstId = '';
  let lastId = '';
  const flush = (): void => {
    if (lines.length === 0) return;
    const sourceId = lines.length === 1 ? firstId : `${firstId} to ${lastId} (${lines.length} log events)`;
    records.push({ sourceId, data: lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines, bytes) });
    lines = [];
    bytes = 0;
  };
  for (const logEvent of logEvents) {
    const line = Buffer.from(`${logEvent.message}\n`, 'utf8');
    if (bytes + line.length > packingBytes || lines.length === MAX_PACKED_LINES) flush();
    if (lines.length === 0) firstId = logEvent.id;
    lastId = logEvent.id;
    lines.push(line);
    bytes += line.length;
  }
  flush();
  return records;
}
