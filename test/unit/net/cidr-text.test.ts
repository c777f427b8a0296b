import { describe, expect, it } from 'vitest';
import { cidrContainsCidr, commonSupernet, formatCidr, parseCidr, type Cidr } from '../../../src/net/cidr.js';
import { formatIpAddress, type Ipv6Words } from '../../../src/net/ip-address.js';

// The cases of the report's former bigint CIDR module (src/report/cidr-block.ts), held against src/net.
const block = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`not a CIDR: ${text}`);
  return parsed;
};

describe('parseCidr', () => {
  it.each([
    ['203.0.113.9/24', '203.0.113.0/24'],
    ['203.0.113.9', '203.0.113.9/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8:0:0:1::1/64', '2001:db8::/64'],
    ['::/0', '::/0'],
  ])('reads %s as %s, host bits cleared', (text, expected) => {
    // Act / Assess
    expect(formatCidr(block(text))).toBe(expected);
  });

  it.each(['203.0.113.0/33', '2001:db8::/129', '203.0.113.0/x', '203.0.113/24', 'eni-0a1b', ''])('refuses %j', (text) => {
    // Act / Assess
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('formatIpAddress', () => {
  it.each([
    [[0x20010db8, 0, 0, 1], '2001:db8::1'],
    [[0x20010db8, 0, 0x00010000, 1], '2001:db8::1:0:0:1'],
    [[0x20010db8, 0x00010000, 0, 0x00010000], '2001:db8:1::1:0'],
    [[0x20010db8, 0x00010001, 0x00010001, 0x00010001], '2001:db8:1:1:1:1:1:1'],
    [[0, 0, 0, 0], '::'],
  ] satisfies [Ipv6Words, string][])('writes IPv6 as RFC 5952 does (%#)', (words, expected) => {
    // Act / Assess
    expect(formatIpAddress({ family: 6, words })).toBe(expected);
  });
});

describe('commonSupernet', () => {
  it.each([
    ['203.0.113.1', '203.0.113.2', '203.0.113.0/30'],
    ['192.0.2.0/25', '192.0.2.128/25', '192.0.2.0/24'],
    ['10.0.0.0/8', '10.1.2.3', '10.0.0.0/8'],
    ['2001:db8:cc::1', '2001:db8:dd::1', '2001:db8:c0::/43'],
  ])('of %s and %s is %s', (a, b, expected) => {
    // Act / Assess
    const supernet = commonSupernet(block(a), block(b));
    expect(supernet === undefined ? undefined : formatCidr(supernet)).toBe(expected);
  });
});

describe('cidrContainsCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.200.0.0/16', true],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['::/0', '0.0.0.0/0', false],
  ])('%s holds %s: %s', (outer, inner, expected) => {
    // Act / Assess
    expect(cidrContainsCidr(block(outer), block(inner))).toBe(expected);
  });
});
