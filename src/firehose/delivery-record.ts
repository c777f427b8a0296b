import type { CloudWatchLogEvent } from '../cloudwatch/decode-subscription-payload.js';

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
