import { describe, expect, it } from 'vitest';
import { transformFirehoseEvent, type CountingEnrichment } from '../../../../src/firehose/transformation/transform-firehose-event.js';
import { defaultFormatLine, transformationEvent, transformationRecord } from '../../../support/firehose-builders.js';
import { recordingLogger, recordingMetrics } from '../../../support/firehose-delivery-fakes.js';

function countingEnrichment(): CountingEnrichment & { readonly started: () => number } {
  let started = 0;
  return {
    sources: {},
    startActivity() {
      started += 1;
      return () => ({ networkInterfaces: { hits: 0, misses: 0, calls: 0 } });
    },
    started: () => started,
  };
}

describe('transformFirehoseEvent', () => {
  it('answers every record in order, and logs and counts the batch once', async () => {
    // Prepare
    const enrichment = countingEnrichment();
    const { logger, lines } = recordingLogger();
    const { metrics, values } = recordingMetrics();
    const event = transformationEvent([transformationRecord({ recordId: 'a', text: `${defaultFormatLine()}\n` }), transformationRecord({ recordId: 'b', text: 'not a record\n' })]);

    // Act
    const response = await transformFirehoseEvent(event, enrichment, { trailingNewline: false, responseBudgetBytes: 5_000_000 }, { logger, metrics });

    // Assess
    expect(response.records.map((record) => [record.recordId, record.result])).toEqual([
      ['a', 'Ok'],
      ['b', 'ProcessingFailed'],
    ]);
    expect(enrichment.started()).toBe(1);
    expect(lines.map((line) => line.message)).toEqual(['decorated batch with failed records']);
    expect(values.get('RecordsOk')).toEqual([{ unit: 'Count', value: 1 }]);
  });
});
