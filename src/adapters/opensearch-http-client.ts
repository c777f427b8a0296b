import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigurationError } from '../errors.js';
import type { OpenSearchHttp, OpenSearchHttpRequest, OpenSearchHttpResponse } from '../opensearch/opensearch-http.js';

/** The SigV4 signing name of Amazon OpenSearch Service domains (and of Dashboards on them). */
export const OPENSEARCH_SIGNING_SERVICE = 'es';

/** Longest answer read; the setup's answers are a few hundred kilobytes at most. */
export const MAX_OPENSEARCH_RESPONSE_BYTES = 16 * 1024 * 1024;

type SigV4Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** How requests authenticate. */
export type OpenSearchAuth =
  /** Amazon OpenSearch Service with IAM: SigV4 for service `es`, credentials from the default chain unless given. */
  | { readonly kind: 'sigv4'; readonly region: string; readonly credentials?: SigV4Credentials }
  /** The security plugin's internal users (fine-grained access control with a master user). */
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** A local cluster without the security plugin. */
  | { readonly kind: 'none' };

export interface OpenSearchHttpClientOptions {
  /** `https://host[:port][/base-path]`; plain `http:` only for loopback hosts. */
  readonly baseUrl: string;
  readonly auth: OpenSearchAuth;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An OpenSearchHttp over node:http(s). With SigV4 every request, body included, is signed as
 * Amazon OpenSearch Service requires (`x-amz-content-sha256` set, `host` signed); with basic auth
 * the credentials travel only in the Authorization header, so HTTPS is required except to a
 * loopback address. Nothing is logged.
 *
 * @example
 * const http = createOpenSearchHttpClient({ baseUrl: 'https://search-flows-abc.us-east-1.es.amazonaws.com', auth: { kind: 'sigv4', region: 'us-east-1' } });
 * const { status, body } = await http.send({ method: 'GET', path: '/_index_template/vpc-flow-logs' });
 */
export function createOpenSearchHttpClient(options: OpenSearchHttpClientOptions): OpenSearchHttp {
  const base = parseBaseUrl(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const auth = options.auth;
  const signer =
    auth.kind === 'sigv4'
      ? new SignatureV4({ service: OPENSEARCH_SIGNING_SERVICE, region: auth.region, credentials: auth.credentials ?? defaultProvider(), sha256: Sha256 })
      : undefined;
  const displayBase = `${base.protocol}//${base.host}${basePath}`;

  return {
    baseUrl: displayBase,
    async send(request: OpenSearchHttpRequest): Promise<OpenSearchHttpResponse> {
      const path = `${basePath}${request.path}`;
      const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body);
      let headers: Record<string, string> = {
        host: base.host,
        accept: 'application/json',
        ...lowerCaseKeys(request.headers ?? {}),
        ...(body !== undefined && { 'content-length': String(body.length) }),
      };
      if (signer !== undefined) {
        const signed = await signer
          .sign({
            method: request.method,
            protocol: base.protocol,
            hostname: base.hostname,
            ...(base.port !== '' && { port: Number(base.port) }),
            path,
            query: { ...request.query },
            headers,
            ...(body !== undefined && { body }),
          })
          .catch((error: unknown) => {
            // Usually no credentials in the default chain; say so rather than looking like a network fault.
            throw new Error(`could not sign the request with SigV4: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          });
        headers = signed.headers;
      } else if (auth.kind === 'basic') {
        headers = { ...headers, authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
      }
      return sendOnce(base, `${path}${queryString(request.query)}`, request.method, headers, body, timeoutMs);
    },
  };
}

/**
 * The base URL of a domain or of Dashboards, checked: no credentials in it, https unless the host
 * is a loopback address, no query or fragment.
 *
 * @example parseBaseUrl('https://search-flows-abc.us-east-1.es.amazonaws.com').host // 'search-flows-abc.us-east-1.es.amazonaws.com'
 */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError([`"${text}" is not a URL`]);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(['put no credentials in the URL; use --auth basic with OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD']);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigurationError([`${url.protocol}//${url.host} must use https (plain http is accepted only for localhost)`]);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError([`${url.origin}${url.pathname} must have no query or fragment`]);
  }
  return url;
}

/**
 * The query string exactly as SigV4 canonicalises it (RFC 3986 encoding, keys sorted), so the
 * server's canonical request matches ours.
 */
function queryString(query: Readonly<Record<string, string>> | undefined): string {
  if (query === undefined) return '';
  const pairs = Object.keys(query)
    .sort()
    .map((key) => `${rfc3986(key)}=${rfc3986(query[key] ?? '')}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}

function sendOnce(base: URL, pathAndQuery: string, method: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<OpenSearchHttpResponse> {
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      {
        protocol: base.protocol,
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port === '' ? undefined : Number(base.port),
        method,
        path: pathAndQuery,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_OPENSEARCH_RESPONSE_BYTES) {
            response.destroy(new Error(`the answer is larger than ${MAX_OPENSEARCH_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    outgoing.on('error', (error: Error) => reject(error.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms`, { cause: error }) : error));
    outgoing.end(body);
  });
}
