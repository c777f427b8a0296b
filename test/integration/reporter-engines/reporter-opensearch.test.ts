// The built reporter bundle on Node.js 24 (Lambda's nodejs24.x) with REPORT_ENGINE=opensearch against
// the integration tier's real OpenSearch node: decorated documents of a week indexed under the
// project's index template (one index a day, as Firehose rotates them), the live inventory in moto's
// EC2, the outputs to a moto bucket and the summary to a moto topic. The four reports must land,
// and each must be what `report --opensearch --live` prints for the same indices, window and account.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reportKeyStemOf, reportWindowOf } from '../../../src/scheduled-report/index.js';
import { pointClientsAt } from '../../support/loopback-http.js';
import { reportFlow } from '../../support/report-builders.js';
import { documentLine } from '../../support/scheduled-report-fakes.js';
import { runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';
import { installTemplate, openSearchRequest } from '../opensearch/estate-index.js';
import { CLIENT_ADDRESS, createMotoEc2Account, OFFICE_ADDRESS, WEB_ADDRESS, type MotoEc2Account } from '../support/moto-ec2-account.js';
import { motoClientOptions, startMotoServer, type MotoServer } from '../support/moto-server.js';
import { objectText, runReporterBundle } from '../support/reporter-bundle.js';
import { installedTool } from '../support/tools.js';

const run = promisify(execFile);
const NODE24 = installedTool('node24/node_modules/node/bin/node', 'Node.js 24 (scripts/integration/install-node24.sh)');
const url = inject('opensearchUrl');
/** Indices of this file's own, so that the other tests' counts under cwl-* stay theirs. */
const INDEX_PREFIX = 'reporter-engine-';
const INDEX_PATTERN = `${INDEX_PREFIX}*`;
const BUCKET = 'vpc-flow-log-appender-reports';
const WINDOW_DAYS = 7;
/** Documentation addresses (RFC 5737) of the internet clients. */
const INTERNET_CLIENTS = [CLIENT_ADDRESS, '203.0.113.40', '192.0.2.200'];
const bundles = mkdtempSync(join(tmpdir(), 'reporter-engines-'));
const files = temporaryDirectory();

let moto: MotoServer;
let ec2: EC2Client;
let s3: S3Client;
let sns: SNSClient;
let account: MotoEc2Account;
let restores: (() => void)[] = [];
const window = reportWindowOf(Date.now(), WINDOW_DAYS);

/**
 * HTTPS from three internet clients every hour of the window, SSH from the office every six hours,
 * and documents just before and after the window, indexed by day: the ledger has used, unused and
 * exposed rules to judge, and records the window must leave out.
 */
async function indexWindowDocuments(): Promise<number> {
  const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [account.webGroupId] }] }))).SecurityGroupRules ?? [];
  const ruleOn = (port: number): string => {
    const id = rules.find((rule) => rule.IsEgress === false && rule.FromPort === port)?.SecurityGroupRuleId;
    if (id === undefined) throw new Error(`moto has no rule on port ${port}`);
    return id;
  };
  const flow = (start: number, srcaddr: string, dstport: number) =>
    reportFlow({ interface_id: account.webInterfaceId, srcaddr, dstaddr: WEB_ADDRESS, dstport, start, end: start + 60, security_group_ids: [account.webGroupId], security_group_rule_ids: [ruleOn(dstport)] });
  const flows = [];
  for (let start = window.from - 2 * 3_600; start < window.to + 2 * 3_600; start += 3_600) {
    flows.push(flow(start, INTERNET_CLIENTS[(start / 3_600) % INTERNET_CLIENTS.length] ?? CLIENT_ADDRESS, 443));
    if (start % (6 * 3_600) === 0) flows.push(flow(start + 120, OFFICE_ADDRESS, 22));
  }
  const bulk = flows.flatMap((document) => {
    const day = new Date((document.start ?? 0) * 1_000).toISOString().slice(0, 10);
    return [JSON.stringify({ index: { _index: `${INDEX_PREFIX}${day}` } }), documentLine(document)];
  });
  const answer = await openSearchRequest(url, 'POST', '/_bulk', `${bulk.join('\n')}\n`, 'application/x-ndjson');
  if (answer.status !== 200 || answer.body['errors'] !== false) throw new Error(`bulk: HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 2_000)}`);
  await openSearchRequest(url, 'POST', `/${INDEX_PATTERN}/_refresh`);
  return flows.filter((document) => (document.start ?? 0) >= window.from && (document.start ?? 0) < window.to).length;
}

/** Runs the built reporter's handler once on Node.js 24, with the variables the template sets for the opensearch engine (auth none: the node has no security plugin). */
async function runReporter(topicArn: string) {
  return runReporterBundle(NODE24, bundles, moto.url, {
    REPORT_ENGINE: 'opensearch',
    OPENSEARCH_ENDPOINT: url,
    OPENSEARCH_INDEX_PATTERN: INDEX_PATTERN,
    OPENSEARCH_AUTH: 'none',
    ATHENA_WORKGROUP: '',
    REPORT_BUCKET: BUCKET,
    REPORT_WINDOW_DAYS: String(WINDOW_DAYS),
    REPORT_TOPIC_ARN: topicArn,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
}

const reportText = (key: string): Promise<string> => objectText(s3, BUCKET, key);

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--outdir', bundles]);
  moto = await startMotoServer();
  ec2 = new EC2Client(motoClientOptions(moto.url));
  s3 = new S3Client({ ...motoClientOptions(moto.url), forcePathStyle: true });
  sns = new SNSClient(motoClientOptions(moto.url));
  account = await createMotoEc2Account(ec2);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await installTemplate(url, 'reporter-engine', INDEX_PATTERN);
  // The CLI's --live reads the same moto account in this process.
  restores = [pointClientsAt('EC2', moto.url)];
});

afterAll(async () => {
  for (const restore of restores) restore();
  for (const client of [ec2, s3, sns]) client.destroy();
  await openSearchRequest(url, 'DELETE', `/${INDEX_PATTERN}`);
  await moto.stop();
  rmSync(bundles, { recursive: true, force: true });
  files.remove();
});

describe('the reporter bundle with REPORT_ENGINE=opensearch on Node.js 24, against the OpenSearch node and moto', () => {
  it('writes the four reports of the window, each what report --opensearch --live prints for the same window, and has the topic accept the summary', async () => {
    // Prepare
    const documents = await indexWindowDocuments();
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'security-group-report' }))).TopicArn ?? '';
    const stem = reportKeyStemOf(Date.now(), 'reports/', 'security-group-report');

    // Act
    const { stdout } = await runReporter(topicArn);
    const cli = (format: string, ...more: string[]) =>
      runCliWith(['report', '--opensearch', url, '--auth', 'none', '--index-pattern', INDEX_PATTERN, '--from', String(window.from), '--to', String(window.to), '--live', '--format', format, ...more]);
    const json = await cli('json');
    const html = await cli('html');
    const scripts = await cli('cli', '--out', files.path('apply.sh'));

    // Assess
    const result = JSON.parse(stdout.trimEnd().split('\n').pop() ?? '') as { counts: { records: number }; locations: string[] };
    expect(stdout).toContain('"message":"scheduled report written"');
    expect(result.locations).toEqual(['.html', '.json', '.sh', '.rollback.sh'].map((extension) => `s3://${BUCKET}/${stem}${extension}`));
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'reports/' }))).Contents ?? [];
    expect(listed.map((object) => object.Key).sort()).toEqual(result.locations.map((location) => location.slice(`s3://${BUCKET}/`.length)).sort());
    for (const run of [json, html, scripts]) expect(run.status, run.stderr).toBe(0);
    // The window's documents only, and a ledger with something to judge.
    const report = JSON.parse(await reportText(`${stem}.json`)) as { totals: { records: number }; rules: { flows: number }[] };
    expect([result.counts.records, report.totals.records]).toEqual([documents, documents]);
    expect(report.rules.filter((rule) => rule.flows > 0).length).toBeGreaterThanOrEqual(2);
    // Each output as the CLI writes it from the same engine, window and inventory.
    expect(JSON.parse(await reportText(`${stem}.json`))).toEqual(JSON.parse(json.stdout));
    expect(await reportText(`${stem}.html`)).toBe(html.stdout);
    expect(await reportText(`${stem}.sh`)).toBe(readFileSync(files.path('apply.sh'), 'utf8'));
    expect(await reportText(`${stem}.rollback.sh`)).toBe(readFileSync(files.path('apply.rollback.sh'), 'utf8'));
  });
});
