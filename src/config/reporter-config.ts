import { createEnvReader, type Environment } from './env-reader.js';
import { readObservabilityConfig, type ObservabilityConfig } from './observability-config.js';

/** Where the ledger of a scheduled report is computed: the stack's S3 destination read by the function, OpenSearch, or Athena. */
export const REPORT_ENGINES = ['s3', 'opensearch', 'athena'] as const;
export type ReportEngine = (typeof REPORT_ENGINES)[number];
/** The engines this version can run; the others are refused at cold start rather than failing every run. */
export const AVAILABLE_REPORT_ENGINES: readonly ReportEngine[] = ['s3'];

export interface ReporterConfig extends ObservabilityConfig {
  readonly engine: ReportEngine;
  /** The stack's bucket: the documents under `flowLogsPrefix`, the outputs under `reportPrefix`. */
  readonly bucket: string;
  readonly flowLogsPrefix: string;
  readonly reportPrefix: string;
  /** File name of the outputs, without extension. */
  readonly reportName: string;
  /** Whole UTC days before the run's day. */
  readonly windowDays: number;
  readonly topicArn: string;
  /** VPCs whose interfaces, groups and rules are read; empty: the whole Region. */
  readonly vpcIds: readonly string[];
}

/** A bucket name, not a URL or an ARN: S3 itself checks its finer rules. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;
/** An ARN, not a topic name: SNS itself checks the rest. */
const TOPIC_ARN = /^arn:[^\s]+$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()=-]+(\/[A-Za-z0-9!_.*'()=-]+)*\/$/;
const REPORT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
/** Days a report may cover: 90 is the longest window the advisor's "unused" is meant for (issue 15). */
export const MAX_REPORT_WINDOW_DAYS = 90;

/**
 * Reads the scheduled reporter's configuration from its environment once, at cold start, listing
 * every problem at once in a `ConfigurationError`. template.yaml sets every variable.
 *
 * @example
 * loadReporterConfig({ REPORT_BUCKET: 'flow-logs-bucket', REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:reports' });
 * // { engine: 's3', bucket: 'flow-logs-bucket', flowLogsPrefix: 'flow-logs/', reportPrefix: 'reports/', windowDays: 30, ... }
 */
export function loadReporterConfig(environment: Environment): ReporterConfig {
  const env = createEnvReader(environment);
  const engine = env.oneOf('REPORT_ENGINE', REPORT_ENGINES, 's3');
  if (!AVAILABLE_REPORT_ENGINES.includes(engine)) {
    env.problem(`REPORT_ENGINE ${engine} is not available in this version: use ${AVAILABLE_REPORT_ENGINES.join(', ')} (the stack's S3 destination)`);
  }
  const bucket = env.requiredString('REPORT_BUCKET');
  if (bucket !== '' && !BUCKET_NAME.test(bucket)) env.problem(`REPORT_BUCKET must be a bucket name (not a URL or ARN), got "${bucket}"`);
  const topicArn = env.requiredString('REPORT_TOPIC_ARN');
  if (topicArn !== '' && !TOPIC_ARN.test(topicArn)) env.problem(`REPORT_TOPIC_ARN must be the topic's ARN, got "${topicArn}"`);
  const flowLogsPrefix = env.string('FLOW_LOGS_PREFIX', 'flow-logs/');
  const reportPrefix = env.string('REPORT_PREFIX', 'reports/');
  for (const [name, value] of [['FLOW_LOGS_PREFIX', flowLogsPrefix], ['REPORT_PREFIX', reportPrefix]] as const) {
    if (!KEY_PREFIX.test(value)) env.problem(`${name} must be a key prefix ending in "/" (letters, digits and !_.*'()=- between the slashes), got "${value}"`);
  }
  if (reportPrefix.startsWith(flowLogsPrefix) || flowLogsPrefix.startsWith(reportPrefix)) {
    env.problem(`REPORT_PREFIX and FLOW_LOGS_PREFIX must not contain each other, got "${reportPrefix}" and "${flowLogsPrefix}"`);
  }
  const reportName = env.string('REPORT_NAME', 'security-group-report');
  if (!REPORT_NAME.test(reportName)) env.problem(`REPORT_NAME must be 1 to 100 letters, digits, '_', '.' or '-', got "${reportName}"`);
  const vpcIds = (env.optionalString('REPORT_VPC_IDS') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  for (const id of vpcIds) if (!VPC_ID.test(id)) env.problem(`REPORT_VPC_IDS must be VPC ids separated by commas, got "${id}"`);
  const config: ReporterConfig = {
    engine,
    bucket,
    flowLogsPrefix,
    reportPrefix,
    reportName,
    windowDays: env.integer('REPORT_WINDOW_DAYS', { defaultValue: 30, min: 1, max: MAX_REPORT_WINDOW_DAYS }),
    topicArn,
    vpcIds: [...new Set(vpcIds)],
    ...readObservabilityConfig(env, 'vpc-flow-log-reporter'),
  };
  env.assertValid();
  return config;
}
