import { describe, expect, it } from 'vitest';
import { buildSecurityGroupReport, exposedPortsOf, summarizeRule } from '../../../src/report/security-group-report.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';

const HTTPS = reportRule();
const SSH_ANYWHERE = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa2', from_port: 22, to_port: 22 });
const OTHER_GROUP_RULE = reportRule({ rule_id: 'sgr-0bbbbbbbbbbbbbbb1', group_id: 'sg-0bbbbbbbbbbbbbbb1', peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/16' } });

describe('buildSecurityGroupReport', () => {
  it('sums flows, bytes and packets of a rule and counts its distinct peers, first and last seen', () => {
    // Prepare
    const flows = [
      reportFlow({ srcaddr: '203.0.113.10', bytes: 100, packets: 2, start: 1_700_000_100, end: 1_700_000_160 }),
      reportFlow({ srcaddr: '203.0.113.11', bytes: 250, packets: 3, start: 1_700_000_000, end: 1_700_000_060 }),
      reportFlow({ srcaddr: '203.0.113.10', bytes: 50, packets: 1, start: 1_700_000_500, end: 1_700_000_560 }),
    ];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS] });
    // Assess
    expect(report.rules[0]).toMatchObject({
      ruleId: HTTPS.rule_id,
      flows: 3,
      bytes: 400,
      packets: 6,
      distinctPeers: { value: 2, exact: true },
      firstSeen: '2023-11-14T22:13:20Z',
      lastSeen: '2023-11-14T22:22:40Z',
      rejectedWouldAllow: 0,
    });
  });

  it('counts a REJECT a rule would allow apart, without making the rule used', () => {
    // Prepare
    const flows = [reportFlow({ action: 'REJECT', rule_match: 'would_allow' }), reportFlow({ action: 'REJECT', rule_match: 'would_allow', srcaddr: '198.51.100.4' })];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS] });
    // Assess
    expect(report.rules[0]).toMatchObject({ flows: 0, rejectedWouldAllow: 2 });
    expect(report.unused.map((group) => group.rules.map((rule) => rule.ruleId))).toEqual([[HTTPS.rule_id]]);
  });

  it.each(['return_traffic', 'unmatched', 'no_rule'] as const)('lets a %s record use no rule', (ruleMatch) => {
    // Act
    const report = buildSecurityGroupReport([reportFlow({ rule_match: ruleMatch })], { rules: [HTTPS] });
    // Assess
    expect(report.rules[0]?.flows).toBe(0);
    expect(report.totals.byRuleMatch[ruleMatch]).toBe(1);
  });

  it('groups unused rules by security group, with the group name records carry', () => {
    // Prepare
    const unusedHere = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa3', from_port: 8443, to_port: 8443 });
    const flows = [reportFlow({ security_group_names: ['web'] })];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS, unusedHere, SSH_ANYWHERE] });
    // Assess
    expect(report.unused).toEqual([{ groupId: HTTPS.group_id, groupName: 'web', rules: [summarizeRule(unusedHere), summarizeRule(SSH_ANYWHERE)] }]);
  });

  it('does not call unused the rules of a group no record was seen on, nor rules whose peer was unresolved', () => {
    // Prepare
    const prefixListRule = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa4', peer: { kind: 'prefix_list', prefix_list_id: 'pl-0a1b2c3d' } });
    // Act
    const report = buildSecurityGroupReport([reportFlow()], { rules: [HTTPS, prefixListRule, OTHER_GROUP_RULE], peerResolved: (rule) => rule.peer.kind !== 'prefix_list' });
    // Assess
    expect(report.unused).toEqual([]);
    expect(report.notJudged).toEqual({ groupsWithoutRecords: [OTHER_GROUP_RULE.group_id], unresolvedPeerRules: [summarizeRule(prefixListRule)] });
  });

  it('calls 0.0.0.0/0 over-broad when its peers fit a /26, and suggests a block covering them', () => {
    // Prepare
    const flows = Array.from({ length: 40 }, (_, index) => reportFlow({ srcaddr: `203.0.113.${index}` }));
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS], thresholds: { minWindowDays: 0 } });
    // Assess
    expect(report.overBroad).toHaveLength(1);
    expect(report.overBroad[0]).toMatchObject({ ruleId: HTTPS.rule_id, suggestedCidrs: ['203.0.113.0/27', '203.0.113.32/29'], suggestionsExact: true, flows: 40 });
  });

  it('keeps a /24 rule whose peers fill much of it off the over-broad list', () => {
    // Prepare
    const rule = reportRule({ peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } });
    const flows = [reportFlow({ srcaddr: '203.0.113.1' }), reportFlow({ srcaddr: '203.0.113.250' })];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [rule] });
    // Assess
    expect(report.overBroad).toEqual([]);
  });

  it('finds SSH open to the internet and says it was reached from a public address', () => {
    // Prepare
    const flows = [
      reportFlow({ srcaddr: '198.51.100.7', dstport: 22, end: 1_700_000_900, security_group_rule_ids: [SSH_ANYWHERE.rule_id] }),
      reportFlow({ srcaddr: '10.0.9.9', dstport: 22, security_group_rule_ids: [SSH_ANYWHERE.rule_id] }),
    ];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS, SSH_ANYWHERE] });
    // Assess
    expect(report.exposures).toEqual([
      {
        ...summarizeRule(SSH_ANYWHERE),
        port: 22,
        service: 'SSH',
        publicFlows: 1,
        publicSources: { value: 1, exact: true },
        reached: true,
        lastReached: '2023-11-14T22:28:20Z',
        blockedAttempts: 0,
        blockedSources: { value: 0, exact: true },
        attempted: true,
      },
    ]);
  });

  it('reports an exposure nobody reached as not reached', () => {
    // Act
    const report = buildSecurityGroupReport([reportFlow()], { rules: [HTTPS, SSH_ANYWHERE] });
    // Assess
    expect(report.exposures.map(({ port, reached, publicFlows }) => ({ port, reached, publicFlows }))).toEqual([{ port: 22, reached: false, publicFlows: 0 }]);
  });

  it('ranks rejected sources by record count, the Logs Insights way', () => {
    // Prepare
    const rejected = (srcaddr: string) => reportFlow({ action: 'REJECT', rule_match: 'no_rule', srcaddr, security_group_rule_ids: [] });
    const flows = [rejected('192.0.2.9'), rejected('198.51.100.1'), rejected('192.0.2.9'), rejected('192.0.2.9'), rejected('198.51.100.1'), rejected('203.0.113.77'), reportFlow()];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS] });
    // Assess
    expect(report.topRejectedSources).toEqual({
      items: [
        { key: '192.0.2.9', value: 3, overcount: 0 },
        { key: '198.51.100.1', value: 2, overcount: 0 },
        { key: '203.0.113.77', value: 1, overcount: 0 },
      ],
      total: 6,
      exact: true,
      errorBound: 0,
    });
  });

  it('ranks the talkers of each security group by accepted bytes', () => {
    // Prepare
    const flows = [
      reportFlow({ srcaddr: '203.0.113.1', bytes: 500 }),
      reportFlow({ srcaddr: '203.0.113.2', bytes: 2_000 }),
      reportFlow({ srcaddr: '203.0.113.1', bytes: 700, security_group_ids: [HTTPS.group_id, OTHER_GROUP_RULE.group_id] }),
      reportFlow({ srcaddr: '203.0.113.3', bytes: 9_000, action: 'REJECT', rule_match: 'no_rule' }),
    ];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS, OTHER_GROUP_RULE] });
    // Assess
    expect(report.topTalkers.map(({ groupId, items, total }) => ({ groupId, items: items.map(({ key, value }) => [key, value]), total }))).toEqual([
      { groupId: HTTPS.group_id, items: [['203.0.113.2', 2_000], ['203.0.113.1', 1_200]], total: 3_200 },
      { groupId: OTHER_GROUP_RULE.group_id, items: [['203.0.113.1', 700]], total: 700 },
    ]);
  });

  it('lists rule ids the inventory does not hold, and counts records without attribution', () => {
    // Prepare
    const unattributed = reportFlow();
    delete unattributed.rule_match;
    const flows = [reportFlow({ security_group_rule_ids: ['sgr-0ccccccccccccccc1'] }), unattributed];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS] });
    // Assess
    expect(report.unknownRuleIds).toEqual(['sgr-0ccccccccccccccc1']);
    expect(report.totals.byRuleMatch.not_attributed).toBe(1);
  });

  it('spans the window from the earliest start to the latest end and sums the totals', () => {
    // Prepare
    const flows = [reportFlow({ start: 1_700_000_300, end: 1_700_000_360, bytes: 10 }), reportFlow({ start: 1_700_000_000, end: 1_700_000_999, bytes: 20, action: 'REJECT', rule_match: 'no_rule' })];
    // Act
    const report = buildSecurityGroupReport(flows, { rules: [HTTPS] });
    // Assess
    expect(report.window).toEqual({ first: '2023-11-14T22:13:20Z', last: '2023-11-14T22:29:59Z' });
    expect(report.totals).toMatchObject({ records: 2, accepted: 1, rejected: 1, bytes: 30, interfaces: { value: 1, exact: true } });
  });
});

describe('exposedPortsOf', () => {
  it.each([
    [reportRule({ from_port: 22, to_port: 22 }), [22]],
    [reportRule({ protocol: 'udp', from_port: 3389, to_port: 3389 }), [3389]],
    [reportRule({ protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'ipv6_cidr', cidr: '::/0' } }), [21, 22, 23, 3389, 1433, 1521, 3306, 5432, 5439, 6379, 9042, 9200, 11211, 27017]],
    [reportRule({ from_port: 20, to_port: 23 }), [21, 22, 23]],
    [reportRule({ from_port: 3000, to_port: 6000 }), [3389, 3306, 5432, 5439]],
    [reportRule({ protocol: 'udp', from_port: 22, to_port: 22 }), []],
    [reportRule({ from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/8' } }), []],
    [reportRule({ from_port: 22, to_port: 22, direction: 'egress' }), []],
  ])('finds the administration and database ports a rule opens to the internet (%#)', (rule, ports) => {
    // Act / Assess
    expect(exposedPortsOf(rule).map((exposed) => exposed.port)).toEqual(ports);
  });
});

describe('summarizeRule', () => {
  it.each([
    [reportRule(), { protocol: 'tcp', ports: '443', peer: '0.0.0.0/0' }],
    [reportRule({ protocol: '6', from_port: 9000, to_port: 9100 }), { protocol: 'tcp', ports: '9000-9100' }],
    [reportRule({ protocol: 'icmp', from_port: 8, to_port: -1 }), { protocol: 'icmp', ports: 'type 8' }],
    [reportRule({ protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'security_group', group_id: 'sg-0ddd', user_id: '123456789012' } }), { protocol: 'all', ports: 'all', peer: 'sg-0ddd' }],
    [reportRule({ protocol: '50', peer: { kind: 'prefix_list', prefix_list_id: 'pl-0eee' } }), { protocol: '50', ports: 'all', peer: 'pl-0eee' }],
  ])('puts a rule in a few words (%#)', (rule, expected) => {
    // Act / Assess
    expect(summarizeRule(rule)).toMatchObject(expected);
  });
});
