/**
 * The security-group report as data: what `buildSecurityGroupReport` returns and the JSON format
 * prints. Every address, id and description in it comes from logs or inventories and is
 * untrusted text: renderers escape it.
 */
import { RULE_MATCHES, type RuleMatch } from '../domain/index.js';
import type { SecurityGroupRule } from '../ports.js';
import type { LedgerLimits } from './rule-ledger.js';

/** The report's attribution buckets: each `rule_match` value, and `not_attributed` for records without one (unknown interface, no action, undecided). */
export type RuleMatchBucket = RuleMatch | 'not_attributed';

/** Every bucket, in the order the report lists them. */
export const RULE_MATCH_BUCKETS: readonly RuleMatchBucket[] = [...RULE_MATCHES, 'not_attributed'];

/** Schema id in the JSON output, bumped on any incompatible change. */
export const REPORT_SCHEMA = 'vpc-flow-log-appender/security-group-report/v2';

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
  /** Flows per UTC day (`YYYY-MM-DD`), days without flows left out. */
  readonly hitsByDay: readonly (readonly [string, number])[];
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
  /** Rejected records from public addresses the rule would have allowed to this port (stopped by the network ACL). */
  readonly blockedAttempts: number;
  readonly blockedSources: CountValue;
  readonly lastBlocked?: string;
  /** Reached, or attempted and stopped only by the network ACL. */
  readonly attempted: boolean;
}

export interface RankedItem {
  readonly key: string;
  /** The value; while the ranking is exact, the true value, else an upper bound (Space-Saving never under-counts). */
  readonly value: number;
  /** The true value is at least `value - overcount`. */
  readonly overcount: number;
}

export interface Ranking {
  readonly items: readonly RankedItem[];
  /** Total counted (records or bytes), N in the bound. */
  readonly total: number;
  /** True when every key was counted exactly (at most `limits.rankingExactLimit` keys). */
  readonly exact: boolean;
  /** No value is over-counted by more than this: 0 while exact, else N / `limits.rankingCounters`. */
  readonly errorBound: number;
}

export interface TalkersOfGroup extends Ranking {
  readonly groupId: string;
  readonly groupName?: string;
}

export interface ReportTotals {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
  /** Records by `rule_match`; `not_attributed` counts records without one. */
  readonly byRuleMatch: Readonly<Record<RuleMatchBucket, number>>;
  readonly interfaces: CountValue;
}

/** What the advisor decides by; every one is an option of `report` and printed in every report. */
export interface ReportThresholds {
  /** Days every interface of a rule's groups must be covered by records before the rule may be called unused or narrowed. */
  readonly minWindowDays: number;
  readonly maxSuggestedCidrs: number;
  readonly overBroadMarginBits: number;
  readonly ipv4GranularityPrefix: number;
  readonly ipv6GranularityPrefix: number;
  /** A public service: at least this many distinct public peers ... */
  readonly publicServiceMinPeers: number;
  /** ... spread over at least this many distinct /8 (IPv4) or /32 (IPv6) networks ... */
  readonly publicServiceMinNetworks: number;
  /** ... on a rule opening at most this many ports (a service, not a range). */
  readonly publicServiceMaxPorts: number;
  /** A range or all-traffic rule is narrowed to its used ports only when they are at most this many. */
  readonly maxNarrowedPorts: number;
  /** No proposal replaces one rule with more rules than this. */
  readonly maxReplacementRules: number;
  readonly topRejectedSources: number;
  readonly topTalkers: number;
  readonly exposedPorts: readonly { readonly port: number; readonly service: string }[];
}

export const Verdict = { Keep: 'keep', Remove: 'remove', Narrow: 'narrow', Review: 'review' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export const VerdictReason = {
  Unused: 'unused',
  Shadowed: 'shadowed',
  OverBroadPeers: 'over_broad_peers',
  PeersInSecurityGroup: 'peers_in_security_group',
  UnusedPorts: 'unused_ports',
  UnusedProtocols: 'unused_protocols',
  PublicService: 'public_service',
  Essential: 'essential',
  InsufficientEvidence: 'insufficient_evidence',
  ExposedAdminPort: 'exposed_admin_port',
} as const;
export type VerdictReason = (typeof VerdictReason)[keyof typeof VerdictReason];

/** A rule as the EC2 API takes it (`IpPermission` flattened, `SecurityGroupRuleRequest`'s names): exactly one peer field. */
export interface ReplacementRule {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number. */
  readonly ipProtocol: string;
  /** `-1` where AWS uses it: all ICMP types or codes, protocols without ports. */
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly referencedGroupId?: string;
  readonly prefixListId?: string;
}

export interface RecommendationEvidence {
  readonly flows: number;
  readonly bytes: number;
  readonly distinctPeers: CountValue;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Days the least-covered interface of the rule's groups was covered by records. */
  readonly coveredDays: number;
}

export interface Recommendation {
  readonly ruleId: string;
  readonly groupId: string;
  readonly direction: 'ingress' | 'egress';
  readonly verdict: Verdict;
  readonly reasons: readonly VerdictReason[];
  /** For `narrow`: the rules to authorize before the old one is revoked. */
  readonly replacement?: readonly ReplacementRule[];
  /** For `shadowed`: the rules that allow everything this one does. */
  readonly shadowedBy?: readonly string[];
  readonly evidence: RecommendationEvidence;
  /** The verdict in a sentence or two, for a reader. */
  readonly explanation: string;
}

/** The proposed rules re-evaluated against the accepted initiating flows of the window. */
export interface SafetyCheck {
  readonly flowsReplayed: number;
  readonly flowsStillAllowed: number;
}

export interface SafetyCheckDetails {
  /** Distinct (groups, direction, peer, protocol, port) tuples replayed. */
  readonly tuplesReplayed: number;
  /** Accepted initiating flows the ledger could not keep: every rule they used is left unchanged. */
  readonly flowsNotKept: number;
  /** Flows the current rules no longer allow (the rules changed since, or a peer is unresolved): changes to their groups are withheld. */
  readonly flowsNotReproduced: number;
  /** Rules whose proposal the replay withdrew. */
  readonly withdrawnRuleIds: readonly string[];
}

export interface InterfaceCoverage {
  readonly interfaceId: string;
  readonly groupIds: readonly string[];
  readonly coveredDays: number;
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
  /** Sources of rejected ingress records: who knocked. */
  readonly topRejectedSources: Ranking;
  /** Sources of rejected egress records: your own hosts whose outbound traffic was refused. */
  readonly topRejectedEgressSources: Ranking;
  readonly topTalkers: readonly TalkersOfGroup[];
  /** One per rule of the inventory, riskiest first. */
  readonly recommendations: readonly Recommendation[];
  readonly safetyCheck: SafetyCheck;
  readonly safetyCheckDetails: SafetyCheckDetails;
  /** Per interface seen, the days its records cover. */
  readonly coverage: readonly InterfaceCoverage[];
  /** The ledger's memory bounds: past them a count is an estimate, and the report says so. */
  readonly limits: LedgerLimits;
  /** Rule ids records named that the inventory does not hold (enriched with other rules); at most 100 listed. */
  readonly unknownRuleIds: readonly string[];
}

export type { SecurityGroupRule };
