import type { FlowDirection } from '../domain/flow-direction.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../ports.js';

/** The rules of security groups as a batch's look-ups answered them, by group id. */
export type RulesByGroup = ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>>;

/** The rules of an interface's groups that apply to one direction, and what they were read from. */
export interface InterfaceRules {
  /** Each rule once, in group order then rule order. */
  readonly rules: readonly SecurityGroupRule[];
  /** False when the rules of some group of the interface could not be read: the list is partial. */
  readonly complete: boolean;
  /** The look-up answer of each of the interface's groups, in its order: what the list was built from. */
  readonly groupOutcomes: readonly (LookupOutcome<readonly SecurityGroupRule[]> | undefined)[];
}

/** Hands out the rules of an interface in a direction, computing each once. */
export type InterfaceRulesOf = (info: NetworkInterfaceInfo, direction: FlowDirection) => InterfaceRules;

/**
 * "The rules of an interface in a direction", computed once per interface and direction for a
 * batch (or a report's whole input) and shared by everything that needs them: the listed
 * `security_group_rules` and the compiled matchers of rule attribution.
 *
 * @example
 * const rulesOf = createInterfaceRules(rulesByGroup);
 * rulesOf(info, 'ingress').rules // the ingress rules of the interface's groups, each once
 */
export function createInterfaceRules(rulesByGroup: RulesByGroup): InterfaceRulesOf {
  const memo = new Map<NetworkInterfaceInfo, { ingress?: InterfaceRules; egress?: InterfaceRules }>();
  return (info, direction) => {
    let byDirection = memo.get(info);
    if (byDirection === undefined) memo.set(info, (byDirection = {}));
    let computed = byDirection[direction];
    if (computed === undefined) {
      const groupOutcomes = info.securityGroups.map((group) => rulesByGroup.get(group.groupId));
      const rules: SecurityGroupRule[] = [];
      for (const outcome of groupOutcomes) {
        if (outcome?.status === 'found') rules.push(...outcome.value);
      }
      computed = {
        rules: securityGroupRulesForFlow(direction, rules),
        complete: groupOutcomes.every((outcome) => outcome?.status === 'found'),
        groupOutcomes,
      };
      byDirection[direction] = computed;
    }
    return computed;
  };
}

/**
 * The rules, among those of the interface's security groups, that apply to a flow's direction:
 * ingress rules for ingress flows, egress rules for egress flows, in the order given, each rule
 * once (an interface may list a group twice, or a caller may pass overlapping lists). When the
 * direction is unknown every rule may apply, so all are returned; each carries its `direction`.
 *
 * Which of them allowed the flow (protocol, ports, peer) is the matcher's question
 * (security-group-matcher.ts); this only narrows by direction.
 *
 * @example
 * securityGroupRulesForFlow('ingress', rulesOfTheInterfaceGroups); // only the ingress rules
 */
export function securityGroupRulesForFlow(direction: FlowDirection | undefined, rules: readonly SecurityGroupRule[]): readonly SecurityGroupRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    if (direction !== undefined && rule.direction !== direction) return false;
    if (seen.has(rule.rule_id)) return false;
    seen.add(rule.rule_id);
    return true;
  });
}
