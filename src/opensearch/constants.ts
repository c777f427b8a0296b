/**
 * Names and defaults of what `vpc-flow-log-appender opensearch setup` installs. They are part of
 * the contract with the stack (its outputs print the setup command) and with users who look the
 * objects up in OpenSearch Dashboards, so they change only with a migration note.
 */

/** The index pattern Firehose writes to: the lab's index name `cwl` with daily rotation (`cwl-2026-01-31`). */
export const DEFAULT_INDEX_PATTERN = 'cwl-*';

/** `PUT _index_template/<name>`: a composable index template (OpenSearch 1.0+). */
export const INDEX_TEMPLATE_NAME = 'vpc-flow-logs';

/**
 * Composable templates of equal priority may not both match a new index, so ours sits above the
 * default 0 of templates people create by hand and below values tools reserve for overrides.
 */
export const INDEX_TEMPLATE_PRIORITY = 100;

/** `PUT _plugins/_ism/policies/<id>`. */
export const ISM_POLICY_ID = 'vpc-flow-logs-retention';

/** Days an index lives before ISM deletes it; counted from the index's creation. */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * ISM rejects an `ism_template` whose priority equals another policy's for overlapping patterns;
 * like the index template, ours takes a middling value that an operator can outrank.
 */
export const ISM_TEMPLATE_PRIORITY = 100;

/** Amazon OpenSearch Service serves OpenSearch Dashboards under this path of the domain endpoint. */
export const AMAZON_OPENSEARCH_DASHBOARDS_PATH = '/_dashboards';

/** Marks the objects this tool owns (index template `_meta`, ISM policy description). */
export const MANAGED_BY = 'vpc-flow-log-appender';
