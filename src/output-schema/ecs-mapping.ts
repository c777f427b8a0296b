import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import type { GeoLocation } from '../ports.js';
import { at, convertedAt, distinct, isoOfEpochSeconds, mapDocument, type DerivedFieldSink, type FieldHome, type SchemaMapping } from './field-placement.js';
import { matchedRuleGroups } from './matched-rule-groups.js';

/**
 * Our documents in the Elastic Common Schema, as Elastic's own VPC flow-log processor maps them
 * (elastic/beats, x-pack/filebeat/processors/aws_vpcflow, and the `aws.vpcflow` integration):
 * the flow's endpoints under source.* and destination.*, the protocol under network.*, times and
 * verdict under event.*, the rest of the record under aws.vpcflow.* by its own key. What we add:
 * the matching rule ids in rule.id, their groups in rule.ruleset, geolocation in source.geo and
 * destination.geo; the interface's groups, rule_match and enrichment_issues under aws.vpcflow.*.
 */

/** The ECS version the documents follow (ecs.version). */
export const ECS_VERSION = '8.11.0';

/** The namespace of the flow-log fields ECS has no home for, as Elastic's integration names it. */
export const ECS_VENDOR_PATH = ['aws', 'vpcflow'] as const;

const vendor = (key: string): FieldHome => at(...ECS_VENDOR_PATH, key);

/** Our geolocation object in ECS geo.* names. */
export function ecsGeo(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const geo = value as GeoLocation;
  const fields: Record<string, unknown> = {};
  if (geo.country_code !== undefined) fields.country_iso_code = geo.country_code;
  if (geo.country_name !== undefined) fields.country_name = geo.country_name;
  if (geo.region_code !== undefined) fields.region_iso_code = geo.region_code;
  if (geo.region_name !== undefined) fields.region_name = geo.region_name;
  if (geo.city !== undefined) fields.city_name = geo.city;
  if (geo.location !== undefined) fields.location = { lat: geo.location.lat, lon: geo.location.lon };
  return fields;
}

const NETWORK_DIRECTION = ['network', 'direction'];
const VENDOR_DIRECTION = [...ECS_VENDOR_PATH, 'direction'];

const lowerCase = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : undefined);

/** Where each field of ours goes in ECS; a field not listed goes under aws.vpcflow.* by its own key. */
const ECS_HOMES: Readonly<Record<string, FieldHome>> = {
  '@timestamp': at('@timestamp'),
  account_id: at('cloud', 'account', 'id'),
  srcaddr: at('source', 'ip'),
  dstaddr: at('destination', 'ip'),
  srcport: at('source', 'port'),
  dstport: at('destination', 'port'),
  // ECS keeps the protocol number as text.
  protocol: convertedAt(['network', 'iana_number'], (value) => (typeof value === 'number' ? String(value) : undefined)),
  protocol_name: convertedAt(['network', 'transport'], lowerCase),
  packets: at('network', 'packets'),
  bytes: at('network', 'bytes'),
  start: convertedAt(['event', 'start'], isoOfEpochSeconds),
  end: convertedAt(['event', 'end'], isoOfEpochSeconds),
  action: convertedAt(['event', 'action'], lowerCase),
  instance_id: at('cloud', 'instance', 'id'),
  region: at('cloud', 'region'),
  az_id: at('cloud', 'availability_zone'),
  flow_direction: at('network', 'direction'),
  // Ours, from the interface: AWS's own flow_direction wins where the record has it.
  direction: (value, document) => [{ path: document.flow_direction === undefined ? NETWORK_DIRECTION : VENDOR_DIRECTION, value }],
  ecs_cluster_arn: at('orchestrator', 'cluster', 'id'),
  ecs_cluster_name: at('orchestrator', 'cluster', 'name'),
  ecs_container_instance_arn: at('orchestrator', 'resource', 'name'),
  ecs_container_instance_id: at('orchestrator', 'resource', 'id'),
  ecs_container_id: at('container', 'id'),
  ecs_service_name: at('service', 'name'),
  reject_reason: at('event', 'reason'),
  security_group_ids: vendor('security_group_ids'),
  security_group_names: vendor('security_group_names'),
  security_group_rule_ids: at('rule', 'id'),
  src_geo: convertedAt(['source', 'geo'], ecsGeo),
  dst_geo: convertedAt(['destination', 'geo'], ecsGeo),
};

const TCP_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [0x01, 'fin'],
  [0x02, 'syn'],
  [0x04, 'rst'],
  [0x08, 'psh'],
  [0x10, 'ack'],
  [0x20, 'urg'],
];

// The lists every document of a kind carries, made once: a value shared from one record to the
// next is written from the JSON remembered for it (mapped-json-writer.ts).
const NETWORK_CATEGORY: readonly string[] = ['network'];
/** event.type by the record's action: a connection, allowed (ACCEPT) or denied (REJECT). */
const EVENT_TYPE_BY_ACTION = {
  ACCEPT: ['connection', 'allowed'],
  REJECT: ['connection', 'denied'],
  other: ['connection'],
} as const satisfies Record<string, readonly string[]>;

/** What ECS wants that no one field of ours holds: classification, copies for the usual queries, names of flags. */
function deriveEcs(document: EnrichedFlowLog, target: DerivedFieldSink): void {
  target.setIfAbsent(['ecs', 'version'], ECS_VERSION);
  target.setIfAbsent(['cloud', 'provider'], 'aws');
  target.setIfAbsent(['event', 'kind'], 'event');
  target.setIfAbsent(['event', 'category'], NETWORK_CATEGORY);
  target.setIfAbsent(['event', 'dataset'], 'aws.vpcflow');
  target.setIfAbsent(['event', 'type'], document.action === 'ACCEPT' || document.action === 'REJECT' ? EVENT_TYPE_BY_ACTION[document.action] : EVENT_TYPE_BY_ACTION.other);
  target.setIfAbsent(['event', 'outcome'], document.action === 'ACCEPT' ? 'success' : document.action === 'REJECT' ? 'failure' : undefined);
  target.setIfAbsent(['source', 'address'], document.srcaddr);
  target.setIfAbsent(['destination', 'address'], document.dstaddr);
  target.setIfAbsent(['source', 'packets'], document.packets);
  target.setIfAbsent(['source', 'bytes'], document.bytes);
  if (document.srcaddr !== undefined) target.setIfAbsent(['network', 'type'], document.srcaddr.includes(':') ? 'ipv6' : 'ipv4');
  const related = distinct([document.srcaddr, document.dstaddr, document.pkt_srcaddr, document.pkt_dstaddr]);
  if (related.length > 0) target.setIfAbsent(['related', 'ip'], related);
  if (document.ecs_cluster_name !== undefined) target.setIfAbsent(['orchestrator', 'type'], 'ecs');
  if (document.ecs_container_instance_arn !== undefined) target.setIfAbsent(['orchestrator', 'resource', 'type'], 'container');
  const groups = matchedRuleGroups(document);
  if (groups.length > 0) target.setIfAbsent(['rule', 'ruleset'], groups);
  if (typeof document.tcp_flags === 'number') {
    const flags = TCP_FLAG_NAMES.filter(([bit]) => ((document.tcp_flags as number) & bit) !== 0).map(([, name]) => name);
    if (flags.length > 0) target.setIfAbsent([...ECS_VENDOR_PATH, 'tcp_flags_array'], flags);
  }
}

/** The ECS mapping of our documents. */
export const ECS_MAPPING: SchemaMapping = { homes: ECS_HOMES, vendorPath: ECS_VENDOR_PATH, derive: deriveEcs };

/**
 * An enriched document in ECS.
 *
 * @example
 * toEcsDocument({ srcaddr: '198.51.100.7', dstaddr: '10.0.0.5', dstport: 22, protocol: 6, protocol_name: 'TCP', action: 'ACCEPT' });
 * // { source: { ip: '198.51.100.7', address: '198.51.100.7' }, destination: { ip: '10.0.0.5', port: 22, ... }, network: { transport: 'tcp', iana_number: '6', ... }, event: { action: 'accept', outcome: 'success', ... }, ... }
 */
export function toEcsDocument(document: EnrichedFlowLog): Record<string, unknown> {
  return mapDocument(ECS_MAPPING, document);
}
