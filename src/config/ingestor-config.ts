import { createEnvReader, type Environment } from './env-reader.js';

export interface IngestorConfig {
  /** The Direct PUT Firehose stream that receives one record per flow-log line. */
  readonly deliveryStreamName: string;
  /** PutRecordBatch calls in flight at once. */
  readonly concurrency: number;
  /** Attempts per record, the first included, before the invocation fails. */
  readonly maxAttempts: number;
  /** Time kept back from the invocation's remaining time: no retry starts inside it. */
  readonly timeMarginMs: number;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logLevel?: string;
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** Firehose's rule for stream names. https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html */
const DELIVERY_STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/**
 * Reads the ingestor's configuration from its environment once, at cold start, listing every
 * problem at once in a `ConfigurationError`. Every variable is set by template.yaml.
 *
 * @example
 * loadIngestorConfig({ DELIVERY_STREAM_NAME: 'vpc-flow-logs' });
 * // { deliveryStreamName: 'vpc-flow-logs', concurrency: 4, maxAttempts: 8, timeMarginMs: 3000, ... }
 */
export function loadIngestorConfig(environment: Environment): IngestorConfig {
  const env = createEnvReader(environment);
  const deliveryStreamName = env.requiredString('DELIVERY_STREAM_NAME');
  if (deliveryStreamName !== '' && !DELIVERY_STREAM_NAME.test(deliveryStreamName)) {
    env.problem(`DELIVERY_STREAM_NAME must be 1 to 64 letters, digits, '_', '.' or '-', got "${deliveryStreamName}"`);
  }
  const logLevel = env.optionalString('POWERTOOLS_LOG_LEVEL')?.toUpperCase();
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    env.problem(`POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const config: IngestorConfig = {
    deliveryStreamName,
    concurrency: env.integer('PUT_RECORD_BATCH_CONCURRENCY', { defaultValue: 4, min: 1, max: 20 }),
    maxAttempts: env.integer('RETRY_MAX_ATTEMPTS', { defaultValue: 8, min: 1, max: 50 }),
    timeMarginMs: env.integer('RETRY_TIME_MARGIN_MS', { defaultValue: 3000, min: 0, max: 600_000 }),
    serviceName: env.string('POWERTOOLS_SERVICE_NAME', 'vpc-flow-log-ingestor'),
    metricsNamespace: env.string('POWERTOOLS_METRICS_NAMESPACE', 'VpcFlowLogAppender'),
    ...(logLevel === undefined ? {} : { logLevel }),
  };
  env.assertValid();
  return config;
}
