import { err, ok, type Result } from '../../result.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_PUT_RECORD_BATCH_RECORDS, MAX_RECORD_BYTES } from './put-record-batch-limits.js';

/** A record larger than Firehose accepts; no batching can send it. */
export interface OversizedRecord {
  readonly sourceId: string;
  readonly index: number;
  readonly bytes: number;
}

/**
 * Splits records into PutRecordBatch calls of at most 500 records and 4 MiB each, in order, each
 * record exactly once. A batch is closed only when the next record would break a limit, so the
 * number of calls is the fewest an order-keeping split allows. Fails, sending nothing, if any
 * record exceeds 1,000 KiB.
 *
 * @example
 * const batches = chunkForPutRecordBatch(records);
 * if (!batches.ok) throw new Error(`log event ${batches.error.sourceId} is too large`);
 * for (const batch of batches.value) await stream.putRecordBatch(batch.map((record) => record.data));
 */
export function chunkForPutRecordBatch<R extends { readonly sourceId: string; readonly data: Uint8Array }>(
  records: readonly R[],
): Result<R[][], OversizedRecord> {
  const batches: R[][] = [];
  let current: R[] = [];
  let currentBytes = 0;
  for (const [index, record] of records.entries()) {
    const bytes = record.data.byteLength;
    if (bytes > MAX_RECORD_BYTES) {
      return err({ sourceId: record.sourceId, index, bytes });
    }
    if (current.length === MAX_PUT_RECORD_BATCH_RECORDS || currentBytes + bytes > MAX_PUT_RECORD_BATCH_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return ok(batches);
}
