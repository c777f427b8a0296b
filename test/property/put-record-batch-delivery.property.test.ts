import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliverRecords, type DeliveryReport } from '../../src/firehose/delivery/deliver-records.js';
import { DeliveryCallError, DeliveryError } from '../../src/firehose/delivery/delivery-errors.js';
import { toDeliveryRecord } from '../../src/firehose/delivery/delivery-record.js';
import { MAX_PUT_RECORD_BATCH_RECORDS } from '../../src/firehose/delivery/put-record-batch-limits.js';
import type { DeliveryStream, PutRecordOutcome } from '../../src/ports.js';
import { logEvents } from '../support/cloudwatch-builders.js';
import { fakeTime } from '../support/firehose-delivery-fakes.js';

/** How Firehose misbehaves: failures per record (consumed one per attempt) and calls that fail whole. */
const scenario = fc.record({
  recordCount: fc.integer({ min: 0, max: 1_300 }),
  failuresPerRecord: fc.array(fc.nat(6), { maxLength: 1_300 }),
  wholeCallFailures: fc.array(fc.boolean(), { maxLength: 40 }),
  maxAttempts: fc.integer({ min: 1, max: 6 }),
  concurrency: fc.integer({ min: 1, max: 6 }),
  jitter: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe('deliverRecords (property)', () => {
  it('never resends an acknowledged record, and accounts for every record as put or failed', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ recordCount, failuresPerRecord, wholeCallFailures, maxAttempts, concurrency, jitter }) => {
        // Prepare
        const texts = logEvents(recordCount).map((event) => `${event.message}\n`);
        const remainingFailures = new Map(texts.map((text, index) => [text, failuresPerRecord[index] ?? 0]));
        const acknowledged = new Map<string, number>();
        let resentAfterAcknowledgement = 0;
        let oversizedCalls = 0;
        let callIndex = 0;
        const deliveryStream: DeliveryStream = {
          putRecordBatch(records) {
            const sent = records.map((data) => Buffer.from(data).toString('utf8'));
            if (sent.length > MAX_PUT_RECORD_BATCH_RECORDS) oversizedCalls += 1;
            resentAfterAcknowledgement += sent.filter((text) => acknowledged.has(text)).length;
            if (wholeCallFailures[callIndex++ % Math.max(1, wholeCallFailures.length)] === true) {
              return Promise.reject(new DeliveryCallError('ServiceUnavailableException', 'Slow down.', { retryable: true }));
            }
            return Promise.resolve(
              sent.map((text): PutRecordOutcome => {
                const left = remainingFailures.get(text) ?? 0;
                if (left > 0) {
                  remainingFailures.set(text, left - 1);
                  return { ok: false, errorCode: 'InternalFailure' };
                }
                acknowledged.set(text, (acknowledged.get(text) ?? 0) + 1);
                return { ok: true };
              }),
            );
          },
        };
        const time = fakeTime();

        // Act
        let report: DeliveryReport;
        try {
          report = await deliverRecords(logEvents(recordCount).map(toDeliveryRecord), {
            deliveryStream,
            concurrency,
            maxAttempts,
            deadline: time.clock.now() + 3_600_000,
            clock: time.clock,
            sleep: time.sleep,
            random: () => jitter,
          });
        } catch (error) {
          // Only a DeliveryError may escape, and only when something really failed.
          if (!(error instanceof DeliveryError)) throw error;
          report = error.report;
          expect(report.recordsFailed).toBeGreaterThan(0);
        }

        // Assess
        expect(resentAfterAcknowledgement).toBe(0);
        expect(oversizedCalls).toBe(0);
        expect([...acknowledged.values()].every((count) => count === 1)).toBe(true);
        expect(report.recordsPut).toBe(acknowledged.size);
        expect(report.recordsPut + report.recordsFailed).toBe(recordCount);
        expect(Object.values(report.failureCodes).reduce((sum, count) => sum + count, 0)).toBe(report.recordsFailed);
      }),
      { numRuns: 150 },
    );
  });

  it('puts every record when each fails fewer times than the attempts allow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(4), { maxLength: 1_100 }), async (failuresPerRecord) => {
        const records = logEvents(failuresPerRecord.length).map(toDeliveryRecord);
        const remaining = failuresPerRecord.slice();
        const indexOf = new Map(records.map((record, index) => [Buffer.from(record.data).toString('utf8'), index]));
        const deliveryStream: DeliveryStream = {
          putRecordBatch: (data) =>
            Promise.resolve(
              data.map((bytes): PutRecordOutcome => {
                const index = indexOf.get(Buffer.from(bytes).toString('utf8')) ?? -1;
                if ((remaining[index] ?? 0) > 0) {
                  remaining[index] = (remaining[index] ?? 0) - 1;
                  return { ok: false, errorCode: 'ServiceUnavailableException' };
                }
                return { ok: true };
              }),
            ),
        };
        const time = fakeTime();

        const report = await deliverRecords(records, {
          deliveryStream,
          concurrency: 3,
          maxAttempts: 5,
          deadline: time.clock.now() + 3_600_000,
          clock: time.clock,
          sleep: time.sleep,
          random: () => 0.5,
        });

        expect(report.recordsPut).toBe(records.length);
        expect(report.recordsRetried).toBe(failuresPerRecord.reduce((sum, failures) => sum + failures, 0));
      }),
      { numRuns: 100 },
    );
  });
});
