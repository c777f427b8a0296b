import { EXPOSED_SERVICE_PORTS, EXPOSURE_FLOWS, NON_PUBLIC_SOURCE_CIDRS, TOP_REJECTED_SOURCES } from '../domain/security-concepts.js';
import { OutputSchema } from '../output-schema/output-schema.js';
import { flowProjection } from './flow-columns.js';

/**
 * The SQL of the stack's Athena named queries (template.yaml, `AWS::Athena::NamedQuery`), written
 * from the definitions in src/domain/security-concepts.ts so that Athena asks the questions the
 * dashboards and the report ask. `${FlowLogDatabase}` is left for CloudFormation's `Fn::Sub`.
 * The template holds this text verbatim: `npx tsx scripts/generate-athena-named-queries.ts`
 * rewrites it, and a test fails when the two differ.
 */

/** The table, as `Fn::Sub` text. */
const TABLE = '"${FlowLogDatabase}"."flow_logs"';
/** Every query reads this month's partitions only, so Athena lists one month of prefixes. */
const THIS_MONTH = 'year = year(current_date) AND month = month(current_date)';

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The lab's query: rejected TCP flows of this month, with the day of the week. */
function rejectedTcpByDay(): string {
  return [
    'SELECT day, day_of_week(from_iso8601_timestamp(event_time)) AS weekday, interface_id, srcaddr, dstport, action, protocol',
    `FROM ${TABLE}`,
    "WHERE action = 'REJECT' AND protocol = 6",
    `  AND ${THIS_MONTH}`,
    'ORDER BY day, srcaddr',
    'LIMIT 100;',
  ].join('\n');
}

/** TOP_REJECTED_SOURCES, with the ports each source tried and its country. */
function topRejectedSources(): string {
  const source = TOP_REJECTED_SOURCES.groupBy;
  return [
    `SELECT ${source}, count(*) AS rejected_flows, sum(packets) AS packets, count(DISTINCT dstport) AS distinct_ports,`,
    '  arbitrary(src_geo.country_name) AS country_name',
    `FROM ${TABLE}`,
    `WHERE action = ${sqlString(TOP_REJECTED_SOURCES.action)}`,
    `  AND ${THIS_MONTH}`,
    `GROUP BY ${source}`,
    'ORDER BY rejected_flows DESC',
    `LIMIT ${TOP_REJECTED_SOURCES.limit};`,
  ].join('\n');
}

function trafficBySecurityGroup(): string {
  return [
    'SELECT security_group_id, direction, action, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes',
    `FROM ${TABLE}`,
    'CROSS JOIN UNNEST(security_group_ids) AS sg (security_group_id)',
    `WHERE ${THIS_MONTH}`,
    'GROUP BY security_group_id, direction, action',
    'ORDER BY bytes DESC;',
  ].join('\n');
}

/** EXPOSURE_FLOWS to EXPOSED_SERVICE_PORTS from outside NON_PUBLIC_SOURCE_CIDRS. */
function sensitivePortsFromInternet(): string {
  const ports = EXPOSED_SERVICE_PORTS.map(({ port }) => port).join(', ');
  const networks = NON_PUBLIC_SOURCE_CIDRS.map(sqlString).join(', ');
  return [
    'SELECT dstport, srcaddr, dstaddr, interface_id, count(*) AS flows, sum(bytes) AS bytes',
    `FROM ${TABLE}`,
    `WHERE action = ${sqlString(EXPOSURE_FLOWS.action)} AND direction = ${sqlString(EXPOSURE_FLOWS.direction)}`,
    `  AND dstport IN (${ports})`,
    `  AND NOT any_match(ARRAY[${networks}], network -> contains(network, try_cast(srcaddr AS IPADDRESS)))`,
    `  AND ${THIS_MONTH}`,
    'GROUP BY dstport, srcaddr, dstaddr, interface_id',
    'ORDER BY flows DESC',
    'LIMIT 100;',
  ].join('\n');
}

/** Records a rule allowed (`rule_match: matched`), one row per rule id: the ledger's hits (src/report/ledger-builder.ts). */
const RULE_HITS = [`FROM ${TABLE}`, 'CROSS JOIN UNNEST(security_group_rule_ids) AS r (rule_id)', "WHERE rule_match = 'matched'"];

/** The report's "hits by day" per rule, this month. */
function ruleHitsByDay(): string {
  return [
    'SELECT rule_id, date(from_unixtime("start")) AS hit_day, count(*) AS hits, sum(bytes) AS bytes',
    ...RULE_HITS,
    '  AND "start" IS NOT NULL',
    `  AND ${THIS_MONTH}`,
    'GROUP BY rule_id, date(from_unixtime("start"))',
    'ORDER BY hit_day, hits DESC;',
  ].join('\n');
}

/** The last hit of each rule hit this month; a rule with none is absent (the report, with the inventory, lists those). */
function ruleLastHit(): string {
  return [
    'SELECT rule_id, count(*) AS hits, max("end") AS last_hit_epoch, from_unixtime(max("end")) AS last_hit',
    ...RULE_HITS,
    `  AND ${THIS_MONTH}`,
    'GROUP BY rule_id',
    'ORDER BY last_hit;',
  ].join('\n');
}

/** EXPOSURE_FLOWS from public peers to EXPOSED_SERVICE_PORTS (with their protocols), per rule: the report's exposures. */
function ruleExposedPortFlows(): string {
  const ports = EXPOSED_SERVICE_PORTS.map(({ port, protocols }) => `(dstport = ${port} AND protocol IN (${protocols.join(', ')}))`).join(' OR ');
  const networks = NON_PUBLIC_SOURCE_CIDRS.map(sqlString).join(', ');
  return [
    'SELECT rule_id, dstport, count(*) AS flows, count(DISTINCT coalesce(pkt_srcaddr, srcaddr)) AS sources, from_unixtime(max("end")) AS last_flow',
    ...RULE_HITS,
    `  AND action = ${sqlString(EXPOSURE_FLOWS.action)} AND direction = ${sqlString(EXPOSURE_FLOWS.direction)}`,
    `  AND (${ports})`,
    `  AND NOT any_match(ARRAY[${networks}], network -> contains(network, try_cast(coalesce(pkt_srcaddr, srcaddr) AS IPADDRESS)))`,
    `  AND ${THIS_MONTH}`,
    'GROUP BY rule_id, dstport',
    'ORDER BY flows DESC;',
  ].join('\n');
}

const NATIVE_QUERIES: Readonly<Record<string, string>> = {
  RejectedTcpByDayNamedQuery: rejectedTcpByDay(),
  TopRejectedSourcesNamedQuery: topRejectedSources(),
  TrafficBySecurityGroupNamedQuery: trafficBySecurityGroup(),
  SensitivePortsFromInternetNamedQuery: sensitivePortsFromInternet(),
  RuleHitsByDayNamedQuery: ruleHitsByDay(),
  RuleLastHitNamedQuery: ruleLastHit(),
  RuleExposedPortFlowsNamedQuery: ruleExposedPortFlows(),
};

/**
 * A native query over a table of another schema: the same text, reading a `flows` relation that
 * projects the table's fields under their native names (src/athena/flow-columns.ts), partitions kept.
 */
function overSchema(schema: OutputSchema, sql: string): string {
  const relation = ['WITH flows AS (', `  SELECT ${[...flowProjection(schema), 'year', 'month', 'day'].join(',\n    ')}`, `  FROM ${TABLE}`, ')'];
  return [...relation, sql.replaceAll(`FROM ${TABLE}`, 'FROM flows')].join('\n');
}

/**
 * The `QueryString` (`Fn::Sub` text) of each named query, by the template's logical id, for the
 * table of a schema (native when absent).
 */
export function athenaNamedQuerySql(schema: OutputSchema = OutputSchema.Native): Readonly<Record<string, string>> {
  if (schema === OutputSchema.Native) return NATIVE_QUERIES;
  return Object.fromEntries(Object.entries(NATIVE_QUERIES).map(([logicalId, sql]) => [logicalId, overSchema(schema, sql)]));
}
