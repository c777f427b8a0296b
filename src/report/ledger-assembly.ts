/**
 * What a ledger producer that receives aggregates (OpenSearch buckets, Athena rows) needs to
 * state the same evidence as the local stream (`createLedgerBuilder`): the same keys, the same
 * bounds and the same hour and network arithmetic, named once for the engines. The stream builder
 * keeps its own per-record copies for speed; a test holds both to the same answers.
 */
import type { BoundedRanking } from './bounded-ranking.js';
import type { RankingLedger } from './rule-ledger.js';

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
