import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createIpstackGeoLocator, MAX_IPSTACK_RESPONSE_BYTES, type IpstackGeoLocatorOptions } from '../../src/adapters/ipstack-geo-locator.js';
import { fixedSecret, geoLocation, ipstackAnswer, ipstackError, recordingLogger, TEST_IPSTACK_KEY } from '../support/geo-builders.js';
import { listenOnLoopback } from '../support/loopback-http.js';

interface IpstackCall {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly accept: string | undefined;
}

interface IpstackLoopback {
  readonly url: string;
  readonly calls: IpstackCall[];
  close(): Promise<void>;
}

type Route = (addresses: string[], query: URLSearchParams, response: ServerResponse) => void;

const sendJson = (response: ServerResponse, body: unknown, status = 200) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** An ipstack stand-in: `GET /<ip>[,<ip>...]?access_key=...&fields=...`, answered by `route`. */
async function startIpstackLoopback(route: Route): Promise<IpstackLoopback> {
  const calls: IpstackCall[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    calls.push({ path: url.pathname, query: url.searchParams, accept: request.headers.accept });
    if (url.searchParams.get('access_key') !== TEST_IPSTACK_KEY) {
      sendJson(response, ipstackError(101, 'invalid_access_key', 'You have not supplied a valid API Access Key.'));
      return;
    }
    route(decodeURIComponent(url.pathname.slice(1)).split(','), url.searchParams, response);
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    close,
  };
}

const answerAll: Route = (addresses, _query, response) => {
  const answers = addresses.map((ip) => ipstackAnswer({ ip, city: `City of ${ip}` }));
  sendJson(response, addresses.length > 1 ? answers : answers[0]);
};

let loopback: IpstackLoopback | undefined;

async function locatorAgainst(route: Route, options: Partial<IpstackGeoLocatorOptions> = {}) {
  loopback = await startIpstackLoopback(route);
  const logger = recordingLogger();
  const geo = createIpstackGeoLocator({ apiKey: fixedSecret(), baseUrl: loopback.url, allowPlainHttp: true, logger, ...options });
  return { geo, logger, loopback };
}

afterEach(async () => {
  await loopback?.close();
  loopback = undefined;
});

describe('createIpstackGeoLocator over the wire', () => {
  it('stops reading an answer past its size limit, failing those addresses, without holding the body', async () => {
    // Issue 12: a 300 MB body was read whole (1.4 GB RSS). This one never ends unless cut off.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const { geo } = await locatorAgainst((_addresses, _query, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const pump = (): void => {
        while (response.write(chunk)) if (response.writableLength > 4 * chunk.length) break;
        if (!response.destroyed) response.once('drain', pump);
      };
      response.write('{"ip":"203.0.113.7",');
      pump();
    });

    const outcomes = await geo.locate(['203.0.113.7']);

    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: `ipstack answered more than ${MAX_IPSTACK_RESPONSE_BYTES} bytes` });
  });

  it('does not read an answer whose Content-Length is past the limit', async () => {
    const { geo } = await locatorAgainst((_addresses, _query, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) });
      response.write('{');
    });

    const outcomes = await geo.locate(['203.0.113.7']);

    expect(outcomes.get('203.0.113.7')).toMatchObject({ status: 'failed' });
  });

  it('looks an address up with the Standard Lookup request ipstack documents', async () => {
    // Prepare
    const { geo, loopback } = await locatorAgainst(answerAll);

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'found', value: geoLocation({ city: 'City of 203.0.113.7' }) });
    expect(loopback.calls).toHaveLength(1);
    expect(loopback.calls[0]?.path).toBe('/203.0.113.7');
    expect(loopback.calls[0]?.query.get('access_key')).toBe(TEST_IPSTACK_KEY);
    expect(loopback.calls[0]?.accept).toBe('application/json');
  });

  it('looks many addresses up with comma-separated Bulk Lookups', async () => {
    // Prepare
    const addresses = [...Array.from({ length: 60 }, (_, index) => `198.51.100.${index}`), '2001:db8::5'];
    const { geo, loopback } = await locatorAgainst(answerAll, { bulk: true });

    // Act
    const outcomes = await geo.locate(addresses);

    // Assess
    expect(loopback.calls.map((call) => call.path.split(',').length)).toEqual([50, 11]);
    expect(outcomes.get('2001:db8::5')).toEqual({ status: 'found', value: geoLocation({ city: 'City of 2001:db8::5' }) });
    expect([...outcomes.values()].every((outcome) => outcome.status === 'found')).toBe(true);
  });

  it('answers quota_exceeded when the monthly limit is reached', async () => {
    // Prepare
    const { geo, logger } = await locatorAgainst((_addresses, _query, response) => sendJson(response, ipstackError(104, 'usage_limit_reached')));

    // Act
    const outcomes = await geo.locate(['203.0.113.7', '203.0.113.8']);

    // Assess
    expect([...outcomes.values()]).toEqual([{ status: 'quota_exceeded' }, { status: 'quota_exceeded' }]);
    expect(logger.text()).not.toContain(TEST_IPSTACK_KEY);
  });

  it('answers failed for a key ipstack rejects, keeping the key out of reasons and logs', async () => {
    // Prepare
    const { geo, logger } = await locatorAgainst(answerAll, { apiKey: fixedSecret('ffffffffffffffffffffffffffffffff') });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'ipstack error invalid_access_key (101)' });
    expect(logger.text()).not.toContain('ffffffffffffffffffffffffffffffff');
  });

  it('answers failed when nothing listens', async () => {
    // Prepare
    const { geo, logger } = await locatorAgainst(answerAll);
    await loopback?.close();
    loopback = undefined;

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    const outcome = outcomes.get('203.0.113.7');
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('ECONNREFUSED') as unknown });
    expect(JSON.stringify(outcome)).not.toContain(TEST_IPSTACK_KEY);
    expect(logger.text()).not.toContain(TEST_IPSTACK_KEY);
  });

  it('answers failed when the server does not answer in time', async () => {
    // Prepare: the response is never ended.
    const { geo } = await locatorAgainst(() => undefined, { timeoutMs: 100 });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'ipstack request timed out after 100 ms' });
  });
});
