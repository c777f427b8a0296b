import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { pointClientsAt } from '../support/loopback-http.js';
import { flowLogLine, headerLine } from '../support/flow-log-builders.js';
import { startS3LoopbackServer, type S3LoopbackServer, type S3LoopbackServerOptions } from '../support/s3-loopback-server.js';
import { ndjson, runCliWith, temporaryDirectory } from '../unit/cli/cli-harness.js';

const BUCKET = 'flow-log-bucket';
/** Where VPC Flow Logs delivers to S3: AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/. */
const DELIVERY_PREFIX = 'AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/06/01/';
const V5_FIELDS = ['version', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'flow-direction', 'traffic-path', 'pkt-src-aws-service'];

/** A delivered file's name: `<account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddTHHmmZ>_<hash>.log.gz`. */
function deliveredKey(time: string, hash: string): string {
  return `${DELIVERY_PREFIX}123456789010_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60001_${time}_${hash}.log.gz`;
}

/** A delivered file: gzip, a header line naming the fields, then records. */
function deliveredFile(fields: readonly string[] | undefined, records: readonly Readonly<Record<string, string>>[]): Buffer {
  const lines = [headerLine(fields), ...records.map((values) => flowLogLine(values, fields === undefined ? {} : { fields }))];
  return gzipSync(`${lines.join('\n')}\n`);
}

let server: S3LoopbackServer | undefined;
let restore: (() => void) | undefined;

async function startS3(options: S3LoopbackServerOptions): Promise<S3LoopbackServer> {
  server = await startS3LoopbackServer(options);
  restore = pointClientsAt('S3', server.url);
  return server;
}

afterEach(async () => {
  restore?.();
  await server?.close();
  server = undefined;
  restore = undefined;
});

describe('enrich s3://bucket/prefix', () => {
  it('reads every flow-log file VPC Flow Logs delivered under the prefix, in key order, each with its own header', async () => {
    // Prepare: three files over two listing pages, one in a custom v5 format, and a file of another day.
    const first = deliveredKey('20260601T0800Z', 'a1b2c3d4');
    const second = deliveredKey('20260601T0805Z', 'e5f6a7b8');
    const third = deliveredKey('20260601T0810Z', 'c9d0e1f2');
    await startS3({
      buckets: {
        [BUCKET]: {
          [third]: deliveredFile(undefined, [{ srcport: '3' }]),
          [first]: deliveredFile(undefined, [{ srcport: '1' }, { srcport: '11', action: 'REJECT' }]),
          [second]: deliveredFile(V5_FIELDS, [{ srcport: '2', 'flow-direction': 'egress' }]),
          'AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/06/02/other.log.gz': deliveredFile(undefined, [{ srcport: '9' }]),
        },
      },
      maxPageSize: 2,
    });

    // Act
    const run = await runCliWith(['enrich', `s3://${BUCKET}/${DELIVERY_PREFIX}`]);

    // Assess
    const documents = ndjson(run.stdout);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(documents.map((document) => document.srcport)).toStrictEqual([1, 11, 2, 3]);
    expect(documents[2]).toMatchObject({ flow_direction: 'egress', pkt_src_aws_service: 'S3' });
    expect(documents[2]).not.toHaveProperty('account_id');
  });

  it('reads Firehose S3 objects under Hive-style keys as their {"message"} records', async () => {
    // Prepare: flow logs sent straight to Firehose, delivered to S3 gzip, one JSON record a line.
    const records = (ports: number[]) => gzipSync(ports.map((port) => `${JSON.stringify({ message: flowLogLine({ srcport: String(port) }) })}\n`).join(''));
    await startS3({
      buckets: {
        [BUCKET]: {
          'flow-logs/year=2026/month=06/day=01/vpc-flow-logs-1-2026-06-01-08-00-00-0a1b2c3d.gz': records([1, 2]),
          'flow-logs/year=2026/month=06/day=02/vpc-flow-logs-1-2026-06-02-08-00-00-0a1b2c3d.gz': records([3]),
        },
      },
    });

    // Act
    const run = await runCliWith(['enrich', `s3://${BUCKET}/flow-logs/year=2026/month=06/`]);

    // Assess
    expect(run.status).toBe(0);
    expect(ndjson(run.stdout).map((document) => document.srcport)).toStrictEqual([1, 2, 3]);
  });

  it('names the object key and line of a bad record, and carries on', async () => {
    // Prepare
    const key = deliveredKey('20260601T0800Z', 'a1b2c3d4');
    await startS3({ buckets: { [BUCKET]: { [key]: gzipSync(`${headerLine()}\n${flowLogLine()}\nnot a flow log record\n${flowLogLine()}\n`) } } });

    // Act
    const run = await runCliWith(['enrich', `s3://${BUCKET}/AWSLogs/`]);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^s3://${BUCKET}/${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `));
    expect(ndjson(run.stdout)).toHaveLength(2);
  });

  it('reports an object it may not read and a bucket that does not exist, and reads everything else', async () => {
    // Prepare
    await startS3({ buckets: { [BUCKET]: { 'logs/a.log': `${flowLogLine({ srcport: '1' })}\n`, 'logs/b.log': 'x', 'logs/c.log': `${flowLogLine({ srcport: '3' })}\n` } }, forbidden: [`${BUCKET}/logs/b.log`] });
    const local = temporaryDirectory();
    const localFile = local.write('local.log', `${flowLogLine({ srcport: '4' })}\n`);

    // Act
    const run = await runCliWith(['enrich', `s3://${BUCKET}/logs/`, 's3://no-such-bucket/logs/', localFile]);
    local.remove();

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `s3://${BUCKET}/logs/b.log: access denied (AccessDenied, HTTP 403)\n` + 's3://no-such-bucket/logs/: no such bucket (NoSuchBucket, HTTP 404)\n',
    );
    expect(ndjson(run.stdout).map((document) => document.srcport)).toStrictEqual([1, 3, 4]);
  });

  it('refuses an s3:// argument without a bucket name before reading anything', async () => {
    const run = await runCliWith(['enrich', 's3://']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not an s3://bucket/prefix URL');
  });
});
