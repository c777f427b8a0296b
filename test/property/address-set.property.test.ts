import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAddressSet } from '../../src/net/address-set.js';
import { parseIPv4, parseIPv6Groups } from '../../src/net/ip-address.js';

// BlockList checks an IPv4 address against IPv6 rules too, through its IPv4-mapped form
// (::/0 then contains 0.0.0.0). Security-group rules keep the families apart, and so does the
// address set, so each family is compared with a BlockList holding only that family's entries.
const ipv6 = fc.ipV6();

const entry = fc.oneof(
  fc.ipV4(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([address, length]) => `${address}/${length}`),
  ipv6,
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([address, length]) => `${address}/${length}`),
);

type Family = 'ipv4' | 'ipv6';
const familyOf = (address: string): Family => (isIP(address) === 4 ? 'ipv4' : 'ipv6');

function blockListOf(entries: readonly string[], family: Family): BlockList {
  const blockList = new BlockList();
  for (const text of entries) {
    const [address = '', length] = text.split('/');
    const type = familyOf(address);
    if (type !== family) continue;
    if (length === undefined) blockList.addAddress(address, type);
    else blockList.addSubnet(address, Number(length), type);
  }
  return blockList;
}

describe('createAddressSet', () => {
  it('agrees with node:net BlockList on every address', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.array(fc.oneof(fc.ipV4(), ipv6), { maxLength: 8 }), (entries, probes) => {
        const addresses = createAddressSet(entries);
        const blockLists = { ipv4: blockListOf(entries, 'ipv4'), ipv6: blockListOf(entries, 'ipv6') };
        // Probing the entries' own network addresses exercises the inside of every block.
        const candidates = [...probes, ...entries.map((text) => text.split('/')[0] ?? '')];
        for (const candidate of candidates) {
          const family = familyOf(candidate);
          expect(addresses.has(candidate)).toBe(blockLists[family].check(candidate, family));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('finds an address in a block exactly when their first prefix-length bits agree', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (network, probe, length) => {
        const toBits = (address: string): string =>
          address
            .split('.')
            .map((octet) => Number(octet).toString(2).padStart(8, '0'))
            .join('');
        const expected = toBits(network).slice(0, length) === toBits(probe).slice(0, length);

        expect(createAddressSet([`${network}/${length}`]).has(probe)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

// Text near the address grammar, so that both valid and almost-valid forms are common.
const addressLikeText = fc
  .array(fc.constantFrom('0', '1', '9', 'a', 'F', 'g', ':', '::', '.', '255', '256', '01', 'ffff', '%'), { maxLength: 16 })
  .map((parts) => parts.join(''));

describe('parseIPv6', () => {
  it('accepts exactly the texts node:net accepts as IPv6, zone indexes aside', () => {
    fc.assert(
      fc.property(fc.oneof(ipv6, addressLikeText), (text) => {
        const expected = isIP(text) === 6 && !text.includes('%');

        expect(parseIPv6Groups(text) !== undefined).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseIPv4', () => {
  it('accepts exactly the texts node:net accepts as IPv4', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), addressLikeText), (text) => {
        expect(parseIPv4(text) !== undefined).toBe(isIP(text) === 4);
      }),
      { numRuns: 2000 },
    );
  });
});
