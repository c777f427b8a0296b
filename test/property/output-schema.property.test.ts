import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleMatch } from '../../src/analysis/index.js';
import { addFlowEnrichmentIssue, applyFlowEnrichment, EnrichmentIssue, EnrichmentSlot, emptyFlowEnrichment, type EnrichedFlowLog, type FlowEnrichment } from '../../src/enrich/enriched-flow-log.js';
import { networkInterfaceFields } from '../../src/enrich/network-interface-fields.js';
import { FieldType, lookupField, parseFlowLogLine, type FlowLogDocument } from '../../src/flow-log/index.js';
import { ECS_MAPPING } from '../../src/output-schema/ecs-mapping.js';
import { getPath, placementsOf, type SchemaMapping } from '../../src/output-schema/field-placement.js';
import { OCSF_MAPPING } from '../../src/output-schema/ocsf-mapping.js';
import { createSchemaSerializer } from '../../src/output-schema/output-schema.js';
import { networkInterfaceInfo, securityGroupRule, without } from '../support/ec2-builders.js';
import { formatOf, SAMPLE_FIELD_TEXT } from '../support/flow-log-builders.js';
import { geoLocation } from '../support/geo-builders.js';
import { CATALOGUE_VERSIONS, fieldNamesUpTo } from '../support/output-schema-cases.js';

/** Values a field of the name may take besides its sample and `-`: the ones the mappings branch on. */
const SPECIAL_VALUES: Readonly<Record<string, readonly string[]>> = {
  action: ['ACCEPT', 'REJECT', 'DROP'],
  'flow-direction': ['ingress', 'egress', 'sideways'],
  type: ['IPv4', 'IPv6', 'EFA'],
  'traffic-path': ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  protocol: ['1', '6', '17', '58', '61', '255'],
  'log-status': ['OK', 'NODATA', 'SKIPDATA'],
};
const TIME_FIELDS = new Set(['start', 'end']);

function valueOf(name: string): fc.Arbitrary<string> {
  const sample = fc.constant(SAMPLE_FIELD_TEXT[name] ?? 'future-value');
  const special = SPECIAL_VALUES[name];
  // Times are kept plausible: the parser refuses a record whose start is decades before its end.
  if (TIME_FIELDS.has(name)) return fc.oneof(fc.constant('-'), sample);
  const type = lookupField(name).type;
  const random =
    type === FieldType.Address ? fc.oneof(fc.ipV4(), fc.ipV6()) : type === FieldType.Integer ? fc.nat({ max: 65_535 }).map(String) : fc.stringMatching(/^[A-Za-z0-9_.:/-]{1,12}$/).filter((text) => text !== '-');
  return fc.oneof(fc.constant('-'), sample, random, ...(special === undefined ? [] : [fc.constantFrom(...special)]));
}

/** A record of every field up to a catalogue version, sometimes with a field newer than the catalogue. */
const documentArbitrary: fc.Arbitrary<FlowLogDocument | undefined> = fc
  .tuple(fc.constantFrom(...CATALOGUE_VERSIONS), fc.boolean())
  .chain(([version, newer]) => {
    const names = [...fieldNamesUpTo(version), ...(newer ? ['future-field'] : [])];
    return fc.tuple(...names.map(valueOf)).map((values): FlowLogDocument | undefined => {
      const parsed = parseFlowLogLine(values.join(' '), formatOf(names));
      return parsed.ok ? parsed.value : undefined;
    });
  });

const INFOS = [networkInterfaceInfo(), without(networkInterfaceInfo({ securityGroups: [{ groupId: 'sg-1', groupName: 'na"me' }, { groupId: 'sg-2', groupName: '' }] }), 'instanceId', 'vpcId')];
const RULES = [[securityGroupRule()], [securityGroupRule({ rule_id: 'sgr-2', group_id: 'sg-1' }), securityGroupRule({ rule_id: 'sgr-3', group_id: 'sg-2' })]];
const RULE_IDS = [[], ['sgr-0123456789abcdef0'], ['sgr-2', 'sgr-3']];
const GEO = [geoLocation(), without(geoLocation({ city: 'Zürich' }), 'region_code', 'location'), { country_name: 'Nowhere' }, { location: { lat: 1, lon: 2 } }];

const enrichmentPlan = fc.record({
  info: fc.option(fc.nat({ max: INFOS.length - 1 }), { nil: undefined }),
  direction: fc.option(fc.constantFrom('ingress' as const, 'egress' as const), { nil: undefined }),
  rules: fc.option(fc.nat({ max: RULES.length - 1 }), { nil: undefined }),
  ruleIds: fc.option(fc.nat({ max: RULE_IDS.length - 1 }), { nil: undefined }),
  ruleMatch: fc.option(fc.constantFrom(...Object.values(RuleMatch)), { nil: undefined }),
  srcGeo: fc.option(fc.nat({ max: GEO.length - 1 }), { nil: undefined }),
  dstGeo: fc.option(fc.nat({ max: GEO.length - 1 }), { nil: undefined }),
  issues: fc.array(fc.constantFrom(...Object.values(EnrichmentIssue)), { maxLength: 2 }),
});
type EnrichmentPlan = typeof enrichmentPlan extends fc.Arbitrary<infer Plan> ? Plan : never;

function enrichmentOf(document: FlowLogDocument, plan: EnrichmentPlan): FlowEnrichment {
  const enrichment = emptyFlowEnrichment();
  for (const issue of plan.issues) addFlowEnrichmentIssue(enrichment, issue, EnrichmentSlot.End);
  const info = plan.info === undefined ? undefined : INFOS[plan.info];
  if (info !== undefined) enrichment.interfaceFields = networkInterfaceFields(document, info);
  enrichment.direction = plan.direction;
  enrichment.securityGroupRules = plan.rules === undefined ? undefined : RULES[plan.rules];
  enrichment.ruleIds = plan.ruleIds === undefined ? undefined : RULE_IDS[plan.ruleIds];
  enrichment.ruleMatch = plan.ruleMatch;
  enrichment.srcGeo = plan.srcGeo === undefined ? undefined : GEO[plan.srcGeo];
  enrichment.dstGeo = plan.dstGeo === undefined ? undefined : GEO[plan.dstGeo];
  return enrichment;
}

const MAPPINGS: readonly (readonly ['ecs' | 'ocsf', SchemaMapping])[] = [
  ['ecs', ECS_MAPPING],
  ['ocsf', OCSF_MAPPING],
];

const isPrefix = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((key, index) => b[index] === key);

describe('output schema mappings (property)', () => {
  it('map every document of every format without losing a field we set: each lands at its home or in the vendor namespace, no two on one path, and the written JSON holds them', () => {
    fc.assert(
      fc.property(documentArbitrary, enrichmentPlan, (document, plan) => {
        if (document === undefined) return;
        const enrichment = enrichmentOf(document, plan);
        const enriched: EnrichedFlowLog = applyFlowEnrichment({ ...document }, enrichment);
        for (const [schema, mapping] of MAPPINGS) {
          // Act: the bytes the decorator writes, read back.
          const written = JSON.parse(createSchemaSerializer(schema).serialize(document, enrichment)) as unknown;

          // Assess: every field of ours is placed, and found where it was placed.
          const placed = placementsOf(mapping, enriched);
          const setKeys = Object.keys(enriched).filter((key) => (enriched as Record<string, unknown>)[key] !== undefined);
          expect(placed.map((entry) => entry.key)).toEqual(setKeys);
          const paths: (readonly string[])[] = [];
          for (const { key, placements } of placed) {
            expect(placements.length, `${schema}: ${key} has no placement`).toBeGreaterThan(0);
            for (const placement of placements) {
              expect(getPath(written, placement.path), `${schema}: ${key} at ${placement.path.join('.')}`).toEqual(JSON.parse(JSON.stringify(placement.value)));
              paths.push(placement.path);
            }
          }
          // Two fields on one path, or one inside another, would overwrite each other.
          paths.forEach((path, index) => paths.slice(index + 1).forEach((other) => expect(isPrefix(path, other) || isPrefix(other, path), `${path.join('.')} and ${other.join('.')}`).toBe(false)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('write OCSF documents that always carry the class, activity, time and metadata the Network Activity class requires', () => {
    fc.assert(
      fc.property(documentArbitrary, enrichmentPlan, (document, plan) => {
        if (document === undefined) return;
        const written = JSON.parse(createSchemaSerializer('ocsf').serialize(document, enrichmentOf(document, plan))) as Record<string, unknown>;
        expect(written).toMatchObject({ class_uid: 4001, category_uid: 4, activity_id: 6, type_uid: 400106, severity_id: 1, metadata: { version: '1.1.0', product: { vendor_name: 'AWS' } } });
        expect(typeof written.time).toBe('number');
        expect(typeof written.src_endpoint).toBe('object');
        expect(typeof written.dst_endpoint).toBe('object');
      }),
      { numRuns: 200 },
    );
  });
});
