import { MetricUnit, type Logger, type Metrics } from '../../ports.js';
import type { DecorationSummary } from './decorate-firehose-records.js';

/** Look-up counters of one invocation (differences of the caches' cumulative counters). */
export interface LookupActivity {
  readonly hits: number;
  readonly misses: number;
  /** Remote calls made: EC2 DescribeNetworkInterfaces pages, geolocation requests, ... */
  readonly calls: number;
}

export interface DecorationActivity {
  readonly networkInterfaces: LookupActivity;
  readonly securityGroupRules?: LookupActivity;
  readonly geolocation?: LookupActivity;
}

/**
 * One structured summary log and the EMF metrics of one transformation invocation. Per-record
 * detail stays out of info logs: only counts and up to three failure examples.
 */
export function reportDecoration(summary: DecorationSummary, activity: DecorationActivity, { logger, metrics }: { logger: Logger; metrics: Metrics }): void {
  metrics.add('RecordsOk', MetricUnit.Count, summary.results.Ok);
  metrics.add('RecordsDropped', MetricUnit.Count, summary.results.Dropped);
  metrics.add('RecordsProcessingFailed', MetricUnit.Count, summary.results.ProcessingFailed);
  metrics.add('Flows', MetricUnit.Count, summary.flows);
  metrics.add('InvalidLines', MetricUnit.Count, summary.invalidLines);
  metrics.add('ResponseBytes', MetricUnit.Bytes, summary.responseBytes);
  metrics.add('RecordsShedForSize', MetricUnit.Count, summary.shedRecords);
  metrics.add('InterfaceCacheHits', MetricUnit.Count, activity.networkInterfaces.hits);
  metrics.add('InterfaceCacheMisses', MetricUnit.Count, activity.networkInterfaces.misses);
  metrics.add('Ec2DescribeNetworkInterfacesCalls', MetricUnit.Count, activity.networkInterfaces.calls);
  if (activity.securityGroupRules !== undefined) {
    metrics.add('Ec2DescribeSecurityGroupRulesCalls', MetricUnit.Count, activity.securityGroupRules.calls);
  }
  if (activity.geolocation !== undefined) {
    metrics.add('GeoCacheHits', MetricUnit.Count, activity.geolocation.hits);
    metrics.add('GeoCacheMisses', MetricUnit.Count, activity.geolocation.misses);
    metrics.add('GeolocationCalls', MetricUnit.Count, activity.geolocation.calls);
  }
  const attributes = { ...summary, lookups: activity };
  if (summary.results.ProcessingFailed > 0) {
    logger.warn('decorated batch with failed records', attributes);
  } else {
    logger.info('decorated batch', attributes);
  }
}
