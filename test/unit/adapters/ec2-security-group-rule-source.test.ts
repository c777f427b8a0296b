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
import { ec2SecurityGroupRule, readEc2Corpus } from '../../support/ec2-builders.js';

interface CliRuleExamples {
  readonly examples: readonly { readonly title: string; readonly output: { readonly SecurityGroupRules: Ec2SecurityGroupRule[] } }[];
}

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

    await source.describeSecurityGroupRules(['sg-0123456789abcdef0']);

    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeSecurityGroupRulesCommand, {
      Filters: [{ Name: 'group-id', Values: ['sg-0123456789abcdef0'] }],
      MaxResults: 1000,
    });
  });

  it('groups the rules of the AWS CLI example under their security group', async () => {
    const [example] = readEc2Corpus<CliRuleExamples>('aws-cli-examples/describe-security-group-rules.json').examples;
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom(example?.output.SecurityGroupRules ?? []));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(['sg-1234567890abcdef0']);

    expect(outcomes.get('sg-1234567890abcdef0')).toEqual({
      status: 'found',
      value: [
        {
          rule_id: 'sgr-abcdef01234567890',
          group_id: 'sg-1234567890abcdef0',
          direction: 'ingress',
          protocol: '-1',
          from_port: -1,
          to_port: -1,
          peer: { kind: 'security_group', group_id: 'sg-1234567890abcdef0', user_id: '111122223333' },
        },
        {
          rule_id: 'sgr-bcdef01234567890a',
          group_id: 'sg-1234567890abcdef0',
          direction: 'egress',
          protocol: '-1',
          from_port: -1,
          to_port: -1,
          peer: { kind: 'ipv6_cidr', cidr: '::/0' },
        },
        {
          rule_id: 'sgr-cdef01234567890ab',
          group_id: 'sg-1234567890abcdef0',
          direction: 'egress',
          protocol: '-1',
          from_port: -1,
          to_port: -1,
          peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' },
        },
      ],
    });
  });

  it('answers found with no rule for a group EC2 returns no rule for', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom([ec2SecurityGroupRule({ GroupId: 'sg-0aaaaaaaaaaaaaaa1' })]));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(['sg-0aaaaaaaaaaaaaaa1', 'sg-0bbbbbbbbbbbbbbb2']);

    expect(outcomes.get('sg-0aaaaaaaaaaaaaaa1')).toMatchObject({ status: 'found', value: [{ group_id: 'sg-0aaaaaaaaaaaaaaa1' }] });
    expect(outcomes.get('sg-0bbbbbbbbbbbbbbb2')).toEqual({ status: 'found', value: [] });
  });

  it('puts at most 200 groups in one call and asks for each group once', async () => {
    const ids = groupIds(201);
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom(ids.map((id, index) => ec2SecurityGroupRule({ GroupId: id, SecurityGroupRuleId: `sgr-${index}` }))));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules([...ids, ids[0] ?? '']);

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

    const outcomes = await source.describeSecurityGroupRules(['sg-0123456789abcdef0']);

    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 2);
    const found = outcomes.get('sg-0123456789abcdef0');
    expect(found?.status === 'found' ? found.value.map((rule) => rule.rule_id) : []).toEqual(['sgr-page1', 'sgr-page2']);
  });

  it('makes no call for no groups', async () => {
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules([]);

    expect(outcomes.size).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupRulesCommand);
  });

  it('throws the SDK error that is left after the retries', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: {}, message: 'Request limit exceeded.' }));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    await expect(source.describeSecurityGroupRules(['sg-0123456789abcdef0'])).rejects.toThrow(EC2ServiceException);
  });
});

describe('toSecurityGroupRule', () => {
  const authorizeExamples = [
    ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-ingress.json').examples,
    ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-egress.json').examples,
  ];
  const corpusRule = (ruleId: string): Ec2SecurityGroupRule =>
    authorizeExamples.flatMap((example) => example.output.SecurityGroupRules).find((rule) => rule.SecurityGroupRuleId === ruleId) ?? {};

  it('maps every rule of the AWS CLI authorize examples', () => {
    const rules = authorizeExamples.flatMap((example) => example.output.SecurityGroupRules);

    const mapped = rules.map(toSecurityGroupRule);

    expect(mapped.every((rule) => rule !== undefined)).toBe(true);
    expect(mapped.map((rule) => rule?.peer.kind).sort()).toEqual(
      ['ipv4_cidr', 'security_group', 'ipv4_cidr', 'ipv4_cidr', 'ipv4_cidr', 'ipv6_cidr', 'ipv6_cidr', 'ipv4_cidr', 'prefix_list', 'ipv4_cidr', 'security_group'].sort(),
    );
  });

  it('keeps an ICMP type and code in the port fields', () => {
    expect(toSecurityGroupRule(corpusRule('sgr-0de3811019069b787'))).toMatchObject({ protocol: 'icmp', from_port: 3, to_port: 4, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } });
  });

  it('maps a prefix-list peer', () => {
    expect(toSecurityGroupRule(corpusRule('sgr-09c74b32f677c6c7c'))?.peer).toEqual({ kind: 'prefix_list', prefix_list_id: 'pl-0721453c7ac4ec009' });
  });

  it('maps an IPv6 CIDR peer and keeps the description', () => {
    expect(toSecurityGroupRule(corpusRule('sgr-0455bc68b60805563'))?.peer).toEqual({ kind: 'ipv6_cidr', cidr: '2001:db8:1234:1a00::/64' });
    expect(toSecurityGroupRule(corpusRule('sgr-0397bbcc01e974db3'))?.description).toBe('RDP access from NY office');
  });

  it('maps an egress rule to another group', () => {
    expect(toSecurityGroupRule(corpusRule('sgr-0b5dd815afcea9cc3'))).toMatchObject({
      direction: 'egress',
      peer: { kind: 'security_group', group_id: 'sg-0aad1c26bbeec5c22', user_id: '123456789012' },
    });
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
