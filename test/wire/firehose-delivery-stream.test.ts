// The real FirehoseClient against a loopback Firehose reached through AWS_ENDPOINT_URL_FIREHOSE:
// JSON 1.1 serialisation, signing, error parsing and the SDK's own retries are all real.
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterEach, describe, expect, it } from 'vitest';
import { createFirehoseDeliveryStream } from '../../src/adapters/firehose-delivery-stream.js';
import { deliverRecords } from '../../src/firehose/delivery/deliver-records.js';
import { DeliveryCallError } from '../../src/firehose/delivery/delivery-errors.js';
import { toDeliveryRecord } from '../../src/firehose/delivery/delivery-record.js';
import { logEvents } from '../support/cloudwatch-builders.js';
import { fakeTime } from '../support/firehose-delivery-fakes.js';
import {
  accept,
  failEntries,
  pointFirehoseClientsAt,
  serviceUnavailable,
  startFirehoseLoopbackServer,
  type FirehoseLoopbackServer,
  type FirehoseLoopbackServerOptions,
} from '../support/firehose-loopback-server.js';

let server: FirehoseLoopbackServer | undefined;
let restoreEndpoint: (() => void) | undefined;

/**
 * A delivery stream on a real client aimed at a loopback Firehose. `maxAttempts` is the SDK's own
 * retry count; tests keep it small so a persistent error surfaces quickly.
 */
async function streamAgainst(options: FirehoseLoopbackServerOptions, { maxAttempts = 1 }: { maxAttempts?: number } = {}) {
  server = await startFirehoseLoopbackServer(options);
  restoreEndpoint = pointFirehoseClientsAt(server.url);
  const client = new FirehoseClient({ maxAttempts });
  return { server, deliveryStream: createFirehoseDeliveryStream({ client, deliveryStreamName: 'vpc-flow-logs' }) };
}

async function callErrorOf(promise: Promise<unknown>): Promise<DeliveryCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DeliveryCallError)) throw new Error('expected a DeliveryCallError');
  return error;
}

afterEach(async () => {
  restoreEndpoint?.();
  await server?.close();
  server = undefined;
  restoreEndpoint = undefined;
});

describe('createFirehoseDeliveryStream over the wire', () => {
  it('sends a signed JSON 1.1 PutRecordBatch call with the records base64-encoded', async () => {
    // Prepare
    const { server, deliveryStream } = await streamAgainst({});

    // Act
    await deliveryStream.putRecordBatch([Buffer.from('first line\n'), Buffer.from('second line\n')]);

    // Assess
    expect(server.calls).toEqual([
      expect.objectContaining({
        target: 'Firehose_20150804.PutRecordBatch',
        contentType: 'application/x-amz-json-1.1',
        deliveryStreamName: 'vpc-flow-logs',
        records: ['first line\n', 'second line\n'],
        signed: true,
      }),
    ]);
  });

  it('reads FailedPutCount > 0 into one outcome per record, in order', async () => {
    const { deliveryStream } = await streamAgainst({ answer: () => failEntries([1], 'InternalFailure') });

    const outcomes = await deliveryStream.putRecordBatch([Buffer.from('a\n'), Buffer.from('b\n'), Buffer.from('c\n')]);

    expect(outcomes).toEqual([{ ok: true }, { ok: false, errorCode: 'InternalFailure', errorMessage: 'Some records failed while calling PutRecordBatch.' }, { ok: true }]);
  });

  it('surfaces a persistent ServiceUnavailableException as a retryable DeliveryCallError', async () => {
    const { deliveryStream } = await streamAgainst({ answer: serviceUnavailable });

    const error = await callErrorOf(deliveryStream.putRecordBatch([Buffer.from('a\n')]));

    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'ServiceUnavailableException', retryable: true });
  });

  it('lets the SDK retry a ServiceUnavailableException itself when it has attempts left', async () => {
    const { server, deliveryStream } = await streamAgainst({ answer: ({ callIndex }) => (callIndex === 0 ? serviceUnavailable() : accept()) }, { maxAttempts: 2 });

    const outcomes = await deliveryStream.putRecordBatch([Buffer.from('a\n')]);

    expect(outcomes).toEqual([{ ok: true }]);
    expect(server.calls.map((call) => call.status)).toEqual([503, 200]);
  });

  it('surfaces an unknown stream as a DeliveryCallError that is not retried', async () => {
    server = await startFirehoseLoopbackServer({ deliveryStreamName: 'another-stream' });
    restoreEndpoint = pointFirehoseClientsAt(server.url);
    const deliveryStream = createFirehoseDeliveryStream({ client: new FirehoseClient({ maxAttempts: 1 }), deliveryStreamName: 'vpc-flow-logs' });

    const error = await callErrorOf(deliveryStream.putRecordBatch([Buffer.from('a\n')]));

    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'ResourceNotFoundException', retryable: false });
  });
});

describe('deliverRecords over the wire', () => {
  it('resends only the failed entries after FailedPutCount > 0, then every record is in Firehose once', async () => {
    const { server, deliveryStream } = await streamAgainst({ answer: ({ callIndex }) => (callIndex === 0 ? failEntries([0, 250, 499, 500]) : accept()) });
    const records = logEvents(700).map(toDeliveryRecord);
    const time = fakeTime();

    const report = await deliverRecords(records, {
      deliveryStream,
      concurrency: 1,
      maxAttempts: 4,
      deadline: time.clock.now() + 60_000,
      clock: time.clock,
      sleep: time.sleep,
      random: Math.random,
    });

    const texts = records.map((record) => Buffer.from(record.data).toString('utf8'));
    expect(server.calls.map((call) => call.recordCount)).toEqual([500, 3, 200]);
    expect(server.calls.flatMap((call) => call.accepted).sort()).toEqual(texts.sort());
    expect(report).toMatchObject({ recordsPut: 700, recordsRetried: 3, recordsFailed: 0 });
  });

  it('retries a whole call refused with ServiceUnavailableException after the SDK gave up', async () => {
    const { server, deliveryStream } = await streamAgainst({ answer: ({ callIndex }) => (callIndex === 0 ? serviceUnavailable() : accept()) });
    const time = fakeTime();

    const report = await deliverRecords(logEvents(3).map(toDeliveryRecord), {
      deliveryStream,
      concurrency: 1,
      maxAttempts: 3,
      deadline: time.clock.now() + 60_000,
      clock: time.clock,
      sleep: time.sleep,
      random: Math.random,
    });

    expect(server.calls.map((call) => call.status)).toEqual([503, 200]);
    expect(report.recordsPut).toBe(3);
  });
});
