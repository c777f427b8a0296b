import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../../src/firehose/delivery/delivery-record.js';
import { chunkForPutRecordBatch } from '../../../../src/firehose/delivery/put-record-batch-chunks.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_PUT_RECORD_BATCH_RECORDS, MAX_RECORD_BYTES } from '../../../../src/firehose/delivery/put-record-batch-limits.js';

/** Records of the given sizes; the bytes are shared, since only their length matters here. */
function recordsOfSizes(sizes: readonly number[]): DeliveryRecord[] {
  const largest = new Uint8Array(Math.max(0, ...sizes));
  return sizes.map((size, index) => ({ sourceId: `event-${index}`, data: largest.subarray(0, size) }));
}

function batchShapes(records: readonly DeliveryRecord[]): { records: number; bytes: number }[] {
  const batches = chunkForPutRecordBatch(records);
  if (!batches.ok) throw new Error(`unexpected oversized record ${batches.error.sourceId}`);
  return batches.value.map((batch) => ({ records: batch.length, bytes: batch.reduce((sum, record) => sum + record.data.byteLength, 0) }));
}

describe('chunkForPutRecordBatch', () => {
  it('uses Firehose limits of 500 records, 4 MiB per call and 1,000 KiB per record', () => {
    expect([MAX_PUT_RECORD_BATCH_RECORDS, MAX_PUT_RECORD_BATCH_BYTES, MAX_RECORD_BYTES]).toEqual([500, 4_194_304, 1_024_000]);
  });

  it.each([
    [1, [1]],
    [499, [499]],
    [500, [500]],
    [501, [500, 1]],
    [1000, [500, 500]],
    [1001, [500, 500, 1]],
  ])('splits %i small records into batches of %j', (count, expected) => {
    const shapes = batchShapes(recordsOfSizes(Array.from({ length: count }, () => 120)));

    expect(shapes.map((shape) => shape.records)).toEqual(expected);
  });

  it('returns no batch for no records', () => {
    expect(batchShapes([])).toEqual([]);
  });

  it('keeps records that total exactly 4 MiB in one call', () => {
    // Four records of 1,000 KiB plus one that fills the rest.
    const sizes = [MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_PUT_RECORD_BATCH_BYTES - 4 * MAX_RECORD_BYTES];

    const shapes = batchShapes(recordsOfSizes(sizes));

    expect(shapes).toEqual([{ records: 5, bytes: MAX_PUT_RECORD_BATCH_BYTES }]);
  });

  it('starts a second call when one more byte would pass 4 MiB', () => {
    const sizes = [MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_PUT_RECORD_BATCH_BYTES - 4 * MAX_RECORD_BYTES + 1];

    const shapes = batchShapes(recordsOfSizes(sizes));

    expect(shapes.map((shape) => shape.records)).toEqual([4, 1]);
  });

  it('splits by bytes before records when records are large', () => {
    // 100 KiB records: 40 fit in 4 MiB (4,096,000 bytes), the 41st would not.
    const shapes = batchShapes(recordsOfSizes(Array.from({ length: 100 }, () => 100 * 1024)));

    expect(shapes.map((shape) => shape.records)).toEqual([40, 40, 20]);
  });

  it('accepts a record of exactly 1,000 KiB', () => {
    const batches = chunkForPutRecordBatch(recordsOfSizes([MAX_RECORD_BYTES]));

    expect(batches.ok).toBe(true);
  });

  it('refuses a record one byte over 1,000 KiB, naming it', () => {
    const batches = chunkForPutRecordBatch(recordsOfSizes([10, MAX_RECORD_BYTES + 1, 10]));

    expect(batches).toEqual({ ok: false, error: { sourceId: 'event-1', index: 1, bytes: MAX_RECORD_BYTES + 1 } });
  });

  it('keeps the order of the records', () => {
    const records = recordsOfSizes(Array.from({ length: 1200 }, (_, index) => index % 7));

    const batches = chunkForPutRecordBatch(records);

    expect(batches.ok && batches.value.flat()).toEqual(records);
  });
});
