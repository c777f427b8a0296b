import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr, type Cidr } from '../../../src/net/index.js';
import { exactCidrSize, suggestCidrBlocks } from '../../../src/report/peer-prefix-summary.js';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`not a CIDR: ${text}`);
  return parsed;
}

describe('suggestCidrBlocks', () => {
  it('merges the IPv6 neighbours that add the fewest addresses even when a float would call the two costs equal', () => {
    // Arrange: both pairs merge into a /64; the first adds 2^64 - 2 addresses, the second 2^64 - 3.
    const blocks = ['2001:db8::1', '2001:db8::8000:0:0:0', '2001:db8:0:1::', '2001:db8:0:1:8000::/127'].map(cidr);

    // Act
    const suggested = suggestCidrBlocks(blocks, 3);

    // Assess
    expect(suggested.map(formatCidr)).toEqual(['2001:db8::1/128', '2001:db8:0:0:8000::/128', '2001:db8:0:1::/64']);
  });
});

describe('exactCidrSize', () => {
  it('counts the addresses of a block exactly, up to all of IPv6', () => {
    // Act / Assess
    expect([exactCidrSize(cidr('192.0.2.0/24')), exactCidrSize(cidr('2001:db8::/64')) - 3n, exactCidrSize(cidr('::/0'))]).toEqual([256n, 18446744073709551613n, 1n << 128n]);
  });
});
