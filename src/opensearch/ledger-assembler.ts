/**
 * Turns the buckets of the ledger's aggregations (src/opensearch/ledger-queries.ts) into the
 * ledger the local stream builds from the same documents (src/report/ledger-builder.ts), pure.
 *
 * Distinct counts (peers, public peers, exposure sources, interfaces) go through the report's own
 * `DistinctCounter`, fed with the distinct values the composite pages list: exact up to
 * `exactDistinctLimit`, then the same HyperLogLog estimate over the same distinct values as the
 * stream's, so an estimate equals the local one (for IPv6 peers, up to how the text of an address
 * is written: OpenSearch gives the canonical form). Peer blocks go through the same prefix summary
 * and rankings through the same bounded ranking. Below every limit each field is exact and equal
 * to the stream's; past one, the same `exact: false` says so, and what the stream keeps first by
 * record order (services, replay tuples, interfaces, groups) is kept here in bucket-key order.
 */
import { isPublicAddress } from '../net/index.js';
import type { SecurityGroupRule } from '../ports.js';
import { createBoundedRanking, type BoundedRanking } from '../report/bounded-ranking.js';
import { createDistinctCounter, type DistinctCounter } from '../report/distinct-counter.js';
import { MAX_TRACKED_GROUPS } from '../report/ledger-builder.js';
import {
  compareText,
  coveredHoursOf,
  hourRunsOf,
  MAX_PEER_NETWORKS,
  MAX_UNKNOWN_RULE_IDS,
  newRuleState,
  peerNetworkOf,
  rankingLedgerOf,
  replayTupleOf,
  SECONDS_PER_DAY,
  toRuleLedger,
  type RuleState,
} from '../report/ledger-assembly.js';
import { RULE_MATCH_BUCKETS, type RuleMatchBucket } from '../report/report-model.js';
import {
  DEFAULT_LEDGER_LIMITS,
  LEDGER_SCHEMA,
  type LedgerLimits,
  type ReportLedger,
} from '../report/rule-ledger.js';
import { NO_PEER, type LedgerAggregationName } from './ledger-queries.js';

/** One composite bucket: its key (strings, numbers, or null for a missing value) and its sub-aggregations. */
export interface CompositeBucket {
  readonly key: Readonly<Record<string, unknown>>;
  readonly doc_count: number;
  readonly [sub: string]: unknown;
}

/** What the totals query answers. */
export interface LedgerTotalsAnswer {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
  readonly byRuleMatch: ReadonlyMap<string, number>;
  /** Epoch seconds, or null when no record has one. */
  readonly first: number | null;
  readonly last: number | null;
}

export interface LedgerAssembler {
  totals(answer: LedgerTotalsAnswer): void;
  /** Takes one page of an aggregation's buckets, in the order the pages came. */
  page(name: LedgerAggregationName, buckets: readonly CompositeBucket[]): void;
  ledger(): ReportLedger;
}

const MS_PER_DAY = SECONDS_PER_DAY * 1_000;

/**
 * @example
 * const assembler = createLedgerAssembler({ rules });
 * assembler.totals(totalsOf(totalsResponse));
 * assembler.page('accepted', bucketsOf(pageResponse));
 * adviseSecurityGroups(assembler.ledger(), { rules })
 */
export function createLedgerAssembler(input: { readonly rules: readonly SecurityGroupRule[]; readonly limits?: Partial<LedgerLimits> }): LedgerAssembler {
  const limits: LedgerLimits = { ...DEFAULT_LEDGER_LIMITS, ...input.limits };
  const distinct = (): DistinctCounter => createDistinctCounter({ exactLimit: limits.exactDistinctLimit });
  const ranking = (): BoundedRanking => createBoundedRanking({ exactLimit: limits.rankingExactLimit, counters: limits.rankingCounters });
  const rules = new Map<string, RuleState>();
  for (const rule of input.rules) if (!rules.has(rule.rule_id)) rules.set(rule.rule_id, newRuleState(rule, limits, distinct));
  const unknownRuleIds = new Set<string>();
  const interfaces = new Map<string, { groupIds: Set<string>; hours: Set<number> }>();
  const interfaceCount = distinct();
  const groups = new Map<string, { name: string | null; talkers: BoundedRanking }>();
  const rejectedIngress = ranking();
  const rejectedEgress = ranking();
  const groupSets = new Map<string, number>();
  const tuples = new Map<string, number>();
  let flowsNotKept = 0;
  let totals: LedgerTotalsAnswer = { records: 0, accepted: 0, rejected: 0, bytes: 0, byRuleMatch: new Map(), first: null, last: null };

  const statesOf = (joinedRuleIds: unknown): RuleState[] => {
    const states: RuleState[] = [];
    for (const ruleId of splitList(joinedRuleIds)) {
      const state = rules.get(ruleId);
      if (state !== undefined) states.push(state);
      else unknownRuleIds.add(ruleId);
    }
    return states;
  };

  const interfaceOf = (interfaceId: string): { groupIds: Set<string>; hours: Set<number> } | undefined => {
    let state = interfaces.get(interfaceId);
    if (state === undefined && interfaces.size < limits.interfaces) interfaces.set(interfaceId, (state = { groupIds: new Set(), hours: new Set() }));
    return state;
  };

  const groupOf = (groupId: string): { name: string | null; talkers: BoundedRanking } | undefined => {
    let group = groups.get(groupId);
    if (group === undefined && groups.size < MAX_TRACKED_GROUPS) groups.set(groupId, (group = { name: null, talkers: ranking() }));
    return group;
  };

  const keepForReplay = (bucket: CompositeBucket, peer: string | undefined, states: readonly RuleState[]): void => {
    const direction = bucket.key.direction;
    const protocol = bucket.key.protocol;
    const port = bucket.key.port;
    const groupKey = typeof bucket.key.groups === 'string' && bucket.key.groups !== '' ? bucket.key.groups : undefined;
    if ((direction !== 'ingress' && direction !== 'egress') || peer === undefined || typeof protocol !== 'number' || groupKey === undefined) {
      flowsNotKept += bucket.doc_count;
      for (const state of states) state.replayComplete = false;
      return;
    }
    let groupIndex = groupSets.get(groupKey);
    if (groupIndex === undefined) groupSets.set(groupKey, (groupIndex = groupSets.size));
    const key = `${groupIndex}|${direction === 'ingress' ? 'i' : 'e'}|${protocol}|${typeof port === 'number' ? port : ''}|${peer}`;
    const known = tuples.get(key);
    if (known !== undefined) {
      tuples.set(key, known + bucket.doc_count);
      return;
    }
    if (tuples.size >= limits.replayTuplesTotal || states.some((state) => state.replayTuples >= limits.replayTuplesPerRule)) {
      flowsNotKept += bucket.doc_count;
      for (const state of states) state.replayComplete = false;
      return;
    }
    tuples.set(key, bucket.doc_count);
    for (const state of states) state.replayTuples += 1;
  };

  const pages: Record<LedgerAggregationName, (bucket: CompositeBucket) => void> = {
    accepted(bucket) {
      const states = statesOf(bucket.key.rules);
      const peer = peerOf(bucket.key.peer);
      const protocol = bucket.key.protocol;
      const port = bucket.key.port;
      const serviceKey = typeof protocol === 'number' ? protocol * 65_536 + (typeof port === 'number' && port > 0 ? port : 0) : undefined;
      const isPublicPeer = peer !== undefined && isPublicAddress(peer);
      for (const state of states) {
        state.flows += bucket.doc_count;
        if (serviceKey !== undefined) {
          const known = state.services.get(serviceKey);
          if (known !== undefined) state.services.set(serviceKey, known + bucket.doc_count);
          else if (state.services.size < limits.serviceLimit) state.services.set(serviceKey, bucket.doc_count);
          else state.servicesExact = false;
        } else state.servicesExact = false;
        if (peer === undefined) continue;
        state.peers.add(peer);
        state.peerBlocks?.add(peer);
        if (!isPublicPeer) continue;
        state.publicPeers.add(peer);
        if (state.publicNetworks.size < MAX_PEER_NETWORKS) state.publicNetworks.add(peerNetworkOf(peer));
      }
      keepForReplay(bucket, peer, states);
    },
    ruleTotals(bucket) {
      const bytes = metric(bucket, 'bytes') ?? 0;
      const packets = metric(bucket, 'packets') ?? 0;
      const first = seconds(metric(bucket, 'first'));
      const last = seconds(metric(bucket, 'last'));
      for (const state of statesOf(bucket.key.rule)) {
        state.bytes += bytes;
        state.packets += packets;
        if (first !== null && (state.first === null || first < state.first)) state.first = first;
        if (last !== null && (state.last === null || last > state.last)) state.last = last;
      }
    },
    acceptedExposures(bucket) {
      const peer = peerOf(bucket.key.peer);
      const protocol = bucket.key.protocol;
      if (peer === undefined || !isPublicAddress(peer) || typeof protocol !== 'number') return;
      const last = seconds(metric(bucket, 'last'));
      for (const state of statesOf(bucket.key.rules)) {
        for (const exposure of state.exposures) {
          if (bucket.key.port !== exposure.port || !exposure.protocols.includes(protocol)) continue;
          exposure.acceptedFlows += bucket.doc_count;
          exposure.acceptedSources.add(peer);
          if (last !== null && (exposure.lastAccepted === null || last > exposure.lastAccepted)) exposure.lastAccepted = last;
        }
      }
    },
    ruleDays(bucket) {
      const ruleId = bucket.key.rule;
      const day = bucket.key.day;
      if (typeof ruleId !== 'string' || typeof day !== 'number') return;
      const state = rules.get(ruleId);
      if (state === undefined) return;
      const index = Math.floor(day / MS_PER_DAY);
      state.hitsByDay.set(index, (state.hitsByDay.get(index) ?? 0) + bucket.doc_count);
    },
    wouldAllow(bucket) {
      for (const state of statesOf(bucket.key.rules)) state.rejectedWouldAllow += bucket.doc_count;
    },
    wouldAllowExposures(bucket) {
      const peer = peerOf(bucket.key.peer);
      const protocol = bucket.key.protocol;
      if (peer === undefined || !isPublicAddress(peer) || typeof protocol !== 'number') return;
      const last = seconds(metric(bucket, 'last'));
      for (const state of statesOf(bucket.key.rules)) {
        for (const exposure of state.exposures) {
          if (bucket.key.port !== exposure.port || !exposure.protocols.includes(protocol)) continue;
          exposure.blockedAttempts += bucket.doc_count;
          exposure.blockedSources.add(peer);
          if (last !== null && (exposure.lastBlocked === null || last > exposure.lastBlocked)) exposure.lastBlocked = last;
        }
      }
    },
    interfaceHours(bucket) {
      const interfaceId = bucket.key.interface;
      if (typeof interfaceId !== 'string') return;
      interfaceCount.add(interfaceId);
      const state = interfaceOf(interfaceId);
      if (state === undefined) return;
      const from = typeof bucket.key.from === 'number' ? bucket.key.from / 1_000 : undefined;
      const to = typeof bucket.key.to === 'number' ? bucket.key.to / 1_000 : undefined;
      // Keys are the starts of the hours; the hours covered follow from them as from the times.
      for (const hour of coveredHoursOf(from, to)) state.hours.add(hour);
    },
    interfaceGroups(bucket) {
      const interfaceId = bucket.key.interface;
      const groupId = bucket.key.group;
      if (typeof interfaceId !== 'string' || typeof groupId !== 'string') return;
      interfaceOf(interfaceId)?.groupIds.add(groupId);
    },
    groupNames(bucket) {
      const groupId = bucket.key.group;
      if (typeof groupId !== 'string') return;
      const group = groupOf(groupId);
      if (group !== undefined && group.name === null) group.name = nameAtPosition(bucket, groupId);
    },
    talkers(bucket) {
      const groupId = bucket.key.group;
      const peer = peerOf(bucket.key.peer);
      const bytes = metric(bucket, 'bytes') ?? 0;
      if (typeof groupId !== 'string' || peer === undefined || !(bytes > 0)) return;
      groupOf(groupId)?.talkers.add(peer, bytes);
    },
    rejectedSources(bucket) {
      const source = bucket.key.source;
      if (typeof source !== 'string') return;
      (bucket.key.direction === 'egress' ? rejectedEgress : rejectedIngress).add(source, bucket.doc_count);
    },
  };

  return {
    totals(answer) {
      totals = answer;
    },
    page(name, buckets) {
      const take = pages[name];
      for (const bucket of buckets) take(bucket);
    },
    ledger() {
      const byRuleMatch = Object.fromEntries(RULE_MATCH_BUCKETS.map((bucket) => [bucket, 0])) as Record<RuleMatchBucket, number>;
      let attributed = 0;
      for (const bucket of RULE_MATCH_BUCKETS) {
        if (bucket === 'not_attributed') continue;
        byRuleMatch[bucket] = totals.byRuleMatch.get(bucket) ?? 0;
        attributed += byRuleMatch[bucket];
      }
      byRuleMatch.not_attributed = totals.records - attributed;
      const groupSetList: string[][] = [];
      for (const [key, index] of groupSets) groupSetList[index] = key.split(',');
      return {
        schema: LEDGER_SCHEMA,
        limits,
        window: { first: totals.first, last: totals.last },
        totals: { records: totals.records, accepted: totals.accepted, rejected: totals.rejected, bytes: totals.bytes, byRuleMatch, interfaces: interfaceCount.count() },
        rules: [...rules.values()].map(toRuleLedger),
        interfaces: [...interfaces]
          .sort(([a], [b]) => compareText(a, b))
          .map(([interfaceId, state]) => ({ interfaceId, groupIds: [...state.groupIds].sort(compareText), coveredHours: hourRunsOf(state.hours) })),
        groups: [...groups]
          .sort(([a], [b]) => compareText(a, b))
          .map(([groupId, group]) => ({ groupId, groupName: group.name, talkers: rankingLedgerOf(group.talkers, limits.rankingItems) })),
        rejectedSources: { ingress: rankingLedgerOf(rejectedIngress, limits.rankingItems), egress: rankingLedgerOf(rejectedEgress, limits.rankingItems) },
        replay: { groupSets: groupSetList, tuples: [...tuples].map(([key, flows]) => replayTupleOf(key, flows)), flowsNotKept },
        unknownRuleIds: [...unknownRuleIds].sort(compareText).slice(0, MAX_UNKNOWN_RULE_IDS),
      };
    },
  };
}

/** The name at the group's position in the one document's `_source` the bucket carries, or null. */
function nameAtPosition(bucket: CompositeBucket, groupId: string): string | null {
  const named = bucket.named as { one?: { hits?: { hits?: readonly { _source?: Readonly<Record<string, unknown>> }[] } } } | undefined;
  const source = named?.one?.hits?.hits?.[0]?._source;
  const ids = source?.security_group_ids;
  const names = source?.security_group_names;
  if (!Array.isArray(ids) || !Array.isArray(names)) return null;
  const index = (ids as unknown[]).indexOf(groupId);
  const name: unknown = index === -1 ? undefined : (names as unknown[])[index];
  return typeof name === 'string' ? name : null;
}

function splitList(joined: unknown): string[] {
  return typeof joined === 'string' && joined !== '' ? joined.split(',') : [];
}

function peerOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== NO_PEER && value !== '' ? value : undefined;
}

/** A numeric sub-aggregation's value (`sum`, `min`, `max`), or undefined when it has none. */
function metric(bucket: CompositeBucket, name: string): number | undefined {
  const value = (bucket[name] as { value?: unknown } | undefined)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A date field's `min` or `max` (epoch milliseconds) as epoch seconds. */
function seconds(milliseconds: number | undefined): number | null {
  return milliseconds === undefined ? null : Math.round(milliseconds / 1_000);
}
