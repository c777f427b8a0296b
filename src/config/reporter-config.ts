import { OUTPUT_SCHEMAS, OutputSchema } from '../output-schema/output-schema.js';
import { createEnvReader, type EnvReader, type Environment } from './env-reader.js';
import { readObservabilityConfig, type ObservabilityConfig } from './observability-config.js';

/** Where the ledger of a scheduled report is computed: the stack's S3 destination read by the function, OpenSearch, or Athena. */
export const REPORT_ENGINES = ['s3', 'opensearch', 'athena'] as const;
export type ReportEngine = (typeof REPORT_ENGINES)[number];
/** How the reporter authenticates to OpenSearch: SigV4 with its role (Amazon OpenSearch Service), or none (a loopback node, for tests). */
export const REPORTER_OPENSEARCH_AUTHS = ['sigv4', 'none'] as const;
export type ReporterOpenSearchAuth = (typeof REPORTER_OPENSEARCH_AUTHS)[number];

/** `REPORT_ENGINE=opensearch`: the domain the stack indexes into, and its indices. */
export interface ReporterOpenSearchConfig {
  /** `https://host` (the domain endpoint), or `http://127.0.0.1:port` and the like with auth none. */
  readonly endpoint: string;
  /** The stack's indices, e.g. `cwl-*`: the role may search these only. */
  readonly indexPattern: string;
  readonly auth: ReporterOpenSearchAuth;
  /** The Region SigV4 signs for (Lambda's AWS_REGION); absent with auth none. */
  readonly region?: string;
}

/** `REPORT_ENGINE=athena`: the stack's workgroup and Glue table. */
export interface ReporterAthenaConfig {
  readonly workGroup: string;
  readonly database: string;
  readonly table: string;
  /** The schema the table's documents are in (the stack's OutputSchema): the ledger SQL reads its columns. */
  readonly schema: OutputSchema;
}

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
  /** With engine opensearch only. */
  readonly opensearch?: ReporterOpenSearchConfig;
  /** With engine athena only. */
  readonly athena?: ReporterAthenaConfig;
}

/** A bucket name, not a URL or an ARN: S3 itself checks its finer rules. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;
/** An ARN, not a topic name: SNS itself checks the rest. */
const TOPIC_ARN = /^arn:[^\s]+$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()=-]+(\/[A-Za-z0-9!_.*'()=-]+)*\/$/;
const REPORT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
/** The domain's endpoint: https and a host, no path, credentials, query or fragment; plain http to a loopback address only. */
const HTTPS_ENDPOINT = /^https:\/\/[^\s/?#@]+\/?$/;
const LOOPBACK_ENDPOINT = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?\/?$/;
/** Index names and wildcards, comma-separated (lower case as OpenSearch wants; no leading '_' or '-', no '/'). */
const INDEX_PATTERN = /^[a-z0-9*][a-z0-9_.*-]*(,[a-z0-9*][a-z0-9_.*-]*)*$/;
/** Athena workgroup names: 1 to 128 letters, digits, '.', '_' and '-'. */
const WORKGROUP_NAME = /^[A-Za-z0-9._-]{1,128}$/;
/** Glue database and table names as Athena wants them: lower case, digits and underscores (`report --athena` checks them alike). */
export const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
/** Default index pattern: the stack's index name (`cwl`) with Firehose's rotation suffix. */
export const DEFAULT_REPORTER_INDEX_PATTERN = 'cwl-*';
/** Default table: the stack's Glue table. */
export const DEFAULT_REPORTER_ATHENA_TABLE = 'flow_logs';
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
  const opensearch = readOpenSearchEngine(env, environment, engine === 'opensearch');
  const athena = readAthenaEngine(env, engine === 'athena');
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
    ...(opensearch === undefined ? {} : { opensearch }),
    ...(athena === undefined ? {} : { athena }),
    ...readObservabilityConfig(env, 'vpc-flow-log-reporter'),
  };
  env.assertValid();
  return config;
}

/** Says that an engine's variable is set for another engine: the template sets it empty there, so a value means a mistake. */
function refuseForOtherEngine(env: EnvReader, names: readonly string[], engine: ReportEngine): void {
  for (const name of names) if (env.optionalString(name) !== undefined) env.problem(`${name} is for REPORT_ENGINE ${engine} only; leave it empty`);
}

/** The OpenSearch settings when the engine is opensearch (every problem recorded), else undefined after refusing stray values. */
function readOpenSearchEngine(env: EnvReader, environment: Environment, chosen: boolean): ReporterOpenSearchConfig | undefined {
  const names = ['OPENSEARCH_ENDPOINT', 'OPENSEARCH_INDEX_PATTERN', 'OPENSEARCH_AUTH'] as const;
  if (!chosen) {
    refuseForOtherEngine(env, names, 'opensearch');
    return undefined;
  }
  const endpoint = env.requiredString('OPENSEARCH_ENDPOINT');
  const indexPattern = env.string('OPENSEARCH_INDEX_PATTERN', DEFAULT_REPORTER_INDEX_PATTERN);
  const auth = env.oneOf('OPENSEARCH_AUTH', REPORTER_OPENSEARCH_AUTHS, 'sigv4');
  const loopback = LOOPBACK_ENDPOINT.test(endpoint);
  if (endpoint !== '' && !HTTPS_ENDPOINT.test(endpoint) && !loopback) {
    env.problem(`OPENSEARCH_ENDPOINT must be the domain's https://host (plain http only to a loopback address), got "${endpoint}"`);
  }
  if (auth === 'none' && endpoint !== '' && !loopback) env.problem('OPENSEARCH_AUTH none is for a loopback node only; a domain is signed with SigV4');
  if (!INDEX_PATTERN.test(indexPattern)) env.problem(`OPENSEARCH_INDEX_PATTERN must be index names or wildcards separated by commas (lower case), got "${indexPattern}"`);
  // Lambda sets AWS_REGION itself (a reserved variable): read as the runtime gives it, not as a setting of ours.
  const region = environment['AWS_REGION']?.trim();
  if (auth === 'sigv4' && (region === undefined || region === '')) env.problem('AWS_REGION (set by Lambda) is required to sign OpenSearch requests with SigV4');
  return { endpoint: endpoint.replace(/\/$/, ''), indexPattern, auth, ...(auth === 'sigv4' && region !== undefined && region !== '' ? { region } : {}) };
}

/** The Athena settings when the engine is athena (every problem recorded), else undefined after refusing stray values. */
function readAthenaEngine(env: EnvReader, chosen: boolean): ReporterAthenaConfig | undefined {
  const names = ['ATHENA_WORKGROUP', 'ATHENA_DATABASE', 'ATHENA_TABLE', 'ATHENA_SCHEMA'] as const;
  if (!chosen) {
    refuseForOtherEngine(env, names, 'athena');
    return undefined;
  }
  const workGroup = env.requiredString('ATHENA_WORKGROUP');
  const database = env.requiredString('ATHENA_DATABASE');
  const table = env.string('ATHENA_TABLE', DEFAULT_REPORTER_ATHENA_TABLE);
  const schema = env.oneOf('ATHENA_SCHEMA', OUTPUT_SCHEMAS, OutputSchema.Native);
  if (workGroup !== '' && !WORKGROUP_NAME.test(workGroup)) env.problem(`ATHENA_WORKGROUP must be 1 to 128 letters, digits, '.', '_' or '-', got "${workGroup}"`);
  for (const [name, value] of [['ATHENA_DATABASE', database], ['ATHENA_TABLE', table]] as const) {
    if (value !== '' && !GLUE_NAME.test(value)) env.problem(`${name} must be lower-case letters, digits and underscores, got "${value}"`);
  }
  return { workGroup, database, table, schema };
}
