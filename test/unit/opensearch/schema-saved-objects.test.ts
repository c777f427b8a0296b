import { describe, expect, it } from 'vitest';
import { applyFlowEnrichment } from '../../../src/enrich/enriched-flow-log.js';
import type { FlowLogDocument } from '../../../src/flow-log/index.js';
import { DASHBOARD_FIELDS, type DashboardFields } from '../../../src/opensearch/dashboard-fields.js';
import { mappedLeafFields } from '../../../src/opensearch/field-mappings.js';
import { schemaMappingProperties } from '../../../src/opensearch/index-template.js';
import { buildSavedObjects, viewQueries, type SavedObject } from '../../../src/opensearch/saved-objects.js';
import { OUTPUT_SCHEMAS, toSchemaDocument, type OutputSchema } from '../../../src/output-schema/output-schema.js';
import { dqlMatches, fieldValues, parseDql, type FlowDocument } from '../../integration/support/dashboards-queries.js';
import { enrichedCases } from '../../support/output-schema-cases.js';
import { asIndexed } from '../../integration/opensearch/indexed-document.js';

interface Aggregation {
  readonly id: string;
  readonly type: string;
  readonly schema: string;
  readonly params: Readonly<Record<string, unknown>> & { readonly field?: string };
}

const visState = (object: SavedObject) => JSON.parse(object.attributes.visState as string) as { type: string; aggs: Aggregation[]; params: unknown };
const queryOf = (object: SavedObject) => (JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } }).query.query;

/** Field names a DQL query uses: the identifiers before `:`, with quoted values removed first. */
function queryFields(query: string): string[] {
  return [...query.replace(/"[^"]*"/g, '""').matchAll(/([@\w.]+)\s*:/g)].map((match) => match[1] as string);
}

/** Every field an object reads: aggregation fields, columns, sort, query, time field, field formats. */
function referencedFields(object: SavedObject): string[] {
  if (object.type === 'index-pattern') return [object.attributes.timeFieldName as string, ...Object.keys(JSON.parse(object.attributes.fieldFormatMap as string) as object)];
  if (object.type === 'dashboard') return [];
  const fields = queryFields(queryOf(object));
  if (object.type === 'visualization') fields.push(...visState(object).aggs.flatMap((agg) => (agg.params.field === undefined ? [] : [agg.params.field])));
  if (object.type === 'search') fields.push(...(object.attributes.columns as string[]), ...(object.attributes.sort as [string, string][]).map(([field]) => field));
  return fields;
}

/** An object with every field name it reads replaced by the name of its role in DashboardFields. */
function byRole(object: SavedObject, fields: DashboardFields): unknown {
  const roles = new Map<string, string>();
  for (const [role, value] of Object.entries(fields)) roles.set(typeof value === 'string' ? value : (value as { field: string }).field, `<${role}>`);
  const rename = (name: unknown): unknown => (typeof name === 'string' ? (roles.get(name) ?? name) : name);
  if (object.type === 'visualization') {
    const state = visState(object);
    return { id: object.id, type: state.type, params: state.params, aggs: state.aggs.map((agg) => ({ ...agg, params: { ...agg.params, field: rename(agg.params.field) } })) };
  }
  if (object.type === 'search') return { id: object.id, columns: (object.attributes.columns as string[]).map(rename), sort: (object.attributes.sort as [string, string][]).map(([field, order]) => [rename(field), order]) };
  if (object.type === 'dashboard') return { id: object.id, attributes: object.attributes, references: object.references };
  return { id: object.id, timeFieldName: rename(object.attributes.timeFieldName) };
}

/**
 * Flows the views ask about, built from the golden cases: each case as it is, as SSH from the
 * internet, rejected, and from a private source; so every query matches some and misses some.
 */
function viewCases(): FlowLogDocument[] {
  const cases = enrichedCases(11).map((entry) => applyFlowEnrichment({ ...entry.document }, entry.enrichment));
  return cases.flatMap((document) => [
    document,
    { ...document, dstport: 22 },
    { ...document, dstport: 5432, action: 'REJECT' },
    { ...document, dstport: 3389, srcaddr: '10.0.9.9' },
    { ...document, rule_match: 'would_allow', dstport: 1433 },
  ]);
}

describe('the saved objects of each output schema', () => {
  const nativeObjects = buildSavedObjects({ indexPattern: 'cwl-*' });

  it.each(OUTPUT_SCHEMAS)('%s: reads only fields the schema\'s index template maps, sums only numbers, grids only geo points', (schema) => {
    const leaves = mappedLeafFields(schemaMappingProperties(schema));
    const objects = buildSavedObjects({ indexPattern: 'cwl-*', schema });
    const aggregations = objects.filter((object) => object.type === 'visualization').flatMap((object) => visState(object).aggs);

    const missing = objects.flatMap((object) => referencedFields(object).filter((field) => !leaves.has(field)).map((field) => `${object.id}: ${field}`));
    const mistyped = aggregations.filter(
      (agg) =>
        (agg.type === 'sum' && !['integer', 'long'].includes(leaves.get(agg.params.field ?? '')?.type ?? '')) ||
        (['min', 'max', 'date_histogram'].includes(agg.type) && leaves.get(agg.params.field ?? '')?.type !== 'date') ||
        (agg.type === 'geohash_grid' && leaves.get(agg.params.field ?? '')?.type !== 'geo_point'),
    );

    expect(objects.flatMap(referencedFields).length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
    expect(mistyped).toEqual([]);
  });

  it.each(OUTPUT_SCHEMAS)('%s: builds the same objects as native, each field in the same role, with the same ids and dashboards', (schema) => {
    const objects = buildSavedObjects({ indexPattern: 'cwl-*', schema });

    expect(objects.map((object) => byRole(object, DASHBOARD_FIELDS[schema]))).toEqual(nativeObjects.map((object) => byRole(object, DASHBOARD_FIELDS.native)));
  });

  it.each(OUTPUT_SCHEMAS)('%s: makes the index pattern timed on the schema\'s time field with every mapped field listed', (schema) => {
    const [indexPattern] = buildSavedObjects({ indexPattern: 'cwl-*', schema });
    const listed = new Map((JSON.parse(indexPattern?.attributes.fields as string) as { name: string; type: string }[]).map((field) => [field.name, field.type]));

    expect(indexPattern?.attributes.timeFieldName).toBe(DASHBOARD_FIELDS[schema].time);
    expect(listed.get(DASHBOARD_FIELDS[schema].time)).toBe('date');
    expect(listed.get(DASHBOARD_FIELDS[schema].sourceLocation)).toBe('geo_point');
    expect([...mappedLeafFields(schemaMappingProperties(schema)).keys()].filter((name) => !listed.has(name))).toEqual([]);
  });

  it.each(OUTPUT_SCHEMAS.filter((schema) => schema !== 'native'))('%s: every view query matches exactly the documents its native query matches', (schema: OutputSchema) => {
    const properties = schemaMappingProperties(schema);
    const native = viewQueries(DASHBOARD_FIELDS.native);
    const mapped = viewQueries(DASHBOARD_FIELDS[schema]);
    const cases = viewCases();

    const verdicts = (queries: typeof native, documents: readonly FlowDocument[]) =>
      Object.fromEntries(Object.entries(queries).map(([name, query]: [string, string]) => [name, documents.map((document) => dqlMatches(parseDql(query), document))]));
    const nativeVerdicts = verdicts(native, cases);

    expect(verdicts(mapped, cases.map((document) => asIndexed(toSchemaDocument(schema, document) as FlowDocument, properties)))).toEqual(nativeVerdicts);
    expect(Object.values(nativeVerdicts).every((matches) => matches.includes(true) && matches.includes(false))).toBe(true);
  });

  it.each(OUTPUT_SCHEMAS.filter((schema) => schema !== 'native'))('%s: finds in each document the interface, the rule ids, the groups and the attribution the native fields hold', (schema: OutputSchema) => {
    const properties = schemaMappingProperties(schema);
    const roles = ['interfaceId', 'ruleIds', 'securityGroupIds', 'securityGroupNames', 'ruleMatch', 'sourceAddress', 'destinationPort', 'bytes', 'packets'] as const;

    const mismatched = viewCases().flatMap((document) => {
      const indexed = asIndexed(toSchemaDocument(schema, document) as FlowDocument, properties);
      return roles
        .filter((role) => JSON.stringify([...new Set(fieldValues(indexed, DASHBOARD_FIELDS[schema][role]))].sort()) !== JSON.stringify([...new Set(fieldValues(document as unknown as FlowDocument, DASHBOARD_FIELDS.native[role]))].sort()))
        .map((role) => `${role}: ${JSON.stringify(fieldValues(indexed, DASHBOARD_FIELDS[schema][role]))} vs ${JSON.stringify(fieldValues(document as unknown as FlowDocument, DASHBOARD_FIELDS.native[role]))}`);
    });

    expect(mismatched).toEqual([]);
  });
});
