import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadInventoryDirectory } from '../../../src/adapters/inventory-directory-source.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import { parseSnapshotArguments, runSnapshot, SNAPSHOT_USAGE } from '../../../src/cli/snapshot-command.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../../support/ec2-builders.js';
import { runCliWith, temporaryDirectory } from './cli-harness.js';

function io() {
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, stderr: () => Buffer.concat(chunks).toString('utf8') };
}

describe('parseSnapshotArguments', () => {
  it('reads --out and every --vpc-id', () => {
    expect(parseSnapshotArguments(['--out', 'inventory', '--vpc-id', 'vpc-0a1b2c3d4e5f60000', '--vpc-id', 'vpc-0a1b2c3d4e5f60001'])).toStrictEqual({
      outDirectory: 'inventory',
      vpcIds: ['vpc-0a1b2c3d4e5f60000', 'vpc-0a1b2c3d4e5f60001'],
    });
  });

  it.each([
    [[], '--out DIR is required'],
    [['--out', 'inventory', '--vpc-id', 'subnet-0a1b2c3d'], 'not a VPC id'],
    [['--out', 'inventory', 'extra'], 'extra'],
  ])('rejects %j as a usage error', (args, message) => {
    expect(() => parseSnapshotArguments(args)).toThrow(UsageError);
    expect(() => parseSnapshotArguments(args)).toThrow(message);
  });

  it('prints help documenting every option and every file, and exits 0', async () => {
    const run = await runCliWith(['snapshot', '--help']);

    expect(run).toStrictEqual({ status: 0, stdout: `${SNAPSHOT_USAGE}\n`, stderr: '' });
    for (const text of ['--out DIR', '--vpc-id VPC', 'network-interfaces.json', 'security-groups.json', 'security-group-rules.json', 'Exit status']) {
      expect(SNAPSHOT_USAGE).toContain(text);
    }
  });
});

describe('runSnapshot', () => {
  const ec2 = mockClient(EC2Client);
  let output: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    ec2.reset();
    output = temporaryDirectory();
  });
  afterEach(() => {
    output.remove();
  });

  it('follows NextToken to the last page of every call', async () => {
    // Prepare
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60001' })], NextToken: 'page-2' })
      .resolvesOnce({ NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60002' })] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [ec2SecurityGroupRule()] });
    const { io: streams } = io();

    // Act
    const status = await runSnapshot({ outDirectory: output.path('inventory'), vpcIds: [] }, streams, { ec2: () => new EC2Client({}) });

    // Assess
    const inventory = await loadInventoryDirectory(output.path('inventory'));
    expect(status).toBe(0);
    expect(inventory.summary).toMatchObject({ networkInterfaces: 2, securityGroupRules: 1 });
    // The SDK's paginator reuses one input object, so only the last call's token can be read back.
    const calls = ec2.commandCalls(DescribeNetworkInterfacesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('page-2');
  });

  it('writes times as the AWS CLI prints them', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [ec2NetworkInterface({ Attachment: { AttachTime: new Date('2026-05-30T09:12:44.000Z'), InstanceId: 'i-0a1b2c3d4e5f60001' } })],
    });
    ec2.on(DescribeSecurityGroupsCommand).resolves({});
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({});

    // Act
    await runSnapshot({ outDirectory: output.path('inventory'), vpcIds: [] }, io().io, { ec2: () => new EC2Client({}) });

    // Assess
    const written = readFileSync(output.path('inventory/network-interfaces.json'), 'utf8');
    expect(written).toContain('"AttachTime": "2026-05-30T09:12:44+00:00"');
  });

  it('asks for no rule when the VPC has no security group', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({});
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });

    const status = await runSnapshot({ outDirectory: output.path('inventory'), vpcIds: ['vpc-0a1b2c3d4e5f60000'] }, io().io, { ec2: () => new EC2Client({}) });

    expect(status).toBe(0);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(0);
  });
});
