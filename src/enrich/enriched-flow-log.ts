import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { RuleMatch } from '../analysis/attribute-flow.js';
import type { GeoLocation, SecurityGroupRule } from '../ports.js';

/** Keywords for what enrichment could not add to a document. */
export const EnrichmentIssue = {
  /** EC2 does not know the record's network interface (deleted since, or another account's). */
  EniNotFound: 'eni_not_found',
  /** EC2 was throttled or unreachable after the SDK's retries. */
  EniLookupFailed: 'eni_lookup_failed',
  /** The rules of the interface's security groups could not be read. */
  RulesLookupFailed: 'sg_rules_lookup_failed',
  /** A rule's prefix list or referenced group could not be read: the rule attribution may miss that rule. */
  RulePeerLookupFailed: 'sg_rule_peer_lookup_failed',
  /** The geolocation provider failed for an address of the record. */
  GeoFailed: 'geo_failed',
  /** The geolocation provider's quota is used up. */
  GeoQuotaExceeded: 'geo_quota_exceeded',
  /** Optional enrichment was left out to keep the response under Lambda's 6 MB limit. */
  SizeBudget: 'size_budget',
} as const;
export type EnrichmentIssue = (typeof EnrichmentIssue)[keyof typeof EnrichmentIssue];

/** The fields enrichment adds to a flow-log document. Each is absent when unknown. */
export interface EnrichmentFields {
  security_group_ids?: readonly string[];
  security_group_names?: readonly string[];
  interface_type?: string;
  /** `ingress` or `egress` relative to the record's network interface. */
  direction?: 'ingress' | 'egress';
  /** The rules of the interface's groups that apply to the record's direction (opt-in). */
  security_group_rules?: readonly SecurityGroupRule[];
  /** Every current rule that allows the flow (ACCEPT) or would allow it (REJECT); see src/analysis/attribute-flow.ts. */
  security_group_rule_ids?: readonly string[];
  /** What the current rules say of the flow: `matched`, `return_traffic`, `unmatched`, `would_allow` or `no_rule`. */
  rule_match?: RuleMatch;
  src_geo?: GeoLocation;
  dst_geo?: GeoLocation;
  enrichment_issues?: EnrichmentIssue[];
}

/** A flow-log document with its enrichment: what the decorator emits, one per flow. */
export type EnrichedFlowLog = FlowLogDocument & EnrichmentFields;

/** Optional fields, dropped first when a response would pass its size budget. */
export const SHEDDABLE_FIELDS = ['security_group_rules', 'src_geo', 'dst_geo'] as const satisfies readonly (keyof EnrichmentFields)[];

/** Adds an issue keyword once. */
export function addEnrichmentIssue(document: EnrichedFlowLog, issue: EnrichmentIssue): void {
  const issues = document.enrichment_issues;
  if (issues === undefined) {
    document.enrichment_issues = [issue];
  } else if (!issues.includes(issue)) {
    issues.push(issue);
  }
}
