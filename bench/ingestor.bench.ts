// Issue 4: the BUILT ingestor on a CloudWatch Logs event of 10,000 log events, Firehose answered by
// a loopback endpoint (in this process, so its JSON parsing is in the figure too). Reports ms per
// invocation, PutRecordBatch calls (the minimum is ceil(records / 500)) and the ratio against a
// same-run baseline that only gunzips and parses the event.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { build } from 'esbuild';
import { MAX_PUT_RECORD_BATCH_RECORDS } from '../src/firehose/put-record-batch-limits.js';
import { lambdaContext, subscriptionEvent } from '../test/support/cloudwatch-builders.js';
import { startFirehoseLoopbackServer } from '../test/support/firehose-loopback-server.js';
import { measure, report } from './measure.js';
import type { Benchmark } from './run.js';

const LOG_EVENTS = 10_000;
const root = fileURLToPath(new URL('..', import.meta.url));

type Handler = (event: CloudWatchLogsEvent, context: Context) => Promise<void>;

/** Deterministic pseudo-random numbers, so every run sends the same event. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** A subscription event as CloudWatch Logs sends for a busy ENI: v2 default-format flow logs. */
function flowLogEvent(): CloudWatchLogsEvent {
  const next = random(4);
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

/**
 * dist/ingestor/index.js as `npm run build` made it; when absent (the build needs both Lambdas),
 * the ingestor alone is bundled the same way into a temporary directory.
 */
async function builtIngestor(): Promise<{ path: string; origin: string; cleanUp: () => Promise<void> }> {
  const dist = join(root, 'dist/ingestor/index.js');
  if (existsSync(dist)) return { path: dist, origin: 'dist/ingestor/index.js', cleanUp: async () => {} };
  const directory = await mkdtemp(join(tmpdir(), 'ingestor-bench-'));
  const path = join(directory, 'index.js');
  // The options of scripts/build.mjs.
  await build({
    entryPoints: [join(root, 'ingestor/index.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await writeFile(join(directory, 'package.json'), '{ "type": "module" }\n');
  return { path, origin: 'esbuild of ingestor/index.ts into a temporary directory', cleanUp: () => rm(directory, { recursive: true, force: true }) };
}

/** Runs `work` with the function's own stdout (its summary log and EMF) counted, not printed. */
async function quietly<T>(work: () => Promise<T>): Promise<{ result: T; lines: number }> {
  const write = process.stdout.write.bind(process.stdout);
  let lines = 0;
  process.stdout.write = (chunk: string | Uint8Array) => {
    lines += String(chunk).split('\n').filter((line) => line.trim() !== '').length;
    return true;
  };
  try {
    return { result: await work(), lines };
  } finally {
    process.stdout.write = write;
  }
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
    const ingestor = await builtIngestor();
    try {
      const { handler } = (await import(pathToFileURL(ingestor.path).href)) as { handler: Handler };
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
        'built from': ingestor.origin,
        'log events per invocation': LOG_EVENTS,
        'compressed event bytes': Buffer.byteLength(event.awslogs.data),
        'baseline ms (gunzip + JSON.parse)': base.medianMs,
        'ingestor ms per invocation': ours.medianMs,
        'ratio ingestor/baseline': ours.medianMs / base.medianMs,
        'PutRecordBatch calls per invocation': calls.length / invocations,
        'minimum calls ceil(records/500)': Math.ceil(LOG_EVENTS / MAX_PUT_RECORD_BATCH_RECORDS),
        'records received per invocation': recordsReceived / invocations,
        'stdout lines per invocation (log + EMF)': lines / invocations,
      });
    } finally {
      await server.close();
      await ingestor.cleanUp();
    }
  },
};
export default benchmark;
