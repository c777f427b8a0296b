/**
 * The search bodies of the OpenSearch ledger producer (issue 15), pure: one query of totals and a
 * handful of composite aggregations, each paged with `after_key` so that no bucket limit cuts a
 * large estate short. Every aggregation groups the documents by what the ledger counts, so only
 * buckets come back, never a document (the group-name look-up takes one `_source` per group).
 *
 * What each one counts mirrors src/report/ledger-builder.ts:
 * - `accepted`: records attributed `matched`, by (rule ids, group ids, direction, protocol,
 *   destination port, peer), with their bytes, packets, first start and last end: a rule's
 *   flows, bytes, packets, first and last hit, peers, peer blocks, public peers and networks,
 *   services, accepted exposures, and the replay tuples of the safety check, all from one pass;
 * - `ruleDays`: the same records by (rule id, UTC day of `start`): hits by day;
 * - `wouldAllow`: records attributed `would_allow` by rule ids; `wouldAllowExposures` those to an
 *   exposed port by (rule ids, protocol, port, peer): blocked attempts and their sources;
 * - `interfaceHours`: every record of an interface by the UTC hours of its `start` and `end`
 *   (coverage), `interfaceGroups` its groups;
 * - `groupNames`: one document's `_source` per group, for the name at the group's position;
 * - `talkers`: accepted records with bytes by (group, peer), weighted by bytes;
 * - `rejectedSources`: rejected records by (direction, source address).
 */
import { EXPOSED_SERVICE_PORTS } from '../domain/security-concepts.js';
import type { LedgerWindow } from '../report/ledger-source.js';

/** Buckets asked per page. OpenSearch refuses more than `search.max_buckets` (65,535 by default) per response. */
export const DEFAULT_LEDGER_PAGE_SIZE = 10_000;
/** Pages of `groupNames` carry one `_source` per bucket: smaller. */
export const GROUP_NAMES_PAGE_SIZE = 1_000;

/** The peer of a record as the matcher takes it: the source inbound, the destination outbound, packet addresses first; `-` when none. */
export const PEER_SCRIPT = [
  "String d = doc['direction'].size() == 0 ? '' : doc['direction'].value;",
  "if (d == 'ingress') { if (doc['pkt_srcaddr'].size() != 0) return doc['pkt_srcaddr'].value; if (doc['srcaddr'].size() != 0) return doc['srcaddr'].value; }",
  "else if (d == 'egress') { if (doc['pkt_dstaddr'].size() != 0) return doc['pkt_dstaddr'].value; if (doc['dstaddr'].size() != 0) return doc['dstaddr'].value; }",
  "return '-';",
].join(' ');

/** A keyword list as one key: its distinct values in order (doc values are sorted and distinct), joined by commas. */
function joinedValuesScript(field: string): string {
  return `StringBuilder b = new StringBuilder(); for (String v : doc['${field}']) { if (b.length() > 0) b.append(','); b.append(v); } return b.toString();`;
}

export const NO_PEER = '-';

type Json = Readonly<Record<string, unknown>>;

const script = (source: string): Json => ({ script: { lang: 'painless', source } });
const term = (field: string, value: string): Json => ({ term: { [field]: value } });
const exists = (field: string): Json => ({ exists: { field } });

/** The composite aggregations of a ledger, by name: their sources, filter and sub-aggregations. */
export const LEDGER_AGGREGATIONS = {
  accepted: {
    filter: [term('rule_match', 'matched')],
    sources: [
      { rules: { terms: script(joinedValuesScript('security_group_rule_ids')) } },
      { groups: { terms: script(joinedValuesScript('security_group_ids')) } },
      { direction: { terms: { field: 'direction', missing_bucket: true } } },
      { protocol: { terms: { field: 'protocol', missing_bucket: true } } },
      { port: { terms: { field: 'dstport', missing_bucket: true } } },
      { peer: { terms: script(PEER_SCRIPT) } },
    ],
    aggs: { bytes: { sum: { field: 'bytes' } }, packets: { sum: { field: 'packets' } }, first: { min: { field: 'start' } }, last: { max: { field: 'end' } } },
  },
  ruleDays: {
    filter: [term('rule_match', 'matched'), exists('start')],
    sources: [{ rule: { terms: { field: 'security_group_rule_ids' } } }, { day: { date_histogram: { field: 'start', calendar_interval: '1d', time_zone: 'UTC' } } }],
  },
  wouldAllow: {
    filter: [term('rule_match', 'would_allow')],
    sources: [{ rules: { terms: script(joinedValuesScript('security_group_rule_ids')) } }],
  },
  wouldAllowExposures: {
    filter: [term('rule_match', 'would_allow'), { terms: { dstport: [...new Set(EXPOSED_SERVICE_PORTS.map(({ port }) => port))] } }],
    sources: [
      { rules: { terms: script(joinedValuesScript('security_group_rule_ids')) } },
      { protocol: { terms: { field: 'protocol' } } },
      { port: { terms: { field: 'dstport' } } },
      { peer: { terms: script(PEER_SCRIPT) } },
    ],
    aggs: { last: { max: { field: 'end' } } },
  },
  interfaceHours: {
    filter: [exists('interface_id')],
    sources: [
      { interface: { terms: { field: 'interface_id' } } },
      { from: { date_histogram: { field: 'start', calendar_interval: '1h', time_zone: 'UTC', missing_bucket: true } } },
      { to: { date_histogram: { field: 'end', calendar_interval: '1h', time_zone: 'UTC', missing_bucket: true } } },
    ],
  },
  interfaceGroups: {
    filter: [exists('interface_id'), exists('security_group_ids')],
    sources: [{ interface: { terms: { field: 'interface_id' } } }, { group: { terms: { field: 'security_group_ids' } } }],
  },
  groupNames: {
    filter: [exists('security_group_ids')],
    sources: [{ group: { terms: { field: 'security_group_ids' } } }],
    aggs: { named: { filter: exists('security_group_names'), aggs: { one: { top_hits: { size: 1, _source: { includes: ['security_group_ids', 'security_group_names'] } } } } } },
  },
  talkers: {
    filter: [term('action', 'ACCEPT'), { range: { bytes: { gt: 0 } } }, { terms: { direction: ['ingress', 'egress'] } }],
    sources: [{ group: { terms: { field: 'security_group_ids' } } }, { peer: { terms: script(PEER_SCRIPT) } }],
    aggs: { bytes: { sum: { field: 'bytes' } } },
  },
  rejectedSources: {
    filter: [term('action', 'REJECT'), exists('srcaddr')],
    sources: [{ direction: { terms: { field: 'direction', missing_bucket: true } } }, { source: { terms: { field: 'srcaddr' } } }],
  },
} as const satisfies Readonly<Record<string, { filter: readonly Json[]; sources: readonly Json[]; aggs?: Json }>>;

export type LedgerAggregationName = keyof typeof LEDGER_AGGREGATIONS;
export const LEDGER_AGGREGATION_NAMES = Object.keys(LEDGER_AGGREGATIONS) as LedgerAggregationName[];

/** The window as a filter on the records' `start` (epoch seconds, `[from, to)`), as the stream builder reads it. */
export function windowFilter(window: LedgerWindow | undefined): Json[] {
  return window === undefined ? [] : [{ range: { start: { gte: window.from, lt: window.to, format: 'epoch_second' } } }];
}

/**
 * The body of one page of a composite aggregation: `after` is the previous page's `after_key`.
 *
 * @example compositePageBody('ruleDays', { from: 0, to: 86_400 }, undefined).aggs.page.composite.size // 10000
 */
export function compositePageBody(name: LedgerAggregationName, window: LedgerWindow | undefined, after: Json | undefined, pageSize = pageSizeOf(name)) {
  const definition: { filter: readonly Json[]; sources: readonly Json[]; aggs?: Json } = LEDGER_AGGREGATIONS[name];
  return {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [...windowFilter(window), ...definition.filter] } },
    aggs: {
      page: {
        composite: { size: pageSize, sources: definition.sources, ...(after === undefined ? {} : { after }) },
        ...(definition.aggs === undefined ? {} : { aggs: definition.aggs }),
      },
    },
  };
}

export function pageSizeOf(name: LedgerAggregationName): number {
  return name === 'groupNames' ? GROUP_NAMES_PAGE_SIZE : DEFAULT_LEDGER_PAGE_SIZE;
}

/** The body of the totals: records (exactly), accepted, rejected, bytes, records by `rule_match`, the window's first start and last end. */
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
    },
  };
}
