import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3ObjectReader, type S3ObjectReader } from '../adapters/s3-object-reader.js';
import { joinMultiLineJsonObjects } from './concatenated-json.js';
import { readLines, type OversizedLine } from '../adapters/read-lines.js';
import { InputSourceError } from './errors.js';
export { InputSourceError } from './errors.js';

/**
 * One input of a command, read as lines: a local file, standard input, or one S3 object.
 * Gzip is detected from the first bytes (as for local files), never from a name.
 */
export interface LineSource {
  /** How messages name it, followed by `:LINE`: the path, `<stdin>` or `s3://bucket/key`. */
  readonly name: string;
  /** Bytes before decompression, when known before reading (files, S3 objects; not stdin). */
  readonly size?: number;
  /**
   * The lines, without their line ends; a line too long to be a record comes as an
   * OversizedLine (its length only). Rejects (mid-way if need be) when the input cannot be
   * read; the error message does not repeat `name`. `onBytes` is told of every chunk of raw
   * (still compressed) bytes read, for a progress display. Stopping early closes the input.
   */
  lines(options?: { readonly onBytes?: (byteCount: number) => void }): AsyncIterable<string | OversizedLine>;
}

export interface InputSourceOptions {
  /** Read for the input `-`. */
  readonly stdin: Readable;
  /**
   * Gives the S3 reader, called once, on the first `s3://` input. Default: the real S3 client
   * with the default credential chain and Region, `AWS_ENDPOINT_URL_S3` if set, following
   * redirects to a bucket's own Region.
   */
  readonly s3?: () => S3ObjectReader;
}

/** The bucket and key prefix of an `s3://bucket/prefix` input. */
export interface S3Location {
  readonly bucket: string;
  /** Empty for the whole bucket. */
  readonly prefix: string;
}

const S3_SCHEME = 's3://';

/** Bucket names: 3 to 63 lower-case letters, digits, dots and hyphens (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The bucket and prefix of an `s3://` input, or undefined for a local path. A malformed URL
 * throws an InputSourceError, so a command can reject it before reading anything.
 *
 * @example parseS3Url('s3://logs-bucket/AWSLogs/123456789012/vpcflowlogs/') // { bucket: 'logs-bucket', prefix: 'AWSLogs/123456789012/vpcflowlogs/' }
 */
export function parseS3Url(input: string): S3Location | undefined {
  if (!input.startsWith(S3_SCHEME)) return undefined;
  const rest = input.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (!BUCKET_NAME.test(bucket)) throw new InputSourceError(`${input}: not an s3://bucket/prefix URL ("${bucket}" is not a bucket name)`);
  return { bucket, prefix: slash === -1 ? '' : rest.slice(slash + 1) };
}

/**
 * The line sources of a command's inputs, in argument order: `-` is standard input, a path is
 * a local file, and `s3://bucket/prefix` is every object under the prefix in key order (all
 * ListObjectsV2 pages), which covers both layouts this application meets on S3:
 * - VPC Flow Logs delivered to S3: `AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/*.log.gz`
 *   (or the Hive-compatible `aws-account-id=.../year=.../` form), gzip text with a header line;
 * - the stack's Firehose S3 destination: `flow-logs/year=yyyy/month=MM/day=dd/...`, gzip NDJSON.
 * What a line means is the caller's business. A listing that fails (no such bucket, access
 * denied) yields one source, named by the URL, whose `lines()` rejects with S3's answer, so a
 * command reports it like an unreadable file and carries on with the other inputs.
 *
 * @example
 * for await (const source of openInputSources(['s3://logs-bucket/flow-logs/year=2026/', 'local.log.gz'], { stdin: process.stdin })) {
 *   let line = 0;
 *   for await (const text of source.lines()) console.log(`${source.name}:${++line}`, text);
 * }
 */
export async function* openInputSources(inputs: readonly string[], options: InputSourceOptions): AsyncGenerator<LineSource> {
  let s3: S3ObjectReader | undefined;
  const s3Reader = (): S3ObjectReader => (s3 ??= (options.s3 ?? createDefaultS3ObjectReader)());
  for (const input of inputs) {
    if (input === '-') {
      yield { name: '<stdin>', lines: (lineOptions) => linesOf(() => Promise.resolve(options.stdin), lineOptions?.onBytes, false) };
      continue;
    }
    const location = parseS3Url(input);
    if (location === undefined) {
      if (input.endsWith(PARQUET_SUFFIX)) {
        yield { name: input, lines: () => rejectingLines(parquetError()) };
        continue;
      }
      const size = await fileSize(input);
      yield { name: input, ...(size === undefined ? {} : { size }), lines: (lineOptions) => linesOf(() => Promise.resolve(createReadStream(input)), lineOptions?.onBytes, true) };
      continue;
    }
    yield* objectSources(s3Reader(), location, input);
  }
}

async function* objectSources(reader: S3ObjectReader, { bucket, prefix }: S3Location, url: string): AsyncGenerator<LineSource> {
  const objects = reader.listObjects(bucket, prefix)[Symbol.asyncIterator]();
  let listed = 0;
  for (;;) {
    let next: IteratorResult<{ key: string; size?: number }>;
    try {
      next = await objects.next();
    } catch (error) {
      // Reported where a file's read error would be, under the URL; the other inputs still run.
      const failure = error instanceof Error ? error : new Error(String(error));
      yield { name: url, lines: () => rejectingLines(failure) };
      return;
    }
    if (next.done === true) {
      // An empty or mistyped prefix reads nothing: said like an unreadable input, never silent.
      if (listed === 0) yield { name: url, lines: () => rejectingLines(new InputSourceError(`no objects under this prefix${prefix === '' || prefix.endsWith('/') ? '' : ' (a prefix is matched from the start of the key: is a "/" or a folder missing?)'}`)) };
      return;
    }
    listed += 1;
    const { key, size } = next.value;
    if (key.endsWith(PARQUET_SUFFIX)) {
      yield { name: `s3://${bucket}/${key}`, lines: () => rejectingLines(parquetError()) };
      continue;
    }
    yield {
      name: `s3://${bucket}/${key}`,
      ...(size === undefined ? {} : { size }),
      lines: (lineOptions) => linesOf(() => reader.openObject(bucket, key), lineOptions?.onBytes, true),
    };
  }
}

/** VPC Flow Logs names Parquet files `<...>.log.parquet` (DestinationOptions FileFormat parquet). */
const PARQUET_SUFFIX = '.parquet';

function parquetError(): InputSourceError {
  return new InputSourceError('a Parquet object, not read: only plain-text flow logs (FileFormat plain-text) are; query Parquet with Athena');
}

/** A line source that fails when read, like an unreadable file. */
function rejectingLines(error: Error): AsyncIterable<string | OversizedLine> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(withoutLocation(error)) }),
  };
}

/** The S3 adapter's errors start with the location, which the caller already prints. */
function withoutLocation(error: Error): Error {
  const location = (error as { location?: unknown }).location;
  if (typeof location === 'string' && error.message.startsWith(`${location}: `)) {
    return new InputSourceError(error.message.slice(location.length + 2), { cause: error });
  }
  return error;
}

async function* linesOf(open: () => Promise<Readable>, onBytes: ((byteCount: number) => void) | undefined, owned: boolean): AsyncGenerator<string | OversizedLine> {
  let input: Readable;
  try {
    input = await open();
  } catch (error) {
    throw error instanceof Error ? withoutLocation(error) : error;
  }
  const counted = onBytes === undefined ? input : countBytes(input, onBytes);
  try {
    // A pretty-printed event file (events/*.json) reads as one JSON line, like its compact form.
    yield* joinMultiLineJsonObjects(readLines(counted));
  } finally {
    // Stopping early must not leave a file handle or an S3 connection open; stdin is not ours.
    if (owned) input.destroy();
    if (counted !== input) counted.destroy();
  }
}

function countBytes(input: Readable, onBytes: (byteCount: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      callback(null, chunk);
    },
  });
  input.on('error', (error) => counter.destroy(error));
  return input.pipe(counter);
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    // Reading it will say what is wrong, in the command's usual words.
    return undefined;
  }
}

function createDefaultS3ObjectReader(): S3ObjectReader {
  return createS3ObjectReader({ client: new S3Client({ followRegionRedirects: true }) });
}
