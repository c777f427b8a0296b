import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { OPENSEARCH_SIGNING_SERVICE, parseBaseUrl } from './opensearch-http-client.js';

/**
 * Largest request body the proxy buffers (it must hash the whole body before it can sign).
 * Dashboards' own requests are a few kilobytes; a saved-objects import is the largest thing a
 * user sends through it.
 */
export const MAX_PROXIED_REQUEST_BYTES = 64 * 1024 * 1024;

type SigV4Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface OpenSearchSigningProxyOptions {
  /** The domain endpoint, `https://...`; plain `http:` only for a loopback host (tests). */
  readonly upstream: string;
  /** The region to sign for. */
  readonly region: string;
  /** Default: the AWS SDK's default credential chain. */
  readonly credentials?: SigV4Credentials;
  /** The loopback port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Per upstream request. Default 120 s (Dashboards' long searches). */
  readonly timeoutMs?: number;
}

export interface OpenSearchSigningProxy {
  /** `http://127.0.0.1:<port>`: open `${url}/_dashboards` in a browser. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Headers not forwarded: hop-by-hop ones (RFC 9110 §7.6.1), the ones the proxy sets itself, and
 * what a browser says about the local page (cookies, origin) that the domain has no use for.
 */
const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'authorization',
  'cookie',
  'origin',
  'referer',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

const DROPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie']);

/**
 * A local HTTP proxy that signs every request with SigV4 for an Amazon OpenSearch Service domain,
 * so that a browser can open OpenSearch Dashboards on a domain whose access policy admits IAM
 * principals only (as the stack's domain does). It listens on 127.0.0.1 only, answers only
 * requests addressed to that host name (a web page that rebinds its DNS name to 127.0.0.1 is
 * refused) and refuses requests a browser marks as coming from another page (an Origin, a Referer
 * or Sec-Fetch-Site naming another site), since it acts with the caller's AWS credentials;
 * command-line clients, which send none of these, are served.
 * Responses stream through unchanged, except for redirects to the domain, which point back at the
 * proxy. Nothing is logged.
 *
 * @example
 * const proxy = await startOpenSearchSigningProxy({ upstream: 'https://search-flows-abc.us-east-1.es.amazonaws.com', region: 'us-east-1', port: 5601 });
 * // open `${proxy.url}/_dashboards` in a browser; later: await proxy.close();
 */
export async function startOpenSearchSigningProxy(options: OpenSearchSigningProxyOptions): Promise<OpenSearchSigningProxy> {
  const upstream = parseBaseUrl(options.upstream);
  const upstreamPath = upstream.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const signer = new SignatureV4({ service: OPENSEARCH_SIGNING_SERVICE, region: options.region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
  let localHosts: ReadonlySet<string> = new Set();
  let localOrigins: ReadonlySet<string> = new Set();

  async function proxy(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const refusal = refusalOf(incoming, localHosts, localOrigins);
    if (refusal !== undefined) {
      answerText(outgoing, refusal.status, refusal.message);
      return;
    }
    const body = await readBody(incoming);
    if (body === undefined) {
      answerText(outgoing, 413, `request bodies over ${MAX_PROXIED_REQUEST_BYTES} bytes are not proxied`);
      return;
    }
    const method = incoming.method ?? 'GET';
    const { path, query } = splitUrl(incoming.url ?? '/');
    const headers: Record<string, string> = { ...forwardedHeaders(incoming.headers), host: upstream.host };
    if (body.length > 0) headers['content-length'] = String(body.length);
    const signed = await signer.sign({
      method,
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      ...(upstream.port !== '' && { port: Number(upstream.port) }),
      path: `${upstreamPath}${path}`,
      query,
      headers,
      body,
    });
    forward({ upstream, pathAndQuery: `${upstreamPath}${path}${canonicalQueryString(query)}`, method, headers: signed.headers, body, timeoutMs }, outgoing, localOriginOf(incoming));
  }

  const server = createServer((incoming, outgoing) => {
    // Usually no credentials in the default chain: say so in the browser rather than hang.
    proxy(incoming, outgoing).catch((error: unknown) => answerText(outgoing, 502, `could not sign or forward the request: ${error instanceof Error ? error.message : String(error)}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  localHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  localOrigins = new Set([...localHosts].map((host) => `http://${host}`));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Why a request is not forwarded, when it is not. */
function refusalOf(incoming: IncomingMessage, localHosts: ReadonlySet<string>, localOrigins: ReadonlySet<string>): { status: number; message: string } | undefined {
  const host = (incoming.headers.host ?? '').toLowerCase();
  if (!localHosts.has(host)) {
    return { status: 421, message: `this proxy answers only requests to ${[...localHosts].join(' or ')}` };
  }
  const origin = incoming.headers.origin;
  if (origin !== undefined && !localOrigins.has(origin.toLowerCase())) {
    return { status: 403, message: `cross-origin requests (from ${origin}) are refused: this proxy signs with your AWS credentials` };
  }
  // An <img>, a link or a top-level navigation from another page carries no Origin, but a browser
  // says where it comes from in Sec-Fetch-Site (every current browser sends it to 127.0.0.1) and,
  // unless the page forbids it, in Referer. "same-site" is refused too: another port of localhost
  // is the same site but may be any local web server's page.
  const fetchSite = headerValue(incoming.headers['sec-fetch-site'])?.toLowerCase();
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return { status: 403, message: `requests from other sites (Sec-Fetch-Site: ${fetchSite}) are refused: this proxy signs with your AWS credentials` };
  }
  const referer = headerValue(incoming.headers.referer);
  if (referer !== undefined && !localOrigins.has(originOf(referer))) {
    return { status: 403, message: 'requests referred by another site are refused: this proxy signs with your AWS credentials' };
  }
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The origin of a Referer URL, lower-case; an empty string for what is not a URL (so it is refused). */
function originOf(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return '';
  }
}

function localOriginOf(incoming: IncomingMessage): string {
  return `http://${(incoming.headers.host ?? '').toLowerCase()}`;
}

function readBody(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PROXIED_REQUEST_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/** The path as sent (percent-encoding kept, as it is signed and forwarded) and the decoded query. */
function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const query: Record<string, string | string[]> = {};
  if (queryStart >= 0) {
    for (const [key, value] of new URLSearchParams(url.slice(queryStart + 1))) {
      const existing = query[key];
      query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  return { path: path.startsWith('/') ? path : `/${path}`, query };
}

/** The query string as SigV4 canonicalises it (RFC 3986 encoding, sorted by key and value), so the domain computes the signature we did. */
function canonicalQueryString(query: Readonly<Record<string, string | string[]>>): string {
  const pairs = Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key] ?? '';
      return (Array.isArray(value) ? [...value].sort() : [value]).map((item) => `${rfc3986(key)}=${rfc3986(item)}`);
    });
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name)) continue;
    forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return forwarded;
}

interface UpstreamRequest {
  readonly upstream: URL;
  readonly pathAndQuery: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly timeoutMs: number;
}

function forward({ upstream, pathAndQuery, method, headers, body, timeoutMs }: UpstreamRequest, outgoing: ServerResponse, localOrigin: string): void {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const request = send(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
      port: upstream.port === '' ? undefined : Number(upstream.port),
      method,
      path: pathAndQuery,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    },
    (response) => {
      const responseHeaders: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
        responseHeaders[name] = name === 'location' && typeof value === 'string' && value.startsWith(upstream.origin) ? `${localOrigin}${value.slice(upstream.origin.length)}` : value;
      }
      outgoing.writeHead(response.statusCode ?? 502, responseHeaders);
      response.pipe(outgoing);
      response.on('error', () => outgoing.destroy());
    },
  );
  request.on('error', (error: Error) => {
    if (outgoing.headersSent) {
      outgoing.destroy();
      return;
    }
    answerText(outgoing, 502, error.name === 'AbortError' ? `${upstream.origin} did not answer within ${timeoutMs} ms` : `${upstream.origin} could not be reached: ${error.message}`);
  });
  request.end(body);
}

function answerText(outgoing: ServerResponse, status: number, message: string): void {
  if (outgoing.headersSent) {
    outgoing.destroy();
    return;
  }
  outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
}
