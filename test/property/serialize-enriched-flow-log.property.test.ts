import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuleMatch } from '../../src/analysis/index.js';
import {
  addFlowEnrichmentIssue,
  applyFlowEnrichment,
  EnrichmentIssue,
  EnrichmentSlot,
  emptyFlowEnrichment,
  shedFlowEnrichment,
  type FlowEnrichment,
} from '../../src/enrich/enriched-flow-log.js';
import { networkInterfaceFields } from '../../src/enrich/network-interface-fields.js';
import { createEnrichedFlowLogSerializer, createUtf8Output } from '../../src/enrich/serialize-enriched-flow-log.js';
import { FieldType, formatFromFieldNames, type FlowLogDocument } from '../../src/flow-log/index.js';
import { parseFlowLogLine } from '../../src/flow-log/parse-flow-log-line.js';
import { networkInterfaceInfo, securityGroupRule, without } from '../support/ec2-builders.js';
import { geoLocation } from '../support/geo-builders.js';

/** Formats whose records may carry the interface fields enrichment fills in, and one with a field named like an enrichment key. */
const FORMATS = [
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
  '${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-type} ${srcaddr} ${dstaddr} ${flow-direction} ${action}',
  '${srcaddr} ${direction} ${rule-match} ${action}',
  // Built from the names as they are: a typed format may not name an enrichment key any more, but
  // the serializer still meets such documents (documents enriched before, read back by the CLI).
].map((text) => formatFromFieldNames([...text.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1] ?? '')));

const token = fc.oneof(fc.constant('-'), fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((text) => text !== '-' && !/[\s]/.test(text)));
const address = fc.oneof(fc.constant('-'), fc.ipV4(), fc.ipV6());
const integer = fc.oneof(fc.constant('-'), fc.nat({ max: 65_535 }).map(String));

/** A line of one of FORMATS, each field of the right kind, any value parsed or absent. */
const documentArbitrary = fc.integer({ min: 0, max: FORMATS.length - 1 }).chain((index) => {
  const format = FORMATS[index] ?? FORMATS[0];
  if (format === undefined) throw new Error('no format');
  const fields = format.fields.map((field) => (field.type === FieldType.Address ? address : field.type === FieldType.Integer ? integer : token));
  return fc.tuple(...fields).map((values): FlowLogDocument | undefined => {
    const parsed = parseFlowLogLine(values.join(' '), format);
    return parsed.ok ? parsed.value : undefined;
  });
});

/** Shared objects, as the decorator shares them between records of a batch. */
const INFOS = [networkInterfaceInfo(), without(networkInterfaceInfo({ securityGroups: [{ groupId: 'sg-1', groupName: 'na"me\\é' }, { groupId: 'sg-2', groupName: '' }] }), 'instanceId')];
const RULES = [[securityGroupRule()], [securityGroupRule({ rule_id: 'sgr-2', description: 'ünïcode "quoted"' }), securityGroupRule({ rule_id: 'sgr-3' })]];
const RULE_IDS = [['sgr-0123456789abcdef0'], ['sgr-2', 'sgr-3']];
const GEO = [geoLocation(), without(geoLocation({ city: 'Zürich' }), 'region_code')];
const ISSUES = Object.values(EnrichmentIssue);
const SLOTS = Object.values(EnrichmentSlot);

/** An enrichment built as enrichFlowLogs builds one: fields in slot order, issues noted where reached. */
const enrichmentPlan = fc.record({
  info: fc.option(fc.nat({ max: INFOS.length - 1 }), { nil: undefined }),
  direction: fc.option(fc.constantFrom('ingress' as const, 'egress' as const), { nil: undefined }),
  rules: fc.option(fc.nat({ max: RULES.length - 1 }), { nil: undefined }),
  ruleIds: fc.option(fc.nat({ max: RULE_IDS.length - 1 }), { nil: undefined }),
  ruleMatch: fc.option(fc.constantFrom(...Object.values(RuleMatch)), { nil: undefined }),
  srcGeo: fc.option(fc.nat({ max: GEO.length - 1 }), { nil: undefined }),
  dstGeo: fc.option(fc.nat({ max: GEO.length - 1 }), { nil: undefined }),
  issues: fc.array(fc.tuple(fc.constantFrom(...ISSUES), fc.constantFrom(...SLOTS)), { maxLength: 3 }),
  shed: fc.boolean(),
});

type EnrichmentPlan = typeof enrichmentPlan extends fc.Arbitrary<infer Plan> ? Plan : never;

function enrichmentOf(document: FlowLogDocument, { info, direction, rules, ruleIds, ruleMatch, srcGeo, dstGeo, issues, shed }: EnrichmentPlan): FlowEnrichment {
  const enrichment = emptyFlowEnrichment();
  for (const [issue, slot] of [...issues].sort((a, b) => a[1] - b[1])) addFlowEnrichmentIssue(enrichment, issue, slot);
  const infoValue = info === undefined ? undefined : INFOS[info];
  if (infoValue !== undefined) enrichment.interfaceFields = networkInterfaceFields(document, infoValue);
  enrichment.direction = direction;
  enrichment.securityGroupRules = rules === undefined ? undefined : RULES[rules];
  enrichment.ruleIds = ruleIds === undefined ? undefined : RULE_IDS[ruleIds];
  enrichment.ruleMatch = ruleMatch;
  enrichment.srcGeo = srcGeo === undefined ? undefined : GEO[srcGeo];
  enrichment.dstGeo = dstGeo === undefined ? undefined : GEO[dstGeo];
  if (shed) shedFlowEnrichment(enrichment);
  return enrichment;
}


describe('createEnrichedFlowLogSerializer (property)', () => {
  it('writes, for every record of a batch, what the generic writer driven by the schema gives (JSON.stringify of the document built in ENRICHED_DOCUMENT_FIELDS order), leaving the document as it was', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(documentArbitrary, enrichmentPlan), { minLength: 1, maxLength: 12 }), (records) => {
        // Prepare: one serializer and one output for the batch, as the decorator uses them.
        const serializer = createEnrichedFlowLogSerializer();
        const output = createUtf8Output();
        for (const [document, plan] of records) {
          if (document === undefined) continue;
          const enrichment = enrichmentOf(document, plan);
          const before = JSON.stringify(document);

          // Act
          const text = serializer.serialize(document, enrichment);
          output.clear();
          serializer.write(output, document, enrichment);

          // Assess: applyFlowEnrichment is the schema-driven writer.
          const expected = JSON.stringify(applyFlowEnrichment({ ...document }, enrichment));
          expect(text).toBe(expected);
          expect(output.utf8()).toBe(expected);
          expect(JSON.stringify(document)).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
  });
});
