import { MetricUnit, type Logger, type Metrics } from '../../ports.js';
import type { DecorationSummary } from './decorate-firehose-records.js';

/** Look-up counters of one invocation (differences of the caches' cumulative counters). */
export interface LookupActivity {
  readonly hits: number;
  readonly misses: number;
  /** Remote calls made: EC2 DescribeNetworkInterfaces pages, geolocation requests, ... */
  readonly calls: number;
}

/** Why a kind of look-up failed in an invocation: its first error, secrets removed. */
export interface LookupFailureCause {
  /** `ec2`, `geolocation`, ... */
  readonly source: string;
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

export interface DecorationActivity {
  /** The first failure of each source in the invocation; absent or empty when none failed. */
  readonly failureCauses?: readonly LookupFailureCause[];
  readonly networkInterfaces: LookupActivity;
  readonly securityGroupRules?: LookupActivity;
  readonly geolocation?: LookupActivity;
}

/** The decorator's metric names (EMF, in the stack's namespace); README "Metrics" lists them. */
export const DecorationMetric = {
  RecordsOk: 'RecordsOk',
  RecordsDropped: 'RecordsDropped',
  /** Every ProcessingFailed record, whatever the reason (bad input or a full response). */
  RecordsProcessingFailed: 'RecordsProcessingFailed',
  /** ProcessingFailed records whose flows could not fit the response: not bad input. */
  RecordsOverBudget: 'RecordsOverBudget',
  Flows: 'Flows',
  InvalidLines: 'InvalidLines',
  ResponseBytes: 'ResponseBytes',
  /** Records whose optional enrichment was shed to fit the response (they are still Ok). */
  RecordsShedForSize: 'RecordsShedForSize',
  InterfaceCacheHits: 'InterfaceCacheHits',
  InterfaceCacheMisses: 'InterfaceCacheMisses',
  Ec2DescribeNetworkInterfacesCalls: 'Ec2DescribeNetworkInterfacesCalls',
  Ec2DescribeSecurityGroupRulesCalls: 'Ec2DescribeSecurityGroupRulesCalls',
  GeoCacheHits: 'GeoCacheHits',
  GeoCacheMisses: 'GeoCacheMisses',
  GeolocationCalls: 'GeolocationCalls',
  /** With S3_LAYOUT: Ok records whose flows belong to several partitions, written under the first flow's. */
  RecordsMixedPartitions: 'RecordsMixedPartitions',
  /** With S3_LAYOUT: Ok records with no account or Region to partition by; Firehose writes them under its error prefix. */
  RecordsUnpartitioned: 'RecordsUnpartitioned',
} as const;
export type DecorationMetric = (typeof DecorationMetric)[keyof typeof DecorationMetric];

/**
 * One structured summary log and the EMF metrics of one transformation invocation. Per-record
 * detail stays out of info logs: only counts and up to three failure examples.
 */
export function reportDecoration(summary: DecorationSummary, activity: DecorationActivity, { logger, metrics }: { logger: Logger; metrics: Metrics }): void {
  metrics.add(DecorationMetric.RecordsOk, MetricUnit.Count, summary.results.Ok);
  metrics.add(DecorationMetric.RecordsDropped, MetricUnit.Count, summary.results.Dropped);
  metrics.add(DecorationMetric.RecordsProcessingFailed, MetricUnit.Count, summary.results.ProcessingFailed);
  metrics.add(DecorationMetric.Flows, MetricUnit.Count, summary.flows);
  metrics.add(DecorationMetric.InvalidLines, MetricUnit.Count, summary.invalidLines);
  metrics.add(DecorationMetric.ResponseBytes, MetricUnit.Bytes, summary.responseBytes);
  metrics.add(DecorationMetric.RecordsShedForSize, MetricUnit.Count, summary.shedRecords);
  metrics.add(DecorationMetric.RecordsOverBudget, MetricUnit.Count, summary.overBudgetRecords);
  metrics.add(DecorationMetric.InterfaceCacheHits, MetricUnit.Count, activity.networkInterfaces.hits);
  metrics.add(DecorationMetric.InterfaceCacheMisses, MetricUnit.Count, activity.networkInterfaces.misses);
  metrics.add(DecorationMetric.Ec2DescribeNetworkInterfacesCalls, MetricUnit.Count, activity.networkInterfaces.calls);
  if (activity.securityGroupRules !== undefined) {
    metrics.add(DecorationMetric.Ec2DescribeSecurityGroupRulesCalls, MetricUnit.Count, activity.securityGroupRules.calls);
  }
  if (activity.geolocation !== undefined) {
    metrics.add(DecorationMetric.GeoCacheHits, MetricUnit.Count, activity.geolocation.hits);
    metrics.add(DecorationMetric.GeoCacheMisses, MetricUnit.Count, activity.geolocation.misses);
    metrics.add(DecorationMetric.GeolocationCalls, MetricUnit.Count, activity.geolocation.calls);
  }
  if (summary.mixedPartitionRecords !== undefined) metrics.add(DecorationMetric.RecordsMixedPartitions, MetricUnit.Count, summary.mixedPartitionRecords);
  if (summary.unpartitionedRecords !== undefined) metrics.add(DecorationMetric.RecordsUnpartitioned, MetricUnit.Count, summary.unpartitionedRecords);
  const { failureCauses = [], ...lookups } = activity;
  if (summary.unknownHeaderFields !== undefined) {
    logger.warn('header lines name fields this version does not know: kept as strings', { fields: summary.unknownHeaderFields });
  }
  // Once per invocation, at WARN: the records only say a look-up failed, this says why.
  if (failureCauses.length > 0) logger.warn('look-ups failed; the records concerned are flagged', { causes: failureCauses });
  if ((summary.mixedPartitionRecords ?? 0) > 0 || (summary.unpartitionedRecords ?? 0) > 0) {
    logger.warn('records that cannot be partitioned exactly: mixed ones go under their first flow\'s partition, unpartitioned ones under the error prefix', {
      mixedPartitionRecords: summary.mixedPartitionRecords,
      unpartitionedRecords: summary.unpartitionedRecords,
    });
  }
  const attributes = { ...summary, lookups };
  if (summary.results.ProcessingFailed > 0) {
    logger.warn('decorated batch with failed records', attributes);
  } else {
    logger.info('decorated batch', attributes);
  }
}
