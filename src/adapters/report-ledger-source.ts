import type { ReportEngine } from '../config/reporter-config.js';
import type { LedgerSource } from '../scheduled-report/index.js';

/** How each engine's source is made, built only when chosen (so an engine's client exists only in the stack that uses it). */
export interface ReportLedgerSourceFactories {
  /** The stack's S3 destination, every document of the window read by the function. */
  readonly s3: () => LedgerSource;
  /** The stack's OpenSearch domain: composite aggregations, only buckets come back. */
  readonly opensearch: () => LedgerSource;
  /** The stack's Glue table through its Athena workgroup: SQL, only aggregates come back. */
  readonly athena: () => LedgerSource;
}

/**
 * The `LedgerSource` of the engine the stack reports over (`REPORT_ENGINE`): the same ledger from
 * each, so the advisor decides alike whichever computes it.
 *
 * @example const source = chooseReportLedgerSource(config.engine, { s3: () => streamSource, opensearch: () => aggregationSource, athena: () => sqlSource });
 */
export function chooseReportLedgerSource(engine: ReportEngine, factories: ReportLedgerSourceFactories): LedgerSource {
  switch (engine) {
    case 's3':
      return factories.s3();
    case 'opensearch':
      return factories.opensearch();
    case 'athena':
      return factories.athena();
  }
}
