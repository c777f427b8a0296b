/**
 * Counts distinct strings in bounded memory: exactly while there are at most `exactLimit` of
 * them, then with a HyperLogLog estimate (Flajolet et al., 2007) over 2^precision registers,
 * whose standard error is about 1.04 / sqrt(2^precision) (3.25% at the default precision 10).
 */
export interface DistinctCounter {
  add(value: string): void;
  /** The count: exact when `exact`, else the HyperLogLog estimate, rounded. */
  count(): DistinctCount;
}

export interface DistinctCount {
  readonly value: number;
  /** False once the exact limit was passed and `value` is an estimate. */
  readonly exact: boolean;
}

/** Distinct values counted exactly before switching to an estimate. */
export const DEFAULT_EXACT_DISTINCT_LIMIT = 1_024;
const DEFAULT_PRECISION = 10;

/**
 * @example
 * const peers = createDistinctCounter();
 * peers.add('192.0.2.1'); peers.add('192.0.2.1');
 * peers.count() // { value: 1, exact: true }
 */
export function createDistinctCounter(options: { exactLimit?: number; precision?: number } = {}): DistinctCounter {
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_DISTINCT_LIMIT;
  const precision = options.precision ?? DEFAULT_PRECISION;
  let exact: Set<string> | undefined = new Set();
  let registers: Uint8Array | undefined;

  const addToSketch = (sketch: Uint8Array, value: string): void => {
    const hash = hash32(value);
    const index = hash >>> (32 - precision);
    // Rank: position of the first 1 bit in the remaining bits (1-based), capped when they are all zero.
    const rest = (hash << precision) >>> 0;
    const rank = rest === 0 ? 32 - precision + 1 : Math.clz32(rest) + 1;
    if (rank > (sketch[index] ?? 0)) sketch[index] = rank;
  };

  return {
    add(value) {
      if (exact !== undefined) {
        exact.add(value);
        if (exact.size <= exactLimit) return;
        registers = new Uint8Array(1 << precision);
        for (const known of exact) addToSketch(registers, known);
        exact = undefined;
        return;
      }
      addToSketch(registers as Uint8Array, value);
    },
    count() {
      if (exact !== undefined) return { value: exact.size, exact: true };
      return { value: Math.round(estimate(registers as Uint8Array)), exact: false };
    },
  };
}

function estimate(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (const register of registers) {
    sum += 2 ** -register;
    if (register === 0) zeros += 1;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  // Small-range correction: linear counting is more accurate while many registers are empty.
  return raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
}

/** FNV-1a over UTF-16 code units, then MurmurHash3's finaliser so every output bit is mixed. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
