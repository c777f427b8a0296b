/** What the current security-group rules say about a record (the document's `rule_match`). */
export const RuleMatch = {
  /** Accepted, and these rules allow it (`security_group_rule_ids`). */
  Matched: 'matched',
  /** Accepted answer to a connection the other side opened: security groups allow it without a rule. */
  ReturnTraffic: 'return_traffic',
  /** Accepted, yet no current rule allows it: the rules changed since, or the heuristic took return traffic for initiating. */
  Unmatched: 'unmatched',
  /** Rejected, although some current rule allows it: the network ACL or `reject_reason` (not the security group) blocked it, or the rules changed since. */
  WouldAllow: 'would_allow',
  /** Rejected, and no current rule allows it. */
  NoRule: 'no_rule',
} as const;
export type RuleMatch = (typeof RuleMatch)[keyof typeof RuleMatch];

/** Every value of `rule_match`. */
export const RULE_MATCHES: readonly RuleMatch[] = Object.values(RuleMatch);

const ruleMatches: ReadonlySet<unknown> = new Set(RULE_MATCHES);

/** Whether a value (read back from a document) is a `rule_match` value. */
export function isRuleMatch(value: unknown): value is RuleMatch {
  return ruleMatches.has(value);
}
