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

  it.each(['opensearch', 'athena'])('refuses REPORT_ENGINE %s, whose source this version does not have, at cold start', (engine) => {
    expect(problemsOf({ ...REQUIRED, REPORT_ENGINE: engine })).toEqual([`REPORT_ENGINE ${engine} is not available in this version: use s3 (the stack's S3 destination)`]);
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
  const s3Source: LedgerSource = { readLedger: () => Promise.reject(new Error('not read in this test')) };

  it('makes the S3 destination\'s source for s3', () => {
    expect(chooseReportLedgerSource('s3', { s3: () => s3Source })).toBe(s3Source);
  });

  it.each(['opensearch', 'athena'] as const)('refuses %s with a configuration error until its source exists', (engine) => {
    expect(() => chooseReportLedgerSource(engine, { s3: () => s3Source })).toThrow(ConfigurationError);
  });
});
