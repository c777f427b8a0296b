/**
 * A loopback HTTP server that answers the two S3 REST calls the CLI makes, ListObjectsV2 and
 * GetObject, the way S3 does, for wire tests: the real `S3Client`, pointed here through
 * `AWS_ENDPOINT_URL_S3`, builds the request, follows continuation tokens, parses the XML and maps
 * error codes as it would against AWS.
 *
 * Both addressing styles are understood (path style `/bucket/key`, and virtual-hosted
 * `bucket.<host>`), and each call records which one the client used. Listings are in UTF-8 binary
 * key order, at most `maxPageSize` keys a page (S3's own cap is 1,000), with opaque continuation
 * tokens. Errors are S3's XML `<Error><Code>`: `NoSuchBucket` 404, `NoSuchKey` 404,
 * `AccessDenied` 403.
 *
 * @example
 * const server = await startS3LoopbackServer({ buckets: { 'logs-bucket': { 'a.log': 'line\n' } } });
 * const restore = pointClientsAt('S3', server.url);
 * // ... new S3Client({}) now talks to the server; server.calls lists what it received
 * restore();
 * await server.close();
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-http.js';

export interface S3LoopbackServerOptions {
  /** Objects by bucket, then by key. */
  readonly buckets?: Readonly<Record<string, Readonly<Record<string, string | Buffer>>>>;
  /** Keys (as `bucket/key`) and buckets (as `bucket`) whose reads answer 403 AccessDenied. */
  readonly forbidden?: readonly string[];
  /** Pages never hold more than this, whatever `max-keys` asks, so that few keys span pages. */
  readonly maxPageSize?: number;
}

/** One request as received. */
export interface S3LoopbackCall {
  readonly operation: 'ListObjectsV2' | 'GetObject' | 'Unknown';
  readonly bucket: string;
  /** The object key of a GetObject; the prefix of a listing. */
  readonly key: string;
  readonly continuationToken?: string;
  /** How the client named the bucket. */
  readonly addressing: 'path' | 'virtual-host';
  readonly status: number;
}

export interface S3LoopbackServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_S3`. */
  readonly url: string;
  readonly calls: readonly S3LoopbackCall[];
  close(): Promise<void>;
}

/** S3's cap on keys per ListObjectsV2 page. */
const MAX_KEYS = 1000;
const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const LAST_MODIFIED = '2026-06-01T08:05:00.000Z';

class S3Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'S3Fault';
  }
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startS3LoopbackServer(options: S3LoopbackServerOptions = {}): Promise<S3LoopbackServer> {
  const calls: S3LoopbackCall[] = [];
  const server = createServer((request, response) => {
    void drain(request).then(() => {
      const call = route(request);
      const { query, ...recorded } = call;
      void query;
      try {
        const answer = respond(call, options);
        calls.push({ ...recorded, status: 200 });
        send(response, 200, answer.body, answer.contentType);
      } catch (error) {
        // A bug here must show as a failed call in the test, not as a hung request.
        const fault = error instanceof S3Fault ? error : new S3Fault(500, 'InternalError', String(error));
        calls.push({ ...recorded, status: fault.status });
        send(response, fault.status, errorXml(fault), 'application/xml');
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, calls, close };
}

type Route = Omit<S3LoopbackCall, 'status'> & { readonly query: URLSearchParams };

function route(request: IncomingMessage): Route {
  const url = new URL(request.url ?? '/', 'http://loopback');
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  const virtualBucket = /^(.+)\.127\.0\.0\.1$|^(.+)\.localhost$/.exec(host);
  const segments = url.pathname.split('/').slice(1);
  const addressing = virtualBucket === null ? 'path' : 'virtual-host';
  const bucket = virtualBucket === null ? decodeURIComponent(segments.shift() ?? '') : (virtualBucket[1] ?? virtualBucket[2] ?? '');
  const objectKey = segments.map((segment) => decodeURIComponent(segment)).join('/');
  const query = url.searchParams;
  if (request.method === 'GET' && query.get('list-type') === '2') {
    const token = query.get('continuation-token');
    return { operation: 'ListObjectsV2', bucket, key: query.get('prefix') ?? '', ...(token === null ? {} : { continuationToken: token }), addressing, query };
  }
  if (request.method === 'GET' && objectKey !== '') return { operation: 'GetObject', bucket, key: objectKey, addressing, query };
  return { operation: 'Unknown', bucket, key: objectKey, addressing, query };
}

function respond(call: Route, options: S3LoopbackServerOptions): { body: string | Buffer; contentType: string } {
  const objects = options.buckets?.[call.bucket];
  if (call.operation === 'Unknown') throw new S3Fault(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented');
  if (objects === undefined) throw new S3Fault(404, 'NoSuchBucket', 'The specified bucket does not exist');
  const forbidden = options.forbidden ?? [];
  if (forbidden.includes(call.bucket)) throw new S3Fault(403, 'AccessDenied', 'Access Denied');
  if (call.operation === 'GetObject') {
    if (forbidden.includes(`${call.bucket}/${call.key}`)) throw new S3Fault(403, 'AccessDenied', 'Access Denied');
    const body = objects[call.key];
    if (body === undefined) throw new S3Fault(404, 'NoSuchKey', 'The specified key does not exist.');
    return { body, contentType: 'binary/octet-stream' };
  }
  return { body: listXml(call, objects, options), contentType: 'application/xml' };
}

function listXml(call: Route, objects: Readonly<Record<string, string | Buffer>>, options: S3LoopbackServerOptions): string {
  const maxKeys = Math.min(Number(call.query.get('max-keys') ?? MAX_KEYS), MAX_KEYS, options.maxPageSize ?? MAX_KEYS);
  const urlEncoded = call.query.get('encoding-type') === 'url';
  const keys = Object.keys(objects)
    .filter((key) => key.startsWith(call.key))
    .sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));
  const start = call.continuationToken === undefined ? 0 : offsetOf(call.continuationToken);
  const page = keys.slice(start, start + maxKeys);
  const end = start + page.length;
  const truncated = end < keys.length;
  const nextToken = truncated ? Buffer.from(`after:${end}`).toString('base64') : undefined;
  const contents = page
    .map((key) => {
      const body = objects[key] ?? '';
      const etag = createHash('md5').update(body).digest('hex');
      const name = urlEncoded ? encodeURIComponent(key) : escapeXml(key);
      return `<Contents><Key>${name}</Key><LastModified>${LAST_MODIFIED}</LastModified><ETag>&quot;${etag}&quot;</ETag><Size>${Buffer.byteLength(body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ListBucketResult xmlns="${S3_XML_NAMESPACE}">`,
    `<Name>${escapeXml(call.bucket)}</Name><Prefix>${escapeXml(call.key)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
    urlEncoded ? '<EncodingType>url</EncodingType>' : '',
    `<IsTruncated>${truncated}</IsTruncated>`,
    contents,
    call.continuationToken === undefined ? '' : `<ContinuationToken>${escapeXml(call.continuationToken)}</ContinuationToken>`,
    nextToken === undefined ? '' : `<NextContinuationToken>${nextToken}</NextContinuationToken>`,
    '</ListBucketResult>',
  ].join('');
}

function offsetOf(token: string): number {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, 'base64').toString());
  if (match === null) throw new S3Fault(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  return Number(match[1]);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorXml(fault: S3Fault): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${escapeXml(fault.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

async function drain(request: IncomingMessage): Promise<void> {
  for await (const chunk of request) void chunk;
}

function send(response: ServerResponse, status: number, body: string | Buffer, contentType: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amz-request-id': randomUUID() });
  response.end(body);
}
