import { ConfigurationError } from '../errors.js';
import type { ReportEngine } from '../config/reporter-config.js';
import type { LedgerSource } from '../scheduled-report/index.js';

/** How each engine's source is made, built only when chosen. */
export interface ReportLedgerSourceFactories {
  readonly s3: () => LedgerSource;
}

/**
 * The `LedgerSource` of the engine the stack reports over (`REPORT_ENGINE`): the stack's S3
 * destination read by the function. OpenSearch and Athena are refused until their sources exist
 * (the configuration refuses them first, listing every problem; this keeps the refusal when a
 * caller skips it).
 *
 * @example const source = chooseReportLedgerSource(config.engine, { s3: () => createEnrichedLineLedgerSource({ lines, logger, metrics }) });
 */
export function chooseReportLedgerSource(engine: ReportEngine, factories: ReportLedgerSourceFactories): LedgerSource {
  switch (engine) {
    case 's3':
      return factories.s3();
    case 'opensearch':
    case 'athena':
      throw new ConfigurationError([`REPORT_ENGINE ${engine} is not available in this version: use s3 (the stack's S3 destination)`]);
  }
}
