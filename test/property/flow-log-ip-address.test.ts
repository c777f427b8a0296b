import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIPv4Address, isIPv6Address } from '../../src/net/ip-address.js';

/** Strings over the characters of addresses, so most inputs come close to being one. */
const addressLike = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:.%'), maxLength: 48 });

/** Valid addresses with a character changed, dropped or added. */
function mutated(address: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(address, fc.nat(), fc.constantFrom(...'0159afF:.%x'), fc.constantFrom('replace', 'drop', 'insert')).map(([text, position, character, how]) => {
    const at = position % (text.length + 1);
    if (how === 'drop') return text.slice(0, at) + text.slice(at + 1);
    if (how === 'insert') return text.slice(0, at) + character + text.slice(at);
    return text.slice(0, at) + character + text.slice(at + 1);
  });
}

const candidates = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6(),
  mutated(fc.ipV4()),
  mutated(fc.ipV6()),
  addressLike,
  fc.string({ unit: 'binary' }),
);

describe('isIPv4Address (property)', () => {
  it('agrees with node:net isIPv4 on every string', () => {
    fc.assert(
      fc.property(candidates, (text) => {
        expect(isIPv4Address(text)).toBe(isIPv4(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('isIPv6Address (property)', () => {
  // node:net accepts a zone index (fe80::1%eth0); flow logs never carry one, so ours does not.
  it('agrees with node:net isIPv6 on every string without a zone index', () => {
    fc.assert(
      fc.property(candidates, (text) => {
        const expected = text.includes('%') ? false : isIPv6(text);

        expect(isIPv6Address(text)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects exactly the zone-indexed addresses node:net accepts', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.stringMatching(/^[0-9a-zA-Z]{1,8}$/), (address, zone) => {
        expect([isIPv6(`${address}%${zone}`), isIPv6Address(`${address}%${zone}`)]).toStrictEqual([true, false]);
      }),
    );
  });
});
