import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import type { FlowLogEnrichmentSources } from '../../enrich/enrich-flow-logs.js';
import type { Logger, Metrics } from '../../ports.js';
import { decorateFirehoseRecords, type DecorationOptions } from './decorate-firehose-records.js';
import { reportDecoration, type DecorationActivity } from './report-decoration.js';

/** Enrichment sources that count their look-ups per invocation (src/composition/enrichment.ts). */
export interface CountingEnrichment {
  readonly sources: FlowLogEnrichmentSources;
  startActivity(): () => DecorationActivity;
}

/**
 * The decorator's work on one Firehose transformation event: every record decorated, one summary
 * log and the metrics, the response Firehose expects. Shared by the Lambda handler and the local
 * pipeline, so both run the same code.
 *
 * @example
 * const response = await transformFirehoseEvent(event, enrichment, config, observability);
 */
export async function transformFirehoseEvent(
  event: FirehoseTransformationEvent,
  enrichment: CountingEnrichment,
  options: DecorationOptions,
  observability: { logger: Logger; metrics: Metrics },
  /** Aborts when look-ups must stop (see lookup-deadline.ts); absent, as in the local pipeline: no deadline. */
  lookupsUntil?: AbortSignal,
): Promise<FirehoseTransformationResult> {
  const activity = enrichment.startActivity();
  const sources = lookupsUntil === undefined ? enrichment.sources : { ...enrichment.sources, lookupsUntil };
  const output = await decorateFirehoseRecords(event.records, sources, options);
  reportDecoration(output.summary, activity(), observability);
  return { records: output.records };
}
