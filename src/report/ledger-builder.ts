import {
  compareText,
  hourRunsOf,
  MAX_PEER_NETWORKS,
  MAX_UNKNOWN_RULE_IDS,
  newRuleState,
  peerNetworkOf,
  rankingLedgerOf,
  replayTupleOf,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  toRuleLedger,
  type ExposureState,
  type RuleState,
} from './ledger-assembly.js';
import { flowPeerAddress } from '../analysis/security-group-matcher.js';
import { isRuleMatch } from '../domain/index.js';
import { isPublicAddress } from '../net/index.js';
import type { SecurityGroupRule } from '../ports.js';
import { createBoundedRanking, type BoundedRanking } from './bounded-ranking.js';
import { createDistinctCounter, type DistinctCounter } from './distinct-counter.js';
import { RULE_MATCH_BUCKETS, type RuleMatchBucket } from './report-model.js';
import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import {
  DEFAULT_LEDGER_LIMITS,
  LEDGER_SCHEMA,
  type GroupLedger,
  type InterfaceLedger,
  type LedgerLimits,
  type ReportLedger,
} from './rule-ledger.js';

/** The fields of an enriched record the report reads. */
export type ReportFlow = Pick<
  EnrichedFlowLog,
  | 'action' | 'srcaddr' | 'dstaddr' | 'pkt_srcaddr' | 'pkt_dstaddr' | 'dstport' | 'protocol' | 'bytes' | 'packets' | 'start' | 'end'
  | 'direction' | 'interface_id' | 'security_group_ids' | 'security_group_names' | 'security_group_rule_ids' | 'rule_match'
>;

/** Feeds attributed records one at a time; `ledger()` gives the plain-data ledger of everything added so far. */
export interface LedgerBuilder {
  add(flow: ReportFlow): void;
  ledger(): ReportLedger;
}

export interface LedgerBuilderInput {
  /** Every rule in scope: the ledger has an entry for each, used or not. */
  readonly rules: readonly SecurityGroupRule[];
  readonly limits?: Partial<LedgerLimits>;
}

/** Security groups whose talkers and names are tracked; past it, records of further groups still count everywhere else. */
export const MAX_TRACKED_GROUPS = 10_000;

/**
 * The ledger of a stream of attributed records (`rule_match` and `security_group_rule_ids`, as
 * the decorator and `enrich --inventory` write them), in memory bounded by `limits`: every count
 * is exact while its keys fit the limit, then an estimate or a coarser summary that says so.
 *
 * What counts where (the README repeats it):
 * - a rule's flows, bytes, peers, services, days and replay tuples: ACCEPT records attributed
 *   `matched` that name it (return traffic uses no rule);
 * - its `rejectedWouldAllow` and the exposures' blocked attempts: REJECT records attributed
 *   `would_allow` that name it (the network ACL stopped them);
 * - an interface's coverage: every record of it with a time, whatever its action or status
 *   (NODATA and SKIPDATA records say the log was running);
 * - rejected sources: REJECT records by `srcaddr`, ingress and egress apart.
 *
 * @example
 * const builder = createLedgerBuilder({ rules });
 * for await (const record of attributedRecords) builder.add(record);
 * JSON.stringify(builder.ledger()) // plain data, the advisor's only input besides the inventory
 */
export function createLedgerBuilder(input: LedgerBuilderInput): LedgerBuilder {
  const limits: LedgerLimits = { ...DEFAULT_LEDGER_LIMITS, ...input.limits };
  const distinct = (): DistinctCounter => createDistinctCounter({ exactLimit: limits.exactDistinctLimit });
  const ranking = (): BoundedRanking => createBoundedRanking({ exactLimit: limits.rankingExactLimit, counters: limits.rankingCounters });
  const rules = new Map<string, RuleState>();
  for (const rule of input.rules) if (!rules.has(rule.rule_id)) rules.set(rule.rule_id, newRuleState(rule, limits, distinct));
  const unknownRuleIds = new Set<string>();
  const groups = new Map<string, { name: string | null; talkers: BoundedRanking }>();
  const interfaces = new Map<string, { groupIds: Set<string>; hours: Set<number> }>();
  const interfaceCount = distinct();
  const rejectedIngress = ranking();
  const rejectedEgress = ranking();
  const byRuleMatch = Object.fromEntries(RULE_MATCH_BUCKETS.map((bucket) => [bucket, 0])) as Record<RuleMatchBucket, number>;
  const groupSets = new Map<string, number>();
  // Replay tuples as `groups|i or e|protocol|port|peer` -> flows: one string and one number each, parsed back once in ledger().
  const tuples = new Map<string, number>();
  let flowsNotKept = 0;
  let records = 0;
  let accepted = 0;
  let rejected = 0;
  let bytes = 0;
  let first: number | null = null;
  let last: number | null = null;

  const groupOf = (groupId: string, name: string | undefined): { name: string | null; talkers: BoundedRanking } | undefined => {
    let group = groups.get(groupId);
    if (group === undefined && groups.size < MAX_TRACKED_GROUPS) groups.set(groupId, (group = { name: name ?? null, talkers: ranking() }));
    if (group !== undefined && group.name === null && name !== undefined) group.name = name;
    return group;
  };

  const cover = (interfaceId: string, groupIds: readonly unknown[], start: number | undefined, end: number | undefined): void => {
    let state = interfaces.get(interfaceId);
    if (state === undefined) {
      if (interfaces.size >= limits.interfaces) return;
      interfaces.set(interfaceId, (state = { groupIds: new Set(), hours: new Set() }));
    }
    for (const groupId of groupIds) if (typeof groupId === 'string') state.groupIds.add(groupId);
    const from = start ?? end;
    const to = end ?? start;
    if (from === undefined || to === undefined || to < from) return;
    // An aggregation interval is at most a few minutes; a record claiming days covers its two ends only.
    const firstHour = Math.floor(from / SECONDS_PER_HOUR);
    const lastHour = Math.floor(to / SECONDS_PER_HOUR);
    state.hours.add(firstHour);
    if (lastHour - firstHour <= 2) for (let hour = firstHour + 1; hour <= lastHour; hour += 1) state.hours.add(hour);
    else state.hours.add(lastHour);
  };

  // Only matched records come here, and an interface has one or two groups: the key is cheap.
  const groupSetIndexOf = (list: unknown): number | undefined => {
    if (!Array.isArray(list)) return undefined;
    const groupIds = (list as readonly unknown[]).filter((id): id is string => typeof id === 'string');
    if (groupIds.length === 0) return undefined;
    const key = groupIds.length === 1 ? (groupIds[0] as string) : [...new Set(groupIds)].sort().join(',');
    let index = groupSets.get(key);
    if (index === undefined) groupSets.set(key, (index = groupSets.size));
    return index;
  };

  /** Keeps the flow for the replay, or marks every rule it used as not replayable. */
  const keepForReplay = (flow: ReportFlow, direction: 'ingress' | 'egress' | undefined, peer: string | undefined, states: readonly RuleState[]): void => {
    const groupIndex = groupSetIndexOf(flow.security_group_ids);
    if (direction === undefined || peer === undefined || typeof flow.protocol !== 'number' || groupIndex === undefined) {
      flowsNotKept += 1;
      for (const state of states) state.replayComplete = false;
      return;
    }
    const key = `${groupIndex}|${direction === 'ingress' ? 'i' : 'e'}|${flow.protocol}|${typeof flow.dstport === 'number' ? flow.dstport : ''}|${peer}`;
    const known = tuples.get(key);
    if (known !== undefined) {
      tuples.set(key, known + 1);
      return;
    }
    if (tuples.size >= limits.replayTuplesTotal || states.some((state) => state.replayTuples >= limits.replayTuplesPerRule)) {
      flowsNotKept += 1;
      for (const state of states) state.replayComplete = false;
      return;
    }
    tuples.set(key, 1);
    for (const state of states) state.replayTuples += 1;
  };

  return {
    add(flow) {
      records += 1;
      const flowBytes = typeof flow.bytes === 'number' && flow.bytes > 0 ? flow.bytes : 0;
      bytes += flowBytes;
      const start = typeof flow.start === 'number' ? flow.start : undefined;
      const end = typeof flow.end === 'number' ? flow.end : undefined;
      if (start !== undefined && (first === null || start < first)) first = start;
      if (end !== undefined && (last === null || end > last)) last = end;
      const groupIds = listOf(flow.security_group_ids);
      if (typeof flow.interface_id === 'string') {
        interfaceCount.add(flow.interface_id);
        cover(flow.interface_id, groupIds, start, end);
      }
      const direction = flow.direction === 'ingress' || flow.direction === 'egress' ? flow.direction : undefined;
      const isAccept = flow.action === 'ACCEPT';
      if (isAccept) accepted += 1;
      else if (flow.action === 'REJECT') {
        rejected += 1;
        if (typeof flow.srcaddr === 'string') (direction === 'egress' ? rejectedEgress : rejectedIngress).add(flow.srcaddr);
      }
      const match = flow.rule_match;
      if (isRuleMatch(match)) byRuleMatch[match] += 1;
      else byRuleMatch.not_attributed += 1;

      const peer = direction === undefined ? undefined : flowPeerAddress(flow, direction);
      for (let index = 0; index < groupIds.length; index += 1) {
        const groupId = groupIds[index];
        if (typeof groupId !== 'string') continue;
        const name: unknown = listOf(flow.security_group_names)[index];
        const group = groupOf(groupId, typeof name === 'string' ? name : undefined);
        if (group !== undefined && isAccept && peer !== undefined && flowBytes > 0) group.talkers.add(peer, flowBytes);
      }

      if (match !== 'matched' && match !== 'would_allow') return;
      const states: RuleState[] = [];
      for (const ruleId of listOf(flow.security_group_rule_ids)) {
        if (typeof ruleId !== 'string') continue;
        const state = rules.get(ruleId);
        if (state === undefined) {
          if (unknownRuleIds.size < MAX_UNKNOWN_RULE_IDS) unknownRuleIds.add(ruleId);
          continue;
        }
        states.push(state);
      }
      const isPublicPeer = peer !== undefined && isPublicAddress(peer);
      if (match === 'would_allow') {
        for (const state of states) {
          state.rejectedWouldAllow += 1;
          if (!isPublicPeer) continue;
          for (const exposure of state.exposures) {
            if (!exposedTo(exposure, flow)) continue;
            exposure.blockedAttempts += 1;
            exposure.blockedSources.add(peer);
            if (end !== undefined && (exposure.lastBlocked === null || end > exposure.lastBlocked)) exposure.lastBlocked = end;
          }
        }
        return;
      }
      const day = start === undefined ? undefined : Math.floor(start / SECONDS_PER_DAY);
      const serviceKey = typeof flow.protocol === 'number' ? flow.protocol * 65_536 + (typeof flow.dstport === 'number' && flow.dstport > 0 ? flow.dstport : 0) : undefined;
      for (const state of states) {
        state.flows += 1;
        state.bytes += flowBytes;
        if (typeof flow.packets === 'number') state.packets += flow.packets;
        if (start !== undefined && (state.first === null || start < state.first)) state.first = start;
        if (end !== undefined && (state.last === null || end > state.last)) state.last = end;
        if (day !== undefined) state.hitsByDay.set(day, (state.hitsByDay.get(day) ?? 0) + 1);
        if (serviceKey !== undefined) {
          const known = state.services.get(serviceKey);
          if (known !== undefined) state.services.set(serviceKey, known + 1);
          else if (state.services.size < limits.serviceLimit) state.services.set(serviceKey, 1);
          else state.servicesExact = false;
        } else state.servicesExact = false;
        // A peer-less record is not kept for the replay either, which withholds any change to the rule.
        if (peer === undefined) continue;
        state.peers.add(peer);
        state.peerBlocks?.add(peer);
        if (isPublicPeer) {
          state.publicPeers.add(peer);
          if (state.publicNetworks.size < MAX_PEER_NETWORKS) state.publicNetworks.add(peerNetworkOf(peer));
          for (const exposure of state.exposures) {
            if (!exposedTo(exposure, flow)) continue;
            exposure.acceptedFlows += 1;
            exposure.acceptedSources.add(peer);
            if (end !== undefined && (exposure.lastAccepted === null || end > exposure.lastAccepted)) exposure.lastAccepted = end;
          }
        }
      }
      keepForReplay(flow, direction, peer, states);
    },
    ledger() {
      const groupSetList: string[][] = [];
      for (const [key, index] of groupSets) groupSetList[index] = key.split(',');
      return {
        schema: LEDGER_SCHEMA,
        limits,
        window: { first, last },
        totals: { records, accepted, rejected, bytes, byRuleMatch: { ...byRuleMatch }, interfaces: interfaceCount.count() },
        rules: [...rules.values()].map(toRuleLedger),
        interfaces: [...interfaces]
          .sort(([a], [b]) => compareText(a, b))
          .map(([interfaceId, state]): InterfaceLedger => ({ interfaceId, groupIds: [...state.groupIds].sort(compareText), coveredHours: hourRunsOf(state.hours) })),
        groups: [...groups]
          .sort(([a], [b]) => compareText(a, b))
          .map(([groupId, group]): GroupLedger => ({ groupId, groupName: group.name, talkers: rankingLedgerOf(group.talkers, limits.rankingItems) })),
        rejectedSources: { ingress: rankingLedgerOf(rejectedIngress, limits.rankingItems), egress: rankingLedgerOf(rejectedEgress, limits.rankingItems) },
        replay: { groupSets: groupSetList, tuples: [...tuples].map(([key, flows]) => replayTupleOf(key, flows)), flowsNotKept },
        unknownRuleIds: [...unknownRuleIds].sort(compareText),
      };
    },
  };
}

function exposedTo(exposure: ExposureState, flow: ReportFlow): boolean {
  return flow.dstport === exposure.port && flow.protocol !== undefined && exposure.protocols.includes(flow.protocol);
}

/** Records from NDJSON are untrusted: a list field may hold anything, or be no list. */
function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}

