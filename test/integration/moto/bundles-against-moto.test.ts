// The built Lambda bundles, run as `invoke` runs them (a separate process, real SDK clients) against
// moto's server: the ingestor puts a subscription batch into a moto Firehose stream that delivers
// into a moto bucket; the decorator looks interfaces and rules up in moto's EC2 and reads the
// ipstack key from moto's SSM (ipstack itself is a loopback fake: moto has no ipstack). Same
// expectations as test/wire/invoke-command.test.ts and test/wire/decorator-handler.test.ts.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudWatchLogsDecodedData } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SAMPLE_EVENT_PATHS } from '../../../scripts/generate-sample-events.js';
import { base64, documentsOf, transformationEvent, transformationRecord } from '../../support/firehose-builders.js';
import { ipstackAnswer, ipstackError, TEST_IPSTACK_KEY } from '../../support/geo-builders.js';
import { listenOnLoopback, type ListeningLoopback } from '../../support/loopback-http.js';
import { CLIENT_ADDRESS, createMotoEc2Account, SCANNER_ADDRESS, type MotoEc2Account } from '../support/moto-ec2-account.js';
import { startMotoServer, type MotoServer } from '../support/moto-server.js';

const run = promisify(execFile);
const ENV_VARS = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, string>>;
const KEY_PARAMETER = '/vpc-flow-log-appender/ipstack-api-key';
const bundles = mkdtempSync(join(tmpdir(), 'moto-bundles-'));

// moto's server starts in seconds and answers each call in milliseconds, but on a loaded 2-core
// machine a test with a process or two of its own takes tens of seconds.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

let moto: MotoServer;
let ec2: EC2Client;
let s3: S3Client;
let account: MotoEc2Account;

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', bundles]);
  moto = await startMotoServer();
  ec2 = new EC2Client({ endpoint: moto.url });
  s3 = new S3Client({ endpoint: moto.url, forcePathStyle: true });
}, 180_000);

afterAll(async () => {
  ec2.destroy();
  s3.destroy();
  await moto.stop();
  rmSync(bundles, { recursive: true, force: true });
});

beforeEach(async () => {
  await moto.reset();
  account = await createMotoEc2Account(ec2);
});

/** Runs `invoke <function> EVENT --bundle <built bundle>` with the function's variables and every AWS endpoint at moto. */
async function invoke(functionName: 'ingestor' | 'decorator', eventPath: string, variables: Readonly<Record<string, string>>): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'invoke', functionName, eventPath, '--bundle', join(bundles, functionName, 'index.js')], {
    env: { ...process.env, ...variables, AWS_ENDPOINT_URL: moto.url },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function objectsUnder(bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const keys = (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
  return Promise.all(
    keys.map(async (key) => {
      const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
      return (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
    }),
  );
}

describe('ingestor bundle against moto', () => {
  it('puts every line of the subscription batch into the stream, one record each, and the stream lands them in its bucket', async () => {
    // Prepare: a Direct PUT stream into a bucket, as the template's S3 destination without the decorator.
    const firehose = new FirehoseClient({ endpoint: moto.url });
    await s3.send(new CreateBucketCommand({ Bucket: 'delivery-bucket' }));
    const deliveryStreamName = ENV_VARS.IngestorFunction?.DELIVERY_STREAM_NAME ?? '';
    await firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: deliveryStreamName,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: { BucketARN: 'arn:aws:s3:::delivery-bucket', RoleARN: 'arn:aws:iam::123456789012:role/firehose-delivery' },
      }),
    );
    firehose.destroy();
    const envelope = JSON.parse(gunzipSync(Buffer.from((JSON.parse(readFileSync(SAMPLE_EVENT_PATHS.cloudWatchLogsData, 'utf8')) as { awslogs: { data: string } }).awslogs.data, 'base64')).toString('utf8')) as CloudWatchLogsDecodedData;

    // Act
    const { stdout, stderr } = await invoke('ingestor', SAMPLE_EVENT_PATHS.cloudWatchLogsData, ENV_VARS.IngestorFunction ?? {});

    // Assess: moto writes each PutRecordBatch to the bucket at once (AWS buffers); the lines, in order, a newline each.
    expect(stdout).toBe('null\n');
    expect(stderr).toContain('ingest summary');
    expect(envelope.logEvents).toHaveLength(4);
    expect((await objectsUnder('delivery-bucket')).join('')).toBe(envelope.logEvents.map((event) => `${event.message}\n`).join(''));
  });
});

describe('decorator bundle against moto', () => {
  let ipstack: ListeningLoopback & { readonly keys: string[] };
  beforeAll(async () => {
    const keys: string[] = [];
    // ipstack's Standard Lookup, `GET /<ip>?access_key=...`: every address in Chicago, for the test key only.
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      keys.push(url.searchParams.get('access_key') ?? '');
      const body = url.searchParams.get('access_key') === TEST_IPSTACK_KEY ? ipstackAnswer({ ip: decodeURIComponent(url.pathname.slice(1)), city: 'Chicago' }) : ipstackError(101, 'invalid_access_key');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    ipstack = { ...(await listenOnLoopback(server)), keys };
  });
  afterAll(async () => {
    await ipstack.close();
  });

  it('enriches every record from moto\'s EC2 and geolocates with the key it read from moto\'s SSM, every record Ok and in order', async () => {
    // Prepare
    const ssm = new SSMClient({ endpoint: moto.url });
    await ssm.send(new PutParameterCommand({ Name: KEY_PARAMETER, Type: 'SecureString', Value: TEST_IPSTACK_KEY }));
    ssm.destroy();
    const records = account.flowLogLines.map((line) => transformationRecord({ data: base64(`${line}\n`) }));
    const eventFile = join(bundles, 'decorator-event.json');
    writeFileSync(eventFile, JSON.stringify(transformationEvent(records)));
    const variables = {
      ...ENV_VARS.DecoratorFunction,
      RULE_ATTRIBUTION: 'true',
      GEO_PROVIDER: 'ipstack',
      IPSTACK_API_KEY_PARAMETER: KEY_PARAMETER,
      IPSTACK_BASE_URL: ipstack.url,
      IPSTACK_ALLOW_PLAIN_HTTP: 'true',
    };

    // Act
    const { stdout } = await invoke('decorator', eventFile, variables);

    // Assess
    const response = JSON.parse(stdout) as { records: { recordId: string; result: string; data: string }[] };
    expect(response.records.map((record) => record.recordId)).toEqual(records.map((record) => record.recordId));
    expect(response.records.map((record) => record.result)).toEqual(records.map(() => 'Ok'));
    const documents = response.records.flatMap((record) => documentsOf({ recordId: record.recordId, result: 'Ok', data: record.data }));
    expect(documents[0]).toMatchObject({ interface_id: account.webInterfaceId, security_group_ids: [account.webGroupId], rule_match: 'matched', src_geo: expect.objectContaining({ city: 'Chicago' }) as unknown });
    expect(documents[3]).toMatchObject({ srcaddr: SCANNER_ADDRESS, rule_match: 'no_rule', src_geo: expect.objectContaining({ city: 'Chicago' }) as unknown });
    expect(documents[4]).toMatchObject({ interface_id: account.databaseInterfaceId, security_group_ids: [account.databaseGroupId], rule_match: 'matched' });
    expect(documents[4]).not.toHaveProperty('src_geo');
    expect(documents.some((document) => 'enrichment_issues' in document)).toBe(false);
    expect(ipstack.keys.length).toBeGreaterThan(0);
    expect(new Set(ipstack.keys)).toEqual(new Set([TEST_IPSTACK_KEY]));
    expect(CLIENT_ADDRESS).toBe(documents[0]?.['srcaddr']);
  });

  it('marks documents when the key parameter is missing from SSM, still answering every record Ok', async () => {
    // Prepare: no parameter in moto's SSM.
    const records = account.flowLogLines.slice(0, 1).map((line) => transformationRecord({ data: base64(`${line}\n`) }));
    const eventFile = join(bundles, 'decorator-event-no-key.json');
    writeFileSync(eventFile, JSON.stringify(transformationEvent(records)));
    const variables = { ...ENV_VARS.DecoratorFunction, GEO_PROVIDER: 'ipstack', IPSTACK_API_KEY_PARAMETER: KEY_PARAMETER, IPSTACK_BASE_URL: ipstack.url, IPSTACK_ALLOW_PLAIN_HTTP: 'true' };

    // Act
    const { stdout, stderr } = await invoke('decorator', eventFile, variables);

    // Assess
    const response = JSON.parse(stdout) as { records: { recordId: string; result: string; data: string }[] };
    expect(response.records.map((record) => record.result)).toEqual(['Ok']);
    const [document] = documentsOf({ recordId: records[0]?.recordId ?? '', result: 'Ok', data: response.records[0]?.data ?? '' });
    expect(document).toMatchObject({ interface_id: account.webInterfaceId, security_group_ids: [account.webGroupId] });
    expect(document).toHaveProperty('enrichment_issues');
    expect(document).not.toHaveProperty('src_geo');
    expect(stderr).toMatch(/WARN/);
    expect(stderr).not.toContain(TEST_IPSTACK_KEY);
  });
});
