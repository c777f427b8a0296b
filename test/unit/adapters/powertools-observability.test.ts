import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPowertoolsObservability } from '../../../src/adapters/powertools-observability.js';

/** Everything Powertools writes to stdout, one parsed JSON object per line. */
let written: Record<string, unknown>[] = [];

beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter((text) => text.trim() !== '')) {
      written.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createPowertoolsObservability', () => {
  it('writes a structured JSON log line with the attributes as top-level keys', () => {
    // Prepare
    const { logger } = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender' });

    // Act
    logger.info('ingest summary', { recordsPut: 3, outcome: 'delivered' });

    // Assess
    expect(written).toEqual([expect.objectContaining({ level: 'INFO', message: 'ingest summary', service: 'ingestor', recordsPut: 3, outcome: 'delivered' })]);
  });

  it('leaves out debug lines at the INFO level', () => {
    const { logger } = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender', logLevel: 'INFO' });

    logger.debug('retrying PutRecordBatch entries', { attempt: 1 });

    expect(written).toEqual([]);
  });

  it('writes debug lines when asked to', () => {
    const { logger } = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender', logLevel: 'debug' });

    logger.debug('retrying PutRecordBatch entries', { attempt: 1 });

    expect(written).toEqual([expect.objectContaining({ level: 'DEBUG', attempt: 1 })]);
  });

  it('publishes the metrics of an invocation as one EMF document in the namespace', () => {
    const observability = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender' });
    observability.metrics.add('RecordsPut', 'Count', 500);
    observability.metrics.add('BytesPut', 'Bytes', 60_500);

    observability.publish();

    expect(written).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            expect.objectContaining({
              Namespace: 'VpcFlowLogAppender',
              Metrics: [
                { Name: 'RecordsPut', Unit: 'Count' },
                { Name: 'BytesPut', Unit: 'Bytes' },
              ],
            }),
          ],
        }) as unknown,
        service: 'ingestor',
        RecordsPut: 500,
        BytesPut: 60_500,
      }),
    ]);
  });

  it('starts each invocation with no metrics left from the last', () => {
    const observability = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender' });
    observability.metrics.add('RecordsPut', 'Count', 1);
    observability.publish();
    observability.metrics.add('RecordsPut', 'Count', 2);

    observability.publish();

    expect(written.map((document) => document.RecordsPut)).toEqual([1, 2]);
  });
});
