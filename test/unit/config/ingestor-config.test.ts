import { describe, expect, it } from 'vitest';
import { loadIngestorConfig } from '../../../src/config/ingestor-config.js';
import { ConfigurationError } from '../../../src/errors.js';

describe('loadIngestorConfig', () => {
  it('needs only the delivery stream name and defaults the rest', () => {
    // Act
    const config = loadIngestorConfig({ DELIVERY_STREAM_NAME: 'vpc-flow-logs' });

    // Assess
    expect(config).toEqual({
      deliveryStreamName: 'vpc-flow-logs',
      concurrency: 4,
      maxAttempts: 8,
      timeMarginMs: 3000,
      recordPackingBytes: 0,
      serviceName: 'vpc-flow-log-ingestor',
      metricsNamespace: 'VpcFlowLogAppender',
    });
  });

  it('reads every setting it is given', () => {
    const config = loadIngestorConfig({
      DELIVERY_STREAM_NAME: 'flows.v2_eu-west-1',
      PUT_RECORD_BATCH_CONCURRENCY: '2',
      RETRY_MAX_ATTEMPTS: '3',
      RETRY_TIME_MARGIN_MS: '500',
      RECORD_PACKING_BYTES: '5120',
      POWERTOOLS_SERVICE_NAME: 'ingest',
      POWERTOOLS_METRICS_NAMESPACE: 'Flows',
      POWERTOOLS_LOG_LEVEL: 'debug',
    });

    expect(config).toEqual({
      deliveryStreamName: 'flows.v2_eu-west-1',
      concurrency: 2,
      maxAttempts: 3,
      timeMarginMs: 500,
      recordPackingBytes: 5120,
      serviceName: 'ingest',
      metricsNamespace: 'Flows',
      logLevel: 'DEBUG',
    });
  });

  it('refuses to start without a delivery stream name', () => {
    expect(() => loadIngestorConfig({})).toThrow(ConfigurationError);
  });

  it('lists every problem at once', () => {
    const environment = {
      DELIVERY_STREAM_NAME: 'not a stream name',
      PUT_RECORD_BATCH_CONCURRENCY: '0',
      RETRY_MAX_ATTEMPTS: 'many',
      RECORD_PACKING_BYTES: '2000000',
      POWERTOOLS_LOG_LEVEL: 'loud',
    };

    // In the order the settings are read.
    const everyProblem = [
      `DELIVERY_STREAM_NAME must be 1 to 64 letters, digits, '_', '.' or '-', got "not a stream name"`,
      'PUT_RECORD_BATCH_CONCURRENCY must be between 1 and 20, got 0',
      'RETRY_MAX_ATTEMPTS must be an integer, got "many"',
      'RECORD_PACKING_BYTES must be between 0 and 1024000, got 2000000',
      'POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "LOUD"',
    ];

    // Act / Assess: one ConfigurationError holding all five.
    expect(() => loadIngestorConfig(environment)).toThrow(ConfigurationError);
    expect(() => loadIngestorConfig(environment)).toThrow(expect.objectContaining({ problems: everyProblem }));
  });

  it('refuses a stream name longer than Firehose allows', () => {
    expect(() => loadIngestorConfig({ DELIVERY_STREAM_NAME: 'a'.repeat(65) })).toThrow(/DELIVERY_STREAM_NAME must be 1 to 64/);
  });
});
