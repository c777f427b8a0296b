import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INDEX_PATTERN, DEFAULT_RETENTION_DAYS } from '../../../src/opensearch/constants.js';
import { ConfigurationError } from '../../../src/errors.js';
import { ASSET_FILE_NAMES, buildOpenSearchAssets, renderOpenSearchAssetFiles } from '../../../src/opensearch/opensearch-assets.js';

const SHIPPED = new URL('../../../assets/opensearch/', import.meta.url);

describe('renderOpenSearchAssetFiles', () => {
  it.each(Object.values(ASSET_FILE_NAMES))('ships assets/opensearch/%s exactly as generated for the defaults (regenerate: npm run cli -- opensearch export --out assets/opensearch)', async (name) => {
    const generated = renderOpenSearchAssetFiles(buildOpenSearchAssets({ indexPattern: DEFAULT_INDEX_PATTERN, retentionDays: DEFAULT_RETENTION_DAYS }));

    expect(await readFile(new URL(name, SHIPPED), 'utf8')).toBe(generated[name]);
  });
});

describe('buildOpenSearchAssets', () => {
  it('lists every problem with the options at once', () => {
    const build = () => buildOpenSearchAssets({ indexPattern: '.Flows,*', retentionDays: 0 });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(
      [
        'invalid configuration:',
        '- the index pattern ".Flows,*" must start with a lowercase letter or digit, so it never matches system indices',
        '- the index pattern ".Flows,*" must be lowercase, as index names are',
        '- the index pattern ".Flows,*" may not contain spaces or any of \\ / ? " < > | , # :',
        '- the retention must be a whole number of days, at least 1 (got 0)',
      ].join('\n'),
    );
  });

  it('builds all three assets for the same index pattern', () => {
    const assets = buildOpenSearchAssets({ indexPattern: 'flows-*', retentionDays: 3 });

    expect(assets.indexTemplate.index_patterns).toEqual(['flows-*']);
    expect(assets.ismPolicy.policy.ism_template[0]?.index_patterns).toEqual(['flows-*']);
    expect(assets.savedObjects[0]?.attributes.title).toBe('flows-*');
  });
});
