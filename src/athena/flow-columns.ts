import type { OutputSchema } from '../output-schema/output-schema.js';

/**
 * The flow fields the Athena SQL reads (the ledger's queries and the named queries), by their
 * native names, and the expression that reads each from the Glue table of each output schema
 * (src/athena/schema-columns.ts): a native column, or an ECS/OCSF path converted back to the
 * native value (epoch seconds, upper-case action, the interface's side). Every query first
 * projects these under their native names (`flowProjection`), so the rest of its SQL is the same
 * for every schema.
 *
 * One approximation: ECS and OCSF keep our `direction` (from the interface) apart only when AWS's
 * `flow-direction` is in the record too; a record with AWS's direction and none of ours reads
 * AWS's. The two agree wherever both exist (both say which way the flow crossed the interface).
 */
export const FLOW_FIELDS = [
  'srcaddr',
  'dstaddr',
  'pkt_srcaddr',
  'pkt_dstaddr',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'direction',
  'interface_id',
  'security_group_ids',
  'security_group_names',
  'security_group_rule_ids',
  'rule_match',
  'event_time',
  'src_geo',
] as const;
export type FlowField = (typeof FLOW_FIELDS)[number];

/** A column or a member path, each part quoted: `"event"."start"`. */
const path = (...parts: string[]): string => parts.map((part) => `"${part}"`).join('.');

const EPOCH_SECONDS_OF_ISO = (expression: string): string => `CAST(to_unixtime(from_iso8601_timestamp(${expression})) AS bigint)`;

const NATIVE: Readonly<Record<FlowField, string>> = Object.fromEntries(FLOW_FIELDS.map((field) => [field, path(field)])) as Record<FlowField, string>;

const ecsVendor = (key: string): string => path('aws', 'vpcflow', key);

const ECS: Readonly<Record<FlowField, string>> = {
  srcaddr: path('source', 'ip'),
  dstaddr: path('destination', 'ip'),
  pkt_srcaddr: ecsVendor('pkt_srcaddr'),
  pkt_dstaddr: ecsVendor('pkt_dstaddr'),
  dstport: path('destination', 'port'),
  protocol: `try_cast(${path('network', 'iana_number')} AS integer)`,
  packets: path('network', 'packets'),
  bytes: path('network', 'bytes'),
  start: EPOCH_SECONDS_OF_ISO(path('event', 'start')),
  end: EPOCH_SECONDS_OF_ISO(path('event', 'end')),
  action: `upper(${path('event', 'action')})`,
  direction: `coalesce(${ecsVendor('direction')}, ${path('network', 'direction')})`,
  interface_id: ecsVendor('interface_id'),
  security_group_ids: ecsVendor('security_group_ids'),
  security_group_names: ecsVendor('security_group_names'),
  security_group_rule_ids: path('rule', 'id'),
  rule_match: ecsVendor('rule_match'),
  event_time: path('event_time'),
  src_geo: `CAST(ROW(${path('source', 'geo', 'country_name')}) AS ROW(country_name varchar))`,
};

const ocsfVendor = (key: string): string => path('unmapped', key);
const DIRECTION_OF_ID = `CASE ${path('connection_info', 'direction_id')} WHEN 1 THEN 'ingress' WHEN 2 THEN 'egress' END`;

const OCSF: Readonly<Record<FlowField, string>> = {
  srcaddr: path('src_endpoint', 'ip'),
  dstaddr: path('dst_endpoint', 'ip'),
  pkt_srcaddr: `element_at(${path('src_endpoint', 'intermediate_ips')}, 1)`,
  pkt_dstaddr: `element_at(${path('dst_endpoint', 'intermediate_ips')}, 1)`,
  dstport: path('dst_endpoint', 'port'),
  protocol: path('connection_info', 'protocol_num'),
  packets: path('traffic', 'packets'),
  bytes: path('traffic', 'bytes'),
  // Epoch milliseconds of whole seconds: the division is exact.
  start: `${path('start_time')} / 1000`,
  end: `${path('end_time')} / 1000`,
  action: `CASE ${path('action_id')} WHEN 1 THEN 'ACCEPT' WHEN 2 THEN 'REJECT' ELSE ${ocsfVendor('action')} END`,
  direction: `coalesce(${ocsfVendor('direction')}, ${DIRECTION_OF_ID})`,
  // The interface is on one side: the source of egress traffic, the destination otherwise.
  interface_id: `coalesce(${path('src_endpoint', 'interface_uid')}, ${path('dst_endpoint', 'interface_uid')})`,
  security_group_ids: ocsfVendor('security_group_ids'),
  security_group_names: ocsfVendor('security_group_names'),
  // firewall_rule holds the first rule; the whole list is under unmapped when there are more (or none).
  security_group_rule_ids: `coalesce(${ocsfVendor('security_group_rule_ids')}, IF(${path('firewall_rule', 'uid')} IS NULL, NULL, ARRAY[${path('firewall_rule', 'uid')}]))`,
  rule_match: ocsfVendor('rule_match'),
  event_time: `to_iso8601(from_unixtime(${path('time')} / 1000))`,
  src_geo: `CAST(ROW(${path('unmapped', 'src_geo', 'country_name')}) AS ROW(country_name varchar))`,
};

const BY_SCHEMA: Readonly<Record<OutputSchema, Readonly<Record<FlowField, string>>>> = { native: NATIVE, ecs: ECS, ocsf: OCSF };

/** The expression reading a flow field from the table of a schema. */
export function flowFieldExpression(schema: OutputSchema, field: FlowField): string {
  return BY_SCHEMA[schema][field];
}

/**
 * The SELECT list projecting the fields under their native names, as `expression AS "field"`.
 *
 * @example flowProjection('ocsf', ['start']) // ['"start_time" / 1000 AS "start"']
 */
export function flowProjection(schema: OutputSchema, fields: readonly FlowField[] = FLOW_FIELDS): string[] {
  return fields.map((field) => `${flowFieldExpression(schema, field)} AS ${path(field)}`);
}
