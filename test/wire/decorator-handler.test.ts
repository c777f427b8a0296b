// The decorator handler as deployed: configuration from the environment, the real EC2Client built at
// cold start and aimed through AWS_ENDPOINT_URL_EC2 at a loopback EC2, the bundled sample MaxMind
// database for geolocation, and Powertools writing the summary log and EMF to stdout.
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult, FirehoseTransformationResultRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSampleGeoSource, SAMPLE_GEO_DATABASE } from '../../scripts/build-sample-geo-db.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../support/ec2-builders.js';
import { filterValues, pointEc2ClientsAt, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';
import { lambdaContext } from '../support/cloudwatch-builders.js';
import { LOOKUP_DEADLINE_MARGIN_MS } from '../../src/firehose/transformation/lookup-deadline.js';
import { defaultFormatLine, documentsOf as documentsOfOutput, transformationEvent, transformationRecord } from '../support/firehose-builders.js';

type Handler = (event: FirehoseTransformationEvent, context?: Context) => Promise<FirehoseTransformationResult>;

const WEB_ENI = 'eni-0a1b2c3d4e5f60718';
const DB_ENI = 'eni-0b1b2c3d4e5f60719';
const GONE_ENI = 'eni-0c1b2c3d4e5f6071a';
const WEB_GROUP = 'sg-0123456789abcdef0';
const DB_GROUP = 'sg-0fedcba9876543210';

const INVENTORY = [
  ec2NetworkInterface({ NetworkInterfaceId: WEB_ENI }),
  ec2NetworkInterface({
    NetworkInterfaceId: DB_ENI,
    PrivateIpAddress: '10.0.2.30',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.30', Primary: true }],
    Groups: [{ GroupId: DB_GROUP, GroupName: 'db' }],
    Attachment: { InstanceId: 'i-0fedcba9876543210', DeviceIndex: 0, Status: 'attached' },
  }),
];
const WEB_INGRESS = ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-00000000000000001', GroupId: WEB_GROUP });
const WEB_EGRESS = ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-00000000000000002', GroupId: WEB_GROUP, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' });
const DB_EGRESS = ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-00000000000000003', GroupId: DB_GROUP, IsEgress: true, FromPort: 443, ToPort: 443, CidrIpv4: '198.51.100.0/24' });

let server: Ec2LoopbackServer | undefined;
let restoreEndpoint: (() => void) | undefined;
/** What the function wrote to stdout: its info logs and EMF documents, one JSON object per line. */
let stdout: Record<string, unknown>[] = [];

/** The documents a record of the handler's answer carries. */
function documentsOf(record: FirehoseTransformationResultRecord | undefined): Record<string, unknown>[] {
  if (record === undefined) throw new Error('the handler answered fewer records than it was given');
  return documentsOfOutput({ recordId: record.recordId, result: record.result, data: record.data ?? '' });
}

function jsonLines(chunk: string | Uint8Array): Record<string, unknown>[] {
  return String(chunk)
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts a loopback EC2, then cold-starts the handler against it with the sample geolocation database. */
async function deployAgainst(options: Ec2LoopbackServerOptions, environment: Record<string, string> = {}) {
  server = await startEc2LoopbackServer(options);
  restoreEndpoint = pointEc2ClientsAt(server.url);
  vi.stubEnv('SECURITY_GROUP_RULES', 'true');
  vi.stubEnv('GEO_PROVIDER', 'mmdb');
  vi.stubEnv('GEO_DATABASE_PATH', SAMPLE_GEO_DATABASE);
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = (await import('../../decorator/index.js')) as { handler: Handler };
  return { server, handler };
}

/** One ingress flow from the internet to the web server, one egress flow from the database host, one from a deleted interface. */
function flowsEvent(): FirehoseTransformationEvent {
  return transformationEvent([
    transformationRecord({ text: `${defaultFormatLine({ interfaceId: WEB_ENI, srcaddr: '203.0.113.25', dstaddr: '10.0.1.17' })}\n` }),
    transformationRecord({ text: `${defaultFormatLine({ interfaceId: DB_ENI, srcaddr: '10.0.2.30', dstaddr: '198.51.100.7' })}\n` }),
    transformationRecord({ text: `${defaultFormatLine({ interfaceId: GONE_ENI, srcaddr: '10.0.3.3', dstaddr: '10.0.1.17' })}\n` }),
  ]);
}

/** What the sample database's source says about the network an address opens. */
async function sampleLocationOf(address: string): Promise<Record<string, unknown>> {
  const source = await readSampleGeoSource();
  const entry = source.networks.find((network) => network.network.split('/')[0] === address);
  if (entry === undefined) throw new Error(`${address} opens no network of the sample database`);
  return { country_code: entry.country_code, city: entry.city, region_name: entry.region_name };
}

/** DescribeNetworkInterfaces calls that asked for interfaces by id (not by group). */
function interfaceLookups(ec2: Ec2LoopbackServer): number {
  return ec2.calls.filter((call) => call.action === 'DescribeNetworkInterfaces' && filterValues(call.params, 'network-interface-id').length > 0).length;
}

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(...jsonLines(chunk));
    return true;
  });
  // Warnings go to stderr; none is expected here, and the SDK's own notices are not under test.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  restoreEndpoint?.();
  restoreEndpoint = undefined;
  await server?.close();
  server = undefined;
});

describe('decorator handler over the wire', () => {
  it('enriches each flow with its interface, security groups, direction, rules and geolocation', async () => {
    // Prepare
    const { handler } = await deployAgainst({ networkInterfaces: INVENTORY, securityGroupRules: [WEB_INGRESS, WEB_EGRESS, DB_EGRESS] });
    const event = flowsEvent();

    // Act
    const { records } = await handler(event);

    // Assess
    expect(records.map((record) => [record.recordId, record.result])).toEqual(event.records.map((record) => [record.recordId, 'Ok']));
    const [web, db, gone] = records.map((record) => documentsOf(record)[0]);
    expect(web).toMatchObject({
      interface_id: WEB_ENI,
      security_group_ids: [WEB_GROUP],
      security_group_names: ['web'],
      instance_id: 'i-0123456789abcdef0',
      direction: 'ingress',
      security_group_rules: [{ rule_id: 'sgr-00000000000000001', group_id: WEB_GROUP, direction: 'ingress', protocol: 'tcp', from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } }],
      src_geo: await sampleLocationOf('203.0.113.0'),
    });
    expect(web).not.toHaveProperty('dst_geo');
    expect(db).toMatchObject({
      security_group_ids: [DB_GROUP],
      direction: 'egress',
      security_group_rules: [{ rule_id: 'sgr-00000000000000003', direction: 'egress' }],
      dst_geo: await sampleLocationOf('198.51.100.0'),
    });
    expect(db?.security_group_rules).toHaveLength(1);
    expect(gone).toMatchObject({ enrichment_issues: ['eni_not_found'] });
    expect(gone).not.toHaveProperty('security_group_ids');
  });

  it('returns each Ok record\'s Security Lake partition, the function\'s own Region filling in for formats without one, with S3_LAYOUT security-lake', async () => {
    // Prepare: records arrive one line each, as Firehose's de-aggregation hands them over.
    const { handler } = await deployAgainst({ networkInterfaces: INVENTORY, securityGroupRules: [WEB_INGRESS, WEB_EGRESS, DB_EGRESS] }, { OUTPUT_SCHEMA: 'ocsf', S3_LAYOUT: 'security-lake', APPEND_NEWLINE: 'true' });
    const event = flowsEvent();
    const context = { ...lambdaContext(), invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:decorator' };

    // Act
    const { records } = await handler(event, context);

    // Assess: the default format names the account (123456789012) but no Region.
    expect(records.map((record) => [record.result, record.metadata?.partitionKeys])).toEqual(
      event.records.map(() => ['Ok', { region: 'eu-west-1', accountId: '123456789012', eventDay: '20231114' }]),
    );
    expect(documentsOf(records[0])[0]).toMatchObject({ class_uid: 4001, cloud: { account: { uid: '123456789012' } }, time: 1_700_000_000_000 });
  });

  it('asks EC2 once on the first batch and not at all when the same interfaces come again', async () => {
    const { server, handler } = await deployAgainst({ networkInterfaces: INVENTORY, securityGroupRules: [WEB_INGRESS, WEB_EGRESS, DB_EGRESS] });

    await handler(flowsEvent());
    const firstCalls = server.calls.length;
    const firstInterfaceLookups = interfaceLookups(server);
    const firstRuleLookups = server.calls.filter((call) => call.action === 'DescribeSecurityGroupRules').length;
    const second = await handler(flowsEvent());

    expect(firstInterfaceLookups).toBe(1);
    expect(firstRuleLookups).toBe(1);
    expect(server.calls.length - firstCalls).toBe(0);
    expect(documentsOf(second.records[0])[0]).toMatchObject({ security_group_ids: [WEB_GROUP], direction: 'ingress' });
  });

  it('keeps records Ok without interface fields, flagged eni_lookup_failed, when EC2 throttles every attempt', async () => {
    const { server, handler } = await deployAgainst({ networkInterfaces: INVENTORY, failFirst: Number.MAX_SAFE_INTEGER }, { AWS_MAX_ATTEMPTS: '1' });
    const event = flowsEvent();

    const { records } = await handler(event);

    expect(records.map((record) => record.result)).toEqual(['Ok', 'Ok', 'Ok']);
    const documents = records.map((record) => documentsOf(record)[0]);
    for (const document of documents) {
      expect(document).toMatchObject({ enrichment_issues: ['eni_lookup_failed'] });
      expect(document).not.toHaveProperty('security_group_ids');
    }
    expect(documents[0]).toMatchObject({ src_geo: await sampleLocationOf('203.0.113.0') });
    expect(server.calls.map((call) => [call.action, call.status])).toEqual([['DescribeNetworkInterfaces', 503]]);
  });

  it('answers before Lambda\'s deadline, its margin kept, with EC2 hanging: records Ok, flagged eni_lookup_failed', async () => {
    // Prepare: 2,000 new interfaces once took 150 s against a 120 s timeout with EC2 hanging.
    const { server, handler } = await deployAgainst({ hang: true });
    const records = Array.from({ length: 2_000 }, (_, index) =>
      transformationRecord({ text: defaultFormatLine({ interfaceId: `eni-${index.toString(16).padStart(17, '0')}`, srcaddr: '10.0.3.3', dstaddr: '10.0.1.17' }) }),
    );
    const remainingTimeMs = LOOKUP_DEADLINE_MARGIN_MS + 1_500;

    // Act
    const started = Date.now();
    const answer = await handler(transformationEvent(records), lambdaContext({ remainingTimeMs }));
    const took = Date.now() - started;

    // Assess
    expect(took).toBeLessThan(remainingTimeMs - LOOKUP_DEADLINE_MARGIN_MS / 2);
    expect(server.calls.length).toBeGreaterThan(0);
    expect(answer.records.every((record) => record.result === 'Ok')).toBe(true);
    expect(documentsOf(answer.records[1_999])[0]).toMatchObject({ enrichment_issues: ['eni_lookup_failed'] });
  }, 30_000);

  it('logs why EC2 failed once per invocation at WARN, with the error name, code and message', async () => {
    const { handler } = await deployAgainst({ networkInterfaces: INVENTORY, failFirst: Number.MAX_SAFE_INTEGER }, { AWS_MAX_ATTEMPTS: '1' });
    // Warnings may go to stderr: read both.
    const stderr: Record<string, unknown>[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(...jsonLines(chunk));
      return true;
    });

    await handler(flowsEvent());

    const warnings = [...stdout, ...stderr].filter((line) => line.level === 'WARN' && line.message === 'look-ups failed; the records concerned are flagged');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.causes).toEqual([expect.objectContaining({ source: 'ec2', name: 'RequestLimitExceeded', message: 'Request limit exceeded.' })]);
  });

  it('asks EC2 again on the next batch after a throttled one, since failures are not cached', async () => {
    const { server, handler } = await deployAgainst({ networkInterfaces: INVENTORY, failFirst: 1 }, { AWS_MAX_ATTEMPTS: '1' });

    const throttled = await handler(flowsEvent());
    const recovered = await handler(flowsEvent());

    expect(documentsOf(throttled.records[0])[0]).toMatchObject({ enrichment_issues: ['eni_lookup_failed'] });
    expect(documentsOf(recovered.records[0])[0]).toMatchObject({ security_group_ids: [WEB_GROUP], direction: 'ingress' });
    expect(server.calls.filter((call) => call.action === 'DescribeNetworkInterfaces').map((call) => call.status)).toEqual([503, 200]);
  });

  it('writes one summary log line and one EMF document to stdout per invocation', async () => {
    const { handler } = await deployAgainst({ networkInterfaces: INVENTORY, securityGroupRules: [WEB_INGRESS, WEB_EGRESS, DB_EGRESS] });

    await handler(flowsEvent());
    await handler(flowsEvent());

    const summaries = stdout.filter((line) => typeof line.message === 'string' && line.message.startsWith('decorated batch'));
    const emf = stdout.filter((line) => '_aws' in line);
    expect(summaries.map((line) => [line.level, line.message, line.records, line.results])).toEqual([
      ['INFO', 'decorated batch', 3, { Ok: 3, Dropped: 0, ProcessingFailed: 0 }],
      ['INFO', 'decorated batch', 3, { Ok: 3, Dropped: 0, ProcessingFailed: 0 }],
    ]);
    expect(emf.map((line) => [line.RecordsOk, line.Ec2DescribeNetworkInterfacesCalls, line.InterfaceCacheMisses, line.InterfaceCacheHits])).toEqual([
      [3, 1, 3, 0],
      [3, 0, 0, 3],
    ]);
  });
});
