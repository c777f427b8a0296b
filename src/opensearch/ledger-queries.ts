/**
 * The search bodies of the OpenSearch ledger producer (issue 15), pure: one query of totals and a
 * handful of composite aggregations, each paged with `after_key` so that no bucket limit cuts a
 * large estate short. Every aggregation groups the documents by what the ledger counts, so only
 * buckets come back, never a document (the group-name look-up takes one `_source` per group).
 *
 * What each one counts mirrors src/report/ledger-builder.ts:
 * - `accepted`: records attributed `matched`, by (rule ids, group ids, direction, protocol,
 *   destination port, peer): a rule's flows, peers, peer blocks, public peers and networks,
 *   services, and the replay tuples of the safety check, all from one pass;
 * - `ruleTotals`: the same records by rule id, with their bytes, packets, first start and last
 *   end; `ruleDays`: by (rule id, UTC day of `start`): hits by day;
 * - `acceptedExposures`: those to an exposed port by (rule id, protocol, port, peer), with their
 *   last end: accepted exposures, their sources and last time;
 * - `wouldAllow`: records attributed `would_allow` by rule id; `wouldAllowExposures` those to an
 *   exposed port by (rule id, protocol, port, peer): blocked attempts, their sources and last time;
 * - `interfaceHours`: every record of an interface by the UTC hours of its `start` and `end`
 *   (coverage), `interfaceGroups` its groups;
 * - `groupNames`: one document's `_source` per group, for the name at the group's position;
 * - `talkers`: accepted records with bytes by (group, peer), weighted by bytes;
 * - `rejectedSources`: rejected records by (direction, source address).
 *
 * A source is a plain field wherever the documents carry the value (the peer in one slice of the
 * records at a time, see PEER_SLICES); a rule id source is the multi-valued field itself, one
 * bucket per rule a record lists, where each rule counts the records that list it.
 */
import { EXPOSED_SERVICE_PORTS } from '../domain/security-concepts.js';
import type { LedgerWindow } from '../report/ledger-source.js';

/**
 * Buckets asked per page. Each page of a composite aggregation runs the query again over every
 * document it matches, so the fewer the pages the less the node reads; OpenSearch refuses more
 * than `search.max_buckets` (65,535 by default) per response, and the client reads an answer of
 * at most 16 MiB.
 */
export const DEFAULT_LEDGER_PAGE_SIZE = 50_000;
/** `accepted` keys are the longest (the joined rule and group ids): 25,000 buckets stay well below the 16 MiB an answer may have. */
export const ACCEPTED_PAGE_SIZE = 25_000;
/** Pages of `groupNames` carry one `_source` per bucket: smaller. */
export const GROUP_NAMES_PAGE_SIZE = 1_000;

/**
 * A keyword list as one key: its distinct values in order (doc values are sorted and distinct),
 * joined by commas; the one value as it is when there is one, as for most records.
 */
function joinedValuesScript(field: string): string {
  return `def values = doc['${field}']; if (values.size() == 1) return values[0]; StringBuilder b = new StringBuilder(); for (String v : values) { if (b.length() > 0) b.append(','); b.append(v); } return b.toString();`;
}

export const NO_PEER = '-';

type Json = Readonly<Record<string, unknown>>;

const script = (source: string): Json => ({ script: { lang: 'painless', source } });
const term = (field: string, value: string): Json => ({ term: { [field]: value } });
const exists = (field: string): Json => ({ exists: { field } });
const missing = (field: string): Json => ({ bool: { must_not: [exists(field)] } });

/**
 * The peer of a record as the matcher takes it: the source inbound, the destination outbound,
 * packet addresses first; none without a direction. Rather than a script per document, the records
 * are read in slices, each with its peer in one plain `ip` field (its doc values, no script): an
 * aggregation with a peer is one composite aggregation per slice, the buckets of a key met in two
 * slices adding up in the assembler as the records of one key do.
 */
export const PEER_SLICES = {
  ingressPacket: { filter: [term('direction', 'ingress'), exists('pkt_srcaddr')], peer: { terms: { field: 'pkt_srcaddr' } } },
  ingress: { filter: [term('direction', 'ingress'), missing('pkt_srcaddr')], peer: { terms: { field: 'srcaddr', missing_bucket: true } } },
  egressPacket: { filter: [term('direction', 'egress'), exists('pkt_dstaddr')], peer: { terms: { field: 'pkt_dstaddr' } } },
  egress: { filter: [term('direction', 'egress'), missing('pkt_dstaddr')], peer: { terms: { field: 'dstaddr', missing_bucket: true } } },
  /** Records without a direction (or another one): no peer. */
  undirected: { filter: [{ bool: { must_not: [{ terms: { direction: ['ingress', 'egress'] } }] } }], peer: undefined },
} as const satisfies Readonly<Record<string, { filter: readonly Json[]; peer: Json | undefined }>>;

export type PeerSliceName = keyof typeof PEER_SLICES;
const DIRECTED_SLICES: readonly PeerSliceName[] = ['ingressPacket', 'ingress', 'egressPacket', 'egress'];
const ALL_SLICES: readonly PeerSliceName[] = [...DIRECTED_SLICES, 'undirected'];

interface LedgerAggregation {
  readonly filter: readonly Json[];
  /** The sources before the peer, when the aggregation has one (the peer source is last). */
  readonly sources: readonly Json[];
  /** Which peer slices the aggregation reads: every one, or those with a direction (the others' records it leaves out anyway). */
  readonly peerSlices?: readonly PeerSliceName[];
  readonly aggs?: Json;
  readonly pageSize?: number;
  /** Read one interface partition at a time (see planInterfacePartitions): the aggregations whose keys grow with the estate. */
  readonly partitioned?: boolean;
}

const exposedPorts: Json = { terms: { dstport: [...new Set(EXPOSED_SERVICE_PORTS.map(({ port }) => port))] } };

/** The composite aggregations of a ledger, by name: their sources, filter and sub-aggregations. */
export const LEDGER_AGGREGATIONS = {
  accepted: {
    filter: [term('rule_match', 'matched')],
    // The joined rule and group ids stay scripts: the replay tuples count each record once under its set of groups, with its set of rules.
    // No metric: on many shards a composite page costs several times more with sub-aggregations; the sums and times come per rule (`ruleTotals`).
    sources: [
      { rules: { terms: script(joinedValuesScript('security_group_rule_ids')) } },
      { groups: { terms: script(joinedValuesScript('security_group_ids')) } },
      { direction: { terms: { field: 'direction', missing_bucket: true } } },
      { protocol: { terms: { field: 'protocol', missing_bucket: true } } },
      { port: { terms: { field: 'dstport', missing_bucket: true } } },
    ],
    peerSlices: ALL_SLICES,
    pageSize: ACCEPTED_PAGE_SIZE,
    partitioned: true,
  },
  ruleTotals: {
    filter: [term('rule_match', 'matched')],
    sources: [{ rule: { terms: { field: 'security_group_rule_ids' } } }],
    aggs: { bytes: { sum: { field: 'bytes' } }, packets: { sum: { field: 'packets' } }, first: { min: { field: 'start' } }, last: { max: { field: 'end' } } },
  },
  acceptedExposures: {
    filter: [term('rule_match', 'matched'), exposedPorts],
    sources: [{ rules: { terms: { field: 'security_group_rule_ids' } } }, { protocol: { terms: { field: 'protocol' } } }, { port: { terms: { field: 'dstport' } } }],
    peerSlices: DIRECTED_SLICES,
    aggs: { last: { max: { field: 'end' } } },
    partitioned: true,
  },
  ruleDays: {
    filter: [term('rule_match', 'matched'), exists('start')],
    sources: [{ rule: { terms: { field: 'security_group_rule_ids' } } }, { day: { date_histogram: { field: 'start', calendar_interval: '1d', time_zone: 'UTC' } } }],
  },
  wouldAllow: {
    filter: [term('rule_match', 'would_allow')],
    // One bucket per rule id of a record: what each rule counts is the records that list it.
    sources: [{ rules: { terms: { field: 'security_group_rule_ids' } } }],
  },
  wouldAllowExposures: {
    filter: [term('rule_match', 'would_allow'), exposedPorts],
    sources: [{ rules: { terms: { field: 'security_group_rule_ids' } } }, { protocol: { terms: { field: 'protocol' } } }, { port: { terms: { field: 'dstport' } } }],
    peerSlices: DIRECTED_SLICES,
    aggs: { last: { max: { field: 'end' } } },
    partitioned: true,
  },
  interfaceHours: {
    filter: [exists('interface_id')],
    sources: [
      { interface: { terms: { field: 'interface_id' } } },
      { from: { date_histogram: { field: 'start', calendar_interval: '1h', time_zone: 'UTC', missing_bucket: true } } },
      { to: { date_histogram: { field: 'end', calendar_interval: '1h', time_zone: 'UTC', missing_bucket: true } } },
    ],
    partitioned: true,
  },
  interfaceGroups: {
    filter: [exists('interface_id'), exists('security_group_ids')],
    sources: [{ interface: { terms: { field: 'interface_id' } } }, { group: { terms: { field: 'security_group_ids' } } }],
  },
  groupNames: {
    filter: [exists('security_group_ids')],
    sources: [{ group: { terms: { field: 'security_group_ids' } } }],
    aggs: { named: { filter: exists('security_group_names'), aggs: { one: { top_hits: { size: 1, _source: { includes: ['security_group_ids', 'security_group_names'] } } } } } },
    pageSize: GROUP_NAMES_PAGE_SIZE,
  },
  talkers: {
    filter: [term('action', 'ACCEPT'), { range: { bytes: { gt: 0 } } }],
    sources: [{ group: { terms: { field: 'security_group_ids' } } }],
    peerSlices: DIRECTED_SLICES,
    aggs: { bytes: { sum: { field: 'bytes' } } },
    partitioned: true,
  },
  rejectedSources: {
    filter: [term('action', 'REJECT'), exists('srcaddr')],
    sources: [{ direction: { terms: { field: 'direction', missing_bucket: true } } }, { source: { terms: { field: 'srcaddr' } } }],
    partitioned: true,
  },
} as const satisfies Readonly<Record<string, LedgerAggregation>>;

export type LedgerAggregationName = keyof typeof LEDGER_AGGREGATIONS;
export const LEDGER_AGGREGATION_NAMES = Object.keys(LEDGER_AGGREGATIONS) as LedgerAggregationName[];

/**
 * A range of interface ids (inclusive, in the order OpenSearch sorts keywords), or the records
 * without one. Each page of a composite aggregation runs its query over every record the query
 * matches again; read a partition at a time, a record is read by about as many pages as its
 * partition needs, a bounded number, rather than by every page of the whole aggregation, whose
 * number grows with the estate.
 */
export type InterfacePartition = { readonly first: string; readonly last: string } | { readonly withoutInterface: true };

/** Records per interface partition, as a multiple of the aggregation's page size: few pages per partition, few partitions. */
export const PARTITION_PAGES = 4;

/** One composite aggregation the producer pages through: an aggregation, or one peer slice of it, or one interface partition of that. */
export interface LedgerSearchPart {
  readonly name: LedgerAggregationName;
  readonly slice?: PeerSliceName;
  readonly partition?: InterfacePartition;
}

/**
 * The composite aggregations of a ledger, in the order they are read: each aggregation once, or
 * once per peer slice; a partitioned one with more records than a partition holds once per
 * interface partition of that; none for an aggregation or slice the plan knows has no record.
 *
 * @example ledgerSearchParts().filter((part) => part.name === 'talkers').length // 4
 */
export function ledgerSearchParts(plan: LedgerSearchPlan = { partitions: [], partitionRecords: Infinity }): LedgerSearchPart[] {
  return LEDGER_AGGREGATION_NAMES.flatMap((name): LedgerSearchPart[] => {
    const definition: LedgerAggregation = LEDGER_AGGREGATIONS[name];
    const slices: readonly (PeerSliceName | undefined)[] = definition.peerSlices ?? [undefined];
    return slices.flatMap((slice): LedgerSearchPart[] => {
      const records = plan.records?.get(partKeyOf(name, slice));
      if (records === 0) return [];
      const part = { name, ...(slice === undefined ? {} : { slice }) };
      const partitioned = definition.partitioned === true && plan.partitions.length > 1 && (records === undefined || records > plan.partitionRecords);
      return partitioned ? plan.partitions.map((partition) => ({ ...part, partition })) : [part];
    });
  });
}

/**
 * How to read the aggregations: the interface partitions, the records a partition may hold, and
 * the records each aggregation (or peer slice of one) matches, by partKeyOf, when known. A part
 * without records is not read; one with no more than a partition holds is read whole.
 */
export interface LedgerSearchPlan {
  readonly partitions: readonly InterfacePartition[];
  readonly partitionRecords: number;
  readonly records?: ReadonlyMap<string, number>;
}

/** The name of an aggregation, or of one peer slice of it, in the totals' `parts` counts. */
function partKeyOf(name: LedgerAggregationName, slice: PeerSliceName | undefined): string {
  return slice === undefined ? name : `${name}/${slice}`;
}

/** The filter of each aggregation, or peer slice of one, by partKeyOf: the totals count their records, so that empty ones are not read. */
function partFilters(): Record<string, Json> {
  const filters: Record<string, Json> = {};
  for (const name of LEDGER_AGGREGATION_NAMES) {
    const definition: LedgerAggregation = LEDGER_AGGREGATIONS[name];
    for (const slice of definition.peerSlices ?? [undefined]) {
      filters[partKeyOf(name, slice)] = { bool: { filter: [...definition.filter, ...(slice === undefined ? [] : PEER_SLICES[slice].filter)] } };
    }
  }
  return filters;
}

/** Interface ids per page of `interfaceCountsBody`. */
export const INTERFACE_COUNTS_PAGE_SIZE = 50_000;

/** The body of one page of the records per interface id (the records without one under a null key), for planInterfacePartitions. */
export function interfaceCountsBody(window: LedgerWindow | undefined, after: Json | undefined, pageSize = INTERFACE_COUNTS_PAGE_SIZE) {
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: windowFilter(window) } },
    aggs: { page: { composite: { size: pageSize, sources: [{ interface: { terms: { field: 'interface_id', missing_bucket: true } } }], ...(after === undefined ? {} : { after }) } } },
  };
}

/**
 * Consecutive interfaces, in key order, grouped into ranges of at most `maxRecords` records (an
 * interface with more is a range of its own), and the records without an interface apart.
 *
 * @example planInterfacePartitions([[null, 3], ['eni-a', 5], ['eni-b', 5], ['eni-c', 1]], 6) // [{ withoutInterface: true }, { first: 'eni-a', last: 'eni-a' }, { first: 'eni-b', last: 'eni-c' }]
 */
export function planInterfacePartitions(counts: Iterable<readonly [string | null, number]>, maxRecords: number): InterfacePartition[] {
  const partitions: InterfacePartition[] = [];
  let open: { first: string; last: string; records: number } | undefined;
  for (const [interfaceId, records] of counts) {
    if (interfaceId === null) {
      if (records > 0) partitions.push({ withoutInterface: true });
      continue;
    }
    if (open !== undefined && open.records + records <= maxRecords) {
      open.last = interfaceId;
      open.records += records;
      continue;
    }
    if (open !== undefined) partitions.push({ first: open.first, last: open.last });
    open = { first: interfaceId, last: interfaceId, records };
  }
  if (open !== undefined) partitions.push({ first: open.first, last: open.last });
  return partitions;
}

function partitionFilter(partition: InterfacePartition): Json {
  return 'withoutInterface' in partition ? missing('interface_id') : { range: { interface_id: { gte: partition.first, lte: partition.last } } };
}

/** The window as a filter on the records' `start` (epoch seconds, `[from, to)`), as the stream builder reads it. */
export function windowFilter(window: LedgerWindow | undefined): Json[] {
  return window === undefined ? [] : [{ range: { start: { gte: window.from, lt: window.to, format: 'epoch_second' } } }];
}

/**
 * The parts in two lanes that a producer may read side by side: `accepted`, `ruleTotals`,
 * `ruleDays` and `wouldAllow` fold into the rules' state; the others into the exposures, the
 * interfaces, the groups and the rankings. What both lanes touch (a rule's exposures, the unknown
 * rule ids) are sums, maxima and sets, which do not depend on the order the pages come in; what
 * does (a bounded collection keeping the keys it meets first) is touched by one lane only.
 *
 * @example ledgerSearchLanes()[0]?.[0] // { name: 'accepted', slice: 'ingressPacket' }
 */
export function ledgerSearchLanes(plan?: LedgerSearchPlan): LedgerSearchPart[][] {
  const first: ReadonlySet<LedgerAggregationName> = new Set(['accepted', 'ruleTotals', 'ruleDays', 'wouldAllow']);
  const parts = ledgerSearchParts(plan);
  return [parts.filter((part) => first.has(part.name)), parts.filter((part) => !first.has(part.name))];
}

/**
 * The body of one page of a composite aggregation (of one peer slice, for an aggregation with a
 * peer): `after` is the previous page's `after_key`.
 *
 * @example compositePageBody('ruleDays', { from: 0, to: 86_400 }, undefined).aggs.page.composite.size // 50000
 */
export function compositePageBody(name: LedgerAggregationName, window: LedgerWindow | undefined, after: Json | undefined, pageSize = pageSizeOf(name), slice?: PeerSliceName, partition?: InterfacePartition) {
  const definition: LedgerAggregation = LEDGER_AGGREGATIONS[name];
  if ((definition.peerSlices === undefined) !== (slice === undefined) || (slice !== undefined && !definition.peerSlices?.includes(slice))) {
    throw new RangeError(`aggregation ${name} has no peer slice ${String(slice)}`);
  }
  const peerSlice = slice === undefined ? undefined : PEER_SLICES[slice];
  const sources = peerSlice?.peer === undefined ? definition.sources : [...definition.sources, { peer: peerSlice.peer }];
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [...windowFilter(window), ...definition.filter, ...(peerSlice?.filter ?? []), ...(partition === undefined ? [] : [partitionFilter(partition)])] } },
    aggs: {
      page: {
        composite: { size: pageSize, sources, ...(after === undefined ? {} : { after }) },
        ...(definition.aggs === undefined ? {} : { aggs: definition.aggs }),
      },
    },
  };
}

export function pageSizeOf(name: LedgerAggregationName): number {
  const definition: LedgerAggregation = LEDGER_AGGREGATIONS[name];
  return definition.pageSize ?? DEFAULT_LEDGER_PAGE_SIZE;
}

/** The body of the totals: records (exactly), accepted, rejected, bytes, records by `rule_match`, the window's first start and last end, and the records of each aggregation's filter (`parts`). */
export function totalsBody(window: LedgerWindow | undefined) {
  return {
    size: 0,
    track_total_hits: true,
    query: { bool: { filter: windowFilter(window) } },
    aggs: {
      accepted: { filter: term('action', 'ACCEPT') },
      rejected: { filter: term('action', 'REJECT') },
      bytes: { sum: { field: 'bytes' } },
      ruleMatch: { terms: { field: 'rule_match', size: 100 } },
      first: { min: { field: 'start' } },
      last: { max: { field: 'end' } },
      parts: { filters: { filters: partFilters() } },
    },
  };
}
