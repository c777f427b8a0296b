// The CloudWatch Logs subscription events of the public corpus (../shared/corpus/events and the
// OpenTelemetry payloads, read in place): decoded as the corpus's decoded/ views say, delivered one
// line per log event, and through the ingestor handler with a mocked FirehoseClient (over the wire
// in over-the-wire.test.ts). The unit tier does the same with builder-made events.
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFirehoseDeliveryStream } from '../../../src/adapters/firehose-delivery-stream.js';
import { decodeSubscriptionPayload, type CloudWatchLogsPayload } from '../../../src/cloudwatch/decode-subscription-payload.js';
import { deliverSubscriptionPayload } from '../../../src/firehose/delivery/deliver-subscription-payload.js';
import { corpusCloudWatchLogsEvents, encodeSubscriptionData, lambdaContext, readCorpusJson } from '../../support/cloudwatch-builders.js';
import { corpusIsPresent, missingCorpusMessage } from '../../support/corpus.js';
import { fakeTime, recordingLogger, recordingMetrics } from '../../support/firehose-delivery-fakes.js';

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

const firehose = mockClient(FirehoseClient);

function decodedOk(data: string | Uint8Array): CloudWatchLogsPayload {
  const decoded = decodeSubscriptionPayload(data);
  if (!decoded.ok) throw new Error(`expected a decoded payload, got ${decoded.error.message}`);
  return decoded.value;
}

/** Firehose, mocked, accepts every record. */
function acceptAll(): void {
  firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
    FailedPutCount: 0,
    RequestResponses: (input.Records ?? []).map((_, index) => ({ RecordId: String(index) })),
  }));
}

/** The record texts of every PutRecordBatch call, in call order. */
function sentBatches(): string[][] {
  return firehose
    .commandCalls(PutRecordBatchCommand)
    .map((call) => (call.args[0].input.Records ?? []).map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')));
}

/** The use case's collaborators: the real Firehose adapter on the mocked client, fake time, recording logs and metrics. */
function setUp() {
  const time = fakeTime();
  return {
    dependencies: {
      deliveryStream: createFirehoseDeliveryStream({ client: new FirehoseClient({}), deliveryStreamName: 'vpc-flow-logs' }),
      logger: recordingLogger().logger,
      metrics: recordingMetrics().metrics,
      concurrency: 4,
      maxAttempts: 8,
      deadline: time.clock.now() + 60_000,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
      requestId: 'request-1',
    },
  };
}

/** Imports the ingestor handler afresh, as a cold start with this environment would. */
async function coldStart(): Promise<Handler> {
  vi.stubEnv('DELIVERY_STREAM_NAME', 'vpc-flow-logs');
  vi.resetModules();
  return ((await import('../../../ingestor/index.js')) as { handler: Handler }).handler;
}

beforeAll(() => {
  // Fail, never skip: a missing corpus must not pass for a conforming decoder.
  if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
});

beforeEach(() => {
  firehose.reset();
  // The function's logs and EMF documents are not what these tests are about.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('decodeSubscriptionPayload on the public corpus', () => {
  const events = corpusCloudWatchLogsEvents();

  it('finds the CloudWatch Logs Lambda events of the corpus', () => {
    expect(events.map(({ file }) => file)).toEqual(
      expect.arrayContaining([
        'aws-lambda-go/cloudwatch-logs-event.json',
        'powertools-python/cloudWatchLogEventWithPolicyLevel.json',
        'powertools-typescript/cloudwatch-base.json',
        'sam-cli/CloudwatchLogs.json',
      ]),
    );
  });

  it.each(events)('decodes $file as the corpus decoded view says', ({ file, event }) => {
    const expected = readCorpusJson(`events/decoded/${file.replace('/', '__').replace(/\.json$/, '.decoded.json')}`) as {
      decoded_awslogs_data: unknown;
    };

    const decoded = decodedOk(event.awslogs.data);

    expect(decoded).toEqual(expected.decoded_awslogs_data);
  });

  it('decodes every gzipped CloudWatch Logs envelope in the SAM CLI Firehose processor event, the control message first', () => {
    const event = readCorpusJson('events/sam-cli/KinesisFirehoseCloudwatchLogsProcessor.rendered-defaults.json') as { records: { data: string }[] };

    const types = event.records.map((record) => decodedOk(record.data).messageType);

    expect(types).toEqual(['CONTROL_MESSAGE', 'DATA_MESSAGE', 'DATA_MESSAGE', 'DATA_MESSAGE']);
  });

  it('decodes the gzipped CloudWatch Logs data of the Powertools Kinesis stream event', () => {
    const event = readCorpusJson('events/powertools-typescript/kinesis-stream-cloudwatch-logs.json') as { Records: { kinesis: { data: string } }[] };

    const logGroups = event.Records.map((record) => decodedOk(record.kinesis.data).logGroup);

    expect(logGroups.every((logGroup) => logGroup.startsWith('/aws/lambda/'))).toBe(true);
  });

  it.each(['valid_vpc_flow_cw.json', 'valid_vpc_flow_cw_custom.json'])('round-trips the OpenTelemetry flow-log payload %s', (file) => {
    const payload = readCorpusJson(`flowlogs/otel-collector-contrib/${file}`);

    const decoded = decodedOk(encodeSubscriptionData(payload));

    expect(decoded).toEqual(payload);
  });

  it.each(['example1', 'example2'])('round-trips the CloudWatch Logs guide payload %s', (name) => {
    const payload = readCorpusJson(`events/aws-docs/cwl-subscription-decoded-payload.${name}.json`);

    const decoded = decodedOk(encodeSubscriptionData(payload));

    expect(decoded).toEqual(payload);
  });
});

describe('deliverSubscriptionPayload on the public corpus', () => {
  it.each(corpusCloudWatchLogsEvents())('puts each log event of $file as one line', async ({ event }) => {
    acceptAll();
    const { dependencies } = setUp();
    const decoded = decodeSubscriptionPayload(event.awslogs.data);
    const expected = decoded.ok ? decoded.value.logEvents.map((logEvent) => `${logEvent.message}\n`) : [];

    await deliverSubscriptionPayload(event.awslogs.data, dependencies);

    expect(sentBatches().flat()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});

describe('ingestor handler on the corpus events', () => {
  it('puts each log event of the SAM CLI sample event into Firehose as one line', async () => {
    acceptAll();
    const handler = await coldStart();
    const event = readCorpusJson('events/sam-cli/CloudwatchLogs.json') as CloudWatchLogsEvent;

    await handler(event, lambdaContext());

    expect(firehose).toHaveReceivedCommandExactlyOnceWith(PutRecordBatchCommand, {
      DeliveryStreamName: 'vpc-flow-logs',
      Records: [{ Data: Buffer.from('[ERROR] First test message\n') }, { Data: Buffer.from('[ERROR] Second test message\n') }],
    });
  });
});
