import type { EnvReader } from './env-reader.js';

/** Logging and metrics settings both Lambdas share; Powertools' own variable names. */
export interface ObservabilityConfig {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logLevel?: string;
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** The default CloudWatch metrics namespace of every function of the application. */
export const DEFAULT_METRICS_NAMESPACE = 'VpcFlowLogAppender';

/**
 * Reads POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_LOG_LEVEL, recording
 * problems in the reader so they are listed with the function's other settings.
 */
export function readObservabilityConfig(env: EnvReader, defaultServiceName: string): ObservabilityConfig {
  const logLevel = env.optionalString('POWERTOOLS_LOG_LEVEL')?.toUpperCase();
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    env.problem(`POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    serviceName: env.string('POWERTOOLS_SERVICE_NAME', defaultServiceName),
    metricsNamespace: env.string('POWERTOOLS_METRICS_NAMESPACE', DEFAULT_METRICS_NAMESPACE),
    ...(logLevel === undefined ? {} : { logLevel }),
  };
}
