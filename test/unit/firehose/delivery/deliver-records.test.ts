import { describe, expect, it } from 'vitest';
import { deliverRecords, fullJitterDelay, type DeliverRecordsOptions } from '../../../../src/firehose/delivery/deliver-records.js';
import { DeliveryCallError, DeliveryError, OversizedRecordError } from '../../../../src/firehose/delivery/delivery-errors.js';
import { toDeliveryRecord, type DeliveryRecord } from '../../../../src/firehose/delivery/delivery-record.js';
import { MAX_RECORD_BYTES } from '../../../../src/firehose/delivery/put-record-batch-limits.js';
import { logEvent, logEvents } from '../../../support/cloudwatch-builders.js';
import { failure, fakeTime, recordingLogger, scriptedDeliveryStream, success, type ScriptedAnswer } from '../../../support/firehose-delivery-fakes.js';

function records(count: number): DeliveryRecord[] {
  return logEvents(count).map(toDeliveryRecord);
}

/** Options with fake time and a generous budget; `answer` scripts Firehose. */
function setUp(answer?: (records: readonly string[], callIndex: number) => ScriptedAnswer, overrides: Partial<DeliverRecordsOptions> = {}) {
  const time = fakeTime();
  const stream = scriptedDeliveryStream(answer);
  const options: DeliverRecordsOptions = {
    deliveryStream: stream.deliveryStream,
    concurrency: 4,
    maxAttempts: 8,
    deadline: time.clock.now() + 60_000,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  };
  return { time, stream, options };
}

async function deliveryErrorOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DeliveryError)) throw new Error('expected a DeliveryError');
  return error;
}

describe('deliverRecords', () => {
  it('puts every record once when Firehose accepts them all', async () => {
    // Prepare
    const { stream, options } = setUp();
    const input = records(1200);

    // Act
    const report = await deliverRecords(input, options);

    // Assess
    expect(stream.calls.flat()).toEqual(input.map((record) => Buffer.from(record.data).toString('utf8')));
    expect(report).toMatchObject({ recordsIn: 1200, recordsPut: 1200, calls: 3, recordsRetried: 0, recordsFailed: 0 });
  });

  it('counts the bytes put', async () => {
    const { options } = setUp();
    const input = records(3);

    const report = await deliverRecords(input, options);

    expect(report.bytesPut).toBe(input.reduce((sum, record) => sum + record.data.byteLength, 0));
  });

  it('resends only the entries that carry an error code, in their order', async () => {
    const { stream, options } = setUp((texts, callIndex) => texts.map((_, index) => (callIndex === 0 && index % 2 === 1 ? failure() : success())));
    const input = records(6);

    const report = await deliverRecords(input, options);

    expect(stream.calls[1]).toEqual([stream.calls[0]?.[1], stream.calls[0]?.[3], stream.calls[0]?.[5]]);
    expect(report).toMatchObject({ recordsPut: 6, calls: 2, recordsRetried: 3, recordsFailed: 0 });
  });

  it('retries a whole call that failed with a retryable error', async () => {
    const unavailable = new DeliveryCallError('ServiceUnavailableException', 'Slow down.', { retryable: true });
    const { stream, options } = setUp((texts, callIndex) => (callIndex === 0 ? unavailable : texts.map(success)));

    const report = await deliverRecords(records(5), options);

    expect(stream.calls.map((call) => call.length)).toEqual([5, 5]);
    expect(report.recordsPut).toBe(5);
  });

  it('does not retry a call refused for good, and says so', async () => {
    const missing = new DeliveryCallError('ResourceNotFoundException', 'Stream not found', { retryable: false });
    const { stream, options } = setUp(() => missing);

    const error = await deliveryErrorOf(deliverRecords(records(5), options));

    expect(stream.calls).toHaveLength(1);
    expect(error.message).toBe('5 of 5 records were not delivered to Firehose (ResourceNotFoundException x5); stopped by: not_retryable');
    expect(error.cause).toBe(missing);
  });

  it('fails a call that threw something unexpected without retrying it', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const { stream, options } = setUp(() => bug);

    const error = await deliveryErrorOf(deliverRecords(records(2), options));

    expect(stream.calls).toHaveLength(1);
    expect(error.report.failureCodes).toEqual({ TypeError: 2 });
  });

  it('throws after the last allowed attempt, saying how many records failed and with which codes', async () => {
    const { stream, options } = setUp((texts) => texts.map((_, index) => (index < 2 ? failure('InternalFailure') : index < 3 ? failure() : success())), {
      maxAttempts: 3,
    });

    const error = await deliveryErrorOf(deliverRecords(records(10), options));

    expect(stream.calls).toHaveLength(3);
    expect(error.message).toBe('3 of 10 records were not delivered to Firehose (InternalFailure x2, ServiceUnavailableException x1); stopped by: attempts');
    expect(error.report).toMatchObject({ recordsPut: 7, recordsFailed: 3, recordsRetried: 6 });
  });

  it('stops retrying when the next back-off would end past the deadline', async () => {
    // Back-off ceilings are 100 then 200 ms; with random 0.999 the waits are 99 then 199 ms.
    const { time, stream, options } = setUp((texts) => texts.map(() => failure()), { random: () => 0.999 });
    const budgeted = { ...options, deadline: time.clock.now() + 250 };

    const error = await deliveryErrorOf(deliverRecords(records(4), budgeted));

    expect(time.sleeps).toEqual([99]);
    expect(stream.calls).toHaveLength(2);
    expect(error.report.stoppedBy).toEqual(['deadline']);
  });

  it('still makes the first attempt when the deadline has already passed', async () => {
    const { time, stream, options } = setUp(undefined, {});

    const report = await deliverRecords(records(3), { ...options, deadline: time.clock.now() - 1 });

    expect(stream.calls).toHaveLength(1);
    expect(report.recordsPut).toBe(3);
  });

  it('backs off exponentially with full jitter, up to the cap', async () => {
    const { time, options } = setUp((texts) => texts.map(() => failure()));

    await deliveryErrorOf(deliverRecords(records(1), options));

    // random() = 0.5 of the ceilings 100, 200, 400, ... capped at 5,000 ms.
    expect(time.sleeps).toEqual([50, 100, 200, 400, 800, 1600, 2500]);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const { stream, options } = setUp(undefined, { concurrency: 2 });

    await deliverRecords(records(2500), options);

    expect(stream.calls).toHaveLength(5);
    expect(stream.maxInFlight()).toBe(2);
  });

  it('runs calls in parallel when allowed', async () => {
    const { stream, options } = setUp(undefined, { concurrency: 4 });

    await deliverRecords(records(2500), options);

    expect(stream.maxInFlight()).toBe(4);
  });

  it('treats a record the answer leaves out as failed and resends it', async () => {
    const { stream, options } = setUp((texts, callIndex) => (callIndex === 0 ? texts.slice(1).map(success) : texts.map(success)));

    const report = await deliverRecords(records(3), options);

    expect(stream.calls[1]).toEqual([stream.calls[0]?.[2]]);
    expect(report.recordsPut).toBe(3);
  });

  it('refuses a log event too large for one record before sending anything, naming its id', async () => {
    const { stream, options } = setUp();
    const huge = toDeliveryRecord(logEvent({ id: 'event-too-big', message: 'x'.repeat(MAX_RECORD_BYTES) }));

    await expect(deliverRecords([...records(2), huge], options)).rejects.toThrow(/log event event-too-big makes a record of 1024001 bytes/);
    expect(stream.calls).toHaveLength(0);
  });

  it('throws OversizedRecordError for an oversized record', async () => {
    const { options } = setUp();
    const huge = toDeliveryRecord(logEvent({ message: 'x'.repeat(MAX_RECORD_BYTES) }));

    await expect(deliverRecords([huge], options)).rejects.toThrow(OversizedRecordError);
  });

  it('logs one debug line per retry, not one per record', async () => {
    const { lines, logger } = recordingLogger();
    const { options } = setUp((texts, callIndex) => (callIndex === 0 ? texts.map(() => failure()) : texts.map(success)), { logger });

    await deliverRecords(records(300), options);

    expect(lines).toEqual([
      {
        level: 'debug',
        message: 'retrying PutRecordBatch entries',
        attributes: { attempt: 1, records: 300, errorCodes: { ServiceUnavailableException: 300 }, delayMs: 50 },
      },
    ]);
  });
});

describe('fullJitterDelay', () => {
  const backoff = { baseDelayMs: 100, maxDelayMs: 5000 };

  it('draws from zero up to the doubled ceiling', () => {
    expect([0, 0.5, 0.9999].map((value) => fullJitterDelay(3, backoff, () => value))).toEqual([0, 200, 399]);
  });

  it('never waits longer than the cap', () => {
    expect(fullJitterDelay(30, backoff, () => 0.9999)).toBe(4999);
  });
});
