import { describe, expect, it } from 'vitest';
import { createRecordFailureTally, MAX_RECORD_FAILURE_EXAMPLES } from '../../../src/local-pipeline/record-failure-tally.js';

/** The attributes of the decorator's summary log, with what matters here. */
function batchSummary(failed: number, invalidLines: number, overBudgetRecords: number, failureExamples: string[] = []): Record<string, unknown> {
  return { records: 10, results: { Ok: 10 - failed, Dropped: 0, ProcessingFailed: failed }, invalidLines, overBudgetRecords, failureExamples, lookups: {} };
}

describe('createRecordFailureTally', () => {
  it('adds up bad lines, full responses and undecodable records (the rest of the failed) over invocations', () => {
    const tally = createRecordFailureTally();

    tally.logger.warn('decorated batch with failed records', batchSummary(4, 1, 2, ['record 1 (id-1) line 3: bad']));
    tally.logger.warn('decorated batch with failed records', batchSummary(2, 1, 0, ['record 2 (id-2): not gzip']));
    tally.logger.info('decorated batch', batchSummary(0, 0, 0));

    expect(tally.result()).toStrictEqual({ badLine: 2, undecodable: 2, responseFull: 2, examples: ['record 1 (id-1) line 3: bad', 'record 2 (id-2): not gzip'] });
  });

  it('keeps only the first few examples and ignores every other log line', () => {
    const tally = createRecordFailureTally();
    const examples = Array.from({ length: 3 }, (_, index) => `record ${index + 1} (id) line 1: bad`);

    for (let invocation = 0; invocation < 3; invocation += 1) tally.logger.warn('decorated batch with failed records', batchSummary(3, 3, 0, examples));
    tally.logger.warn('look-ups failed; the records concerned are flagged', batchSummary(9, 9, 9));

    expect(tally.result().badLine).toBe(9);
    expect(tally.result().examples).toHaveLength(MAX_RECORD_FAILURE_EXAMPLES);
  });
});
