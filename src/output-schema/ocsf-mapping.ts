import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import type { GeoLocation } from '../ports.js';
import { at, convertedAt, mapDocument, type DerivedFieldSink, type FieldHome, type Placement, type Placements, type SchemaMapping } from './field-placement.js';
import { matchedRuleGroups } from './matched-rule-groups.js';

/**
 * Our documents as OCSF 1.1.0 Network Activity events (class 4001, activity Traffic), laid out as
 * the `ocsf/examples` mapping of VPC Flow Logs for 1.1.0 that Amazon Security Lake points to:
 * endpoints in src_endpoint and dst_endpoint, the interface and its VPC, subnet and instance on
 * the interface's side of the flow, protocol, flags, direction and path in connection_info,
 * counts in traffic, the verdict in action and disposition. What we add rides in the
 * `security_control` profile: the matching rule in firewall_rule, its group in policy. A field
 * OCSF has no home for goes under `unmapped` by its own key.
 */

export const OCSF_VERSION = '1.1.0';
export const OCSF_PROFILES: readonly string[] = ['cloud', 'security_control'];
export const OCSF_VENDOR_PATH = ['unmapped'] as const;

export const NETWORK_ACTIVITY = {
  categoryUid: 4,
  classUid: 4001,
  /** Traffic: a flow-log record reports traffic of a connection over an interval. */
  activityId: 6,
} as const;
export const NETWORK_ACTIVITY_TYPE_UID = NETWORK_ACTIVITY.classUid * 100 + NETWORK_ACTIVITY.activityId;

/**
 * OCSF's connection_info.boundary_id for each VPC Flow Logs traffic-path value: same VPC, internet
 * or VPC gateway, virtual private gateway, intra-region and inter-region peering, local gateway,
 * gateway VPC endpoint, internet gateway.
 */
const BOUNDARY_OF_TRAFFIC_PATH: Readonly<Record<number, number>> = { 1: 4, 2: 5, 3: 6, 4: 7, 5: 8, 6: 9, 7: 10, 8: 11 };

const PROTOCOL_VERSIONS: Readonly<Record<string, number>> = { IPv4: 4, IPv6: 6 };
const ACTIONS: Readonly<Record<string, readonly [actionId: number, action: string, dispositionId: number, disposition: string]>> = {
  ACCEPT: [1, 'Allowed', 1, 'Allowed'],
  REJECT: [2, 'Denied', 2, 'Blocked'],
};

const milliseconds = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined);

/** The endpoint the record's interface is: the source of egress traffic, the destination otherwise (ingress, or direction unknown). */
function interfaceEndpoint(document: EnrichedFlowLog): 'src_endpoint' | 'dst_endpoint' {
  return (document.direction ?? document.flow_direction) === 'egress' ? 'src_endpoint' : 'dst_endpoint';
}

const onInterfaceSide =
  (attribute: string): Placements =>
  (value, document) => [{ path: [interfaceEndpoint(document), attribute], value }];

/** Our geolocation as an OCSF location; the country and region names, which it has no attribute for, stay under unmapped. */
const location =
  (endpoint: 'src_endpoint' | 'dst_endpoint', key: string): Placements =>
  (value) => {
    if (typeof value !== 'object' || value === null) return [];
    const geo = value as GeoLocation;
    const place: Record<string, unknown> = {};
    if (geo.city !== undefined) place.city = geo.city;
    if (geo.country_code !== undefined) place.country = geo.country_code;
    if (geo.region_code !== undefined) place.region = geo.region_code;
    // GeoJSON order: longitude first.
    if (geo.location !== undefined) place.coordinates = [geo.location.lon, geo.location.lat];
    const names: Record<string, unknown> = {};
    if (geo.country_name !== undefined) names.country_name = geo.country_name;
    if (geo.region_name !== undefined) names.region_name = geo.region_name;
    const placements: Placement[] = [];
    if (Object.keys(place).length > 0) placements.push({ path: [endpoint, 'location'], value: place });
    if (Object.keys(names).length > 0) placements.push({ path: [...OCSF_VENDOR_PATH, key], value: names });
    return placements;
  };

/** A value the enum knows goes to its id; another stays under unmapped (an empty list of placements). */
const enumAt =
  (path: readonly string[], ids: Readonly<Record<string, number>>): Placements =>
  (value) => {
    const id = typeof value === 'string' && Object.hasOwn(ids, value) ? ids[value] : undefined;
    return id === undefined ? [] : [{ path, value: id }];
  };

const DIRECTION_ID_OF: Readonly<Record<string, number>> = { ingress: 1, egress: 2 };
const directionId = enumAt(['connection_info', 'direction_id'], DIRECTION_ID_OF);

/** Where each field of ours goes in OCSF; a field not listed goes under unmapped by its own key. */
const OCSF_HOMES: Readonly<Record<string, FieldHome>> = {
  account_id: at('cloud', 'account', 'uid'),
  region: at('cloud', 'region'),
  az_id: at('cloud', 'zone'),
  srcaddr: at('src_endpoint', 'ip'),
  dstaddr: at('dst_endpoint', 'ip'),
  srcport: at('src_endpoint', 'port'),
  dstport: at('dst_endpoint', 'port'),
  pkt_srcaddr: convertedAt(['src_endpoint', 'intermediate_ips'], (value) => [value]),
  pkt_dstaddr: convertedAt(['dst_endpoint', 'intermediate_ips'], (value) => [value]),
  pkt_src_aws_service: at('src_endpoint', 'svc_name'),
  pkt_dst_aws_service: at('dst_endpoint', 'svc_name'),
  interface_id: onInterfaceSide('interface_uid'),
  vpc_id: onInterfaceSide('vpc_uid'),
  subnet_id: onInterfaceSide('subnet_uid'),
  instance_id: onInterfaceSide('instance_uid'),
  protocol: at('connection_info', 'protocol_num'),
  protocol_name: convertedAt(['connection_info', 'protocol_name'], (value) => (typeof value === 'string' ? value.toLowerCase() : undefined)),
  tcp_flags: at('connection_info', 'tcp_flags'),
  type: enumAt(['connection_info', 'protocol_ver_id'], PROTOCOL_VERSIONS),
  flow_direction: directionId,
  // Ours, from the interface: AWS's own flow_direction wins where the record has it.
  direction: (value, document) => (document.flow_direction === undefined ? directionId(value, document) : []),
  traffic_path: (value) => {
    const boundary = typeof value === 'number' ? BOUNDARY_OF_TRAFFIC_PATH[value] : undefined;
    return boundary === undefined ? [] : [{ path: ['connection_info', 'boundary_id'], value: boundary }];
  },
  packets: at('traffic', 'packets'),
  bytes: at('traffic', 'bytes'),
  start: convertedAt(['start_time'], milliseconds),
  end: convertedAt(['end_time'], milliseconds),
  action: enumAt(['action_id'], { ACCEPT: 1, REJECT: 2 }),
  log_status: at('status_code'),
  // firewall_rule is one rule: the first matching one, and the whole list under unmapped when there are more.
  security_group_rule_ids: (value) => {
    if (!Array.isArray(value) || value.length === 0) return [];
    const first: Placement = { path: ['firewall_rule', 'uid'], value: value[0] };
    return value.length === 1 ? [first] : [first, { path: [...OCSF_VENDOR_PATH, 'security_group_rule_ids'], value }];
  },
  src_geo: location('src_endpoint', 'src_geo'),
  dst_geo: location('dst_endpoint', 'dst_geo'),
};

/** What OCSF requires or names that no one field of ours holds: the class, the enums' captions, the time, metadata. */
function deriveOcsf(document: EnrichedFlowLog, target: DerivedFieldSink): void {
  const set = (path: readonly string[], value: unknown): void => target.setIfAbsent(path, value);
  // Ids only where the caption is the same on every event (class, category, activity, type,
  // severity): OCSF makes captions optional, and ours would add a sixth to every document.
  set(['class_uid'], NETWORK_ACTIVITY.classUid);
  set(['category_uid'], NETWORK_ACTIVITY.categoryUid);
  set(['activity_id'], NETWORK_ACTIVITY.activityId);
  set(['type_uid'], NETWORK_ACTIVITY_TYPE_UID);
  set(['severity_id'], 1);
  // The event's time is the start of its interval, as our @timestamp; a record without times has none to give.
  set(['time'], milliseconds(document.start) ?? milliseconds(document.end) ?? 0);
  set(['metadata', 'version'], OCSF_VERSION);
  set(['metadata', 'profiles'], OCSF_PROFILES);
  set(['metadata', 'product', 'name'], 'Amazon VPC');
  set(['metadata', 'product', 'vendor_name'], 'AWS');
  set(['cloud', 'provider'], 'AWS');
  const verdict = typeof document.action === 'string' && Object.hasOwn(ACTIONS, document.action) ? ACTIONS[document.action] : undefined;
  if (verdict !== undefined) {
    set(['action'], verdict[1]);
    set(['disposition_id'], verdict[2]);
    set(['disposition'], verdict[3]);
  }
  // connection_info requires a direction: Unknown (0) when neither AWS nor the interface tells it.
  set(['connection_info', 'direction_id'], 0);
  const groups = matchedRuleGroups(document);
  if (groups.length > 0) set(['policy', 'uid'], groups[0]);
  if (groups.length > 1) set([...OCSF_VENDOR_PATH, 'security_group_rule_groups'], groups);
  // Both endpoints are required of the class: a record without addresses (NODATA) still names its interface on one.
  set(['src_endpoint'], {});
  set(['dst_endpoint'], {});
}

/** The OCSF mapping of our documents. */
export const OCSF_MAPPING: SchemaMapping = { homes: OCSF_HOMES, vendorPath: OCSF_VENDOR_PATH, derive: deriveOcsf };

/**
 * An enriched document as an OCSF 1.1.0 Network Activity event.
 *
 * @example
 * toOcsfDocument({ srcaddr: '198.51.100.7', dstaddr: '10.0.0.5', action: 'ACCEPT', start: 1700000000 });
 * // { src_endpoint: { ip: '198.51.100.7' }, dst_endpoint: { ip: '10.0.0.5' }, action_id: 1, start_time: 1700000000000, class_uid: 4001, ... }
 */
export function toOcsfDocument(document: EnrichedFlowLog): Record<string, unknown> {
  return mapDocument(OCSF_MAPPING, document);
}
