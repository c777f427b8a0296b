import { describe, expect, it } from 'vitest';
import { EXPOSED_SERVICE_PORTS, NON_PUBLIC_SOURCE_CIDRS, WHOLE_INTERNET_CIDRS } from '../../../src/domain/security-concepts.js';
import { cidrHostBits, formatCidr, parseCidr } from '../../../src/net/cidr.js';
import { formatIpAddress } from '../../../src/net/ip-address.js';
import { DOCUMENTATION_NETWORKS, isPublicAddress } from '../../../src/net/special-networks.js';

describe('the security concepts', () => {
  it('lists each exposed port once, FTP, Telnet and Redshift included', () => {
    const ports = EXPOSED_SERVICE_PORTS.map(({ port }) => port);

    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).toEqual(expect.arrayContaining([21, 22, 23, 3389, 5439]));
  });

  it('gives query engines non-public networks in canonical form whose every address isPublicAddress refuses', () => {
    for (const text of NON_PUBLIC_SOURCE_CIDRS) {
      const cidr = parseCidr(text);
      if (cidr === undefined) throw new Error(`not a CIDR: ${text}`);
      // The first address, and for IPv4 the last one too.
      const addresses = [formatIpAddress(cidr.network)];
      if (cidr.network.family === 4) addresses.push(formatIpAddress({ family: 4, value: cidr.network.value + 2 ** cidrHostBits(cidr) - 1 }));

      expect(formatCidr(cidr)).toBe(text);
      expect(addresses.filter((address) => isPublicAddress(address))).toEqual([]);
    }
  });

  it('counts the documentation networks as the internet, so samples show exposures', () => {
    expect(DOCUMENTATION_NETWORKS.map(({ cidr }) => cidr).filter((cidr) => NON_PUBLIC_SOURCE_CIDRS.includes(cidr))).toEqual([]);
    expect(WHOLE_INTERNET_CIDRS.map((text) => parseCidr(text)?.prefixLength)).toEqual([0, 0]);
  });
});
