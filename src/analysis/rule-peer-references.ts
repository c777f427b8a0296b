import type { SecurityGroupRule } from '../ports.js';

/** What a set of rules refers to and matching must look up first. */
export interface RulePeerReferences {
  readonly prefixListIds: ReadonlySet<string>;
  readonly securityGroupIds: ReadonlySet<string>;
}

/**
 * The managed prefix lists and referenced security groups among the rules' peers, each once.
 *
 * @example
 * const { prefixListIds, securityGroupIds } = rulePeerReferences(rules);
 * const entries = await prefixLists.lookup(prefixListIds);
 */
export function rulePeerReferences(rules: Iterable<SecurityGroupRule>): RulePeerReferences {
  const prefixListIds = new Set<string>();
  const securityGroupIds = new Set<string>();
  for (const rule of rules) {
    if (rule.peer.kind === 'prefix_list') prefixListIds.add(rule.peer.prefix_list_id);
    else if (rule.peer.kind === 'security_group') securityGroupIds.add(rule.peer.group_id);
  }
  return { prefixListIds, securityGroupIds };
}
