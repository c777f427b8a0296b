import { describe, expect, it } from 'vitest';
import { chooseReportLedgerSource } from '../../../src/adapters/report-ledger-source.js';
import { loadReporterConfig } from '../../../src/config/reporter-config.js';
import { ConfigurationError } from '../../../src/errors.js';
import type { LedgerSource } from '../../../src/report/index.js';

const REQUIRED = { REPORT_BUCKET: 'flow-logs-bucket', REPORT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:vpc-flow-logs-reports' };

function problemsOf(environment: Record<string, string>): readonly string[] {
  try {
    loadReporterConfig(environment);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadReporterConfig', () => {
  it('needs only the bucket and the topic and defaults the rest', () => {
    expect(loadReporterConfig(REQUIRED)).toEqual({
      engine: 's3',
      bucket: 'flow-logs-bucket',
      flowLogsPrefix: 'flow-logs/',
      reportPrefix: 'reports/',
      reportName: 'security-group-report',
      windowDays: 30,
      topicArn: REQUIRED.REPORT_TOPIC_ARN,
      vpcIds: [],
      serviceName: 'vpc-flow-log-reporter',
      metricsNamespace: 'VpcFlowLogAppender',
    });
  });

  it('reads every setting it is given', () => {
    const config = loadReporterConfig({
      ...REQUIRED,
      REPORT_ENGINE: 's3',
      FLOW_LOGS_PREFIX: 'delivered/flows/',
      REPORT_PREFIX: 'advice/',
      REPORT_NAME: 'weekly.sg-report',
      REPORT_WINDOW_DAYS: '7',
      REPORT_VPC_IDS: 'vpc-0123456789abcdef0, vpc-0a1b2c3d',
      POWERTOOLS_SERVICE_NAME: 'report',
      POWERTOOLS_METRICS_NAMESPACE: 'Flows',
      POWERTOOLS_LOG_LEVEL: 'warn',
    });
    expect(config).toEqual({
      engine: 's3',
      bucket: 'flow-logs-bucket',
      flowLogsPrefix: 'delivered/flows/',
      reportPrefix: 'advice/',
      reportName: 'weekly.sg-report',
      windowDays: 7,
      topicArn: REQUIRED.REPORT_TOPIC_ARN,
      vpcIds: ['vpc-0123456789abcdef0', 'vpc-0a1b2c3d'],
      serviceName: 'report',
      metricsNamespace: 'Flows',
      logLevel: 'WARN',
    });
  });

  it('reads the OpenSearch engine: the domain endpoint, the index pattern, SigV4 in Lambda\'s Region', () => {
    const config = loadReporterConfig({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_ENDPOINT: 'https://search-flows-abc.eu-west-1.es.amazonaws.com/', OPENSEARCH_INDEX_PATTERN: 'flows-*', AWS_REGION: 'eu-west-1' });
    expect([config.engine, config.opensearch, config.athena]).toEqual([
      'opensearch',
      { endpoint: 'https://search-flows-abc.eu-west-1.es.amazonaws.com', indexPattern: 'flows-*', auth: 'sigv4', region: 'eu-west-1' },
      undefined,
    ]);
  });

  it('defaults the OpenSearch index pattern to the stack\'s rotated indices, and accepts auth none for a loopback node only', () => {
    expect(loadReporterConfig({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_ENDPOINT: 'http://127.0.0.1:9200', OPENSEARCH_AUTH: 'none' }).opensearch).toEqual({
      endpoint: 'http://127.0.0.1:9200',
      indexPattern: 'cwl-*',
      auth: 'none',
    });
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_ENDPOINT: 'https://search-flows-abc.eu-west-1.es.amazonaws.com', OPENSEARCH_AUTH: 'none' })).toEqual([
      'OPENSEARCH_AUTH none is for a loopback node only; a domain is signed with SigV4',
    ]);
  });

  it('lists every problem of the OpenSearch engine at once: no endpoint, no Region to sign for, a bad pattern', () => {
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_INDEX_PATTERN: '_all,/etc' })).toEqual([
      'OPENSEARCH_ENDPOINT is required',
      'OPENSEARCH_INDEX_PATTERN must be index names or wildcards separated by commas (lower case), got "_all,/etc"',
      'AWS_REGION (set by Lambda) is required to sign OpenSearch requests with SigV4',
    ]);
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_ENDPOINT: 'http://search-flows.example.com', AWS_REGION: 'eu-west-1' })).toEqual([
      'OPENSEARCH_ENDPOINT must be the domain\'s https://host (plain http only to a loopback address), got "http://search-flows.example.com"',
    ]);
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 'opensearch', OPENSEARCH_ENDPOINT: 'https://admin:secret@search-flows.example.com', AWS_REGION: 'eu-west-1' })).toHaveLength(1);
  });

  it('reads the Athena engine: the stack\'s workgroup, database and table (flow_logs by default)', () => {
    expect(loadReporterConfig({ ...REQUIRED, REPORT_ENGINE: 'athena', ATHENA_WORKGROUP: 'stack-flow-logs', ATHENA_DATABASE: 'vpc_flow_logs' }).athena).toEqual({
      workGroup: 'stack-flow-logs',
      database: 'vpc_flow_logs',
      table: 'flow_logs',
      schema: 'native',
    });
    expect(loadReporterConfig({ ...REQUIRED, REPORT_ENGINE: 'athena', ATHENA_WORKGROUP: 'w', ATHENA_DATABASE: 'd', ATHENA_TABLE: 'ocsf_flows' }).athena?.table).toBe('ocsf_flows');
  });

  it('reads the schema of the Athena table\'s documents, so that the ledger SQL reads its columns, and refuses an unknown one', () => {
    const athena = { ...REQUIRED, REPORT_ENGINE: 'athena', ATHENA_WORKGROUP: 'w', ATHENA_DATABASE: 'd' };
    expect(loadReporterConfig({ ...athena, ATHENA_SCHEMA: 'ocsf' }).athena?.schema).toBe('ocsf');
    expect(problemsOf({ ...athena, ATHENA_SCHEMA: 'cef' })).toEqual([expect.stringContaining('ATHENA_SCHEMA')]);
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 's3', ATHENA_SCHEMA: 'ecs' })).toEqual(['ATHENA_SCHEMA is for REPORT_ENGINE athena only; leave it empty']);
  });

  it('lists every problem of the Athena engine at once', () => {
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 'athena', ATHENA_WORKGROUP: 'has space', ATHENA_TABLE: 'Flow-Logs' })).toEqual([
      'ATHENA_DATABASE is required',
      'ATHENA_WORKGROUP must be 1 to 128 letters, digits, \'.\', \'_\' or \'-\', got "has space"',
      'ATHENA_TABLE must be lower-case letters, digits and underscores, got "Flow-Logs"',
    ]);
  });

  it('refuses another engine\'s settings rather than ignoring them, and takes empty ones (the template\'s) as unset', () => {
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: 's3', OPENSEARCH_ENDPOINT: 'https://search-flows.example.com', ATHENA_WORKGROUP: 'w' })).toEqual([
      'OPENSEARCH_ENDPOINT is for REPORT_ENGINE opensearch only; leave it empty',
      'ATHENA_WORKGROUP is for REPORT_ENGINE athena only; leave it empty',
    ]);
    expect(loadReporterConfig({ ...REQUIRED, OPENSEARCH_ENDPOINT: '', OPENSEARCH_INDEX_PATTERN: '', OPENSEARCH_AUTH: '', ATHENA_WORKGROUP: '', ATHENA_DATABASE: '', ATHENA_TABLE: '' }).engine).toBe('s3');
  });

  it('lists every problem at once', () => {
    expect(
      problemsOf({
        REPORT_ENGINE: 'bigquery',
        REPORT_PREFIX: 'flow-logs/reports/',
        REPORT_NAME: '../escape',
        REPORT_WINDOW_DAYS: '365',
        REPORT_VPC_IDS: 'vpc-0123456789abcdef0,subnet-0123',
        POWERTOOLS_LOG_LEVEL: 'loud',
      }),
    ).toEqual([
      'REPORT_ENGINE must be one of s3, opensearch, athena, got "bigquery"',
      'REPORT_BUCKET is required',
      'REPORT_TOPIC_ARN is required',
      'REPORT_PREFIX and FLOW_LOGS_PREFIX must not contain each other, got "flow-logs/reports/" and "flow-logs/"',
      'REPORT_NAME must be 1 to 100 letters, digits, \'_\', \'.\' or \'-\', got "../escape"',
      'REPORT_VPC_IDS must be VPC ids separated by commas, got "subnet-0123"',
      'REPORT_WINDOW_DAYS must be between 1 and 90, got 365',
      'POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "LOUD"',
    ]);
  });

  it('refuses a bucket URL, a topic name or a prefix that is not one', () => {
    expect(problemsOf({ REPORT_BUCKET: 's3://flow-logs-bucket', REPORT_TOPIC_ARN: 'vpc-flow-logs-reports', FLOW_LOGS_PREFIX: '/flow-logs' })).toEqual([
      'REPORT_BUCKET must be a bucket name (not a URL or ARN), got "s3://flow-logs-bucket"',
      'REPORT_TOPIC_ARN must be the topic\'s ARN, got "vpc-flow-logs-reports"',
      'FLOW_LOGS_PREFIX must be a key prefix ending in "/" (letters, digits and !_.*\'()=- between the slashes), got "/flow-logs"',
    ]);
  });
});

describe('chooseReportLedgerSource', () => {
  const sourceNamed = (name: string): LedgerSource => ({ readLedger: () => Promise.reject(new Error(`${name} is not read in this test`)) });

  it.each(['s3', 'opensearch', 'athena'] as const)('makes the source of engine %s, and only that one', (engine) => {
    // Arrange
    const made: string[] = [];
    const sources = { s3: sourceNamed('s3'), opensearch: sourceNamed('opensearch'), athena: sourceNamed('athena') };
    const factory = (name: keyof typeof sources) => () => {
      made.push(name);
      return sources[name];
    };
    // Act
    const source = chooseReportLedgerSource(engine, { s3: factory('s3'), opensearch: factory('opensearch'), athena: factory('athena') });
    // Assess
    expect(source).toBe(sources[engine]);
    expect(made).toEqual([engine]);
  });
});
