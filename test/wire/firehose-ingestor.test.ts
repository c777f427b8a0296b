// The ingestor handler as deployed: configuration from the environment, the real FirehoseClient
// built at cold start and aimed through AWS_ENDPOINT_URL_FIREHOSE at a loopback Firehose.
// AWS_MAX_ATTEMPTS=1 turns the SDK's own retries off so the handler's retries are what is tested,
// and quickly: its back-off starts at a random wait under 100 ms.
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, logEvents, subscriptionEvent } from '../support/cloudwatch-builders.js';
import {
  accept,
  failEntries,
  serviceUnavailable,
  startFirehoseLoopbackServer,
  type FirehoseLoopbackServer,
  type FirehoseLoopbackServerOptions,
} from '../support/firehose-loopback-server.js';

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

let server: FirehoseLoopbackServer | undefined;

/** Starts a loopback Firehose, then cold-starts the handler against it. */
async function deployAgainst(options: FirehoseLoopbackServerOptions, environment: Record<string, string> = {}) {
  server = await startFirehoseLoopbackServer(options);
  vi.stubEnv('AWS_ENDPOINT_URL_FIREHOSE', server.url);
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  vi.stubEnv('DELIVERY_STREAM_NAME', 'vpc-flow-logs');
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = (await import('../../ingestor/index.js')) as { handler: Handler };
  return { server, handler };
}

/** The records the builder's first `count` log events become: each line and a newline. */
function expectedRecords(count: number): string[] {
  return logEvents(count).map((logEvent) => `${logEvent.message}\n`);
}

beforeEach(() => {
  // The function's logs and EMF documents are not what these tests are about.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('ingestor handler over the wire', () => {
  it('puts every log event once after Firehose answers FailedPutCount > 0, then success', async () => {
    // Prepare
    // Both full batches of 500 lose three entries on their first call; the resends of 3 succeed.
    const { server, handler } = await deployAgainst({ answer: ({ recordCount }) => (recordCount === 500 ? failEntries([3, 7, 400]) : accept()) });
    const event = subscriptionEvent({ logEvents: logEvents(1200) });

    // Act
    await handler(event, lambdaContext());

    // Assess
    expect(server.calls.flatMap((call) => call.accepted).sort()).toEqual(expectedRecords(1200).sort());
    expect(server.calls.filter((call) => call.recordCount === 3)).toHaveLength(2);
  });

  it('puts the records after a ServiceUnavailableException', async () => {
    const { server, handler } = await deployAgainst({ answer: ({ callIndex }) => (callIndex === 0 ? serviceUnavailable() : accept()) });
    const event = subscriptionEvent({ logEvents: logEvents(10) });

    await handler(event, lambdaContext());

    expect(server.calls.map((call) => [call.status, call.accepted.length])).toEqual([
      [503, 0],
      [200, 10],
    ]);
  });

  it('fails the invocation, naming the count and code, when Firehose stays unavailable through every attempt', async () => {
    // A budget no loaded machine exhausts, so the attempts run out first and every call is answered.
    const { handler } = await deployAgainst({ answer: serviceUnavailable }, { RETRY_MAX_ATTEMPTS: '2', RETRY_TIME_MARGIN_MS: '0' });

    await expect(handler(subscriptionEvent({ logEvents: logEvents(5) }), lambdaContext({ remainingTimeMs: 60_000 }))).rejects.toThrow(
      /^5 of 5 records were not delivered to Firehose \(ServiceUnavailableException x5\); stopped by: attempts/,
    );
  });

  it('fails the invocation, naming the deadline, when Firehose stays unavailable past the budget', async () => {
    const { handler } = await deployAgainst({ answer: serviceUnavailable }, { RETRY_TIME_MARGIN_MS: '0' });

    // The code is the last one seen: the 503's, or DeadlineExceeded when a slow machine's call was
    // still unanswered at the deadline (this once failed CI under load). Either way: the deadline.
    await expect(handler(subscriptionEvent({ logEvents: logEvents(5) }), lambdaContext({ remainingTimeMs: 300 }))).rejects.toThrow(
      /^5 of 5 records were not delivered to Firehose \((ServiceUnavailableException|DeadlineExceeded) x5\); stopped by: deadline/,
    );
  });

  // Powertools' own zlib-compressed sample goes through this handler in test/integration/corpus.
  it('delivers a zlib-compressed event', async () => {
    const { server, handler } = await deployAgainst({});

    await handler(subscriptionEvent({ logEvents: logEvents(2) }, { compression: 'zlib' }), lambdaContext());

    expect(server.calls.flatMap((call) => call.accepted)).toEqual(expectedRecords(2));
  });
});
