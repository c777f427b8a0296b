import { createHash } from 'node:crypto';

/** Firehose's version number in object names (`StreamName-Version-...`). */
const OBJECT_NAME_VERSION = 1;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * The S3 key Firehose gives an object: the prefix, the UTC `yyyy/MM/dd/HH/` of the oldest record's
 * arrival (Firehose's default when the prefix has no timestamp expression), then
 * `StreamName-Version-yyyy-MM-dd-HH-mm-ss-<uuid>`. The uuid is derived from the stream name and
 * `sequence` instead of random, so runs repeat exactly.
 * https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html#s3-object-name
 *
 * @example
 * firehoseObjectKey('delivered/', 'vpc-flow-logs', Date.UTC(2026, 5, 1, 8, 5, 0), 1);
 * // 'delivered/2026/06/01/08/vpc-flow-logs-1-2026-06-01-08-05-00-<uuid>'
 */
export function firehoseObjectKey(prefix: string, deliveryStreamName: string, oldestArrivalMs: number, sequence: number): string {
  const time = new Date(oldestArrivalMs);
  const [year, month, day, hour] = [time.getUTCFullYear(), pad(time.getUTCMonth() + 1), pad(time.getUTCDate()), pad(time.getUTCHours())];
  const name = `${deliveryStreamName}-${OBJECT_NAME_VERSION}-${year}-${month}-${day}-${hour}-${pad(time.getUTCMinutes())}-${pad(time.getUTCSeconds())}-${deterministicUuid(`${prefix}|${deliveryStreamName}|${sequence}`)}`;
  return `${prefix}${year}/${month}/${day}/${hour}/${name}`;
}

/**
 * A version-4-shaped UUID from a hash of `seed`: unique enough to name objects, and the same on
 * every run.
 *
 * @example deterministicUuid('stream|1') // 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx', always the same
 */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
