import { describe, expect, it } from 'vitest';
import { createAddressSet } from '../../../src/net/address-set.js';
import { cidrContains, cidrFamily, cidrHostBits, commonPrefixLength, commonSupernet, formatCidr, parseCidr, type Cidr } from '../../../src/net/cidr.js';
import { parseIpAddress, type IpAddress } from '../../../src/net/ip-address.js';

function address(text: string): IpAddress {
  const parsed = parseIpAddress(text);
  if (parsed === undefined) throw new Error(`not an address: ${text}`);
  return parsed;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`not a CIDR: ${text}`);
  return parsed;
}

describe('parseIpAddress', () => {
  it('reads an IPv4 address as one unsigned 32-bit value', () => {
    expect(parseIpAddress('192.0.2.1')).toEqual({ family: 4, value: 0xc0000201 });
  });

  it('reads equal IPv6 addresses in different spellings as the same four words', () => {
    expect(parseIpAddress('2001:DB8::1')).toEqual(parseIpAddress('2001:0db8:0:0:0:0:0:0001'));
    expect(parseIpAddress('2001:db8::1')).toEqual({ family: 6, words: [0x20010db8, 0, 0, 1] });
  });

  it('refuses text that is no address', () => {
    expect(parseIpAddress('10.0.0.256')).toBeUndefined();
    expect(parseIpAddress('-')).toBeUndefined();
    expect(parseIpAddress('2001:db8:::1')).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('ignores host bits as EC2 does when it canonicalises a CIDR', () => {
    const cidr = parseCidr('100.68.0.18/18');

    expect(cidr !== undefined && cidrContains(cidr, address('100.68.63.255'))).toBe(true);
    expect(cidr !== undefined && cidrContains(cidr, address('100.68.64.0'))).toBe(false);
  });

  it('refuses a prefix length beyond the family or written oddly', () => {
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
    expect(parseCidr('10.0.0.0/')).toBeUndefined();
  });

  it('keeps the families apart: 0.0.0.0/0 holds no IPv6 address and ::/0 no IPv4 one', () => {
    const anyIpv4 = parseCidr('0.0.0.0/0');
    const anyIpv6 = parseCidr('::/0');

    expect(anyIpv4 !== undefined && cidrContains(anyIpv4, address('2001:db8::1'))).toBe(false);
    expect(anyIpv6 !== undefined && cidrContains(anyIpv6, address('192.0.2.1'))).toBe(false);
    expect(anyIpv6 !== undefined && cidrContains(anyIpv6, address('::ffff:192.0.2.1'))).toBe(true);
  });

  it('compares IPv6 prefixes that end inside a word', () => {
    const cidr = parseCidr('2001:db8:abcd:12::/63');

    expect(cidr !== undefined && cidrContains(cidr, address('2001:db8:abcd:13:ffff::1'))).toBe(true);
    expect(cidr !== undefined && cidrContains(cidr, address('2001:db8:abcd:14::1'))).toBe(false);
  });
});

describe('createAddressSet', () => {
  it('holds single addresses and blocks of both families', () => {
    const matcher = createAddressSet(['10.0.1.17', '10.0.2.0/28', '2001:db8::5', '2001:db8:1::/48']);

    expect(matcher.contains(address('10.0.1.17'))).toBe(true);
    expect(matcher.contains(address('10.0.2.15'))).toBe(true);
    expect(matcher.contains(address('10.0.2.16'))).toBe(false);
    expect(matcher.contains(address('2001:0db8:0::5'))).toBe(true);
    expect(matcher.contains(address('2001:db8:1:ffff::9'))).toBe(true);
    expect(matcher.contains(address('2001:db8:2::9'))).toBe(false);
  });

  it('says it is empty when it understood no entry', () => {
    expect(createAddressSet(['not-a-cidr', '']).empty).toBe(true);
    expect(createAddressSet(['10.0.0.0/8']).empty).toBe(false);
  });
});

describe('commonSupernet', () => {
  it('gives the smallest block holding two blocks of one family', () => {
    const supernet = commonSupernet(cidr('10.0.1.0/24'), cidr('10.0.2.0/24'));

    expect(supernet && formatCidr(supernet)).toBe('10.0.0.0/22');
  });

  it('never widens past the shorter of the two prefixes', () => {
    const supernet = commonSupernet(cidr('2001:db8::/32'), cidr('2001:db8:1::/48'));

    expect(supernet && formatCidr(supernet)).toBe('2001:db8::/32');
  });

  it('has none across families', () => {
    expect(commonSupernet(cidr('0.0.0.0/0'), cidr('::/0'))).toBeUndefined();
  });
});

describe('formatCidr', () => {
  it('writes IPv6 blocks in RFC 5952 form and IPv4-mapped ones with their dotted quad', () => {
    expect(formatCidr(cidr('2001:DB8:0:0::/32'))).toBe('2001:db8::/32');
    expect(formatCidr(cidr('::ffff:c000:201'))).toBe('::ffff:192.0.2.1/128');
    expect(formatCidr(cidr('10.1.2.3/8'))).toBe('10.0.0.0/8');
  });

  it('tells the family and the host bits of a block', () => {
    expect(cidrFamily(cidr('10.0.0.0/8'))).toBe(4);
    expect(cidrHostBits(cidr('10.0.0.0/8'))).toBe(24);
    expect(cidrHostBits(cidr('2001:db8::/32'))).toBe(96);
  });
});

describe('commonPrefixLength', () => {
  it('counts the leading bits two addresses share', () => {
    expect(commonPrefixLength(address('10.0.0.1'), address('10.0.0.3'))).toBe(30);
    expect(commonPrefixLength(address('2001:db8::1'), address('2001:db8::1'))).toBe(128);
    expect(commonPrefixLength(address('10.0.0.1'), address('::1'))).toBeUndefined();
  });
});
