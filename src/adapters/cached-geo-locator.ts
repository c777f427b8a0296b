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
}

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
  return {
    locate: (addresses) => lookup.lookup(addresses),
    stats: () => lookup.stats(),
  };
}
