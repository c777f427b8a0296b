import { MAX_RECORD_BYTES } from '../firehose/delivery/put-record-batch-limits.js';
import { createEnvReader, type Environment } from './env-reader.js';
import { readObservabilityConfig, type ObservabilityConfig } from './observability-config.js';

export interface IngestorConfig extends ObservabilityConfig {
  /** The Direct PUT Firehose stream that receives one record per flow-log line. */
  readonly deliveryStreamName: string;
  /** PutRecordBatch calls in flight at once. */
  readonly concurrency: number;
  /** Attempts per record, the first included, before the invocation fails. */
  readonly maxAttempts: number;
  /** Time kept back from the invocation's remaining time: no retry starts inside it. */
  readonly timeMarginMs: number;
  /** Lines packed into one record up to this many bytes; 0 puts one line a record (what OpenSearch needs). */
  readonly recordPackingBytes: number;
}

/** Firehose's rule for stream names. https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html */
const DELIVERY_STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/**
 * Reads the ingestor's configuration from its environment once, at cold start, listing every
 * problem at once in a `ConfigurationError`. Every variable is set by template.yaml.
 *
 * @example
 * loadIngestorConfig({ DELIVERY_STREAM_NAME: 'vpc-flow-logs' });
 * // { deliveryStreamName: 'vpc-flow-logs', concurrency: 4, maxAttempts: 8, timeMarginMs: 3000, recordPackingBytes: 0, ... }
 */
export function loadIngestorConfig(environment: Environment): IngestorConfig {
  const env = createEnvReader(environment);
  const deliveryStreamName = env.requiredString('DELIVERY_STREAM_NAME');
  if (deliveryStreamName !== '' && !DELIVERY_STREAM_NAME.test(deliveryStreamName)) {
    env.problem(`DELIVERY_STREAM_NAME must be 1 to 64 letters, digits, '_', '.' or '-', got "${deliveryStreamName}"`);
  }
  const config: IngestorConfig = {
    deliveryStreamName,
    concurrency: env.integer('PUT_RECORD_BATCH_CONCURRENCY', { defaultValue: 4, min: 1, max: 20 }),
    maxAttempts: env.integer('RETRY_MAX_ATTEMPTS', { defaultValue: 8, min: 1, max: 50 }),
    timeMarginMs: env.integer('RETRY_TIME_MARGIN_MS', { defaultValue: 3000, min: 0, max: 600_000 }),
    recordPackingBytes: env.integer('RECORD_PACKING_BYTES', { defaultValue: 0, min: 0, max: MAX_RECORD_BYTES }),
    ...readObservabilityConfig(env, 'vpc-flow-log-ingestor'),
  };
  env.assertValid();
  return config;
}
