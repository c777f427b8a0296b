import { AppenderError } from '../errors.js';
import type { EnrichmentFields } from '../enrich/enriched-flow-log.js';
import { FieldType, FLOW_LOG_FIELDS, type FlowLogFieldDefinition } from '../flow-log/field-catalogue.js';
import { publishedEnrichmentFields, type ValueType } from '../enrich/enriched-document-schema.js';

/** An OpenSearch field mapping of a value the decorator emits. */
export type LeafMapping =
  | {
      readonly type: 'keyword';
      readonly ignore_above: number;
      /** Also index the value under this field: a field that gathers values OCSF spreads over two places (see ocsf-mappings.ts). */
      readonly copy_to?: string;
    }
  | { readonly type: 'ip' }
  | { readonly type: 'integer' }
  | { readonly type: 'long' }
  | { readonly type: 'date'; readonly format?: string }
  | { readonly type: 'geo_point' };

/**
 * A JSON object (not `nested`): OpenSearch Dashboards visualizations aggregate on object fields
 * but cannot on nested ones, and nothing we ask of `security_group_rules` needs per-element
 * matching, so the flattening that objects do costs nothing here.
 */
export interface ObjectMapping {
  readonly properties: Readonly<Record<string, FieldMapping>>;
}

export type FieldMapping = LeafMapping | ObjectMapping;

export type LeafMappingType = LeafMapping['type'];

/**
 * Keyword values longer than this are kept in `_source` but not indexed, so one absurd tag or
 * description cannot make a document fail (Lucene rejects terms over 32 KB).
 */
export const KEYWORD_IGNORE_ABOVE = 1024;

const KEYWORD: LeafMapping = { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE };
const IP: LeafMapping = { type: 'ip' };
const INTEGER: LeafMapping = { type: 'integer' };
const LONG: LeafMapping = { type: 'long' };

/**
 * Integer catalogue fields whose mapping is not `integer`.
 * - `bytes` and `packets` of one aggregation interval can pass 2^31 on a busy interface.
 * - `start` and `end` are `date` with `epoch_second`: range queries and histograms on the real
 *   flow window (`end` finds flows still open at a moment) work with date math, Dashboards shows
 *   them as dates, and `_source` keeps the exact integer the decorator emitted. `@timestamp`
 *   (from `start`) stays the time field of the index pattern.
 */
export const INTEGER_FIELD_OVERRIDES: Readonly<Record<string, LeafMapping>> = {
  bytes: LONG,
  packets: LONG,
  start: { type: 'date', format: 'epoch_second' },
  end: { type: 'date', format: 'epoch_second' },
};

/** The mapping a catalogue field gets from its type: addresses `ip`, text `keyword`, numbers `integer` unless overridden. */
export function catalogueFieldMapping(field: FlowLogFieldDefinition): LeafMapping {
  switch (field.type) {
    case FieldType.Address:
      return IP;
    case FieldType.String:
      return KEYWORD;
    case FieldType.Integer:
      return INTEGER_FIELD_OVERRIDES[field.key] ?? INTEGER;
  }
}

/** Fields of FlowLogDocument that the parser derives rather than reads from a catalogue column. */
export const DERIVED_DOCUMENT_FIELD_MAPPINGS = {
  '@timestamp': { type: 'date' },
  protocol_name: KEYWORD,
} as const satisfies Readonly<Record<string, LeafMapping>>;

const GEO_POINT: LeafMapping = { type: 'geo_point' };

/** The mapping of a value of the schema's type: a list maps as its items (every OpenSearch field takes arrays), an object as an ObjectMapping. */
export function valueTypeMapping(type: ValueType): FieldMapping {
  switch (type.kind) {
    case 'keyword':
      return KEYWORD;
    case 'integer':
      return INTEGER;
    case 'geo_point':
      return GEO_POINT;
    case 'list':
      return valueTypeMapping(type.of);
    case 'object':
      return { properties: Object.fromEntries(Object.entries(type.properties).map(([key, child]) => [key, valueTypeMapping(child)])) };
  }
}

/**
 * The fields enrichment adds, from src/enrich/enriched-document-schema.ts in its published order:
 * the rule-attribution fields come last, where the template has had them since before the
 * decorator emitted them: moving them would change the template's fingerprint, and with it every
 * installed template, for nothing.
 */
export const ENRICHMENT_FIELD_MAPPINGS: Readonly<Record<keyof EnrichmentFields, FieldMapping>> = Object.fromEntries(
  publishedEnrichmentFields().map((entry) => [entry.key, valueTypeMapping(entry.type)]),
) as Record<keyof EnrichmentFields, FieldMapping>;

/**
 * The `properties` of the index mapping: every catalogue field (typed from the catalogue, so a new
 * flow-log field is mapped as soon as it is catalogued), the derived fields and the enrichment
 * fields. A key defined twice must be mapped the same way (`interface_type` is both
 * a v11 field and an enrichment field).
 *
 * @example
 * flowLogMappingProperties().srcaddr // { type: 'ip' }
 */
export function flowLogMappingProperties(): Readonly<Record<string, FieldMapping>> {
  const properties: Record<string, FieldMapping> = {};
  const add = (key: string, mapping: FieldMapping): void => {
    const existing = properties[key];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(mapping)) {
      throw new AppenderError(`field ${key} is mapped twice, as ${JSON.stringify(existing)} and ${JSON.stringify(mapping)}`);
    }
    properties[key] = mapping;
  };
  for (const field of FLOW_LOG_FIELDS) add(field.key, catalogueFieldMapping(field));
  for (const [key, mapping] of Object.entries(DERIVED_DOCUMENT_FIELD_MAPPINGS)) add(key, mapping);
  for (const [key, mapping] of Object.entries(ENRICHMENT_FIELD_MAPPINGS)) add(key, mapping);
  return properties;
}

export function isObjectMapping(mapping: FieldMapping): mapping is ObjectMapping {
  return 'properties' in mapping;
}

/**
 * Every leaf field of a mapping by its dotted path, in mapping order.
 *
 * @example
 * mappedLeafFields(flowLogMappingProperties()).get('src_geo.location') // { type: 'geo_point' }
 */
export function mappedLeafFields(properties: Readonly<Record<string, FieldMapping>>, prefix = ''): ReadonlyMap<string, LeafMapping> {
  const leaves = new Map<string, LeafMapping>();
  for (const [key, mapping] of Object.entries(properties)) {
    const path = `${prefix}${key}`;
    if (isObjectMapping(mapping)) {
      for (const [childPath, child] of mappedLeafFields(mapping.properties, `${path}.`)) leaves.set(childPath, child);
    } else {
      leaves.set(path, mapping);
    }
  }
  return leaves;
}
