import fc from 'fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../../src/net/special-networks.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((octets) => octets.join('.'));

/** A random address inside `first/prefix` (IPv4). */
function ipv4In(first: string, prefix: number): fc.Arbitrary<string> {
  const base = first.split('.').reduce((value, part) => value * 256 + Number(part), 0);
  return fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((host) => {
    const value = base + host;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
  });
}

const hexGroup = fc.integer({ min: 0, max: 0xffff }).map((group) => group.toString(16));

/** A random IPv6 address whose first group is drawn from [low, high]. */
function ipv6WithFirstGroup(low: number, high: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: low, max: high }), fc.array(hexGroup, { minLength: 7, maxLength: 7 }))
    .map(([first, rest]) => [first.toString(16), ...rest].join(':'));
}

describe('isPublicAddress (properties)', () => {
  it('gives a dotted quad the same answer as its IPv4-mapped IPv6 form, which takes the BlockList path', () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        expect(isPublicAddress(address)).toBe(isPublicAddress(`::ffff:${address}`));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['224.0.0.0', 4],
  ] as const)('says every address in %s/%i is not public', (first, prefix) => {
    fc.assert(
      fc.property(ipv4In(first, prefix), (address) => {
        expect(isPublicAddress(address)).toBe(false);
      }),
    );
  });

  it.each([
    ['192.0.2.0', 24],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
  ] as const)('says every documentation address in %s/%i is public', (first, prefix) => {
    fc.assert(
      fc.property(ipv4In(first, prefix), (address) => {
        expect(isPublicAddress(address)).toBe(true);
      }),
    );
  });

  it.each([
    ['unique local fc00::/7', 0xfc00, 0xfdff],
    ['link-local fe80::/10', 0xfe80, 0xfebf],
    ['multicast ff00::/8', 0xff00, 0xffff],
  ] as const)('says every %s address is not public', (_name, low, high) => {
    fc.assert(
      fc.property(ipv6WithFirstGroup(low, high), (address) => {
        expect(isPublicAddress(address)).toBe(false);
      }),
    );
  });

  it('says every address in 2001:db8::/32 is public, in lower or upper case', () => {
    const documentation = fc.array(hexGroup, { minLength: 6, maxLength: 6 }).map((rest) => ['2001', 'db8', ...rest].join(':'));
    fc.assert(
      fc.property(documentation, (address) => {
        expect(isPublicAddress(address)).toBe(true);
        expect(isPublicAddress(address.toUpperCase())).toBe(true);
      }),
    );
  });

  it('answers false for any text that is not an IP address, and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = isPublicAddress(text);
        if (isIP(text) === 0) expect(result).toBe(false);
        else expect(typeof result).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
