/**
 * A deterministic source of numbers in [0, 1) (mulberry32): the same seed gives the same sequence
 * on every machine, so generated samples, the local pipeline's retry jitter and test ground truths
 * are reproducible. Not for anything that must be unpredictable.
 *
 * @example
 * const random = seededRandom(20260601);
 * random(); // the same first number on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
