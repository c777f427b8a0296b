import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel as PowertoolsLogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Logger, Metrics } from '../ports.js';

/** A Lambda's logger and metrics; `publish` flushes the metrics of one invocation as EMF. */
export interface InvocationObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Call once at the end of every invocation, failed ones too (in a `finally`). */
  publish(): void;
}

export interface PowertoolsObservabilityOptions {
  readonly serviceName: string;
  /** CloudWatch metrics namespace, e.g. `VpcFlowLogAppender`. */
  readonly namespace: string;
  /** DEBUG, INFO, WARN, ERROR...; without it Powertools reads its own environment settings. */
  readonly logLevel?: string;
}

const LOG_LEVELS: ReadonlySet<string> = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']);

/**
 * Structured JSON logs and CloudWatch EMF metrics with Powertools for AWS Lambda, behind the
 * core's `Logger` and `Metrics` ports. Build it once per container, outside the handler.
 *
 * @example
 * const observability = createPowertoolsObservability({ serviceName: 'ingestor', namespace: 'VpcFlowLogAppender' });
 * export const handler = async () => {
 *   try {
 *     observability.metrics.add('RecordsPut', MetricUnit.Count, 10);
 *   } finally {
 *     observability.publish();
 *   }
 * };
 */
export function createPowertoolsObservability({ serviceName, namespace, logLevel }: PowertoolsObservabilityOptions): InvocationObservability {
  const level = logLevel?.toUpperCase();
  const logger = new PowertoolsLogger({
    serviceName,
    ...(level !== undefined && LOG_LEVELS.has(level) ? { logLevel: level as PowertoolsLogLevel } : {}),
  });
  const metrics = new PowertoolsMetrics({ serviceName, namespace });
  // Powertools merges a second object argument into the log line as top-level keys.
  const log =
    (write: (message: string, ...extra: [Record<string, unknown>] | []) => void) =>
    (message: string, attributes?: Readonly<Record<string, unknown>>): void =>
      attributes === undefined ? write(message) : write(message, { ...attributes });
  return {
    logger: {
      debug: log((message, ...extra) => logger.debug(message, ...extra)),
      info: log((message, ...extra) => logger.info(message, ...extra)),
      warn: log((message, ...extra) => logger.warn(message, ...extra)),
      error: log((message, ...extra) => logger.error(message, ...extra)),
    },
    metrics: {
      add: (name, unit, value) => {
        metrics.addMetric(name, unit, value);
      },
    },
    publish: () => {
      metrics.publishStoredMetrics();
    },
  };
}
