import { describe, expect, it } from 'vitest';
import {
  ENRICHED_DOCUMENT_FIELDS,
  ENRICHMENT_ONLY_KEYS,
  EnrichmentSlot,
  publishedEnrichmentFields,
  SHEDDABLE_FIELDS,
} from '../../../src/enrich/enriched-document-schema.js';
import type { EnrichmentFields } from '../../../src/enrich/enriched-flow-log.js';
import { FLOW_LOG_FIELDS } from '../../../src/flow-log/index.js';

/** One entry per field of EnrichmentFields: this stops compiling when the type gains or loses one. */
const ENRICHMENT_FIELD_KEYS = {
  security_group_ids: true,
  security_group_names: true,
  interface_type: true,
  direction: true,
  security_group_rules: true,
  security_group_rule_ids: true,
  rule_match: true,
  src_geo: true,
  dst_geo: true,
  enrichment_issues: true,
} as const satisfies Record<keyof EnrichmentFields, true>;

const catalogued = new Set(FLOW_LOG_FIELDS.map((field) => field.key));

describe('ENRICHED_DOCUMENT_FIELDS', () => {
  it('publishes exactly the fields of EnrichmentFields, and only fills in flow-log fields besides', () => {
    const published = publishedEnrichmentFields().map((entry) => entry.key);
    const filledIn = ENRICHED_DOCUMENT_FIELDS.filter((entry) => entry.addedIn === undefined).map((entry) => entry.key);

    expect([...published].sort()).toEqual(Object.keys(ENRICHMENT_FIELD_KEYS).sort());
    expect(filledIn.every((key) => catalogued.has(key))).toBe(true);
  });

  it('lists each key once, in slot order', () => {
    const keys = ENRICHED_DOCUMENT_FIELDS.map((entry) => entry.key);
    const slots = ENRICHED_DOCUMENT_FIELDS.map((entry) => entry.slot);

    expect(new Set(keys).size).toBe(keys.length);
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    expect(ENRICHED_DOCUMENT_FIELDS.at(-1)).toMatchObject({ key: 'enrichment_issues', slot: EnrichmentSlot.End });
  });

  it('keeps the published order the index template and Glue table have had: generation 1, then rule attribution', () => {
    expect(publishedEnrichmentFields().map((entry) => entry.key)).toEqual([
      'security_group_ids',
      'security_group_names',
      'interface_type',
      'direction',
      'security_group_rules',
      'src_geo',
      'dst_geo',
      'enrichment_issues',
      'security_group_rule_ids',
      'rule_match',
    ]);
  });

  it('reserves every enrichment key that is not a flow-log field, and sheds the rules and geolocations', () => {
    expect([...ENRICHMENT_ONLY_KEYS].sort()).toEqual(Object.keys(ENRICHMENT_FIELD_KEYS).filter((key) => key !== 'interface_type').sort());
    expect(SHEDDABLE_FIELDS).toEqual(['security_group_rules', 'src_geo', 'dst_geo']);
  });
});
