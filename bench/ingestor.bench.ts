// Issue 4: the BUILT ingestor on a CloudWatch Logs event of 10,000 log events, Firehose answered by
// a loopback endpoint (in this process, so its JSON parsing is in the figure too). Reports ms per
// invocation, PutRecordBatch calls (the minimum is ceil(records / 500)) and the ratio against a
// same-run baseline that only gunzips and parses the event.
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { MAX_PUT_RECORD_BATCH_RECORDS } from '../src/firehose/delivery/put-record-batch-limits.js';
import { lambdaContext, subscriptionEvent } from '../test/support/cloudwatch-builders.js';
import { startFirehoseLoopbackServer } from '../test/support/firehose-loopback-server.js';
import { builtBundle, measure, quietly, report, seededRandom } from './measure.js';
import type { Benchmark } from './run.js';

const LOG_EVENTS = 10_000;

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

/** A subscription event as CloudWatch Logs sends for a busy ENI: v2 default-format flow logs. */
function flowLogEvent(): CloudWatchLogsEvent {
  const next = seededRandom(4);
  const int = (max: number): number => Math.floor(next() * max);
  const logEvents = Array.from({ length: LOG_EVENTS }, (_, index) => {
    const start = 1_700_000_000 + int(3600);
    const remote = `${next() < 0.5 ? '198.51.100' : '203.0.113'}.${int(256)}`;
    const local = `10.0.${int(256)}.${int(256)}`;
    const [src, dst] = next() < 0.5 ? [remote, local] : [local, remote];
    return {
      id: `3195310660696698337880902507980421114328961542429${String(index).padStart(7, '0')}`,
      timestamp: start * 1000,
      message: `2 123456789012 eni-0a1b2c3d4e5f60718 ${src} ${dst} ${int(65536)} ${[22, 80, 443, 3389][int(4)]} 6 ${1 + int(50)} ${40 + int(90_000)} ${start} ${start + 60} ${next() < 0.8 ? 'ACCEPT' : 'REJECT'} OK`,
    };
  });
  return subscriptionEvent({ logEvents, logStream: 'eni-0a1b2c3d4e5f60718-all' });
}

const benchmark: Benchmark = {
  name: 'ingestor (built) to a loopback Firehose',
  async run() {
    const event = flowLogEvent();
    const server = await startFirehoseLoopbackServer({ keepRecords: false });
    const environment = {
      DELIVERY_STREAM_NAME: 'vpc-flow-logs',
      AWS_ENDPOINT_URL_FIREHOSE: server.url,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
      AWS_SECRET_ACCESS_KEY: 'bench-secret-not-real',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    Object.assign(process.env, environment);
    const bundle = builtBundle('dist/ingestor/index.js');
    try {
      const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
      const context = lambdaContext({ remainingTimeMs: 60_000 });

      const base = await measure(() => (JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as { logEvents: unknown[] }).logEvents.length, {
        runs: 15,
      });
      const callsBefore = server.calls.length;
      const { result: ours, lines } = await quietly(() => measure(() => handler(event, context), { warmUp: 3, runs: 15 }));
      const invocations = 3 + ours.runs;
      const calls = server.calls.slice(callsBefore);
      const recordsReceived = calls.reduce((sum, call) => sum + call.recordCount, 0);
      report({
        'log events per invocation': LOG_EVENTS,
        'compressed event bytes': Buffer.byteLength(event.awslogs.data),
        'baseline ms (gunzip + JSON.parse)': base.medianMs,
        'ingestor ms per invocation': ours.medianMs,
        'ratio ingestor/baseline': ours.medianMs / base.medianMs,
        'ingestor seconds of one core per million log events': Math.round(((ours.medianMs / LOG_EVENTS) * 1_000_000) / 100) / 10,
        'PutRecordBatch calls per invocation': calls.length / invocations,
        'minimum calls ceil(records/500)': Math.ceil(LOG_EVENTS / MAX_PUT_RECORD_BATCH_RECORDS),
        'records received per invocation': recordsReceived / invocations,
        'stdout lines per invocation (log + EMF)': lines / invocations,
      });
    } finally {
      await server.close();
    }
  },
};
export default benchmark;
