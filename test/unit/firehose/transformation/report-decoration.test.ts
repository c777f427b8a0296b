import { describe, expect, it } from 'vitest';
import type { DecorationSummary } from '../../../../src/firehose/transformation/decorate-firehose-records.js';
import { reportDecoration, type DecorationActivity } from '../../../../src/firehose/transformation/report-decoration.js';
import { recordingLogger, recordingMetrics } from '../../../support/firehose-delivery-fakes.js';

function decorationSummary(overrides: Partial<DecorationSummary> = {}): DecorationSummary {
  return {
    records: 5,
    results: { Ok: 3, Dropped: 1, ProcessingFailed: 1 },
    flows: 7,
    invalidLines: 1,
    failureExamples: ['record 4 (49546986683135544286507457936321625675700192471156785154000004) line 1: dstaddr is not an IP address'],
    issues: { eni_not_found: 2 },
    shedRecords: 0,
    overBudgetRecords: 0,
    responseBytes: 2345,
    ...overrides,
  };
}

function decorationActivity(overrides: Partial<DecorationActivity> = {}): DecorationActivity {
  return { networkInterfaces: { hits: 4, misses: 2, calls: 1 }, ...overrides };
}

/** name -> [unit, value] of every metric added, assuming each is added once. */
function metricTable(values: ReturnType<typeof recordingMetrics>['values']): Record<string, [string, number]> {
  return Object.fromEntries(
    [...values].map(([name, entries]) => {
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      return [name, [entry?.unit ?? '', entry?.value ?? Number.NaN]];
    }),
  );
}

describe('reportDecoration', () => {
  it('adds each count of the invocation once, with its unit', () => {
    // Prepare
    const { logger } = recordingLogger();
    const { metrics, values } = recordingMetrics();

    // Act
    reportDecoration(decorationSummary({ shedRecords: 2, overBudgetRecords: 1 }), decorationActivity(), { logger, metrics });

    // Assess
    expect(metricTable(values)).toEqual({
      RecordsOk: ['Count', 3],
      RecordsDropped: ['Count', 1],
      RecordsProcessingFailed: ['Count', 1],
      Flows: ['Count', 7],
      InvalidLines: ['Count', 1],
      ResponseBytes: ['Bytes', 2345],
      RecordsShedForSize: ['Count', 2],
      RecordsOverBudget: ['Count', 1],
      InterfaceCacheHits: ['Count', 4],
      InterfaceCacheMisses: ['Count', 2],
      Ec2DescribeNetworkInterfacesCalls: ['Count', 1],
    });
  });

  it('adds the rule and geolocation metrics only when those look-ups are configured', () => {
    const { logger } = recordingLogger();
    const { metrics, values } = recordingMetrics();
    const activity = decorationActivity({ securityGroupRules: { hits: 0, misses: 3, calls: 1 }, geolocation: { hits: 5, misses: 6, calls: 2 } });

    reportDecoration(decorationSummary(), activity, { logger, metrics });

    expect(metricTable(values)).toMatchObject({
      Ec2DescribeSecurityGroupRulesCalls: ['Count', 1],
      GeoCacheHits: ['Count', 5],
      GeoCacheMisses: ['Count', 6],
      GeolocationCalls: ['Count', 2],
    });
  });

  it('counts records it could not partition exactly, and warns once about them, only with a partition layout', () => {
    const { logger, lines } = recordingLogger();
    const { metrics, values } = recordingMetrics();

    reportDecoration(decorationSummary({ mixedPartitionRecords: 2, unpartitionedRecords: 1 }), decorationActivity(), { logger, metrics });

    expect(metricTable(values)).toMatchObject({ RecordsMixedPartitions: ['Count', 2], RecordsUnpartitioned: ['Count', 1] });
    expect(lines.filter((line) => line.level === 'warn' && line.message.startsWith('records that cannot be partitioned')).map((line) => line.attributes)).toEqual([
      { mixedPartitionRecords: 2, unpartitionedRecords: 1 },
    ]);
    const without = recordingMetrics();
    reportDecoration(decorationSummary(), decorationActivity(), { logger, metrics: without.metrics });
    expect([...without.values.keys()]).not.toContain('RecordsUnpartitioned');
  });

  it('warns once about fields newer than the catalogue that header lines named', () => {
    const { logger, lines } = recordingLogger();

    reportDecoration(decorationSummary({ unknownHeaderFields: ['future-field'] }), decorationActivity(), { logger, metrics: recordingMetrics().metrics });

    expect(lines.filter((line) => line.level === 'warn' && line.message.startsWith('header')).map((line) => [line.message, line.attributes])).toEqual([
      ['header lines name fields this version does not know: kept as strings', { fields: ['future-field'] }],
    ]);
  });

  it('writes one info summary with the counts and look-ups when nothing failed', () => {
    const { logger, lines } = recordingLogger();
    const summary = decorationSummary({ results: { Ok: 4, Dropped: 1, ProcessingFailed: 0 }, failureExamples: [] });
    const activity = decorationActivity();

    reportDecoration(summary, activity, { logger, metrics: recordingMetrics().metrics });

    expect(lines).toEqual([{ level: 'info', message: 'decorated batch', attributes: { ...summary, lookups: activity } }]);
  });

  it('writes one warning, with the failure examples, when a record failed', () => {
    const { logger, lines } = recordingLogger();
    const summary = decorationSummary();

    reportDecoration(summary, decorationActivity(), { logger, metrics: recordingMetrics().metrics });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', message: 'decorated batch with failed records', attributes: { failureExamples: summary.failureExamples } });
  });
});
