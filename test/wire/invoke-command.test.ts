// `vpc-flow-log-appender invoke` as a user runs it: a separate process loading the built handlers,
// real SDK clients aimed at loopback servers through AWS_ENDPOINT_URL_*. The bundles are built from
// the current sources into a directory of this test's own (scripts/build.mjs --outdir), so neither
// a stale dist/ nor a concurrent `npm run build` decides what runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_EVENT_PATHS } from '../../scripts/generate-sample-events.js';
import { startEc2LoopbackServer, type Ec2LoopbackServer } from '../support/ec2-loopback-server.js';
import { documentsOf } from '../support/firehose-builders.js';
import { startFirehoseLoopbackServer, type FirehoseLoopbackServer } from '../support/firehose-loopback-server.js';

const run = promisify(execFile);
const ENV_VARS = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, string>>;

const bundles = mkdtempSync(join(tmpdir(), 'invoke-bundles-'));
let servers: (Ec2LoopbackServer | FirehoseLoopbackServer)[] = [];

async function invoke(args: readonly string[], environment: Record<string, string>) {
  const functionName = args[0] ?? '';
  const bundle = ['ingestor', 'decorator'].includes(functionName) ? ['--bundle', join(bundles, functionName, 'index.js')] : [];
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'invoke', ...args, ...bundle], { env: { ...process.env, ...environment } });
}

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', bundles]);
}, 120_000);

afterAll(() => {
  rmSync(bundles, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

// Each test starts a process that compiles the CLI with tsx: seconds on a loaded 2-core machine.
describe('vpc-flow-log-appender invoke', { timeout: 90_000 }, () => {
  it('prints only the decorator response on stdout, one Ok record per record of the event', async () => {
    // Prepare
    const ec2 = await startEc2LoopbackServer();
    servers.push(ec2);
    const event = JSON.parse(readFileSync(SAMPLE_EVENT_PATHS.firehoseFromIngestor, 'utf8')) as { records: { recordId: string }[] };

    // Act
    const { stdout } = await invoke(['decorator', SAMPLE_EVENT_PATHS.firehoseFromIngestor], { AWS_ENDPOINT_URL_EC2: ec2.url, RULE_ATTRIBUTION: 'false' });

    // Assess
    expect(stdout.endsWith('}\n')).toBe(true);
    const response = JSON.parse(stdout) as { records: { recordId: string; result: 'Ok'; data: string }[] };
    expect(response.records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
    expect(response.records.map((record) => record.result)).toEqual(event.records.map(() => 'Ok'));
    expect(documentsOf(response.records[0] ?? { recordId: '', result: 'Ok', data: '' })[0]).toMatchObject({ interface_id: 'eni-0a1b2c3d4e5f60001' });
    expect(ec2.calls.map((call) => call.action)).toContain('DescribeNetworkInterfaces');
  });

  it('runs the ingestor with --env-vars, putting the data message into the stream named there, and prints null', async () => {
    // Prepare
    const deliveryStreamName = ENV_VARS.IngestorFunction?.DELIVERY_STREAM_NAME ?? '';
    const firehose = await startFirehoseLoopbackServer({ deliveryStreamName });
    servers.push(firehose);

    // Act
    const { stdout, stderr } = await invoke(['ingestor', SAMPLE_EVENT_PATHS.cloudWatchLogsData, '--env-vars', 'events/env.json'], { AWS_ENDPOINT_URL_FIREHOSE: firehose.url });

    // Assess
    expect(stdout).toBe('null\n');
    expect(stderr).toContain('ingest summary');
    expect(firehose.calls.flatMap((call) => call.accepted)).toHaveLength(4);
  });

  it('prints the error as SAM does and exits 1 when the function fails at cold start', async () => {
    // Prepare: no --env-vars, so the ingestor has no stream to put into.
    const environment = { DELIVERY_STREAM_NAME: '' };

    // Act
    const failure = await invoke(['ingestor', SAMPLE_EVENT_PATHS.cloudWatchLogsData], environment).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string },
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure?.stdout ?? '{}')).toEqual({ errorType: 'ConfigurationError', errorMessage: expect.stringContaining('DELIVERY_STREAM_NAME') as unknown });
  });

  it('names a --bundle that does not exist and runs nothing', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'invoke', 'decorator', SAMPLE_EVENT_PATHS.firehoseFromIngestor, '--bundle', join(bundles, 'missing.js')]).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toContain(`${join(bundles, 'missing.js')} does not exist`);
  });

  it('documents every option in --help', async () => {
    const { stdout } = await invoke(['--help'], {});

    for (const option of ['--env-vars', '--timeout', '--bundle', '--help', 'npm run build']) expect(stdout).toContain(option);
  });
});

describe('scripts/build.mjs for sam build', { timeout: 90_000 }, () => {
  it.each(['ingestor', 'decorator'])('builds the %s bundle alone into a flat artifact folder, byte for byte the bundle of a full build, without its source map', async (name) => {
    // Prepare: the command the Makefile's target runs.
    const target = new RegExp(`^build-\\w+:\\n\\t(node scripts/build\\.mjs --function ${name} --outdir "\\$\\(ARTIFACTS_DIR\\)")$`, 'm').exec(readFileSync('Makefile', 'utf8'));
    expect(target?.[1]).toBeDefined();
    const artifact = mkdtempSync(join(tmpdir(), `sam-artifact-${name}-`));

    try {
      // Act
      await run(process.execPath, ['scripts/build.mjs', '--function', name, '--outdir', artifact]);

      // Assess
      expect(readdirSync(artifact).sort()).toEqual(['index.js', 'index.js.LEGAL.txt', 'package.json']);
      expect(readFileSync(join(artifact, 'index.js')).equals(readFileSync(join(bundles, name, 'index.js')))).toBe(true);
      expect(JSON.parse(readFileSync(join(artifact, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    } finally {
      rmSync(artifact, { recursive: true, force: true });
    }
  });

  it('refuses a --function that is not a Lambda function of the project', async () => {
    const failure = await run(process.execPath, ['scripts/build.mjs', '--function', 'cli', '--outdir', join(bundles, 'never')]).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('--function needs one of ingestor, decorator');
  });
});
