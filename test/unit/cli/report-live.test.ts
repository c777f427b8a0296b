import { PassThrough, Readable } from 'node:stream';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3ObjectReader } from '../../../src/adapters/s3-object-reader.js';
import { CommandFailure, UsageError } from '../../../src/cli/cli-io.js';
import { describeFailure } from '../../../src/cli/command.js';
import { parseReportArguments, REPORT_USAGE, runReport, type ReportOptions } from '../../../src/cli/report-command.js';
import type { SecurityGroupReport } from '../../../src/report/report-model.js';
import { generateAttributionGroundTruth, type AttributionGroundTruth } from '../../support/attribution-ground-truth.js';
import { groundTruthEc2Output, groundTruthLogText, prefixListRuleIds, writeGroundTruthInventory } from '../../support/report-builders.js';
import { temporaryDirectory } from './cli-harness.js';

const truth: AttributionGroundTruth = generateAttributionGroundTruth({ seed: 23, interfacesPerTier: 12, flows: 2500 });
const ec2Output = groundTruthEc2Output(truth);

/** Streams for runReport; `text()` gives what each received. */
function streams(stdin = '') {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  io.stdout.on('data', (chunk: Buffer) => collected.stdout.push(chunk));
  io.stderr.on('data', (chunk: Buffer) => collected.stderr.push(chunk));
  io.stdin.end(stdin);
  return { io, text: (name: 'stdout' | 'stderr') => Buffer.concat(collected[name]).toString('utf8') };
}

/** Flows per rule id the ground truth says were allowed (accepted, initiating). */
function expectedFlowsPerRule(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const flow of truth.flows) {
    if (flow.expected.ruleMatch !== 'matched') continue;
    for (const ruleId of flow.expected.ruleIds) counts[ruleId] = (counts[ruleId] ?? 0) + 1;
  }
  return counts;
}

function unusedIds(report: SecurityGroupReport): string[] {
  return report.unused.flatMap((group) => group.rules.map((rule) => rule.ruleId)).sort();
}

const liveOptions = (overrides: Partial<ReportOptions> = {}): ReportOptions => ({ inputs: ['-'], inventory: { live: true, vpcIds: [] }, format: 'json', ...overrides });

describe('runReport --live', () => {
  const client = new EC2Client({ region: 'us-east-1' });
  const ec2 = mockClient(client);
  beforeEach(() => {
    ec2.reset();
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolves({ NetworkInterfaces: ec2Output.NetworkInterfaces as NetworkInterface[] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [] })
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: ec2Output.SecurityGroupRules });
    for (const [id, entries] of ec2Output.prefixListEntries) ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: id }).resolves({ Entries: entries });
  });

  it('judges prefix-list rules too: exactly the unused and over-broad rules and every rule\'s flows of the ground truth', async () => {
    // Prepare
    const { io, text } = streams(groundTruthLogText(truth));
    // Act
    const status = await runReport(liveOptions({ thresholds: { minWindowDays: 0 } }), io, { ec2: () => client });
    // Assess
    const report = JSON.parse(text('stdout')) as SecurityGroupReport;
    expect(status).toBe(0);
    expect(unusedIds(report)).toEqual([...truth.unusedRuleIds].sort());
    expect(report.overBroad.map((rule) => rule.ruleId).sort()).toEqual([...truth.overBroadRuleIds].sort());
    expect(report.notJudged.unresolvedPeerRules).toEqual([]);
    expect(Object.fromEntries(report.rules.filter((rule) => rule.flows > 0).map((rule) => [rule.ruleId, rule.flows]))).toEqual(expectedFlowsPerRule());
  });

  it('fetches each prefix list once, whatever the number of records', async () => {
    // Prepare
    const { io } = streams(groundTruthLogText(truth));
    // Act
    await runReport(liveOptions(), io, { ec2: () => client });
    // Assess
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand).map((call) => call.args[0].input.PrefixListId).sort()).toEqual([...truth.prefixLists.keys()].sort());
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(1);
  });

  it('asks EC2 for the given VPCs only', async () => {
    // Prepare
    const { io } = streams(groundTruthLogText(truth));
    // Act
    await runReport(liveOptions({ inventory: { live: true, vpcIds: ['vpc-0a1b2c3d'] } }), io, { ec2: () => client });
    // Assess
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input.Filters).toEqual([{ Name: 'vpc-id', Values: ['vpc-0a1b2c3d'] }]);
  });

  it('leaves the rules of a prefix list EC2 does not know not judged, and says so', async () => {
    // Prepare
    const [missing] = [...truth.prefixLists.keys()];
    ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: missing }).rejects(Object.assign(new Error('gone'), { name: 'InvalidPrefixListID.NotFound' }));
    const { io, text } = streams(groundTruthLogText(truth));
    // Act
    await runReport(liveOptions(), io, { ec2: () => client });
    // Assess
    const report = JSON.parse(text('stdout')) as SecurityGroupReport;
    const missingRules = [...truth.rulesByGroup.values()].flat().filter((rule) => rule.peer.kind === 'prefix_list' && rule.peer.prefix_list_id === missing).map((rule) => rule.rule_id);
    expect(report.notJudged.unresolvedPeerRules.map((rule) => rule.ruleId).sort()).toEqual(missingRules.sort());
    expect(text('stderr')).toContain(`prefix list ${missing}: not found; its rules are not judged`);
  });

  it('fails (exit 1 through the dispatcher) without a report when EC2 refuses the inventory, naming the refusal', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).rejects(Object.assign(new Error('You are not authorized'), { name: 'UnauthorizedOperation' }));
    const { io, text } = streams(groundTruthLogText(truth));
    // Act
    const failure = await runReport(liveOptions(), io, { ec2: () => client }).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(CommandFailure);
    expect(describeFailure(failure as CommandFailure)).toBe('EC2 refused: UnauthorizedOperation: You are not authorized');
    expect(text('stdout')).toBe('');
  });

  it('stops with a failure (not a usage error) when there is no Region', async () => {
    // Prepare
    const { io } = streams('');
    const noRegion = () => new EC2Client({ region: () => Promise.reject<string>(new Error('Region is missing')) });
    // Act
    const running = runReport(liveOptions(), io, { ec2: noRegion });
    // Assess
    await expect(running).rejects.toThrow(CommandFailure);
    await expect(running).rejects.toThrow('--live needs an AWS Region');
  });
});

describe('runReport on s3:// inputs', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    directory = temporaryDirectory();
    writeGroundTruthInventory(truth, directory.path('inventory'));
  });
  afterEach(() => directory.remove());

  it('reads every object under the prefix, in key order, into one report', async () => {
    // Prepare: the records split over two objects, each with its header line.
    const [header = '', ...lines] = groundTruthLogText(truth).trimEnd().split('\n');
    const half = Math.floor(lines.length / 2);
    const objects: Record<string, string> = {
      'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/06/01/a.log': [header, ...lines.slice(0, half)].join('\n'),
      'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/06/01/b.log': [header, ...lines.slice(half)].join('\n'),
    };
    const listed: string[] = [];
    const s3: S3ObjectReader = {
      async *listObjects(_bucket, prefix) {
        await Promise.resolve();
        for (const key of Object.keys(objects).sort()) if (key.startsWith(prefix)) yield { key, size: Buffer.byteLength(objects[key] ?? '') };
      },
      openObject(_bucket, key) {
        listed.push(key);
        return Promise.resolve(Readable.from([Buffer.from(objects[key] ?? '')]));
      },
    };
    const { io, text } = streams();
    // Act
    const status = await runReport({ inputs: ['s3://flow-log-bucket/AWSLogs/'], inventory: directory.path('inventory'), format: 'json' }, io, { s3: () => s3 });
    // Assess
    const report = JSON.parse(text('stdout')) as SecurityGroupReport;
    expect(status).toBe(0);
    expect(listed).toEqual(Object.keys(objects).sort());
    expect(report.totals.records).toBe(truth.flows.length);
    expect(unusedIds(report)).toEqual([...truth.unusedRuleIds].sort());
    expect(report.notJudged.unresolvedPeerRules.map((rule) => rule.ruleId).sort()).toEqual(prefixListRuleIds(truth));
  });
});

describe('parseReportArguments for --live', () => {
  it('reads --live with every --vpc-id', () => {
    // Act
    const options = parseReportArguments(['--live', '--vpc-id', 'vpc-0a1b2c3d', '--vpc-id', 'vpc-0e1f2a3b', 'a.log']);
    // Assess
    expect(options).toEqual({ inputs: ['a.log'], inventory: { live: true, vpcIds: ['vpc-0a1b2c3d', 'vpc-0e1f2a3b'] }, format: 'md' });
  });

  it.each([
    [['a.log'], '--inventory DIR or --live is required'],
    [['--live', '--inventory', 'inv'], 'exclude each other'],
    [['--inventory', 'inv', '--vpc-id', 'vpc-0a1b2c3d'], '--vpc-id needs --live'],
    [['--live', '--vpc-id', 'subnet-0a1b2c3d'], 'is not a VPC id'],
    [['--inventory', 'inv', '--out', ''], '--out: expected a file name'],
  ])('rejects %j as a usage error saying %s', (args, message) => {
    // Act / Assess
    expect(() => parseReportArguments(args)).toThrow(UsageError);
    expect(() => parseReportArguments(args)).toThrow(message);
  });

  it('documents every option in the help', () => {
    // Assess
    for (const option of ['--inventory DIR', '--live', '--vpc-id VPC', '--format md|json|html', '--out FILE', '--log-format', 's3://bucket/prefix', 'AWS_ENDPOINT_URL_EC2', 'progress bar']) {
      expect(REPORT_USAGE).toContain(option);
    }
  });
});
