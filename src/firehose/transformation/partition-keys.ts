import type { LookupScope } from '../../domain/lookup-scope.js';
import type { FlowLogDocument } from '../../flow-log/flow-log-document.js';
import { isoTimestampFromUnixSeconds } from '../../flow-log/unix-time.js';

/**
 * The layout the stream writes to S3 (S3_LAYOUT, template parameter S3Layout): `stack-bucket`,
 * Hive-style prefixes by arrival time that Firehose names on its own; `security-lake`, the
 * partitions of an Amazon Security Lake custom source
 * (`ext/<source>/region=<r>/accountId=<a>/eventDay=<YYYYMMDD>/`), which Firehose's dynamic
 * partitioning takes from the keys the decorator returns with each Ok record.
 */
export const S3Layout = {
  StackBucket: 'stack-bucket',
  SecurityLake: 'security-lake',
} as const;
export type S3Layout = (typeof S3Layout)[keyof typeof S3Layout];
export const S3_LAYOUTS: readonly S3Layout[] = Object.values(S3Layout);

/**
 * The keys Firehose reads as `!{partitionKeyFromLambda:region}`, `:accountId` and `:eventDay`
 * (a type, not an interface, so that it is a Firehose `partitionKeys` map as it is).
 */
export type SecurityLakePartitionKeys = {
  readonly region: string;
  readonly accountId: string;
  /** The UTC day of the flow's OCSF `time` (its start, else its end), `YYYYMMDD`. */
  readonly eventDay: string;
};

const ACCOUNT_ID = /^\d{12}$/;
/**
 * An AWS Region name (`us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`). The value becomes part of
 * an S3 key, so anything else a record claims (`../`, spaces) is never used as one.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const MS_PER_SECOND = 1000;
/** Days Security Lake can hold are four-digit years: 0001-01-01 to 9999-12-31. */
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * The Security Lake partition of one flow: the account and Region it belongs to (the record's own
 * `account_id` and `region` when it carries valid ones, else the function's own, as look-ups do)
 * and the UTC day of its event time (the record's `start`, else `end`, else the time Firehose
 * received it). Undefined when no account or Region can be named: Firehose then writes the record
 * under its error prefix rather than under a made-up partition.
 *
 * @example
 * securityLakePartitionKeys({ account_id: '123456789012', start: 1700000000 }, { accountId: '210987654321', region: 'eu-west-1' })
 * // { region: 'eu-west-1', accountId: '123456789012', eventDay: '20231114' }
 */
export function securityLakePartitionKeys(
  document: Pick<FlowLogDocument, 'account_id' | 'region' | 'start' | 'end'>,
  own: LookupScope | undefined,
  arrivalMs?: number,
): SecurityLakePartitionKeys | undefined {
  const accountId = validAccount(document.account_id) ?? validAccount(own?.accountId);
  const region = validRegion(document.region) ?? validRegion(own?.region);
  const eventDay = utcDay(secondsToMs(document.start)) ?? utcDay(secondsToMs(document.end)) ?? utcDay(arrivalMs);
  if (accountId === undefined || region === undefined || eventDay === undefined) return undefined;
  return { region, accountId, eventDay };
}

/** Whether two flows go to the same partition. */
export function samePartition(left: SecurityLakePartitionKeys | undefined, right: SecurityLakePartitionKeys | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  return left.region === right.region && left.accountId === right.accountId && left.eventDay === right.eventDay;
}

function validAccount(value: string | undefined): string | undefined {
  return value !== undefined && ACCOUNT_ID.test(value) ? value : undefined;
}

function validRegion(value: string | undefined): string | undefined {
  return value !== undefined && REGION.test(value) ? value : undefined;
}

function secondsToMs(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value * MS_PER_SECOND : undefined;
}

function utcDay(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return undefined;
  // `YYYY-MM-DD` of the parser's own cached formatter, without its hyphens.
  const iso = isoTimestampFromUnixSeconds(Math.floor(ms / MS_PER_SECOND));
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
}
