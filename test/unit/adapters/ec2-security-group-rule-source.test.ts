import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  EC2ServiceException,
  type DescribeSecurityGroupRulesCommandInput,
  type SecurityGroupRule as Ec2SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2SecurityGroupRuleSource, toSecurityGroupRule } from '../../../src/adapters/ec2-security-group-rule-source.js';
import { ec2SecurityGroupRule } from '../../support/ec2-builders.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

const ec2 = mockClient(EC2Client);

/** Answers like EC2 does: every rule of `inventory` whose group is among the filter's values. */
function answerFrom(inventory: readonly Ec2SecurityGroupRule[]) {
  return (input: DescribeSecurityGroupRulesCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'group-id')?.Values ?? []);
    return { SecurityGroupRules: inventory.filter((rule) => wanted.has(rule.GroupId ?? '')) };
  };
}

function groupIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `sg-${index.toString(16).padStart(17, '0')}`);
}

describe('createEc2SecurityGroupRuleSource', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('asks with the group-id filter and a page size', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom([ec2SecurityGroupRule()]));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeSecurityGroupRulesCommand, {
      Filters: [{ Name: 'group-id', Values: ['sg-0123456789abcdef0'] }],
      MaxResults: 1000,
    });
  });

  it('answers found with no rule for a group EC2 returns no rule for', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom([ec2SecurityGroupRule({ GroupId: 'sg-0aaaaaaaaaaaaaaa1' })]));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0aaaaaaaaaaaaaaa1', 'sg-0bbbbbbbbbbbbbbb2']);

    expect(outcomes.get('sg-0aaaaaaaaaaaaaaa1')).toMatchObject({ status: 'found', value: [{ group_id: 'sg-0aaaaaaaaaaaaaaa1' }] });
    expect(outcomes.get('sg-0bbbbbbbbbbbbbbb2')).toEqual({ status: 'found', value: [] });
  });

  it('puts at most 200 groups in one call and asks for each group once', async () => {
    const ids = groupIds(201);
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom(ids.map((id, index) => ec2SecurityGroupRule({ GroupId: id, SecurityGroupRuleId: `sgr-${index}` }))));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, [...ids, ids[0] ?? '']);

    const sentValues = ec2.commandCalls(DescribeSecurityGroupRulesCommand).map((call) => call.args[0].input.Filters?.[0]?.Values ?? []);
    expect(sentValues.map((values) => values.length)).toEqual([200, 1]);
    expect(sentValues.flat()).toEqual(ids);
    expect(outcomes.get(ids[200] ?? '')).toMatchObject({ status: 'found', value: [{ rule_id: 'sgr-200' }] });
  });

  it('follows NextToken and keeps the rules of every page', async () => {
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-page1' })], NextToken: 'page-2' })
      .resolvesOnce({ SecurityGroupRules: [ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-page2' })] });
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 2);
    const found = outcomes.get('sg-0123456789abcdef0');
    expect(found?.status === 'found' ? found.value.map((rule) => rule.rule_id) : []).toEqual(['sgr-page1', 'sgr-page2']);
  });

  it('makes no call for no groups', async () => {
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, []);

    expect(outcomes.size).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupRulesCommand);
  });

  it('throws the SDK error that is left after the retries', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: {}, message: 'Request limit exceeded.' }));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    await expect(source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0123456789abcdef0'])).rejects.toThrow(EC2ServiceException);
  });
});

describe('toSecurityGroupRule', () => {
  // The same cases from the AWS CLI's own examples are in test/integration/corpus (they need the corpus).
  it('keeps an ICMP type and code in the port fields', () => {
    const rule = ec2SecurityGroupRule({ IpProtocol: 'icmp', FromPort: 3, ToPort: 4, CidrIpv4: '0.0.0.0/0' });

    expect(toSecurityGroupRule(rule)).toMatchObject({ protocol: 'icmp', from_port: 3, to_port: 4, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } });
  });

  it('maps a prefix-list peer', () => {
    const rule = ec2SecurityGroupRule({ CidrIpv4: undefined, PrefixListId: 'pl-0721453c7ac4ec009' });

    expect(toSecurityGroupRule(rule)?.peer).toEqual({ kind: 'prefix_list', prefix_list_id: 'pl-0721453c7ac4ec009' });
  });

  it('maps an IPv6 CIDR peer and keeps the description', () => {
    const rule = ec2SecurityGroupRule({ CidrIpv4: undefined, CidrIpv6: '2001:db8:1234:1a00::/64', Description: 'RDP access from NY office' });

    expect(toSecurityGroupRule(rule)).toMatchObject({ peer: { kind: 'ipv6_cidr', cidr: '2001:db8:1234:1a00::/64' }, description: 'RDP access from NY office' });
  });

  it('maps an egress rule to another group', () => {
    const rule = ec2SecurityGroupRule({ IsEgress: true, CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: 'sg-0aad1c26bbeec5c22', UserId: '123456789012' } });

    expect(toSecurityGroupRule(rule)).toMatchObject({ direction: 'egress', peer: { kind: 'security_group', group_id: 'sg-0aad1c26bbeec5c22', user_id: '123456789012' } });
  });

  it('keeps a referenced group in a peered VPC with its VPC and peering connection', () => {
    const rule = ec2SecurityGroupRule({
      CidrIpv4: undefined,
      ReferencedGroupInfo: { GroupId: 'sg-0ccccccccccccccc3', UserId: '210987654321', VpcId: 'vpc-0peer', VpcPeeringConnectionId: 'pcx-0a1b2c3d', PeeringStatus: 'active' },
    });

    expect(toSecurityGroupRule(rule)?.peer).toEqual({
      kind: 'security_group',
      group_id: 'sg-0ccccccccccccccc3',
      user_id: '210987654321',
      vpc_id: 'vpc-0peer',
      vpc_peering_connection_id: 'pcx-0a1b2c3d',
    });
  });

  it('keeps the protocol as EC2 wrote it, name or number', () => {
    expect(toSecurityGroupRule(ec2SecurityGroupRule({ IpProtocol: '6' }))?.protocol).toBe('6');
    expect(toSecurityGroupRule(ec2SecurityGroupRule({ IpProtocol: 'udp' }))?.protocol).toBe('udp');
  });

  it('leaves out the ports when EC2 gives none', () => {
    const rule = ec2SecurityGroupRule({ IpProtocol: '50', FromPort: undefined, ToPort: undefined });

    const mapped = toSecurityGroupRule(rule);

    expect(mapped).not.toHaveProperty('from_port');
    expect(mapped).not.toHaveProperty('to_port');
  });

  it('gives nothing for a rule without a peer or without a direction', () => {
    expect(toSecurityGroupRule(ec2SecurityGroupRule({ CidrIpv4: undefined }))).toBeUndefined();
    expect(toSecurityGroupRule(ec2SecurityGroupRule({ IsEgress: undefined }))).toBeUndefined();
  });
});
