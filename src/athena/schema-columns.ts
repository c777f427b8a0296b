import { ECS_MAPPING, ECS_VENDOR_PATH } from '../output-schema/ecs-mapping.js';
import type { SchemaMapping } from '../output-schema/field-placement.js';
import { OCSF_VENDOR_PATH, OCSF_MAPPING } from '../output-schema/ocsf-mapping.js';
import { OutputSchema } from '../output-schema/output-schema.js';
import { glueColumns, type GlueColumn } from './glue-columns.js';

/**
 * The Glue table's columns for each output schema (issue 16): exactly what the decorator writes,
 * so that Firehose's record-format conversion (which reads the table as its schema) can write
 * every field as Parquet, and Athena reads JSON and Parquet alike. Native documents are the
 * catalogue's flat columns (glue-columns.ts); ECS and OCSF documents are nested objects, each
 * top-level key one column, nested ones `struct<...>`.
 *
 * One source of truth, the mapping itself: a field whose home is a fixed path lands there with its
 * native column type; a field without a home lands in the vendor namespace with it. A field whose
 * home is a function (converted, or on a side chosen per record) lists its placements and their
 * types below, and the fields a schema derives are listed too. test/unit/athena/schema-columns.test.ts
 * checks every field of every golden document against these columns.
 */

/** Where a value can land and its Hive type. */
export interface TypedPlacement {
  readonly path: readonly string[];
  readonly type: string;
}

const GEO_ECS = 'struct<country_iso_code:string,country_name:string,region_iso_code:string,region_name:string,city_name:string,location:struct<lat:double,lon:double>>';
const LOCATION_OCSF = 'struct<city:string,country:string,region:string,coordinates:array<double>>';
const GEO_NAMES_OCSF = 'struct<country_name:string,region_name:string>';

const ecsVendor = (key: string, type: string): TypedPlacement => ({ path: [...ECS_VENDOR_PATH, key], type });
const ocsfVendor = (key: string, type: string): TypedPlacement => ({ path: [...OCSF_VENDOR_PATH, key], type });

/**
 * ECS: the placements of the fields whose home is a function (src/output-schema/ecs-mapping.ts).
 * A value its home cannot hold goes to aws.vpcflow.<key>; the parser's types make that happen only
 * for `direction` (when AWS's flow_direction takes network.direction).
 */
const ECS_CONVERTED: Readonly<Record<string, readonly TypedPlacement[]>> = {
  protocol: [{ path: ['network', 'iana_number'], type: 'string' }],
  protocol_name: [{ path: ['network', 'transport'], type: 'string' }],
  start: [{ path: ['event', 'start'], type: 'string' }],
  end: [{ path: ['event', 'end'], type: 'string' }],
  action: [{ path: ['event', 'action'], type: 'string' }],
  direction: [{ path: ['network', 'direction'], type: 'string' }, ecsVendor('direction', 'string')],
  src_geo: [{ path: ['source', 'geo'], type: GEO_ECS }],
  dst_geo: [{ path: ['destination', 'geo'], type: GEO_ECS }],
};

/** ECS: the fields deriveEcs sets. */
const ECS_DERIVED: readonly TypedPlacement[] = [
  { path: ['ecs', 'version'], type: 'string' },
  { path: ['cloud', 'provider'], type: 'string' },
  { path: ['event', 'kind'], type: 'string' },
  { path: ['event', 'category'], type: 'array<string>' },
  { path: ['event', 'dataset'], type: 'string' },
  { path: ['event', 'type'], type: 'array<string>' },
  { path: ['event', 'outcome'], type: 'string' },
  { path: ['source', 'address'], type: 'string' },
  { path: ['destination', 'address'], type: 'string' },
  { path: ['source', 'packets'], type: 'bigint' },
  { path: ['source', 'bytes'], type: 'bigint' },
  { path: ['network', 'type'], type: 'string' },
  { path: ['related', 'ip'], type: 'array<string>' },
  { path: ['orchestrator', 'type'], type: 'string' },
  { path: ['orchestrator', 'resource', 'type'], type: 'string' },
  { path: ['rule', 'ruleset'], type: 'array<string>' },
  ecsVendor('tcp_flags_array', 'array<string>'),
];

const onEitherEndpoint = (attribute: string, type: string): TypedPlacement[] => [
  { path: ['src_endpoint', attribute], type },
  { path: ['dst_endpoint', attribute], type },
];

/**
 * OCSF: the placements of the fields whose home is a function (src/output-schema/ocsf-mapping.ts),
 * the unmapped.<key> ones included where a value the enum does not know, or a list of more than
 * one rule, lands there.
 */
const OCSF_CONVERTED: Readonly<Record<string, readonly TypedPlacement[]>> = {
  pkt_srcaddr: [{ path: ['src_endpoint', 'intermediate_ips'], type: 'array<string>' }],
  pkt_dstaddr: [{ path: ['dst_endpoint', 'intermediate_ips'], type: 'array<string>' }],
  interface_id: onEitherEndpoint('interface_uid', 'string'),
  vpc_id: onEitherEndpoint('vpc_uid', 'string'),
  subnet_id: onEitherEndpoint('subnet_uid', 'string'),
  instance_id: onEitherEndpoint('instance_uid', 'string'),
  protocol_name: [{ path: ['connection_info', 'protocol_name'], type: 'string' }],
  type: [{ path: ['connection_info', 'protocol_ver_id'], type: 'int' }, ocsfVendor('type', 'string')],
  flow_direction: [{ path: ['connection_info', 'direction_id'], type: 'int' }, ocsfVendor('flow_direction', 'string')],
  direction: [{ path: ['connection_info', 'direction_id'], type: 'int' }, ocsfVendor('direction', 'string')],
  traffic_path: [{ path: ['connection_info', 'boundary_id'], type: 'int' }, ocsfVendor('traffic_path', 'int')],
  start: [{ path: ['start_time'], type: 'bigint' }],
  end: [{ path: ['end_time'], type: 'bigint' }],
  action: [{ path: ['action_id'], type: 'int' }, ocsfVendor('action', 'string')],
  security_group_rule_ids: [{ path: ['firewall_rule', 'uid'], type: 'string' }, ocsfVendor('security_group_rule_ids', 'array<string>')],
  src_geo: [{ path: ['src_endpoint', 'location'], type: LOCATION_OCSF }, ocsfVendor('src_geo', GEO_NAMES_OCSF)],
  dst_geo: [{ path: ['dst_endpoint', 'location'], type: LOCATION_OCSF }, ocsfVendor('dst_geo', GEO_NAMES_OCSF)],
};

/** OCSF: the fields deriveOcsf sets. */
const OCSF_DERIVED: readonly TypedPlacement[] = [
  { path: ['class_uid'], type: 'int' },
  { path: ['category_uid'], type: 'int' },
  { path: ['activity_id'], type: 'int' },
  { path: ['type_uid'], type: 'int' },
  { path: ['severity_id'], type: 'int' },
  { path: ['time'], type: 'bigint' },
  { path: ['metadata', 'version'], type: 'string' },
  { path: ['metadata', 'profiles'], type: 'array<string>' },
  { path: ['metadata', 'product', 'name'], type: 'string' },
  { path: ['metadata', 'product', 'vendor_name'], type: 'string' },
  { path: ['cloud', 'provider'], type: 'string' },
  { path: ['action'], type: 'string' },
  { path: ['disposition_id'], type: 'int' },
  { path: ['disposition'], type: 'string' },
  { path: ['policy', 'uid'], type: 'string' },
  ocsfVendor('security_group_rule_groups', 'array<string>'),
];

interface SchemaColumnSource {
  readonly mapping: SchemaMapping;
  readonly converted: Readonly<Record<string, readonly TypedPlacement[]>>;
  readonly derived: readonly TypedPlacement[];
}

const SOURCES: Readonly<Record<Exclude<OutputSchema, 'native'>, SchemaColumnSource>> = {
  ecs: { mapping: ECS_MAPPING, converted: ECS_CONVERTED, derived: ECS_DERIVED },
  ocsf: { mapping: OCSF_MAPPING, converted: OCSF_CONVERTED, derived: OCSF_DERIVED },
};

/** A key that can be a Glue column or struct member name. */
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Top-level keys no column can be named after, and the column that reads each (the JSON SerDe's
 * `mapping.<column>`, Firehose's `ColumnToJsonKeyMappings`).
 */
export const RENAMED_TOP_LEVEL_KEYS: Readonly<Record<string, string>> = { '@timestamp': 'event_time' };

/**
 * Nested keys left without a column, by schema, and why: a struct member must be a valid name and
 * only top-level keys can be renamed. Neither loses information.
 */
export const KEYS_WITHOUT_COLUMN: Readonly<Record<OutputSchema, readonly { path: string; reason: string }[]>> = {
  native: [],
  ecs: [],
  ocsf: [{ path: 'unmapped.@timestamp', reason: 'the start of the interval as ISO-8601 text: `time` (epoch milliseconds) holds the same instant' }],
};

/** The native column of each document key: the catalogue's, the derived ones and the enrichment fields. */
function nativeTypes(): ReadonlyMap<string, string> {
  const renamed = new Map(Object.entries(RENAMED_TOP_LEVEL_KEYS).map(([key, column]) => [column, key]));
  return new Map(glueColumns().map(({ name, type }) => [renamed.get(name) ?? name, type]));
}

/** Every placement of a schema's documents, in the order the mapping writes them. */
export function schemaPlacements(schema: Exclude<OutputSchema, 'native'>): readonly TypedPlacement[] {
  const { mapping, converted, derived } = SOURCES[schema];
  const placements: TypedPlacement[] = [];
  for (const [key, type] of nativeTypes()) {
    const home = Object.hasOwn(mapping.homes, key) ? mapping.homes[key] : undefined;
    if (Array.isArray(home)) placements.push({ path: home, type });
    else if (home === undefined) placements.push({ path: [...mapping.vendorPath, key], type });
    else {
      const listed = converted[key];
      if (listed === undefined) throw new Error(`${schema}: ${key} has a computed home but no typed placements in src/athena/schema-columns.ts`);
      placements.push(...listed);
    }
  }
  placements.push(...derived);
  // The vendor namespace last, as mapDocument writes it.
  const vendorRoot = mapping.vendorPath[0];
  return [...placements.filter((placement) => placement.path[0] !== vendorRoot), ...placements.filter((placement) => placement.path[0] === vendorRoot)];
}

/** A node of the column tree: a leaf of a Hive type, or members by name in first-placed order. */
type ColumnNode = { readonly type: string } | { readonly members: Map<string, ColumnNode> };

function place(root: Map<string, ColumnNode>, placement: TypedPlacement, schema: string): void {
  const path = placement.path.map((key, index) => (index === 0 ? (RENAMED_TOP_LEVEL_KEYS[key] ?? key) : key));
  if (path.some((key) => !COLUMN_NAME.test(key))) {
    if (KEYS_WITHOUT_COLUMN[schema as OutputSchema].some((entry) => entry.path === placement.path.join('.'))) return;
    throw new Error(`${schema}: ${placement.path.join('.')} can be no column and is not listed in KEYS_WITHOUT_COLUMN`);
  }
  let members = root;
  for (const [index, key] of path.entries()) {
    const existing = members.get(key);
    if (index === path.length - 1) {
      if (existing === undefined) members.set(key, { type: placement.type });
      else if (!('type' in existing) || existing.type !== placement.type) throw new Error(`${schema}: ${path.join('.')} placed as ${placement.type} and as another type`);
      return;
    }
    if (existing === undefined) {
      const child = { members: new Map<string, ColumnNode>() };
      members.set(key, child);
      members = child.members;
    } else if ('members' in existing) members = existing.members;
    else throw new Error(`${schema}: ${path.slice(0, index + 1).join('.')} is both a value and an object`);
  }
}

function hiveTypeOf(node: ColumnNode): string {
  if ('type' in node) return node.type;
  return `struct<${[...node.members].map(([key, child]) => `${key}:${hiveTypeOf(child)}`).join(',')}>`;
}

/**
 * The columns of the Glue table over documents of a schema (partition keys apart).
 *
 * @example glueColumnsFor('ecs').find((column) => column.name === 'rule')?.type // 'struct<id:array<string>,ruleset:array<string>>'
 */
export function glueColumnsFor(schema: OutputSchema): readonly GlueColumn[] {
  if (schema === OutputSchema.Native) return glueColumns();
  const root = new Map<string, ColumnNode>();
  for (const placement of schemaPlacements(schema)) place(root, placement, schema);
  return [...root].map(([name, node]) => ({ name, type: hiveTypeOf(node) }));
}

/** The columns of a schema as the template's flow-style YAML lines, without indentation; a type with more than letters is quoted. */
export function glueColumnLinesFor(schema: OutputSchema): string[] {
  return glueColumnsFor(schema).map(({ name, type }) => `- { Name: ${name}, Type: ${/^[a-z]+$/.test(type) ? type : `'${type}'`} }`);
}
