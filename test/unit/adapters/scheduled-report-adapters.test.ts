import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLiveReportInventory } from '../../../src/adapters/live-report-inventory.js';
import type { S3ObjectReader } from '../../../src/adapters/s3-object-reader.js';
import { createS3ReportStore } from '../../../src/adapters/s3-report-store.js';
import { createS3WindowLineSource } from '../../../src/adapters/s3-window-line-source.js';
import { createSnsReportNotifier } from '../../../src/adapters/sns-report-notifier.js';
import { readLines } from '../../../src/adapters/read-lines.js';
import { S3ReadError } from '../../../src/adapters/errors.js';
import type { WindowLine } from '../../../src/scheduled-report/index.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../../support/ec2-builders.js';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const ec2 = mockClient(EC2Client);

/** An S3 reader over objects in memory, recording the prefixes listed. */
function memoryReader(objects: Record<string, string | Buffer>): S3ObjectReader & { readonly listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    async *listObjects(_bucket, prefix) {
      listed.push(prefix);
      for (const key of Object.keys(objects).sort()) if (key.startsWith(prefix)) yield await Promise.resolve({ key });
    },
    openObject: (bucket, key) => {
      const body = objects[key];
      return body === undefined ? Promise.reject(new S3ReadError(`s3://${bucket}/${key}`, 'no such object')) : Promise.resolve(Readable.from([Buffer.from(body)]));
    },
  };
}

async function collect(lines: AsyncIterable<WindowLine>): Promise<WindowLine[]> {
  const all: WindowLine[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe('createS3WindowLineSource', () => {
  const window = { from: Date.parse('2026-12-04T00:00:00Z') / 1_000, to: Date.parse('2026-12-05T00:00:00Z') / 1_000 };

  it('reads the gzipped objects of every day prefix of the window, and only those, line by line', async () => {
    // Prepare
    const reader = memoryReader({
      'flow-logs/year=2026/month=12/day=03/old.gz': gzipSync('{"day":3}\n'),
      'flow-logs/year=2026/month=12/day=04/a.gz': gzipSync('{"day":4}\n{"day":4.5}\n'),
      'flow-logs/year=2026/month=12/day=05/b.gz': gzipSync('{"day":5}\n'),
      'reports/2026/12/04/security-group-report.json': '{"report":true}\n',
    });
    const source = createS3WindowLineSource({ reader, bucket: 'delivery-bucket', prefix: 'flow-logs/', readLines });
    // Act
    const lines = await collect(source.linesOf(window));
    // Assess
    expect(reader.listed).toEqual(['flow-logs/year=2026/month=12/day=04/', 'flow-logs/year=2026/month=12/day=05/']);
    expect(lines).toEqual([
      { source: 's3://delivery-bucket/flow-logs/year=2026/month=12/day=04/a.gz', lineNumber: 1, text: '{"day":4}' },
      { source: 's3://delivery-bucket/flow-logs/year=2026/month=12/day=04/a.gz', lineNumber: 2, text: '{"day":4.5}' },
      { source: 's3://delivery-bucket/flow-logs/year=2026/month=12/day=05/b.gz', lineNumber: 1, text: '{"day":5}' },
    ]);
  });

  it('passes an oversized line on as its length', async () => {
    const reader = memoryReader({ 'flow-logs/year=2026/month=12/day=04/a.gz': 'x'.repeat(64) + '\n' });
    const source = createS3WindowLineSource({ reader, bucket: 'delivery-bucket', prefix: 'flow-logs/', readLines: (input) => readLines(input, 16) });
    expect((await collect(source.linesOf(window))).map((line) => line.text)).toEqual([{ oversizedBytes: 64 }]);
  });

  it('fails the read when an object cannot be opened: a day missing would make used rules look unused', async () => {
    const reader = memoryReader({});
    const source = createS3WindowLineSource({ reader: { ...reader, listObjects: async function* () { yield await Promise.resolve({ key: 'flow-logs/year=2026/month=12/day=04/gone.gz' }); } }, bucket: 'delivery-bucket', prefix: 'flow-logs/', readLines });
    await expect(collect(source.linesOf(window))).rejects.toThrow(S3ReadError);
  });
});

describe('createS3ReportStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('puts each output with its content type and answers its s3:// address', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = createS3ReportStore({ client: new S3Client({}), bucket: 'delivery-bucket' });
    const location = await store.putObject('reports/2026/12/06/security-group-report.html', '<!doctype html>', 'text/html; charset=utf-8');
    expect(location).toBe('s3://delivery-bucket/reports/2026/12/06/security-group-report.html');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'delivery-bucket', Key: 'reports/2026/12/06/security-group-report.html', Body: '<!doctype html>', ContentType: 'text/html; charset=utf-8' });
  });

  it('passes S3\'s refusal on', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(createS3ReportStore({ client: new S3Client({}), bucket: 'delivery-bucket' }).putObject('reports/x.json', '{}', 'application/json')).rejects.toThrow('Access Denied');
  });
});

describe('createSnsReportNotifier', () => {
  beforeEach(() => {
    sns.reset();
  });

  it('publishes the subject and message to its topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:reports';
    await createSnsReportNotifier({ client: new SNSClient({}), topicArn }).publish('Security-group report', 'Unused rules: 2.');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: topicArn, Subject: 'Security-group report', Message: 'Unused rules: 2.' });
  });
});

describe('createLiveReportInventory', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('reads the rules, interfaces, group members and prefix-list entries once, as report --live does', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [ec2NetworkInterface()] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web' }] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        ec2SecurityGroupRule(),
        ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0123456789abcdef1', CidrIpv4: undefined, PrefixListId: 'pl-0123456789abcdef0' }),
        ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0123456789abcdef2', CidrIpv4: undefined, PrefixListId: 'pl-0fedcba9876543210' }),
      ],
    });
    ec2
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0123456789abcdef0' })
      .resolves({ Entries: [{ Cidr: '192.0.2.0/24' }] })
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0fedcba9876543210' })
      .rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: {}, message: 'not authorized' }));
    // Act
    const inventory = await createLiveReportInventory({ ec2: new EC2Client({}), vpcIds: [] }).readInventory();
    // Assess
    expect(inventory.rules.map((rule) => rule.rule_id)).toEqual(['sgr-0123456789abcdef0', 'sgr-0123456789abcdef1', 'sgr-0123456789abcdef2']);
    expect(inventory.prefixLists).toEqual(new Map([['pl-0123456789abcdef0', ['192.0.2.0/24']]]));
    expect(inventory.unresolvedPrefixLists).toEqual([{ prefixListId: 'pl-0fedcba9876543210', reason: expect.stringContaining('UnauthorizedOperation') as unknown }]);
    expect(inventory.rules.map((rule) => inventory.peerResolved?.(rule))).toEqual([true, true, false]);
    expect([...(inventory.interfaces ?? new Map()).keys()]).toEqual([ec2NetworkInterface().NetworkInterfaceId]);
    expect(inventory.groupMembers?.size).toBeGreaterThan(0);
  });

  it('passes EC2\'s refusal on, so the run fails', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: {}, message: 'not authorized' }));
    await expect(createLiveReportInventory({ ec2: new EC2Client({}), vpcIds: [] }).readInventory()).rejects.toThrow('not authorized');
  });
});
