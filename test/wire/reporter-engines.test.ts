// The reporter Lambda's handler, cold-started in this process with REPORT_ENGINE=athena, its real
// SDK clients aimed through AWS_ENDPOINT_URL_<SERVICE> at loopback servers: Athena (the five ledger
// queries), EC2 (the sample account's inventory), and one recording server for S3's PutObject and
// SNS's Publish (the outputs and the summary). The OpenSearch engine runs against a real node in
// test/integration/reporter-engines.
import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SecurityGroupReport } from '../../src/report/report-model.js';
import { reportKeyStemOf } from '../../src/scheduled-report/index.js';
import { startAthenaLoopbackServer, type AthenaAnswer, type AthenaLoopbackServer } from '../support/athena-loopback-server.js';
import { startEc2LoopbackServer, type Ec2LoopbackServer } from '../support/ec2-loopback-server.js';
import { listenOnLoopback, pointClientsAt, readRequestBody, type ListeningLoopback } from '../support/loopback-http.js';
import { sampleEc2Account } from '../support/sample-ec2-account.js';

const BUCKET = 'vpc-flow-log-appender-delivery';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:vpc-flow-log-appender-reports';

type Handler = () => Promise<{ locations: readonly string[]; counts: { records: number } }>;

/** What the recording server received: objects written (S3 PutObject) and messages published (SNS Publish). */
interface Outputs {
  readonly objects: Map<string, string>;
  readonly published: URLSearchParams[];
}

let servers: { close(): Promise<void> }[] = [];
let restores: (() => void)[] = [];

/** S3 PutObject (path-style or virtual-host) and SNS Publish (the query protocol), recorded and answered as the services do. */
async function startOutputServer(): Promise<ListeningLoopback & Outputs> {
  const objects = new Map<string, string>();
  const published: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    void readRequestBody(request).then((body) => {
      if (request.method === 'PUT') {
        const host = (request.headers.host ?? '').split(':')[0] ?? '';
        const path = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
        const key = host.startsWith(`${BUCKET}.`) ? `${BUCKET}${path}` : path.slice(1);
        objects.set(key, body);
        response.writeHead(200, { etag: '"0"' }).end();
        return;
      }
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'Publish') {
        published.push(form);
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>');
        return;
      }
      response.writeHead(400).end();
    });
  });
  return { ...(await listenOnLoopback(server)), objects, published };
}

/** Starts the servers, points the reporter's clients at them, and cold-starts its handler with `environment`. */
async function deployReporter(answer: (sql: string) => AthenaAnswer, environment: Record<string, string>) {
  const athena: AthenaLoopbackServer = await startAthenaLoopbackServer({ answer });
  const ec2: Ec2LoopbackServer = await startEc2LoopbackServer(sampleEc2Account());
  const outputs = await startOutputServer();
  servers = [athena, ec2, outputs];
  restores = [pointClientsAt('ATHENA', athena.url), pointClientsAt('EC2', ec2.url), pointClientsAt('S3', outputs.url), pointClientsAt('SNS', outputs.url)];
  for (const [name, value] of Object.entries({ REPORT_BUCKET: BUCKET, REPORT_TOPIC_ARN: TOPIC_ARN, REPORT_WINDOW_DAYS: '7', ...environment })) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = (await import('../../reporter/index.js')) as { handler: Handler };
  return { athena, ec2, outputs, handler };
}

/** The totals query's answer (the one that counts unattributed matches); the other four find nothing. */
const twelveRecords = (sql: string): AthenaAnswer =>
  sql.includes('match_not_attributed')
    ? { columns: ['records', 'accepted', 'rejected', 'bytes', 'interfaces'], rows: [['12', '10', '2', '3400', '1']], scannedBytes: 52_000_000 }
    : { columns: ['kind'], rows: [], scannedBytes: 52_000_000 };

beforeEach(() => {
  // The function's JSON logs and EMF lines go to stdout; none is under test here but the failure line.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const restore of restores) restore();
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  restores = [];
});

describe('the reporter with REPORT_ENGINE=athena against loopback Athena, EC2, S3 and SNS', () => {
  it('runs the five ledger queries in the stack\'s workgroup and database over the window, writes the four reports and publishes their addresses', async () => {
    // Arrange
    const { athena, outputs, handler } = await deployReporter(twelveRecords, { REPORT_ENGINE: 'athena', ATHENA_WORKGROUP: 'stack-flow-logs', ATHENA_DATABASE: 'vpc_flow_logs' });
    const stem = reportKeyStemOf(Date.now(), 'reports/', 'security-group-report');

    // Act
    const result = await handler();

    // Assess
    const starts = athena.calls.filter((call) => call.target === 'AmazonAthena.StartQueryExecution');
    expect(starts).toHaveLength(5);
    for (const { body, signed } of starts) {
      expect(signed).toBe(true);
      expect(body).toMatchObject({ WorkGroup: 'stack-flow-logs', QueryExecutionContext: { Database: 'vpc_flow_logs' } });
      expect(body['QueryString']).toContain('FROM "vpc_flow_logs"."flow_logs"');
      // Partitions pruned to the window (report-athena.test.ts checks the exact days).
      expect(body['QueryString']).toMatch(/year = \d{4} AND month = \d{1,2}/);
    }
    expect(result.locations).toEqual(['.html', '.json', '.sh', '.rollback.sh'].map((extension) => `s3://${BUCKET}/${stem}${extension}`));
    expect([...outputs.objects.keys()].sort()).toEqual(['.html', '.json', '.rollback.sh', '.sh'].map((extension) => `${BUCKET}/${stem}${extension}`).sort());
    const report = JSON.parse(outputs.objects.get(`${BUCKET}/${stem}.json`) ?? '{}') as SecurityGroupReport;
    expect([report.totals.records, result.counts.records]).toEqual([12, 12]);
    const rules = sampleEc2Account().securityGroupRules.map((rule) => rule.SecurityGroupRuleId).sort();
    expect(report.recommendations.map((recommendation) => recommendation.ruleId).sort()).toEqual(rules);
    expect(outputs.published).toHaveLength(1);
    expect(outputs.published[0]?.get('TopicArn')).toBe(TOPIC_ARN);
    for (const location of result.locations) expect(outputs.published[0]?.get('Message')).toContain(location);
  });

  it('fails the run at the ledger step, naming Athena\'s reason, and writes nothing when a query fails', async () => {
    // Arrange
    const { outputs, handler } = await deployReporter(() => ({ failure: "TABLE_NOT_FOUND: Table 'awsdatacatalog.vpc_flow_logs.flow_logs' does not exist" }), {
      REPORT_ENGINE: 'athena',
      ATHENA_WORKGROUP: 'stack-flow-logs',
      ATHENA_DATABASE: 'vpc_flow_logs',
    });

    // Act
    const failure = await handler().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^scheduled report failed at ledger: .*TABLE_NOT_FOUND/);
    expect(outputs.objects.size).toBe(0);
    expect(outputs.published).toHaveLength(0);
  });

  it('refuses at cold start an athena engine without its workgroup and database, listing both', async () => {
    await expect(deployReporter(twelveRecords, { REPORT_ENGINE: 'athena' })).rejects.toThrow(/ATHENA_WORKGROUP is required[\s\S]*ATHENA_DATABASE is required/);
  });
});
