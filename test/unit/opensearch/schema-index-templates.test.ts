import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleMatch } from '../../../src/analysis/index.js';
import { applyFlowEnrichment, type EnrichedFlowLog } from '../../../src/enrich/enriched-flow-log.js';
import { isObjectMapping, mappedLeafFields, type FieldMapping, type LeafMapping } from '../../../src/opensearch/field-mappings.js';
import { buildIndexTemplate, schemaMappingProperties } from '../../../src/opensearch/index-template.js';
import { OCSF_GATHERED_FIELDS } from '../../../src/opensearch/ocsf-mappings.js';
import { createSchemaSerializer, OUTPUT_SCHEMAS, toSchemaDocument, type OutputSchema } from '../../../src/output-schema/output-schema.js';
import { geoLocation } from '../../support/geo-builders.js';
import { acceptsValue, leafValues } from '../../support/opensearch-leaf-values.js';
import { CATALOGUE_VERSIONS, enrichedCases } from '../../support/output-schema-cases.js';

/**
 * The golden documents of a schema (test/unit/output-schema/golden/<schema>/v<N>): the three cases
 * of every catalogue version, serialized as the decorator writes them.
 */
function goldenDocuments(schema: OutputSchema): Record<string, unknown>[] {
  const serializer = createSchemaSerializer(schema);
  return CATALOGUE_VERSIONS.flatMap((version) => enrichedCases(version).map((entry) => JSON.parse(serializer.serialize(entry.document, entry.enrichment)) as Record<string, unknown>));
}

/** Every copy_to of a mapping, as [source path, target path]. */
function copies(properties: Readonly<Record<string, FieldMapping>>): [string, string][] {
  return [...mappedLeafFields(properties)].flatMap(([path, mapping]) => (mapping.type === 'keyword' && mapping.copy_to !== undefined ? [[path, mapping.copy_to] as [string, string]] : []));
}

/**
 * A golden case of any version with the values the mappings branch on drawn at random: either
 * address family, any port, any verdict and direction (or none), any number of matching rules and
 * groups, geolocation or none, a time or none.
 */
const variedDocument: fc.Arbitrary<EnrichedFlowLog> = fc
  .record({
    version: fc.constantFrom(...CATALOGUE_VERSIONS),
    index: fc.nat({ max: 2 }),
    srcaddr: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    dstaddr: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    dstport: fc.option(fc.nat({ max: 65_535 }), { nil: undefined }),
    action: fc.option(fc.constantFrom('ACCEPT', 'REJECT', 'DROP'), { nil: undefined }),
    direction: fc.option(fc.constantFrom('ingress' as const, 'egress' as const), { nil: undefined }),
    ruleIds: fc.option(fc.array(fc.stringMatching(/^sgr-[0-9a-f]{1,17}$/), { maxLength: 3 }), { nil: undefined }),
    ruleMatch: fc.option(fc.constantFrom(...Object.values(RuleMatch)), { nil: undefined }),
    srcGeo: fc.option(fc.constant(geoLocation()), { nil: undefined }),
    start: fc.option(fc.integer({ min: 0, max: 4_000_000_000 }), { nil: undefined }),
  })
  .map((draw) => {
    const entry = enrichedCases(draw.version)[draw.index] ?? enrichedCases(draw.version)[0];
    const document: EnrichedFlowLog = applyFlowEnrichment({ ...entry!.document }, entry!.enrichment);
    // A drawn undefined removes the field, as a record without it would have none.
    Object.assign(document as unknown as Record<string, unknown>, {
      srcaddr: draw.srcaddr,
      dstaddr: draw.dstaddr,
      dstport: draw.dstport,
      action: draw.action,
      direction: draw.direction,
      start: draw.start,
      security_group_rule_ids: draw.ruleIds,
      rule_match: draw.ruleMatch,
      src_geo: draw.srcGeo,
    });
    return document;
  });

describe('the index template of each output schema', () => {
  it.each(OUTPUT_SCHEMAS)('%s: maps every field of any varied document with a type that takes its value (property)', (schema) => {
    const leaves = mappedLeafFields(schemaMappingProperties(schema));

    fc.assert(
      fc.property(variedDocument, (document) => {
        const values = leafValues(JSON.parse(JSON.stringify(toSchemaDocument(schema, document))), leaves);
        expect(values.filter(([path, value]) => !leaves.has(path) || !acceptsValue(leaves.get(path) as LeafMapping, value))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it.each(OUTPUT_SCHEMAS)('%s: maps every field of every golden document, each with a type that takes its values', (schema) => {
    const leaves = mappedLeafFields(schemaMappingProperties(schema));
    const values = goldenDocuments(schema).flatMap((document) => leafValues(document, leaves));

    const unmapped = [...new Set(values.filter(([path]) => !leaves.has(path)).map(([path]) => path))];
    const refused = values.filter(([path, value]) => leaves.has(path) && !acceptsValue(leaves.get(path) as LeafMapping, value));

    expect(values.length).toBeGreaterThan(500);
    expect(unmapped).toEqual([]);
    expect(refused).toEqual([]);
  });

  it.each(OUTPUT_SCHEMAS)('%s: is the template the schema option selects', (schema) => {
    expect(buildIndexTemplate({ indexPattern: 'cwl-*', schema }).template.mappings.properties).toEqual(schemaMappingProperties(schema));
  });

  it('maps OCSF addresses as ip, its times as epoch-millisecond dates, ids and counts as numbers, and its coordinates as a geo_point', () => {
    const leaves = mappedLeafFields(schemaMappingProperties('ocsf'));

    expect(['src_endpoint.ip', 'dst_endpoint.ip', 'src_endpoint.intermediate_ips', 'time', 'start_time', 'end_time', 'traffic.bytes', 'dst_endpoint.port', 'class_uid', 'src_endpoint.location.coordinates', 'unmapped.@timestamp'].map((path) => leaves.get(path))).toEqual([
      { type: 'ip' },
      { type: 'ip' },
      { type: 'ip' },
      { type: 'date', format: 'epoch_millis' },
      { type: 'date', format: 'epoch_millis' },
      { type: 'date', format: 'epoch_millis' },
      { type: 'long' },
      { type: 'integer' },
      { type: 'integer' },
      { type: 'geo_point' },
      { type: 'date' },
    ]);
  });

  it('types the vendor namespaces (ECS aws.vpcflow, OCSF unmapped) as the native document, whose field names they keep', () => {
    const native = schemaMappingProperties('native');
    const vendorOf = (schema: OutputSchema, root: string, child?: string): Readonly<Record<string, FieldMapping>> => {
      let mapping = schemaMappingProperties(schema)[root] as FieldMapping;
      if (child !== undefined && isObjectMapping(mapping)) mapping = mapping.properties[child] as FieldMapping;
      return isObjectMapping(mapping) ? mapping.properties : {};
    };

    expect(vendorOf('ecs', 'aws', 'vpcflow')).toMatchObject(native);
    expect(vendorOf('ocsf', 'unmapped')).toMatchObject(native);
  });

  it('copies the OCSF interface and rule ids into mapped keyword fields of the vendor namespace, the ones the dashboards read', () => {
    const properties = schemaMappingProperties('ocsf');
    const leaves = mappedLeafFields(properties);

    expect(copies(properties)).toEqual([
      ['src_endpoint.interface_uid', OCSF_GATHERED_FIELDS.interfaceId],
      ['dst_endpoint.interface_uid', OCSF_GATHERED_FIELDS.interfaceId],
      ['firewall_rule.uid', OCSF_GATHERED_FIELDS.ruleIds],
    ]);
    expect([OCSF_GATHERED_FIELDS.interfaceId, OCSF_GATHERED_FIELDS.ruleIds].map((path) => leaves.get(path)?.type)).toEqual(['keyword', 'keyword']);
    expect(copies(schemaMappingProperties('ecs'))).toEqual([]);
    expect(copies(schemaMappingProperties('native'))).toEqual([]);
  });

  it('fingerprints each schema\'s template apart, so switching schema updates the installed template', () => {
    const fingerprints = OUTPUT_SCHEMAS.map((schema) => buildIndexTemplate({ indexPattern: 'cwl-*', schema })._meta.fingerprint);

    expect(new Set(fingerprints).size).toBe(OUTPUT_SCHEMAS.length);
    expect(buildIndexTemplate({ indexPattern: 'cwl-*' })._meta.fingerprint).toBe(fingerprints[0]);
  });
});
