import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/seeded-random.js';

function take(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => random());
}

describe('seededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    expect(take(seededRandom(20260601), 50)).toEqual(take(seededRandom(20260601), 50));
  });

  it('gives another sequence for another seed', () => {
    expect(take(seededRandom(1), 5)).not.toEqual(take(seededRandom(2), 5));
  });

  it('stays in [0, 1) and spreads evenly over ten buckets', () => {
    // Act
    const numbers = take(seededRandom(7), 10_000);
    const buckets = Array.from({ length: 10 }, (_, bucket) => numbers.filter((number) => Math.floor(number * 10) === bucket).length);

    // Assess
    expect(numbers.every((number) => number >= 0 && number < 1)).toBe(true);
    expect(Math.min(...buckets)).toBeGreaterThan(900);
    expect(Math.max(...buckets)).toBeLessThan(1100);
  });

  it('treats seeds as unsigned 32-bit integers', () => {
    expect(take(seededRandom(-1), 3)).toEqual(take(seededRandom(0xffffffff), 3));
  });
});
