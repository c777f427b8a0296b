import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_MATCHES } from '../../src/domain/rule-match.js';
import { addFlowEnrichmentIssue, applyFlowEnrichment, EnrichmentIssue, EnrichmentSlot, emptyFlowEnrichment, type FlowEnrichment } from '../../src/enrich/enriched-flow-log.js';
import type { NetworkInterfaceFields } from '../../src/enrich/network-interface-fields.js';
import { FieldType, FLOW_LOG_FIELDS, type FlowLogDocument } from '../../src/flow-log/index.js';
import { ECS_MAPPING } from '../../src/output-schema/ecs-mapping.js';
import { createMappedJsonWriter } from '../../src/output-schema/mapped-json-writer.js';
import { OCSF_MAPPING } from '../../src/output-schema/ocsf-mapping.js';
import { createSchemaSerializer, toSchemaDocument } from '../../src/output-schema/output-schema.js';
import type { GeoLocation, SecurityGroupRule } from '../../src/ports.js';
import { securityGroupRule } from '../support/ec2-builders.js';

// The ECS and OCSF serializers write JSON without building the mapped document
// (src/output-schema/mapped-json-writer.ts). The reference is what they must write, byte for byte:
// JSON.stringify of the mapping applied to the enriched document. The documents here are built
// directly rather than parsed, so they take any key order, any value a field's type allows and some
// it does not, keys the catalogue does not know, and the keys only enrichment writes.

/** Values the mappings branch on, by key. */
const SPECIAL_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  action: ['ACCEPT', 'REJECT', 'DROP'],
  flow_direction: ['ingress', 'egress', 'sideways'],
  direction: ['ingress', 'egress'],
  type: ['IPv4', 'IPv6', 'EFA'],
  traffic_path: [1, 2, 3, 8, 9],
  protocol: [1, 6, 17, 58, 255],
  protocol_name: ['TCP', 'UDP', 'ICMP'],
  log_status: ['OK', 'NODATA', 'SKIPDATA'],
  srcaddr: ['198.51.100.7', '2001:db8::7'],
  dstaddr: ['10.0.1.17', '2001:db8::9'],
  start: [1_700_000_000, 1_700_000_060, -1, 8.64e15, 1e300],
  end: [1_700_000_060, 0],
  tcp_flags: [0, 2, 18, 19, 63, 64],
};

/** Text with what JSON escapes: quotes, backslashes, control characters, non-ASCII, lone surrogates. */
const anyText = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('a"b', 'back\\slash', 'tab\there', 'Zürich', '\ud800'));
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY));
const anyJson = fc.oneof(anyText, anyNumber, fc.constant(null), fc.boolean(), fc.array(anyText, { maxLength: 2 }), fc.dictionary(fc.constantFrom('a', '1', 'b c'), anyText, { maxKeys: 2 }));

/** A value of the key's type (a number for integer fields, a string for the others: FlowLogDocument's contract), often one the mappings branch on; any JSON for a key the catalogue does not know. */
function valueFor(key: string): fc.Arbitrary<unknown> {
  const type = key === '@timestamp' || key === 'protocol_name' ? FieldType.String : FLOW_LOG_FIELDS.find((field) => field.key === key)?.type;
  const typed =
    type === undefined ? anyJson : type === FieldType.Integer ? fc.oneof(fc.nat({ max: 65_535 }), anyNumber) : type === FieldType.Address ? fc.oneof(fc.ipV4(), fc.ipV6(), anyText) : anyText;
  const special = Object.hasOwn(SPECIAL_VALUES, key) ? SPECIAL_VALUES[key] : undefined;
  return special === undefined ? typed : fc.oneof(typed, fc.constantFrom(...special));
}

/**
 * Keys no catalogue field has: a newer field, keys JavaScript objects treat apart (integer-like,
 * inherited names), and keys enrichment writes, which a document enriched before carries
 * (`enrichment_issues` left out: enrichment appends to it, so it must be a list).
 */
const ODD_KEYS = ['future_field', '0', '17', 'constructor', 'toString', 'hasOwnProperty', 'a.b', 'é', 'security_group_ids', 'direction', 'rule_match', 'src_geo', 'tcp_flags_array'];
const DOCUMENT_KEYS = ['@timestamp', 'protocol_name', ...FLOW_LOG_FIELDS.map((field) => field.key)];

/** A document of some catalogue keys in any order, sometimes with odd keys and sometimes with an own `__proto__`. */
const documentArbitrary: fc.Arbitrary<FlowLogDocument> = fc
  .tuple(fc.shuffledSubarray(DOCUMENT_KEYS), fc.subarray(ODD_KEYS, { maxLength: 3 }), fc.boolean(), fc.option(anyJson, { freq: 8, nil: undefined }))
  .chain(([keys, odd, oddFirst, proto]) => {
    const ordered = oddFirst ? [...odd, ...keys] : [...keys, ...odd];
    return fc.tuple(...ordered.map((key) => fc.option(valueFor(key), { freq: 8, nil: undefined }))).map((values) => {
      const document: FlowLogDocument = {};
      ordered.forEach((key, index) => {
        if (values[index] !== undefined || index % 7 === 0) document[key] = values[index];
      });
      if (proto !== undefined) Object.defineProperty(document, '__proto__', { value: proto, enumerable: true, writable: true, configurable: true });
      return document;
    });
  });

const geoArbitrary: fc.Arbitrary<GeoLocation> = fc.record(
  {
    country_code: anyText,
    country_name: anyText,
    region_code: anyText,
    region_name: anyText,
    city: anyText,
    location: fc.record({ lat: anyNumber, lon: anyNumber }),
  },
  { requiredKeys: [] },
);

const interfaceFieldsArbitrary: fc.Arbitrary<NetworkInterfaceFields> = fc.record(
  {
    security_group_ids: fc.array(fc.constantFrom('sg-1', 'sg-2', 'sg-"3"'), { maxLength: 3 }),
    security_group_names: fc.array(anyText, { maxLength: 3 }),
    interface_type: anyText,
    vpc_id: fc.constant('vpc-1'),
    subnet_id: fc.constant('subnet-1'),
    instance_id: fc.constant('i-1'),
  },
  { requiredKeys: ['security_group_ids', 'security_group_names'] },
);

const RULES: readonly (readonly SecurityGroupRule[])[] = [
  [securityGroupRule()],
  [securityGroupRule({ rule_id: 'sgr-2', group_id: 'sg-1' }), securityGroupRule({ rule_id: 'sgr-3', group_id: 'sg-2', description: 'admin "any"' })],
];

const enrichmentArbitrary: fc.Arbitrary<FlowEnrichment> = fc
  .record({
    interfaceFields: fc.option(interfaceFieldsArbitrary, { nil: undefined }),
    direction: fc.option(fc.constantFrom('ingress' as const, 'egress' as const), { nil: undefined }),
    securityGroupRules: fc.option(fc.constantFrom(...RULES), { nil: undefined }),
    ruleIds: fc.option(fc.subarray(['sgr-0123456789abcdef0', 'sgr-2', 'sgr-3', 'sgr-9']), { nil: undefined }),
    ruleMatch: fc.option(fc.constantFrom(...RULE_MATCHES), { nil: undefined }),
    srcGeo: fc.option(geoArbitrary, { nil: undefined }),
    dstGeo: fc.option(geoArbitrary, { nil: undefined }),
    issues: fc.array(fc.constantFrom(...Object.values(EnrichmentIssue)), { maxLength: 3 }),
    issuesAt: fc.constantFrom(...Object.values(EnrichmentSlot)),
  })
  .map(({ issues, issuesAt, ...parts }) => {
    const enrichment = { ...emptyFlowEnrichment(), ...parts };
    for (const issue of issues) addFlowEnrichmentIssue(enrichment, issue, issuesAt);
    return enrichment;
  });

const SCHEMAS = [
  ['ecs', ECS_MAPPING],
  ['ocsf', OCSF_MAPPING],
] as const;

/** What a schema serializer must write: the reference mapping of the enriched document, stringified. */
const reference = (schema: 'ecs' | 'ocsf', document: FlowLogDocument, enrichment: FlowEnrichment): string =>
  JSON.stringify(toSchemaDocument(schema, applyFlowEnrichment({ ...document }, enrichment)));

describe('ECS and OCSF JSON written without building the document (property)', () => {
  it('is byte for byte JSON.stringify of the mapped document, for any document and enrichment, with one serializer for many documents as in a batch', () => {
    // One serializer per schema across every run: layouts learned from one document serve the next.
    const serializers = { ecs: createSchemaSerializer('ecs'), ocsf: createSchemaSerializer('ocsf') };
    fc.assert(
      fc.property(documentArbitrary, enrichmentArbitrary, (document, enrichment) => {
        for (const [schema] of SCHEMAS) {
          // Act
          const written = serializers[schema].serialize(document, enrichment);

          // Assess
          expect(written, schema).toBe(reference(schema, document, enrichment));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('writes a batch of documents that share their enrichment exactly as the reference writes each', () => {
    const batch = fc.tuple(fc.array(documentArbitrary, { minLength: 1, maxLength: 8 }), fc.array(enrichmentArbitrary, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(batch, ([documents, enrichments]) => {
        for (const [schema] of SCHEMAS) {
          // Prepare: a fresh serializer per batch, as the decorator makes; enrichments shared as interfaces share theirs.
          const serializer = createSchemaSerializer(schema);
          const pairs = documents.flatMap((document) => enrichments.map((enrichment) => [document, enrichment] as const));

          // Act
          const written = pairs.map(([document, enrichment]) => serializer.serialize(document, enrichment));

          // Assess
          expect(written).toEqual(pairs.map(([document, enrichment]) => reference(schema, document, enrichment)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('writes every document whose keys are plain object keys itself, leaving none to the reference', () => {
    // The fast path falls back to the reference only for a path that runs through a value; no
    // mapping of ours has one, so a writer answering undefined here would be a slow path in disguise.
    const plainKeys = documentArbitrary.filter((document) => !Object.hasOwn(document, '__proto__'));
    fc.assert(
      fc.property(plainKeys, enrichmentArbitrary, (document, enrichment) => {
        for (const [schema, mapping] of SCHEMAS) {
          // Act
          const enriched = applyFlowEnrichment({ ...document }, enrichment);
          const written = createMappedJsonWriter(mapping).write(enriched);

          // Assess
          expect(written, schema).toBe(JSON.stringify(toSchemaDocument(schema, enriched)));
        }
      }),
      { numRuns: 300 },
    );
  });
});
