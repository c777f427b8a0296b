import { describe, expect, it } from 'vitest';
import { createCachedBatchLookup, runWithConcurrency, type CachedBatchLookupOptions } from '../../../src/enrich/cached-batch-lookup.js';
import type { LookupOutcome } from '../../../src/ports.js';
import { manualClock } from '../../support/geo-builders.js';

type Outcome = LookupOutcome<string>;

const TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 5_000;

/** A promise the test settles by hand, to hold a fetch in flight. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
}

/**
 * A fetcher that knows the keys starting with `known-` (value: the key upper-cased), records each
 * batch, and answers nothing else, so unknown keys become the missing outcome.
 */
function recordingFetcher() {
  const batches: string[][] = [];
  return {
    batches,
    fetchBatch(keys: readonly string[]): Promise<ReadonlyMap<string, Outcome>> {
      batches.push([...keys]);
      return Promise.resolve(new Map(keys.filter((key) => key.startsWith('known-')).map((key): [string, Outcome] => [key, { status: 'found', value: key.toUpperCase() }])));
    },
  };
}

function lookupWith(overrides: Partial<CachedBatchLookupOptions<Outcome>> = {}) {
  const clock = manualClock();
  const fetcher = recordingFetcher();
  const lookup = createCachedBatchLookup<Outcome>({
    fetchBatch: (keys) => fetcher.fetchBatch(keys),
    maxBatchSize: 200,
    concurrency: 2,
    ttlMs: TTL_MS,
    negativeTtlMs: NEGATIVE_TTL_MS,
    maxEntries: 1000,
    clock,
    positiveStatuses: ['found'],
    negativeStatuses: ['not_found'],
    missingOutcome: { status: 'not_found' },
    failureOutcome: (error) => ({ status: 'failed', reason: error instanceof Error ? error.message : String(error) }),
    ...overrides,
  });
  return { lookup, clock, batches: fetcher.batches };
}

function keys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`);
}

describe('createCachedBatchLookup', () => {
  it('answers every distinct key once, found or missing, fetching each once', async () => {
    // Prepare
    const { lookup, batches } = lookupWith();

    // Act
    const outcomes = await lookup.lookup(['known-a', 'gone-b', 'known-a']);

    // Assess
    expect(outcomes).toEqual(
      new Map<string, Outcome>([
        ['known-a', { status: 'found', value: 'KNOWN-A' }],
        ['gone-b', { status: 'not_found' }],
      ]),
    );
    expect(batches).toEqual([['known-a', 'gone-b']]);
  });

  it('reuses a found value until its TTL passes, then fetches it again', async () => {
    const { lookup, clock, batches } = lookupWith();
    await lookup.lookup(['known-a']);

    clock.advance(TTL_MS - 1);
    await lookup.lookup(['known-a']);
    const beforeExpiry = batches.length;
    clock.advance(1);
    await lookup.lookup(['known-a']);

    expect(beforeExpiry).toBe(1);
    expect(batches).toEqual([['known-a'], ['known-a']]);
  });

  it('keeps a not-found answer only for the shorter negative TTL', async () => {
    const { lookup, clock, batches } = lookupWith();
    await lookup.lookup(['known-a', 'gone-b']);

    clock.advance(NEGATIVE_TTL_MS - 1);
    await lookup.lookup(['known-a', 'gone-b']);
    clock.advance(1);
    await lookup.lookup(['known-a', 'gone-b']);

    expect(batches).toEqual([['known-a', 'gone-b'], ['gone-b']]);
  });

  it('does not cache not-found answers at all when the negative TTL is 0', async () => {
    const { lookup, batches } = lookupWith({ negativeTtlMs: 0 });

    await lookup.lookup(['gone-b']);
    await lookup.lookup(['gone-b']);

    expect(batches).toEqual([['gone-b'], ['gone-b']]);
  });

  it('gives every key of a failed batch the failure outcome and does not cache it', async () => {
    let calls = 0;
    const { lookup } = lookupWith({
      fetchBatch: (batch) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('RequestLimitExceeded')) : Promise.resolve(new Map(batch.map((key): [string, Outcome] => [key, { status: 'found', value: 'later' }])));
      },
    });

    const first = await lookup.lookup(['known-a', 'known-b']);
    const second = await lookup.lookup(['known-a', 'known-b']);

    expect([...first.values()]).toEqual([
      { status: 'failed', reason: 'RequestLimitExceeded' },
      { status: 'failed', reason: 'RequestLimitExceeded' },
    ]);
    expect([...second.values()]).toEqual([
      { status: 'found', value: 'later' },
      { status: 'found', value: 'later' },
    ]);
    expect(calls).toBe(2);
  });

  it('does not cache outcomes whose status is neither positive nor negative', async () => {
    let calls = 0;
    const { lookup } = lookupWith({
      fetchBatch: (batch) => {
        calls += 1;
        return Promise.resolve(new Map(batch.map((key): [string, Outcome] => [key, { status: 'failed', reason: 'quota' }])));
      },
    });

    await lookup.lookup(['known-a']);
    await lookup.lookup(['known-a']);

    expect(calls).toBe(2);
  });

  it('turns a fetcher that throws synchronously into failure outcomes', async () => {
    const { lookup } = lookupWith({
      fetchBatch: () => {
        throw new TypeError('bad client');
      },
    });

    const outcomes = await lookup.lookup(['known-a']);

    expect(outcomes.get('known-a')).toEqual({ status: 'failed', reason: 'bad client' });
  });

  it('fetches distinct uncached keys in batches of at most maxBatchSize, in first-seen order', async () => {
    const { lookup, batches } = lookupWith({ maxBatchSize: 200 });
    const wanted = keys('known-', 401);

    const outcomes = await lookup.lookup([...wanted, ...wanted]);

    expect(batches.map((batch) => batch.length)).toEqual([200, 200, 1]);
    expect(batches.flat()).toEqual(wanted);
    expect(outcomes.size).toBe(401);
  });

  it('asks only for the keys it has not cached', async () => {
    const { lookup, batches } = lookupWith();
    await lookup.lookup(['known-a', 'known-b']);

    await lookup.lookup(['known-b', 'known-c', 'known-a', 'known-d']);

    expect(batches).toEqual([
      ['known-a', 'known-b'],
      ['known-c', 'known-d'],
    ]);
  });

  it('makes no fetch when every key is cached, or when there are no keys', async () => {
    const { lookup, batches } = lookupWith();
    await lookup.lookup(['known-a']);

    await lookup.lookup(['known-a']);
    await lookup.lookup([]);

    expect(batches).toHaveLength(1);
  });

  it('runs at most `concurrency` batches at once', async () => {
    let running = 0;
    let mostRunning = 0;
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const { lookup } = lookupWith({
      maxBatchSize: 2,
      concurrency: 2,
      fetchBatch: async (batch) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        running -= 1;
        return new Map(batch.map((key): [string, Outcome] => [key, { status: 'found', value: key }]));
      },
    });

    const pending = lookup.lookup(keys('known-', 9));
    await settle();
    const startedAtFirst = gates.length;
    for (let released = 0; released < 5; released += 1) {
      gates[released]?.resolve();
      await settle();
    }
    const outcomes = await pending;

    expect(startedAtFirst).toBe(2);
    expect(gates).toHaveLength(5);
    expect(mostRunning).toBe(2);
    expect(outcomes.size).toBe(9);
  });

  it('fetches a key once when two look-ups ask for it at the same time (single flight)', async () => {
    const gate = deferred<void>();
    const batches: string[][] = [];
    const { lookup } = lookupWith({
      fetchBatch: async (batch) => {
        batches.push([...batch]);
        await gate.promise;
        return new Map(batch.map((key): [string, Outcome] => [key, { status: 'found', value: key }]));
      },
    });

    const first = lookup.lookup(['known-a']);
    const second = lookup.lookup(['known-a', 'known-b']);
    gate.resolve();
    const [firstOutcomes, secondOutcomes] = await Promise.all([first, second]);

    expect(batches).toEqual([['known-a'], ['known-b']]);
    expect(firstOutcomes.get('known-a')).toEqual({ status: 'found', value: 'known-a' });
    expect(secondOutcomes.get('known-a')).toEqual({ status: 'found', value: 'known-a' });
    expect(lookup.stats()).toEqual({ hits: 1, misses: 2, fetches: 2 });
  });

  it('shares a failure in flight with the concurrent look-up, then asks again afterwards', async () => {
    const gate = deferred<void>();
    let calls = 0;
    const { lookup } = lookupWith({
      fetchBatch: async () => {
        calls += 1;
        await gate.promise;
        throw new Error('throttled');
      },
    });

    const both = Promise.all([lookup.lookup(['known-a']), lookup.lookup(['known-a'])]);
    gate.resolve();
    const outcomes = await both;
    await lookup.lookup(['known-a']);

    expect(outcomes.map((map) => map.get('known-a'))).toEqual([
      { status: 'failed', reason: 'throttled' },
      { status: 'failed', reason: 'throttled' },
    ]);
    expect(calls).toBe(2);
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const { lookup, batches } = lookupWith({ maxEntries: 3 });
    await lookup.lookup(['known-1', 'known-2', 'known-3']);
    await lookup.lookup(['known-4']);
    batches.length = 0;

    await lookup.lookup(['known-2', 'known-3', 'known-4']);
    await lookup.lookup(['known-1']);

    expect(batches).toEqual([['known-1']]);
  });

  it('counts hits, misses and fetches since creation', async () => {
    const { lookup, clock } = lookupWith({ maxBatchSize: 2 });

    await lookup.lookup(['known-a', 'known-b', 'gone-c']);
    await lookup.lookup(['known-a', 'gone-c', 'known-d']);
    clock.advance(NEGATIVE_TTL_MS);
    await lookup.lookup(['gone-c']);

    // Misses: a, b, c, then d, then c again once its negative TTL passed. Hits: a and c.
    expect(lookup.stats()).toEqual({ hits: 2, misses: 5, fetches: 4 });
  });

  it('gives a key the fetcher leaves out the missing outcome, and caches it as such', async () => {
    const { lookup, batches } = lookupWith({ missingOutcome: { status: 'not_found' } });

    const outcomes = await lookup.lookup(['gone-x']);
    await lookup.lookup(['gone-x']);

    expect(outcomes.get('gone-x')).toEqual({ status: 'not_found' });
    expect(batches).toHaveLength(1);
  });
});

describe('runWithConcurrency', () => {
  it('keeps the order of the items in its promises, whatever order the work finishes in', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];

    const promises = runWithConcurrency([0, 1, 2], 3, async (item) => {
      await gates[item]?.promise;
      return item * 10;
    });
    gates[2]?.resolve();
    gates[0]?.resolve();
    gates[1]?.resolve();

    expect(await Promise.all(promises)).toEqual([0, 10, 20]);
  });

  it('never runs more than the limit at once and starts the next item as one finishes', async () => {
    let running = 0;
    let mostRunning = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred<void>());

    const promises = runWithConcurrency([0, 1, 2, 3, 4], 2, async (item) => {
      started.push(item);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await gates[item]?.promise;
      running -= 1;
      return item;
    });
    await settle();
    const startedFirst = [...started];
    gates[1]?.resolve();
    await settle();
    const startedSecond = [...started];
    for (const gate of gates) gate.resolve();
    await Promise.all(promises);

    expect(startedFirst).toEqual([0, 1]);
    expect(startedSecond).toEqual([0, 1, 2]);
    expect(mostRunning).toBe(2);
  });

  it('releases its slot when work fails, so the rest still run', async () => {
    const promises = runWithConcurrency([0, 1, 2], 1, (item) => (item === 0 ? Promise.reject(new Error('first failed')) : Promise.resolve(item)));

    const settled = await Promise.allSettled(promises);

    expect(settled.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });

  it('treats a concurrency below 1 as 1', async () => {
    let running = 0;
    let mostRunning = 0;

    await Promise.all(
      runWithConcurrency([1, 2, 3], 0, async (item) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await settle();
        running -= 1;
        return item;
      }),
    );

    expect(mostRunning).toBe(1);
  });
});
