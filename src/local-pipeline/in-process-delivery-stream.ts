import type { FirehoseTransformationEvent } from 'aws-lambda';
import { DeliveryCallError } from '../firehose/delivery/delivery-errors.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_PUT_RECORD_BATCH_RECORDS, MAX_RECORD_BYTES } from '../firehose/delivery/put-record-batch-limits.js';
import type { Clock, DeliveryStream, PutRecordOutcome } from '../ports.js';
import { deterministicUuid, firehoseObjectKey } from './firehose-object-key.js';
import type { ObjectStore } from './object-store.js';
import { checkTransformationResponse, TransformationErrorCode, type TransformationFailure } from './transformation-contract.js';

/** Firehose's buffer hints: whichever is reached first, size or time since the oldest record, flushes. */
export interface BufferingHints {
  readonly sizeBytes: number;
  readonly intervalMs: number;
}

/** The transformation Lambda as Firehose calls it; whatever it resolves with is the response JSON. */
export type TransformationFunction = (event: FirehoseTransformationEvent) => Promise<unknown>;

/** The error codes of PutRecordBatch calls the service refuses as a whole. */
export const PutRecordBatchErrorCode = {
  /** The request breaks the API model: no records, more than 500, or a record over 1,000 KiB. */
  Validation: 'ValidationException',
  /** The request's records total more than 4 MiB. */
  InvalidArgument: 'InvalidArgumentException',
} as const;

export interface InProcessDeliveryStreamOptions {
  readonly deliveryStreamName: string;
  readonly region: string;
  readonly accountId: string;
  /** Named in the event and in failed records, as the processor's LambdaArn. */
  readonly lambdaArn: string;
  readonly transform: TransformationFunction;
  /** The processor's BufferSizeInMBs / BufferIntervalInSeconds (template.yaml: 0.5 MB, 60 s). */
  readonly processorBuffering: BufferingHints;
  /** The destination's buffering (template.yaml's S3 destination: 64 MB, 300 s). */
  readonly destinationBuffering: BufferingHints;
  /** Retries of a failed invocation (the processor's NumberOfRetries, 3 by default). */
  readonly numberOfRetries: number;
  readonly clock: Clock;
  readonly objectStore: ObjectStore;
  /** Key prefixes of delivered and processing-failed objects. */
  readonly deliveredPrefix: string;
  readonly processingFailedPrefix: string;
  /**
   * Fails single records of a call as a throttled stream does (`ServiceUnavailableException`);
   * returns undefined to accept the record. For tests of the ingestor's retries.
   */
  readonly refuseRecord?: (data: Uint8Array) => PutRecordOutcome | undefined;
}

/** What the stream did, for the run's summary. */
export interface DeliveryStreamStats {
  readonly putRecordBatchCalls: number;
  readonly callsRefused: number;
  readonly recordsAccepted: number;
  readonly recordsRefused: number;
  readonly invocations: number;
  /** Invocations whose attempts all failed; their records went to processing-failed. */
  readonly failedInvocations: number;
  readonly results: { readonly Ok: number; readonly Dropped: number; readonly ProcessingFailed: number };
  /** Records failed with their invocation, by error code. */
  readonly invocationFailures: Readonly<Record<string, number>>;
  readonly deliveredObjects: number;
  readonly deliveredRecords: number;
  readonly processingFailedObjects: number;
  readonly processingFailedRecords: number;
}

/** A Firehose stream with its transformation, running in this process. */
export interface InProcessDeliveryStream extends DeliveryStream {
  /** Flushes every buffer whose interval has passed on the clock, and waits for the work. */
  flushDue(): Promise<void>;
  /** Flushes everything and waits: the end of a run. */
  close(): Promise<void>;
  stats(): DeliveryStreamStats;
}

interface BufferedRecord {
  readonly recordId: string;
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

interface OutputEntry {
  readonly arrivalMs: number;
  readonly body: string | Uint8Array;
}

/** One output buffer (delivered or processing-failed) writing objects under its prefix. */
interface OutputBuffer {
  add(entry: OutputEntry, at: number): Promise<void>;
  flush(force: boolean, at: number): Promise<void>;
}

/**
 * A Direct PUT Firehose stream with a Lambda processor, in process, honouring the service's
 * contract: PutRecordBatch refuses calls over 500 records or 4 MiB and records over 1,000 KiB;
 * records are buffered by the processor's size and interval hints; the transformation is called
 * with Firehose's event (invocationId, deliveryStreamArn, region, records with recordId,
 * approximateArrivalTimestamp and base64 data) and its response checked as Firehose checks it.
 * `Ok` data goes to the destination buffer and then `deliveredPrefix` objects; `Dropped` is
 * counted; `ProcessingFailed` records, and every record of an invocation that failed all its
 * attempts, are written to `processingFailedPrefix` objects in Firehose's failed-record format.
 *
 * Flushes run one at a time in call order; a put never waits for them, as with the service.
 *
 * @example
 * const stream = createInProcessDeliveryStream({ deliveryStreamName: 'flows', transform, clock, objectStore, ... });
 * await deliverRecords(records, { deliveryStream: stream, ... });
 * await stream.close();
 */
export function createInProcessDeliveryStream(options: InProcessDeliveryStreamOptions): InProcessDeliveryStream {
  const { clock, processorBuffering } = options;
  const deliveryStreamArn = `arn:aws:firehose:${options.region}:${options.accountId}:deliverystream/${options.deliveryStreamName}`;
  const stats = {
    putRecordBatchCalls: 0,
    callsRefused: 0,
    recordsAccepted: 0,
    recordsRefused: 0,
    invocations: 0,
    failedInvocations: 0,
    results: { Ok: 0, Dropped: 0, ProcessingFailed: 0 },
    invocationFailures: {} as Record<string, number>,
    deliveredObjects: 0,
    deliveredRecords: 0,
    processingFailedObjects: 0,
    processingFailedRecords: 0,
  };
  let buffer: BufferedRecord[] = [];
  let bufferedBytes = 0;
  let recordSequence = 0;
  let invocationSequence = 0;
  let work: Promise<void> = Promise.resolve();
  let workFailure: Error | undefined;

  /** Runs flushes one after the other; a failure (an unwritable folder) surfaces at the next wait. */
  const enqueue = (task: () => Promise<void>): void => {
    work = work.then(task).catch((error: unknown) => {
      workFailure ??= error instanceof Error ? error : new Error(String(error));
    });
  };
  const settle = async (): Promise<void> => {
    await work;
    if (workFailure !== undefined) throw workFailure;
  };

  const delivered = createOutputBuffer(options, options.deliveredPrefix, (records) => {
    stats.deliveredObjects += 1;
    stats.deliveredRecords += records;
  });
  const processingFailed = createOutputBuffer(options, options.processingFailedPrefix, (records) => {
    stats.processingFailedObjects += 1;
    stats.processingFailedRecords += records;
  });

  /** Takes the buffer now, so what each invocation holds does not depend on when the flush runs. */
  const flushProcessor = (at: number): void => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    bufferedBytes = 0;
    enqueue(() => invoke(batch, at));
  };

  const invoke = async (batch: readonly BufferedRecord[], at: number): Promise<void> => {
    invocationSequence += 1;
    stats.invocations += 1;
    const event: FirehoseTransformationEvent = {
      invocationId: deterministicUuid(`${deliveryStreamArn}|invocation|${invocationSequence}`),
      deliveryStreamArn,
      region: options.region,
      records: batch.map((record) => ({ recordId: record.recordId, approximateArrivalTimestamp: record.arrivalMs, data: Buffer.from(record.data).toString('base64') })),
    };
    const recordIds = batch.map((record) => record.recordId);
    let failure: TransformationFailure | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= options.numberOfRetries + 1; attempt += 1) {
      attempts = attempt;
      let responseText: string;
      try {
        // Through JSON, as over the wire: what does not serialise does not reach Firehose.
        responseText = JSON.stringify(await options.transform(event)) ?? 'null';
      } catch (error) {
        failure = { errorCode: TransformationErrorCode.FunctionError, errorMessage: `The Lambda function failed: ${error instanceof Error ? error.message : String(error)}` };
        continue;
      }
      const checked = checkTransformationResponse(recordIds, responseText);
      if (!checked.ok) {
        failure = checked.error;
        continue;
      }
      for (const record of batch) {
        const outcome = checked.value.get(record.recordId);
        if (outcome === undefined) continue;
        stats.results[outcome.result] += 1;
        if (outcome.result === 'Ok') {
          await delivered.add({ arrivalMs: record.arrivalMs, body: outcome.data }, at);
        } else if (outcome.result === 'ProcessingFailed') {
          await processingFailed.add(failedRecord(record, { errorCode: TransformationErrorCode.ProcessingFailedStatus, errorMessage: 'ProcessingFailed status set for the record.' }, attempt, at), at);
        }
      }
      return;
    }
    stats.failedInvocations += 1;
    const { errorCode, errorMessage } = failure ?? { errorCode: TransformationErrorCode.FunctionError, errorMessage: 'The invocation failed.' };
    stats.invocationFailures[errorCode] = (stats.invocationFailures[errorCode] ?? 0) + batch.length;
    for (const record of batch) await processingFailed.add(failedRecord(record, { errorCode, errorMessage }, attempts, at), at);
  };

  const failedRecord = (record: BufferedRecord, failure: TransformationFailure, attemptsMade: number, at: number): OutputEntry => ({
    arrivalMs: record.arrivalMs,
    body: `${JSON.stringify({
      attemptsMade,
      arrivalTimestamp: record.arrivalMs,
      errorCode: failure.errorCode,
      errorMessage: failure.errorMessage,
      attemptEndingTimestamp: at,
      rawData: Buffer.from(record.data).toString('base64'),
      lambdaArn: options.lambdaArn,
    })}\n`,
  });

  const processorDue = (now: number): boolean => buffer.length > 0 && now - (buffer[0] as BufferedRecord).arrivalMs >= processorBuffering.intervalMs;

  return {
    putRecordBatch(records) {
      stats.putRecordBatchCalls += 1;
      const refuse = (code: string, message: string): Promise<never> => {
        stats.callsRefused += 1;
        return Promise.reject(new DeliveryCallError(code, message, { retryable: false }));
      };
      if (records.length === 0 || records.length > MAX_PUT_RECORD_BATCH_RECORDS) {
        return refuse(PutRecordBatchErrorCode.Validation, `records must hold 1 to ${MAX_PUT_RECORD_BATCH_RECORDS} entries, got ${records.length}`);
      }
      let total = 0;
      for (const [index, data] of records.entries()) {
        if (data.byteLength > MAX_RECORD_BYTES) {
          return refuse(PutRecordBatchErrorCode.Validation, `records[${index}].data has ${data.byteLength} bytes, over ${MAX_RECORD_BYTES}`);
        }
        total += data.byteLength;
      }
      if (total > MAX_PUT_RECORD_BATCH_BYTES) {
        return refuse(PutRecordBatchErrorCode.InvalidArgument, `the records total ${total} bytes, over ${MAX_PUT_RECORD_BATCH_BYTES}`);
      }
      const now = clock.now();
      if (processorDue(now)) flushProcessor(now);
      const outcomes = records.map((data): PutRecordOutcome => {
        const refused = options.refuseRecord?.(data);
        if (refused !== undefined && !refused.ok) {
          stats.recordsRefused += 1;
          return refused;
        }
        recordSequence += 1;
        stats.recordsAccepted += 1;
        buffer.push({ recordId: firehoseRecordId(recordSequence), arrivalMs: now, data: Uint8Array.from(data) });
        bufferedBytes += data.byteLength;
        if (bufferedBytes >= processorBuffering.sizeBytes) flushProcessor(now);
        return { ok: true };
      });
      return Promise.resolve(outcomes);
    },
    async flushDue() {
      const now = clock.now();
      if (processorDue(now)) flushProcessor(now);
      enqueue(async () => {
        await delivered.flush(false, now);
        await processingFailed.flush(false, now);
      });
      await settle();
    },
    async close() {
      const now = clock.now();
      flushProcessor(now);
      enqueue(async () => {
        await delivered.flush(true, now);
        await processingFailed.flush(true, now);
      });
      await settle();
    },
    stats: () => ({ ...stats, results: { ...stats.results }, invocationFailures: { ...stats.invocationFailures } }),
  };
}

/** Firehose record ids are long decimal strings; these keep the shape and count up. */
function firehoseRecordId(sequence: number): string {
  return `4954698668313554428650745793632162567570019247115678515${String(sequence).padStart(9, '0')}`;
}

function createOutputBuffer(options: InProcessDeliveryStreamOptions, prefix: string, written: (records: number) => void): OutputBuffer {
  const { sizeBytes, intervalMs } = options.destinationBuffering;
  let entries: OutputEntry[] = [];
  let bytes = 0;
  let objects = 0;
  /** When the buffer got its first entry: the destination's interval counts from there. */
  let startedAt = 0;
  const write = async (): Promise<void> => {
    if (entries.length === 0) return;
    const batch = entries;
    entries = [];
    bytes = 0;
    objects += 1;
    // A loop, not Math.min(...): an object can hold hundreds of thousands of records, past the argument limit.
    let oldest = Number.POSITIVE_INFINITY;
    for (const entry of batch) if (entry.arrivalMs < oldest) oldest = entry.arrivalMs;
    const body = Buffer.concat(batch.map((entry) => (typeof entry.body === 'string' ? Buffer.from(entry.body, 'utf8') : entry.body)));
    await options.objectStore.putObject(firehoseObjectKey(prefix, options.deliveryStreamName, oldest, objects), body);
    written(batch.length);
  };
  const due = (at: number): boolean => entries.length > 0 && at - startedAt >= intervalMs;
  return {
    async add(entry, at) {
      if (due(at)) await write();
      if (entries.length === 0) startedAt = at;
      entries.push(entry);
      bytes += typeof entry.body === 'string' ? Buffer.byteLength(entry.body) : entry.body.byteLength;
      if (bytes >= sizeBytes) await write();
    },
    async flush(force, at) {
      if (force || due(at)) await write();
    },
  };
}
