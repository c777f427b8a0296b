// The composition root: cold-start configuration, wiring, and the budget taken from the context.
// Every FirehoseClient is mocked; nothing here waits on real back-off.
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { controlPayload, encodeSubscriptionData, lambdaContext, logEvent, logEvents, subscriptionEvent } from '../../support/cloudwatch-builders.js';

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

const firehose = mockClient(FirehoseClient);
/** What the function wrote to stdout and stderr: its logs and EMF documents, one JSON object per line. */
let written: Record<string, unknown>[] = [];

/**
 * Imports the handler afresh, as a cold start with this environment would. Error classes come from
 * the same fresh module graph, or `toThrow(Class)` would compare against another copy.
 */
async function coldStart(environment: Record<string, string> = { DELIVERY_STREAM_NAME: 'vpc-flow-logs' }) {
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = (await import('../../../ingestor/index.js')) as { handler: Handler };
  return { handler, ...(await import('../../../src/firehose/delivery/delivery-errors.js')) };
}

function acceptAll(): void {
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
    FailedPutCount: 0,
    RequestResponses: (input.Records ?? []).map((_, index) => ({ RecordId: String(index) })),
  }));
}

beforeEach(() => {
  firehose.reset();
  written = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    for (const line of String(chunk).split('\n').filter((text) => text.trim().startsWith('{'))) {
      written.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  };
  // Powertools writes warnings and errors to stderr, the rest to stdout.
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('ingestor handler', () => {
  it('fails at cold start listing every configuration problem', async () => {
    // Prepare
    vi.stubEnv('DELIVERY_STREAM_NAME', '');

    // Act
    const start = coldStart({ PUT_RECORD_BATCH_CONCURRENCY: 'lots' });

    // Assess
    const { ConfigurationError } = await import('../../../src/errors.js');
    await expect(start).rejects.toThrow(ConfigurationError);
    await expect(start).rejects.toThrow(/DELIVERY_STREAM_NAME is required\n- PUT_RECORD_BATCH_CONCURRENCY must be an integer/);
  });

  // The SAM CLI's own sample event goes through this handler in test/integration/corpus.
  it('puts each log event into Firehose as one line', async () => {
    acceptAll();
    const { handler } = await coldStart();
    const event = subscriptionEvent({ logEvents: [logEvent({ sequence: 0, message: '[ERROR] First test message' }), logEvent({ sequence: 1, message: '[ERROR] Second test message' })] });

    await handler(event, lambdaContext());

    expect(firehose).toHaveReceivedCommandExactlyOnceWith(PutRecordBatchCommand, {
      DeliveryStreamName: 'vpc-flow-logs',
      Records: [{ Data: Buffer.from('[ERROR] First test message\n') }, { Data: Buffer.from('[ERROR] Second test message\n') }],
    });
  });

  it('resolves without a call for a control message', async () => {
    acceptAll();
    const { handler } = await coldStart();

    await handler({ awslogs: { data: encodeSubscriptionData(controlPayload()) } }, lambdaContext());

    expect(firehose).not.toHaveReceivedCommand(PutRecordBatchCommand);
  });

  it('rejects an event it cannot decode', async () => {
    const { handler, UndecodableSubscriptionError } = await coldStart();

    await expect(handler({ awslogs: { data: 'bm90IGd6aXA=' } }, lambdaContext())).rejects.toThrow(UndecodableSubscriptionError);
  });

  it('takes the retry budget from the remaining time: with less left than the margin, it does not retry', async () => {
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
      FailedPutCount: (input.Records ?? []).length,
      RequestResponses: (input.Records ?? []).map(() => ({ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' })),
    }));
    const { handler, DeliveryError } = await coldStart({ DELIVERY_STREAM_NAME: 'vpc-flow-logs', RETRY_TIME_MARGIN_MS: '5000' });

    await expect(handler(subscriptionEvent({ logEvents: logEvents(3) }), lambdaContext({ remainingTimeMs: 4000 }))).rejects.toThrow(DeliveryError);

    expect(firehose).toHaveReceivedCommandTimes(PutRecordBatchCommand, 1);
  });

  it('writes one summary log line and one EMF document per invocation, failed ones included', async () => {
    acceptAll();
    const { handler, UndecodableSubscriptionError } = await coldStart();

    await handler(subscriptionEvent({ logEvents: logEvents(2) }), lambdaContext());
    await expect(handler({ awslogs: { data: '' } }, lambdaContext())).rejects.toThrow(UndecodableSubscriptionError);

    const summaries = written.filter((line) => line.message === 'ingest summary').map((line) => [line.level, line.outcome, line.requestId]);
    const emf = written.filter((line) => '_aws' in line).map((line) => [line.LogEventsIn, line.RecordsPut]);
    expect({ summaries, emf }).toEqual({
      summaries: [
        ['INFO', 'delivered', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
        ['ERROR', 'failed', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
      ],
      emf: [
        [2, 2],
        [0, 0],
      ],
    });
  });
});
