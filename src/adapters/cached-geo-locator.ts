import { createCachedBatchLookup, type CachedBatchLookupStats } from '../enrich/cached-batch-lookup.js';
import type { Clock, GeoLocator, GeoOutcome } from '../ports.js';

export interface CachedGeoLocatorOptions {
  readonly clock: Clock;
  /** How long a location is reused. Default one day: address blocks rarely move. */
  readonly ttlMs?: number;
  /** How long "not found" is reused. Default one hour. */
  readonly negativeTtlMs?: number;
  /** Addresses remembered at most, oldest evicted first. Default 50,000. */
  readonly maxEntries?: number;
  /**
   * How long one `locate` may take. Absent: as long as the provider needs. When set, misses are
   * asked for in chunks, each kept as it arrives; addresses still unanswered when the time is up
   * are answered `failed` (the records go out without geolocation). The chunk in flight then
   * finishes and is kept; later batches ask for the rest.
   */
  readonly timeBudgetMs?: number;
}

/** Misses asked for at once under a time budget: small enough that answers arrive (and are kept) steadily. */
export const GEO_CHUNK_ADDRESSES = 100;

export interface CachedGeoLocator extends GeoLocator {
  /** Counters since creation (hits, misses, calls to the inner locator); take differences per invocation. */
  stats(): CachedBatchLookupStats;
}

/**
 * Puts a read-through cache in front of a GeoLocator, kept across warm invocations: found
 * locations for `ttlMs`, not-found answers for `negativeTtlMs`; failures and quota answers are not
 * kept, so the next batch asks again. Concurrent look-ups of the same address share one request.
 *
 * @example
 * const geo = createCachedGeoLocator(createIpstackGeoLocator({ apiKey }), { clock: systemClock });
 * await geo.locate(['203.0.113.7']); // asks ipstack
 * await geo.locate(['203.0.113.7']); // answered from the cache
 */
export function createCachedGeoLocator(inner: GeoLocator, options: CachedGeoLocatorOptions): CachedGeoLocator {
  const lookup = createCachedBatchLookup<GeoOutcome>({
    fetchBatch: (addresses) => inner.locate(addresses),
    // The inner locator batches and bounds its own requests; hand it every miss of a call at once.
    maxBatchSize: Number.MAX_SAFE_INTEGER,
    concurrency: 1,
    ttlMs: options.ttlMs ?? 24 * 60 * 60 * 1000,
    negativeTtlMs: options.negativeTtlMs ?? 60 * 60 * 1000,
    maxEntries: options.maxEntries ?? 50_000,
    clock: options.clock,
    positiveStatuses: ['found'],
    negativeStatuses: ['not_found'],
    missingOutcome: { status: 'failed', reason: 'the geolocation provider gave no answer for the address' },
    failureOutcome: (error) => ({
      status: 'failed',
      reason: `geolocation failed: ${error instanceof Error ? error.name : 'unknown error'}`,
    }),
  });
  const { timeBudgetMs } = options;
  return {
    locate: (addresses) => (timeBudgetMs === undefined ? lookup.lookup(addresses) : locateWithin(timeBudgetMs, addresses, (chunk) => lookup.lookup(chunk))),
    stats: () => lookup.stats(),
  };
}

/**
 * Looks addresses up chunk after chunk until `timeBudgetMs` has passed, then answers what arrived
 * and `failed` for the rest; the chunk in flight still lands in the cache.
 */
async function locateWithin(
  timeBudgetMs: number,
  addresses: readonly string[],
  lookUp: (chunk: readonly string[]) => Promise<ReadonlyMap<string, GeoOutcome>>,
): Promise<ReadonlyMap<string, GeoOutcome>> {
  const answers = new Map<string, GeoOutcome>();
  const unique = [...new Set(addresses)];
  let timeIsUp = false;
  const work = (async () => {
    // No new chunk once the time is up: the chunk in flight finishes and is kept, the rest waits
    // for a later batch, so overrunning batches never pile up requests against the provider.
    for (let start = 0; start < unique.length && !timeIsUp; start += GEO_CHUNK_ADDRESSES) {
      for (const [address, outcome] of await lookUp(unique.slice(start, start + GEO_CHUNK_ADDRESSES))) answers.set(address, outcome);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<'time_up'>((resolve) => {
    timer = setTimeout(() => resolve('time_up'), timeBudgetMs);
  });
  try {
    // The cached look-up answers failures as outcomes; a rejection here would be a bug, reported as one.
    if ((await Promise.race([work, timeUp])) !== 'time_up') return answers;
  } finally {
    clearTimeout(timer);
  }
  timeIsUp = true;
  work.catch(() => undefined);
  const late: GeoOutcome = { status: 'failed', reason: `geolocation took longer than its time budget of ${timeBudgetMs} ms` };
  return new Map(unique.map((address) => [address, answers.get(address) ?? late]));
}
