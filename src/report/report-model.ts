/**
 * The security-group report as data: what `buildSecurityGroupReport` returns and the JSON format
 * prints. Every address, id and description in it comes from logs or inventories and is
 * untrusted text: renderers escape it.
 */
import type { SecurityGroupRule } from '../ports.js';

/** Schema id in the JSON output, bumped on any incompatible change. */
export const REPORT_SCHEMA = 'vpc-flow-log-appender/security-group-report/v1';

/** A count that is exact up to a limit, then a HyperLogLog estimate. */
export interface CountValue {
  readonly value: number;
  readonly exact: boolean;
}

/** A rule as the report shows it. */
export interface RuleSummary {
  readonly ruleId: string;
  readonly groupId: string;
  readonly direction: 'ingress' | 'egress';
  /** `all`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  readonly protocol: string;
  /** `all`, `443`, `9000-9100`, or `type 8` / `type 8 code 0` for ICMP. */
  readonly ports: string;
  /** The CIDR, `pl-...` or `sg-...` on the other side. */
  readonly peer: string;
  readonly description?: string;
}

export interface RuleUsage extends RuleSummary {
  /** Accepted initiating records the rule allowed (`rule_match: matched`). */
  readonly flows: number;
  readonly bytes: number;
  readonly packets: number;
  /** Distinct peer addresses of those records. */
  readonly distinctPeers: CountValue;
  /** ISO-8601 `start` of the earliest and `end` of the latest such record. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Rejected records the rule would have allowed (`would_allow`: the network ACL blocked them). */
  readonly rejectedWouldAllow: number;
}

export interface UnusedRulesOfGroup {
  readonly groupId: string;
  readonly groupName?: string;
  readonly rules: readonly RuleSummary[];
}

export interface OverBroadRule extends RuleSummary {
  readonly flows: number;
  readonly distinctPeers: CountValue;
  /** At most `maxSuggestedCidrs` blocks, inside the rule's CIDR, covering every observed peer. */
  readonly suggestedCidrs: readonly string[];
  /** False when the peer summary had to be coarsened: the suggestions are wider than the peers need. */
  readonly suggestionsExact: boolean;
  /** How many times fewer addresses the suggestions allow than the rule, as a power of two (2^n). */
  readonly reductionBits: number;
}

export interface Exposure extends RuleSummary {
  readonly port: number;
  readonly service: string;
  /** Accepted records from public addresses the rule allowed to this port. */
  readonly publicFlows: number;
  readonly publicSources: CountValue;
  readonly reached: boolean;
  readonly lastReached?: string;
}

export interface RankedItem {
  readonly key: string;
  /** Upper bound of the true value (Space-Saving never under-counts). */
  readonly value: number;
  /** The true value is at least `value - overcount`. */
  readonly overcount: number;
}

export interface Ranking {
  readonly items: readonly RankedItem[];
  /** Total counted (records or bytes), N in the bound. */
  readonly total: number;
  /** Counters kept, k in the bound. */
  readonly counters: number;
  /** No value is over-counted by more than this (N / k once a counter was reused, else 0). */
  readonly errorBound: number;
}

export interface TalkersOfGroup extends Ranking {
  readonly groupId: string;
}

export interface ReportTotals {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
  /** Records by `rule_match`; `not_attributed` counts records without one (unknown interface, no action, undecided). */
  readonly byRuleMatch: Readonly<Record<'matched' | 'return_traffic' | 'unmatched' | 'would_allow' | 'no_rule' | 'not_attributed', number>>;
  readonly interfaces: CountValue;
}

export interface ReportThresholds {
  readonly maxSuggestedCidrs: number;
  readonly overBroadMarginBits: number;
  readonly ipv4GranularityPrefix: number;
  readonly ipv6GranularityPrefix: number;
  readonly exactDistinctLimit: number;
  readonly peerBlockLimit: number;
  readonly topRejectedSources: number;
  readonly rejectedSourceCounters: number;
  readonly topTalkers: number;
  readonly talkerCounters: number;
  readonly exposedPorts: readonly { readonly port: number; readonly service: string }[];
}

export interface SecurityGroupReport {
  readonly schema: typeof REPORT_SCHEMA;
  /** ISO-8601 of the earliest `start` and latest `end` seen; absent without timed records. */
  readonly window: { readonly first?: string; readonly last?: string };
  readonly totals: ReportTotals;
  readonly thresholds: ReportThresholds;
  /** Every rule of the inventory, most used first. */
  readonly rules: readonly RuleUsage[];
  readonly unused: readonly UnusedRulesOfGroup[];
  /** Rules not judged unused although no flow used them: their group had no record, or their peer could not be resolved. */
  readonly notJudged: {
    readonly groupsWithoutRecords: readonly string[];
    readonly unresolvedPeerRules: readonly RuleSummary[];
  };
  readonly overBroad: readonly OverBroadRule[];
  readonly exposures: readonly Exposure[];
  readonly topRejectedSources: Ranking;
  readonly topTalkers: readonly TalkersOfGroup[];
  /** Rule ids records named that the inventory does not hold (enriched with other rules); at most 100 listed. */
  readonly unknownRuleIds: readonly string[];
}

export type { SecurityGroupRule };
