import { describe, expect, it } from 'vitest';
import { isIPv4Address, isIPv6Address } from '../../../src/net/ip-address.js';

describe('isIPv4Address', () => {
  it.each(['0.0.0.0', '10.0.1.5', '198.51.100.255', '255.255.255.255'])('accepts %s', (text) => {
    expect(isIPv4Address(text)).toBe(true);
  });

  it.each(['', '10.0.1', '10.0.1.5.6', '256.0.0.1', '10.0.01.5', '10..1.5', '10.0.1.', '.10.0.1', '10.0.1.5 ', '1e1.0.0.1'])('rejects %j', (text) => {
    expect(isIPv4Address(text)).toBe(false);
  });

  it('checks the text from an offset', () => {
    expect(isIPv4Address('::ffff:192.0.2.1', 7)).toBe(true);
  });
});

describe('isIPv6Address', () => {
  it.each([
    '::',
    '::1',
    '2001:db8::',
    '2a02:cf40::',
    '2001:db8:1234:a100:8d6e:3477:df66:f105',
    '2001:DB8::A',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '::ffff:192.0.2.1',
    '64:ff9b::198.51.100.7',
    '1:2:3:4:5:6:192.0.2.1',
  ])('accepts %s', (text) => {
    expect(isIPv6Address(text)).toBe(true);
  });

  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    '2001:db8:g::1',
    ':1::',
    '1:',
    '1:2:3:4:5:6:7:192.0.2.1',
    '::192.0.2.01',
    'fe80::1%eth0',
    '192.0.2.1',
  ])('rejects %j', (text) => {
    expect(isIPv6Address(text)).toBe(false);
  });
});
