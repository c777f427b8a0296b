import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';

/**
 * The security groups of the rules that matched a flow, in rule order: known when the document
 * lists its rules (`security_group_rules`, SECURITY_GROUP_RULES=true), empty otherwise, since a
 * rule id alone does not name its group.
 */
export function matchedRuleGroups(document: EnrichedFlowLog): string[] {
  const ruleIds = document.security_group_rule_ids;
  const rules = document.security_group_rules;
  if (ruleIds === undefined || rules === undefined) return [];
  const groups: string[] = [];
  for (const rule of rules) if (ruleIds.includes(rule.rule_id) && !groups.includes(rule.group_id)) groups.push(rule.group_id);
  return groups;
}
