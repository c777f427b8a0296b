import { describe, expect, it } from 'vitest';
import { createCachedGeoLocator, GEO_CHUNK_ADDRESSES } from '../../../src/adapters/cached-geo-locator.js';
import type { GeoLocator, GeoOutcome } from '../../../src/ports.js';
import { geoLocation, manualClock } from '../../support/geo-builders.js';

/** A locator answering from a table (unknown addresses not_found), recording each call. */
function tableLocator(table: Record<string, GeoOutcome>): GeoLocator & { readonly calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    locate(addresses) {
      calls.push([...addresses]);
      return Promise.resolve(new Map(addresses.map((address) => [address, table[address] ?? { status: 'not_found' }])));
    },
  };
}

const found: GeoOutcome = { status: 'found', value: geoLocation() };

describe('createCachedGeoLocator', () => {
  it('answers a repeated address from the cache', async () => {
    // Prepare
    const inner = tableLocator({ '203.0.113.7': found });
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });
    await geo.locate(['203.0.113.7']);

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual(found);
    expect(inner.calls).toEqual([['203.0.113.7']]);
    expect(geo.stats()).toEqual({ hits: 1, misses: 1, fetches: 1 });
  });

  it('passes every miss of a call to the inner locator at once', async () => {
    // Prepare
    const inner = tableLocator({});
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });
    const addresses = Array.from({ length: 300 }, (_, index) => `198.51.100.${index % 256}`);

    // Act
    await geo.locate(addresses);

    // Assess
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]).toHaveLength(256);
  });

  it('asks again for a location once its TTL has passed', async () => {
    // Prepare
    const inner = tableLocator({ '203.0.113.7': found });
    const clock = manualClock();
    const geo = createCachedGeoLocator(inner, { clock, ttlMs: 1000, negativeTtlMs: 100 });
    await geo.locate(['203.0.113.7']);
    clock.advance(999);
    await geo.locate(['203.0.113.7']);
    clock.advance(1);

    // Act
    await geo.locate(['203.0.113.7']);

    // Assess
    expect(inner.calls).toHaveLength(2);
  });

  it('keeps a not-found answer for the shorter negative TTL', async () => {
    // Prepare
    const inner = tableLocator({});
    const clock = manualClock();
    const geo = createCachedGeoLocator(inner, { clock, ttlMs: 1000, negativeTtlMs: 100 });
    await geo.locate(['192.0.2.1']);
    clock.advance(99);
    await geo.locate(['192.0.2.1']);
    clock.advance(1);

    // Act
    await geo.locate(['192.0.2.1']);

    // Assess
    expect(inner.calls).toHaveLength(2);
  });

  it.each<[string, GeoOutcome]>([
    ['failed', { status: 'failed', reason: 'timeout' }],
    ['quota_exceeded', { status: 'quota_exceeded' }],
  ])('does not keep a %s answer', async (_status, outcome) => {
    // Prepare
    const inner = tableLocator({ '203.0.113.7': outcome });
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });
    await geo.locate(['203.0.113.7']);

    // Act
    const again = await geo.locate(['203.0.113.7']);

    // Assess
    expect(again.get('203.0.113.7')).toEqual(outcome);
    expect(inner.calls).toHaveLength(2);
  });

  it('shares one inner request between concurrent look-ups of an address', async () => {
    // Prepare
    const inner = tableLocator({ '203.0.113.7': found });
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });

    // Act
    const [first, second] = await Promise.all([geo.locate(['203.0.113.7']), geo.locate(['203.0.113.7'])]);

    // Assess
    expect(first.get('203.0.113.7')).toEqual(found);
    expect(second.get('203.0.113.7')).toEqual(found);
    expect(inner.calls).toHaveLength(1);
  });

  it('turns an inner locator that throws into failed outcomes', async () => {
    // Prepare
    const inner: GeoLocator = { locate: () => Promise.reject(new TypeError('boom')) };
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'failed', reason: 'geolocation failed: TypeError' });
  });

  it('answers failed for an address the inner locator left out', async () => {
    // Prepare
    const inner: GeoLocator = { locate: () => Promise.resolve(new Map()) };
    const geo = createCachedGeoLocator(inner, { clock: manualClock() });

    // Act
    const outcomes = await geo.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')?.status).toBe('failed');
  });

  it('forgets the oldest addresses beyond maxEntries', async () => {
    // Prepare
    const inner = tableLocator({});
    const geo = createCachedGeoLocator(inner, { clock: manualClock(), maxEntries: 2 });
    await geo.locate(['192.0.2.1', '192.0.2.2', '192.0.2.3']);

    // Act
    await geo.locate(['192.0.2.1', '192.0.2.3']);

    // Assess
    expect(inner.calls).toEqual([['192.0.2.1', '192.0.2.2', '192.0.2.3'], ['192.0.2.1']]);
  });

  describe('with a time budget', () => {
    /** A locator that answers found at once, except for the addresses in `stalled`, which it never answers. */
    function stallingLocator(stalled: ReadonlySet<string>): GeoLocator & { readonly calls: string[][] } {
      const calls: string[][] = [];
      return {
        calls,
        locate(addresses) {
          calls.push([...addresses]);
          if (addresses.some((address) => stalled.has(address))) return new Promise(() => undefined);
          return Promise.resolve(new Map(addresses.map((address) => [address, found])));
        },
      };
    }
    const addresses = (count: number, third: number) => Array.from({ length: count }, (_, index) => `198.51.${third}.${index}`);

    it('answers what arrived in time and failed for the rest, naming the budget, once the time is up', async () => {
      // Prepare: the first chunk answers, the second never does.
      const first = addresses(GEO_CHUNK_ADDRESSES, 100);
      const second = addresses(10, 101);
      const geo = createCachedGeoLocator(stallingLocator(new Set(second)), { clock: manualClock(), timeBudgetMs: 30 });

      // Act
      const outcomes = await geo.locate([...first, ...second]);

      // Assess
      expect(outcomes.size).toBe(first.length + second.length);
      expect(first.every((address) => outcomes.get(address)?.status === 'found')).toBe(true);
      expect(second.map((address) => outcomes.get(address))).toEqual(second.map(() => ({ status: 'failed', reason: 'geolocation took longer than its time budget of 30 ms' })));
    });

    it('keeps the answers of every chunk, so the next batch finds them in the cache', async () => {
      // Prepare
      const inner = stallingLocator(new Set(['203.0.113.250']));
      const geo = createCachedGeoLocator(inner, { clock: manualClock(), timeBudgetMs: 30 });
      const answered = addresses(GEO_CHUNK_ADDRESSES * 2, 100);
      await geo.locate([...answered, '203.0.113.250']);

      // Act
      const again = await geo.locate(answered);

      // Assess: three chunks asked once; the second look-up came from the cache.
      expect(inner.calls.map((call) => call.length)).toEqual([GEO_CHUNK_ADDRESSES, GEO_CHUNK_ADDRESSES, 1]);
      expect([...again.values()].every((outcome) => outcome.status === 'found')).toBe(true);
    });

    it('asks for no further chunk once the time is up, so overrunning batches do not pile up requests', async () => {
      // Prepare: the first chunk answers, but only after the budget has run out.
      const calls: number[] = [];
      const slow: GeoLocator = {
        async locate(chunk) {
          calls.push(chunk.length);
          await new Promise((resolve) => setTimeout(resolve, 60));
          return new Map(chunk.map((address) => [address, found]));
        },
      };
      const geo = createCachedGeoLocator(slow, { clock: manualClock(), timeBudgetMs: 20 });
      const late = addresses(GEO_CHUNK_ADDRESSES + 10, 100);

      // Act: wait past the first chunk's answer.
      const outcomes = await geo.locate(late);
      await new Promise((resolve) => setTimeout(resolve, 120));

      // Assess: the first chunk landed in the cache, the second was never asked for.
      expect([...outcomes.values()].every((outcome) => outcome.status === 'failed')).toBe(true);
      expect(calls).toEqual([GEO_CHUNK_ADDRESSES]);
      expect((await geo.locate(late.slice(0, 3))).get(late[0] ?? '')).toEqual(found);
    });

    it('answers everything when the provider is in time, with no failed outcome', async () => {
      // Prepare
      const geo = createCachedGeoLocator(stallingLocator(new Set()), { clock: manualClock(), timeBudgetMs: 10_000 });

      // Act
      const outcomes = await geo.locate([...addresses(250, 100), '198.51.100.1']);

      // Assess
      expect(outcomes.size).toBe(250);
      expect([...outcomes.values()].filter((outcome) => outcome.status !== 'found')).toEqual([]);
    });
  });
});
