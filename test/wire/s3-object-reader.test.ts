import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3ObjectReader, S3ReadError, type S3ObjectSummary } from '../../src/adapters/s3-object-reader.js';
import { pointClientsAt } from '../support/loopback-http.js';
import { startS3LoopbackServer, type S3LoopbackServer, type S3LoopbackServerOptions } from '../support/s3-loopback-server.js';

const BUCKET = 'flow-log-bucket';

let server: S3LoopbackServer | undefined;
let restore: (() => void) | undefined;

/** The real S3 client, configured as a user's would be, reaching the loopback through AWS_ENDPOINT_URL_S3. */
async function readerAgainst(options: S3LoopbackServerOptions) {
  server = await startS3LoopbackServer(options);
  restore = pointClientsAt('S3', server.url);
  return { reader: createS3ObjectReader({ client: new S3Client({ followRegionRedirects: true }) }), server };
}

async function listAll(objects: AsyncIterable<S3ObjectSummary>): Promise<S3ObjectSummary[]> {
  const listed: S3ObjectSummary[] = [];
  for await (const object of objects) listed.push(object);
  return listed;
}

async function text(body: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

afterEach(async () => {
  restore?.();
  await server?.close();
  server = undefined;
  restore = undefined;
});

describe('createS3ObjectReader over the wire', () => {
  it('lists every object under the prefix in key order, following continuation tokens', async () => {
    // Prepare: five keys under the prefix, two pages of two and one, and keys outside it.
    const keys = ['logs/2026/06/02/b.log.gz', 'logs/2026/06/01/z.log.gz', 'logs/2026/06/01/a.log.gz', 'logs/2026/06/03/c.log.gz', 'logs/2026/06/01/m.log.gz'];
    const { reader, server } = await readerAgainst({
      buckets: { [BUCKET]: Object.fromEntries([...keys, 'other/x.log', 'logs.txt'].map((key) => [key, `data of ${key}`])) },
      maxPageSize: 2,
    });

    // Act
    const listed = await listAll(reader.listObjects(BUCKET, 'logs/'));

    // Assess
    expect(listed.map((object) => object.key)).toStrictEqual([...keys].sort());
    expect(listed.map((object) => object.size)).toStrictEqual([...keys].sort().map((key) => Buffer.byteLength(`data of ${key}`)));
    expect(server.calls.map((call) => call.continuationToken === undefined)).toStrictEqual([true, false, false]);
  });

  it('addresses the bucket in the path for an IP endpoint, with no forcePathStyle setting', async () => {
    // Prepare
    const { reader, server } = await readerAgainst({ buckets: { [BUCKET]: { 'a.log': 'a' } } });

    // Act
    await listAll(reader.listObjects(BUCKET, ''));
    await text(await reader.openObject(BUCKET, 'a.log'));

    // Assess
    expect(server.calls.map((call) => [call.operation, call.addressing])).toStrictEqual([
      ['ListObjectsV2', 'path'],
      ['GetObject', 'path'],
    ]);
  });

  it('leaves folder markers out of the listing', async () => {
    const { reader } = await readerAgainst({ buckets: { [BUCKET]: { 'flow-logs/': '', 'flow-logs/year=2026/': '', 'flow-logs/year=2026/a.gz': 'a' } } });

    const listed = await listAll(reader.listObjects(BUCKET, 'flow-logs/'));

    expect(listed).toStrictEqual([{ key: 'flow-logs/year=2026/a.gz', size: 1 }]);
  });

  it('reads an object whose key needs encoding, byte for byte', async () => {
    // Prepare
    const key = 'flow-logs/year=2026/month=06/day=01/stream 1+2=ü.gz';
    const { reader } = await readerAgainst({ buckets: { [BUCKET]: { [key]: 'line one\nline two\n' } } });

    // Act
    const body = await text(await reader.openObject(BUCKET, key));

    // Assess
    expect(body).toBe('line one\nline two\n');
  });

  it.each([
    ['a missing object', { buckets: { [BUCKET]: {} } }, 's3://flow-log-bucket/gone.log.gz: no such object (NoSuchKey, HTTP 404)'],
    ['an object it may not read', { buckets: { [BUCKET]: { 'gone.log.gz': 'x' } }, forbidden: [`${BUCKET}/gone.log.gz`] }, 's3://flow-log-bucket/gone.log.gz: access denied (AccessDenied, HTTP 403)'],
  ])('rejects with an S3ReadError naming the key for %s', async (_case, options: S3LoopbackServerOptions, message) => {
    const { reader } = await readerAgainst(options);

    const opening = reader.openObject(BUCKET, 'gone.log.gz');

    await expect(opening).rejects.toThrow(S3ReadError);
    await expect(opening).rejects.toThrow(message);
  });

  it.each([
    ['a bucket that does not exist', {}, 's3://flow-log-bucket/logs/: no such bucket (NoSuchBucket, HTTP 404)'],
    ['a bucket it may not list', { buckets: { [BUCKET]: {} }, forbidden: [BUCKET] }, 's3://flow-log-bucket/logs/: access denied (AccessDenied, HTTP 403)'],
  ])('rejects the listing with an S3ReadError naming the prefix for %s', async (_case, options: S3LoopbackServerOptions, message) => {
    const { reader } = await readerAgainst(options);

    const listing = listAll(reader.listObjects(BUCKET, 'logs/'));

    await expect(listing).rejects.toThrow(message);
  });
});
