import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_FILES } from '../../src/cli/snapshot-command.js';
import { filterValues, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';
import { pointClientsAt } from '../support/loopback-http.js';
import { sampleEc2Account, sampleInventoryFile as sampleFile } from '../support/sample-ec2-account.js';
import { runCliWith, temporaryDirectory } from '../unit/cli/cli-harness.js';

const SAMPLE_VPC = 'vpc-0a1b2c3d4e5f60000';
const OTHER_VPC = 'vpc-0a1b2c3d4e5f69999';

describe('snapshot --out DIR', () => {
  let server: Ec2LoopbackServer | undefined;
  let restore: (() => void) | undefined;
  let output: ReturnType<typeof temporaryDirectory>;
  const start = async (options: Ec2LoopbackServerOptions): Promise<Ec2LoopbackServer> => {
    server = await startEc2LoopbackServer(options);
    restore = pointClientsAt('EC2', server.url);
    return server;
  };
  beforeEach(() => {
    output = temporaryDirectory();
  });
  afterEach(async () => {
    restore?.();
    await server?.close();
    server = undefined;
    restore = undefined;
    output.remove();
  });

  it('writes what describe-network-interfaces, describe-security-groups and describe-security-group-rules print, every page', async () => {
    // Prepare: pages of two items, so every call needs several pages.
    const account = sampleEc2Account();
    const ec2 = await start({ ...account, maxPageSize: 2 });

    // Act
    const run = await runCliWith(['snapshot', '--out', output.path('inventory')]);

    // Assess: the files are the sample, as the AWS CLI printed it.
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`${account.networkInterfaces.length} network interfaces`);
    for (const [key, name] of Object.entries(SNAPSHOT_FILES)) {
      expect(JSON.parse(readFileSync(output.path(`inventory/${name}`), 'utf8'))).toStrictEqual(sampleFile(name));
      expect(readFileSync(output.path(`inventory/${name}`), 'utf8')).toMatch(new RegExp(`^\\{\\n {4}"${key}": \\[`));
    }
    const actions = new Set(ec2.calls.map((call) => call.action));
    expect(actions).toStrictEqual(new Set(['DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'DescribeSecurityGroupRules']));
    expect(ec2.calls.filter((call) => call.action === 'DescribeSecurityGroupRules').length).toBe(Math.ceil(account.securityGroupRules.length / 2));
    expect(ec2.calls.every((call) => call.params.MaxResults === '1000')).toBe(true);
  });

  it('keeps only the interfaces and groups of --vpc-id, and asks for those groups\' rules by group id', async () => {
    // Prepare: one more interface and group in another VPC.
    const account = sampleEc2Account();
    const strangerGroup: SecurityGroup = { GroupId: 'sg-0a1b2c3d4e5f69999', GroupName: 'elsewhere', VpcId: OTHER_VPC, IpPermissions: [], IpPermissionsEgress: [] };
    const ec2 = await start({
      networkInterfaces: [...account.networkInterfaces, { NetworkInterfaceId: 'eni-0a1b2c3d4e5f69999', VpcId: OTHER_VPC, Groups: [{ GroupId: 'sg-0a1b2c3d4e5f69999' }] }],
      securityGroups: [...account.securityGroups, strangerGroup],
      securityGroupRules: [...account.securityGroupRules, { SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f69999', GroupId: 'sg-0a1b2c3d4e5f69999', IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' }],
    });

    // Act
    const run = await runCliWith(['snapshot', '--out', output.path('inventory'), '--vpc-id', SAMPLE_VPC]);

    // Assess
    expect(run.status).toBe(0);
    for (const name of Object.values(SNAPSHOT_FILES)) {
      expect(JSON.parse(readFileSync(output.path(`inventory/${name}`), 'utf8'))).toStrictEqual(sampleFile(name));
    }
    const ruleCalls = ec2.calls.filter((call) => call.action === 'DescribeSecurityGroupRules');
    expect(ruleCalls.flatMap((call) => filterValues(call.params, 'group-id')).sort()).toStrictEqual(account.securityGroups.map((group) => group.GroupId).sort());
    expect(ec2.calls.filter((call) => call.action !== 'DescribeSecurityGroupRules').every((call) => filterValues(call.params, 'vpc-id').join() === SAMPLE_VPC)).toBe(true);
  });

  it('writes nothing and exits 1 naming the error when EC2 keeps refusing', async () => {
    // Prepare: more throttled answers than the SDK retries.
    await start({ ...sampleEc2Account(), failFirst: 100 });

    // Act
    const run = await runCliWith(['snapshot', '--out', output.path('inventory')]);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('RequestLimitExceeded');
    expect(existsSync(output.path('inventory')) ? readdirSync(output.path('inventory')) : []).toStrictEqual([]);
  });
});
