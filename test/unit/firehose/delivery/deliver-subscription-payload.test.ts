// The ingestor's use case end to end in-process: the real Firehose adapter on an SDK client mocked
// with aws-sdk-client-mock, fake time, and recording logger and metrics.
import { FirehoseClient, PutRecordBatchCommand, ServiceUnavailableException, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFirehoseDeliveryStream } from '../../../../src/adapters/firehose-delivery-stream.js';
import { deliverSubscriptionPayload, type DeliverSubscriptionPayloadDependencies } from '../../../../src/firehose/delivery/deliver-subscription-payload.js';
import { DeliveryError, UndecodableSubscriptionError } from '../../../../src/firehose/delivery/delivery-errors.js';
import { MAX_PUT_RECORD_BATCH_BYTES, MAX_RECORD_BYTES } from '../../../../src/firehose/delivery/put-record-batch-limits.js';
import {
  controlPayload,
  encodeSubscriptionData,
  logEvent,
  logEvents,
  subscriptionPayload,
} from '../../../support/cloudwatch-builders.js';
import { fakeTime, recordingLogger, recordingMetrics } from '../../../support/firehose-delivery-fakes.js';

const client = new FirehoseClient({});
const firehose = mockClient(client);

type Answer = (input: PutRecordBatchCommandInput, callIndex: number) => { failedIndexes?: readonly number[] } | Error;

/** Scripts PutRecordBatch: by default every record is accepted. */
function answerWith(answer: Answer = () => ({})): void {
  let callIndex = 0;
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
    const outcome = answer(input, callIndex);
    callIndex += 1;
    if (outcome instanceof Error) throw outcome;
    const failed = new Set(outcome.failedIndexes ?? []);
    return {
      FailedPutCount: failed.size,
      Encrypted: false,
      RequestResponses: (input.Records ?? []).map((_, index) =>
        failed.has(index) ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' } : { RecordId: `record-${callIndex}-${index}` },
      ),
    };
  });
}

function setUp(overrides: Partial<DeliverSubscriptionPayloadDependencies> = {}) {
  const time = fakeTime();
  const logs = recordingLogger();
  const measured = recordingMetrics();
  const dependencies: DeliverSubscriptionPayloadDependencies = {
    deliveryStream: createFirehoseDeliveryStream({ client, deliveryStreamName: 'vpc-flow-logs' }),
    logger: logs.logger,
    metrics: measured.metrics,
    concurrency: 4,
    maxAttempts: 8,
    deadline: time.clock.now() + 60_000,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    requestId: 'request-1',
    ...overrides,
  };
  return { time, logs, measured, dependencies };
}

/** The record texts of every PutRecordBatch call, in call order. */
function sentBatches(): string[][] {
  return firehose
    .commandCalls(PutRecordBatchCommand)
    .map((call) => (call.args[0].input.Records ?? []).map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')));
}

function lines(count: number, options: { messageBytes?: number } = {}): string[] {
  return logEvents(count, options).map((event) => `${event.message}\n`);
}

beforeEach(() => {
  firehose.reset();
});

describe('deliverSubscriptionPayload', () => {
  it.each([
    [499, [499]],
    [500, [500]],
    [501, [500, 1]],
  ])('puts %i log events in PutRecordBatch calls of %j records', async (count, expected) => {
    // Prepare
    answerWith();
    const { dependencies } = setUp();

    // Act
    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(count) })), dependencies);

    // Assess
    expect(sentBatches().map((batch) => batch.length)).toEqual(expected);
    expect(sentBatches().flat()).toEqual(lines(count));
  });

  it('packs consecutive lines into records of at most recordPackingBytes, in order, none split', async () => {
    // Prepare: 100-byte lines (newline included), 5,120 bytes a record holds 51 of them.
    answerWith();
    const { dependencies, logs } = setUp({ recordPackingBytes: 5_120 });

    // Act
    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(120, { messageBytes: 99 }) })), dependencies);

    // Assess
    const records = sentBatches().flat();
    expect(records.map((record) => Buffer.byteLength(record))).toEqual([5_100, 5_100, 1_800]);
    expect(records.join('')).toBe(lines(120, { messageBytes: 99 }).join(''));
    expect(logs.lines.at(-1)?.attributes).toMatchObject({ logEventsIn: 120, recordsPut: 3 });
  });

  it('packs at most 500 lines into one record, what Firehose de-aggregates, however short they are', async () => {
    answerWith();
    const { dependencies } = setUp({ recordPackingBytes: 5_120 });

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(1_100, { messageBytes: 1 }) })), dependencies);

    expect(sentBatches().flat().map((record) => record.split('\n').length - 1)).toEqual([500, 500, 100]);
  });

  it('names the delivery stream in every call', async () => {
    answerWith();
    const { dependencies } = setUp();

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload()), dependencies);

    expect(firehose).toHaveReceivedCommandWith(PutRecordBatchCommand, { DeliveryStreamName: 'vpc-flow-logs' });
  });

  it('puts records totalling exactly 4 MiB in one call', async () => {
    answerWith();
    const { dependencies } = setUp();
    // Four records of 1,000 KiB and one that fills the call to 4 MiB, newlines included.
    const sizes = [MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_PUT_RECORD_BATCH_BYTES - 4 * MAX_RECORD_BYTES];
    const events = sizes.map((size, sequence) => logEvent({ sequence, message: 'x'.repeat(size - 1) }));

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: events })), dependencies);

    expect(sentBatches().map((batch) => batch.length)).toEqual([5]);
  });

  it('splits records one byte over 4 MiB into two calls', async () => {
    answerWith();
    const { dependencies } = setUp();
    const sizes = [MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_RECORD_BYTES, MAX_PUT_RECORD_BATCH_BYTES - 4 * MAX_RECORD_BYTES + 1];
    const events = sizes.map((size, sequence) => logEvent({ sequence, message: 'x'.repeat(size - 1) }));

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: events })), dependencies);

    expect(sentBatches().map((batch) => batch.length)).toEqual([4, 1]);
  });

  it('resends only the failed entries after a partial failure, then succeeds', async () => {
    answerWith((_input, callIndex) => (callIndex === 0 ? { failedIndexes: [1, 3] } : {}));
    const { dependencies, time } = setUp();

    const summary = await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(5) })), dependencies);

    const [first, second] = sentBatches();
    expect(second).toEqual([first?.[1], first?.[3]]);
    expect(time.sleeps).toHaveLength(1);
    expect(summary).toMatchObject({ outcome: 'delivered', recordsPut: 5, putRecordBatchCalls: 2, recordsRetried: 2, recordsFailed: 0 });
  });

  it('retries a call refused with ServiceUnavailableException', async () => {
    const unavailable = new ServiceUnavailableException({ message: 'Slow down.', $metadata: { httpStatusCode: 503 } });
    answerWith((_input, callIndex) => (callIndex === 0 ? unavailable : {}));
    const { dependencies } = setUp();

    const summary = await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(3) })), dependencies);

    expect(sentBatches()).toEqual([lines(3), lines(3)]);
    expect(summary.recordsPut).toBe(3);
  });

  it('throws once the time budget is spent while records still fail, saying how many and why', async () => {
    answerWith((input) => ({ failedIndexes: (input.Records ?? []).map((_, index) => index).filter((index) => index % 2 === 0) }));
    const { dependencies, time } = setUp();
    const budgeted = { ...dependencies, deadline: time.clock.now() + 1_000, random: () => 0.999 };
    const payload = encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(4) }));

    // Record 0 fails every time; waits of 99, 199 and 399 ms fit in 1 s, the next 799 ms would not.
    await expect(deliverSubscriptionPayload(payload, budgeted)).rejects.toThrow(
      '1 of 4 records were not delivered to Firehose (ServiceUnavailableException x1); stopped by: deadline',
    );
    expect(time.sleeps).toEqual([99, 199, 399]);
  });

  it('puts nothing for a CONTROL_MESSAGE', async () => {
    answerWith();
    const { dependencies } = setUp();

    const summary = await deliverSubscriptionPayload(encodeSubscriptionData(controlPayload()), dependencies);

    expect(firehose).not.toHaveReceivedCommand(PutRecordBatchCommand);
    expect(summary.outcome).toBe('control_message');
  });

  it('delivers a zlib-compressed payload', async () => {
    answerWith();
    const { dependencies } = setUp();

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(2) }), 'zlib'), dependencies);

    expect(sentBatches()).toEqual([lines(2)]);
  });

  it('fails on a payload that cannot be decoded, sending nothing', async () => {
    answerWith();
    const { dependencies } = setUp();

    await expect(deliverSubscriptionPayload('bm90IGd6aXA=', dependencies)).rejects.toThrow(UndecodableSubscriptionError);
    expect(firehose).not.toHaveReceivedCommand(PutRecordBatchCommand);
  });

  it('says what is wrong with an undecodable payload', async () => {
    const { dependencies } = setUp();
    const payload = encodeSubscriptionData({ ...subscriptionPayload(), logEvents: [{ id: 7, timestamp: 1, message: '' }] });

    await expect(deliverSubscriptionPayload(payload, dependencies)).rejects.toThrow(
      'cannot decode the CloudWatch Logs subscription payload: logEvents[0].id must be a string, got number',
    );
  });

  it('fails when the event has no awslogs.data', async () => {
    const { dependencies } = setUp();

    await expect(deliverSubscriptionPayload(undefined, dependencies)).rejects.toThrow('awslogs.data is missing or not a string');
  });

  it('puts every other line when one log event is over 1,000 KiB, and logs that one at ERROR with its location, not its content', async () => {
    // Issue 12: one such line made the whole event throw, and every redrive failed the same way.
    answerWith();
    const { dependencies, logs } = setUp();
    const id = '31953106606966983378809025079804211143289615424298221999';
    const events = [logEvent({ sequence: 1 }), logEvent({ id, message: 'x'.repeat(MAX_RECORD_BYTES) }), logEvent({ sequence: 3 })];

    const summary = await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: events })), dependencies);

    expect(sentBatches().flat()).toEqual([`${events[0]?.message ?? ''}\n`, `${events[2]?.message ?? ''}\n`]);
    expect(summary).toMatchObject({ outcome: 'delivered', recordsPut: 2, oversizedLogEvents: 1 });
    const errors = logs.lines.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: 'log event too large for a Firehose record: not delivered, still in its log group',
        attributes: { logGroup: '/vpc/flow-logs', logStream: expect.any(String) as unknown, logEventId: id, bytes: MAX_RECORD_BYTES + 1, maxRecordBytes: MAX_RECORD_BYTES },
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain('xxxx');
  });

  it('logs the cause of an unreachable Firehose, not only its code: name, code and message', async () => {
    firehose.on(PutRecordBatchCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));
    const { dependencies, logs } = setUp({ maxAttempts: 2 });

    await expect(deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(2) })), dependencies)).rejects.toThrow(DeliveryError);

    const [summary] = logs.lines.filter((line) => line.level === 'error');
    expect(summary?.attributes).toMatchObject({ cause: { name: 'Error', code: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9' } });
  });

  it('throws DeliveryError before the deadline with Firehose hanging, the summary log and metrics written', async () => {
    // Issue 12: a hung PutRecordBatch ran the handler past Lambda's limit, so nothing was logged.
    firehose.on(PutRecordBatchCommand).callsFake(() => new Promise(() => {}));
    const deadline = new AbortController();
    const { dependencies, logs, measured } = setUp({ callsUntil: deadline.signal });

    const delivery = deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(3) })), dependencies);
    setTimeout(() => deadline.abort(), 20);

    await expect(delivery).rejects.toThrow(DeliveryError);
    expect(logs.lines.filter((line) => line.level === 'error').map((line) => line.attributes)).toEqual([
      expect.objectContaining({ outcome: 'failed', recordsFailed: 3, failureCodes: { DeadlineExceeded: 3 } }),
    ]);
    expect(measured.values.get('RecordsFailed')).toEqual([{ unit: 'Count', value: 3 }]);
  });

  it('writes one summary log line per invocation, with the counts', async () => {
    answerWith((_input, callIndex) => (callIndex === 0 ? { failedIndexes: [0] } : {}));
    const { dependencies, logs } = setUp();

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(3) })), dependencies);

    expect(logs.lines.filter((line) => line.level !== 'debug')).toEqual([
      {
        level: 'info',
        message: 'ingest summary',
        attributes: expect.objectContaining({
          outcome: 'delivered',
          logGroup: '/vpc/flow-logs',
          logEventsIn: 3,
          recordsPut: 3,
          putRecordBatchCalls: 2,
          recordsRetried: 1,
          recordsFailed: 0,
          requestId: 'request-1',
        }) as unknown,
      },
    ]);
  });

  it('logs the summary at error level, with the error, when the invocation fails', async () => {
    answerWith((input) => ({ failedIndexes: (input.Records ?? []).map((_, index) => index) }));
    const { dependencies, logs } = setUp({ maxAttempts: 2 });

    await expect(deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: logEvents(2) })), dependencies)).rejects.toThrow(DeliveryError);

    expect(logs.lines.filter((line) => line.level !== 'debug')).toEqual([
      {
        level: 'error',
        message: 'ingest summary',
        attributes: expect.objectContaining({
          outcome: 'failed',
          recordsFailed: 2,
          failureCodes: { ServiceUnavailableException: 2 },
          error: expect.objectContaining({ name: 'DeliveryError' }) as unknown,
        }) as unknown,
      },
    ]);
  });

  it('records one value of each metric per invocation', async () => {
    answerWith((_input, callIndex) => (callIndex === 0 ? { failedIndexes: [0, 1] } : {}));
    const { dependencies, measured } = setUp();
    const events = logEvents(4);

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: events })), dependencies);

    const bytes = events.reduce((sum, event) => sum + Buffer.byteLength(`${event.message}\n`), 0);
    expect(Object.fromEntries(measured.values)).toEqual({
      LogEventsIn: [{ unit: 'Count', value: 4 }],
      RecordsPut: [{ unit: 'Count', value: 4 }],
      BytesPut: [{ unit: 'Bytes', value: bytes }],
      PutRecordBatchCalls: [{ unit: 'Count', value: 2 }],
      RecordsRetried: [{ unit: 'Count', value: 2 }],
      RecordsFailed: [{ unit: 'Count', value: 0 }],
      OversizedLogEvents: [{ unit: 'Count', value: 0 }],
    });
  });

  it('counts an oversized log event as OversizedLogEvents, apart from failed deliveries', async () => {
    answerWith();
    const { dependencies, measured } = setUp();
    const events = [...logEvents(2), logEvent({ sequence: 9, message: 'x'.repeat(MAX_RECORD_BYTES) })];

    await deliverSubscriptionPayload(encodeSubscriptionData(subscriptionPayload({ logEvents: events })), dependencies);

    expect([measured.values.get('RecordsFailed'), measured.values.get('OversizedLogEvents')]).toEqual([[{ unit: 'Count', value: 0 }], [{ unit: 'Count', value: 1 }]]);
  });
});
