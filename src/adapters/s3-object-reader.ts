import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { S3ReadError } from './errors.js';
export { S3ReadError } from './errors.js';

/** One object found under a prefix. */
export interface S3ObjectSummary {
  readonly key: string;
  /** Bytes, as ListObjectsV2 reports them. */
  readonly size?: number;
}

/** What reading flow logs from S3 needs: list a prefix, open an object. */
export interface S3ObjectReader {
  /** Every object under `prefix`, in S3's key order (UTF-8 binary order), across all pages. */
  listObjects(bucket: string, prefix: string): AsyncIterable<S3ObjectSummary>;
  /** The object's bytes as a stream; rejects with an S3ReadError. */
  openObject(bucket: string, key: string): Promise<Readable>;
}

/** ListObjectsV2 `MaxKeys` upper bound: S3 never returns more than 1,000 keys a page (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). */
export const MAX_S3_LIST_PAGE_KEYS = 1000;

export interface S3ObjectReaderOptions {
  /**
   * Built once by the composition root (region, credentials and `AWS_ENDPOINT_URL_S3` come from
   * the SDK's own settings). `followRegionRedirects: true` lets a bucket of another Region work.
   */
  readonly client: S3Client;
  /** `MaxKeys` per ListObjectsV2 page, 1 to 1000; default 1000. */
  readonly pageSize?: number;
}

/**
 * An `S3ObjectReader` over ListObjectsV2 (paginated with continuation tokens through the SDK's
 * paginator) and GetObject. "Folder" markers (keys ending in `/`) are not listed: they hold no
 * data. Errors left after the SDK's retries become S3ReadErrors saying what S3 said, e.g.
 * `s3://bucket/key: access denied (AccessDenied, HTTP 403)`.
 *
 * @example
 * const s3 = createS3ObjectReader({ client: new S3Client({ followRegionRedirects: true }) });
 * for await (const object of s3.listObjects('my-bucket', 'flow-logs/year=2026/')) console.log(object.key);
 */
export function createS3ObjectReader(options: S3ObjectReaderOptions): S3ObjectReader {
  const { client } = options;
  const pageSize = options.pageSize ?? MAX_S3_LIST_PAGE_KEYS;
  return {
    async *listObjects(bucket, prefix) {
      const pages = paginateListObjectsV2({ client, pageSize, stopOnSameToken: true }, { Bucket: bucket, Prefix: prefix });
      try {
        for await (const page of pages) {
          for (const object of page.Contents ?? []) {
            if (object.Key === undefined || object.Key.endsWith('/')) continue;
            yield { key: object.Key, ...(object.Size === undefined ? {} : { size: object.Size }) };
          }
        }
      } catch (error) {
        throw new S3ReadError(`s3://${bucket}/${prefix}`, describeS3Error(error), { cause: error });
      }
    },
    async openObject(bucket, key) {
      const location = `s3://${bucket}/${key}`;
      let body: unknown;
      try {
        body = (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
      } catch (error) {
        throw new S3ReadError(location, describeS3Error(error), { cause: error });
      }
      // In Node.js the SDK's body is an http.IncomingMessage, a Readable.
      if (!isReadable(body)) throw new S3ReadError(location, 'GetObject returned no body');
      return body;
    },
  };
}

/** A short, key-free description of an SDK error: what a user can act on, never a signature or token. */
function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const suffix = status === undefined ? error.name : `${error.name}, HTTP ${status}`;
  switch (error.name) {
    case 'NoSuchBucket':
      return `no such bucket (${suffix})`;
    case 'NoSuchKey':
      return `no such object (${suffix})`;
    case 'AccessDenied':
      return `access denied (${suffix})`;
    default:
      if (status === 403) return `access denied (${suffix})`;
      if (status === 404) return `not found (${suffix})`;
      return `${error.message} (${suffix})`;
  }
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && 'pipe' in value && typeof value.pipe === 'function' && 'on' in value;
}
