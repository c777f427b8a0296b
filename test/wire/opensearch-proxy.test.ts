import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenSearchHttpClient } from '../../src/adapters/opensearch-http-client.js';
import { startOpenSearchSigningProxy, type OpenSearchSigningProxy } from '../../src/adapters/opensearch-signing-proxy.js';
import { runOpenSearchCommand } from '../../src/cli/opensearch-command.js';
import { listenOnLoopback, type ListeningLoopback } from '../support/loopback-http.js';
import { startOpenSearchLoopbackServer, type OpenSearchLoopbackServer } from '../support/opensearch-loopback-server.js';

/** Everything started by a test, closed after it whatever happened. */
const running: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

async function domain(options: Parameters<typeof startOpenSearchLoopbackServer>[0] = { auth: { kind: 'sigv4' } }): Promise<OpenSearchLoopbackServer> {
  const server = await startOpenSearchLoopbackServer(options);
  running.push(server);
  return server;
}

async function proxyTo(upstream: string, region = 'us-east-1'): Promise<OpenSearchSigningProxy> {
  const proxy = await startOpenSearchSigningProxy({ upstream, region, port: 0 });
  running.push(proxy);
  return proxy;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request as a browser would send it, any header allowed (fetch would refuse Host and Origin). */
function browserRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A fresh connection each time (no keep-alive pool), as the tests of a closed proxy need.
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** An upstream that answers every request with `answer` (its headers made from the request's Host), recording what arrived. */
async function fixedUpstream(answer: { status: number; headers: (host: string) => Record<string, string>; body: Buffer }): Promise<ListeningLoopback & { readonly seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((incoming, outgoing) => {
    seen.push(incoming.headers);
    incoming.resume();
    incoming.on('end', () => outgoing.writeHead(answer.status, answer.headers(incoming.headers.host ?? '')).end(answer.body));
  });
  const listening = await listenOnLoopback(server);
  running.push(listening);
  return { ...listening, seen };
}

describe('startOpenSearchSigningProxy', () => {
  it('signs a Dashboards API call, body and osd-xsrf header included, so that the domain accepts it', async () => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards/api/saved_objects/_bulk_get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'osd-xsrf': 'true' },
      body: JSON.stringify([{ type: 'dashboard', id: 'vpc-flow-logs-sg-dashboard' }]),
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ saved_objects: [{ id: 'vpc-flow-logs-sg-dashboard', error: { statusCode: 404 } }] });
    expect(server.simulator.requests.at(-1)?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\/\d{8}\/us-east-1\/es\/aws4_request, /);
  });

  it('signs query strings whose values need escaping, in the order the domain canonicalises them', async () => {
    // Prepare
    const server = await domain({ auth: { kind: 'sigv4' }, override: () => ({ status: 200, body: { found: true } }) });
    const proxy = await proxyTo(server.url);

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards/api/saved_objects/_find?type=index-pattern&search=cwl*%20(flows)&fields=title&per_page=10000`);

    // Assess
    expect(answer.status).toBe(200);
    expect(server.simulator.requests.at(-1)?.query).toEqual({ type: 'index-pattern', search: 'cwl* (flows)', fields: 'title', per_page: '10000' });
  });

  it('keeps cookies, the browser origin and any Authorization of its own from the domain', async () => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);

    // Act
    await browserRequest(`${proxy.url}/_index_template/vpc-flow-logs`, {
      headers: { cookie: 'session=local', origin: proxy.url, referer: `${proxy.url}/_dashboards/app/home`, authorization: 'Basic bm90OnNlbnQ=' },
    });

    // Assess
    const forwarded = server.simulator.requests.at(-1)?.headers ?? {};
    expect([forwarded.cookie, forwarded.origin, forwarded.referer]).toEqual([undefined, undefined, undefined]);
    expect(forwarded.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(forwarded.host).toBe(new URL(server.url).host);
  });

  it('passes the domain\'s refusal through when the signature is for another region', async () => {
    // Prepare
    const server = await domain({ auth: { kind: 'sigv4', region: 'eu-west-1' } });
    const proxy = await proxyTo(server.url, 'us-east-1');

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards/app/home`);

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body.toString('utf8')).toContain('The request signature we calculated does not match');
  });

  it('refuses a request addressed to another host name, as a page that rebinds its DNS name to 127.0.0.1 sends', async () => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);

    // Act
    const answer = await browserRequest(`${proxy.url}/_cat/indices`, { headers: { host: `attacker.example:${new URL(proxy.url).port}` } });

    // Assess
    expect(answer.status).toBe(421);
    expect(server.simulator.requests).toEqual([]);
  });

  it('refuses requests from another web origin and accepts those of its own under either local name', async () => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);
    const localhost = `http://localhost:${new URL(proxy.url).port}`;

    // Act
    const foreign = await browserRequest(`${proxy.url}/_dashboards/api/saved_objects/_bulk_get`, { method: 'POST', headers: { origin: 'https://attacker.example', 'osd-xsrf': 'true', 'content-type': 'application/json' }, body: '[]' });
    const own = await browserRequest(`${localhost}/_dashboards/api/saved_objects/_bulk_get`, { method: 'POST', headers: { origin: localhost, 'osd-xsrf': 'true', 'content-type': 'application/json' }, body: '[]' });

    // Assess
    expect([foreign.status, own.status]).toEqual([403, 200]);
    expect(server.simulator.requests).toHaveLength(1);
  });

  it.each([
    ['an <img> or a link from another site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }],
    ['a top-level navigation from another site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }],
    ['a page of another local web server (same site, other port)', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }],
    ['a browser without Sec-Fetch-* that sends a Referer from another site', { referer: 'https://attacker.example/page.html' }],
  ])('refuses a signed GET carrying no Origin: %s', async (_case, headers: Record<string, string>) => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards/api/saved_objects/_find?type=dashboard`, { headers });

    // Assess
    expect(answer.status).toBe(403);
    expect(server.simulator.requests).toHaveLength(0);
  });

  it('serves the browser\'s own pages (same-origin, typed address) and plain command-line clients', async () => {
    // Prepare
    const server = await domain();
    const proxy = await proxyTo(server.url);
    const path = `${proxy.url}/_dashboards/api/saved_objects/_find?type=dashboard`;

    // Act
    const own = await browserRequest(path, { headers: { 'sec-fetch-site': 'same-origin', referer: `${proxy.url}/_dashboards/app/home` } });
    const typed = await browserRequest(path, { headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } });
    const curl = await browserRequest(path, { headers: { 'user-agent': 'curl/8.5.0', accept: '*/*' } });

    // Assess: each one reached the domain, signed, and came back with the domain's answer.
    expect([own.status, typed.status, curl.status]).not.toContain(403);
    expect(server.simulator.requests).toHaveLength(3);
  });

  it('streams binary bodies through unchanged and points redirects to the domain back at itself', async () => {
    // Prepare
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const upstream = await fixedUpstream({ status: 200, headers: () => ({ 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'set-cookie': 'a=b' }), body: bytes });
    const redirectingUpstream = await fixedUpstream({ status: 302, headers: (host) => ({ location: `http://${host}/_dashboards/app/home#/` }), body: Buffer.alloc(0) });
    const proxy = await proxyTo(upstream.url);
    const redirecting = await proxyTo(redirectingUpstream.url);

    // Act
    const binary = await browserRequest(`${proxy.url}/_dashboards/bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
    const redirect = await browserRequest(`${redirecting.url}/_dashboards`);

    // Assess
    expect(binary.status).toBe(200);
    expect(binary.body.equals(bytes)).toBe(true);
    expect(binary.headers['content-encoding']).toBe('gzip');
    expect(binary.headers['set-cookie']).toBeUndefined();
    expect(upstream.seen[0]?.['accept-encoding']).toBe('gzip');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(`${redirecting.url}/_dashboards/app/home#/`);
  });

  it('answers 502 with the reason when it has no credentials to sign with, and sends nothing', async () => {
    // Prepare
    const server = await domain();
    const proxy = await startOpenSearchSigningProxy({ upstream: server.url, region: 'us-east-1', port: 0, credentials: () => Promise.reject(new Error('Could not load credentials from any providers')) });
    running.push(proxy);

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards`);

    // Assess
    expect(answer.status).toBe(502);
    expect(answer.body.toString('utf8')).toBe('could not sign or forward the request: Could not load credentials from any providers\n');
    expect(server.simulator.requests).toEqual([]);
  });

  it('answers 502 naming the domain when the domain cannot be reached', async () => {
    // Prepare
    const closed = await startOpenSearchLoopbackServer();
    await closed.close();
    const proxy = await proxyTo(closed.url);

    // Act
    const answer = await browserRequest(`${proxy.url}/_dashboards`);

    // Assess
    expect(answer.status).toBe(502);
    expect(answer.body.toString('utf8')).toContain(`${closed.url} could not be reached: connect ECONNREFUSED`);
  });
});

describe('opensearch proxy over the wire', () => {
  it('serves signed requests until stopped, printing the dashboards\' local addresses, then closes', async () => {
    // Prepare
    const server = await domain();
    const stdout = new PassThrough();
    const printed: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => printed.push(chunk));
    let proxyUrl = '';
    let statusWhileRunning = 0;
    // Stops the command as soon as one request went through the running proxy.
    const untilStopped = async (): Promise<void> => {
      proxyUrl = /at (http:\/\/127\.0\.0\.1:\d+);/.exec(Buffer.concat(printed).toString('utf8'))?.[1] ?? '';
      statusWhileRunning = (await browserRequest(`${proxyUrl}/_index_template/vpc-flow-logs`)).status;
    };

    // Act
    const code = await runOpenSearchCommand(['proxy', '--endpoint', server.url, '--port', '0', '--region', 'us-east-1'], { stdin: new PassThrough(), stdout, stderr: new PassThrough() }, { env: {}, createHttp: createOpenSearchHttpClient, untilStopped });

    // Assess
    expect(code).toBe(0);
    expect(statusWhileRunning).toBe(404);
    expect(Buffer.concat(printed).toString('utf8')).toBe(
      [
        `signing requests to ${server.url} (SigV4, us-east-1) at ${proxyUrl}; Ctrl-C stops it`,
        'dashboards:',
        `  ${proxyUrl}/_dashboards/app/dashboards#/view/vpc-flow-logs-sg-dashboard`,
        `  ${proxyUrl}/_dashboards/app/dashboards#/view/vpc-flow-logs-security-dashboard`,
        `  ${proxyUrl}/_dashboards/app/dashboards#/view/vpc-flow-logs-rule-usage-dashboard`,
        '',
      ].join('\n'),
    );
    expect(server.simulator.requests.map((request) => request.headers.authorization?.slice(0, 16))).toEqual(['AWS4-HMAC-SHA256']);
    await expect(browserRequest(`${proxyUrl}/_dashboards`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says which port is taken when another program listens on it', async () => {
    // Prepare
    const occupied = await listenOnLoopback(createServer());
    running.push(occupied);
    const port = new URL(occupied.url).port;
    const stderr = new PassThrough();
    const errors: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => errors.push(chunk));

    // Act
    const code = await runOpenSearchCommand(['proxy', '--endpoint', 'https://search-flows-abc123.us-east-1.es.amazonaws.com', '--port', port], { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, { env: {}, createHttp: createOpenSearchHttpClient, untilStopped: () => Promise.resolve() });

    // Assess
    expect(code).toBe(1);
    expect(Buffer.concat(errors).toString('utf8')).toBe(`vpc-flow-log-appender opensearch proxy: port ${port} of 127.0.0.1 is in use; pass another with --port\n`);
  });
});
