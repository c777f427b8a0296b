import { createHeavyHitters, type HeavyHitter, type HeavyHitters } from './space-saving.js';

/**
 * Weights per key, exact while there are at most `exactLimit` distinct keys; past that, the
 * heaviest `counters` keys seed a Space-Saving summary (their exact weights, overcount 0) and
 * counting goes on there. Seeding keeps Space-Saving's guarantees: a key dropped at the switch
 * weighed no more than the lightest seeded counter, so whatever counter it takes over later still
 * covers its earlier weight (never under-counts), and `count - overcount` is at most its weight.
 */
export interface BoundedRanking {
  add(key: string, weight?: number): void;
  /** The `limit` heaviest keys, heaviest first, ties by key. */
  top(limit: number): HeavyHitter[];
  readonly total: number;
  /** True while every key has its own exact count. */
  readonly exact: boolean;
  /** Largest possible over-count of any value: 0 while exact. */
  readonly errorBound: number;
}

/**
 * @example
 * const talkers = createBoundedRanking({ exactLimit: 10_000, counters: 1_000 });
 * talkers.add('203.0.113.7', 1_500);
 * talkers.top(10) // [{ key: '203.0.113.7', count: 1500, overcount: 0 }]
 */
export function createBoundedRanking(options: { exactLimit: number; counters: number }): BoundedRanking {
  let exact: Map<string, number> | undefined = new Map();
  let sketch: HeavyHitters | undefined;
  let total = 0;
  const switchToSketch = (weights: Map<string, number>): HeavyHitters => {
    const seeded = createHeavyHitters(Math.max(1, options.counters));
    const heaviest = [...weights].sort(([a, x], [b, y]) => y - x || compareKeys(a, b)).slice(0, options.counters);
    // Lightest first, so that no seeded key evicts another while the summary fills.
    for (const [key, weight] of heaviest.reverse()) seeded.add(key, weight);
    return seeded;
  };
  return {
    add(key, weight = 1) {
      if (!(weight > 0)) return;
      total += weight;
      if (exact !== undefined) {
        exact.set(key, (exact.get(key) ?? 0) + weight);
        if (exact.size <= options.exactLimit) return;
        sketch = switchToSketch(exact);
        exact = undefined;
        return;
      }
      (sketch as HeavyHitters).add(key, weight);
    },
    top(limit) {
      if (exact === undefined) return (sketch as HeavyHitters).top(limit);
      return [...exact]
        .sort(([a, x], [b, y]) => y - x || compareKeys(a, b))
        .slice(0, Math.max(0, limit))
        .map(([key, count]) => ({ key, count, overcount: 0 }));
    },
    get total() {
      return total;
    },
    get exact() {
      return exact !== undefined;
    },
    get errorBound() {
      // Everything added before the switch is exact; the sketch's own bound covers the rest.
      return exact !== undefined ? 0 : Math.max((sketch as HeavyHitters).errorBound, total / Math.max(1, options.counters));
    },
  };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
