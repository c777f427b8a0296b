import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../../src/net/special-networks.js';

describe('isPublicAddress', () => {
  it.each([
    ['10.0.0.0'],
    ['10.255.255.255'],
    ['172.16.0.0'],
    ['172.31.255.255'],
    ['192.168.0.1'],
    ['100.64.0.0'],
    ['100.127.255.255'],
    ['127.0.0.1'],
    ['169.254.169.254'],
    ['0.0.0.0'],
    ['224.0.0.251'],
    ['255.255.255.255'],
  ])('says %s is not public', (address) => {
    // Act
    const result = isPublicAddress(address);

    // Assess
    expect(result).toBe(false);
  });

  it.each([['172.15.255.255'], ['172.32.0.0'], ['100.63.255.255'], ['100.128.0.0'], ['11.0.0.0'], ['192.167.255.255'], ['192.169.0.0'], ['169.253.255.255']])(
    'says %s, just outside a private range, is public',
    (address) => {
      // Act
      const result = isPublicAddress(address);

      // Assess
      expect(result).toBe(true);
    },
  );

  it.each([['192.0.2.1'], ['198.51.100.200'], ['203.0.113.7'], ['2001:db8::1'], ['2001:DB8:0:0:0:0:0:1']])(
    'treats the documentation address %s as public so samples geolocate',
    (address) => {
      // Act
      const result = isPublicAddress(address);

      // Assess
      expect(result).toBe(true);
    },
  );

  it.each([['::'], ['::1'], ['fe80::1'], ['febf:ffff::1'], ['fc00::1'], ['fd12:3456:789a::1'], ['ff02::1'], ['0:0:0:0:0:0:0:1']])(
    'says the IPv6 address %s is not public',
    (address) => {
      // Act
      const result = isPublicAddress(address);

      // Assess
      expect(result).toBe(false);
    },
  );

  it.each([['::ffff:10.1.2.3'], ['::ffff:192.168.0.1'], ['::FFFF:127.0.0.1'], ['::ffff:a01:203'], ['0:0:0:0:0:ffff:a9fe:a9fe']])(
    'judges the IPv4-mapped address %s by its IPv4 part',
    (address) => {
      // Act
      const result = isPublicAddress(address);

      // Assess
      expect(result).toBe(false);
    },
  );

  it('treats an IPv4-mapped public address as public', () => {
    // Act
    const result = isPublicAddress('::ffff:203.0.113.7');

    // Assess
    expect(result).toBe(true);
  });

  it.each([[''], ['-'], ['not-an-address'], ['010.0.0.1'], ['1.2.3'], ['1.2.3.4.5'], ['256.1.1.1'], ['203.0.113.7 '], ['fe80::1%eth0'], ['2001:db8::1::2']])(
    'says %j, which is not an address, is not public',
    (text) => {
      // Act
      const result = isPublicAddress(text);

      // Assess
      expect(result).toBe(false);
    },
  );
});
