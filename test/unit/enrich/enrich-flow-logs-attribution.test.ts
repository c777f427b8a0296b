import { describe, expect, it } from 'vitest';
import { enrichFlowLogs, type FlowLogEnrichmentSources } from '../../../src/enrich/enrich-flow-logs.js';
import type { SecurityGroupRule } from '../../../src/ports.js';
import { flowDocument, networkInterfaceInfo, securityGroupRule } from '../../support/ec2-builders.js';
import { mapLookup } from '../../support/firehose-builders.js';

const ENI = 'eni-0a1b2c3d4e5f60718';
const WEB = 'sg-0123456789abcdef0';
const info = networkInterfaceInfo({ interfaceId: ENI, privateIpv4Addresses: ['10.0.1.17'], securityGroups: [{ groupId: WEB, groupName: 'web' }] });
const HTTPS_IN = securityGroupRule({ rule_id: 'sgr-https', group_id: WEB, from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } });
const FROM_PARTNERS = securityGroupRule({ rule_id: 'sgr-partners', group_id: WEB, from_port: 443, to_port: 443, peer: { kind: 'prefix_list', prefix_list_id: 'pl-partners' } });
const FROM_APP = securityGroupRule({ rule_id: 'sgr-app', group_id: WEB, protocol: '-1', peer: { kind: 'security_group', group_id: 'sg-app' } });
const ALL_OUT = securityGroupRule({ rule_id: 'sgr-out', group_id: WEB, direction: 'egress', protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } });

function sources(rules: readonly SecurityGroupRule[], overrides: Partial<FlowLogEnrichmentSources> = {}): FlowLogEnrichmentSources {
  return {
    networkInterfaces: mapLookup({ [ENI]: { status: 'found', value: info } }),
    securityGroupRules: mapLookup({ [WEB]: { status: 'found', value: rules } }),
    ...overrides,
  };
}

describe('enrichFlowLogs rule attribution', () => {
  it('adds the matching rule ids and rule_match by default when rules are looked up', async () => {
    const [document] = await enrichFlowLogs([flowDocument({ tcp_flags: 2 })], sources([HTTPS_IN, ALL_OUT]));

    expect(document).toMatchObject({ direction: 'ingress', security_group_rule_ids: ['sgr-https'], rule_match: 'matched' });
  });

  it('marks return traffic, unmatched accepts and rejects with or without a rule', async () => {
    const documents = await enrichFlowLogs(
      [
        flowDocument({ srcaddr: '10.0.1.17', dstaddr: '203.0.113.25', srcport: 443, dstport: 50123, tcp_flags: 18 }),
        flowDocument({ srcaddr: '198.51.100.7', tcp_flags: 2 }),
        flowDocument({ action: 'REJECT', tcp_flags: 2 }),
        flowDocument({ action: 'REJECT', srcaddr: '198.51.100.7', tcp_flags: 2 }),
      ],
      sources([HTTPS_IN, ALL_OUT]),
    );

    expect(documents.map((document) => document.rule_match)).toEqual(['return_traffic', 'unmatched', 'would_allow', 'no_rule']);
    expect(documents.map((document) => document.security_group_rule_ids)).toEqual([undefined, undefined, ['sgr-https'], undefined]);
  });

  it('lists the full rules only when asked, and attributes only when not turned off', async () => {
    const [listedOnly] = await enrichFlowLogs([flowDocument({ tcp_flags: 2 })], sources([HTTPS_IN], { listRules: true, attributeRules: false }));
    const [attributedOnly] = await enrichFlowLogs([flowDocument({ tcp_flags: 2 })], sources([HTTPS_IN], { listRules: false }));

    expect(listedOnly).toHaveProperty('security_group_rules');
    expect(listedOnly).not.toHaveProperty('rule_match');
    expect(attributedOnly).not.toHaveProperty('security_group_rules');
    expect(attributedOnly).toMatchObject({ rule_match: 'matched' });
  });

  it('resolves prefix lists and referenced groups once per batch, only those the rules name', async () => {
    const prefixLists = mapLookup<readonly string[]>({ 'pl-partners': { status: 'found', value: ['198.51.100.0/24'] }, 'pl-unused': { status: 'found', value: [] } });
    const members = mapLookup<readonly string[]>({ 'sg-app': { status: 'found', value: ['10.0.2.30'] } });

    const documents = await enrichFlowLogs(
      [flowDocument({ srcaddr: '198.51.100.7', tcp_flags: 2 }), flowDocument({ srcaddr: '10.0.2.30', dstport: 8080, tcp_flags: 2 }), flowDocument({ srcaddr: '198.51.100.8', tcp_flags: 2 })],
      sources([HTTPS_IN, FROM_PARTNERS, FROM_APP], { prefixLists, securityGroupMembers: members }),
    );

    expect(documents.map((document) => document.security_group_rule_ids)).toEqual([['sgr-partners'], ['sgr-app'], ['sgr-partners']]);
    expect(prefixLists.requested).toEqual([['pl-partners']]);
    expect(members.requested).toEqual([['sg-app']]);
  });

  it('leaves rule_match out and says why when a prefix list could not be read and no other rule allows the flow', async () => {
    const prefixLists = mapLookup<readonly string[]>({ 'pl-partners': { status: 'failed', reason: 'RequestLimitExceeded' } });

    const [document] = await enrichFlowLogs([flowDocument({ srcaddr: '198.51.100.7', tcp_flags: 2 })], sources([FROM_PARTNERS], { prefixLists }));

    expect(document).not.toHaveProperty('rule_match');
    expect(document?.enrichment_issues).toEqual(['sg_rule_peer_lookup_failed']);
  });

  it('still names a matching rule when another group of the interface could not be read, but never says unmatched', async () => {
    const twoGroups = networkInterfaceInfo({ interfaceId: ENI, securityGroups: [{ groupId: WEB }, { groupId: 'sg-broken' }] });
    const partial: FlowLogEnrichmentSources = {
      networkInterfaces: mapLookup({ [ENI]: { status: 'found', value: twoGroups } }),
      securityGroupRules: mapLookup({ [WEB]: { status: 'found', value: [HTTPS_IN] }, 'sg-broken': { status: 'failed', reason: 'RequestLimitExceeded' } }),
      listRules: false,
    };

    const [allowed, unknown] = await enrichFlowLogs([flowDocument({ tcp_flags: 2 }), flowDocument({ srcaddr: '198.51.100.7', tcp_flags: 2 })], partial);

    expect(allowed).toMatchObject({ rule_match: 'matched', security_group_rule_ids: ['sgr-https'], enrichment_issues: ['sg_rules_lookup_failed'] });
    expect(unknown).not.toHaveProperty('rule_match');
    expect(unknown?.enrichment_issues).toEqual(['sg_rules_lookup_failed']);
  });

  it('attributes nothing on an interface without security groups, of unknown direction, or without rules looked up', async () => {
    const natGateway = networkInterfaceInfo({ interfaceId: 'eni-00000000000000009', interfaceType: 'nat_gateway', securityGroups: [], privateIpv4Addresses: ['10.0.0.220'] });
    const withNat: FlowLogEnrichmentSources = {
      ...sources([HTTPS_IN]),
      networkInterfaces: mapLookup({ [ENI]: { status: 'found', value: info }, 'eni-00000000000000009': { status: 'found', value: natGateway } }),
    };

    const [nat, unknownDirection] = await enrichFlowLogs(
      [flowDocument({ interface_id: 'eni-00000000000000009', dstaddr: '10.0.0.220' }), flowDocument({ dstaddr: '10.9.9.9' })],
      withNat,
    );
    const [noRules] = await enrichFlowLogs([flowDocument()], { networkInterfaces: mapLookup({ [ENI]: { status: 'found', value: info } }) });

    expect(nat).not.toHaveProperty('rule_match');
    expect(unknownDirection).not.toHaveProperty('rule_match');
    expect(noRules).not.toHaveProperty('rule_match');
  });
});
