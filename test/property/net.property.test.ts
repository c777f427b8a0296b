import fc from 'fast-check';
import { BlockList, isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAddressSet } from '../../src/net/address-set.js';
import { addressKey, cidrContains, cidrContainsCidr, cidrSize, commonSupernet, compareAddresses, formatCidr, parseCidr, sameAddress, type Cidr } from '../../src/net/cidr.js';
import { ADDRESS_BITS, formatIpAddress, parseIpAddress, unmapIPv4, type IpAddress } from '../../src/net/ip-address.js';
import { isPublicAddress, NON_PUBLIC_IPV4_NETWORKS, NON_PUBLIC_IPV6_NETWORKS } from '../../src/net/special-networks.js';

/** The address's bits, most significant first: the naive reference every integer shortcut must agree with. */
function bitsOf(address: IpAddress): number[] {
  const words = address.family === 4 ? [address.value] : [...address.words];
  return words.flatMap((word) => Array.from({ length: 32 }, (_, index) => (word >>> (31 - index)) & 1));
}

function naiveContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.network.family !== address.family) return false;
  const network = bitsOf(cidr.network);
  const bits = bitsOf(address);
  for (let index = 0; index < cidr.prefixLength; index += 1) if (network[index] !== bits[index]) return false;
  return true;
}

function parsed(text: string): IpAddress {
  const address = parseIpAddress(text);
  if (address === undefined) throw new Error(`not an address: ${text}`);
  return address;
}

const ipv4Text = fc.ipV4();
const ipv6Text = fc.ipV6();
const addressText = fc.oneof(ipv4Text, ipv6Text);

/** A CIDR of the address's family, any prefix length (host bits may be set, as people write them). */
const cidrText = fc.oneof(
  fc.tuple(ipv4Text, fc.integer({ min: 0, max: 32 })).map(([address, length]) => `${address}/${length}`),
  fc.tuple(ipv6Text, fc.integer({ min: 0, max: 128 })).map(([address, length]) => `${address}/${length}`),
);

/** An address that shares a random number of leading bits with `base` and has the rest random. */
function nearby(base: IpAddress): fc.Arbitrary<IpAddress> {
  const bits = ADDRESS_BITS[base.family];
  return fc.tuple(fc.integer({ min: 0, max: bits }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 })).map(([kept, random]) => {
    const mixWord = (word: number, index: number): number => {
      const keepInWord = Math.max(0, Math.min(32, kept - index * 32));
      const mask = keepInWord === 0 ? 0 : keepInWord === 32 ? 0xffffffff : (0xffffffff << (32 - keepInWord)) >>> 0;
      return ((word & mask) | ((random[index] ?? 0) & ~mask)) >>> 0;
    };
    if (base.family === 4) return { family: 4, value: mixWord(base.value, 0) };
    const [a, b, c, d] = base.words;
    return { family: 6, words: [mixWord(a, 0), mixWord(b, 1), mixWord(c, 2), mixWord(d, 3)] };
  });
}

const cidrAndAddress = cidrText.chain((text) => {
  const cidr = parseCidr(text);
  if (cidr === undefined) throw new Error(`generated an unparsable CIDR: ${text}`);
  return fc.tuple(fc.constant(cidr), fc.oneof(nearby(cidr.network), addressText.map(parsed)));
});

describe('src/net (properties)', () => {
  it('parses every CIDR it generates, and its containment agrees with a bit-by-bit comparison', () => {
    fc.assert(
      fc.property(cidrAndAddress, ([cidr, address]) => {
        expect(cidrContains(cidr, address)).toBe(naiveContains(cidr, address));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives an address set built from blocks the answer of the blocks one by one', () => {
    fc.assert(
      fc.property(fc.array(cidrText, { maxLength: 6 }), fc.array(addressText, { maxLength: 8 }), (blocks, addresses) => {
        const set = createAddressSet(blocks);
        const cidrs = blocks.map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== undefined);
        for (const text of [...addresses, ...blocks.map((block) => block.split('/')[0] ?? '')]) {
          const address = parsed(text);
          const expected = cidrs.some((cidr) => naiveContains(cidr, address));
          expect(set.contains(address)).toBe(expected);
          expect(set.has(text)).toBe(expected);
        }
      }),
    );
  });

  it('formats an address to text that parses back to it, in the canonical form Node.js writes', () => {
    fc.assert(
      fc.property(addressText, (text) => {
        const address = parsed(text);
        const formatted = formatIpAddress(address);

        expect(parseIpAddress(formatted)).toEqual(address);
        if (address.family === 4) expect(formatted).toBe(text);
        // The WHATWG URL serializer writes RFC 5952 text, except that it keeps IPv4-mapped addresses in hex.
        else if (unmapIPv4(address) === undefined) expect(formatted).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('formats a block to text that parses back to the same block', () => {
    fc.assert(
      fc.property(cidrText, (text) => {
        const cidr = parseCidr(text);
        expect(cidr && parseCidr(formatCidr(cidr))).toEqual(cidr);
      }),
    );
  });

  it('reads an IPv4-mapped IPv6 address as IPv6 that carries the IPv4 address, whatever its spelling', () => {
    fc.assert(
      fc.property(ipv4Text, (text) => {
        const ipv4 = parsed(text);
        if (ipv4.family !== 4) throw new Error('not IPv4');
        const dotted = parsed(`::ffff:${text}`);
        const hex = parsed(`0:0:0:0:0:ffff:${(ipv4.value >>> 16).toString(16)}:${(ipv4.value & 0xffff).toString(16)}`);

        expect(dotted.family).toBe(6);
        expect(hex).toEqual(dotted);
        expect(unmapIPv4(dotted)).toBe(ipv4.value);
        expect(formatIpAddress(dotted)).toBe(`::ffff:${text}`);
      }),
    );
  });

  it('finds the smallest common supernet: it holds both blocks, and one bit longer would not', () => {
    fc.assert(
      fc.property(cidrText, cidrText, (first, second) => {
        const a = parseCidr(first);
        const b = parseCidr(second);
        if (a === undefined || b === undefined) throw new Error('unparsable');
        const supernet = commonSupernet(a, b);
        if (a.network.family !== b.network.family) {
          expect(supernet).toBeUndefined();
          return;
        }
        if (supernet === undefined) throw new Error('no supernet within one family');
        expect(cidrContainsCidr(supernet, a) && cidrContainsCidr(supernet, b)).toBe(true);
        if (supernet.prefixLength < Math.min(a.prefixLength, b.prefixLength)) {
          const longer = parseCidr(`${formatIpAddress(a.network)}/${supernet.prefixLength + 1}`);
          expect(longer && cidrContainsCidr(longer, a) && cidrContainsCidr(longer, b)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('address order and keys (properties)', () => {
  it('orders addresses as their bits read left to right, IPv4 first, and keys them equal exactly when they are the same', () => {
    fc.assert(
      fc.property(addressText, addressText, (first, second) => {
        const a = parsed(first);
        const b = parsed(second);
        const bitOrder = a.family !== b.family ? a.family - b.family : bitsOf(a).join('').localeCompare(bitsOf(b).join(''));

        expect(Math.sign(compareAddresses(a, b))).toBe(Math.sign(bitOrder));
        expect(addressKey(a) === addressKey(b)).toBe(sameAddress(a, b));
        expect(sameAddress(a, b)).toBe(bitOrder === 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('sizes a block as two to the power of its host bits', () => {
    fc.assert(
      fc.property(cidrText, (text) => {
        const cidr = parseCidr(text);
        if (cidr === undefined) throw new Error('unparsable');
        expect(cidrSize(cidr)).toBe(2 ** ((cidr.network.family === 4 ? 32 : 128) - cidr.prefixLength));
      }),
    );
  });
});

describe('isPublicAddress (properties)', () => {
  // The reference is Node's BlockList over the same networks, which judges an IPv4-mapped IPv6
  // address by its IPv4 rules as we do; `isPublicAddress` only refuses zone indexes besides.
  const reference = new BlockList();
  for (const { cidr } of NON_PUBLIC_IPV4_NETWORKS) reference.addSubnet(cidr.split('/')[0] ?? '', Number(cidr.split('/')[1]), 'ipv4');
  for (const { cidr } of NON_PUBLIC_IPV6_NETWORKS) reference.addSubnet(cidr.split('/')[0] ?? '', Number(cidr.split('/')[1]), 'ipv6');
  const referenceIsPublic = (text: string): boolean => {
    const family = isIP(text);
    return family !== 0 && !text.includes('%') && !reference.check(text, family === 4 ? 'ipv4' : 'ipv6');
  };

  const nearSpecial = fc
    .constantFrom(...NON_PUBLIC_IPV4_NETWORKS, ...NON_PUBLIC_IPV6_NETWORKS)
    .chain(({ cidr }) => nearby(parseCidr(cidr)?.network ?? parsed('::')))
    .map(formatIpAddress);
  const mapped = ipv4Text.map((text) => `::ffff:${text}`);

  it('agrees with node:net BlockList over the same networks, in and around each of them and in IPv4-mapped form', () => {
    fc.assert(
      fc.property(fc.oneof(addressText, nearSpecial, mapped), (text) => {
        expect(isPublicAddress(text)).toBe(referenceIsPublic(text));
      }),
      { numRuns: 5000 },
    );
  });
});
