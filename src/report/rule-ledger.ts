/**
 * The ledger: what the advisor knows of a window of flow records, as plain JSON-serialisable data
 * (no Map, Set, bigint or sketch object). The local stream (`createLedgerBuilder`) produces it;
 * so can an OpenSearch aggregation or an Athena query, whose builders read the field lists below
 * (`RULE_LEDGER_FIELDS` and the others) to know what to compute. The advisor
 * (`adviseSecurityGroups`) reads nothing else of the records.
 *
 * Times are epoch seconds; `null` stands for "none" so that the JSON keeps every field.
 */
import type { CountValue, RuleMatchBucket } from './report-model.js';

/** Schema id of a serialised ledger, bumped on any incompatible change. */
export const LEDGER_SCHEMA = 'vpc-flow-log-appender/security-group-ledger/v1';

/** How a producer bounded its memory: each exact collection falls back past its limit, and says so. */
export interface LedgerLimits {
  /** Distinct peers counted exactly per rule (then a HyperLogLog estimate). */
  readonly exactDistinctLimit: number;
  /** Peer addresses kept per rule as exact /32 or /128 blocks (then coarser covering blocks). */
  readonly peerBlockLimit: number;
  /** Distinct (protocol, destination port) pairs kept per rule. */
  readonly serviceLimit: number;
  /** Distinct accepted initiating flows (groups, direction, peer, protocol, port) kept per rule for the safety check. */
  readonly replayTuplesPerRule: number;
  /** The same, over all rules. */
  readonly replayTuplesTotal: number;
  /** Keys counted exactly per ranking (talkers of a group, rejected sources), then Space-Saving. */
  readonly rankingExactLimit: number;
  /** Space-Saving counters a ranking keeps once past its exact limit. */
  readonly rankingCounters: number;
  /** Items of each ranking kept in the ledger. */
  readonly rankingItems: number;
  /** Interfaces whose coverage is tracked; records of further interfaces count everywhere else. */
  readonly interfaces: number;
}

/** Per (protocol, destination port) pair: the flows a rule allowed to it. Port 0 for protocols without ports. */
export interface ServiceUse {
  readonly protocol: number;
  readonly port: number;
  readonly flows: number;
}

/** Attempts from public addresses on one administration or database port a rule opens to the internet. */
export interface ExposureLedger {
  readonly port: number;
  /** Accepted initiating records (`matched`). */
  readonly acceptedFlows: number;
  readonly acceptedSources: CountValue;
  readonly lastAccepted: number | null;
  /** Rejected records the rule would have allowed (`would_allow`: stopped by the network ACL). */
  readonly blockedAttempts: number;
  readonly blockedSources: CountValue;
  readonly lastBlocked: number | null;
}

/** One rule over the window. */
export interface RuleLedger {
  readonly ruleId: string;
  /** Accepted initiating records the rule allowed (`rule_match: matched`). */
  readonly flows: number;
  readonly bytes: number;
  readonly packets: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /** Rejected records it would have allowed (`would_allow`). */
  readonly rejectedWouldAllow: number;
  readonly distinctPeers: CountValue;
  /** Of those, public addresses, and in how many distinct /8 (IPv4) or /32 (IPv6) networks they fall. */
  readonly publicPeers: CountValue;
  readonly publicPeerNetworks: number;
  /** CIDR blocks covering every peer: the peers themselves while `exact`, coarser blocks past `peerBlockLimit`. */
  readonly peerBlocks: { readonly cidrs: readonly string[]; readonly exact: boolean };
  /** The (protocol, port) pairs used; `exact` false once past `serviceLimit` (the list is then partial). */
  readonly services: { readonly used: readonly ServiceUse[]; readonly exact: boolean };
  /** Flows per UTC day, `[day since the epoch, flows]`, ascending. */
  readonly hitsByDay: readonly (readonly [number, number])[];
  readonly exposures: readonly ExposureLedger[];
  /** True when every accepted initiating flow the rule allowed is among the ledger's replay tuples. */
  readonly replayComplete: boolean;
}

/** Per interface: its groups and the UTC hours its records (any action, NODATA and SKIPDATA too) cover. */
export interface InterfaceLedger {
  readonly interfaceId: string;
  readonly groupIds: readonly string[];
  /** Covered hours as `[first hour, last hour]` runs (hours since the epoch, inclusive), ascending. */
  readonly coveredHours: readonly (readonly [number, number])[];
}

export interface RankingLedger {
  readonly items: readonly { readonly key: string; readonly value: number; readonly overcount: number }[];
  readonly total: number;
  readonly exact: boolean;
  readonly errorBound: number;
}

export interface GroupLedger {
  readonly groupId: string;
  readonly groupName: string | null;
  /** Peers of accepted records on the group's interfaces, by bytes. */
  readonly talkers: RankingLedger;
}

/** Distinct accepted initiating flows, for the safety check's replay. */
export interface ReplayTuple {
  /** Index into `ReplayLedger.groupSets`: the groups of the interface the flow was seen on. */
  readonly groups: number;
  readonly direction: 'ingress' | 'egress';
  readonly peer: string;
  readonly protocol: number;
  readonly port: number | null;
  readonly flows: number;
}

export interface ReplayLedger {
  readonly groupSets: readonly (readonly string[])[];
  readonly tuples: readonly ReplayTuple[];
  /** Accepted initiating flows not kept (a bound was reached, or the record lacked groups or a peer). */
  readonly flowsNotKept: number;
}

export interface LedgerTotals {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
  readonly byRuleMatch: Readonly<Record<RuleMatchBucket, number>>;
  readonly interfaces: CountValue;
}

export interface ReportLedger {
  readonly schema: typeof LEDGER_SCHEMA;
  readonly limits: LedgerLimits;
  readonly window: { readonly first: number | null; readonly last: number | null };
  readonly totals: LedgerTotals;
  readonly rules: readonly RuleLedger[];
  readonly interfaces: readonly InterfaceLedger[];
  readonly groups: readonly GroupLedger[];
  /** Rejected records by source address: ingress (who knocked) apart from egress (your own hosts). */
  readonly rejectedSources: { readonly ingress: RankingLedger; readonly egress: RankingLedger };
  readonly replay: ReplayLedger;
  /** Rule ids records named that the rules given to the producer lack; at most 100. */
  readonly unknownRuleIds: readonly string[];
}

/**
 * The fields of a rule's ledger entry, named once: producers (the stream builder, query builders)
 * iterate it, and a type check below keeps it equal to `RuleLedger`'s keys.
 */
export const RULE_LEDGER_FIELDS = [
  'ruleId',
  'flows',
  'bytes',
  'packets',
  'firstSeen',
  'lastSeen',
  'rejectedWouldAllow',
  'distinctPeers',
  'publicPeers',
  'publicPeerNetworks',
  'peerBlocks',
  'services',
  'hitsByDay',
  'exposures',
  'replayComplete',
] as const satisfies readonly (keyof RuleLedger)[];

/** The top-level fields of a ledger, likewise. */
export const LEDGER_FIELDS = [
  'schema',
  'limits',
  'window',
  'totals',
  'rules',
  'interfaces',
  'groups',
  'rejectedSources',
  'replay',
  'unknownRuleIds',
] as const satisfies readonly (keyof ReportLedger)[];

// Compile-time: each list names every field of its type (a missing one makes these `never`).
const RULE_FIELDS_COMPLETE: Exclude<keyof RuleLedger, (typeof RULE_LEDGER_FIELDS)[number]> extends never ? true : never = true;
const LEDGER_FIELDS_COMPLETE: Exclude<keyof ReportLedger, (typeof LEDGER_FIELDS)[number]> extends never ? true : never = true;
void RULE_FIELDS_COMPLETE;
void LEDGER_FIELDS_COMPLETE;

/**
 * Generous defaults: exact for what a month of most security groups' traffic holds (a public
 * service's clients are the exception, and its verdict rests on their count, not their list),
 * at most a few hundred MiB however many records.
 */
export const DEFAULT_LEDGER_LIMITS: LedgerLimits = {
  exactDistinctLimit: 20_000,
  peerBlockLimit: 1_024,
  serviceLimit: 1_024,
  replayTuplesPerRule: 10_000,
  replayTuplesTotal: 200_000,
  rankingExactLimit: 20_000,
  rankingCounters: 1_000,
  rankingItems: 20,
  interfaces: 100_000,
};

/** A rule's entry with no record. */
export function emptyRuleLedger(ruleId: string): RuleLedger {
  return {
    ruleId,
    flows: 0,
    bytes: 0,
    packets: 0,
    firstSeen: null,
    lastSeen: null,
    rejectedWouldAllow: 0,
    distinctPeers: { value: 0, exact: true },
    publicPeers: { value: 0, exact: true },
    publicPeerNetworks: 0,
    peerBlocks: { cidrs: [], exact: true },
    services: { used: [], exact: true },
    hitsByDay: [],
    exposures: [],
    replayComplete: true,
  };
}
