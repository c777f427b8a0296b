import { flowPeerAddress } from '../analysis/security-group-matcher.js';
import { ALL_PROTOCOLS, destinationPortRange, IpProtocol, ruleProtocolNumber } from '../analysis/rule-protocol.js';
import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import { isPublicAddress } from '../enrich/public-address.js';
import type { SecurityGroupRule } from '../ports.js';
import { ADDRESS_BITS, blockSize, formatCidrBlock, parseCidrBlock, type CidrBlock } from './cidr-block.js';
import { createDistinctCounter, DEFAULT_EXACT_DISTINCT_LIMIT, type DistinctCounter } from './distinct-counter.js';
import { EXPOSED_SERVICE_PORTS, WHOLE_INTERNET_CIDRS } from './exposure-ports.js';
import { createHeavyHitters, type HeavyHitters } from './space-saving.js';
import { createPeerPrefixSummary, DEFAULT_PEER_BLOCK_LIMIT, suggestCidrBlocks, type PeerPrefixSummary } from './peer-prefix-summary.js';
import {
  REPORT_SCHEMA,
  type Exposure,
  type OverBroadRule,
  type Ranking,
  type ReportThresholds,
  type RuleSummary,
  type RuleUsage,
  type SecurityGroupReport,
  type UnusedRulesOfGroup,
} from './report-model.js';

/** The fields of an enriched record the report reads. */
export type ReportFlow = Pick<
  EnrichedFlowLog,
  | 'action' | 'srcaddr' | 'dstaddr' | 'pkt_srcaddr' | 'pkt_dstaddr' | 'dstport' | 'protocol' | 'bytes' | 'packets' | 'start' | 'end'
  | 'direction' | 'interface_id' | 'security_group_ids' | 'security_group_names' | 'security_group_rule_ids' | 'rule_match'
>;

/**
 * The thresholds behind "unused" and "over-broad"; see `createSecurityGroupReportBuilder` for the
 * definitions. Defaults in DEFAULT_REPORT_THRESHOLDS.
 */
export const DEFAULT_REPORT_THRESHOLDS: ReportThresholds = {
  maxSuggestedCidrs: 4,
  overBroadMarginBits: 8,
  ipv4GranularityPrefix: 24,
  ipv6GranularityPrefix: 64,
  exactDistinctLimit: DEFAULT_EXACT_DISTINCT_LIMIT,
  peerBlockLimit: DEFAULT_PEER_BLOCK_LIMIT,
  topRejectedSources: 20,
  rejectedSourceCounters: 1_000,
  topTalkers: 10,
  talkerCounters: 100,
  exposedPorts: EXPOSED_SERVICE_PORTS.map(({ port, service }) => ({ port, service })),
};

/** Security groups whose talkers and names are tracked; past it, records of further groups still count everywhere else. */
export const MAX_TRACKED_GROUPS = 10_000;
/** Rule ids records name that the inventory lacks, kept for the report. */
const MAX_UNKNOWN_RULE_IDS = 100;

export interface SecurityGroupReportInput {
  /** Every rule of every group in scope (the whole inventory): unused rules are found among them. */
  readonly rules: readonly SecurityGroupRule[];
  /**
   * Whether the peer of a rule could be resolved when the records were attributed (a prefix list's
   * entries, a referenced group's members); an unresolved rule is never called unused. Default: all resolved.
   */
  readonly peerResolved?: (rule: SecurityGroupRule) => boolean;
  readonly thresholds?: Partial<ReportThresholds>;
}

/** Feeds records one at a time and gives the report at the end. */
export interface SecurityGroupReportBuilder {
  add(flow: ReportFlow): void;
  /** The report of everything added so far; the builder can go on being fed. */
  build(): SecurityGroupReport;
}

interface RuleState {
  readonly rule: SecurityGroupRule;
  readonly summary: RuleSummary;
  flows: number;
  bytes: number;
  packets: number;
  rejectedWouldAllow: number;
  first: number | undefined;
  last: number | undefined;
  readonly peers: DistinctCounter;
  /** Only for CIDR rules: the bounded summary behind the suggested CIDRs. */
  readonly peerBlocks: PeerPrefixSummary | undefined;
  readonly ruleBlock: CidrBlock | undefined;
  readonly exposures: ExposureState[];
}

interface ExposureState {
  readonly port: number;
  readonly service: string;
  readonly protocols: readonly number[];
  flows: number;
  last: number | undefined;
  readonly sources: DistinctCounter;
}

/**
 * A streaming aggregator of attributed records (`rule_match`, `security_group_rule_ids`, as the
 * decorator and `enrich --inventory` write them) into the security-group report. Memory is
 * bounded whatever the number of records: per rule a few counters, a distinct counter (exact up
 * to `exactDistinctLimit` peers, then HyperLogLog) and a peer summary of at most `peerBlockLimit`
 * blocks; Space-Saving summaries of fixed size for the rankings; per group (at most
 * MAX_TRACKED_GROUPS) one talker summary.
 *
 * Definitions, which the README repeats:
 * - A rule is **used** by an ACCEPT record whose `rule_match` is `matched` and whose
 *   `security_group_rule_ids` name it. Return traffic needs no rule and uses none; a rejected
 *   record a rule would allow (`would_allow`) is counted apart and does not make it used.
 * - A rule is **unused** when no record in the window used it, its group was seen on at least one
 *   record (any action), and its peer could be resolved. Rules of groups never seen are listed as
 *   not judged (the logs may not cover their interfaces), and so are rules with unresolved peers.
 * - The **suggested CIDRs** of a used rule with a CIDR peer are at most `maxSuggestedCidrs` blocks
 *   inside the rule's CIDR that cover every observed peer, merged greedily (fewest added
 *   addresses first) from a bounded summary of the peers (exact up to `peerBlockLimit` distinct
 *   peers; past that, coarser blocks that still cover every peer).
 * - A used CIDR rule is **over-broad** when its prefix is at least `overBroadMarginBits` shorter
 *   than the widest suggested block, counting that block as no narrower than
 *   `ipv4GranularityPrefix` (IPv4) or `ipv6GranularityPrefix` (IPv6). With the defaults: an IPv4
 *   rule is flagged when its traffic fits 4 blocks and each of them (rounded up to a /24) is at
 *   least 256 times smaller than the rule: 0.0.0.0/0 or a /8 for peers in a few /24s, a /16
 *   for peers in a /24. A /17 or narrower IPv4 rule, or an IPv6 rule narrower than /57, is never flagged.
 * - An **exposure** is an ingress rule open to 0.0.0.0/0 or ::/0 whose protocol and ports include
 *   a port of EXPOSED_SERVICE_PORTS; it was **reached** when some record it allowed came from a
 *   public address (src/enrich/public-address.ts) to that port.
 * - **Top rejected sources**: `srcaddr` of REJECT records by record count (the Logs Insights
 *   query `filter action = "REJECT" | stats count(*) by srcAddr | sort desc | limit 20`).
 *   **Top talkers** of a group: peers of ACCEPT records on the group's interfaces by bytes.
 *   Both are Space-Saving summaries: no value is under-counted, none is over-counted by more than
 *   the ranking's `errorBound` (total / counters).
 *
 * @example
 * const builder = createSecurityGroupReportBuilder({ rules: inventoryRules });
 * for await (const record of attributedRecords) builder.add(record);
 * const report = builder.build();
 * report.unused[0] // { groupId: 'sg-0a1b2c3d', rules: [{ ruleId: 'sgr-0123456789abcdef0', ... }] }
 */
export function createSecurityGroupReportBuilder(input: SecurityGroupReportInput): SecurityGroupReportBuilder {
  const thresholds: ReportThresholds = { ...DEFAULT_REPORT_THRESHOLDS, ...input.thresholds };
  const distinct = (): DistinctCounter => createDistinctCounter({ exactLimit: thresholds.exactDistinctLimit });
  const rules = new Map<string, RuleState>();
  for (const rule of input.rules) {
    if (!rules.has(rule.rule_id)) rules.set(rule.rule_id, newRuleState(rule, thresholds, distinct));
  }
  const unknownRuleIds = new Set<string>();
  const groups = new Map<string, { name: string | undefined; talkers: HeavyHitters }>();
  const rejectedSources = createHeavyHitters(thresholds.rejectedSourceCounters);
  const interfaces = distinct();
  const byRuleMatch = { matched: 0, return_traffic: 0, unmatched: 0, would_allow: 0, no_rule: 0, not_attributed: 0 };
  let records = 0;
  let accepted = 0;
  let rejected = 0;
  let bytes = 0;
  let first: number | undefined;
  let last: number | undefined;

  const groupOf = (groupId: string, name: string | undefined): { name: string | undefined; talkers: HeavyHitters } | undefined => {
    let group = groups.get(groupId);
    if (group === undefined && groups.size < MAX_TRACKED_GROUPS) groups.set(groupId, (group = { name, talkers: createHeavyHitters(thresholds.talkerCounters) }));
    if (group !== undefined && group.name === undefined && name !== undefined) group.name = name;
    return group;
  };

  return {
    add(flow) {
      records += 1;
      const flowBytes = typeof flow.bytes === 'number' && flow.bytes > 0 ? flow.bytes : 0;
      bytes += flowBytes;
      if (typeof flow.start === 'number' && (first === undefined || flow.start < first)) first = flow.start;
      if (typeof flow.end === 'number' && (last === undefined || flow.end > last)) last = flow.end;
      if (typeof flow.interface_id === 'string') interfaces.add(flow.interface_id);
      const isAccept = flow.action === 'ACCEPT';
      if (isAccept) accepted += 1;
      else if (flow.action === 'REJECT') {
        rejected += 1;
        if (typeof flow.srcaddr === 'string') rejectedSources.add(flow.srcaddr);
      }
      const match = flow.rule_match;
      if (match !== undefined && match in byRuleMatch) byRuleMatch[match] += 1;
      else byRuleMatch.not_attributed += 1;

      const direction = flow.direction;
      const peer = direction === 'ingress' || direction === 'egress' ? flowPeerAddress(flow, direction) : undefined;
      const groupIds = listOf(flow.security_group_ids);
      for (let index = 0; index < groupIds.length; index += 1) {
        const groupId = groupIds[index];
        if (typeof groupId !== 'string') continue;
        const name: unknown = listOf(flow.security_group_names)[index];
        const group = groupOf(groupId, typeof name === 'string' ? name : undefined);
        if (group !== undefined && isAccept && peer !== undefined && flowBytes > 0) group.talkers.add(peer, flowBytes);
      }

      if (match !== 'matched' && match !== 'would_allow') return;
      const ruleIds = listOf(flow.security_group_rule_ids);
      for (const ruleId of ruleIds) {
        if (typeof ruleId !== 'string') continue;
        const state = rules.get(ruleId);
        if (state === undefined) {
          if (unknownRuleIds.size < MAX_UNKNOWN_RULE_IDS) unknownRuleIds.add(ruleId);
          continue;
        }
        if (match === 'would_allow') {
          state.rejectedWouldAllow += 1;
          continue;
        }
        state.flows += 1;
        state.bytes += flowBytes;
        if (typeof flow.packets === 'number') state.packets += flow.packets;
        if (typeof flow.start === 'number' && (state.first === undefined || flow.start < state.first)) state.first = flow.start;
        if (typeof flow.end === 'number' && (state.last === undefined || flow.end > state.last)) state.last = flow.end;
        if (peer === undefined) continue;
        state.peers.add(peer);
        state.peerBlocks?.add(peer);
        for (const exposure of state.exposures) {
          if (flow.dstport === exposure.port && flow.protocol !== undefined && exposure.protocols.includes(flow.protocol) && isPublicAddress(peer)) {
            exposure.flows += 1;
            exposure.sources.add(peer);
            if (typeof flow.end === 'number' && (exposure.last === undefined || flow.end > exposure.last)) exposure.last = flow.end;
          }
        }
      }
    },
    build() {
      const states = [...rules.values()];
      const peerResolved = input.peerResolved ?? (() => true);
      const unused = new Map<string, RuleSummary[]>();
      const groupsWithoutRecords = new Set<string>();
      const unresolvedPeerRules: RuleSummary[] = [];
      for (const state of states) {
        if (state.flows > 0) continue;
        if (!groups.has(state.rule.group_id)) groupsWithoutRecords.add(state.rule.group_id);
        else if (!peerResolved(state.rule)) unresolvedPeerRules.push(state.summary);
        else unused.set(state.rule.group_id, [...(unused.get(state.rule.group_id) ?? []), state.summary]);
      }
      return {
        schema: REPORT_SCHEMA,
        window: { ...(first === undefined ? {} : { first: isoTime(first) }), ...(last === undefined ? {} : { last: isoTime(last) }) },
        totals: { records, accepted, rejected, bytes, byRuleMatch: { ...byRuleMatch }, interfaces: interfaces.count() },
        thresholds,
        rules: states.map(toRuleUsage).sort((a, b) => b.flows - a.flows || compareText(a.ruleId, b.ruleId)),
        unused: [...unused]
          .sort(([a], [b]) => compareText(a, b))
          .map(([groupId, groupRules]): UnusedRulesOfGroup => {
            const name = groups.get(groupId)?.name;
            return { groupId, ...(name === undefined ? {} : { groupName: name }), rules: groupRules };
          }),
        notJudged: { groupsWithoutRecords: [...groupsWithoutRecords].sort(compareText), unresolvedPeerRules },
        overBroad: states.flatMap((state) => overBroadOf(state, thresholds)).sort((a, b) => b.reductionBits - a.reductionBits || compareText(a.ruleId, b.ruleId)),
        exposures: states.flatMap(exposuresOf),
        topRejectedSources: rankingOf(rejectedSources, thresholds.topRejectedSources),
        topTalkers: [...groups]
          .filter(([, group]) => group.talkers.total > 0)
          .sort(([a], [b]) => compareText(a, b))
          .map(([groupId, group]) => ({ groupId, ...rankingOf(group.talkers, thresholds.topTalkers) })),
        unknownRuleIds: [...unknownRuleIds].sort(compareText),
      };
    },
  };
}

/**
 * Builds the report of a whole collection at once; for streams, use the builder.
 *
 * @example buildSecurityGroupReport(records, { rules }).overBroad.map((rule) => rule.ruleId)
 */
export function buildSecurityGroupReport(flows: Iterable<ReportFlow>, input: SecurityGroupReportInput): SecurityGroupReport {
  const builder = createSecurityGroupReportBuilder(input);
  for (const flow of flows) builder.add(flow);
  return builder.build();
}

function newRuleState(rule: SecurityGroupRule, thresholds: ReportThresholds, distinct: () => DistinctCounter): RuleState {
  const cidr = rule.peer.kind === 'ipv4_cidr' || rule.peer.kind === 'ipv6_cidr' ? rule.peer.cidr : undefined;
  const ruleBlock = cidr === undefined ? undefined : parseCidrBlock(cidr);
  return {
    rule,
    summary: summarizeRule(rule),
    flows: 0,
    bytes: 0,
    packets: 0,
    rejectedWouldAllow: 0,
    first: undefined,
    last: undefined,
    peers: distinct(),
    peerBlocks: ruleBlock === undefined ? undefined : createPeerPrefixSummary(ruleBlock.family, { blockLimit: thresholds.peerBlockLimit, minPrefixLength: ruleBlock.prefixLength }),
    ruleBlock,
    exposures: exposedPortsOf(rule).map(({ port, service, protocols }) => ({ port, service, protocols, flows: 0, last: undefined, sources: distinct() })),
  };
}

/**
 * The EXPOSED_SERVICE_PORTS an ingress rule opens to the whole internet.
 *
 * @example exposedPortsOf({ ..., direction: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }) // [{ port: 22, service: 'SSH', ... }]
 */
export function exposedPortsOf(rule: SecurityGroupRule): (typeof EXPOSED_SERVICE_PORTS)[number][] {
  if (rule.direction !== 'ingress') return [];
  if ((rule.peer.kind !== 'ipv4_cidr' && rule.peer.kind !== 'ipv6_cidr') || !isWholeInternet(rule.peer.cidr)) return [];
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol === undefined) return [];
  const range = destinationPortRange(rule);
  return EXPOSED_SERVICE_PORTS.filter(
    ({ port, protocols }) => (protocol === ALL_PROTOCOLS || protocols.includes(protocol)) && (range === undefined || (port >= range.from && port <= range.to)),
  );
}

function isWholeInternet(cidr: string): boolean {
  const block = parseCidrBlock(cidr);
  return block !== undefined && block.prefixLength === 0 && WHOLE_INTERNET_CIDRS.some((text) => parseCidrBlock(text)?.family === block.family);
}

/**
 * A rule in a few words of text: protocol, ports and peer.
 *
 * @example summarizeRule({ rule_id: 'sgr-1', group_id: 'sg-1', direction: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } })
 * // { ruleId: 'sgr-1', groupId: 'sg-1', direction: 'ingress', protocol: 'tcp', ports: '22', peer: '0.0.0.0/0' }
 */
export function summarizeRule(rule: SecurityGroupRule): RuleSummary {
  const number = ruleProtocolNumber(rule.protocol);
  const protocol = number === ALL_PROTOCOLS ? 'all' : number === IpProtocol.Tcp ? 'tcp' : number === IpProtocol.Udp ? 'udp' : number === IpProtocol.Icmp ? 'icmp' : number === IpProtocol.Icmpv6 ? 'icmpv6' : rule.protocol;
  let ports = 'all';
  if (number === IpProtocol.Tcp || number === IpProtocol.Udp) {
    const range = destinationPortRange(rule);
    if (range !== undefined) ports = range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
  } else if ((number === IpProtocol.Icmp || number === IpProtocol.Icmpv6) && rule.from_port !== undefined && rule.from_port >= 0) {
    ports = `type ${rule.from_port}${rule.to_port !== undefined && rule.to_port >= 0 ? ` code ${rule.to_port}` : ''}`;
  }
  const { peer } = rule;
  const peerText = peer.kind === 'ipv4_cidr' || peer.kind === 'ipv6_cidr' ? peer.cidr : peer.kind === 'prefix_list' ? peer.prefix_list_id : peer.group_id;
  return {
    ruleId: rule.rule_id,
    groupId: rule.group_id,
    direction: rule.direction,
    protocol,
    ports,
    peer: peerText,
    ...(rule.description === undefined || rule.description === '' ? {} : { description: rule.description }),
  };
}

function toRuleUsage(state: RuleState): RuleUsage {
  return {
    ...state.summary,
    flows: state.flows,
    bytes: state.bytes,
    packets: state.packets,
    distinctPeers: state.peers.count(),
    ...(state.first === undefined ? {} : { firstSeen: isoTime(state.first) }),
    ...(state.last === undefined ? {} : { lastSeen: isoTime(state.last) }),
    rejectedWouldAllow: state.rejectedWouldAllow,
  };
}

function overBroadOf(state: RuleState, thresholds: ReportThresholds): OverBroadRule[] {
  const { ruleBlock, peerBlocks } = state;
  if (state.flows === 0 || ruleBlock === undefined || peerBlocks === undefined) return [];
  const suggested = suggestCidrBlocks(peerBlocks.blocks(), thresholds.maxSuggestedCidrs);
  if (suggested.length === 0) return [];
  const widest = Math.min(...suggested.map((block) => block.prefixLength));
  const granularity = ruleBlock.family === 4 ? thresholds.ipv4GranularityPrefix : thresholds.ipv6GranularityPrefix;
  if (ruleBlock.prefixLength + thresholds.overBroadMarginBits > Math.min(widest, granularity)) return [];
  const suggestedSize = suggested.reduce((sum, block) => sum + blockSize(block), 0n);
  return [
    {
      ...state.summary,
      flows: state.flows,
      distinctPeers: state.peers.count(),
      suggestedCidrs: suggested.map(formatCidrBlock),
      suggestionsExact: peerBlocks.exact,
      reductionBits: ADDRESS_BITS[ruleBlock.family] - ruleBlock.prefixLength - (suggestedSize.toString(2).length - 1),
    },
  ];
}

function exposuresOf(state: RuleState): Exposure[] {
  return state.exposures.map((exposure) => ({
    ...state.summary,
    port: exposure.port,
    service: exposure.service,
    publicFlows: exposure.flows,
    publicSources: exposure.sources.count(),
    reached: exposure.flows > 0,
    ...(exposure.last === undefined ? {} : { lastReached: isoTime(exposure.last) }),
  }));
}

function rankingOf(hitters: HeavyHitters, limit: number): Ranking {
  return {
    items: hitters.top(limit).map(({ key, count, overcount }) => ({ key, value: count, overcount })),
    total: hitters.total,
    counters: hitters.capacity,
    errorBound: hitters.errorBound,
  };
}

/** Records from NDJSON are untrusted: a list field may hold anything, or be no list. */
function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}

function isoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace('.000Z', 'Z');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
