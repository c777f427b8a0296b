import { describe, expect, it } from 'vitest';
import { createInterfaceRuleMatchers, peerResolversFrom } from '../../../src/analysis/interface-rule-matchers.js';
import { createInterfaceRules, type InterfaceRulesOf } from '../../../src/analysis/interface-rules.js';
import type { LookupOutcome, SecurityGroupRule } from '../../../src/ports.js';
import { flowDocument, networkInterfaceInfo, securityGroupRule } from '../../support/ec2-builders.js';

type RulesOutcome = LookupOutcome<readonly SecurityGroupRule[]>;
type EntriesOutcome = LookupOutcome<readonly string[]>;

const info = networkInterfaceInfo({ securityGroups: [{ groupId: 'sg-web' }, { groupId: 'sg-extra' }] });
const HTTPS = securityGroupRule({ rule_id: 'sgr-https', group_id: 'sg-web' });
const PARTNERS = securityGroupRule({ rule_id: 'sgr-partners', group_id: 'sg-extra', peer: { kind: 'prefix_list', prefix_list_id: 'pl-1' } });
const FROM_PARTNER = flowDocument({ srcaddr: '198.51.100.7' });

function rules(web: RulesOutcome, extra: RulesOutcome): Map<string, RulesOutcome> {
  return new Map([
    ['sg-web', web],
    ['sg-extra', extra],
  ]);
}

describe('createInterfaceRuleMatchers', () => {
  it('unites the rules of every group of the interface', () => {
    const matchers = createInterfaceRuleMatchers(
      createInterfaceRules(rules({ status: 'found', value: [HTTPS] }, { status: 'found', value: [PARTNERS] })),
      peerResolversFrom(new Map([['pl-1', { status: 'found', value: ['198.51.100.0/24'] }]]), new Map()),
    );

    const { matcher, rulesComplete } = matchers(info, 'ingress');

    expect(matcher.match(flowDocument())?.ruleIds).toEqual(['sgr-https']);
    expect(matcher.match(FROM_PARTNER)?.ruleIds).toEqual(['sgr-partners']);
    expect(rulesComplete).toBe(true);
  });

  it('says the union is partial when the rules of a group could not be read', () => {
    const matchers = createInterfaceRuleMatchers(createInterfaceRules(rules({ status: 'found', value: [HTTPS] }, { status: 'failed', reason: 'RequestLimitExceeded' })), peerResolversFrom(new Map(), new Map()));

    expect(matchers(info, 'ingress').rulesComplete).toBe(false);
  });

  it('reuses the matcher of an earlier batch while its rules and peers are the same answers', () => {
    const web: RulesOutcome = { status: 'found', value: [HTTPS] };
    const extra: RulesOutcome = { status: 'found', value: [PARTNERS] };
    const partners = new Map<string, EntriesOutcome>([['pl-1', { status: 'found', value: ['198.51.100.0/24'] }]]);

    const first = createInterfaceRuleMatchers(createInterfaceRules(rules(web, extra)), peerResolversFrom(partners, new Map()))(info, 'ingress');
    const second = createInterfaceRuleMatchers(createInterfaceRules(rules(web, extra)), peerResolversFrom(partners, new Map()))(info, 'ingress');

    expect(second).toBe(first);
  });

  it('compiles afresh when a group rules or a prefix list changed since', () => {
    const web: RulesOutcome = { status: 'found', value: [HTTPS] };
    const extra: RulesOutcome = { status: 'found', value: [PARTNERS] };
    const partners = (cidr: string) => new Map<string, EntriesOutcome>([['pl-1', { status: 'found', value: [cidr] }]]);
    const first = createInterfaceRuleMatchers(createInterfaceRules(rules(web, extra)), peerResolversFrom(partners('198.51.100.0/24'), new Map()))(info, 'ingress');

    const newRules = createInterfaceRuleMatchers(createInterfaceRules(rules({ status: 'found', value: [] }, extra)), peerResolversFrom(partners('198.51.100.0/24'), new Map()))(info, 'ingress');
    const newEntries = createInterfaceRuleMatchers(createInterfaceRules(rules(web, extra)), peerResolversFrom(partners('192.0.2.0/24'), new Map()))(info, 'ingress');

    expect(first.matcher.match(FROM_PARTNER)?.ruleIds).toEqual(['sgr-partners']);
    expect(newRules.matcher.match(flowDocument())?.ruleIds).toEqual([]);
    expect(newEntries.matcher.match(FROM_PARTNER)?.ruleIds).toEqual([]);
  });
});

describe('createInterfaceRules', () => {
  it('computes the rules of an interface in a direction once, the same object for every asker', () => {
    const egress = securityGroupRule({ rule_id: 'sgr-out', group_id: 'sg-web', direction: 'egress' });
    const rulesOf = createInterfaceRules(rules({ status: 'found', value: [HTTPS, egress, HTTPS] }, { status: 'found', value: [PARTNERS] }));

    const ingress = rulesOf(info, 'ingress');

    expect(ingress.rules.map((rule) => rule.rule_id)).toEqual(['sgr-https', 'sgr-partners']);
    expect(ingress.complete).toBe(true);
    expect(rulesOf(info, 'ingress')).toBe(ingress);
    expect(rulesOf(info, 'egress').rules.map((rule) => rule.rule_id)).toEqual(['sgr-out']);
  });

  it('gives the matchers the rules it computed: compiling asks it, not the look-up answers', () => {
    const asked: string[] = [];
    const computed = createInterfaceRules(rules({ status: 'found', value: [HTTPS] }, { status: 'failed', reason: 'RequestLimitExceeded' }));
    const counting: InterfaceRulesOf = (interfaceInfo, direction) => {
      asked.push(direction);
      return computed(interfaceInfo, direction);
    };
    const other = networkInterfaceInfo({ interfaceId: 'eni-0000000000000other', securityGroups: [{ groupId: 'sg-web' }, { groupId: 'sg-extra' }] });

    const matcher = createInterfaceRuleMatchers(counting, peerResolversFrom(new Map(), new Map()))(other, 'ingress');

    expect(asked).toEqual(['ingress']);
    expect(matcher.rulesComplete).toBe(false);
    expect(matcher.matcher.match(flowDocument())?.ruleIds).toEqual(['sgr-https']);
  });
});

describe('peerResolversFrom', () => {
  it('gives found entries, none for an unknown list or group, and nothing known for a failed look-up', () => {
    const resolvers = peerResolversFrom(
      new Map<string, EntriesOutcome>([
        ['pl-found', { status: 'found', value: ['192.0.2.0/24'] }],
        ['pl-gone', { status: 'not_found' }],
        ['pl-failed', { status: 'failed', reason: 'RequestLimitExceeded' }],
      ]),
      new Map<string, EntriesOutcome>([['sg-found', { status: 'found', value: ['10.0.2.30'] }]]),
    );

    expect(['pl-found', 'pl-gone', 'pl-failed', 'pl-never-asked'].map((id) => resolvers.prefixListEntries(id))).toEqual([['192.0.2.0/24'], [], undefined, undefined]);
    expect(resolvers.securityGroupMembers('sg-found')).toEqual(['10.0.2.30']);
  });
});
