import { describe, expect, it } from 'vitest';
import { createIpstackGeoLocator, IPSTACK_MAX_BULK_ADDRESSES, redactSecret, type FetchFunction, type IpstackGeoLocatorOptions } from '../../../src/adapters/ipstack-geo-locator.js';
import { ConfigurationError } from '../../../src/errors.js';
import type { GeoOutcome, SecretProvider } from '../../../src/ports.js';
import { fixedSecret, geoLocation, ipstackAnswer, ipstackError, manualClock, recordingLogger, TEST_IPSTACK_KEY } from '../../support/geo-builders.js';

type Handler = (url: URL, signal: AbortSignal) => Response | Promise<Response>;

/** A fetch that records every URL and answers with `handler`. */
function fakeFetch(handler: Handler): FetchFunction & { readonly urls: URL[] } {
  const urls: URL[] = [];
  const fetchFunction = async (url: string, init: { readonly signal: AbortSignal }) => {
    const parsed = new URL(url);
    urls.push(parsed);
    return handler(parsed, init.signal);
  };
  return Object.assign(fetchFunction, { urls });
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** The addresses a request asked about. */
const requested = (url: URL): string[] => decodeURIComponent(url.pathname.slice(1)).split(',');

/** Answers each requested address with a found location named after it; arrays for bulk requests. */
const answerEveryAddress: Handler = (url) => {
  const answers = requested(url).map((ip) => ipstackAnswer({ ip, city: `City of ${ip}` }));
  return json(url.pathname.includes(',') || answers.length > 1 ? answers : answers[0]);
};

function locator(fetchFunction: FetchFunction, overrides: Partial<IpstackGeoLocatorOptions> = {}) {
  const logger = recordingLogger();
  const clock = manualClock();
  const geo = createIpstackGeoLocator({ apiKey: fixedSecret(), fetch: fetchFunction, logger, clock, ...overrides });
  return { geo, logger, clock };
}

function reasons(outcomes: ReadonlyMap<string, GeoOutcome>): string {
  return JSON.stringify([...outcomes.values()]);
}

describe('createIpstackGeoLocator', () => {
  it('asks the Standard Lookup endpoint over HTTPS with the key and only the fields it needs', async () => {
    // Prepare
    const fetchFunction = fakeFetch(() => json(ipstackAnswer()));
    const { geo } = locator(fetchFunction);

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes).toEqual(new Map([['203.0.113.7', { status: 'found', value: geoLocation() }]]));
    const [url] = fetchFunction.urls;
    expect(url?.origin).toBe('https://api.ipstack.com');
    expect(url?.pathname).toBe('/203.0.113.7');
    expect(url?.searchParams.get('access_key')).toBe(TEST_IPSTACK_KEY);
    expect(url?.searchParams.get('fields')).toBe('ip,country_code,country_name,region_code,region_name,city,latitude,longitude');
  });

  it('asks once per distinct address', async () => {
    // Prepare
    const fetchFunction = fakeFetch(answerEveryAddress);
    const { geo } = locator(fetchFunction);

    // Act
    const outcomes = await geo.locate(['203.0.113.7', '2001:db8::1', '203.0.113.7']);

    // Assess
    expect([...outcomes.keys()]).toEqual(['203.0.113.7', '2001:db8::1']);
    expect(fetchFunction.urls.map((url) => url.pathname).sort()).toEqual(['/2001:db8::1', '/203.0.113.7']);
    expect(geo.stats()).toEqual({ requests: 2 });
  });

  it('sends Bulk Lookups of at most 50 comma-separated addresses when bulk is on', async () => {
    // Prepare
    const addresses = Array.from({ length: 120 }, (_, index) => `198.51.100.${index}`);
    const fetchFunction = fakeFetch(answerEveryAddress);
    const { geo } = locator(fetchFunction, { bulk: true });

    // Act
    const outcomes = await geo.locate(addresses);

    // Assess
    expect(fetchFunction.urls.map((url) => requested(url).length)).toEqual([IPSTACK_MAX_BULK_ADDRESSES, IPSTACK_MAX_BULK_ADDRESSES, 20]);
    expect(outcomes.get('198.51.100.119')).toEqual({ status: 'found', value: geoLocation({ city: 'City of 198.51.100.119' }) });
  });

  it('matches bulk answers by position when ipstack writes an address differently', async () => {
    // Prepare
    const fetchFunction = fakeFetch(() =>
      json([ipstackAnswer({ ip: '2001:0db8:0000:0000:0000:0000:0000:0001', city: 'First' }), ipstackAnswer({ ip: '2001:0db8:0000:0000:0000:0000:0000:0002', city: 'Second' })]),
    );
    const { geo } = locator(fetchFunction, { bulk: true });

    // Act
    const outcomes = await geo.locate(['2001:db8::1', '2001:db8::2']);

    // Assess
    expect(outcomes.get('2001:db8::2')).toEqual({ status: 'found', value: geoLocation({ city: 'Second' }) });
  });

  it('answers not_found when ipstack knows nothing about the address', async () => {
    // Prepare
    const nothing = { ip: '192.0.2.1', country_code: null, country_name: null, region_code: null, region_name: null, city: null, latitude: 0, longitude: 0 };
    const { geo } = locator(fakeFetch(() => json(nothing)));

    // Act
    const outcomes = await geo.locate(['192.0.2.1']);

    // Assess
    expect(outcomes.get('192.0.2.1')).toEqual({ status: 'not_found' });
  });

  it('answers not_found for error 404 on a single address', async () => {
    // Prepare
    const { geo } = locator(fakeFetch(() => json(ipstackError(404, '404_not_found'))));

    // Act
    const outcomes = await geo.locate(['192.0.2.1']);

    // Assess
    expect(outcomes.get('192.0.2.1')).toEqual({ status: 'not_found' });
  });

  it('answers quota_exceeded for usage_limit_reached (104) and stops asking while paused', async () => {
    // Prepare
    const fetchFunction = fakeFetch(() => json(ipstackError(104, 'usage_limit_reached', 'Your monthly usage limit has been reached.')));
    const { geo, clock, logger } = locator(fetchFunction, { pauseAfterAccountErrorMs: 60_000 });
    await geo.locate(['203.0.113.7']);
    clock.advance(59_999);

    // Act
    const outcomes = await geo.locate(['203.0.113.8', '203.0.113.9']);

    // Assess
    expect([...outcomes.values()]).toEqual([{ status: 'quota_exceeded' }, { status: 'quota_exceeded' }]);
    expect(fetchFunction.urls).toHaveLength(1);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('does not send the requests still waiting for a slot once the quota is reached', async () => {
    // Prepare
    const fetchFunction = fakeFetch(() => json(ipstackError(104, 'usage_limit_reached')));
    const { geo } = locator(fetchFunction, { concurrency: 1 });

    // Act
    const outcomes = await geo.locate(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']);

    // Assess
    expect(fetchFunction.urls).toHaveLength(1);
    expect([...outcomes.values()].every((outcome) => outcome.status === 'quota_exceeded')).toBe(true);
  });

  it('asks again once the pause is over', async () => {
    // Prepare
    let answer = json(ipstackError(104, 'usage_limit_reached'));
    const fetchFunction = fakeFetch(() => answer);
    const { geo, clock } = locator(fetchFunction, { pauseAfterAccountErrorMs: 60_000 });
    await geo.locate(['203.0.113.7']);
    clock.advance(60_000);
    answer = json(ipstackAnswer({ ip: '203.0.113.8' }));

    // Act
    const outcomes = await geo.locate(['203.0.113.8']);

    // Assess
    expect(outcomes.get('203.0.113.8')).toEqual({ status: 'found', value: geoLocation() });
  });

  it('answers quota_exceeded for HTTP 429 and pauses for Retry-After', async () => {
    // Prepare
    const fetchFunction = fakeFetch(() => new Response('Too Many Requests', { status: 429, headers: { 'retry-after': '2' } }));
    const { geo, clock } = locator(fetchFunction);
    const first = await geo.locate(['203.0.113.7']);
    clock.advance(1999);
    await geo.locate(['203.0.113.7']);
    clock.advance(1);

    // Act
    await geo.locate(['203.0.113.7']);

    // Assess
    expect(first.get('203.0.113.7')).toEqual({ status: 'quota_exceeded' });
    expect(fetchFunction.urls).toHaveLength(2);
  });

  it('answers quota_exceeded for a rate-limit error type', async () => {
    // Prepare
    const { geo } = locator(fakeFetch(() => json(ipstackError(106, 'rate_limit_reached'))));

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'quota_exceeded' });
  });

  it.each([
    [101, 'invalid_access_key'],
    [101, 'missing_access_key'],
    [102, 'inactive_user'],
    [105, 'https_access_restricted'],
  ])('answers failed for error %i %s, without the key anywhere, and pauses', async (code, type) => {
    // Prepare
    const info = `You have not supplied a valid API Access Key. [${TEST_IPSTACK_KEY}]`;
    const fetchFunction = fakeFetch(() => json(ipstackError(code, type, info)));
    const { geo, logger } = locator(fetchFunction);

    // Act
    const first = await geo.locate(['203.0.113.7']);
    const second = await geo.locate(['203.0.113.8']);

    // Assess
    expect(first.get('203.0.113.7')).toEqual({ status: 'failed', reason: `ipstack error ${type} (${code})` });
    expect(second.get('203.0.113.8')).toEqual(first.get('203.0.113.7'));
    expect(fetchFunction.urls).toHaveLength(1);
    expect(logger.lines).toHaveLength(1);
    expect(logger.text()).toContain(type);
    expect(logger.text()).not.toContain(TEST_IPSTACK_KEY);
  });

  it('falls back to one request per address when the plan has no Bulk Lookup (303)', async () => {
    // Prepare
    const fetchFunction = fakeFetch((url) =>
      requested(url).length > 1 ? json(ipstackError(303, 'batch_not_supported_on_plan')) : answerEveryAddress(url, new AbortController().signal),
    );
    const { geo, logger } = locator(fetchFunction, { bulk: true });

    // Act
    const first = await geo.locate(['203.0.113.1', '203.0.113.2']);
    const second = await geo.locate(['203.0.113.3', '203.0.113.4']);

    // Assess
    expect([...first.values(), ...second.values()].every((outcome) => outcome.status === 'found')).toBe(true);
    expect(fetchFunction.urls.map((url) => requested(url).length)).toEqual([2, 1, 1, 1, 1]);
    expect(logger.lines.map((line) => line.message)).toEqual(['ipstack plan does not support Bulk Lookup; using one request per address']);
  });

  it('answers failed with a redacted reason when the request fails on the network', async () => {
    // Prepare: some clients put the URL, key included, in their error messages.
    const fetchFunction = fakeFetch((url) => {
      throw new TypeError(`request to ${url.href} failed`, { cause: { code: 'ECONNREFUSED' } });
    });
    const { geo, logger } = locator(fetchFunction);

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    const outcome = outcomes.get('203.0.113.7');
    expect(outcome?.status).toBe('failed');
    expect(reasons(outcomes)).toContain('ECONNREFUSED');
    expect(reasons(outcomes)).not.toContain(TEST_IPSTACK_KEY);
    expect(logger.text()).not.toContain(TEST_IPSTACK_KEY);
  });

  it('answers failed when ipstack does not answer in time', async () => {
    // Prepare
    const fetchFunction = fakeFetch(
      (_url, signal) => new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    );
    const { geo } = locator(fetchFunction, { timeoutMs: 5 });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'ipstack request timed out after 5 ms' });
  });

  it('answers failed for an HTTP error without an ipstack error body', async () => {
    // Prepare
    const { geo } = locator(fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 })));

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'ipstack answered HTTP 502' });
  });

  it('answers failed for a success status whose body is not JSON', async () => {
    // Prepare
    const { geo } = locator(fakeFetch(() => new Response('not json', { status: 200 })));

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')?.status).toBe('failed');
  });

  it('answers failed without asking when the key cannot be read, naming where it lives but not the key', async () => {
    // Prepare
    const fetchFunction = fakeFetch(answerEveryAddress);
    const apiKey: SecretProvider = { getSecret: () => Promise.reject(new Error('cannot read SSM parameter "ipstack-api-key": AccessDeniedException')) };
    const { geo, logger } = locator(fetchFunction, { apiKey });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'ipstack API key unavailable' });
    expect(fetchFunction.urls).toHaveLength(0);
    expect(logger.text()).toContain('ipstack-api-key');
  });

  it('reads the key once per call, not once per address', async () => {
    // Prepare
    const apiKey = fixedSecret();
    const { geo } = locator(fakeFetch(answerEveryAddress), { apiKey });

    // Act
    await geo.locate(['203.0.113.1', '203.0.113.2', '203.0.113.3']);

    // Assess
    expect(apiKey.calls()).toBe(1);
  });

  it('never sends text that is not an address', async () => {
    // Prepare
    const fetchFunction = fakeFetch(answerEveryAddress);
    const { geo } = locator(fetchFunction);

    // Act
    const outcomes = await geo.locate(['../admin?x=1', 'fe80::1%eth0', '203.0.113.7']);

    // Assess
    expect(outcomes.get('../admin?x=1')).toEqual({ status: 'failed', reason: 'not an IP address' });
    expect(outcomes.get('fe80::1%eth0')).toEqual({ status: 'failed', reason: 'not an IP address' });
    expect(fetchFunction.urls.map((url) => url.pathname)).toEqual(['/203.0.113.7']);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // Prepare
    let inFlight = 0;
    let mostInFlight = 0;
    const fetchFunction = fakeFetch(async (url) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return answerEveryAddress(url, new AbortController().signal);
    });
    const { geo } = locator(fetchFunction, { concurrency: 3 });

    // Act
    const outcomes = await geo.locate(Array.from({ length: 20 }, (_, index) => `203.0.113.${index}`));

    // Assess
    expect(outcomes.size).toBe(20);
    expect(fetchFunction.urls).toHaveLength(20);
    expect(mostInFlight).toBe(3);
  });

  it('encodes a key with URL-special characters', async () => {
    // Prepare
    const fetchFunction = fakeFetch(answerEveryAddress);
    const { geo } = locator(fetchFunction, { apiKey: fixedSecret('a+b/c=&d') });

    // Act
    await geo.locate(['203.0.113.7']);

    // Assess
    expect(fetchFunction.urls[0]?.searchParams.get('access_key')).toBe('a+b/c=&d');
  });

  it('refuses a plain-HTTP base URL unless it is allowed', () => {
    // Act
    const create = () => createIpstackGeoLocator({ apiKey: fixedSecret(), baseUrl: 'http://api.ipstack.com' });

    // Assess
    expect(create).toThrow(ConfigurationError);
  });

  it('warns once, at creation, when plain HTTP is allowed', async () => {
    // Prepare
    const logger = recordingLogger();
    const fetchFunction = fakeFetch(answerEveryAddress);

    // Act
    const geo = createIpstackGeoLocator({ apiKey: fixedSecret(), baseUrl: 'http://api.ipstack.com', allowPlainHttp: true, fetch: fetchFunction, logger });
    await geo.locate(['203.0.113.7']);
    await geo.locate(['203.0.113.8']);

    // Assess
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'ipstack is reached over plain HTTP: the API key and the addresses travel unencrypted', attributes: { origin: 'http://api.ipstack.com' } },
    ]);
    expect(fetchFunction.urls[0]?.protocol).toBe('http:');
  });

  it.each([['ftp://api.ipstack.com'], ['https://api.ipstack.com/?access_key=x'], ['https://user:pass@api.ipstack.com'], ['not a url']])(
    'refuses the base URL %s',
    (baseUrl) => {
      // Act
      const create = () => createIpstackGeoLocator({ apiKey: fixedSecret(), baseUrl });

      // Assess
      expect(create).toThrow(ConfigurationError);
    },
  );

  it('keeps a path in the base URL', async () => {
    // Prepare
    const fetchFunction = fakeFetch(answerEveryAddress);
    const { geo } = locator(fetchFunction, { baseUrl: 'https://api.apilayer.net/ipstack/' });

    // Act
    await geo.locate(['203.0.113.7']);

    // Assess
    expect(fetchFunction.urls[0]?.pathname).toBe('/ipstack/203.0.113.7');
  });
});

describe('redactSecret', () => {
  it('removes the key and any access_key value from a text', () => {
    // Act
    const text = redactSecret(`GET https://api.ipstack.com/1.2.3.4?access_key=other&x=1 with ${TEST_IPSTACK_KEY}`, TEST_IPSTACK_KEY);

    // Assess
    expect(text).toBe('GET https://api.ipstack.com/1.2.3.4?access_key=[redacted]&x=1 with [redacted]');
  });

  it('removes the key when an answer echoes it URL-encoded, base64 or base64url, with or without padding', () => {
    const key = 'k3y+with/odd=chars';
    const forms = [encodeURIComponent(key), Buffer.from(key).toString('base64'), Buffer.from(key).toString('base64').replace(/=+$/, ''), Buffer.from(key).toString('base64url')];

    const text = redactSecret(`invalid key: ${forms.join(' | ')}`, key);

    expect(text).toBe(`invalid key: ${forms.map(() => '[redacted]').join(' | ')}`);
  });
});
