import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3ReadError, type S3ObjectReader, type S3ObjectSummary } from '../../../src/adapters/s3-object-reader.js';
import { InputSourceError, openInputSources, parseS3Url, type LineSource } from '../../../src/cli/input-sources.js';
import { temporaryDirectory } from './cli-harness.js';

/** An S3 reader answering from a table of objects, counting readers built and streams opened. */
function fakeS3(objects: Readonly<Record<string, Buffer>>, options: { failListing?: Error; neverEnd?: boolean } = {}) {
  const opened: Readable[] = [];
  let built = 0;
  const reader: S3ObjectReader = {
    async *listObjects(bucket, prefix) {
      await Promise.resolve();
      if (options.failListing !== undefined) throw options.failListing;
      for (const key of Object.keys(objects).sort()) {
        if (key.startsWith(`${bucket}/${prefix}`)) yield { key: key.slice(bucket.length + 1), size: objects[key]?.length } as S3ObjectSummary;
      }
    },
    openObject(bucket, key) {
      const body = objects[`${bucket}/${key}`];
      if (body === undefined) return Promise.reject(new S3ReadError(`s3://${bucket}/${key}`, 'no such object (NoSuchKey, HTTP 404)'));
      // A body that never ends stands for a large object still arriving.
      const stream = options.neverEnd === true ? new PassThrough() : Readable.from([body]);
      if (stream instanceof PassThrough) stream.write(body);
      opened.push(stream);
      return Promise.resolve(stream);
    },
  };
  return {
    factory: () => {
      built += 1;
      return reader;
    },
    opened,
    built: () => built,
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

describe('parseS3Url', () => {
  it.each([
    ['s3://flow-log-bucket/AWSLogs/123456789010/', { bucket: 'flow-log-bucket', prefix: 'AWSLogs/123456789010/' }],
    ['s3://flow-log-bucket/', { bucket: 'flow-log-bucket', prefix: '' }],
    ['s3://flow-log-bucket', { bucket: 'flow-log-bucket', prefix: '' }],
    ['s3://flow.log-bucket/year=2026/month=06/a b.gz', { bucket: 'flow.log-bucket', prefix: 'year=2026/month=06/a b.gz' }],
  ])('reads %s as a bucket and a prefix', (url, expected) => {
    expect(parseS3Url(url)).toStrictEqual(expected);
  });

  it('says a local path is not an S3 URL', () => {
    expect(parseS3Url('logs/s3://not-a-url.log')).toBeUndefined();
  });

  it.each(['s3://', 's3:///key', 's3://Upper-Case/key', 's3://ab/key'])('rejects %s, which has no valid bucket name', (url) => {
    expect(() => parseS3Url(url)).toThrow(InputSourceError);
  });
});

describe('openInputSources', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('yields the inputs in argument order, each S3 prefix as its objects in key order, named for messages', async () => {
    // Prepare
    const local = files.write('local.log', 'local line\n');
    const s3 = fakeS3({ 'bucket-a/logs/2.log': Buffer.from('two\n'), 'bucket-a/logs/1.log': Buffer.from('one\n'), 'bucket-a/other/3.log': Buffer.from('three\n') });

    // Act
    const sources = await all(openInputSources(['s3://bucket-a/logs/', local, '-'], { stdin: Readable.from(['stdin line\n']), s3: s3.factory }));

    // Assess
    expect(sources.map((source) => [source.name, source.size])).toStrictEqual([
      ['s3://bucket-a/logs/1.log', 4],
      ['s3://bucket-a/logs/2.log', 4],
      [local, 11],
      ['<stdin>', undefined],
    ]);
    const lines = await Promise.all(sources.map((source) => all(source.lines())));
    expect(lines).toStrictEqual([['one'], ['two'], ['local line'], ['stdin line']]);
  });

  it('decompresses gzip objects by their first bytes, whatever the key says, and counts the compressed bytes read', async () => {
    // Prepare
    const compressed = gzipSync('first\nsecond\n');
    const s3 = fakeS3({ 'bucket-a/no-extension': compressed });
    const [source] = await all(openInputSources(['s3://bucket-a/'], { stdin: new PassThrough(), s3: s3.factory }));
    let bytes = 0;

    // Act
    const lines = await all((source as LineSource).lines({ onBytes: (count) => (bytes += count) }));

    // Assess
    expect(lines).toStrictEqual(['first', 'second']);
    expect(bytes).toBe(compressed.length);
  });

  it('builds the S3 reader once, and only when an s3:// input is given', async () => {
    // Prepare
    const s3 = fakeS3({ 'bucket-a/a.log': Buffer.from('a\n'), 'bucket-b/b.log': Buffer.from('b\n') });
    const local = files.write('local.log', 'x\n');

    // Act
    await all(openInputSources([local], { stdin: new PassThrough(), s3: s3.factory }));
    const builtForLocal = s3.built();
    await all(openInputSources(['s3://bucket-a/', 's3://bucket-b/'], { stdin: new PassThrough(), s3: s3.factory }));

    // Assess
    expect(builtForLocal).toBe(0);
    expect(s3.built()).toBe(1);
  });

  it('turns a failed listing into a source named by the URL that fails when read, without repeating the URL', async () => {
    // Prepare
    const s3 = fakeS3({}, { failListing: new S3ReadError('s3://bucket-a/logs/', 'access denied (AccessDenied, HTTP 403)') });

    // Act
    const sources = await all(openInputSources(['s3://bucket-a/logs/'], { stdin: new PassThrough(), s3: s3.factory }));

    // Assess
    expect(sources.map((source) => source.name)).toStrictEqual(['s3://bucket-a/logs/']);
    await expect(all((sources[0] as LineSource).lines())).rejects.toThrow(/^access denied \(AccessDenied, HTTP 403\)$/);
  });

  it('closes an object it stopped reading early', async () => {
    // Prepare
    const s3 = fakeS3({ 'bucket-a/big.log': Buffer.from('1\n2\n3\n') }, { neverEnd: true });
    const [source] = await all(openInputSources(['s3://bucket-a/'], { stdin: new PassThrough(), s3: s3.factory }));

    // Act
    for await (const line of (source as LineSource).lines()) {
      if (line === '1') break;
    }

    // Assess
    expect(s3.opened.map((stream) => stream.destroyed)).toStrictEqual([true]);
  });

  it('refuses Parquet flow-log objects and files when read, saying why, and reads the text ones', async () => {
    // Prepare: a Parquet delivery beside a text one.
    const s3 = fakeS3({ 'bucket-a/fl_20260601T0800Z_a1b2.log.parquet': Buffer.from('PAR1'), 'bucket-a/fl_20260601T0800Z_c3d4.log.gz': gzipSync('text\n') });
    const sources = await all(openInputSources(['s3://bucket-a/', files.path('local.log.parquet')], { stdin: new PassThrough(), s3: s3.factory }));

    // Act
    const [parquet, text, localParquet] = await Promise.allSettled(sources.map((source) => all(source.lines())));

    // Assess
    expect(parquet).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('a Parquet object, not read') as unknown } });
    expect(text).toStrictEqual({ status: 'fulfilled', value: ['text'] });
    expect(localParquet).toMatchObject({ status: 'rejected', reason: expect.any(InputSourceError) as unknown });
    expect(s3.opened).toHaveLength(1);
  });

  it('reports a missing local file when it is read, with no size known', async () => {
    const [source] = await all(openInputSources([files.path('missing.log')], { stdin: new PassThrough() }));

    expect(source?.size).toBeUndefined();
    await expect(all((source as LineSource).lines())).rejects.toThrow(/ENOENT/);
  });
});
