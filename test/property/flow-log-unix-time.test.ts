import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestampFromUnixSeconds } from '../../src/flow-log/unix-time.js';

/** The seconds a Date can represent: ±8.64e15 ms. */
const MAX_SECONDS = 8.64e12;

describe('isoTimestampFromUnixSeconds (property)', () => {
  it('agrees with Date#toISOString on every whole second a Date can represent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_SECONDS, max: MAX_SECONDS }), (seconds) => {
        expect(isoTimestampFromUnixSeconds(seconds)).toBe(new Date(seconds * 1000).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with Date#toISOString on flow-log era times in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_400_000_000, max: 2_000_000_000 }), { maxLength: 50 }), (times) => {
        expect(times.map(isoTimestampFromUnixSeconds)).toStrictEqual(times.map((seconds) => new Date(seconds * 1000).toISOString()));
      }),
    );
  });

  it('agrees with Date#toISOString on fractional seconds', () => {
    fc.assert(
      fc.property(fc.double({ min: -MAX_SECONDS, max: MAX_SECONDS, noNaN: true }), (seconds) => {
        expect(isoTimestampFromUnixSeconds(seconds)).toBe(new Date(seconds * 1000).toISOString());
      }),
    );
  });
});
