// Fuzzing the ingestor Lambda's input (issue 12): arbitrary CloudWatch Logs subscription events,
// well-formed or damaged, against the real handler with Firehose mocked (no network) and answering
// as it pleases: all written, some entries failed, entries that prove nothing, whole calls failing.
// Whatever arrives, the handler throws nothing but its documented errors (DeliveryError: Lambda
// retries the event; UndecodableSubscriptionError: nothing can be read from it), and when it
// returns, every log event short enough for a Firehose record was written at least once.
import { gzipSync } from 'node:zlib';
import { FirehoseClient, PutRecordBatchCommand, ResourceNotFoundException, ServiceUnavailableException, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { controlPayload, flowLogMessage, lambdaContext, subscriptionPayload } from '../../support/cloudwatch-builders.js';
import { MAX_RECORD_BYTES } from '../../../src/firehose/delivery/put-record-batch-limits.js';

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

const firehose = mockClient(FirehoseClient);
let handler: Handler;
let documentedErrors: readonly (abstract new (...args: never[]) => Error)[] = [];

beforeAll(async () => {
  vi.stubEnv('DELIVERY_STREAM_NAME', 'vpc-flow-logs');
  // Few attempts and no waiting between them (full jitter times Math.random), so a run stays short.
  vi.stubEnv('RETRY_MAX_ATTEMPTS', '3');
  vi.spyOn(Math, 'random').mockReturnValue(0);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.resetModules();
  ({ handler } = (await import('../../../ingestor/index.js')));
  const errors = await import('../../../src/firehose/delivery/delivery-errors.js');
  documentedErrors = [errors.DeliveryError, errors.UndecodableSubscriptionError];
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  firehose.restore();
});

/** How Firehose answers one PutRecordBatch call. */
type Answer = 'all-written' | 'some-failed' | 'unconfirmed-entries' | 'short-answer' | 'unavailable' | 'not-found';
const answer = fc.constantFrom<Answer>('all-written', 'all-written', 'all-written', 'some-failed', 'unconfirmed-entries', 'short-answer', 'unavailable', 'not-found');

const message = fc.oneof(
  { weight: 4, arbitrary: fc.record({ srcport: fc.integer({ min: 0, max: 65_535 }), action: fc.constantFrom<'ACCEPT' | 'REJECT'>('ACCEPT', 'REJECT') }).map((values) => flowLogMessage(values)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  // Longer than a Firehose record can be: reported with its location, the others still put.
  { weight: 1, arbitrary: fc.constant('x'.repeat(MAX_RECORD_BYTES + 10)) },
);

const payloadOf = (messages: readonly string[]) =>
  subscriptionPayload({ logEvents: messages.map((text, index) => ({ id: `event-${index}`, timestamp: 1_700_000_000_000 + index, message: text })) });

/** awslogs.data as it arrives, with the messages it carries when it is a readable data message. */
const subscriptionData: fc.Arbitrary<{ readonly data: unknown; readonly messages?: readonly string[] }> = fc.oneof(
  { weight: 6, arbitrary: fc.array(message, { minLength: 1, maxLength: 40 }).map((messages) => ({ data: gzipSync(JSON.stringify(payloadOf(messages))).toString('base64'), messages })) },
  { weight: 1, arbitrary: fc.constant({ data: gzipSync(JSON.stringify(controlPayload())).toString('base64') }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant({ data: undefined }),
      fc.jsonValue().map((value) => ({ data: value })),
      fc.string({ maxLength: 60 }).map((text) => ({ data: text })),
      fc.uint8Array({ maxLength: 60 }).map((bytes) => ({ data: Buffer.from(bytes).toString('base64') })),
      fc.jsonValue().map((value) => ({ data: gzipSync(JSON.stringify(value)).toString('base64') })),
      fc.tuple(fc.array(message, { minLength: 1, maxLength: 5 }), fc.nat()).map(([messages, cut]) => {
        const whole = gzipSync(JSON.stringify(payloadOf(messages)));
        return { data: whole.subarray(0, cut % whole.length).toString('base64') };
      }),
    ),
  },
);

describe('ingestor handler (fuzzed input)', () => {
  it('throws only its documented errors, and returns only when every log event that fits a record was written', async () => {
    let deliveredRuns = 0;
    await fc.assert(
      fc.asyncProperty(subscriptionData, fc.array(answer, { minLength: 1, maxLength: 12 }), async ({ data, messages }, answers) => {
        // Prepare: Firehose answers call after call from the script, then writes everything.
        const written: string[] = [];
        let call = 0;
        firehose.reset();
        firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
          const records = input.Records ?? [];
          const how = answers[call] ?? 'all-written';
          call += 1;
          if (how === 'unavailable') throw new ServiceUnavailableException({ message: 'slow down', $metadata: {} });
          if (how === 'not-found') throw new ResourceNotFoundException({ message: 'no such stream', $metadata: {} });
          const entries = records.map((record, index) => {
            if (how === 'some-failed' && index % 2 === 1) return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'busy' };
            if (how === 'unconfirmed-entries' && index % 2 === 0) return {};
            written.push(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
            return { RecordId: `written-${call}-${index}` };
          });
          const answered = how === 'short-answer' ? entries.slice(0, Math.floor(entries.length / 2)) : entries;
          return { FailedPutCount: answered.filter((entry) => entry.RecordId === undefined).length + (records.length - answered.length), RequestResponses: answered };
        });
        const event = { awslogs: { data } } as unknown as CloudWatchLogsEvent;

        // Act
        let thrown: unknown;
        try {
          await handler(event, lambdaContext());
        } catch (error) {
          thrown = error;
        }

        // Assess
        if (thrown !== undefined) {
          expect(documentedErrors.some((type) => thrown instanceof type), thrown instanceof Error ? thrown.message : typeof thrown).toBe(true);
          return;
        }
        const writtenOnce = new Set(written);
        for (const text of messages ?? []) {
          if (Buffer.byteLength(`${text}\n`) > MAX_RECORD_BYTES) continue;
          expect(writtenOnce.has(`${text}\n`)).toBe(true);
        }
        if ((messages ?? []).length > 0) deliveredRuns += 1;
      }),
      { numRuns: 120 },
    );
    // The property held over deliveries that went through, not only over events that failed.
    expect(deliveredRuns).toBeGreaterThan(20);
  }, 120_000);
});
