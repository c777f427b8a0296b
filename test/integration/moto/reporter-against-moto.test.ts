// The built reporter bundle (the scheduled security-group report) against moto's server, on Node.js
// 24 (Lambda's nodejs24.x) and the machine's Node.js: enriched documents of the window in a moto
// bucket under flow-logs/year=/month=/day=/, the inventory in moto's EC2, the summary published to a
// moto SNS topic that delivers to a loopback HTTP subscriber. Objects in, reports out, message sent.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dayPrefixesOf, reportKeyStemOf, reportWindowOf } from '../../../src/scheduled-report/index.js';
import { listenOnLoopback, type ListeningLoopback } from '../../support/loopback-http.js';
import { reportFlow } from '../../support/report-builders.js';
import { documentLine } from '../../support/scheduled-report-fakes.js';
import { CLIENT_ADDRESS, createMotoEc2Account, WEB_ADDRESS, type MotoEc2Account } from '../support/moto-ec2-account.js';
import { motoClientOptions, startMotoServer, type MotoServer } from '../support/moto-server.js';
import { objectText, runReporterBundle } from '../support/reporter-bundle.js';
import { installedTool } from '../support/tools.js';

const run = promisify(execFile);
const NODE24 = installedTool('node24/node_modules/node/bin/node', 'Node.js 24 (scripts/integration/install-node24.sh)');
const RUNTIMES = [
  { name: 'Node.js 24 (Lambda nodejs24.x)', binary: NODE24 },
  { name: `the machine's Node.js ${process.version}`, binary: process.execPath },
] as const;
const BUCKET = 'vpc-flow-log-appender-reports';
const WINDOW_DAYS = 7;
const bundles = mkdtempSync(join(tmpdir(), 'moto-reporter-'));

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

let moto: MotoServer;
let ec2: EC2Client;
let s3: S3Client;
let sns: SNSClient;
let account: MotoEc2Account;
let subscriber: ListeningLoopback;
/** What moto's SNS posted to the HTTP subscriber (notifications; a subscription confirmation, if any). */
let delivered: Record<string, unknown>[] = [];

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', bundles]);
  moto = await startMotoServer();
  ec2 = new EC2Client(motoClientOptions(moto.url));
  s3 = new S3Client({ ...motoClientOptions(moto.url), forcePathStyle: true });
  sns = new SNSClient(motoClientOptions(moto.url));
  subscriber = await listenOnLoopback(
    createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        response.end();
      });
    }),
  );
}, 180_000);

afterAll(async () => {
  for (const client of [ec2, s3, sns]) client.destroy();
  await subscriber.close();
  await moto.stop();
  rmSync(bundles, { recursive: true, force: true });
});

beforeEach(async () => {
  await moto.reset();
  delivered = [];
  account = await createMotoEc2Account(ec2);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

/** Hourly HTTPS flows from the internet to the web interface over the whole window, filed under the day Firehose would file them, and one record after the window. */
async function deliverWindowDocuments(window: { from: number; to: number }): Promise<number> {
  const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [account.webGroupId] }] }))).SecurityGroupRules ?? [];
  const https = rules.find((rule) => rule.IsEgress === false && rule.FromPort === 443);
  if (https?.SecurityGroupRuleId === undefined) throw new Error('moto has no HTTPS rule');
  const byPrefix = new Map<string, string[]>();
  const prefixes = dayPrefixesOf(window, 'flow-logs/');
  let inWindow = 0;
  for (let start = window.from; start <= window.to + 600; start += 3_600) {
    const document = documentLine(
      reportFlow({ interface_id: account.webInterfaceId, srcaddr: CLIENT_ADDRESS, dstaddr: WEB_ADDRESS, start, end: start + 60, security_group_ids: [account.webGroupId], security_group_rule_ids: [https.SecurityGroupRuleId] }),
    );
    const prefix = prefixes[Math.floor((start - window.from) / 86_400)] ?? prefixes[prefixes.length - 1] ?? '';
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), document]);
    if (start < window.to) inWindow += 1;
  }
  for (const [prefix, lines] of byPrefix) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}vpc-flow-logs-1-${prefix.slice(-3, -1)}.gz`, Body: gzipSync(`${lines.join('\n')}\n`) }));
  }
  return inWindow;
}

/** Runs the built reporter's handler once, in a process of `node`, with the function's variables and every endpoint at moto. */
async function runReporter(node: string, topicArn: string) {
  return runReporterBundle(node, bundles, moto.url, {
    REPORT_ENGINE: 's3',
    REPORT_BUCKET: BUCKET,
    REPORT_WINDOW_DAYS: String(WINDOW_DAYS),
    REPORT_TOPIC_ARN: topicArn,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
}

const reportText = (key: string): Promise<string> => objectText(s3, BUCKET, key);

describe.each(RUNTIMES)('the reporter bundle against moto on $name', ({ binary }) => {
  it('reads the window\'s documents and the live inventory, writes the four reports under reports/YYYY/MM/DD/ and publishes the summary', async () => {
    // Prepare
    const window = reportWindowOf(Date.now(), WINDOW_DAYS);
    const documents = await deliverWindowDocuments(window);
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'security-group-report' }))).TopicArn ?? '';
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `${subscriber.url}/report` }));
    const stem = reportKeyStemOf(Date.now(), 'reports/', 'security-group-report');

    // Act
    const { stdout } = await runReporter(binary, topicArn);

    // Assess
    const result = JSON.parse(stdout.trimEnd().split('\n').pop() ?? '') as { counts: { records: number; rules: number }; locations: string[] };
    expect(stdout).toContain('"message":"scheduled report written"');
    expect(result.locations).toEqual(['.html', '.json', '.sh', '.rollback.sh'].map((extension) => `s3://${BUCKET}/${stem}${extension}`));
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }))).Contents ?? [];
    expect(listed.map((object) => object.Key).sort()).toEqual(result.locations.map((location) => location.slice(`s3://${BUCKET}/`.length)).sort());
    const report = JSON.parse(await reportText(`${stem}.json`)) as { totals: { records: number }; rules: { ruleId: string; flows: number }[] };
    expect(report.totals.records).toBe(documents);
    expect(report.rules.some((rule) => rule.flows === documents)).toBe(true);
    expect(await reportText(`${stem}.html`)).toMatch(/^<!doctype html>/i);
    expect(await reportText(`${stem}.sh`)).toMatch(/^#!\/usr\/bin\/env bash|^#!\/bin\/bash/);
    const notifications = delivered.filter((message) => message['Type'] === 'Notification');
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.['Subject']).toMatch(new RegExp(`^Security-group report, ${WINDOW_DAYS} days to `));
    for (const location of result.locations) expect(notifications[0]?.['Message']).toContain(location);
  });

  it('fails, after writing the reports, when the topic is gone: WARN with the step and cause, a non-zero exit for the scheduler to retry', async () => {
    // Prepare
    await deliverWindowDocuments(reportWindowOf(Date.now(), WINDOW_DAYS));
    const missingTopic = 'arn:aws:sns:us-east-1:123456789012:no-such-topic';

    // Act
    const failure = await runReporter(binary, missingTopic).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );

    // Assess
    expect(failure?.code).not.toBe(0);
    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(output).toMatch(/"level":"WARN".*"message":"scheduled report failed".*"step":"notify"/);
    expect(output).toContain('ScheduledReportError');
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }))).Contents ?? [];
    expect(listed).toHaveLength(4);
  });
});
