import { runWithConcurrency } from '../../concurrency-limit.js';
import { silentLogger, type Clock, type DeliveryStream, type Logger, type Sleep } from '../../ports.js';
import { DeliveryCallError, DeliveryError, OversizedRecordError } from './delivery-errors.js';
import type { DeliveryRecord } from './delivery-record.js';
import { chunkForPutRecordBatch } from './put-record-batch-chunks.js';
import { MAX_RECORD_BYTES } from './put-record-batch-limits.js';

/** Why records were given up on. */
export const DeliveryStop = {
  /** Every allowed attempt was used. */
  Attempts: 'attempts',
  /** The next back-off would have ended past the deadline. */
  Deadline: 'deadline',
  /** Firehose refused the call in a way retrying cannot fix (unknown stream, access denied). */
  NotRetryable: 'not_retryable',
} as const;
export type DeliveryStop = (typeof DeliveryStop)[keyof typeof DeliveryStop];

/** Exponential back-off with full jitter: retry n waits a random time in [0, min(max, base * 2^(n-1))). */
export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** 100 ms doubling up to 5 s: eight attempts fit in about ten seconds at worst. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 5000 };

export interface DeliverRecordsOptions {
  readonly deliveryStream: DeliveryStream;
  /** PutRecordBatch calls in flight at once. */
  readonly concurrency: number;
  /** Attempts per record, the first included. */
  readonly maxAttempts: number;
  /** Time (on `clock`) after which no retry is started: the invocation's remaining time less a margin. */
  readonly deadline: number;
  /**
   * Aborts at `deadline` (AbortSignal.timeout in the Lambda): a call still unanswered then counts
   * as failed (`DeadlineExceeded`) and nothing more is sent, so the DeliveryError, the summary log
   * and the metrics come out before Lambda's own deadline, however long Firehose hangs.
   */
  readonly callsUntil?: AbortSignal;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Uniform in [0, 1), for jitter. */
  readonly random: () => number;
  readonly backoff?: BackoffPolicy;
  /** Gets one debug line per retry; never per record. */
  readonly logger?: Logger;
}

/** What a delivery did; the numbers of the summary log and metrics. */
export interface DeliveryReport {
  readonly recordsIn: number;
  readonly recordsPut: number;
  readonly bytesPut: number;
  /** PutRecordBatch calls made, retries included. */
  readonly calls: number;
  /** Records sent again after a failure, counted once per resend. */
  readonly recordsRetried: number;
  readonly recordsFailed: number;
  /** For records never delivered: the last error code seen, and how many records had it. */
  readonly failureCodes: Readonly<Record<string, number>>;
  readonly stoppedBy: readonly DeliveryStop[];
  /** The first whole-call error, kept as the cause of a `DeliveryError`. */
  readonly firstCallError?: unknown;
}

interface RecordFailure {
  readonly record: DeliveryRecord;
  readonly errorCode: string;
  readonly retryable: boolean;
}

/**
 * Puts records into a Firehose delivery stream without losing any silently. Records go out in
 * PutRecordBatch calls of at most 500 records and 4 MiB, `concurrency` calls at a time. When
 * Firehose answers with `FailedPutCount > 0`, only the entries that carry an `ErrorCode` are sent
 * again; whole-call errors that may pass (throttling, ServiceUnavailableException) are retried the
 * same way. Retries back off exponentially with full jitter, up to `maxAttempts` and never past
 * `deadline`.
 *
 * Delivery is at least once, never exactly once: a call that timed out may still have been
 * written, and when this throws, Lambda retries the whole event, so records can arrive twice.
 *
 * Throws `OversizedRecordError` (before sending anything) for a record over 1,000 KiB, and
 * `DeliveryError`, whose `report` says what happened, if any record is still undelivered.
 *
 * @example
 * const report = await deliverRecords(logEvents.map(toDeliveryRecord), {
 *   deliveryStream, concurrency: 4, maxAttempts: 8, deadline: Date.now() + context.getRemainingTimeInMillis() - 1000,
 *   clock: systemClock, sleep: (ms) => setTimeout(ms), random: Math.random,
 * });
 * logger.info('delivered', { recordsPut: report.recordsPut });
 */
export async function deliverRecords(records: readonly DeliveryRecord[], options: DeliverRecordsOptions): Promise<DeliveryReport> {
  const batches = chunkForPutRecordBatch(records);
  if (!batches.ok) {
    throw new OversizedRecordError(batches.error.sourceId, batches.error.bytes, MAX_RECORD_BYTES);
  }
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const logger = options.logger ?? silentLogger;
  let recordsPut = 0;
  let bytesPut = 0;
  let calls = 0;
  let recordsRetried = 0;
  let firstCallError: unknown;
  const failed: RecordFailure[] = [];
  const stoppedBy = new Set<DeliveryStop>();

  /** One call: the records that failed, each with its code. */
  const putOnce = async (pending: readonly DeliveryRecord[]): Promise<RecordFailure[]> => {
    const until = options.callsUntil;
    if (until?.aborted === true) {
      stoppedBy.add(DeliveryStop.Deadline);
      return pending.map((record) => ({ record, errorCode: DEADLINE_EXCEEDED, retryable: false }));
    }
    calls += 1;
    let outcomes;
    try {
      outcomes = await answeredBefore(until, options.deliveryStream.putRecordBatch(pending.map((record) => record.data)));
      if (outcomes === undefined) {
        stoppedBy.add(DeliveryStop.Deadline);
        return pending.map((record) => ({ record, errorCode: DEADLINE_EXCEEDED, retryable: false }));
      }
    } catch (error) {
      firstCallError ??= error;
      const code = error instanceof DeliveryCallError ? error.code : error instanceof Error ? error.name : 'UnknownError';
      const retryable = error instanceof DeliveryCallError && error.retryable;
      return pending.map((record) => ({ record, errorCode: code, retryable }));
    }
    const failures: RecordFailure[] = [];
    for (const [index, record] of pending.entries()) {
      const outcome = outcomes[index];
      if (outcome?.ok === true) {
        recordsPut += 1;
        bytesPut += record.data.byteLength;
      } else {
        // A missing outcome means a malformed answer; the record is not known to be written.
        failures.push({ record, errorCode: outcome?.errorCode ?? 'MissingRecordOutcome', retryable: true });
      }
    }
    return failures;
  };

  const deliverBatch = async (batch: readonly DeliveryRecord[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; ; attempt += 1) {
      const failures = await putOnce(pending);
      const retryable = failures.filter((failure) => failure.retryable);
      if (retryable.length < failures.length) {
        stoppedBy.add(DeliveryStop.NotRetryable);
        failed.push(...failures.filter((failure) => !failure.retryable));
      }
      if (retryable.length === 0) return;
      const delayMs = fullJitterDelay(attempt, backoff, options.random);
      const stop = attempt >= options.maxAttempts ? DeliveryStop.Attempts : options.clock.now() + delayMs >= options.deadline ? DeliveryStop.Deadline : undefined;
      if (stop !== undefined) {
        stoppedBy.add(stop);
        failed.push(...retryable);
        return;
      }
      logger.debug('retrying PutRecordBatch entries', { attempt, records: retryable.length, errorCodes: countCodes(retryable), delayMs });
      await options.sleep(delayMs);
      recordsRetried += retryable.length;
      pending = retryable.map((failure) => failure.record);
    }
  };

  await Promise.all(runWithConcurrency(batches.value, options.concurrency, deliverBatch));

  const report: DeliveryReport = {
    recordsIn: records.length,
    recordsPut,
    bytesPut,
    calls,
    recordsRetried,
    recordsFailed: failed.length,
    failureCodes: countCodes(failed),
    stoppedBy: [...stoppedBy],
    ...(firstCallError === undefined ? {} : { firstCallError }),
  };
  if (report.recordsFailed > 0) throw new DeliveryError(report);
  return report;
}

/** The code of records whose call was still unanswered at the deadline: written or not, unknown. */
export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

/** The call's answer, or undefined when `until` aborts first. */
async function answeredBefore<T>(until: AbortSignal | undefined, call: Promise<T>): Promise<T | undefined> {
  if (until === undefined) return call;
  let stop = (): void => {};
  const deadline = new Promise<undefined>((resolve) => {
    stop = () => resolve(undefined);
    until.addEventListener('abort', stop, { once: true });
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    until.removeEventListener('abort', stop);
  }
}

/**
 * The wait before retry `attempt` (1 for the first retry): full jitter spreads retries of parallel
 * calls and of concurrent Lambdas, so they do not hit a throttled stream together.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * @example fullJitterDelay(3, { baseDelayMs: 100, maxDelayMs: 5000 }, () => 0.5) // 200
 */
export function fullJitterDelay(attempt: number, backoff: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

function countCodes(failures: readonly RecordFailure[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const { errorCode } of failures) counts.set(errorCode, (counts.get(errorCode) ?? 0) + 1);
  return Object.fromEntries(counts);
}
