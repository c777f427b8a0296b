/**
 * Space-Saving (Metwally, Agrawal, El Abbadi, 2005): the heaviest keys of a stream in a fixed
 * number of counters, whatever the number of distinct keys.
 *
 * Guarantees, with N the total weight added and k the capacity:
 * - every key whose true weight exceeds N / k is among the counters;
 * - a counter never under-counts: `count >= true weight`, and `count - overcount <= true weight`,
 *   where `overcount <= N / k` is the counter's own bound (the minimum it took over).
 */
export interface HeavyHitter {
  readonly key: string;
  /** An upper bound on the key's true weight. */
  readonly count: number;
  /** How much `count` may exceed the true weight: the true weight is in [count - overcount, count]. */
  readonly overcount: number;
}

export interface HeavyHitters {
  /** Adds `weight` (default 1, must be positive) to `key`. */
  add(key: string, weight?: number): void;
  /** The `limit` heaviest counters, heaviest first (ties by key, for stable output). */
  top(limit: number): HeavyHitter[];
  /** Total weight added: N in the N / k bound. */
  readonly total: number;
  readonly capacity: number;
  /** The largest possible over-count of any counter: N / k, or 0 while every key still has its own counter. */
  readonly errorBound: number;
}

interface Counter {
  key: string;
  count: number;
  overcount: number;
  /** Position in the heap, kept in step so an increment is O(log k). */
  position: number;
}

/**
 * Creates a Space-Saving summary with `capacity` counters; memory is O(capacity).
 *
 * @example
 * const rejected = createHeavyHitters(1000);
 * rejected.add('192.0.2.7');
 * rejected.top(20) // [{ key: '192.0.2.7', count: 1, overcount: 0 }]
 */
export function createHeavyHitters(capacity: number): HeavyHitters {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const byKey = new Map<string, Counter>();
  // A min-heap on count: the counter to replace is always at the root.
  const heap: Counter[] = [];
  let total = 0;
  let evicted = false;

  const swap = (a: number, b: number): void => {
    const first = heap[a] as Counter;
    const second = heap[b] as Counter;
    heap[a] = second;
    heap[b] = first;
    second.position = a;
    first.position = b;
  };
  const siftDown = (from: number): void => {
    let index = from;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && (heap[left] as Counter).count < (heap[smallest] as Counter).count) smallest = left;
      if (right < heap.length && (heap[right] as Counter).count < (heap[smallest] as Counter).count) smallest = right;
      if (smallest === index) return;
      swap(index, smallest);
      index = smallest;
    }
  };
  const siftUp = (from: number): void => {
    let index = from;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as Counter).count <= (heap[index] as Counter).count) return;
      swap(index, parent);
      index = parent;
    }
  };

  return {
    add(key, weight = 1) {
      if (!(weight > 0)) return;
      total += weight;
      const known = byKey.get(key);
      if (known !== undefined) {
        known.count += weight;
        siftDown(known.position);
        return;
      }
      if (heap.length < capacity) {
        const counter: Counter = { key, count: weight, overcount: 0, position: heap.length };
        heap.push(counter);
        byKey.set(key, counter);
        siftUp(counter.position);
        return;
      }
      // Full: the new key takes over the smallest counter and inherits its count as possible error.
      evicted = true;
      const smallest = heap[0] as Counter;
      byKey.delete(smallest.key);
      smallest.overcount = smallest.count;
      smallest.count += weight;
      smallest.key = key;
      byKey.set(key, smallest);
      siftDown(0);
    },
    top(limit) {
      return [...heap]
        .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, Math.max(0, limit))
        .map(({ key, count, overcount }) => ({ key, count, overcount }));
    },
    get total() {
      return total;
    },
    capacity,
    get errorBound() {
      return evicted ? total / capacity : 0;
    },
  };
}
