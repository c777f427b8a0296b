import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../src/opensearch/canonical-json.js';
import { flowLogMappingProperties } from '../../../src/opensearch/field-mappings.js';
import { buildIndexTemplate } from '../../../src/opensearch/index-template.js';

describe('buildIndexTemplate', () => {
  it('targets the given index pattern with the mapping generated from the catalogue', () => {
    const template = buildIndexTemplate({ indexPattern: 'flows-*' });

    expect(template.index_patterns).toEqual(['flows-*']);
    expect(template.template.mappings.properties).toEqual(flowLogMappingProperties());
  });

  it('maps strings of unknown fields as keywords and never guesses dates', () => {
    const { mappings } = buildIndexTemplate({ indexPattern: 'cwl-*' }).template;

    expect(mappings.dynamic_templates).toEqual([{ unknown_strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }]);
    expect(mappings.date_detection).toBe(false);
  });

  it('fingerprints everything but the fingerprint, so a changed pattern or mapping changes it', () => {
    const template = buildIndexTemplate({ indexPattern: 'cwl-*' });
    const { fingerprint, ...meta } = template._meta;

    expect(fingerprint).toBe(fingerprintOf({ ...template, _meta: meta }));
    expect(buildIndexTemplate({ indexPattern: 'flows-*' })._meta.fingerprint).not.toBe(fingerprint);
    expect(buildIndexTemplate({ indexPattern: 'cwl-*' })._meta.fingerprint).toBe(fingerprint);
  });
});
