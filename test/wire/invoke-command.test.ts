// `vpc-flow-log-appender invoke` as a user runs it: a separate process loading the built handlers,
// real SDK clients aimed at loopback servers through AWS_ENDPOINT_URL_*.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_EVENT_PATHS } from '../../scripts/generate-sample-events.js';
import { startEc2LoopbackServer, type Ec2LoopbackServer } from '../support/ec2-loopback-server.js';
import { documentsOf } from '../support/firehose-builders.js';
import { startFirehoseLoopbackServer, type FirehoseLoopbackServer } from '../support/firehose-loopback-server.js';

const run = promisify(execFile);
const ENV_VARS = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, string>>;

let servers: (Ec2LoopbackServer | FirehoseLoopbackServer)[] = [];

async function invoke(args: readonly string[], environment: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'invoke', ...args], { env: { ...process.env, ...environment } });
}

beforeAll(async () => {
  if (!existsSync('dist/ingestor/index.js') || !existsSync('dist/decorator/index.js')) await run(process.execPath, ['scripts/build.mjs']);
}, 120_000);

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe('vpc-flow-log-appender invoke', () => {
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

  it('documents every option in --help', async () => {
    const { stdout } = await invoke(['--help'], {});

    for (const option of ['--env-vars', '--timeout', '--help', 'npm run build']) expect(stdout).toContain(option);
  });
});
