import { compileSecurityGroupMatcher, type FlowToMatch, type PeerResolvers, type SecurityGroupMatcher } from '../analysis/security-group-matcher.js';
import type { SecurityGroupRule } from '../ports.js';
import type { ReplacementRule } from './report-model.js';
import type { ReplayLedger, ReplayTuple } from './rule-ledger.js';

/** A change to one rule: removed (no replacement) or replaced by narrower rules. */
export interface Proposal {
  readonly rule: SecurityGroupRule;
  readonly replacement: readonly ReplacementRule[];
}

export interface ReplayResult {
  /** Flows whose tuple the current rules still allow, replayed against the proposed rules. */
  readonly flowsReplayed: number;
  /** Of those, flows the proposed rules (after withdrawals) allow: always all of them. */
  readonly flowsStillAllowed: number;
  readonly tuplesReplayed: number;
  /** Flows the current rules do not allow any more (rules changed since, unresolved peers): their groups' proposals are withdrawn. */
  readonly flowsNotReproduced: number;
  /** Proposals withdrawn, sorted. */
  readonly withdrawnRuleIds: readonly string[];
}

/** What the replay needs of the inventory: the referenced groups' members and prefix lists' entries. */
export interface ReplayInventory {
  readonly groupMembers?: ReadonlyMap<string, readonly string[]>;
  readonly prefixLists?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The safety proof. Every distinct accepted initiating flow of the ledger is matched, with the
 * matcher attribution uses (src/analysis), against the current rules of its interface's groups
 * and against the proposed ones (current rules, removed ones left out, narrowed ones replaced).
 * A flow the proposed rules deny withdraws every proposal touching a rule that allowed it, and
 * the replay runs again until none is denied. A flow the current rules do not allow any more
 * cannot be replayed: every proposal for its groups and direction is withdrawn.
 *
 * @example
 * const result = replayProposals(ledger.replay, rules, proposals, { groupMembers });
 * result.flowsStillAllowed === result.flowsReplayed // true, by construction
 */
export function replayProposals(replay: ReplayLedger, rules: readonly SecurityGroupRule[], proposals: ReadonlyMap<string, Proposal>, inventory: ReplayInventory): ReplayResult {
  const resolvers: PeerResolvers = {
    prefixListEntries: (id) => inventory.prefixLists?.get(id),
    securityGroupMembers: (id) => inventory.groupMembers?.get(id),
  };
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) rulesByGroup.set(rule.group_id, [...(rulesByGroup.get(rule.group_id) ?? []), rule]);
  const active = new Map(proposals);
  const withdrawn = new Set<string>();

  // Current matchers never change; the proposed ones are compiled again after each withdrawal.
  const currentMatchers = new Map<string, SecurityGroupMatcher>();
  const matcherOf = (cache: Map<string, SecurityGroupMatcher>, tuple: ReplayTuple, rulesOf: (groupId: string) => readonly SecurityGroupRule[]): SecurityGroupMatcher => {
    const key = `${tuple.groups}|${tuple.direction}`;
    let matcher = cache.get(key);
    if (matcher === undefined) {
      const groupRules = (replay.groupSets[tuple.groups] ?? []).flatMap(rulesOf);
      cache.set(key, (matcher = compileSecurityGroupMatcher(tuple.direction, groupRules, resolvers)));
    }
    return matcher;
  };
  const currentRulesOf = (groupId: string): readonly SecurityGroupRule[] => rulesByGroup.get(groupId) ?? [];

  let flowsNotReproduced = 0;
  const replayable: { tuple: ReplayTuple; allowedBy: readonly string[] }[] = [];
  for (const tuple of replay.tuples) {
    const current = matcherOf(currentMatchers, tuple, currentRulesOf).match(flowOf(tuple));
    if (current === undefined || current.ruleIds.length === 0) {
      flowsNotReproduced += tuple.flows;
      for (const groupId of replay.groupSets[tuple.groups] ?? []) {
        for (const rule of currentRulesOf(groupId)) {
          if (rule.direction === tuple.direction && active.delete(rule.rule_id)) withdrawn.add(rule.rule_id);
        }
      }
      continue;
    }
    replayable.push({ tuple, allowedBy: current.ruleIds });
  }

  for (let round = 0; round <= proposals.size; round += 1) {
    const proposedRulesByGroup = proposedRules(rulesByGroup, active);
    const proposedMatchers = new Map<string, SecurityGroupMatcher>();
    const proposedRulesOf = (groupId: string): readonly SecurityGroupRule[] => proposedRulesByGroup.get(groupId) ?? [];
    let withdrewAny = false;
    for (const { tuple, allowedBy } of replayable) {
      if (!allowedBy.some((ruleId) => active.has(ruleId))) continue;
      const proposed = matcherOf(proposedMatchers, tuple, proposedRulesOf).match(flowOf(tuple));
      if (proposed !== undefined && proposed.ruleIds.length > 0) continue;
      for (const ruleId of allowedBy) {
        if (active.delete(ruleId)) {
          withdrawn.add(ruleId);
          withdrewAny = true;
        }
      }
    }
    if (!withdrewAny) break;
  }

  // The figures, on the final proposals.
  const finalRules = proposedRules(rulesByGroup, active);
  const finalMatchers = new Map<string, SecurityGroupMatcher>();
  let flowsReplayed = 0;
  let flowsStillAllowed = 0;
  for (const { tuple } of replayable) {
    flowsReplayed += tuple.flows;
    const proposed = matcherOf(finalMatchers, tuple, (groupId) => finalRules.get(groupId) ?? []).match(flowOf(tuple));
    if (proposed !== undefined && proposed.ruleIds.length > 0) flowsStillAllowed += tuple.flows;
  }
  return { flowsReplayed, flowsStillAllowed, tuplesReplayed: replayable.length, flowsNotReproduced, withdrawnRuleIds: [...withdrawn].sort() };
}

/**
 * The rules of each group once the proposals are applied; replacement rules get the id
 * `<old rule id>#<n>`.
 */
export function proposedRules(rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>, proposals: ReadonlyMap<string, Proposal>): Map<string, SecurityGroupRule[]> {
  const result = new Map<string, SecurityGroupRule[]>();
  for (const [groupId, groupRules] of rulesByGroup) {
    result.set(
      groupId,
      groupRules.flatMap((rule) => {
        const proposal = proposals.get(rule.rule_id);
        if (proposal === undefined) return [rule];
        return proposal.replacement.map((replacement, index) => replacementToRule(replacement, rule, `${rule.rule_id}#${index + 1}`));
      }),
    );
  }
  return result;
}

/**
 * A replacement rule in the inventory's shape, for matching.
 *
 * @example replacementToRule({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '198.51.100.0/28' }, old, 'sgr-1#1').peer // { kind: 'ipv4_cidr', cidr: '198.51.100.0/28' }
 */
export function replacementToRule(replacement: ReplacementRule, original: Pick<SecurityGroupRule, 'group_id' | 'direction'>, ruleId: string): SecurityGroupRule {
  const peer: SecurityGroupRule['peer'] =
    replacement.cidrIpv4 !== undefined
      ? { kind: 'ipv4_cidr', cidr: replacement.cidrIpv4 }
      : replacement.cidrIpv6 !== undefined
        ? { kind: 'ipv6_cidr', cidr: replacement.cidrIpv6 }
        : replacement.prefixListId !== undefined
          ? { kind: 'prefix_list', prefix_list_id: replacement.prefixListId }
          : { kind: 'security_group', group_id: replacement.referencedGroupId ?? '' };
  return { rule_id: ruleId, group_id: original.group_id, direction: original.direction, protocol: replacement.ipProtocol, from_port: replacement.fromPort, to_port: replacement.toPort, peer };
}

function flowOf(tuple: ReplayTuple): FlowToMatch {
  const local = tuple.peer.includes(':') ? '::' : '0.0.0.0';
  return {
    protocol: tuple.protocol,
    ...(tuple.port === null ? {} : { dstport: tuple.port }),
    srcaddr: tuple.direction === 'ingress' ? tuple.peer : local,
    dstaddr: tuple.direction === 'ingress' ? local : tuple.peer,
  };
}
