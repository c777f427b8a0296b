import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type DescribeNetworkInterfacesCommandInput,
  type DescribeSecurityGroupRulesCommandInput,
  type NetworkInterface,
  type SecurityGroupRule as Ec2SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2Enrichment, ownAccountClientForEveryScope, type EnrichmentCacheSettings } from '../../../src/composition/enrichment.js';
import { resolveEnrichmentPlan, type EnrichmentPlan } from '../../../src/config/enrichment-plan.js';
import { decorateFirehoseRecords } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { silentLogger } from '../../../src/ports.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../../support/ec2-builders.js';
import { defaultFormatLine, documentsOf, transformationRecord } from '../../support/firehose-builders.js';
import { manualClock } from '../../support/geo-builders.js';

const ec2 = mockClient(EC2Client);

const CACHES: EnrichmentCacheSettings = {
  interfaceCacheTtlSeconds: 900,
  interfaceNegativeCacheTtlSeconds: 60,
  rulesCacheTtlSeconds: 300,
};

/** Interfaces only, rules attributed (the defaults). */
const PLAN: EnrichmentPlan = resolveEnrichmentPlan();

const WEB_SERVER = ec2NetworkInterface();
const APP_SERVER = ec2NetworkInterface({
  NetworkInterfaceId: 'eni-00000000000000002',
  Groups: [{ GroupId: 'sg-app', GroupName: 'app' }],
  PrivateIpAddress: '10.0.2.30',
  PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.30', Primary: true }],
});
const RULES: Ec2SecurityGroupRule[] = [
  ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-partners', PrefixListId: 'pl-partners', CidrIpv4: undefined }),
  ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-app', IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: 'sg-app' } }),
];

/** EC2 over one small inventory: interfaces by id or by group, rules by group, one prefix list. */
function answerLikeEc2(interfaces: readonly NetworkInterface[]): void {
  ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: DescribeNetworkInterfacesCommandInput) => {
    const [filter] = input.Filters ?? [];
    const wanted = new Set(filter?.Values ?? []);
    const inGroup = (item: NetworkInterface): boolean => (item.Groups ?? []).some((group) => wanted.has(group.GroupId ?? ''));
    return { NetworkInterfaces: interfaces.filter((item) => (filter?.Name === 'group-id' ? inGroup(item) : wanted.has(item.NetworkInterfaceId ?? ''))) };
  });
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input: DescribeSecurityGroupRulesCommandInput) => {
    const wanted = new Set(input.Filters?.[0]?.Values ?? []);
    return { SecurityGroupRules: RULES.filter((rule) => wanted.has(rule.GroupId ?? '')) };
  });
  ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-partners' }).resolves({ Entries: [{ Cidr: '198.51.100.0/24' }] });
}

describe('createEc2Enrichment with rule attribution', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('attributes records through EC2 rules, prefix lists and group members without listing the rules', async () => {
    answerLikeEc2([WEB_SERVER, APP_SERVER]);
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });
    const inputs = [
      transformationRecord({ text: defaultFormatLine({ srcaddr: '198.51.100.7' }) }),
      transformationRecord({ text: defaultFormatLine({ srcaddr: '10.0.2.30' }) }),
      transformationRecord({ text: defaultFormatLine({ srcaddr: '192.0.2.9' }) }),
    ];

    const { records } = await decorateFirehoseRecords(inputs, enrichment.sources, { trailingNewline: false, responseBudgetBytes: 5_000_000 });

    const documents = records.map((record) => documentsOf(record)[0]);
    expect(documents.map((document) => document?.security_group_rule_ids)).toEqual([['sgr-partners'], ['sgr-app'], undefined]);
    expect(documents.map((document) => document?.rule_match)).toEqual(['matched', 'matched', 'unmatched']);
    expect(documents.some((document) => document !== undefined && 'security_group_rules' in document)).toBe(false);
  });

  it('keeps prefix lists and group members cached across batches', async () => {
    answerLikeEc2([WEB_SERVER, APP_SERVER]);
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });
    const options = { trailingNewline: false, responseBudgetBytes: 5_000_000 };

    await decorateFirehoseRecords([transformationRecord()], enrichment.sources, options);
    await decorateFirehoseRecords([transformationRecord()], enrichment.sources, options);

    expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 1);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).filter((call) => call.args[0].input.Filters?.[0]?.Name === 'group-id')).toHaveLength(1);
  });

  it('reads no rule, prefix list or group when attribution is off and the rules are not listed', async () => {
    const enrichment = await createEc2Enrichment({ ...PLAN, attributeRules: false }, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });

    expect(Object.keys(enrichment.sources)).toEqual(['networkInterfaces']);
  });

  it('lists the rules without attributing them when only the list is asked for', async () => {
    const enrichment = await createEc2Enrichment({ ...PLAN, listRules: true, attributeRules: false }, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });

    expect(enrichment.sources).toMatchObject({ listRules: true, attributeRules: false });
    expect(enrichment.sources).not.toHaveProperty('prefixLists');
  });
});
