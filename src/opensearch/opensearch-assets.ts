import { ConfigurationError } from '../errors.js';
import type { OutputSchema } from '../output-schema/output-schema.js';
import { buildIndexTemplate, type IndexTemplate } from './index-template.js';
import { indexPatternProblems } from './index-pattern-name.js';
import { buildRetentionPolicy, type IsmPolicy } from './ism-policy.js';
import { buildSavedObjects, toSavedObjectsNdjson, type SavedObject } from './saved-objects.js';

export interface OpenSearchAssetOptions {
  /** The index pattern Firehose writes to, e.g. `cwl-*`. */
  readonly indexPattern: string;
  /** Whole days before ISM deletes an index. */
  readonly retentionDays: number;
  /** The schema the stack writes (its OutputSchema parameter): native (default), ecs or ocsf. */
  readonly schema?: OutputSchema;
}

/** Everything `opensearch setup` installs. */
export interface OpenSearchAssets {
  readonly indexTemplate: IndexTemplate;
  readonly ismPolicy: IsmPolicy;
  readonly savedObjects: readonly SavedObject[];
}

/** File names of the assets as `opensearch export` writes them and assets/opensearch/ ships them. */
export const ASSET_FILE_NAMES = {
  indexTemplate: 'index-template.json',
  ismPolicy: 'ism-policy.json',
  savedObjects: 'saved-objects.ndjson',
} as const;

/**
 * Builds the template, the retention policy and the saved objects for one index pattern and the
 * schema of its documents, after checking the options (every problem listed at once).
 *
 * @example
 * const assets = buildOpenSearchAssets({ indexPattern: 'cwl-*', retentionDays: 30 });
 */
export function buildOpenSearchAssets(options: OpenSearchAssetOptions): OpenSearchAssets {
  const problems = indexPatternProblems(options.indexPattern);
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
    problems.push(`the retention must be a whole number of days, at least 1 (got ${options.retentionDays})`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    indexTemplate: buildIndexTemplate(options),
    ismPolicy: buildRetentionPolicy(options),
    savedObjects: buildSavedObjects(options),
  };
}

/**
 * The assets as file contents: the two request bodies as indented JSON, the saved objects as NDJSON.
 *
 * @example renderOpenSearchAssetFiles(assets)['ism-policy.json'] // '{\n  "policy": {...'
 */
export function renderOpenSearchAssetFiles(assets: OpenSearchAssets): Readonly<Record<(typeof ASSET_FILE_NAMES)[keyof typeof ASSET_FILE_NAMES], string>> {
  return {
    [ASSET_FILE_NAMES.indexTemplate]: `${JSON.stringify(assets.indexTemplate, null, 2)}\n`,
    [ASSET_FILE_NAMES.ismPolicy]: `${JSON.stringify(assets.ismPolicy, null, 2)}\n`,
    [ASSET_FILE_NAMES.savedObjects]: toSavedObjectsNdjson(assets.savedObjects),
  };
}
