import { EXPOSED_SERVICE_PORTS, NON_PUBLIC_SOURCE_CIDRS } from '../domain/security-concepts.js';
import { RULE_MATCHES } from '../domain/rule-match.js';
import { OutputSchema } from '../output-schema/output-schema.js';
import type { LedgerLimits, LedgerWindow } from '../report/index.js';
import { FLOW_FIELDS, flowProjection, type FlowField } from './flow-columns.js';

/**
 * The SQL of the Athena ledger producer (issue 15): five queries over the Glue table of the
 * delivered documents (template.yaml, `FlowLogTable`), each one scan of the window's partitions,
 * each returning aggregates only (per rule, per rule and day, per interface hour run, top-N
 * rankings, distinct replay tuples). `createAthenaLedgerSource` reads their rows back into the
 * same `ReportLedger` the local stream builds (src/report/ledger-builder.ts, whose counting rules
 * every expression below repeats; the comments name the line of thought, not the line).
 *
 * The dialect is Trino's (Athena engine version 3), and the integration tier runs these very
 * strings on a real Trino (test/integration/trino).
 */

/** The table to read: `"database"."table"` once quoted. */
export interface LedgerTable {
  /** Catalog prefix for engines that need one (Trino's `hive`); Athena takes the database alone. */
  readonly catalog?: string;
  readonly database: string;
  readonly table: string;
}

export interface LedgerSqlInput {
  readonly table: LedgerTable;
  readonly window?: LedgerWindow;
  readonly limits: LedgerLimits;
  /** The schema of the table's documents (src/athena/schema-columns.ts); native when absent. */
  readonly schema?: OutputSchema;
}

/** The five queries, named for the part of the ledger each feeds. */
export interface LedgerQueries {
  readonly totals: string;
  readonly rules: string;
  readonly interfaces: string;
  readonly rankings: string;
  readonly replay: string;
}

const SECONDS_PER_DAY = 86_400;
/**
 * Firehose names the `year=/month=/day=` prefix after the arrival time, which follows a record's
 * `start` by its aggregation interval plus the buffering (minutes). One day past the window's end
 * covers any arrival; the `start` filter then keeps exactly the window.
 */
const ARRIVAL_SLACK_DAYS = 1;
/** Distinct public /8 or /32 networks counted per rule, as the local stream caps them. */
export const MAX_PEER_NETWORKS = 4_096;
/** Coarse blocks a rule's peers are read back as once past `peerBlockLimit`: /24 (IPv4) and /48 (IPv6). */
export const COARSE_IPV4_PREFIX = 24;
export const COARSE_IPV6_PREFIX = 48;

/** An identifier in double quotes, any quote in it doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function tableName(table: LedgerTable): string {
  return [table.catalog, table.database, table.table].filter((part): part is string => part !== undefined).map(quoteIdentifier).join('.');
}

/**
 * The partition predicate of a window: one `(year, month, day range)` term per month touched, so
 * that partition projection lists only those prefixes.
 *
 * @example partitionPredicate({ from: Date.UTC(2026, 10, 30) / 1000, to: Date.UTC(2026, 11, 2) / 1000 })
 * // '((year = 2026 AND month = 11 AND day BETWEEN 30 AND 30) OR (year = 2026 AND month = 12 AND day BETWEEN 1 AND 3))'
 */
export function partitionPredicate(window: LedgerWindow): string {
  const firstDay = Math.floor(window.from / SECONDS_PER_DAY);
  // `to` is exclusive: the last second of the window is to - 1.
  const lastDay = Math.floor((Math.max(window.from, window.to - 1)) / SECONDS_PER_DAY) + ARRIVAL_SLACK_DAYS;
  const terms: string[] = [];
  let day = firstDay;
  while (day <= lastDay) {
    const date = new Date(day * SECONDS_PER_DAY * 1000);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const monthEnd = Math.floor(Date.UTC(year, month + 1, 1) / 1000 / SECONDS_PER_DAY) - 1;
    const until = Math.min(monthEnd, lastDay);
    const untilDate = new Date(until * SECONDS_PER_DAY * 1000);
    terms.push(`(year = ${year} AND month = ${month + 1} AND day BETWEEN ${date.getUTCDate()} AND ${untilDate.getUTCDate()})`);
    day = until + 1;
  }
  return `(${terms.join(' OR ')})`;
}

/** The peer of a record, as `flowPeerAddress`: the packet-level address when present. */
const PEER = `CASE direction WHEN 'ingress' THEN coalesce(pkt_srcaddr, srcaddr) WHEN 'egress' THEN coalesce(pkt_dstaddr, dstaddr) END`;

/** `isPublicAddress` of the peer: an address outside every non-public network. */
function publicPredicate(address: string): string {
  const networks = NON_PUBLIC_SOURCE_CIDRS.map(sqlString).join(', ');
  return `(try_cast(${address} AS IPADDRESS) IS NOT NULL AND NOT any_match(ARRAY[${networks}], network -> contains(network, try_cast(${address} AS IPADDRESS))))`;
}

/** The /8 of an IPv4 peer (its first label, as the local stream keys it) or the /32 of an IPv6 one. */
function peerNetwork(address: string): string {
  return `IF(strpos(${address}, ':') = 0, split_part(${address}, '.', 1), to_hex(substr(CAST(try_cast(${address} AS IPADDRESS) AS VARBINARY), 1, 4)))`;
}

/** The coarse block of a peer: its /24 as three labels, or the first 6 bytes of an IPv6 one in hex. */
function coarseNetwork(address: string): string {
  return `IF(strpos(${address}, ':') = 0, regexp_extract(${address}, '^\\d+\\.\\d+\\.\\d+'), to_hex(substr(CAST(try_cast(${address} AS IPADDRESS) AS VARBINARY), 1, ${COARSE_IPV6_PREFIX / 8})))`;
}

/** The exposed port a record reached (protocol and port of EXPOSED_SERVICE_PORTS), else NULL. */
function exposedPort(): string {
  const cases = EXPOSED_SERVICE_PORTS.map(({ port, protocols }) => `WHEN dstport = ${port} AND protocol IN (${protocols.join(', ')}) THEN ${port}`);
  return `CASE ${cases.join(' ')} END`;
}

/** The fields the ledger reads, under their native names whatever the table's schema: all but the time column and geolocation. */
const LEDGER_FIELDS: readonly FlowField[] = FLOW_FIELDS.filter((field) => field !== 'event_time' && field !== 'src_geo');

/**
 * The window's records, with their peer: the one relation every query reads, once. The first
 * step reads the fields from the table of the schema (partitions pruned), the second keeps the
 * window's records by their start and adds the peer.
 */
function flowsRelation(input: LedgerSqlInput): string {
  const schema = input.schema ?? OutputSchema.Native;
  const startFilters = input.window === undefined ? [] : [`"start" >= ${Math.floor(input.window.from)}`, `"start" < ${Math.ceil(input.window.to)}`];
  return [
    `flow_fields AS (`,
    `  SELECT ${flowProjection(schema, LEDGER_FIELDS).join(',\n    ')}`,
    `  FROM ${tableName(input.table)}`,
    ...(input.window === undefined ? [] : [`  WHERE ${partitionPredicate(input.window)}`]),
    `),`,
    `flows AS (`,
    `  SELECT *, ${PEER} AS peer`,
    `  FROM flow_fields`,
    ...(startFilters.length === 0 ? [] : [`  WHERE ${startFilters.join(' AND ')}`]),
    `)`,
  ].join('\n');
}

/** Totals, the window's ends, `rule_match` buckets and distinct interfaces: one row. */
function totalsQuery(input: LedgerSqlInput): string {
  const buckets = RULE_MATCHES.map((match) => `  count_if(rule_match = ${sqlString(match)}) AS ${quoteIdentifier(`match_${match}`)},`);
  return [
    `WITH ${flowsRelation(input)}`,
    'SELECT',
    '  count(*) AS records,',
    "  count_if(action = 'ACCEPT') AS accepted,",
    "  count_if(action = 'REJECT') AS rejected,",
    '  coalesce(sum(IF(bytes > 0, bytes, 0)), 0) AS bytes,',
    '  min("start") AS first_start,',
    '  max("end") AS last_end,',
    ...buckets,
    `  count_if(rule_match IS NULL OR rule_match NOT IN (${RULE_MATCHES.map(sqlString).join(', ')})) AS match_not_attributed,`,
    '  count(DISTINCT interface_id) AS interfaces',
    'FROM flows',
  ].join('\n');
}

/**
 * Per rule id of `matched` and `would_allow` records, in one scan (grouping sets): the rule's
 * totals (`kind` rule), its flows per day (day), per (protocol, port) (service, the first
 * `serviceLimit` by flows), per exposed port (exposure), its peers while at most `peerBlockLimit`
 * (peer) and their coarse blocks past it (coarse).
 */
function rulesQuery(input: LedgerSqlInput): string {
  const { peerBlockLimit, serviceLimit } = input.limits;
  const isPublic = publicPredicate('peer');
  return [
    `WITH ${flowsRelation(input)},`,
    'rule_flows AS (',
    "  SELECT rule_id, rule_match = 'matched' AS hit, bytes, packets, \"start\", \"end\", peer, protocol,",
    `    ${isPublic} AS public_peer,`,
    `    ${peerNetwork('peer')} AS network,`,
    `    ${coarseNetwork('peer')} AS coarse,`,
    `    "start" / ${SECONDS_PER_DAY} AS day,`,
    '    protocol AS service_protocol,',
    '    IF(protocol IS NULL, NULL, IF(dstport > 0, dstport, 0)) AS service_port,',
    `    ${exposedPort()} AS exposed_port`,
    '  FROM flows CROSS JOIN UNNEST(security_group_rule_ids) AS r (rule_id)',
    "  WHERE rule_match IN ('matched', 'would_allow') AND rule_id IS NOT NULL",
    '),',
    'grouped AS (',
    '  SELECT rule_id, day, service_protocol, service_port, exposed_port, peer, coarse,',
    "    CASE WHEN grouping(day) = 0 THEN 'day' WHEN grouping(service_protocol) = 0 THEN 'service' WHEN grouping(exposed_port) = 0 THEN 'exposure'",
    "      WHEN grouping(peer) = 0 THEN 'peer' WHEN grouping(coarse) = 0 THEN 'coarse' ELSE 'rule' END AS kind,",
    '    count_if(hit) AS flows,',
    '    coalesce(sum(IF(hit AND bytes > 0, bytes, 0)), 0) AS bytes,',
    '    coalesce(sum(IF(hit, packets)), 0) AS packets,',
    '    min(IF(hit, "start")) AS first_seen,',
    '    max(IF(hit, "end")) AS last_seen,',
    '    count_if(NOT hit) AS would_allow,',
    '    count(DISTINCT IF(hit, peer)) AS peers,',
    '    count(DISTINCT IF(hit AND public_peer, peer)) AS public_peers,',
    '    count(DISTINCT IF(hit AND public_peer, network)) AS public_networks,',
    '    count_if(hit AND protocol IS NULL) AS services_unknown,',
    '    count_if(hit AND public_peer) AS public_flows,',
    '    max(IF(hit AND public_peer, "end")) AS last_public,',
    '    count_if(NOT hit AND public_peer) AS blocked,',
    '    count(DISTINCT IF(NOT hit AND public_peer, peer)) AS blocked_sources,',
    '    max(IF(NOT hit AND public_peer, "end")) AS last_blocked',
    '  FROM rule_flows',
    '  GROUP BY GROUPING SETS ((rule_id), (rule_id, day), (rule_id, service_protocol, service_port), (rule_id, exposed_port), (rule_id, peer), (rule_id, coarse))',
    '),',
    'kept AS (',
    '  SELECT * FROM grouped',
    "  WHERE kind = 'rule'",
    "    OR (kind = 'day' AND day IS NOT NULL AND flows > 0)",
    "    OR (kind = 'service' AND service_protocol IS NOT NULL AND flows > 0)",
    "    OR (kind = 'exposure' AND exposed_port IS NOT NULL AND (public_flows > 0 OR blocked > 0))",
    "    OR (kind = 'peer' AND peer IS NOT NULL AND flows > 0)",
    "    OR (kind = 'coarse' AND coarse IS NOT NULL AND flows > 0)",
    '),',
    'ranked AS (',
    '  SELECT *,',
    '    count(*) OVER (PARTITION BY kind, rule_id) AS siblings,',
    '    row_number() OVER (PARTITION BY kind, rule_id ORDER BY flows DESC, service_protocol, service_port) AS position,',
    "    max(IF(kind = 'rule', peers)) OVER (PARTITION BY rule_id) AS rule_peers",
    '  FROM kept',
    ')',
    'SELECT kind, rule_id, day, service_protocol, service_port, exposed_port, peer, coarse, flows, bytes, packets, first_seen, last_seen,',
    '  would_allow, peers, public_peers, public_networks, services_unknown, public_flows, last_public, blocked, blocked_sources, last_blocked, siblings',
    'FROM ranked',
    "WHERE kind IN ('rule', 'day', 'exposure')",
    `  OR (kind = 'service' AND position <= ${serviceLimit})`,
    `  OR (kind = 'peer' AND rule_peers <= ${peerBlockLimit})`,
    `  OR (kind = 'coarse' AND rule_peers > ${peerBlockLimit})`,
  ].join('\n');
}

/**
 * Interfaces: the hours each one's records cover, as runs (`coverHours` of the local stream: a
 * record spanning at most two hour boundaries covers every hour between, a longer one its two
 * ends), and the groups named on its records. Hours become runs in the engine (gaps and islands),
 * so a month of a continuously logging interface is one row.
 */
function interfacesQuery(input: LedgerSqlInput): string {
  const from = 'coalesce("start", "end")';
  const to = 'coalesce("end", "start")';
  return [
    `WITH ${flowsRelation(input)},`,
    'hours AS (',
    '  SELECT interface_id, hour, coalesce(security_group_ids, CAST(ARRAY[] AS array(varchar))) AS group_ids',
    '  FROM flows CROSS JOIN UNNEST(',
    `    CASE WHEN ${from} IS NULL OR ${to} < ${from} THEN ARRAY[CAST(NULL AS bigint)]`,
    `      WHEN ${to} / 3600 - ${from} / 3600 <= 2 THEN sequence(${from} / 3600, ${to} / 3600)`,
    `      ELSE ARRAY[${from} / 3600, ${to} / 3600] END`,
    '  ) AS h (hour)',
    '  WHERE interface_id IS NOT NULL',
    '),',
    'per_hour AS (',
    '  SELECT interface_id, hour, array_distinct(flatten(array_agg(group_ids))) AS group_ids',
    '  FROM hours GROUP BY interface_id, hour',
    '),',
    'runs AS (',
    '  SELECT interface_id, hour, group_ids, hour - row_number() OVER (PARTITION BY interface_id, hour IS NULL ORDER BY hour) AS run',
    '  FROM per_hour',
    ')',
    "SELECT interface_id, min(hour) AS first_hour, max(hour) AS last_hour, array_join(array_sort(array_distinct(flatten(array_agg(group_ids)))), ',') AS group_ids",
    'FROM runs',
    'GROUP BY interface_id, run',
  ].join('\n');
}

/**
 * Rankings, in one scan: each group's name and its talkers by bytes (accepted records with a peer
 * and bytes), and rejected records by source address, ingress and egress apart; the first
 * `rankingItems` of each, with the ranking's total and its number of keys.
 */
function rankingsQuery(input: LedgerSqlInput): string {
  return [
    `WITH ${flowsRelation(input)},`,
    'group_flows AS (',
    "  SELECT g.group_id, element_at(security_group_names, g.position) AS group_name, g.position, action, direction, srcaddr, peer,",
    "    IF(action = 'ACCEPT' AND peer IS NOT NULL AND bytes > 0, bytes, 0) AS talk_bytes,",
    "    action = 'REJECT' AND srcaddr IS NOT NULL AND coalesce(g.position, 1) = 1 AS rejected_once,",
    "    IF(direction = 'egress', 'egress', 'ingress') AS side",
    '  FROM flows LEFT JOIN UNNEST(security_group_ids) WITH ORDINALITY AS g (group_id, position) ON true',
    '),',
    'grouped AS (',
    "  SELECT CASE WHEN grouping(peer) = 0 THEN 'talker' WHEN grouping(group_id) = 0 THEN 'group' ELSE 'rejected' END AS kind,",
    "    CASE WHEN grouping(peer) = 0 OR grouping(group_id) = 0 THEN group_id ELSE side END AS owner,",
    '    CASE WHEN grouping(peer) = 0 THEN peer WHEN grouping(srcaddr) = 0 THEN srcaddr END AS item,',
    '    min(group_name) AS group_name,',
    '    CASE WHEN grouping(peer) = 0 OR grouping(group_id) = 0 THEN sum(talk_bytes) ELSE count_if(rejected_once) END AS value',
    '  FROM group_flows',
    '  GROUP BY GROUPING SETS ((group_id), (group_id, peer), (side, srcaddr))',
    '),',
    'kept AS (',
    '  SELECT * FROM grouped',
    "  WHERE (kind = 'group' AND owner IS NOT NULL) OR (kind = 'talker' AND owner IS NOT NULL AND item IS NOT NULL AND value > 0)",
    "    OR (kind = 'rejected' AND item IS NOT NULL AND value > 0)",
    '),',
    'ranked AS (',
    '  SELECT *, count(*) OVER (PARTITION BY kind, owner) AS keys, sum(value) OVER (PARTITION BY kind, owner) AS total,',
    '    row_number() OVER (PARTITION BY kind, owner ORDER BY value DESC, item) AS position',
    '  FROM kept',
    ')',
    'SELECT kind, owner, item, group_name, value, keys, total',
    'FROM ranked',
    `WHERE kind = 'group' OR position <= ${input.limits.rankingItems}`,
  ].join('\n');
}

/**
 * The safety check's replay tuples: distinct (groups of the interface, direction, protocol, port,
 * peer) of `matched` records with the flows of each and the rule ids they used, the most used
 * first, at most `replayTuplesTotal`; one `overflow` row sums the rest (the tuples past the total,
 * and records lacking groups, a direction, a protocol or a peer) with the rules they used.
 */
function replayQuery(input: LedgerSqlInput): string {
  return [
    `WITH ${flowsRelation(input)},`,
    'matched AS (',
    "  SELECT IF(cardinality(filter(security_group_ids, id -> id IS NOT NULL)) > 0, array_join(array_sort(array_distinct(filter(security_group_ids, id -> id IS NOT NULL))), ','), NULL) AS group_set,",
    '    direction, protocol, dstport, peer, coalesce(security_group_rule_ids, CAST(ARRAY[] AS array(varchar))) AS rule_ids',
    "  FROM flows WHERE rule_match = 'matched'",
    '),',
    'tuples AS (',
    "  SELECT group_set, direction, protocol, dstport, peer, count(*) AS flows, array_distinct(flatten(array_agg(rule_ids))) AS rule_ids,",
    "    group_set IS NOT NULL AND direction IN ('ingress', 'egress') AND protocol IS NOT NULL AND peer IS NOT NULL AS complete",
    '  FROM matched GROUP BY group_set, direction, protocol, dstport, peer',
    '),',
    'ranked AS (',
    '  SELECT *, IF(complete, row_number() OVER (PARTITION BY complete ORDER BY flows DESC, group_set, direction, protocol, dstport, peer)) AS position',
    '  FROM tuples',
    '),',
    // One reference to `ranked` (a second would scan the table again): the kept tuples are groups
    // of one row each (by their position), everything else falls in the one group of NULL.
    'marked AS (',
    `  SELECT *, IF(complete AND position <= ${input.limits.replayTuplesTotal}, position) AS kept_position FROM ranked`,
    ')',
    "SELECT IF(kept_position IS NULL, 'overflow', 'tuple') AS kind, kept_position AS position, arbitrary(group_set) AS group_set, arbitrary(direction) AS direction,",
    "  arbitrary(protocol) AS protocol, arbitrary(dstport) AS dstport, arbitrary(peer) AS peer, sum(flows) AS flows,",
    "  array_join(array_distinct(flatten(array_agg(rule_ids))), ',') AS rule_ids",
    'FROM marked',
    'GROUP BY kept_position',
    'ORDER BY kept_position NULLS LAST',
  ].join('\n');
}

/**
 * The ledger's queries for a table, a window and the ledger's limits.
 *
 * @example ledgerQueries({ table: { database: 'flow_logs_db', table: 'flow_logs' }, limits: DEFAULT_LEDGER_LIMITS }).totals
 */
export function ledgerQueries(input: LedgerSqlInput): LedgerQueries {
  return { totals: totalsQuery(input), rules: rulesQuery(input), interfaces: interfacesQuery(input), rankings: rankingsQuery(input), replay: replayQuery(input) };
}
