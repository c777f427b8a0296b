import { isIP } from 'node:net';
import { createConcurrencyLimit } from '../concurrency-limit.js';
import { geoFields } from '../enrich/geo-fields.js';
import { ConfigurationError } from '../errors.js';
import { silentLogger, systemClock, type Clock, type GeoLocator, type GeoOutcome, type Logger, type SecretProvider } from '../ports.js';

/** ipstack's public endpoint. */
export const IPSTACK_DEFAULT_BASE_URL = 'https://api.ipstack.com';

/** Most addresses one Bulk Lookup request may carry (error 302 `too_many_ips` beyond). https://ipstack.com/documentation */
export const IPSTACK_MAX_BULK_ADDRESSES = 50;

/** Only the fields enrichment uses, so responses stay small. `ip` lets bulk answers be matched. */
const IPSTACK_FIELDS = 'ip,country_code,country_name,region_code,region_name,city,latitude,longitude';

/**
 * ipstack's documented error codes that concern the account, not one address: while they last,
 * every further request would fail the same way, so the locator pauses instead of repeating them.
 */
const IpstackErrorCode = {
  NotFound: 404,
  InvalidAccessKey: 101, // also missing_access_key
  InactiveUser: 102,
  InvalidApiFunction: 103,
  UsageLimitReached: 104,
  AccessRestricted: 105, // function_access_restricted, https_access_restricted
  TooManyIps: 302,
  BatchNotSupportedOnPlan: 303,
} as const;

const ACCOUNT_ERROR_CODES: ReadonlySet<number> = new Set([
  IpstackErrorCode.InvalidAccessKey,
  IpstackErrorCode.InactiveUser,
  IpstackErrorCode.InvalidApiFunction,
  IpstackErrorCode.UsageLimitReached,
  IpstackErrorCode.AccessRestricted,
]);

/** The subset of `fetch` the locator uses; injected in tests. */
export type FetchFunction = (url: string, init: { readonly signal: AbortSignal; readonly headers: Readonly<Record<string, string>> }) => Promise<Response>;

export interface IpstackGeoLocatorOptions {
  /** The access key, read when needed so a rotated key is picked up (see createSsmSecretProvider). */
  readonly apiKey: SecretProvider;
  /** Default https://api.ipstack.com. */
  readonly baseUrl?: string;
  /** ipstack's free plan has no HTTPS; plain HTTP must be asked for, and is warned about once. */
  readonly allowPlainHttp?: boolean;
  /** Use the Bulk Lookup endpoint (paid plans): up to 50 addresses a request. Default false. */
  readonly bulk?: boolean;
  /** Requests in flight at once, across all callers. Default 4. */
  readonly concurrency?: number;
  /** Per request. Default 3000. */
  readonly timeoutMs?: number;
  /** After a quota, rate-limit or account error, answer without calling ipstack for this long. Default 60 s. */
  readonly pauseAfterAccountErrorMs?: number;
  readonly fetch?: FetchFunction;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface IpstackGeoLocatorStats {
  /** HTTP requests sent to ipstack. */
  readonly requests: number;
}

export interface IpstackGeoLocator extends GeoLocator {
  stats(): IpstackGeoLocatorStats;
}

interface IpstackError {
  readonly code?: unknown;
  readonly type?: unknown;
  readonly info?: unknown;
}

type ChunkResult = ReadonlyMap<string, GeoOutcome>;

/** The plan has no Bulk Lookup: ask for each address of the chunk on its own. */
const USE_SINGLE_REQUESTS = Symbol('use single requests');

/**
 * Geolocates addresses with the ipstack API (https://ipstack.com/documentation): one Standard
 * Lookup per address, or Bulk Lookups of up to 50 when `bulk` is set, de-duplicated, with bounded
 * concurrency and a timeout. Quota and rate-limit answers become `quota_exceeded`, every other
 * problem `failed`; nothing throws.
 *
 * ipstack only accepts the key as the `access_key` query parameter, so URLs carry it: no URL is
 * logged, and every message the locator produces has the key removed.
 *
 * @example
 * const geo = createIpstackGeoLocator({ apiKey: createSsmSecretProvider({ ... }), logger });
 * const outcomes = await geo.locate(['203.0.113.7', '2001:db8::1']);
 */
export function createIpstackGeoLocator(options: IpstackGeoLocatorOptions): IpstackGeoLocator {
  const baseUrl = checkedBaseUrl(options.baseUrl ?? IPSTACK_DEFAULT_BASE_URL, options.allowPlainHttp ?? false);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const fetchFunction: FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 3000;
  const pauseMs = options.pauseAfterAccountErrorMs ?? 60_000;
  const limit = createConcurrencyLimit(options.concurrency ?? 4);
  let bulk = options.bulk ?? false;
  let requests = 0;
  let pause: { readonly until: number; readonly outcome: GeoOutcome } | undefined;

  if (baseUrl.protocol === 'http:') {
    logger.warn('ipstack is reached over plain HTTP: the API key and the addresses travel unencrypted', { origin: baseUrl.origin });
  }

  const pausedOutcome = (): GeoOutcome | undefined => (pause !== undefined && pause.until > clock.now() ? pause.outcome : undefined);

  const startPause = (outcome: GeoOutcome, milliseconds: number, attributes: Record<string, unknown>): void => {
    const alreadyPaused = pausedOutcome() !== undefined;
    pause = { until: clock.now() + milliseconds, outcome };
    if (!alreadyPaused) {
      logger.warn('ipstack refused the request; geolocation paused', { ...attributes, pausedForMs: milliseconds });
    }
  };

  /**
   * One request and what its answer means. It runs inside a concurrency slot, so a quota answer
   * starts the pause before the next waiting request may go.
   */
  const requestChunk = async (chunk: readonly string[], key: string): Promise<ChunkResult | typeof USE_SINGLE_REQUESTS> => {
    const paused = pausedOutcome();
    if (paused !== undefined) return fill(chunk, paused);
    const redact = (text: string): string => redactSecret(text, key);
    const url = `${baseUrl.href.replace(/\/$/, '')}/${chunk.join(',')}?access_key=${encodeURIComponent(key)}&fields=${IPSTACK_FIELDS}`;

    requests += 1;
    let response: Response;
    let body: string;
    try {
      response = await fetchFunction(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
      const bounded = await readBoundedText(response, MAX_IPSTACK_RESPONSE_BYTES);
      if (bounded === undefined) {
        return fill(chunk, { status: 'failed', reason: `ipstack answered more than ${MAX_IPSTACK_RESPONSE_BYTES} bytes` });
      }
      body = bounded;
    } catch (error) {
      return fill(chunk, { status: 'failed', reason: redact(describeRequestError(error, timeoutMs)) });
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const error = errorOf(parsed);
    if (error === undefined && response.status === 429) {
      const outcome: GeoOutcome = { status: 'quota_exceeded' };
      startPause(outcome, retryAfterMs(response.headers.get('retry-after')) ?? pauseMs, { httpStatus: 429 });
      return fill(chunk, outcome);
    }
    if (error === undefined && !response.ok) {
      return fill(chunk, { status: 'failed', reason: `ipstack answered HTTP ${response.status}` });
    }
    if (error === undefined) {
      return matchAnswers(chunk, parsed);
    }
    const code = typeof error.code === 'number' ? error.code : undefined;
    const type = typeof error.type === 'string' ? redact(error.type) : 'unknown_error';
    if (code === IpstackErrorCode.BatchNotSupportedOnPlan && chunk.length > 1) {
      if (bulk) logger.warn('ipstack plan does not support Bulk Lookup; using one request per address', { code, type });
      bulk = false;
      return USE_SINGLE_REQUESTS;
    }
    if (code === IpstackErrorCode.NotFound && chunk.length === 1) {
      return fill(chunk, { status: 'not_found' });
    }
    const quota = code === IpstackErrorCode.UsageLimitReached || /rate_limit|too_many_requests/i.test(type);
    const outcome: GeoOutcome = quota ? { status: 'quota_exceeded' } : { status: 'failed', reason: `ipstack error ${type} (${code ?? 'no code'})` };
    if (quota || (code !== undefined && ACCOUNT_ERROR_CODES.has(code))) {
      const info = typeof error.info === 'string' ? redact(error.info) : undefined;
      startPause(outcome, pauseMs, { code, type, ...(info === undefined ? {} : { info }) });
    }
    return fill(chunk, outcome);
  };

  const locateChunk = async (chunk: readonly string[], key: string): Promise<ChunkResult> => {
    const paused = pausedOutcome();
    if (paused !== undefined) return fill(chunk, paused);
    const result = await limit(() => requestChunk(chunk, key));
    if (result !== USE_SINGLE_REQUESTS) return result;
    const singles = await Promise.all(chunk.map((address) => locateChunk([address], key)));
    return new Map(singles.flatMap((single) => [...single]));
  };

  return {
    async locate(addresses) {
      const outcomes = new Map<string, GeoOutcome>();
      const valid: string[] = [];
      for (const address of new Set(addresses)) {
        // Checked here so nothing but an address ever lands in the request path.
        if (isIP(address) === 0 || address.includes('%')) outcomes.set(address, { status: 'failed', reason: 'not an IP address' });
        else valid.push(address);
      }
      if (valid.length === 0) return outcomes;
      const paused = pausedOutcome();
      if (paused !== undefined) return new Map([...outcomes, ...fill(valid, paused)]);

      let key: string;
      try {
        key = await options.apiKey.getSecret();
      } catch (error) {
        logger.warn('ipstack API key unavailable; addresses not geolocated', { error: error instanceof Error ? error.message : 'unknown error' });
        return new Map([...outcomes, ...fill(valid, { status: 'failed', reason: 'ipstack API key unavailable' })]);
      }
      const size = bulk ? IPSTACK_MAX_BULK_ADDRESSES : 1;
      const chunks: string[][] = [];
      for (let start = 0; start < valid.length; start += size) chunks.push(valid.slice(start, start + size));
      for (const result of await Promise.all(chunks.map((chunk) => locateChunk(chunk, key)))) {
        for (const [address, outcome] of result) outcomes.set(address, outcome);
      }
      return outcomes;
    },
    stats: () => ({ requests }),
  };
}

function checkedBaseUrl(text: string, allowPlainHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigurationError([`ipstack base URL is not a URL: "${text}"`]);
  }
  const problems: string[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`ipstack base URL must be https, got ${url.protocol}`);
  if (url.protocol === 'http:' && !allowPlainHttp) problems.push('ipstack base URL is plain HTTP; use https or allow plain HTTP explicitly');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    problems.push('ipstack base URL must not carry a query, a fragment or credentials');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return url;
}

function errorOf(parsed: unknown): IpstackError | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { success, error } = parsed as { success?: unknown; error?: unknown };
  if (success !== false && error === undefined) return undefined;
  return typeof error === 'object' && error !== null ? error : {};
}

/** Pairs each requested address with its answer: by `ip`, or by position when ipstack rewrote the address. */
function matchAnswers(chunk: readonly string[], parsed: unknown): ChunkResult {
  const answers: readonly unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const byIp = new Map<string, unknown>();
  for (const answer of answers) {
    const ip = typeof answer === 'object' && answer !== null ? (answer as { ip?: unknown }).ip : undefined;
    if (typeof ip === 'string') byIp.set(ip.toLowerCase(), answer);
  }
  const outcomes = new Map<string, GeoOutcome>();
  chunk.forEach((address, index) => {
    const answer = byIp.get(address.toLowerCase()) ?? (answers.length === chunk.length ? answers[index] : undefined);
    if (typeof answer !== 'object' || answer === null) {
      outcomes.set(address, { status: 'failed', reason: 'ipstack returned no answer for the address' });
      return;
    }
    const value = geoFields(answer);
    outcomes.set(address, value === undefined ? { status: 'not_found' } : { status: 'found', value });
  });
  return outcomes;
}

function describeRequestError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `ipstack request timed out after ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  const message = error instanceof Error ? error.message : 'unknown error';
  return `ipstack request failed: ${message}${code}`;
}

/**
 * The most of an ipstack answer we read: a Bulk Lookup of 50 addresses is about 50 KB; a body
 * past this is not an answer (a 300 MB one took the function to 1.4 GB), and is cut off.
 */
export const MAX_IPSTACK_RESPONSE_BYTES = 1024 * 1024;

/** The body as text, or undefined (and the rest left unread) once it passes `maxBytes`. */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early cancels the stream: the rest of the body is never read.
  for await (const value of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += value.byteLength;
    if (total > maxBytes) return undefined;
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/**
 * Removes the key, as it is and in the forms an answer may echo it in (URL-encoded, base64,
 * base64url, with or without padding), and anything that looks like a query string carrying it.
 */
export function redactSecret(text: string, secret: string): string {
  let redacted = text;
  if (secret !== '') {
    const base64 = Buffer.from(secret, 'utf8').toString('base64');
    const forms = new Set([secret, encodeURIComponent(secret), base64, base64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url')]);
    // Longest first, so a form that contains another is removed whole.
    for (const form of [...forms].sort((a, b) => b.length - a.length)) if (form.length >= 4) redacted = redacted.split(form).join('[redacted]');
  }
  return redacted.replace(/access_key=[^&\s"']*/gi, 'access_key=[redacted]');
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

function fill(addresses: readonly string[], outcome: GeoOutcome): Map<string, GeoOutcome> {
  return new Map(addresses.map((address) => [address, outcome]));
}
