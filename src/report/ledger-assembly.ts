/**
 * What a ledger producer that receives aggregates (OpenSearch buckets, Athena rows) needs to
 * state the same evidence as the local stream (`createLedgerBuilder`): the same keys, the same
 * bounds, the same per-rule state and the same hour and network arithmetic, named once for the
 * stream builder and the engines; tests hold the producers to the same answers.
 */
import { cidrFamily, formatCidr, parseCidr } from '../net/index.js';
import type { SecurityGroupRule } from '../ports.js';
import type { BoundedRanking } from './bounded-ranking.js';
import type { DistinctCounter } from './distinct-counter.js';
import { createPeerPrefixSummary, type PeerPrefixSummary } from './peer-prefix-summary.js';
import type { ExposureLedger, LedgerLimits, RankingLedger, ReplayTuple, RuleLedger } from './rule-ledger.js';
import { exposedPortsOf } from './rule-summary.js';

/** Rule ids named by records but missing from the rules given, listed at most (as the stream builder does). */
export const MAX_UNKNOWN_RULE_IDS = 100;
/** Distinct public /8 or /32 networks counted per rule (as the stream builder does). */
export const MAX_PEER_NETWORKS = 4_096;
export const SECONDS_PER_HOUR = 3_600;
export const SECONDS_PER_DAY = 86_400;

/**
 * The UTC hours a record covers, from its `start` and `end` (either may be missing): every hour
 * between them while they are at most two hours apart, else only the hours of its two ends (an
 * aggregation interval is a few minutes; a record claiming days says nothing of the hours between).
 *
 * @example coveredHoursOf(3_600, 7_300) // [1, 2]
 */
export function coveredHoursOf(start: number | undefined, end: number | undefined): number[] {
  const from = start ?? end;
  const to = end ?? start;
  if (from === undefined || to === undefined || to < from) return [];
  const firstHour = Math.floor(from / SECONDS_PER_HOUR);
  const lastHour = Math.floor(to / SECONDS_PER_HOUR);
  if (lastHour - firstHour > 2) return [firstHour, lastHour];
  const hours: number[] = [];
  for (let hour = firstHour; hour <= lastHour; hour += 1) hours.push(hour);
  return hours;
}

/**
 * Sorted hours as `[first, last]` runs of consecutive hours.
 *
 * @example hourRunsOf(new Set([5, 1, 2])) // [[1, 2], [5, 5]]
 */
export function hourRunsOf(hours: Iterable<number>): [number, number][] {
  const runs: [number, number][] = [];
  for (const hour of [...new Set(hours)].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last !== undefined && hour === last[1] + 1) last[1] = hour;
    else runs.push([hour, hour]);
  }
  return runs;
}

/**
 * The /8 of an IPv4 address or the /32 of an IPv6 one, as a key (`publicPeerNetworks`).
 *
 * @example peerNetworkOf('203.0.113.7') // '203'
 * @example peerNetworkOf('2001:db8::1') // '8193:3512'
 */
export function peerNetworkOf(address: string): string {
  const dot = address.indexOf('.');
  if (dot !== -1 && !address.includes(':')) return address.slice(0, dot);
  const compressed = address.indexOf('::');
  const head = compressed === -1 ? address : address.slice(0, compressed);
  const groups = head === '' ? [] : head.split(':');
  while (groups.length < 2) groups.push('0');
  return `${Number.parseInt(groups[0] as string, 16)}:${Number.parseInt(groups[1] as string, 16)}`;
}

/**
 * The key of a replay tuple's group set: the one id, or the distinct ids sorted and joined by
 * commas; undefined without any.
 *
 * @example groupSetKeyOf(['sg-b', 'sg-a', 'sg-b']) // 'sg-a,sg-b'
 */
export function groupSetKeyOf(groupIds: readonly string[]): string | undefined {
  if (groupIds.length === 0) return undefined;
  return groupIds.length === 1 ? (groupIds[0]) : [...new Set(groupIds)].sort(compareText).join(',');
}

/** A ranking as the ledger keeps it: its `items` heaviest keys. */
export function rankingLedgerOf(ranking: BoundedRanking, items: number): RankingLedger {
  return { items: ranking.top(items).map(({ key, count, overcount }) => ({ key, value: count, overcount })), total: ranking.total, exact: ranking.exact, errorBound: ranking.errorBound };
}

/** Code-unit order, as the stream builder sorts ids. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A rule's exposure on one administration or database port, while records are added. */
export interface ExposureState {
  readonly port: number;
  readonly protocols: readonly number[];
  acceptedFlows: number;
  readonly acceptedSources: DistinctCounter;
  lastAccepted: number | null;
  blockedAttempts: number;
  readonly blockedSources: DistinctCounter;
  lastBlocked: number | null;
}

/** A rule's counts while records (or an engine's buckets) are added; `toRuleLedger` makes its plain-data entry. */
export interface RuleState {
  readonly rule: SecurityGroupRule;
  flows: number;
  bytes: number;
  packets: number;
  first: number | null;
  last: number | null;
  rejectedWouldAllow: number;
  readonly peers: DistinctCounter;
  readonly publicPeers: DistinctCounter;
  readonly publicNetworks: Set<string>;
  readonly peerBlocks: PeerPrefixSummary | undefined;
  readonly services: Map<number, number>;
  servicesExact: boolean;
  readonly hitsByDay: Map<number, number>;
  readonly exposures: ExposureState[];
  replayTuples: number;
  replayComplete: boolean;
}

/** A rule's empty state, its collections bounded by `limits`. */
export function newRuleState(rule: SecurityGroupRule, limits: LedgerLimits, distinct: () => DistinctCounter): RuleState {
  const cidr = rule.peer.kind === 'ipv4_cidr' || rule.peer.kind === 'ipv6_cidr' ? rule.peer.cidr : undefined;
  const ruleBlock = cidr === undefined ? undefined : parseCidr(cidr);
  return {
    rule,
    flows: 0,
    bytes: 0,
    packets: 0,
    first: null,
    last: null,
    rejectedWouldAllow: 0,
    peers: distinct(),
    publicPeers: distinct(),
    publicNetworks: new Set(),
    peerBlocks: ruleBlock === undefined ? undefined : createPeerPrefixSummary(cidrFamily(ruleBlock), { blockLimit: limits.peerBlockLimit, minPrefixLength: ruleBlock.prefixLength }),
    services: new Map(),
    servicesExact: true,
    hitsByDay: new Map(),
    exposures: exposedPortsOf(rule).map(({ port, protocols }) => ({
      port,
      protocols,
      acceptedFlows: 0,
      acceptedSources: distinct(),
      lastAccepted: null,
      blockedAttempts: 0,
      blockedSources: distinct(),
      lastBlocked: null,
    })),
    replayTuples: 0,
    replayComplete: true,
  };
}

/** The rule's ledger entry, as plain data. */
export function toRuleLedger(state: RuleState): RuleLedger {
  return {
    ruleId: state.rule.rule_id,
    flows: state.flows,
    bytes: state.bytes,
    packets: state.packets,
    firstSeen: state.first,
    lastSeen: state.last,
    rejectedWouldAllow: state.rejectedWouldAllow,
    distinctPeers: state.peers.count(),
    publicPeers: state.publicPeers.count(),
    publicPeerNetworks: state.publicNetworks.size,
    peerBlocks: { cidrs: state.peerBlocks?.blocks().map(formatCidr) ?? [], exact: state.peerBlocks?.exact ?? true },
    services: {
      used: [...state.services]
        .sort(([a], [b]) => a - b)
        .map(([key, flows]) => ({ protocol: Math.floor(key / 65_536), port: key % 65_536, flows })),
      exact: state.servicesExact,
    },
    hitsByDay: [...state.hitsByDay].sort(([a], [b]) => a - b),
    exposures: state.exposures.map(
      (exposure): ExposureLedger => ({
        port: exposure.port,
        acceptedFlows: exposure.acceptedFlows,
        acceptedSources: exposure.acceptedSources.count(),
        lastAccepted: exposure.lastAccepted,
        blockedAttempts: exposure.blockedAttempts,
        blockedSources: exposure.blockedSources.count(),
        lastBlocked: exposure.lastBlocked,
      }),
    ),
    replayComplete: state.replayComplete,
  };
}

/** A replay tuple from its key (`groups|i or e|protocol|port|peer`) and its flows. */
export function replayTupleOf(key: string, flows: number): ReplayTuple {
  const [groups = '', direction = '', protocol = '', port = ''] = key.split('|', 4);
  // The peer is the rest: an address holds no '|', but the split above stops before it anyway.
  const peer = key.slice(groups.length + direction.length + protocol.length + port.length + 4);
  return { groups: Number(groups), direction: direction === 'i' ? 'ingress' : 'egress', peer, protocol: Number(protocol), port: port === '' ? null : Number(port), flows };
}
