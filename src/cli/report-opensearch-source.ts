/**
 * `report --opensearch ENDPOINT`: the ledger computed by the cluster's aggregations instead of the
 * local stream (issue 15). Its options, their parsing and the ledger read, kept apart from
 * report-command.ts, which only picks the source.
 */
import { createOpenSearchHttpClient, type OpenSearchAuth, type OpenSearchHttpClientOptions } from '../adapters/opensearch-http-client.js';
import { ConfigurationError } from '../errors.js';
import { createOpenSearchLedgerSource, DEFAULT_INDEX_PATTERN, type OpenSearchHttp } from '../opensearch/index.js';
import type { LedgerWindow, ReportLedger } from '../report/index.js';
import type { SecurityGroupRule } from '../ports.js';
import type { CliIo } from './cli-io.js';
import type { OptionTable } from './command.js';
import { parseReportWindow, type ReportWindowValues } from './report-window.js';
import { OPENSEARCH_AUTH_OPTIONS, openSearchConnectionOf } from './opensearch-command.js';

/** Options of `report` that read the ledger from OpenSearch. */
export const REPORT_OPENSEARCH_OPTIONS = {
  opensearch: {
    type: 'string',
    value: 'ENDPOINT',
    help: `Compute the ledger in the OpenSearch domain the stack delivers to, with
composite aggregations (only buckets come back, never a document), instead
of reading INPUT. No INPUT then. Authentication as "opensearch setup":`,
  },
  'index-pattern': { type: 'string', value: 'P', help: `With --opensearch: the indices searched. Default: ${DEFAULT_INDEX_PATTERN}.` },
  auth: OPENSEARCH_AUTH_OPTIONS.auth,
  region: OPENSEARCH_AUTH_OPTIONS.region,
} as const satisfies OptionTable;

export interface ReportOpenSearchOptions {
  readonly endpoint: string;
  readonly indexPattern: string;
  readonly auth: OpenSearchAuth;
  /** Absent: every document of the indices. */
  readonly window?: LedgerWindow;
}

type Values = { readonly [Name in keyof typeof REPORT_OPENSEARCH_OPTIONS]?: string };

/**
 * The `--opensearch` options, or undefined without `--opensearch` (then none of the others may be
 * given). `now` is epoch seconds. Every problem is listed at once (a ConfigurationError).
 *
 * @example parseReportOpenSearchOptions({ opensearch: 'http://localhost:9200', auth: 'none', since: '30d' }, [], {}, 2_000_000_000).window // { from: 1997408000, to: 2000000000 }
 */
export function parseReportOpenSearchOptions(
  values: Values & ReportWindowValues,
  positionals: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): ReportOpenSearchOptions | undefined {
  const problems: string[] = [];
  if (values.opensearch === undefined) {
    const stray = (['index-pattern', 'auth', 'region'] as const).filter((name) => values[name] !== undefined);
    if (stray.length > 0) throw new ConfigurationError([`${stray.map((name) => `--${name}`).join(', ')} ${stray.length === 1 ? 'needs' : 'need'} --opensearch`]);
    return undefined;
  }
  if (positionals.length > 0) problems.push('--opensearch reads the indices, not INPUT files: give one or the other');
  if (values.opensearch.trim() === '') problems.push('--opensearch: expected the endpoint URL');
  const connection = openSearchConnectionOf(values.opensearch, values.auth, values.region, env, problems);
  const window = parseReportWindow(values, now, problems);
  if (values['index-pattern'] === '') problems.push('--index-pattern: expected an index pattern');
  if (problems.length > 0 || connection === undefined) throw new ConfigurationError(problems);
  return { ...connection, indexPattern: values['index-pattern'] ?? DEFAULT_INDEX_PATTERN, ...(window === undefined ? {} : { window }) };
}

/**
 * Reads the ledger of the window from the cluster, saying on standard error what it asked (the
 * searches and buckets, so a slow report shows where its time went).
 */
export async function readOpenSearchLedger(
  options: ReportOpenSearchOptions,
  rules: readonly SecurityGroupRule[],
  io: CliIo,
  createHttp: (options: OpenSearchHttpClientOptions) => OpenSearchHttp = createOpenSearchHttpClient,
): Promise<ReportLedger> {
  // A page of a composite aggregation over months of an estate can take a while on a busy cluster.
  const http = createHttp({ baseUrl: options.endpoint, auth: options.auth, timeoutMs: 300_000 });
  const source = createOpenSearchLedgerSource({ http, indexPattern: options.indexPattern });
  const ledger = await source.readLedger({ rules, ...(options.window === undefined ? {} : { window: options.window }) });
  const statistics = source.statistics;
  if (statistics !== undefined) {
    const buckets = Object.values(statistics.buckets).reduce((sum, count) => sum + count, 0);
    io.stderr.write(`report: ${http.baseUrl}/${options.indexPattern}: ${ledger.totals.records.toLocaleString('en-US')} records in ${statistics.searches} searches, ${buckets.toLocaleString('en-US')} buckets\n`);
  }
  return ledger;
}
