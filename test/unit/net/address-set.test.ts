import { describe, expect, it } from 'vitest';
import { createAddressSet } from '../../../src/net/address-set.js';
import { parseIPv4, parseIPv6Groups } from '../../../src/net/ip-address.js';

describe('createAddressSet', () => {
  it('contains each IPv4 address it was given and no other', () => {
    const addresses = createAddressSet(['10.0.1.17', '10.0.1.117']);

    expect(addresses.has('10.0.1.17')).toBe(true);
    expect(addresses.has('10.0.1.117')).toBe(true);
    expect(addresses.has('10.0.1.18')).toBe(false);
  });

  it('contains every address of an IPv4 block and none outside it', () => {
    const addresses = createAddressSet(['10.0.2.16/28']);

    expect(addresses.has('10.0.2.16')).toBe(true);
    expect(addresses.has('10.0.2.31')).toBe(true);
    expect(addresses.has('10.0.2.15')).toBe(false);
    expect(addresses.has('10.0.2.32')).toBe(false);
  });

  it('treats an IPv4 block with host bits set as its network', () => {
    const addresses = createAddressSet(['10.0.0.5/24']);

    expect(addresses.has('10.0.0.200')).toBe(true);
    expect(addresses.has('10.0.1.5')).toBe(false);
  });

  it('contains every IPv4 address for 0.0.0.0/0 but no IPv6 address', () => {
    const addresses = createAddressSet(['0.0.0.0/0']);

    expect(addresses.has('255.255.255.255')).toBe(true);
    expect(addresses.has('0.0.0.0')).toBe(true);
    expect(addresses.has('2001:db8::1')).toBe(false);
  });

  it('matches an IPv6 address whatever its text form', () => {
    const addresses = createAddressSet(['2001:db8::a:1']);

    expect(addresses.has('2001:0DB8:0000:0000:0000:0000:000a:0001')).toBe(true);
    expect(addresses.has('2001:db8:0:0::a:1')).toBe(true);
    expect(addresses.has('2001:db8::a:2')).toBe(false);
  });

  it('contains every address of an IPv6 block whose prefix is not a multiple of 16 bits', () => {
    const addresses = createAddressSet(['2001:db8:1:a0::/60']);

    expect(addresses.has('2001:db8:1:a0::1')).toBe(true);
    expect(addresses.has('2001:db8:1:af:ffff:ffff:ffff:ffff')).toBe(true);
    expect(addresses.has('2001:db8:1:b0::')).toBe(false);
    expect(addresses.has('2001:db8:1:9f::')).toBe(false);
  });

  it('keeps IPv4 and IPv4-mapped IPv6 addresses apart', () => {
    const addresses = createAddressSet(['192.0.2.1']);

    expect(addresses.has('::ffff:192.0.2.1')).toBe(false);
  });

  it('ignores entries that are neither addresses nor blocks', () => {
    const addresses = createAddressSet(['not-an-address', '10.0.0.0/33', '10.0.0.0/', '2001:db8::/129', '10.0.0.1']);

    expect(addresses.has('10.0.0.1')).toBe(true);
    expect(addresses.has('10.0.0.2')).toBe(false);
    expect(addresses.has('2001:db8::1')).toBe(false);
  });

  it('answers false for text that is not an address', () => {
    const addresses = createAddressSet(['0.0.0.0/0', '::/0']);

    expect(addresses.has('-')).toBe(false);
    expect(addresses.has('')).toBe(false);
    expect(addresses.has('10.0.0.256')).toBe(false);
    expect(addresses.has('2001:db8:::1')).toBe(false);
  });
});

describe('parseIPv4', () => {
  it('reads a dotted quad as an unsigned 32-bit value', () => {
    expect(parseIPv4('192.0.2.1')).toBe(192 * 2 ** 24 + 2 * 2 ** 8 + 1);
    expect(parseIPv4('255.255.255.255')).toBe(2 ** 32 - 1);
  });

  it('refuses leading zeros, missing octets and out-of-range octets', () => {
    expect(parseIPv4('010.0.0.1')).toBeUndefined();
    expect(parseIPv4('10.0.1')).toBeUndefined();
    expect(parseIPv4('10.0.0.1.2')).toBeUndefined();
    expect(parseIPv4('10.0.0.256')).toBeUndefined();
  });
});

describe('parseIPv6Groups', () => {
  it('expands :: to the missing zero groups', () => {
    expect(parseIPv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6Groups('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6Groups('fe80::')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('reads a trailing dotted quad as the last two groups', () => {
    expect(parseIPv6Groups('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
  });

  it('refuses two ::, too many groups, long groups and zone indexes', () => {
    expect(parseIPv6Groups('2001::db8::1')).toBeUndefined();
    expect(parseIPv6Groups('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIPv6Groups('1:2:3:4:5:6:7::8')).toBeUndefined();
    expect(parseIPv6Groups('2001:db8::12345')).toBeUndefined();
    expect(parseIPv6Groups('fe80::1%eth0')).toBeUndefined();
  });
});
