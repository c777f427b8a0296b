import { runWithConcurrency } from '../concurrency-limit.js';
import { scopedKey, type LookupScope } from '../domain/lookup-scope.js';
import type { Clock } from '../ports.js';

export { runWithConcurrency };

/** The outcome shapes a cached look-up understands: found and not-found are cached, the rest not. */
export type CacheableOutcome = { readonly status: string };

export interface CachedBatchLookupOptions<O extends CacheableOutcome> {
  /**
   * Fetches one batch of keys (never more than `maxBatchSize`, never a duplicate). It should
   * return an outcome per key; a key it leaves out is given `missingOutcome`. If it throws, every
   * key of the batch gets `failureOutcome(error)`.
   */
  readonly fetchBatch: (keys: readonly string[]) => Promise<ReadonlyMap<string, O>>;
  readonly maxBatchSize: number;
  /** How many batches may be fetched at once. */
  readonly concurrency: number;
  /** How long a found value is reused. */
  readonly ttlMs: number;
  /** How long a not-found answer is reused: shorter, since a new interface may appear soon. */
  readonly negativeTtlMs: number;
  /** Entries beyond this are evicted oldest first, so a long-lived container stays bounded. */
  readonly maxEntries: number;
  readonly clock: Clock;
  /** Outcomes with these statuses are cached for `ttlMs`. */
  readonly positiveStatuses: readonly string[];
  /** Outcomes with these statuses are cached for `negativeTtlMs`; any other status is not cached. */
  readonly negativeStatuses: readonly string[];
  readonly missingOutcome: O;
  readonly failureOutcome: (error: unknown) => O;
}

export interface CachedBatchLookupStats {
  /** Keys answered from the cache or from a request already in flight. */
  readonly hits: number;
  /** Keys that needed a fetch. */
  readonly misses: number;
  /** Calls made to `fetchBatch`. */
  readonly fetches: number;
}

export interface CachedBatchLookup<O extends CacheableOutcome> {
  /** One outcome per distinct key, fetching only what is neither cached nor already in flight. */
  lookup(keys: Iterable<string>): Promise<Map<string, O>>;
  /** Counters since creation; callers take differences to report per invocation. */
  stats(): CachedBatchLookupStats;
}

interface CacheEntry<O> {
  readonly outcome: O;
  readonly expiresAt: number;
}

/** What a scoped cache is built from: the options above, with the fetch told the scope of its keys. */
export interface ScopedCachedBatchLookupOptions<O extends CacheableOutcome> extends Omit<CachedBatchLookupOptions<O>, 'fetchBatch'> {
  /** Fetches one batch of ids, all of one account and Region. */
  readonly fetchBatch: (scope: LookupScope, ids: readonly string[]) => Promise<ReadonlyMap<string, O>>;
}

export interface ScopedCachedBatchLookup<O extends CacheableOutcome> {
  /** One outcome per distinct id of `scope`, keyed by the id; cached under `scopedKey(scope, id)`. */
  lookup(scope: LookupScope, ids: Iterable<string>): Promise<Map<string, O>>;
  stats(): CachedBatchLookupStats;
}

/**
 * A read-through cache in front of a batched remote look-up (EC2, a geolocation API). Distinct
 * uncached keys are fetched in batches of at most `maxBatchSize` with bounded concurrency; a key
 * already being fetched by an earlier call is awaited, not fetched again.
 *
 * @example
 * const addresses = createCachedBatchLookup({ fetchBatch: (keys) => locator.locate(keys), maxBatchSize: 50, ... });
 * const outcomes = await addresses.lookup(['203.0.113.7', '198.51.100.1']);
 */
export function createCachedBatchLookup<O extends CacheableOutcome>(options: CachedBatchLookupOptions<O>): CachedBatchLookup<O> {
  const cache = createPartitionedLookup<undefined, O>({ ...options, fetchBatch: (_, keys) => options.fetchBatch(keys) }, (_, key) => key);
  return { lookup: (keys) => cache.lookup(undefined, keys), stats: () => cache.stats() };
}

/**
 * The same cache for ids that are unique only within an account and Region (interfaces, groups,
 * prefix lists): each entry is kept under `scopedKey(scope, id)`, so the same id in two accounts
 * is two entries, and a fetch only ever holds ids of one scope.
 *
 * @example
 * const interfaces = createScopedCachedBatchLookup({ fetchBatch: (scope, ids) => source.describeNetworkInterfaces(scope, ids), maxBatchSize: 200, ... });
 * const outcomes = await interfaces.lookup({ accountId: '123456789012', region: 'eu-west-1' }, ['eni-0a1b', 'eni-0c2d']);
 */
export function createScopedCachedBatchLookup<O extends CacheableOutcome>(options: ScopedCachedBatchLookupOptions<O>): ScopedCachedBatchLookup<O> {
  return createPartitionedLookup<LookupScope, O>(options, scopedKey);
}

/** The cache of both: keys of one call share a partition (a scope, or none), entries are kept under `keyOf`. */
function createPartitionedLookup<P, O extends CacheableOutcome>(
  options: Omit<CachedBatchLookupOptions<O>, 'fetchBatch'> & { readonly fetchBatch: (partition: P, keys: readonly string[]) => Promise<ReadonlyMap<string, O>> },
  keyOf: (partition: P, key: string) => string,
): { lookup(partition: P, keys: Iterable<string>): Promise<Map<string, O>>; stats(): CachedBatchLookupStats } {
  const cache = new Map<string, CacheEntry<O>>();
  const inFlight = new Map<string, Promise<O>>();
  const positive = new Set(options.positiveStatuses);
  const negative = new Set(options.negativeStatuses);
  let hits = 0;
  let misses = 0;
  let fetches = 0;

  const remember = (key: string, outcome: O): void => {
    const ttl = positive.has(outcome.status) ? options.ttlMs : negative.has(outcome.status) ? options.negativeTtlMs : 0;
    if (ttl <= 0) {
      return;
    }
    cache.delete(key);
    cache.set(key, { outcome, expiresAt: options.clock.now() + ttl });
    while (cache.size > options.maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  };

  const fetchOne = async (partition: P, batch: readonly string[]): Promise<Map<string, O>> => {
    fetches += 1;
    let answers: ReadonlyMap<string, O>;
    try {
      answers = await options.fetchBatch(partition, batch);
    } catch (error) {
      const failure = options.failureOutcome(error);
      return new Map(batch.map((key) => [key, failure]));
    }
    const outcomes = new Map<string, O>();
    for (const key of batch) {
      const outcome = answers.get(key) ?? options.missingOutcome;
      outcomes.set(key, outcome);
      remember(keyOf(partition, key), outcome);
    }
    return outcomes;
  };

  const fetchAll = (partition: P, keys: readonly string[]): Map<string, Promise<O>> => {
    const batches: string[][] = [];
    for (let start = 0; start < keys.length; start += options.maxBatchSize) {
      batches.push(keys.slice(start, start + options.maxBatchSize));
    }
    const results = new Map<string, Promise<O>>();
    const settled = runWithConcurrency(batches, options.concurrency, (batch) => fetchOne(partition, batch));
    batches.forEach((batch, index) => {
      const batchResult = settled[index] as Promise<Map<string, O>>;
      for (const key of batch) {
        results.set(
          key,
          batchResult.then((outcomes) => outcomes.get(key) ?? options.missingOutcome),
        );
      }
    });
    return results;
  };

  return {
    async lookup(partition, keys) {
      const now = options.clock.now();
      const pending = new Map<string, Promise<O>>();
      const answered = new Map<string, O>();
      const toFetch: string[] = [];
      for (const key of new Set(keys)) {
        const entryKey = keyOf(partition, key);
        const cached = cache.get(entryKey);
        if (cached !== undefined && cached.expiresAt > now) {
          hits += 1;
          answered.set(key, cached.outcome);
          continue;
        }
        if (cached !== undefined) {
          cache.delete(entryKey);
        }
        const flying = inFlight.get(entryKey);
        if (flying !== undefined) {
          hits += 1;
          pending.set(key, flying);
          continue;
        }
        misses += 1;
        toFetch.push(key);
      }
      for (const [key, promise] of fetchAll(partition, toFetch)) {
        const entryKey = keyOf(partition, key);
        inFlight.set(entryKey, promise);
        pending.set(key, promise);
        void promise.finally(() => {
          if (inFlight.get(entryKey) === promise) inFlight.delete(entryKey);
        });
      }
      for (const [key, promise] of pending) {
        answered.set(key, await promise);
      }
      return answered;
    },
    stats: () => ({ hits, misses, fetches }),
  };
}
