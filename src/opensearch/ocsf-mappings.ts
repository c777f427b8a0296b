import { OCSF_VENDOR_PATH } from '../output-schema/ocsf-mapping.js';
import { flowLogMappingProperties, KEYWORD_IGNORE_ABOVE, type FieldMapping, type LeafMapping } from './field-mappings.js';

const KEYWORD = { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE } as const satisfies LeafMapping;
const IP: LeafMapping = { type: 'ip' };
const INTEGER: LeafMapping = { type: 'integer' };
const LONG: LeafMapping = { type: 'long' };
/** OCSF's timestamp_t: milliseconds since the epoch, as the decorator writes time, start_time and end_time. */
const EPOCH_MILLISECONDS: LeafMapping = { type: 'date', format: 'epoch_millis' };
const object = (properties: Readonly<Record<string, FieldMapping>>): FieldMapping => ({ properties });

const VENDOR_ROOT = OCSF_VENDOR_PATH[0];

/**
 * Fields of the vendor namespace that gather, for aggregation, what OCSF spreads over two places:
 * the record's interface (on the source endpoint of egress flows, the destination one otherwise)
 * and every matching rule (OCSF's firewall_rule holds one; the whole list is under unmapped only
 * when there are several). Their names are the native ones, which never land under unmapped
 * themselves for a document that has them in firewall_rule or an endpoint, so a dashboard reads
 * `unmapped.interface_id` and `unmapped.security_group_rule_ids` as it reads the native fields.
 * The copies are indexed, not stored: `_source` stays the document the decorator wrote.
 */
export const OCSF_GATHERED_FIELDS = {
  interfaceId: `${VENDOR_ROOT}.interface_id`,
  ruleIds: `${VENDOR_ROOT}.security_group_rule_ids`,
} as const;

const INTERFACE_UID: LeafMapping = { ...KEYWORD, copy_to: OCSF_GATHERED_FIELDS.interfaceId };

/** OCSF's location object as the decorator fills it; coordinates are GeoJSON [lon, lat], which geo_point takes as they are. */
const LOCATION = object({ city: KEYWORD, country: KEYWORD, region: KEYWORD, coordinates: { type: 'geo_point' } });

/** src_endpoint and dst_endpoint: network_endpoint with the cloud attributes the VPC Flow Logs mapping uses. */
const ENDPOINT = object({
  ip: IP,
  port: INTEGER,
  intermediate_ips: IP,
  svc_name: KEYWORD,
  interface_uid: INTERFACE_UID,
  vpc_uid: KEYWORD,
  subnet_uid: KEYWORD,
  instance_uid: KEYWORD,
  location: LOCATION,
});

/**
 * The mapping of the OCSF 1.1.0 Network Activity documents the decorator writes (OUTPUT_SCHEMA=ocsf,
 * src/output-schema/ocsf-mapping.ts): OCSF's own types for the attributes it sets (ip_t as `ip`,
 * timestamp_t as an epoch-milliseconds `date`, port_t and the enums' ids as `integer`, counts as
 * `long`, strings and uids as `keyword`), and `unmapped` typed as the native document, whose field
 * names it keeps. Every field a golden document of any flow-log version carries is named here
 * (test/unit/opensearch/schema-index-templates.test.ts), so no field is left to dynamic mapping.
 */
export function ocsfMappingProperties(): Readonly<Record<string, FieldMapping>> {
  return {
    class_uid: INTEGER,
    category_uid: INTEGER,
    activity_id: INTEGER,
    type_uid: INTEGER,
    severity_id: INTEGER,
    time: EPOCH_MILLISECONDS,
    start_time: EPOCH_MILLISECONDS,
    end_time: EPOCH_MILLISECONDS,
    status_code: KEYWORD,
    action: KEYWORD,
    action_id: INTEGER,
    disposition: KEYWORD,
    disposition_id: INTEGER,
    metadata: object({ version: KEYWORD, profiles: KEYWORD, product: object({ name: KEYWORD, vendor_name: KEYWORD }) }),
    cloud: object({ provider: KEYWORD, region: KEYWORD, zone: KEYWORD, account: object({ uid: KEYWORD }) }),
    src_endpoint: ENDPOINT,
    dst_endpoint: ENDPOINT,
    connection_info: object({
      protocol_num: INTEGER,
      protocol_name: KEYWORD,
      protocol_ver_id: INTEGER,
      tcp_flags: INTEGER,
      direction_id: INTEGER,
      boundary_id: INTEGER,
    }),
    traffic: object({ packets: LONG, bytes: LONG }),
    firewall_rule: object({ uid: { ...KEYWORD, copy_to: OCSF_GATHERED_FIELDS.ruleIds } }),
    policy: object({ uid: KEYWORD }),
    [VENDOR_ROOT]: object({ ...flowLogMappingProperties(), security_group_rule_groups: KEYWORD }),
  };
}
