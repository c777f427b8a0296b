import { BlockList, isIP } from 'node:net';
import { parseIPv4 } from './address-set.js';

/**
 * IPv4 networks that never appear as a public peer on the internet, so geolocating them would only
 * waste a provider call. From the IANA special-purpose registry; the documentation ranges
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are deliberately absent so samples geolocate.
 */
const NON_PUBLIC_IPV4_NETWORKS: readonly (readonly [network: string, prefix: number])[] = [
  ['0.0.0.0', 8], // "this network", includes the unspecified address
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, includes the instance metadata service
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes the limited broadcast address
];

/** IPv6 counterparts. IPv4-mapped addresses (::ffff:0:0/96) are judged by their IPv4 part. */
const NON_PUBLIC_IPV6_NETWORKS: readonly (readonly [network: string, prefix: number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard-only
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const nonPublic = new BlockList();
for (const [network, prefix] of NON_PUBLIC_IPV4_NETWORKS) nonPublic.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of NON_PUBLIC_IPV6_NETWORKS) nonPublic.addSubnet(network, prefix, 'ipv6');

/** The IPv4 list as [first address, mask] pairs, for the fast path. */
const NON_PUBLIC_IPV4_RANGES: readonly (readonly [base: number, mask: number])[] = NON_PUBLIC_IPV4_NETWORKS.map(([network, prefix]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [((parseIPv4(network) ?? 0) & mask) >>> 0, mask] as const;
});

/**
 * Whether an address may be geolocated: false for private, shared, loopback, link-local, unique
 * local, unspecified, multicast and reserved addresses (also in IPv4-mapped IPv6 form) and for text
 * that is not an address; true otherwise, documentation ranges included.
 *
 * `BlockList.check` costs about 3 µs a call, and a 3 MB Firehose batch holds 40,000 addresses, so
 * plain dotted quads take a hand-rolled path that a property test holds to the same answers.
 *
 * @example
 * isPublicAddress('203.0.113.7'); // true
 * isPublicAddress('10.0.1.5');    // false
 * isPublicAddress('::ffff:192.168.1.1'); // false
 */
export function isPublicAddress(address: string): boolean {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== undefined) {
    for (const [base, mask] of NON_PUBLIC_IPV4_RANGES) {
      if (((ipv4 & mask) >>> 0) === base) return false;
    }
    return true;
  }
  switch (isIP(address)) {
    case 4:
      return !nonPublic.check(address, 'ipv4');
    case 6:
      // A zone index (`fe80::1%eth0`) only qualifies link-local addresses.
      return !address.includes('%') && !nonPublic.check(address, 'ipv6');
    default:
      return false;
  }
}
