import { FLOW_DIRECTIONS } from '../domain/flow-direction.js';
import { RULE_MATCHES } from '../domain/rule-match.js';
import { FLOW_LOG_FIELDS } from '../flow-log/field-catalogue.js';
import type { GeoLocation, SecurityGroupRule, SecurityGroupRulePeer } from '../ports.js';
import type { EnrichmentFields, FlowEnrichment } from './enriched-flow-log.js';
import type { NetworkInterfaceFields } from './network-interface-fields.js';

/**
 * The one description of what enrichment adds to a flow-log document: which keys, in which order,
 * from which part of a FlowEnrichment, with which value type. The serializers' order
 * (applyFlowEnrichment and the decorator's byte-splicing writer), the keys a record may not carry,
 * the fields shed over budget, the OpenSearch mapping, the Glue table's columns and the report's
 * sanitizer are all read from here, so a field is added (or a schema such as ECS derived) once.
 */

/** The value type of a field, in terms every engine we write for can map: JSON, OpenSearch, Hive. */
export type ValueType =
  | { readonly kind: 'keyword'; readonly values?: readonly string[] }
  | { readonly kind: 'integer' }
  | { readonly kind: 'geo_point' }
  | { readonly kind: 'object'; readonly properties: Readonly<Record<string, ValueType>> }
  | { readonly kind: 'list'; readonly of: ValueType };

const KEYWORD = { kind: 'keyword' } as const satisfies ValueType;
const INTEGER = { kind: 'integer' } as const satisfies ValueType;
const keywordOf = (values: readonly string[]): ValueType => ({ kind: 'keyword', values });
const listOf = (of: ValueType): ValueType => ({ kind: 'list', of });

/** Every key of every member of a union (`keyof` alone gives only the common keys). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

const GEO_LOCATION: ValueType = {
  kind: 'object',
  properties: {
    country_code: KEYWORD,
    country_name: KEYWORD,
    region_code: KEYWORD,
    region_name: KEYWORD,
    city: KEYWORD,
    location: { kind: 'geo_point' },
  } satisfies { readonly [K in keyof GeoLocation]-?: ValueType },
};

const SECURITY_GROUP_RULE: ValueType = {
  kind: 'object',
  properties: {
    rule_id: KEYWORD,
    group_id: KEYWORD,
    direction: KEYWORD,
    // `-1`, `tcp`, `icmpv6` or a number as text: a keyword, as DescribeSecurityGroupRules gives it.
    protocol: KEYWORD,
    from_port: INTEGER,
    to_port: INTEGER,
    description: KEYWORD,
    peer: {
      kind: 'object',
      properties: {
        kind: KEYWORD,
        // A CIDR as text: an OpenSearch `ip_range` would allow containment queries but not terms aggregations.
        cidr: KEYWORD,
        prefix_list_id: KEYWORD,
        group_id: KEYWORD,
        user_id: KEYWORD,
        vpc_id: KEYWORD,
        vpc_peering_connection_id: KEYWORD,
      } satisfies { readonly [K in KeysOfUnion<SecurityGroupRulePeer>]-?: ValueType },
    },
  } satisfies { readonly [K in keyof SecurityGroupRule]-?: ValueType },
};

/**
 * Where each enrichment field goes in a document, in the order enrichment adds them. A document
 * built field by field has its keys in this order, with `enrichment_issues` wherever the first
 * issue was noted; FlowEnrichment.issuesAt records that place so every rendering keeps it.
 */
export const EnrichmentSlot = {
  InterfaceFields: 0,
  Direction: 1,
  SecurityGroupRules: 2,
  RuleIds: 3,
  RuleMatch: 4,
  SrcGeo: 5,
  DstGeo: 6,
  End: 7,
} as const;
export type EnrichmentSlot = (typeof EnrichmentSlot)[keyof typeof EnrichmentSlot];

/** Every key enrichment may write: its own fields, and the interface's flow-log fields it fills in. */
export type EnrichedDocumentKey = keyof EnrichmentFields | keyof NetworkInterfaceFields;

/** The part of a FlowEnrichment a field's value is read from: a property, or a member of the interface fields. */
export type FieldSource =
  | { readonly property: Exclude<keyof FlowEnrichment, 'interfaceFields' | 'issuesAt'> }
  | { readonly property: 'interfaceFields'; readonly member: keyof NetworkInterfaceFields };

/** One key enrichment writes into a document. */
export interface EnrichedDocumentField {
  /** The document key. */
  readonly key: EnrichedDocumentKey;
  readonly source: FieldSource;
  /** Where the key goes: fields of one slot keep their listed order. */
  readonly slot: EnrichmentSlot;
  readonly type: ValueType;
  /** Dropped first when a response would pass its size budget. */
  readonly sheddable: boolean;
  /**
   * The generation of the published schema (index template, Glue table) that added the field, or
   * undefined for a flow-log field that enrichment only fills in when a record lacks it (its
   * mapping and column are the catalogue's). Published schemas list fields by generation, so a new
   * field goes last and the installed index template keeps its fingerprint.
   */
  readonly addedIn: 1 | 2 | undefined;
}

const field = (
  key: EnrichedDocumentKey,
  source: FieldSource,
  slot: EnrichmentSlot,
  type: ValueType,
  addedIn: 1 | 2 | undefined,
  sheddable = false,
): EnrichedDocumentField => ({ key, source, slot, type, sheddable, addedIn });
const fromInterface = (member: keyof NetworkInterfaceFields): FieldSource => ({ property: 'interfaceFields', member });

/**
 * Every key enrichment writes, in document order. `enrichment_issues` is listed at its usual
 * place, the end; a document has it wherever the first issue was noted (FlowEnrichment.issuesAt).
 */
export const ENRICHED_DOCUMENT_FIELDS: readonly EnrichedDocumentField[] = [
  field('security_group_ids', fromInterface('security_group_ids'), EnrichmentSlot.InterfaceFields, listOf(KEYWORD), 1),
  // Aligned with `security_group_ids`; `''` where EC2 gave no name.
  field('security_group_names', fromInterface('security_group_names'), EnrichmentSlot.InterfaceFields, listOf(KEYWORD), 1),
  // Filled in only when the record lacks them (v2 records); a record's own value is kept.
  field('interface_type', fromInterface('interface_type'), EnrichmentSlot.InterfaceFields, KEYWORD, 1),
  field('vpc_id', fromInterface('vpc_id'), EnrichmentSlot.InterfaceFields, KEYWORD, undefined),
  field('subnet_id', fromInterface('subnet_id'), EnrichmentSlot.InterfaceFields, KEYWORD, undefined),
  field('instance_id', fromInterface('instance_id'), EnrichmentSlot.InterfaceFields, KEYWORD, undefined),
  field('direction', { property: 'direction' }, EnrichmentSlot.Direction, keywordOf(FLOW_DIRECTIONS), 1),
  field('security_group_rules', { property: 'securityGroupRules' }, EnrichmentSlot.SecurityGroupRules, listOf(SECURITY_GROUP_RULE), 1, true),
  field('security_group_rule_ids', { property: 'ruleIds' }, EnrichmentSlot.RuleIds, listOf(KEYWORD), 2),
  field('rule_match', { property: 'ruleMatch' }, EnrichmentSlot.RuleMatch, keywordOf(RULE_MATCHES), 2),
  field('src_geo', { property: 'srcGeo' }, EnrichmentSlot.SrcGeo, GEO_LOCATION, 1, true),
  field('dst_geo', { property: 'dstGeo' }, EnrichmentSlot.DstGeo, GEO_LOCATION, 1, true),
  field('enrichment_issues', { property: 'issues' }, EnrichmentSlot.End, listOf(KEYWORD), 1),
];

/** The schema's fields by key. */
export const ENRICHED_DOCUMENT_FIELD_BY_KEY: ReadonlyMap<string, EnrichedDocumentField> = new Map(ENRICHED_DOCUMENT_FIELDS.map((entry) => [entry.key, entry]));

/** The fields a published schema (index mapping, Glue table) has for enrichment, in its order: by generation, then document order. */
export function publishedEnrichmentFields(): readonly EnrichedDocumentField[] {
  return ENRICHED_DOCUMENT_FIELDS.filter((entry) => entry.addedIn !== undefined).sort((a, b) => (a.addedIn ?? 0) - (b.addedIn ?? 0));
}

const isCatalogued = (key: string): boolean => FLOW_LOG_FIELDS.some((catalogued) => catalogued.key === key);

/**
 * The document keys only enrichment may write: every field of the schema that is not also a
 * flow-log field (`interface_type` is both, and a record's own value is kept). A header line
 * naming one of these is refused, so no record can pass off its own `enrichment_issues` or
 * `rule_match` as ours, nor make enrichment write into a value of the wrong type.
 */
export const ENRICHMENT_ONLY_KEYS: ReadonlySet<string> = new Set(ENRICHED_DOCUMENT_FIELDS.map((entry) => entry.key).filter((key) => !isCatalogued(key)));

/** Optional fields, dropped first when a response would pass its size budget. */
export const SHEDDABLE_FIELDS: readonly EnrichedDocumentKey[] = ENRICHED_DOCUMENT_FIELDS.filter((entry) => entry.sheddable).map((entry) => entry.key);

/** The value of a field in an enrichment, undefined when the enrichment does not add it. */
export function enrichmentValueOf(enrichment: FlowEnrichment, source: FieldSource): unknown {
  if (source.property === 'interfaceFields') return enrichment.interfaceFields?.[source.member];
  return enrichment[source.property];
}
