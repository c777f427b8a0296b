// IP addresses and CIDR blocks, parsed once into integers (no bigint), and the special networks
// that are not the internet. Pure, and imports nothing else of ours: every layer may use it.
export { ADDRESS_BITS, formatIpAddress, isIPv4Address, isIPv6Address, parseIPv4, parseIPv6Groups, parseIPv6Words, parseIpAddress, unmapIPv4, type AddressFamily, type IpAddress, type Ipv6Words } from './ip-address.js';
export {
  addressKey,
  cidrContains,
  cidrContainsCidr,
  cidrFamily,
  cidrHostBits,
  cidrSize,
  compareAddresses,
  commonPrefixLength,
  commonSupernet,
  formatCidr,
  ipv6WordMasks,
  ipv6WordsKey,
  parseCidr,
  parsePrefixLength,
  sameAddress,
  truncateAddress,
  wordMask,
  type Cidr,
} from './cidr.js';
export { createAddressSet, type AddressSet } from './address-set.js';
export { DOCUMENTATION_NETWORKS, isPublicAddress, isPublicIpAddress, NON_PUBLIC_IPV4_NETWORKS, NON_PUBLIC_IPV6_NETWORKS, NON_PUBLIC_NETWORKS, type SpecialNetwork } from './special-networks.js';
