import { createAddressSet } from './address-set.js';
import { parseIPv4, parseIpAddress, unmapIPv4, type IpAddress } from './ip-address.js';

/** A network of the IANA special-purpose registries, and what it is. */
export interface SpecialNetwork {
  readonly cidr: string;
  readonly purpose: string;
}

/**
 * IPv4 networks that are never a peer on the public internet (IANA IPv4 Special-Purpose Address
 * Registry, "Globally Reachable: False", plus multicast and the reserved block). Geolocating them
 * would only waste a provider call, and a flow from them is not "from the internet".
 */
export const NON_PUBLIC_IPV4_NETWORKS: readonly SpecialNetwork[] = [
  { cidr: '0.0.0.0/8', purpose: '"this network", includes the unspecified address' },
  { cidr: '10.0.0.0/8', purpose: 'private (RFC 1918)' },
  { cidr: '100.64.0.0/10', purpose: 'shared address space (carrier-grade NAT)' },
  { cidr: '127.0.0.0/8', purpose: 'loopback' },
  { cidr: '169.254.0.0/16', purpose: 'link-local, includes the instance metadata service' },
  { cidr: '172.16.0.0/12', purpose: 'private (RFC 1918)' },
  { cidr: '192.0.0.0/24', purpose: 'IETF protocol assignments' },
  { cidr: '192.168.0.0/16', purpose: 'private (RFC 1918)' },
  { cidr: '198.18.0.0/15', purpose: 'benchmarking' },
  { cidr: '224.0.0.0/4', purpose: 'multicast' },
  { cidr: '240.0.0.0/4', purpose: 'reserved, includes the limited broadcast address 255.255.255.255' },
];

/**
 * IPv6 counterparts (IANA IPv6 Special-Purpose Address Registry). IPv4-mapped addresses
 * (`::ffff:0:0/96`) are not listed: they are judged by the IPv4 address they carry. The NAT64
 * well-known prefix `64:ff9b::/96` is globally reachable in the registry (RFC 6052 forbids it for
 * private IPv4 addresses), so its addresses stay public.
 */
export const NON_PUBLIC_IPV6_NETWORKS: readonly SpecialNetwork[] = [
  { cidr: '::/128', purpose: 'unspecified' },
  { cidr: '::1/128', purpose: 'loopback' },
  { cidr: '100::/64', purpose: 'discard-only' },
  { cidr: 'fc00::/7', purpose: 'unique local' },
  { cidr: 'fe80::/10', purpose: 'link-local' },
  { cidr: 'fec0::/10', purpose: 'site-local (deprecated)' },
  { cidr: 'ff00::/8', purpose: 'multicast' },
];

/** Both families: what "not from the internet" means in the decorator, the report, the dashboards and Athena. */
export const NON_PUBLIC_NETWORKS: readonly SpecialNetwork[] = [...NON_PUBLIC_IPV4_NETWORKS, ...NON_PUBLIC_IPV6_NETWORKS];

/**
 * Documentation networks (RFC 5737, RFC 3849). The registries mark them not globally reachable,
 * yet they are deliberately public here: examples, the bundled sample and tests use them for
 * internet peers, which should geolocate and count as the internet as real ones would.
 */
export const DOCUMENTATION_NETWORKS: readonly SpecialNetwork[] = [
  { cidr: '192.0.2.0/24', purpose: 'documentation (TEST-NET-1)' },
  { cidr: '198.51.100.0/24', purpose: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', purpose: 'documentation (TEST-NET-3)' },
  { cidr: '2001:db8::/32', purpose: 'documentation' },
];

const nonPublic = createAddressSet(NON_PUBLIC_NETWORKS.map(({ cidr }) => cidr));

/** Whether a parsed address is public: outside every non-public network, IPv4-mapped addresses judged by their IPv4 part. */
export function isPublicIpAddress(address: IpAddress): boolean {
  const mapped = unmapIPv4(address);
  return !nonPublic.contains(mapped === undefined ? address : { family: 4, value: mapped });
}

/**
 * Whether an address may be geolocated and counts as the internet: false for private, shared,
 * loopback, link-local, unique local, unspecified, multicast and reserved addresses (also in
 * IPv4-mapped IPv6 form) and for text that is not an address (a zone index included); true
 * otherwise, documentation ranges included.
 *
 * @example
 * isPublicAddress('203.0.113.7'); // true
 * isPublicAddress('10.0.1.5');    // false
 * isPublicAddress('::ffff:192.168.1.1'); // false
 */
export function isPublicAddress(text: string): boolean {
  if (text.indexOf(':') === -1) {
    const value = parseIPv4(text);
    return value !== undefined && !nonPublic.contains({ family: 4, value });
  }
  const address = parseIpAddress(text);
  return address !== undefined && isPublicIpAddress(address);
}
