import {
  FirehoseClient,
  InvalidArgumentException,
  PutRecordBatchCommand,
  ResourceNotFoundException,
  ServiceUnavailableException,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFirehoseDeliveryStream } from '../../../src/adapters/firehose-delivery-stream.js';
import { DeliveryCallError } from '../../../src/firehose/delivery/delivery-errors.js';

const client = new FirehoseClient({});
const firehose = mockClient(client);
const deliveryStream = createFirehoseDeliveryStream({ client, deliveryStreamName: 'vpc-flow-logs' });
const records = [Buffer.from('line one\n'), Buffer.from('line two\n')];

/** The DeliveryCallError a put rejects with. */
async function callErrorOf(promise: Promise<unknown>): Promise<DeliveryCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DeliveryCallError)) throw new Error('expected a DeliveryCallError');
  return error;
}

beforeEach(() => {
  firehose.reset();
});

describe('createFirehoseDeliveryStream', () => {
  it('sends the records as they are, to the named stream, in one PutRecordBatch call', async () => {
    // Prepare
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'a' }, { RecordId: 'b' }] });

    // Act
    await deliveryStream.putRecordBatch(records);

    // Assess
    expect(firehose).toHaveReceivedCommandExactlyOnceWith(PutRecordBatchCommand, {
      DeliveryStreamName: 'vpc-flow-logs',
      Records: [{ Data: records[0] }, { Data: records[1] }],
    });
  });

  it('answers one outcome per record, in order, with the error code of each failed entry', async () => {
    firehose.on(PutRecordBatchCommand).resolves({
      FailedPutCount: 1,
      RequestResponses: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }, { RecordId: 'b' }],
    });

    const outcomes = await deliveryStream.putRecordBatch(records);

    expect(outcomes).toEqual([{ ok: false, errorCode: 'InternalFailure', errorMessage: 'Internal service failure.' }, { ok: true }]);
  });

  it('rejects with a retryable DeliveryCallError on ServiceUnavailableException', async () => {
    firehose.on(PutRecordBatchCommand).rejects(new ServiceUnavailableException({ message: 'Slow down.', $metadata: { httpStatusCode: 503 } }));

    const error = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'ServiceUnavailableException', retryable: true });
  });

  it('treats a throttling error as retryable', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    firehose.on(PutRecordBatchCommand).rejects(throttled);

    const error = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect(error.retryable).toBe(true);
  });

  it('treats a connection that failed before any answer as retryable', async () => {
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

    const error = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect(error.retryable).toBe(true);
  });

  it.each([
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'Firehose vpc-flow-logs not found.', $metadata: { httpStatusCode: 400 } })],
    ['InvalidArgumentException', new InvalidArgumentException({ message: 'Records too large.', $metadata: { httpStatusCode: 400 } })],
  ])('does not retry %s', async (code, thrown) => {
    firehose.on(PutRecordBatchCommand).rejects(thrown);

    const error = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect({ code: error.code, retryable: error.retryable, cause: error.cause }).toEqual({ code, retryable: false, cause: thrown });
  });

  it('rejects an answer with fewer entries than records as malformed, to be retried', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'a' }] });

    const error = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'MalformedResponse', retryable: true });
  });

  it('rejects an answer without entries as malformed', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0 });

    await expect(deliveryStream.putRecordBatch(records)).rejects.toThrow('PutRecordBatch answered 0 entries for 2 records');
  });

  it('counts an entry with neither RecordId nor ErrorCode, or {}, as not written, so it is tried again', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 1, RequestResponses: [{ RecordId: 'a' }, {}] });

    const outcomes = await deliveryStream.putRecordBatch(records);

    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
  });

  it('counts no record as written when FailedPutCount says more failed than the entries list', async () => {
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 2, RequestResponses: [{ RecordId: 'a' }, { ErrorCode: 'InternalFailure' }] });

    const outcomes = await deliveryStream.putRecordBatch(records);

    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false]);
  });

  it('does not retry missing credentials or a missing Region, and names the missing Region', async () => {
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const credentials = await callErrorOf(deliveryStream.putRecordBatch(records));
    firehose.reset();
    firehose.on(PutRecordBatchCommand).rejects(new Error('Region is missing'));
    const region = await callErrorOf(deliveryStream.putRecordBatch(records));

    expect([credentials.code, credentials.retryable, region.code, region.retryable]).toEqual(['CredentialsProviderError', false, 'RegionMissing', false]);
  });
});
