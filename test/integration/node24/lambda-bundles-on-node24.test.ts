// The built Lambda bundles on the Node.js the functions run in Lambda (nodejs24.x), besides the
// machine's Node.js: each bundle's handler, loaded by the built CLI's `invoke` in a child process
// of that Node.js, against the loopback EC2 and Firehose through AWS_ENDPOINT_URL_*, as
// test/wire/invoke-command.test.ts does on the machine's Node.js; the reporter's handler imported
// as Lambda imports it (its run against S3, EC2 and SNS is test/integration/moto/reporter-against-moto.test.ts).
// Node 24 comes from the npm registry's `node` package (scripts/integration/install-node24.sh).
import type { NetworkInterface, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_GEO_DATABASE } from '../../../scripts/build-sample-geo-db.js';
import { SAMPLE_EVENT_PATHS } from '../../../scripts/generate-sample-events.js';
import { startEc2LoopbackServer, type Ec2LoopbackServer } from '../../support/ec2-loopback-server.js';
import { documentsOf } from '../../support/firehose-builders.js';
import { startFirehoseLoopbackServer, type FirehoseLoopbackServer } from '../../support/firehose-loopback-server.js';
import { installedTool } from '../support/tools.js';

const run = promisify(execFile);
const NODE24 = installedTool('node24/node_modules/node/bin/node', 'Node.js 24 (scripts/integration/install-node24.sh)');
const RUNTIMES = [
  { name: 'Node.js 24 (Lambda nodejs24.x)', binary: NODE24 },
  { name: `the machine's Node.js ${process.version}`, binary: process.execPath },
] as const;
const ENV_VARS = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, string>>;

/** The sample's EC2 inventory (AWS CLI output, the SDK's shape), which the loopback EC2 answers from. */
const SAMPLE_INVENTORY = {
  networkInterfaces: (JSON.parse(readFileSync('events/sample/inventory/network-interfaces.json', 'utf8')) as { NetworkInterfaces: NetworkInterface[] }).NetworkInterfaces,
  securityGroupRules: (JSON.parse(readFileSync('events/sample/inventory/security-group-rules.json', 'utf8')) as { SecurityGroupRules: SecurityGroupRule[] }).SecurityGroupRules,
};

const bundles = mkdtempSync(join(tmpdir(), 'node24-bundles-'));
let servers: (Ec2LoopbackServer | FirehoseLoopbackServer)[] = [];

/** `vpc-flow-log-appender invoke FUNCTION EVENT ...` from the built CLI, on `node`, with the built bundle. */
async function invokeBuilt(node: string, functionName: 'ingestor' | 'decorator', args: readonly string[], environment: Record<string, string>) {
  return run(node, [join(bundles, 'cli', 'main.js'), 'invoke', functionName, ...args, '--bundle', join(bundles, functionName, 'index.js')], {
    env: { ...process.env, ...environment },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The decorator's response to the sample Firehose event, enriching from the loopback EC2 (the sample inventory) with rules and geolocation. */
async function decorateSample(node: string) {
  const ec2 = await startEc2LoopbackServer(SAMPLE_INVENTORY);
  servers.push(ec2);
  const { stdout } = await invokeBuilt(node, 'decorator', [SAMPLE_EVENT_PATHS.firehoseFromIngestor], {
    AWS_ENDPOINT_URL_EC2: ec2.url,
    SECURITY_GROUP_RULES: 'true',
    RULE_ATTRIBUTION: 'true',
    GEO_PROVIDER: 'mmdb',
    GEO_DATABASE_PATH: SAMPLE_GEO_DATABASE,
  });
  return { ec2, stdout, response: JSON.parse(stdout) as { records: { recordId: string; result: string; data: string }[] } };
}

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', bundles]);
});

afterAll(() => {
  rmSync(bundles, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe('the Node.js 24 binary', () => {
  it('is the nodejs24.x line the functions run in Lambda', async () => {
    const { stdout } = await run(NODE24, ['--version']);

    expect(stdout.trim()).toMatch(/^v24\.\d+\.\d+$/);
  });
});

describe.each(RUNTIMES)('the built bundles on $name', ({ binary }) => {
  it('decorate every record of the sample event Ok, in order, with interface, groups and geolocation', async () => {
    // Prepare
    const event = JSON.parse(readFileSync(SAMPLE_EVENT_PATHS.firehoseFromIngestor, 'utf8')) as { records: { recordId: string }[] };

    // Act
    const { ec2, response } = await decorateSample(binary);

    // Assess
    expect(response.records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
    expect(response.records.map((record) => record.result)).toEqual(event.records.map(() => 'Ok'));
    const documents = response.records.flatMap((record) => documentsOf({ recordId: record.recordId, result: 'Ok', data: record.data }));
    expect(documents[0]).toMatchObject({ interface_id: 'eni-0a1b2c3d4e5f60001', security_group_ids: ['sg-0a1b2c3d4e5f60101'], rule_match: expect.any(String) as unknown });
    expect(documents.flatMap((document) => (document.enrichment_issues as unknown[] | undefined) ?? [])).toEqual([]);
    expect(documents.some((document) => document.src_geo !== undefined || document.dst_geo !== undefined)).toBe(true);
    expect(ec2.calls.map((call) => call.action)).toEqual(expect.arrayContaining(['DescribeNetworkInterfaces', 'DescribeSecurityGroupRules']));
  });

  it('put the data message of the sample into the loopback Firehose stream and print null', async () => {
    const deliveryStreamName = ENV_VARS.IngestorFunction?.DELIVERY_STREAM_NAME ?? '';
    const firehose = await startFirehoseLoopbackServer({ deliveryStreamName });
    servers.push(firehose);

    const { stdout, stderr } = await invokeBuilt(binary, 'ingestor', [SAMPLE_EVENT_PATHS.cloudWatchLogsData, '--env-vars', 'events/env.json'], { AWS_ENDPOINT_URL_FIREHOSE: firehose.url });

    expect(stdout).toBe('null\n');
    expect(stderr).toContain('ingest summary');
    expect(firehose.calls.flatMap((call) => call.accepted)).toHaveLength(4);
  });

  it('load the reporter at cold start with the variables of events/env.json, its handler exported', async () => {
    const script = 'const module = await import(process.argv[1]); process.stdout.write(typeof module.handler);';
    const { stdout } = await run(binary, ['--input-type=module', '-e', script, join(bundles, 'reporter', 'index.js')], {
      env: { ...process.env, ...ENV_VARS.ReporterFunction, AWS_REGION: 'us-east-1' },
    });

    expect(stdout).toBe('function');
  });

  it('refuse at the reporter\'s cold start the athena engine without its workgroup and database, naming both', async () => {
    const script = 'await import(process.argv[1]);';
    const failure = await run(binary, ['--input-type=module', '-e', script, join(bundles, 'reporter', 'index.js')], {
      env: { ...process.env, ...ENV_VARS.ReporterFunction, REPORT_ENGINE: 'athena', AWS_REGION: 'us-east-1' },
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('ATHENA_WORKGROUP is required');
    expect(failure?.stderr).toContain('ATHENA_DATABASE is required');
  });

  it('fail at cold start as SAM prints it, exit 1, when the ingestor has no stream', async () => {
    const failure = await invokeBuilt(binary, 'ingestor', [SAMPLE_EVENT_PATHS.cloudWatchLogsData], { DELIVERY_STREAM_NAME: '' }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string },
    );

    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure?.stdout ?? '{}')).toEqual({ errorType: 'ConfigurationError', errorMessage: expect.stringContaining('DELIVERY_STREAM_NAME') as unknown });
  });
});

describe('Node.js 24 and the machine\'s Node.js', () => {
  it('give the same decorator response, byte for byte, for the sample event', async () => {
    const [onNode24, onMachine] = [await decorateSample(NODE24), await decorateSample(process.execPath)];

    expect(onNode24.stdout).toBe(onMachine.stdout);
    expect(onNode24.response.records.length).toBeGreaterThan(0);
  });
});
