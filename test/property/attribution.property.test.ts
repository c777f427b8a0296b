import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeFlow } from '../../src/analysis/attribute-flow.js';
import { classifyFlowInitiation } from '../../src/analysis/flow-initiation.js';
import { compileSecurityGroupMatcher, matchSecurityGroupRules, type FlowToMatch, type PeerResolvers } from '../../src/analysis/security-group-matcher.js';
import type { SecurityGroupRule, SecurityGroupRulePeer } from '../../src/ports.js';
import { referenceAllowingRules } from '../support/attribution-ground-truth.js';
import { networkInterfaceInfo } from '../support/ec2-builders.js';

// Small address pools make rules and flows meet often; CIDRs are built on pool addresses.
const ipv4 = fc.constantFrom('10.0.0.1', '10.0.1.17', '10.0.200.3', '192.0.2.1', '192.0.2.130', '198.51.100.7', '203.0.113.25', '0.0.0.0');
const ipv6 = fc.constantFrom('2001:db8::1', '2001:db8:0:1::17', '2001:db8:ff::3', '2001:db8::8000:0:0:1', '::');
const address = fc.oneof(ipv4, ipv6);
const ipv4Cidr = fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([base, length]) => `${base}/${length}`);
const ipv6Cidr = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([base, length]) => `${base}/${length}`);
const setEntries = fc.array(fc.oneof(ipv4, ipv6, ipv4Cidr, ipv6Cidr), { maxLength: 4 });

const PREFIX_LISTS = ['pl-1', 'pl-2'];
const GROUPS = ['sg-a', 'sg-b'];

const peer: fc.Arbitrary<SecurityGroupRulePeer> = fc.oneof(
  ipv4Cidr.map((cidr) => ({ kind: 'ipv4_cidr' as const, cidr })),
  ipv6Cidr.map((cidr) => ({ kind: 'ipv6_cidr' as const, cidr })),
  fc.constantFrom(...PREFIX_LISTS).map((id) => ({ kind: 'prefix_list' as const, prefix_list_id: id })),
  fc.constantFrom(...GROUPS).map((id) => ({ kind: 'security_group' as const, group_id: id })),
);

// Ports near a few common ones, so that ranges and flows meet.
const port = fc.oneof(fc.constantFrom(0, 22, 443, 5432, 8080, 65_535), fc.integer({ min: 0, max: 65_535 }));
const ports = fc.oneof(
  fc.constant({ from_port: -1, to_port: -1 }),
  fc.tuple(port, fc.integer({ min: 0, max: 2000 })).map(([from, width]) => ({ from_port: from, to_port: Math.min(65_535, from + width) })),
  fc.constant({}),
);

/** Rules without ids; `withIds` numbers them so every rule is distinct. */
const ruleShape = fc.record({
  direction: fc.constantFrom('ingress' as const, 'egress' as const),
  protocol: fc.constantFrom('-1', 'tcp', 'udp', 'icmp', 'icmpv6', '6', '17', '1', '58', '50', '132'),
  ports,
  peer,
});
type RuleShape = typeof ruleShape extends fc.Arbitrary<infer T> ? T : never;

function withIds(shapes: readonly RuleShape[], offset = 0): SecurityGroupRule[] {
  return shapes.map((shape, index) => ({
    rule_id: `sgr-${String(offset + index).padStart(4, '0')}`,
    group_id: 'sg-self',
    direction: shape.direction,
    protocol: shape.protocol,
    ...shape.ports,
    peer: shape.peer,
  }));
}

const resolved = fc.record({ 'pl-1': setEntries, 'pl-2': setEntries, 'sg-a': setEntries, 'sg-b': setEntries });
type Resolved = typeof resolved extends fc.Arbitrary<infer T> ? T : never;

function resolversOf(entries: Resolved): PeerResolvers {
  const lookup = (id: string): readonly string[] | undefined => (id in entries ? entries[id as keyof Resolved] : undefined);
  return { prefixListEntries: lookup, securityGroupMembers: lookup };
}

const flow: fc.Arbitrary<FlowToMatch & { srcport: number; tcp_flags?: number }> = fc.record({
  protocol: fc.constantFrom(1, 6, 17, 58, 50, 132),
  srcaddr: address,
  dstaddr: address,
  srcport: port,
  dstport: port,
});
const direction = fc.constantFrom('ingress' as const, 'egress' as const);

const sorted = (ids: readonly string[] | undefined): string[] => [...(ids ?? [])].sort();

describe('matchSecurityGroupRules', () => {
  it('agrees with a plain rule-by-rule evaluator on BlockList', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { minLength: 4, maxLength: 24 }), resolved, flow, direction, (shapes, entries, record, way) => {
        const rules = withIds(shapes);
        const reference = referenceAllowingRules(
          { rulesByGroup: new Map([['sg-self', rules]]), prefixLists: new Map(Object.entries(entries)), groupMembers: new Map(Object.entries(entries)) },
          networkInterfaceInfo({ securityGroups: [{ groupId: 'sg-self' }] }),
          way,
          record,
        );

        const result = matchSecurityGroupRules(record, way, rules, resolversOf(entries));

        expect(sorted(result?.ruleIds)).toEqual(reference);
        expect(result?.complete).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers every flow alike from one long-lived matcher, whatever flows it answered before', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { minLength: 4, maxLength: 16 }), resolved, fc.array(flow, { minLength: 2, maxLength: 30 }), direction, (shapes, entries, records, way) => {
        const rules = withIds(shapes);
        const shared = compileSecurityGroupMatcher(way, rules, resolversOf(entries));

        for (const record of [...records, ...records]) {
          expect(shared.match(record)).toEqual(matchSecurityGroupRules(record, way, rules, resolversOf(entries)));
        }
      }),
    );
  });

  it('never loses a match when a rule is added', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { maxLength: 10 }), ruleShape, resolved, flow, direction, (shapes, extra, entries, record, way) => {
        const rules = withIds(shapes);
        const before = matchSecurityGroupRules(record, way, rules, resolversOf(entries));
        const after = matchSecurityGroupRules(record, way, [...rules, ...withIds([extra], rules.length)], resolversOf(entries));

        expect(sorted(after?.ruleIds)).toEqual(expect.arrayContaining(sorted(before?.ruleIds)));
      }),
    );
  });

  it('gives the same rules whatever their order', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { maxLength: 10 }), resolved, flow, direction, (shapes, entries, record, way) => {
        const rules = withIds(shapes);

        const forward = matchSecurityGroupRules(record, way, rules, resolversOf(entries));
        const backward = matchSecurityGroupRules(record, way, [...rules].reverse(), resolversOf(entries));

        expect(sorted(backward?.ruleIds)).toEqual(sorted(forward?.ruleIds));
      }),
    );
  });

  it('matches every IPv4 flow, of any protocol and port, with an all-protocol rule on 0.0.0.0/0, and no IPv6 flow', () => {
    const allTraffic = withIds([{ direction: 'ingress', protocol: '-1', ports: { from_port: -1, to_port: -1 }, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }]);
    const matcher = compileSecurityGroupMatcher('ingress', allTraffic, resolversOf({ 'pl-1': [], 'pl-2': [], 'sg-a': [], 'sg-b': [] }));
    fc.assert(
      fc.property(flow, (record) => {
        const result = matcher.match(record);

        expect(result?.ruleIds).toEqual(record.srcaddr?.includes(':') === true ? [] : ['sgr-0000']);
      }),
    );
  });

  it('matches every IPv6 flow with an all-protocol rule on ::/0, and no IPv4 flow', () => {
    const allTraffic = withIds([{ direction: 'egress', protocol: '-1', ports: {}, peer: { kind: 'ipv6_cidr', cidr: '::/0' } }]);
    fc.assert(
      fc.property(flow, (record) => {
        const result = matchSecurityGroupRules(record, 'egress', allTraffic, resolversOf({ 'pl-1': [], 'pl-2': [], 'sg-a': [], 'sg-b': [] }));

        expect(result?.ruleIds).toEqual(record.dstaddr?.includes(':') === true ? ['sgr-0000'] : []);
      }),
    );
  });

  it('never matches with rules of the other direction', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { maxLength: 10 }), resolved, flow, (shapes, entries, record) => {
        const ingressOnly = withIds(shapes.map((shape) => ({ ...shape, direction: 'ingress' as const })));

        expect(matchSecurityGroupRules(record, 'egress', ingressOnly, resolversOf(entries))?.ruleIds).toEqual([]);
      }),
    );
  });

  it('only loses rules, and says so, when prefix lists and groups go unresolved', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { maxLength: 10 }), resolved, flow, direction, (shapes, entries, record, way) => {
        const rules = withIds(shapes);
        const unresolved: PeerResolvers = { prefixListEntries: () => undefined, securityGroupMembers: () => undefined };

        const known = matchSecurityGroupRules(record, way, rules, resolversOf(entries));
        const unknown = matchSecurityGroupRules(record, way, rules, unresolved);

        expect(sorted(known?.ruleIds)).toEqual(expect.arrayContaining(sorted(unknown?.ruleIds)));
        if (sorted(known?.ruleIds).length !== sorted(unknown?.ruleIds).length) expect(unknown?.complete).toBe(false);
      }),
    );
  });
});

describe('classifyFlowInitiation', () => {
  it('calls a record and its mirror (ports swapped) initiating and return, or both unknown', () => {
    fc.assert(
      fc.property(fc.constantFrom(6, 17), fc.integer({ min: 0, max: 65_535 }), fc.integer({ min: 0, max: 65_535 }), (protocol, a, b) => {
        const forward = classifyFlowInitiation({ protocol, srcport: a, dstport: b }).initiation;
        const mirror = classifyFlowInitiation({ protocol, srcport: b, dstport: a }).initiation;

        const expectedMirror = forward === 'initiating' ? 'return' : forward === 'return' ? 'initiating' : 'unknown';
        expect(mirror).toBe(expectedMirror);
      }),
    );
  });

  it('lets SYN without ACK mean initiating and SYN-ACK mean return, whatever the ports and other flags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 65_535 }), fc.integer({ min: 0, max: 65_535 }), (otherFlags, srcport, dstport) => {
        const syn = classifyFlowInitiation({ protocol: 6, tcp_flags: (otherFlags | 2) & ~16, srcport, dstport });
        const synAck = classifyFlowInitiation({ protocol: 6, tcp_flags: otherFlags | 18, srcport, dstport });

        expect([syn.initiation, synAck.initiation]).toEqual(['initiating', 'return']);
      }),
    );
  });
});

describe('attributeFlow', () => {
  it('credits no rule to accepted return traffic and gives rejected records only rejection verdicts', () => {
    fc.assert(
      fc.property(fc.array(ruleShape, { maxLength: 10 }), resolved, flow, direction, fc.constantFrom('ACCEPT', 'REJECT'), fc.option(fc.integer({ min: 0, max: 63 }), { nil: undefined }), (shapes, entries, record, way, action, flags) => {
        const matcher = compileSecurityGroupMatcher(way, withIds(shapes), resolversOf(entries));

        const attribution = attributeFlow({ ...record, action, ...(flags === undefined ? {} : { tcp_flags: flags }) }, matcher);

        if (attribution?.ruleMatch === 'return_traffic') expect(attribution.ruleIds).toEqual([]);
        if (action === 'REJECT') expect(['would_allow', 'no_rule', undefined]).toContain(attribution?.ruleMatch);
        else expect(['matched', 'return_traffic', 'unmatched', undefined]).toContain(attribution?.ruleMatch);
        expect(attribution?.ruleMatch === 'matched' || attribution?.ruleMatch === 'would_allow').toBe((attribution?.ruleIds.length ?? 0) > 0);
      }),
    );
  });
});
