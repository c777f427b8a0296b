import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudWatchLogEvent } from '../../src/cloudwatch/decode-subscription-payload.js';
import { toDeliveryRecord, toDeliveryRecords } from '../../src/firehose/delivery/delivery-record.js';
import { chunkForPutRecordBatch } from '../../src/firehose/delivery/put-record-batch-chunks.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_PUT_RECORD_BATCH_RECORDS, MAX_RECORD_BYTES } from '../../src/firehose/delivery/put-record-batch-limits.js';
import { logEventId } from '../support/cloudwatch-builders.js';

/**
 * Mostly flow-log-sized messages of any Unicode text, sometimes one of hundreds of KiB in one-,
 * two- or three-byte characters, so both the 500-record and the 4 MiB limits are reached, and
 * now and then a record just over 1,000 KiB.
 */
const message = fc.oneof(
  { weight: 300, arbitrary: fc.string({ unit: 'binary', maxLength: 150 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 100_000, max: 1_030_000 }), fc.constantFrom('x', 'é', '€'))
      .map(([bytes, character]) => character.repeat(Math.floor(bytes / Buffer.byteLength(character)))),
  },
);

const logEventsArbitrary = fc
  .array(message, { maxLength: 1_600, size: 'max' })
  .map((messages): CloudWatchLogEvent[] => messages.map((text, sequence) => ({ id: logEventId(sequence), timestamp: sequence, message: text })));

describe('chunkForPutRecordBatch (property)', () => {
  it('respects both limits, keeps order and holds every record exactly once, or names the first oversized record', () => {
    fc.assert(
      fc.property(logEventsArbitrary, (logEvents) => {
        // Prepare
        const records = logEvents.map(toDeliveryRecord);
        const firstOversized = records.findIndex((record) => record.data.byteLength > MAX_RECORD_BYTES);

        // Act
        const batches = chunkForPutRecordBatch(records);

        // Assess
        if (firstOversized >= 0) {
          expect(batches.ok ? undefined : batches.error.sourceId).toBe(records[firstOversized]?.sourceId);
          return;
        }
        if (!batches.ok) throw new Error(`unexpected oversized record ${batches.error.sourceId}`);
        for (const batch of batches.value) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(MAX_PUT_RECORD_BATCH_RECORDS);
          expect(batch.reduce((sum, record) => sum + record.data.byteLength, 0)).toBeLessThanOrEqual(MAX_PUT_RECORD_BATCH_BYTES);
        }
        // Same records, same order, each once: the concatenation is the input itself.
        expect(batches.value.flat()).toEqual(records);
      }),
      { numRuns: 60 },
    );
  });

  it('never uses more calls than an order-keeping split needs', () => {
    fc.assert(
      fc.property(logEventsArbitrary, (logEvents) => {
        const records = logEvents.map(toDeliveryRecord).filter((record) => record.data.byteLength <= MAX_RECORD_BYTES);

        const batches = chunkForPutRecordBatch(records);

        // Each batch but the last was closed only because the next record would not fit.
        const closed = batches.ok ? batches.value.slice(0, -1) : [];
        closed.forEach((batch, index) => {
          const next = batches.ok ? batches.value[index + 1]?.[0] : undefined;
          const bytes = batch.reduce((sum, record) => sum + record.data.byteLength, 0);
          const full = batch.length === MAX_PUT_RECORD_BATCH_RECORDS || bytes + (next?.data.byteLength ?? 0) > MAX_PUT_RECORD_BATCH_BYTES;
          expect(full).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('toDeliveryRecords (property)', () => {
  it('keeps every line once and in order, never splits one, and fills no record past the packing size unless one line does', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 300 }), fc.integer({ min: 0, max: 4_000 }), (messages, packingBytes) => {
        // Prepare
        const logEvents: CloudWatchLogEvent[] = messages.map((text, sequence) => ({ id: logEventId(sequence), timestamp: sequence, message: text }));
        const lines = logEvents.map((logEvent) => Buffer.from(`${logEvent.message}\n`));

        // Act
        const records = toDeliveryRecords(logEvents, packingBytes);

        // Assess: the bytes are the lines in order, and each record is whole lines.
        expect(Buffer.concat(records.map((record) => record.data))).toEqual(Buffer.concat(lines));
        let next = 0;
        for (const record of records) {
          let bytes = 0;
          const first = next;
          while (bytes < record.data.length) bytes += (lines[next++] as Buffer).length;
          expect(bytes).toBe(record.data.length);
          if (next - first > 1) expect(record.data.length).toBeLessThanOrEqual(packingBytes);
        }
        if (packingBytes === 0) expect(records).toHaveLength(logEvents.length);
      }),
      { numRuns: 300 },
    );
  });
});
