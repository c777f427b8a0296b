import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInventorySources, InventoryError, loadInventoryDirectory } from '../../../src/adapters/inventory-directory-source.js';
import type { LookupOutcome, SecurityGroupRule } from '../../../src/ports.js';
import { ec2NetworkInterface, ec2SecurityGroupRule, SG_903004F8_DERIVED_RULES } from '../../support/ec2-builders.js';
import { temporaryDirectory } from '../cli/cli-harness.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

const SAMPLE_INVENTORY = 'events/sample/inventory';

describe('createInventorySources', () => {
  // The same questions asked of the AWS CLI's own example outputs are in test/integration/corpus.
  const interfaces = {
    NetworkInterfaces: [
      ec2NetworkInterface({ NetworkInterfaceId: 'eni-0a1b2c3d4e5f60001', Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60101', GroupName: 'default' }], Association: { PublicIp: '203.0.113.12' } }),
      ec2NetworkInterface({
        NetworkInterfaceId: 'eni-0a1b2c3d4e5f60002',
        Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60101', GroupName: 'default' }],
        PrivateIpAddress: '10.0.1.55',
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.1.55', Primary: true },
          { PrivateIpAddress: '10.0.1.117', Primary: false },
        ],
      }),
    ],
  };
  const ingress = ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60001', GroupId: 'sg-0a1b2c3d4e5f60101' });
  const egress = ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60002', GroupId: 'sg-0a1b2c3d4e5f60101', IsEgress: true, IpProtocol: '-1', CidrIpv4: undefined, CidrIpv6: '::/0' });

  it('finds the interfaces of describe-network-interfaces output with their groups and addresses', async () => {
    const inventory = createInventorySources([interfaces]);

    const outcomes = await inventory.networkInterfaces.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60001', 'eni-0a1b2c3d4e5f60002']);

    expect(outcomes.get('eni-0a1b2c3d4e5f60001')).toMatchObject({
      status: 'found',
      value: { securityGroups: [{ groupId: 'sg-0a1b2c3d4e5f60101', groupName: 'default' }], privateIpv4Addresses: ['10.0.1.17'], publicIpv4Addresses: ['203.0.113.12'] },
    });
    expect(outcomes.get('eni-0a1b2c3d4e5f60002')).toMatchObject({ status: 'found', value: { privateIpv4Addresses: ['10.0.1.55', '10.0.1.117'] } });
  });

  it('answers not_found for an interface the inventory does not hold', async () => {
    const inventory = createInventorySources([interfaces]);

    const outcomes = await inventory.networkInterfaces.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f69999']);

    expect(outcomes.get('eni-0a1b2c3d4e5f69999')).toStrictEqual({ status: 'not_found' });
  });

  it('reads describe-security-group-rules output, counting a rule listed in two outputs once', async () => {
    const inventory = createInventorySources([{ SecurityGroupRules: [ingress, egress] }, { SecurityGroupRules: [ingress] }]);

    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-0a1b2c3d4e5f60101']);

    expect(outcomes?.get('sg-0a1b2c3d4e5f60101')).toStrictEqual({
      status: 'found',
      value: [
        expect.objectContaining({ rule_id: 'sgr-0a1b2c3d4e5f60001', direction: 'ingress', peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } }),
        expect.objectContaining({ rule_id: 'sgr-0a1b2c3d4e5f60002', direction: 'egress', peer: { kind: 'ipv6_cidr', cidr: '::/0' } }),
      ],
    });
  });

  it('derives rules from describe-security-groups permissions when no rules output lists the group, skipping an output of names', async () => {
    // Prepare: `aws ec2 describe-security-groups --query` can print a plain list of names; it holds no group.
    const group = {
      GroupId: 'sg-903004f8',
      OwnerId: '123456789012',
      IpPermissions: [
        { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-903004f8', UserId: '123456789012' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'Access from NY office' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
    const inventory = createInventorySources([{ SecurityGroups: [group] }, ['MySecurityGroup']]);

    // Act
    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-903004f8']);

    // Assess
    expect(outcomes?.get('sg-903004f8')).toStrictEqual({
      status: 'found',
      value: SG_903004F8_DERIVED_RULES,
    });
  });

  it('answers not_found for a group whose rules the inventory does not hold', async () => {
    const inventory = createInventorySources([{ SecurityGroupRules: [ingress] }]);

    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-8637d3e3']);

    expect(outcomes?.get('sg-8637d3e3')).toStrictEqual({ status: 'not_found' });
  });

  it('has no rule source when the inventory holds neither rules nor groups', () => {
    const inventory = createInventorySources([interfaces]);

    expect(inventory.securityGroupRules).toBeUndefined();
  });

  it('gives the members of a group as the private addresses of its interfaces, and none for an unknown group', async () => {
    const inventory = createInventorySources([interfaces]);

    const outcomes = await inventory.securityGroupMembers.describeSecurityGroupMembers(TEST_SCOPE, ['sg-0a1b2c3d4e5f60101', 'sg-0a1b2c3d4e5f69999']);

    expect(outcomes.get('sg-0a1b2c3d4e5f60101')).toStrictEqual({ status: 'found', value: ['10.0.1.17', '10.0.1.55', '10.0.1.117'] });
    expect(outcomes.get('sg-0a1b2c3d4e5f69999')).toStrictEqual({ status: 'found', value: [] });
  });

  it('prefers describe-security-group-rules over derived permissions for the same group', async () => {
    const group = { GroupId: 'sg-0a1b2c3d4e5f60101', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    const rule = { SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60001', GroupId: 'sg-0a1b2c3d4e5f60101', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' };
    const inventory = createInventorySources([{ SecurityGroups: [group] }, { SecurityGroupRules: [rule] }]);

    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-0a1b2c3d4e5f60101']);

    expect(outcomes?.get('sg-0a1b2c3d4e5f60101')).toStrictEqual({ status: 'found', value: [expect.objectContaining({ rule_id: 'sgr-0a1b2c3d4e5f60001', from_port: 443 })] });
  });
});

describe('loadInventoryDirectory', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('reads the bundled sample inventory: six interfaces and the rules of their five groups', async () => {
    const listedRules = (JSON.parse(readFileSync(`${SAMPLE_INVENTORY}/security-group-rules.json`, 'utf8')) as { SecurityGroupRules: unknown[] }).SecurityGroupRules;

    const inventory = await loadInventoryDirectory(SAMPLE_INVENTORY);

    expect(inventory.summary).toStrictEqual({ networkInterfaces: 6, securityGroups: 5, securityGroupRules: listedRules.length });
    expect(inventory.ignoredFiles).toStrictEqual([]);
  });

  it('holds every interface of the bundled sample flow logs', async () => {
    // Prepare
    const interfaceIds = [...new Set(readFileSync('events/sample/flow-logs.log', 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(' ')[2] ?? ''))];
    const inventory = await loadInventoryDirectory(SAMPLE_INVENTORY);

    // Act
    const outcomes = await inventory.networkInterfaces.describeNetworkInterfaces(TEST_SCOPE, interfaceIds);

    // Assess
    expect(interfaceIds).toHaveLength(6);
    expect([...outcomes.values()].map((outcome) => outcome.status)).toStrictEqual(interfaceIds.map(() => 'found'));
  });

  it('derives the same rules from the sample security-groups.json as security-group-rules.json lists', async () => {
    // Prepare
    const listed = createInventorySources([JSON.parse(readFileSync(`${SAMPLE_INVENTORY}/security-group-rules.json`, 'utf8'))]);
    const derived = createInventorySources([JSON.parse(readFileSync(`${SAMPLE_INVENTORY}/security-groups.json`, 'utf8'))]);
    const groupIds = ['sg-0a1b2c3d4e5f60101', 'sg-0a1b2c3d4e5f60102', 'sg-0a1b2c3d4e5f60103', 'sg-0a1b2c3d4e5f60104', 'sg-0a1b2c3d4e5f60105'];
    const withoutIds = (outcomes: ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>> | undefined): unknown[] =>
      [...(outcomes?.values() ?? [])].flatMap((outcome): unknown[] =>
        outcome.status === 'found'
          ? // DescribeSecurityGroups leaves the ports out of all-protocol permissions; the rules API says -1.
            outcome.value.map(({ rule_id: _ruleId, ...rule }) => (rule.protocol === '-1' ? { ...rule, from_port: -1, to_port: -1 } : rule))
          : [outcome.status],
      );

    // Act
    const [fromRules, fromGroups] = await Promise.all([listed.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, groupIds), derived.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, groupIds)]);

    // Assess
    expect(withoutIds(fromGroups)).toStrictEqual(withoutIds(fromRules));
  });

  it('lists JSON files without inventory keys as ignored and skips files that are not JSON by name', async () => {
    files.write('notes.json', '{"Reservations": []}');
    files.write('README.txt', 'not read');
    files.write('enis.json', readFileSync(`${SAMPLE_INVENTORY}/network-interfaces.json`));

    const inventory = await loadInventoryDirectory(files.path(''));

    expect(inventory.ignoredFiles).toStrictEqual([files.path('notes.json')]);
    expect(inventory.summary.networkInterfaces).toBe(6);
  });

  it('rejects with an InventoryError naming a file that is not JSON', async () => {
    files.write('broken.json', '{"NetworkInterfaces": [');

    await expect(loadInventoryDirectory(files.path(''))).rejects.toThrow(/broken\.json is not readable JSON/);
  });

  it.each([
    ['{"NetworkInterfaces":[{"foo":1}]}', 'NetworkInterfaces[0] has no NetworkInterfaceId (expected aws ec2 describe-network-interfaces output)'],
    ['{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Groups":[{"GroupName":"web"}]}]}', 'NetworkInterfaces[0] has Groups[0] without GroupId'],
    ['{"NetworkInterfaces":{"NetworkInterfaceId":"eni-1"}}', 'NetworkInterfaces is not a list'],
    ['{"SecurityGroups":[{"GroupId":"sg-1"},"sg-2"]}', 'SecurityGroups[1] is not an object (expected aws ec2 describe-security-groups output)'],
    ['{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":{}}]}', 'SecurityGroups[0] has IpPermissions that is not a list'],
    ['{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IpProtocol":"tcp"}]}', 'SecurityGroupRules[0] has no IsEgress true or false'],
    [
      '{"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IpProtocol":"tcp","IsEgress":false}]}',
      'SecurityGroupRules[0] has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo.GroupId)',
    ],
  ])('rejects an inventory file whose entries are not what AWS CLI prints, naming the file and the entry: %s', async (content, problem) => {
    files.write('enis.json', readFileSync(`${SAMPLE_INVENTORY}/network-interfaces.json`));
    files.write('odd.json', content);

    const loading = loadInventoryDirectory(files.path(''));

    await expect(loading).rejects.toThrow(InventoryError);
    await expect(loading).rejects.toThrow(`${files.path('odd.json')}: ${problem}`);
  });

  it('accepts the entries of the bundled sample inventory, each file on its own', async () => {
    for (const name of ['network-interfaces.json', 'security-groups.json', 'security-group-rules.json']) {
      const inventory = await loadInventoryDirectory(`${SAMPLE_INVENTORY}/${name}`);

      expect(inventory.ignoredFiles).toStrictEqual([]);
    }
  });

  it('rejects with an InventoryError when the directory does not exist', async () => {
    await expect(loadInventoryDirectory(files.path('missing'))).rejects.toThrow(InventoryError);
  });
});
