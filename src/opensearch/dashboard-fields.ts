import { FlowDirection } from '../domain/flow-direction.js';
import { ECS_VENDOR_PATH } from '../output-schema/ecs-mapping.js';
import { OCSF_VENDOR_PATH } from '../output-schema/ocsf-mapping.js';
import type { OutputSchema } from '../output-schema/output-schema.js';
import { OCSF_GATHERED_FIELDS } from './ocsf-mappings.js';

/** A field whose values the views name in queries: the field, and how each value we ask for is written in it. */
export interface ValuedField<Value extends string> {
  readonly field: string;
  readonly values: Readonly<Record<Value, string>>;
}

/**
 * Where a schema's documents keep what the dashboards and saved searches show: one name per
 * question the views ask. saved-objects.ts builds every view once from this map, so the same
 * visualizations work on native, ECS and OCSF indices.
 */
export interface DashboardFields {
  /** The index pattern's time field: the start of the flow's interval. */
  readonly time: string;
  readonly interfaceId: string;
  readonly sourceAddress: string;
  readonly destinationPort: string;
  readonly bytes: string;
  readonly packets: string;
  readonly protocolName: string;
  /** The flow-log verdict, ACCEPT or REJECT in the record. */
  readonly action: ValuedField<'ACCEPT' | 'REJECT'>;
  /** The direction of the flow relative to the interface. */
  readonly direction: ValuedField<'ingress'>;
  readonly securityGroupIds: string;
  readonly securityGroupNames: string;
  /** Every rule that allowed the flow (a record counts for each). */
  readonly ruleIds: string;
  /** The attribution outcome: matched, would_allow, return_traffic, unmatched, no_rule... */
  readonly ruleMatch: string;
  readonly sourceCountry: string;
  /** The source's geolocation as a geo_point. */
  readonly sourceLocation: string;
}

const ecs = (key: string): string => [...ECS_VENDOR_PATH, key].join('.');
const ocsfVendor = (key: string): string => [...OCSF_VENDOR_PATH, key].join('.');

/**
 * The field map of each schema, from src/output-schema/: native names, ECS's own fields and its
 * aws.vpcflow.* namespace, OCSF's attributes and its `unmapped` namespace. On OCSF the interface
 * and the rule ids are the gathered fields of ocsf-mappings.ts, and the direction is
 * connection_info.direction_id (AWS's flow-direction where the record has it, ours otherwise, as
 * on ECS's network.direction); on native it is always ours.
 */
export const DASHBOARD_FIELDS: Readonly<Record<OutputSchema, DashboardFields>> = {
  native: {
    time: '@timestamp',
    interfaceId: 'interface_id',
    sourceAddress: 'srcaddr',
    destinationPort: 'dstport',
    bytes: 'bytes',
    packets: 'packets',
    protocolName: 'protocol_name',
    action: { field: 'action', values: { ACCEPT: 'ACCEPT', REJECT: 'REJECT' } },
    direction: { field: 'direction', values: { ingress: FlowDirection.Ingress } },
    securityGroupIds: 'security_group_ids',
    securityGroupNames: 'security_group_names',
    ruleIds: 'security_group_rule_ids',
    ruleMatch: 'rule_match',
    sourceCountry: 'src_geo.country_code',
    sourceLocation: 'src_geo.location',
  },
  ecs: {
    time: '@timestamp',
    interfaceId: ecs('interface_id'),
    sourceAddress: 'source.ip',
    destinationPort: 'destination.port',
    bytes: 'network.bytes',
    packets: 'network.packets',
    protocolName: 'network.transport',
    action: { field: 'event.action', values: { ACCEPT: 'accept', REJECT: 'reject' } },
    direction: { field: 'network.direction', values: { ingress: FlowDirection.Ingress } },
    securityGroupIds: ecs('security_group_ids'),
    securityGroupNames: ecs('security_group_names'),
    ruleIds: 'rule.id',
    ruleMatch: ecs('rule_match'),
    sourceCountry: 'source.geo.country_iso_code',
    sourceLocation: 'source.geo.location',
  },
  ocsf: {
    time: 'time',
    interfaceId: OCSF_GATHERED_FIELDS.interfaceId,
    sourceAddress: 'src_endpoint.ip',
    destinationPort: 'dst_endpoint.port',
    bytes: 'traffic.bytes',
    packets: 'traffic.packets',
    protocolName: 'connection_info.protocol_name',
    action: { field: 'action', values: { ACCEPT: 'Allowed', REJECT: 'Denied' } },
    direction: { field: 'connection_info.direction_id', values: { ingress: '1' } },
    securityGroupIds: ocsfVendor('security_group_ids'),
    securityGroupNames: ocsfVendor('security_group_names'),
    ruleIds: OCSF_GATHERED_FIELDS.ruleIds,
    ruleMatch: ocsfVendor('rule_match'),
    sourceCountry: 'src_endpoint.location.country',
    sourceLocation: 'src_endpoint.location.coordinates',
  },
};
