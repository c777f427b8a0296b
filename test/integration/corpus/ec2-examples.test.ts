// The EC2 adapters and the inventory reader on the AWS CLI's, botocore's and AWS ParallelCluster's
// own example outputs from the public corpus (../shared/corpus/ec2, read in place). The unit tier
// asks the same questions of builder-made outputs; these keep the builders honest about EC2's shape.
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  type GetManagedPrefixListEntriesCommandOutput,
  type NetworkInterface,
  type SecurityGroupRule as Ec2SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toNetworkInterfaceInfo } from '../../../src/adapters/ec2-network-interface-source.js';
import { createEc2PrefixListSource } from '../../../src/adapters/ec2-prefix-list-source.js';
import { createEc2SecurityGroupRuleSource, toSecurityGroupRule } from '../../../src/adapters/ec2-security-group-rule-source.js';
import { createInventorySources } from '../../../src/adapters/inventory-directory-source.js';
import { corpusIsPresent, missingCorpusMessage } from '../../support/corpus.js';
import { readEc2Corpus, SG_903004F8_DERIVED_RULES } from '../../support/ec2-builders.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

interface CliExamples {
  readonly examples: readonly { readonly output: { readonly NetworkInterfaces: NetworkInterface[] } }[];
}
interface BotocoreExamples {
  readonly examples: { readonly DescribeNetworkInterfaces: readonly { readonly output: { readonly NetworkInterfaces: NetworkInterface[] } }[] };
}
interface CliRuleExamples {
  readonly examples: readonly { readonly title: string; readonly output: { readonly SecurityGroupRules: Ec2SecurityGroupRule[] } }[];
}
interface CliEntriesExamples {
  readonly examples: readonly { readonly output: Pick<GetManagedPrefixListEntriesCommandOutput, 'Entries'> }[];
}

/** The `output` of every example of a corpus AWS CLI example file: the CLI's JSON, read in place. */
function corpusOutputs(command: string): unknown[] {
  return readEc2Corpus<{ examples: { output: unknown }[] }>(`aws-cli-examples/${command}.json`).examples.map((example) => example.output);
}

const ec2 = mockClient(EC2Client);

/** Answers like EC2 does: every rule of `inventory` whose group is among the filter's values. */
function answerFrom(inventory: readonly Ec2SecurityGroupRule[]) {
  return (input: DescribeSecurityGroupRulesCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'group-id')?.Values ?? []);
    return { SecurityGroupRules: inventory.filter((rule) => wanted.has(rule.GroupId ?? '')) };
  };
}

beforeAll(() => {
  // Fail, never skip: a missing corpus must not pass for conforming adapters.
  if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
});

beforeEach(() => {
  ec2.reset();
});

describe('toNetworkInterfaceInfo on the corpus interfaces', () => {
  it('maps the AWS CLI example interface with an Elastic IP', () => {
    const [withElasticIp] = readEc2Corpus<CliExamples>('aws-cli-examples/describe-network-interfaces.json').examples[0]?.output.NetworkInterfaces ?? [];

    const info = toNetworkInterfaceInfo(withElasticIp ?? {});

    expect(info).toEqual({
      interfaceId: 'eni-e5aa89a3',
      vpcId: 'vpc-a01106c2',
      subnetId: 'subnet-b61f49f0',
      availabilityZone: 'us-east-1d',
      instanceId: 'i-1234567890abcdef0',
      ownerId: '123456789012',
      description: 'my network interface',
      securityGroups: [{ groupId: 'sg-8637d3e3', groupName: 'default' }],
      privateIpv4Addresses: ['10.0.1.17'],
      ipv6Addresses: [],
      delegatedPrefixes: [],
      publicIpv4Addresses: ['203.0.113.12'],
    });
  });

  it('maps every interface of the AWS CLI examples, with the auto-assigned public IP of the second', () => {
    const interfaces = readEc2Corpus<CliExamples>('aws-cli-examples/describe-network-interfaces.json').examples.flatMap((example) => example.output.NetworkInterfaces);

    const infos = interfaces.map(toNetworkInterfaceInfo);

    expect(infos.map((info) => info?.interfaceId)).toEqual(['eni-e5aa89a3', 'eni-f9ba99bf', 'eni-b9a5ac93']);
    expect(infos[1]).toMatchObject({ instanceId: 'i-0598c7d356eba48d7', publicIpv4Addresses: ['198.51.100.0'], privateIpv4Addresses: ['10.0.1.149'] });
  });

  it('lists a secondary private address after the primary (AWS CLI tag-filter example)', () => {
    const [prodEni] = readEc2Corpus<CliExamples>('aws-cli-examples/describe-network-interfaces.json').examples[1]?.output.NetworkInterfaces ?? [];

    const info = toNetworkInterfaceInfo(prodEni ?? {});

    expect(info?.privateIpv4Addresses).toEqual(['10.0.1.55', '10.0.1.117']);
    expect(info?.securityGroups).toEqual([{ groupId: 'sg-905002f5', groupName: 'MySG' }]);
    expect(info).not.toHaveProperty('instanceId');
  });

  it('maps a requester-managed NAT gateway interface, which has no instance', () => {
    const [natEni] = readEc2Corpus<{ NetworkInterfaces: NetworkInterface[] }>('aws-parallelcluster/nat-gateway-eni.describe-network-interfaces.json').NetworkInterfaces;

    const info = toNetworkInterfaceInfo(natEni ?? {});

    expect(info).toMatchObject({
      interfaceType: 'nat_gateway',
      description: 'Interface for NAT Gateway nat-0a8b0e0d28266841f',
      privateIpv4Addresses: ['10.0.124.85'],
      publicIpv4Addresses: ['34.248.114.123'],
    });
    expect(info).not.toHaveProperty('instanceId');
  });

  it('maps the botocore example like the identical AWS CLI one', () => {
    const botocore = readEc2Corpus<BotocoreExamples>('botocore/ec2-examples-subset.json').examples.DescribeNetworkInterfaces[0]?.output.NetworkInterfaces[0];
    const cli = readEc2Corpus<CliExamples>('aws-cli-examples/describe-network-interfaces.json').examples[0]?.output.NetworkInterfaces[0];

    expect(toNetworkInterfaceInfo(botocore ?? {})).toEqual(toNetworkInterfaceInfo(cli ?? {}));
  });
});

describe('createEc2SecurityGroupRuleSource on the AWS CLI example', () => {
  it('groups the rules of the AWS CLI example under their security group', async () => {
    const [example] = readEc2Corpus<CliRuleExamples>('aws-cli-examples/describe-security-group-rules.json').examples;
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(answerFrom(example?.output.SecurityGroupRules ?? []));
    const source = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-1234567890abcdef0']);

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
});

describe('toSecurityGroupRule on the AWS CLI authorize examples', () => {
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
});

describe('createEc2PrefixListSource on the AWS CLI example', () => {
  it('gives the CIDRs of the AWS CLI example', async () => {
    const [example] = readEc2Corpus<CliEntriesExamples>('aws-cli-examples/get-managed-prefix-list-entries.json').examples;
    ec2.on(GetManagedPrefixListEntriesCommand).resolves(example?.output ?? {});
    const source = createEc2PrefixListSource({ client: new EC2Client({}) });

    const outcomes = await source.getPrefixListEntries(TEST_SCOPE, ['pl-0123456abcabcabc1']);

    expect(outcomes.get('pl-0123456abcabcabc1')).toEqual({ status: 'found', value: ['10.0.0.0/16', '10.2.0.0/16'] });
  });
});

describe('createInventorySources on the AWS CLI example outputs', () => {
  it('finds the interfaces of describe-network-interfaces output with their groups and addresses', async () => {
    // Prepare
    const inventory = createInventorySources(corpusOutputs('describe-network-interfaces'));

    // Act
    const outcomes = await inventory.networkInterfaces.describeNetworkInterfaces(TEST_SCOPE, ['eni-e5aa89a3', 'eni-b9a5ac93']);

    // Assess
    expect(outcomes.get('eni-e5aa89a3')).toMatchObject({
      status: 'found',
      value: { securityGroups: [{ groupId: 'sg-8637d3e3', groupName: 'default' }], privateIpv4Addresses: ['10.0.1.17'], publicIpv4Addresses: ['203.0.113.12'] },
    });
    expect(outcomes.get('eni-b9a5ac93')).toMatchObject({ status: 'found', value: { privateIpv4Addresses: ['10.0.1.55', '10.0.1.117'] } });
  });

  it('answers not_found for an interface the inventory does not hold', async () => {
    const inventory = createInventorySources(corpusOutputs('describe-network-interfaces'));

    const outcomes = await inventory.networkInterfaces.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f69999']);

    expect(outcomes.get('eni-0a1b2c3d4e5f69999')).toStrictEqual({ status: 'not_found' });
  });

  it('reads describe-security-group-rules output, counting a rule listed in two outputs once', async () => {
    const inventory = createInventorySources(corpusOutputs('describe-security-group-rules'));

    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-1234567890abcdef0']);

    expect(outcomes?.get('sg-1234567890abcdef0')).toStrictEqual({
      status: 'found',
      value: [
        expect.objectContaining({ rule_id: 'sgr-abcdef01234567890', direction: 'ingress', peer: { kind: 'security_group', group_id: 'sg-1234567890abcdef0', user_id: '111122223333' } }),
        expect.objectContaining({ rule_id: 'sgr-bcdef01234567890a', direction: 'egress', peer: { kind: 'ipv6_cidr', cidr: '::/0' } }),
        expect.objectContaining({ rule_id: 'sgr-cdef01234567890ab', direction: 'egress', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      ],
    });
  });

  it('derives rules from describe-security-groups permissions when no rules output lists the group', async () => {
    // Prepare: the corpus also holds an example whose output is a list of names, which is skipped.
    const inventory = createInventorySources(corpusOutputs('describe-security-groups'));

    // Act
    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-903004f8']);

    // Assess
    expect(outcomes?.get('sg-903004f8')).toStrictEqual({
      status: 'found',
      value: SG_903004F8_DERIVED_RULES,
    });
  });

  it('answers not_found for a group whose rules the inventory does not hold', async () => {
    const inventory = createInventorySources(corpusOutputs('describe-security-group-rules'));

    const outcomes = await inventory.securityGroupRules?.describeSecurityGroupRules(TEST_SCOPE, ['sg-8637d3e3']);

    expect(outcomes?.get('sg-8637d3e3')).toStrictEqual({ status: 'not_found' });
  });

  it('has no rule source when the inventory holds neither rules nor groups', () => {
    const inventory = createInventorySources(corpusOutputs('describe-network-interfaces'));

    expect(inventory.securityGroupRules).toBeUndefined();
  });

  it('gives the members of a group as the private addresses of its interfaces, and none for an unknown group', async () => {
    const inventory = createInventorySources(corpusOutputs('describe-network-interfaces'));

    const outcomes = await inventory.securityGroupMembers.describeSecurityGroupMembers(TEST_SCOPE, ['sg-8637d3e3', 'sg-0a1b2c3d4e5f69999']);

    expect(outcomes.get('sg-8637d3e3')).toStrictEqual({ status: 'found', value: ['10.0.1.17', '10.0.1.149'] });
    expect(outcomes.get('sg-0a1b2c3d4e5f69999')).toStrictEqual({ status: 'found', value: [] });
  });
});
