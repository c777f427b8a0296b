import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLedgerBuilder } from '../../../src/report/index.js';
import { createEnrichedLineLedgerSource } from '../../../src/scheduled-report/index.js';
import { recordingLogger, recordingMetrics } from '../../support/firehose-delivery-fakes.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';
import { documentLine, windowLinesOf } from '../../support/scheduled-report-fakes.js';

const WINDOW = { from: 1_700_000_000, to: 1_700_000_000 + 7 * 86_400 };
const HTTPS = reportRule();
const SSH = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa2', from_port: 22, to_port: 22 });

function sourceOf(texts: Parameters<typeof windowLinesOf>[0]) {
  const { logger, lines: logLines } = recordingLogger();
  const { metrics, values } = recordingMetrics();
  const lines = windowLinesOf(texts);
  return { source: createEnrichedLineLedgerSource({ lines, logger, metrics }), lines, logLines, values };
}

describe('createEnrichedLineLedgerSource', () => {
  it('gives the ledger the report builds from the same documents of the window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            start: fc.integer({ min: WINDOW.from - 86_400, max: WINDOW.to + 86_400 }),
            srcaddr: fc.constantFrom('203.0.113.10', '198.51.100.7', '192.0.2.99'),
            dstport: fc.constantFrom(22, 443),
            action: fc.constantFrom('ACCEPT', 'REJECT'),
          }),
          { maxLength: 40 },
        ),
        async (records) => {
          // Prepare
          const flows = records.map(({ start, srcaddr, dstport, action }) =>
            reportFlow({ start, end: start + 60, srcaddr, dstport, action, rule_match: action === 'ACCEPT' ? 'matched' : 'would_allow', security_group_rule_ids: [dstport === 22 ? SSH.rule_id : HTTPS.rule_id] }),
          );
          const { source } = sourceOf(flows.map(documentLine));
          const expected = createLedgerBuilder({ rules: [HTTPS, SSH] });
          for (const flow of flows) if (flow.start !== undefined && flow.start >= WINDOW.from && flow.start < WINDOW.to) expected.add(flow);
          // Act
          const ledger = await source.readLedger({ window: WINDOW, rules: [HTTPS, SSH] });
          // Assess
          expect(ledger).toEqual(expected.ledger());
        },
      ),
      { numRuns: 50 },
    );
  });

  it('asks its lines for the window of the query', async () => {
    const { source, lines } = sourceOf([]);
    await source.readLedger({ window: WINDOW, rules: [HTTPS] });
    expect(lines.windows).toEqual([WINDOW]);
  });

  it('counts records of the neighbouring days apart and leaves them out', async () => {
    // Prepare
    const { source, values } = sourceOf([documentLine(reportFlow({ start: WINDOW.from - 1 })), documentLine(reportFlow({ start: WINDOW.to })), documentLine(reportFlow({ start: WINDOW.from }))]);
    // Act
    const ledger = await source.readLedger({ window: WINDOW, rules: [HTTPS] });
    // Assess
    expect(ledger.totals.records).toBe(1);
    expect(source.lastTally()).toMatchObject({ lines: 3, documents: 1, outsideWindow: 2, badLines: 0 });
    expect(values.get('ReportDocuments')).toEqual([{ unit: 'Count', value: 1 }]);
  });

  it('skips bad and oversized lines, naming the first ones at WARN with their object and line, and counts them', async () => {
    // Prepare
    const { source, logLines, values } = sourceOf(['not json', '{"message":"2 123456789012 eni-0 ..."}', { oversizedBytes: 2_000_000 }, documentLine(reportFlow({ start: WINDOW.from + 10 }))]);
    // Act
    const ledger = await source.readLedger({ window: WINDOW, rules: [HTTPS] });
    // Assess
    expect(ledger.totals.records).toBe(1);
    const warning = logLines.find((line) => line.level === 'warn');
    expect(warning?.attributes).toEqual({
      badLines: 3,
      firstBadLines: [
        's3://delivery-bucket/flow-logs/year=2026/month=12/day=05/part-1.gz:1: not an enriched JSON document',
        's3://delivery-bucket/flow-logs/year=2026/month=12/day=05/part-1.gz:2: not an enriched JSON document',
        's3://delivery-bucket/flow-logs/year=2026/month=12/day=05/part-1.gz:3: line of 2000000 bytes skipped',
      ],
    });
    expect(values.get('ReportBadLines')).toEqual([{ unit: 'Count', value: 3 }]);
  });

  it('leaves documents decorated without rule attribution out whole, coverage too, so their rules are never called unused on them', async () => {
    // Prepare
    const unattributed = { ...reportFlow({ start: WINDOW.from + 10 }) };
    delete unattributed.rule_match;
    delete unattributed.security_group_rule_ids;
    const { source, logLines, values } = sourceOf([documentLine(unattributed)]);
    // Act
    const ledger = await source.readLedger({ window: WINDOW, rules: [HTTPS] });
    // Assess
    expect(ledger.interfaces).toEqual([]);
    expect(ledger.totals.records).toBe(0);
    expect(logLines.some((line) => line.level === 'warn' && line.attributes?.['unattributed'] === 1)).toBe(true);
    expect(values.get('ReportUnattributedDocuments')).toEqual([{ unit: 'Count', value: 1 }]);
  });

  it('refuses a query without a window: the destination holds months of documents', async () => {
    const { source } = sourceOf([]);
    await expect(source.readLedger({ rules: [HTTPS] })).rejects.toThrow(/window is required/);
  });
});
