export { AMAZON_OPENSEARCH_DASHBOARDS_PATH, DEFAULT_INDEX_PATTERN, DEFAULT_RETENTION_DAYS, INDEX_TEMPLATE_NAME, ISM_POLICY_ID } from './constants.js';
export { OpenSearchSetupError } from './errors.js';
export {
  catalogueFieldMapping,
  flowLogMappingProperties,
  isObjectMapping,
  mappedLeafFields,
  ENRICHMENT_FIELD_MAPPINGS,
} from './field-mappings.js';
export type { FieldMapping, LeafMapping, ObjectMapping } from './field-mappings.js';
export { buildIndexTemplate } from './index-template.js';
export type { IndexTemplate } from './index-template.js';
export { indexPatternProblems } from './index-pattern-name.js';
export { buildRetentionPolicy } from './ism-policy.js';
export type { IsmPolicy } from './ism-policy.js';
export { ASSET_FILE_NAMES, buildOpenSearchAssets, renderOpenSearchAssetFiles } from './opensearch-assets.js';
export type { OpenSearchAssetOptions, OpenSearchAssets } from './opensearch-assets.js';
export type { OpenSearchHttp, OpenSearchHttpRequest, OpenSearchHttpResponse } from './opensearch-http.js';
export { buildSavedObjects, dashboardUrl, SAVED_OBJECT_IDS, toSavedObjectsNdjson } from './saved-objects.js';
export type { SavedObject } from './saved-objects.js';
export { setUpOpenSearch, SetupStep } from './set-up-opensearch.js';
export type { ChangeOutcome, OpenSearchSetupReport, OpenSearchSetupTargets } from './set-up-opensearch.js';
export { createOpenSearchLedgerSource, compositePageOf, totalsOf, OpenSearchLedgerError } from './opensearch-ledger-source.js';
export type { LedgerQueryStatistics, OpenSearchLedgerSource, OpenSearchLedgerSourceOptions } from './opensearch-ledger-source.js';
export { createLedgerAssembler } from './ledger-assembler.js';
export type { CompositeBucket, LedgerAssembler, LedgerTotalsAnswer } from './ledger-assembler.js';
export { compositePageBody, totalsBody, LEDGER_AGGREGATIONS, LEDGER_AGGREGATION_NAMES } from './ledger-queries.js';
export type { LedgerAggregationName } from './ledger-queries.js';
