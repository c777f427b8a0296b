import { describe, expect, it } from 'vitest';
import { DeliveryCallError } from '../../../src/firehose/delivery/delivery-errors.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_RECORD_BYTES } from '../../../src/firehose/delivery/put-record-batch-limits.js';
import { PutRecordBatchErrorCode } from '../../../src/local-pipeline/in-process-delivery-stream.js';
import { MAX_LAMBDA_RESPONSE_BYTES, TransformationErrorCode } from '../../../src/local-pipeline/transformation-contract.js';
import { echoTransform, failedRecordsIn, inProcessStream, PIPELINE_TEST_START, records, scriptedTransform } from '../../support/local-pipeline-builders.js';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('createInProcessDeliveryStream', () => {
  describe('putRecordBatch limits', () => {
    it.each([1, 499, 500])('accepts a call of %i records', async (count) => {
      const { stream } = inProcessStream();

      const outcomes = await stream.putRecordBatch(records(count));

      expect(outcomes).toHaveLength(count);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      expect(stream.stats().recordsAccepted).toBe(count);
    });

    it('refuses a call of 501 records as a whole with ValidationException, not retryable, accepting none', async () => {
      const { stream } = inProcessStream();

      const put = stream.putRecordBatch(records(501));

      await expect(put).rejects.toThrow(DeliveryCallError);
      await expect(put).rejects.toMatchObject({ code: PutRecordBatchErrorCode.Validation, retryable: false });
      expect(stream.stats()).toMatchObject({ recordsAccepted: 0, callsRefused: 1 });
    });

    it('refuses an empty call', async () => {
      const { stream } = inProcessStream();

      await expect(stream.putRecordBatch([])).rejects.toMatchObject({ code: PutRecordBatchErrorCode.Validation });
    });

    it('accepts exactly 4 MiB in one call and refuses one byte more with InvalidArgumentException', async () => {
      // Prepare: five records of 1,000 KiB less what makes the sum exactly 4 MiB.
      const big = MAX_RECORD_BYTES;
      const exact = [...records(4, big), Buffer.alloc(MAX_PUT_RECORD_BATCH_BYTES - 4 * big, 0x61)];
      const over = [...records(4, big), Buffer.alloc(MAX_PUT_RECORD_BATCH_BYTES - 4 * big + 1, 0x61)];
      const { stream } = inProcessStream();

      // Act
      const accepted = await stream.putRecordBatch(exact);
      const refused = stream.putRecordBatch(over);

      // Assess
      expect(accepted.every((outcome) => outcome.ok)).toBe(true);
      await expect(refused).rejects.toMatchObject({ code: PutRecordBatchErrorCode.InvalidArgument, retryable: false });
      expect(stream.stats().recordsAccepted).toBe(5);
    });

    it('accepts a record of exactly 1,000 KiB and refuses the call holding one byte more', async () => {
      const { stream } = inProcessStream();

      const accepted = await stream.putRecordBatch([Buffer.alloc(MAX_RECORD_BYTES, 0x61)]);
      const refused = stream.putRecordBatch([Buffer.from('small'), Buffer.alloc(MAX_RECORD_BYTES + 1, 0x61)]);

      expect(accepted).toEqual([{ ok: true }]);
      await expect(refused).rejects.toMatchObject({ code: PutRecordBatchErrorCode.Validation });
      expect(stream.stats().recordsAccepted).toBe(1);
    });

    it('fails single records with their own error code and keeps the others, at the same index', async () => {
      const { stream } = inProcessStream({
        refuseRecord: (data) => (Buffer.from(data).toString().endsWith('1') ? { ok: false, errorCode: 'ServiceUnavailableException', errorMessage: 'Slow down.' } : undefined),
      });

      const outcomes = await stream.putRecordBatch(records(3));

      expect(outcomes).toEqual([{ ok: true }, { ok: false, errorCode: 'ServiceUnavailableException', errorMessage: 'Slow down.' }, { ok: true }]);
      expect(stream.stats()).toMatchObject({ recordsAccepted: 2, recordsRefused: 1 });
    });
  });

  describe('buffering and the transformation call', () => {
    it("calls the transformation with Firehose's event shape: invocationId, deliveryStreamArn, region, records with recordId, arrival time and base64 data", async () => {
      const transform = echoTransform();
      const { stream } = inProcessStream({ transform });

      await stream.putRecordBatch([Buffer.from('line one\n'), Buffer.from('line two\n')]);
      await stream.close();

      expect(transform.events).toHaveLength(1);
      const event = transform.events[0];
      expect(event).toMatchObject({ deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/test-stream', region: 'us-east-1' });
      expect(event?.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(event?.records.map((record) => [record.data, record.approximateArrivalTimestamp])).toEqual([
        [base64('line one\n'), PIPELINE_TEST_START],
        [base64('line two\n'), PIPELINE_TEST_START],
      ]);
      expect(new Set(event?.records.map((record) => record.recordId)).size).toBe(2);
    });

    it('calls the transformation once the buffered records reach the size hint', async () => {
      const transform = echoTransform();
      const { stream } = inProcessStream({ transform, processorBuffering: { sizeBytes: 1000, intervalMs: 60_000 } });

      await stream.putRecordBatch(records(9, 100));
      await stream.flushDue();
      const before = transform.events.length;
      await stream.putRecordBatch(records(1, 100));
      await stream.flushDue();

      expect(before).toBe(0);
      expect(transform.events.map((event) => event.records.length)).toEqual([10]);
    });

    it('calls the transformation once the interval hint has passed since the oldest buffered record, not before', async () => {
      const transform = echoTransform();
      const { stream, clock } = inProcessStream({ transform });

      await stream.putRecordBatch(records(3));
      clock.advance(59_999);
      await stream.flushDue();
      const before = transform.events.length;
      clock.advance(1);
      await stream.flushDue();

      expect(before).toBe(0);
      expect(transform.events.map((event) => event.records.length)).toEqual([3]);
    });

    it('delivers Ok data as objects named like Firehose S3 objects, under the oldest arrival hour', async () => {
      const { stream, store, clock } = inProcessStream();
      clock.advance(5 * 60_000 + 7_000);

      await stream.putRecordBatch([Buffer.from('{"a":1}\n'), Buffer.from('{"a":2}\n')]);
      await stream.close();

      const keys = store.keysUnder('delivered/');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^delivered\/2026\/06\/01\/08\/test-stream-1-2026-06-01-08-05-07-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(store.textUnder('delivered/')).toBe('{"a":1}\n{"a":2}\n');
      expect(stream.stats()).toMatchObject({ results: { Ok: 2, Dropped: 0, ProcessingFailed: 0 }, deliveredRecords: 2, deliveredObjects: 1 });
    });

    it('counts Dropped records and writes them nowhere', async () => {
      const { stream, store } = inProcessStream({ transform: echoTransform('Dropped') });

      await stream.putRecordBatch(records(4));
      await stream.close();

      expect(store.objects.size).toBe(0);
      expect(stream.stats().results).toEqual({ Ok: 0, Dropped: 4, ProcessingFailed: 0 });
    });

    it("writes ProcessingFailed records in Firehose's failed-record format with the original data", async () => {
      const { stream, store, clock } = inProcessStream({
        transform: scriptedTransform((event) => ({ records: event.records.map((record) => ({ recordId: record.recordId, result: 'ProcessingFailed', data: base64('changed') })) })),
      });

      await stream.putRecordBatch([Buffer.from('bad line\n')]);
      clock.advance(60_000);
      await stream.flushDue();
      await stream.close();

      expect(failedRecordsIn(store)).toEqual([
        {
          attemptsMade: 1,
          arrivalTimestamp: PIPELINE_TEST_START,
          errorCode: TransformationErrorCode.ProcessingFailedStatus,
          errorMessage: expect.any(String) as string,
          attemptEndingTimestamp: PIPELINE_TEST_START + 60_000,
          rawData: base64('bad line\n'),
          lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-decorator',
        },
      ]);
      expect(store.keysUnder('processing-failed/')[0]).toMatch(/^processing-failed\/2026\/06\/01\/08\/test-stream-1-2026-06-01-08-00-00-/);
      expect(stream.stats()).toMatchObject({ results: { ProcessingFailed: 1 }, processingFailedRecords: 1 });
    });
  });

  describe('invalid transformation responses', () => {
    const cases: [string, (event: { records: { recordId: string; data: string }[] }) => unknown, string][] = [
      ['a missing recordId', (event) => ({ records: event.records.slice(1).map((record) => ({ recordId: record.recordId, result: 'Ok', data: record.data })) }), TransformationErrorCode.MissingRecordId],
      [
        'a duplicate recordId',
        (event) => ({ records: [...event.records, event.records[0]].map((record) => ({ recordId: record?.recordId, result: 'Ok', data: record?.data })) }),
        TransformationErrorCode.DuplicatedRecordId,
      ],
      ['an unknown recordId', (event) => ({ records: [...event.records.map((record) => ({ recordId: record.recordId, result: 'Ok', data: record.data })), { recordId: 'nobody', result: 'Ok', data: '' }] }), TransformationErrorCode.MissingRecordId],
      ['a bad result', (event) => ({ records: event.records.map((record) => ({ recordId: record.recordId, result: 'Success', data: record.data })) }), TransformationErrorCode.JsonProcessingException],
      ['data that is not base64', (event) => ({ records: event.records.map((record) => ({ recordId: record.recordId, result: 'Ok', data: '{not base64}' })) }), TransformationErrorCode.JsonProcessingException],
      [
        'a response over 6 MB',
        (event) => ({ records: event.records.map((record, index) => ({ recordId: record.recordId, result: 'Ok', data: index === 0 ? 'A'.repeat(MAX_LAMBDA_RESPONSE_BYTES) : record.data })) }),
        TransformationErrorCode.FunctionError,
      ],
    ];

    it.each(cases)('sends the whole batch to processing-failed after the retries for %s', async (_name, answer, errorCode) => {
      // Prepare
      const transform = scriptedTransform(answer);
      const { stream, store } = inProcessStream({ transform, numberOfRetries: 3 });

      // Act
      await stream.putRecordBatch([Buffer.from('one\n'), Buffer.from('two\n'), Buffer.from('three\n')]);
      await stream.close();

      // Assess
      const failed = failedRecordsIn(store);
      expect(transform.calls()).toBe(4);
      expect(failed.map((record) => Buffer.from(record.rawData, 'base64').toString())).toEqual(['one\n', 'two\n', 'three\n']);
      expect(failed.every((record) => record.errorCode === errorCode && record.attemptsMade === 4)).toBe(true);
      expect(store.keysUnder('delivered/')).toEqual([]);
      expect(stream.stats()).toMatchObject({ failedInvocations: 1, invocationFailures: { [errorCode]: 3 }, results: { Ok: 0, Dropped: 0, ProcessingFailed: 0 } });
    });

    it('retries a function that throws and keeps the answer of the attempt that succeeds', async () => {
      let calls = 0;
      const { stream, store } = inProcessStream({
        transform: async (event) => {
          calls += 1;
          if (calls < 3) throw new Error('Task timed out');
          return echoTransform()(event);
        },
      });

      await stream.putRecordBatch([Buffer.from('{"a":1}\n')]);
      await stream.close();

      expect(calls).toBe(3);
      expect(store.textUnder('delivered/')).toBe('{"a":1}\n');
      expect(failedRecordsIn(store)).toEqual([]);
    });

    it('names Lambda.FunctionError when the function fails every attempt', async () => {
      const { stream, store } = inProcessStream({ transform: () => Promise.reject(new Error('boom')), numberOfRetries: 1 });

      await stream.putRecordBatch([Buffer.from('x\n')]);
      await stream.close();

      expect(failedRecordsIn(store)).toMatchObject([{ errorCode: TransformationErrorCode.FunctionError, attemptsMade: 2 }]);
    });
  });
});
