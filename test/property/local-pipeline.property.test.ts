// No record is lost in the local pipeline: every log line ends up delivered, in processing-failed
// or dropped, and the counts add up, whatever the mix of lines, batches, times and buffer sizes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInventorySources } from '../../src/adapters/inventory-directory-source.js';
import { pipelineTotals } from '../../src/local-pipeline/pipeline-summary.js';
import { runLocalPipeline } from '../../src/local-pipeline/run-local-pipeline.js';
import type { SubscriptionEventFile } from '../../src/local-pipeline/subscription-events-directory.js';
import { encodeSubscriptionData, logEventId } from '../support/cloudwatch-builders.js';
import { flowLogLine, headerLine, noDataLine } from '../support/flow-log-builders.js';
import { echoTransform, failedRecordsIn, inProcessStream, memoryObjectStore, PIPELINE_TEST_START } from '../support/local-pipeline-builders.js';
import { resolveEnrichmentPlan } from '../../src/config/enrichment-plan.js';

type LineKind = 'flow' | 'nodata' | 'header' | 'blank' | 'junk';

const line = fc.oneof(
  fc.record({ kind: fc.constant<LineKind>('flow'), srcport: fc.integer({ min: 0, max: 65535 }), action: fc.constantFrom('ACCEPT', 'REJECT'), host: fc.integer({ min: 1, max: 254 }) }),
  fc.record({ kind: fc.constantFrom<LineKind>('nodata', 'header', 'blank') }),
  fc.record({ kind: fc.constant<LineKind>('junk'), word: fc.stringMatching(/^[a-z]{1,12}$/) }),
);

function messageOf(generated: { kind: LineKind; srcport?: number; action?: string; host?: number; word?: string }): string {
  switch (generated.kind) {
    case 'flow':
      return flowLogLine({ srcaddr: `198.51.100.${generated.host ?? 1}`, srcport: String(generated.srcport), action: generated.action ?? 'ACCEPT' });
    case 'nodata':
      return noDataLine();
    case 'header':
      return headerLine();
    case 'blank':
      return '';
    case 'junk':
      return `junk ${generated.word ?? ''} record`;
  }
}

describe('runLocalPipeline', () => {
  it('delivers, fails or drops every line exactly once, and its counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 40 }), gapSeconds: fc.integer({ min: 0, max: 900 }), group: fc.constantFrom('/vpc/a', '/vpc/b') }), { minLength: 1, maxLength: 8 }),
        async (batches) => {
          // Prepare: one subscription event per batch, time moving on by its gap.
          let time = PIPELINE_TEST_START;
          let sequence = 0;
          const events: SubscriptionEventFile[] = batches.map((batch, index) => {
            time += batch.gapSeconds * 1000;
            const logEvents = batch.lines.map((generated) => ({ id: logEventId((sequence += 1)), timestamp: time, message: messageOf(generated) }));
            const payload = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: batch.group, logStream: 'eni-all', subscriptionFilters: ['f'], logEvents };
            return { name: `${index}.json`, event: { awslogs: { data: encodeSubscriptionData(payload) } } };
          });
          const all = batches.flatMap((batch) => batch.lines);
          const counted = (...kinds: LineKind[]): number => all.filter((generated) => kinds.includes(generated.kind)).length;
          const store = memoryObjectStore();

          // Act
          const report = await runLocalPipeline({ events, logGroups: new Map(), plan: resolveEnrichmentPlan(), inventory: createInventorySources([]), objectStore: store });

          // Assess
          const totals = pipelineTotals(report);
          expect(totals.logEventsIn).toBe(all.length);
          expect(totals.recordsPut).toBe(all.length);
          expect(totals.ok + totals.dropped + totals.processingFailed).toBe(totals.recordsPut);
          expect(totals.failedWithInvocation).toBe(0);
          expect(totals.ok).toBe(counted('flow', 'nodata'));
          expect(totals.dropped).toBe(counted('header', 'blank'));
          expect(totals.documentsDelivered).toBe(totals.ok);
          expect(store.textUnder('delivered/').split('\n').filter((text) => text !== '')).toHaveLength(totals.ok);
          const failedLines = failedRecordsIn(store).map((record) => Buffer.from(record.rawData, 'base64').toString('utf8'));
          expect(failedLines.sort()).toEqual(all.filter((generated) => generated.kind === 'junk').map((generated) => `${messageOf(generated)}\n`).sort());
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('createInProcessDeliveryStream', () => {
  it('hands every accepted record on exactly once (delivered, processing-failed or dropped), whatever the buffering and answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom<'Ok' | 'Dropped' | 'ProcessingFailed' | 'Broken'>('Ok', 'Dropped', 'ProcessingFailed', 'Broken'), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 50, max: 3000 }),
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 10, maxLength: 10 }),
        async (calls, sizeHint, advances) => {
          // Prepare: each record's data says what the transformation answers for it; "Broken" breaks the whole response.
          const answers = echoTransform();
          const { stream, store, clock } = inProcessStream({
            processorBuffering: { sizeBytes: sizeHint, intervalMs: 60_000 },
            destinationBuffering: { sizeBytes: sizeHint * 2, intervalMs: 300_000 },
            transform: async (event) => {
              await answers(event);
              const wanted = event.records.map((record) => Buffer.from(record.data, 'base64').toString().split(' ')[0]);
              if (wanted.includes('Broken')) return { records: event.records.slice(1).map((record) => ({ recordId: record.recordId, result: 'Ok', data: record.data })) };
              return { records: event.records.map((record, index) => ({ recordId: record.recordId, result: wanted[index], data: record.data })) };
            },
          });
          let sequence = 0;
          const sent: { data: string; wanted: string }[] = [];

          // Act
          for (const [index, wanted] of calls.entries()) {
            const batch = wanted.map((result) => ({ data: `${result} record-${(sequence += 1)}\n`, wanted: result }));
            sent.push(...batch);
            await stream.putRecordBatch(batch.map((record) => Buffer.from(record.data)));
            clock.advance(advances[index] ?? 0);
            await stream.flushDue();
          }
          await stream.close();

          // Assess
          const delivered = store.textUnder('delivered/').split('\n').filter((text) => text !== '').map((text) => `${text}\n`);
          const failed = failedRecordsIn(store).map((record) => Buffer.from(record.rawData, 'base64').toString());
          const stats = stream.stats();
          const everyOutput = [...delivered, ...failed].sort();
          expect(new Set(everyOutput).size).toBe(everyOutput.length);
          expect(delivered.length + failed.length + stats.results.Dropped).toBe(sent.length);
          const failedWithInvocation = Object.values(stats.invocationFailures).reduce((sum, records) => sum + records, 0);
          expect(stats.results.Ok + stats.results.Dropped + stats.results.ProcessingFailed + failedWithInvocation).toBe(sent.length);
          expect(stats.processingFailedRecords).toBe(failed.length);
          expect(stats.deliveredRecords).toBe(delivered.length);
          for (const record of sent.filter((candidate) => candidate.wanted === 'Ok')) expect(delivered.includes(record.data) || failed.includes(record.data)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
