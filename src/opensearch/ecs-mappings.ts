import { flowLogMappingProperties, KEYWORD_IGNORE_ABOVE, type FieldMapping } from './field-mappings.js';

const KEYWORD: FieldMapping = { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE };
const IP: FieldMapping = { type: 'ip' };
const LONG: FieldMapping = { type: 'long' };
const DATE: FieldMapping = { type: 'date' };
const object = (properties: Readonly<Record<string, FieldMapping>>): FieldMapping => ({ properties });

/** ECS geo.* as ECS maps it: names as keywords, the point as a geo_point. */
const GEO = object({
  country_iso_code: KEYWORD,
  country_name: KEYWORD,
  region_iso_code: KEYWORD,
  region_name: KEYWORD,
  city_name: KEYWORD,
  location: { type: 'geo_point' },
});

/**
 * The mapping of the ECS documents the decorator writes (OUTPUT_SCHEMA=ecs, src/output-schema/ecs-mapping.ts),
 * with ECS's own types for the fields it sets: addresses as `ip` (so CIDR queries such as Elastic's
 * detection rules work), times as `date`, counts as `long`, the rest `keyword`. The fields under
 * aws.vpcflow.* keep their native names and so their native types (field-mappings.ts), with the
 * TCP flags' names ECS adds; no field of a golden document is left to dynamic mapping
 * (test/unit/opensearch/schema-index-templates.test.ts).
 */
export function ecsMappingProperties(): Readonly<Record<string, FieldMapping>> {
  return {
    '@timestamp': DATE,
    ecs: object({ version: KEYWORD }),
    cloud: object({ provider: KEYWORD, region: KEYWORD, availability_zone: KEYWORD, account: object({ id: KEYWORD }), instance: object({ id: KEYWORD }) }),
    source: object({ ip: IP, address: KEYWORD, port: LONG, packets: LONG, bytes: LONG, geo: GEO }),
    destination: object({ ip: IP, address: KEYWORD, port: LONG, geo: GEO }),
    network: object({ iana_number: KEYWORD, transport: KEYWORD, type: KEYWORD, direction: KEYWORD, packets: LONG, bytes: LONG }),
    event: object({ kind: KEYWORD, category: KEYWORD, type: KEYWORD, dataset: KEYWORD, action: KEYWORD, outcome: KEYWORD, reason: KEYWORD, start: DATE, end: DATE }),
    related: object({ ip: IP }),
    rule: object({ id: KEYWORD, ruleset: KEYWORD }),
    orchestrator: object({ type: KEYWORD, cluster: object({ id: KEYWORD, name: KEYWORD }), resource: object({ id: KEYWORD, name: KEYWORD, type: KEYWORD }) }),
    container: object({ id: KEYWORD }),
    service: object({ name: KEYWORD }),
    aws: object({ vpcflow: object({ ...flowLogMappingProperties(), tcp_flags_array: KEYWORD }) }),
  };
}
