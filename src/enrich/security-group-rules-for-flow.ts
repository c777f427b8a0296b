import type { SecurityGroupRule } from '../ports.js';
import type { FlowDirection } from '../domain/flow-direction.js';

/**
 * The rules, among those of the interface's security groups, that apply to a flow's direction:
 * ingress rules for ingress flows, egress rules for egress flows, in the order given, each rule
 * once (an interface may list a group twice, or a caller may pass overlapping lists). When the
 * direction is unknown every rule may apply, so all are returned; each carries its `direction`.
 *
 * Which of them allowed the flow (protocol, ports, peer) is a later refinement; this only narrows
 * by direction.
 *
 * @example
 * securityGroupRulesForFlow('ingress', rulesOfTheInterfaceGroups); // only the ingress rules
 */
export function securityGroupRulesForFlow(
  direction: FlowDirection | undefined,
  rules: readonly SecurityGroupRule[],
): readonly SecurityGroupRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    if (direction !== undefined && rule.direction !== direction) return false;
    if (seen.has(rule.rule_id)) return false;
    seen.add(rule.rule_id);
    return true;
  });
}
