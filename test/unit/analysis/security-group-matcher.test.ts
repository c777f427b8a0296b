import { describe, expect, it } from 'vitest';
import { compileSecurityGroupMatcher, flowPeerAddress, matchSecurityGroupRules, UNRESOLVED_PEERS, type PeerResolvers } from '../../../src/analysis/security-group-matcher.js';
import type { SecurityGroupRule } from '../../../src/ports.js';
import { flowDocument, securityGroupRule, without } from '../../support/ec2-builders.js';

function rule(ruleId: string, overrides: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return securityGroupRule({ rule_id: ruleId, ...overrides });
}

function resolvers(prefixLists: Record<string, string[]>, groups: Record<string, string[]>): PeerResolvers {
  return { prefixListEntries: (id) => prefixLists[id], securityGroupMembers: (id) => groups[id] };
}

const HTTPS_IN = flowDocument({ srcaddr: '203.0.113.25', dstaddr: '10.0.1.17', srcport: 50123, dstport: 443, protocol: 6 });

describe('matchSecurityGroupRules', () => {
  it('matches a TCP rule whose port range and CIDR hold the flow', () => {
    const result = matchSecurityGroupRules(HTTPS_IN, 'ingress', [rule('sgr-https', { from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } })], UNRESOLVED_PEERS);

    expect(result).toEqual({ ruleIds: ['sgr-https'], complete: true });
  });

  it('refuses a rule whose port range, CIDR or protocol does not hold the flow', () => {
    const rules = [
      rule('sgr-port', { from_port: 80, to_port: 80, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('sgr-cidr', { peer: { kind: 'ipv4_cidr', cidr: '198.51.100.0/24' } }),
      rule('sgr-udp', { protocol: 'udp', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
    ];

    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, UNRESOLVED_PEERS)).toEqual({ ruleIds: [], complete: true });
  });

  it('lists every matching rule of every group, in the order given, each once', () => {
    const rules = [
      rule('sgr-all', { protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('sgr-range', { group_id: 'sg-2', from_port: 400, to_port: 500, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.16/28' } }),
      rule('sgr-numbered', { protocol: '6', from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '203.0.0.0/16' } }),
      rule('sgr-all', { protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
    ];

    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, UNRESOLVED_PEERS)?.ruleIds).toEqual(['sgr-all', 'sgr-range', 'sgr-numbered']);
  });

  it('only considers the rules of the flow direction', () => {
    const egress = rule('sgr-out', { direction: 'egress', protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } });

    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', [egress], UNRESOLVED_PEERS)?.ruleIds).toEqual([]);
  });

  it('checks the destination of an egress flow against the rule peer and port', () => {
    const flow = flowDocument({ srcaddr: '10.0.1.17', dstaddr: '198.51.100.7', srcport: 40000, dstport: 5432 });
    const egress = rule('sgr-db', { direction: 'egress', from_port: 5432, to_port: 5432, peer: { kind: 'ipv4_cidr', cidr: '198.51.100.0/24' } });

    expect(matchSecurityGroupRules(flow, 'egress', [egress], UNRESOLVED_PEERS)?.ruleIds).toEqual(['sgr-db']);
  });

  it('matches IPv6 flows against IPv6 CIDRs only', () => {
    const flow = flowDocument({ srcaddr: '2001:db8:5::9', dstaddr: '2001:db8:1::17', dstport: 443 });
    const rules = [
      rule('sgr-v4', { protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('sgr-v6', { peer: { kind: 'ipv6_cidr', cidr: '2001:db8:5::/48' } }),
    ];

    expect(matchSecurityGroupRules(flow, 'ingress', rules, UNRESOLVED_PEERS)?.ruleIds).toEqual(['sgr-v6']);
  });

  it('matches an ICMP rule on protocol and peer whatever its type and code, since flow logs carry neither', () => {
    const ping = flowDocument({ protocol: 1, srcport: 0, dstport: 0 });
    const echoOnly = rule('sgr-echo', { protocol: 'icmp', from_port: 8, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } });

    expect(matchSecurityGroupRules(ping, 'ingress', [echoOnly], UNRESOLVED_PEERS)?.ruleIds).toEqual(['sgr-echo']);
  });

  it('matches any port for a protocol other than TCP and UDP', () => {
    const esp = flowDocument({ protocol: 50, srcport: 0, dstport: 0 });

    expect(matchSecurityGroupRules(esp, 'ingress', [rule('sgr-esp', { protocol: '50', from_port: 500, to_port: 500 })], UNRESOLVED_PEERS)?.ruleIds).toEqual(['sgr-esp']);
  });

  it('expands a prefix list through the resolvers', () => {
    const rules = [rule('sgr-pl', { peer: { kind: 'prefix_list', prefix_list_id: 'pl-1' } })];

    const inList = matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, resolvers({ 'pl-1': ['198.51.100.0/24', '203.0.113.0/26'] }, {}));
    const notInList = matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, resolvers({ 'pl-1': ['198.51.100.0/24'] }, {}));

    expect(inList).toEqual({ ruleIds: ['sgr-pl'], complete: true });
    expect(notInList).toEqual({ ruleIds: [], complete: true });
  });

  it('matches a referenced group when the peer is an address of one of its interfaces', () => {
    const flow = flowDocument({ srcaddr: '10.0.2.30', dstaddr: '10.0.1.17', dstport: 443 });
    const rules = [rule('sgr-ref', { peer: { kind: 'security_group', group_id: 'sg-app' } })];

    expect(matchSecurityGroupRules(flow, 'ingress', rules, resolvers({}, { 'sg-app': ['10.0.2.31', '10.0.2.30'] }))?.ruleIds).toEqual(['sgr-ref']);
    expect(matchSecurityGroupRules(flow, 'ingress', rules, resolvers({}, { 'sg-app': ['10.0.2.31'] }))?.ruleIds).toEqual([]);
  });

  it('says the answer is incomplete when a rule that fits protocol and port has an unresolved peer', () => {
    const rules = [
      rule('sgr-cidr', { peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } }),
      rule('sgr-pl', { peer: { kind: 'prefix_list', prefix_list_id: 'pl-unknown' } }),
    ];

    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, UNRESOLVED_PEERS)).toEqual({ ruleIds: ['sgr-cidr'], complete: false });
  });

  it('stays complete when the rule with an unresolved peer cannot fit the flow anyway', () => {
    const rules = [rule('sgr-ref', { from_port: 22, to_port: 22, peer: { kind: 'security_group', group_id: 'sg-unknown' } })];

    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', rules, UNRESOLVED_PEERS)).toEqual({ ruleIds: [], complete: true });
  });

  it('cannot match a flow without a protocol or a peer address', () => {
    const rules = [rule('sgr-all', { protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } })];
    const noProtocol = without(HTTPS_IN, 'protocol');

    expect(matchSecurityGroupRules(noProtocol, 'ingress', rules, UNRESOLVED_PEERS)).toBeUndefined();
    expect(matchSecurityGroupRules({ ...HTTPS_IN, srcaddr: '-' }, 'ingress', rules, UNRESOLVED_PEERS)).toBeUndefined();
  });

  it('never matches a rule whose protocol it cannot read, rather than matching everything', () => {
    expect(matchSecurityGroupRules(HTTPS_IN, 'ingress', [rule('sgr-odd', { protocol: 'bogus', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } })], UNRESOLVED_PEERS)?.ruleIds).toEqual([]);
  });
});

describe('compileSecurityGroupMatcher', () => {
  it('answers many flows from one compilation', () => {
    const matcher = compileSecurityGroupMatcher('ingress', [rule('sgr-https'), rule('sgr-ssh', { from_port: 22, to_port: 22 })], UNRESOLVED_PEERS);

    expect(matcher.match({ ...HTTPS_IN, dstport: 22 })?.ruleIds).toEqual(['sgr-ssh']);
    expect(matcher.match(HTTPS_IN)?.ruleIds).toEqual(['sgr-https']);
  });

  it('hands flows allowed by the same rules one answer and one id list, whatever their peers and ports', () => {
    // Prepare: one rule alone allows some flows, two rules together others.
    const matcher = compileSecurityGroupMatcher(
      'ingress',
      [rule('sgr-wide', { from_port: 1024, to_port: 65_535, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }), rule('sgr-narrow', { from_port: 8000, to_port: 8999, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } })],
      UNRESOLVED_PEERS,
    );
    const flow = (srcaddr: string, dstport: number) => ({ ...HTTPS_IN, srcaddr, dstport });

    // Act
    const alone = [matcher.match(flow('198.51.100.1', 2000)), matcher.match(flow('198.51.100.2', 3000)), matcher.match(flow('203.0.113.9', 9500))];
    const both = [matcher.match(flow('203.0.113.1', 8080)), matcher.match(flow('203.0.113.2', 8443))];

    // Assess
    expect(alone[0]).toEqual({ ruleIds: ['sgr-wide'], complete: true });
    expect(new Set(alone).size).toBe(1);
    expect(both[0]).toEqual({ ruleIds: ['sgr-wide', 'sgr-narrow'], complete: true });
    expect(both[1]).toBe(both[0]);
  });
});

describe('flowPeerAddress', () => {
  it('is the source of an ingress flow and the destination of an egress flow', () => {
    expect(flowPeerAddress(HTTPS_IN, 'ingress')).toBe('203.0.113.25');
    expect(flowPeerAddress(HTTPS_IN, 'egress')).toBe('10.0.1.17');
  });

  it('prefers the packet-level address when the record has one', () => {
    const flow = flowDocument({ srcaddr: '10.0.0.220', pkt_srcaddr: '203.0.113.5', dstaddr: '10.0.1.17', pkt_dstaddr: '10.0.1.17' });

    expect(flowPeerAddress(flow, 'ingress')).toBe('203.0.113.5');
  });
});
