import { describe, expect, it } from 'vitest';
import { ENRICHED_DOCUMENT_FIELDS } from '../../../src/enrich/enriched-document-schema.js';
import { ENRICHMENT_ONLY_KEYS, hasEnrichmentKeys } from '../../../src/enrich/enriched-flow-log.js';
import { DEFAULT_FORMAT, FLOW_LOG_FIELDS, parseFlowLogLine } from '../../../src/flow-log/index.js';
import { flowLogLine } from '../../support/flow-log-builders.js';

// hasEnrichmentKeys spells its keys out for speed; these tests hold the list to the schema.
describe('hasEnrichmentKeys', () => {
  const everyKey = new Set([...ENRICHMENT_ONLY_KEYS, ...ENRICHED_DOCUMENT_FIELDS.map((entry) => entry.key), ...FLOW_LOG_FIELDS.map((field) => field.key)]);

  it.each([...everyKey])('answers for a document holding only %s exactly as ENRICHMENT_ONLY_KEYS does', (key) => {
    expect(hasEnrichmentKeys({ [key]: 'x' })).toBe(ENRICHMENT_ONLY_KEYS.has(key));
  });

  it('is false for a document the parser built', () => {
    const parsed = parseFlowLogLine(flowLogLine(), DEFAULT_FORMAT);

    expect(parsed.ok && hasEnrichmentKeys(parsed.value)).toBe(false);
  });
});
