import { describe, expect, it } from 'vitest';
import { blockContains, commonSupernet, formatAddress, formatCidrBlock, parseCidrBlock, type CidrBlock } from '../../../src/report/cidr-block.js';

const block = (text: string): CidrBlock => {
  const parsed = parseCidrBlock(text);
  if (parsed === undefined) throw new Error(`not a CIDR: ${text}`);
  return parsed;
};

describe('parseCidrBlock', () => {
  it.each([
    ['203.0.113.9/24', '203.0.113.0/24'],
    ['203.0.113.9', '203.0.113.9/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8:0:0:1::1/64', '2001:db8::/64'],
    ['::/0', '::/0'],
  ])('reads %s as %s, host bits cleared', (text, expected) => {
    // Act / Assess
    expect(formatCidrBlock(block(text))).toBe(expected);
  });

  it.each(['203.0.113.0/33', '2001:db8::/129', '203.0.113.0/x', '203.0.113/24', 'eni-0a1b', ''])('refuses %j', (text) => {
    // Act / Assess
    expect(parseCidrBlock(text)).toBeUndefined();
  });
});

describe('formatAddress', () => {
  it.each([
    [0x20010db8_00000000_00000000_00000001n, '2001:db8::1'],
    [0x20010db8_00000000_00010000_00000001n, '2001:db8::1:0:0:1'],
    [0x20010db8_00010000_00000000_00010000n, '2001:db8:1::1:0'],
    [0x20010db8_00010001_00010001_00010001n, '2001:db8:1:1:1:1:1:1'],
    [0n, '::'],
  ])('writes IPv6 as RFC 5952 does (%#)', (value, expected) => {
    // Act / Assess
    expect(formatAddress(value, 6)).toBe(expected);
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
    expect(formatCidrBlock(commonSupernet(block(a), block(b)))).toBe(expected);
  });
});

describe('blockContains', () => {
  it.each([
    ['10.0.0.0/8', '10.200.0.0/16', true],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/16', '10.1.0.0/16', false],
    ['::/0', '0.0.0.0/0', false],
  ])('%s holds %s: %s', (outer, inner, expected) => {
    // Act / Assess
    expect(blockContains(block(outer), block(inner))).toBe(expected);
  });
});
