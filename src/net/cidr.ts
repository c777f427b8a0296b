import { ADDRESS_BITS, formatIpAddress, parseIpAddress, type AddressFamily, type IpAddress, type Ipv6Words } from './ip-address.js';

/**
 * A CIDR block: its network address (host bits zero) and prefix length. A bare address is the
 * block of its full length (`/32`, `/128`).
 */
export interface Cidr {
  readonly network: IpAddress;
  readonly prefixLength: number;
}

/**
 * The mask of the first `prefixLength` bits of a 32-bit word (0 to 32), unsigned.
 *
 * @example wordMask(24) // 0xffffff00
 */
export function wordMask(prefixLength: number): number {
  // A shift by 32 is a shift by 0 in JavaScript, so /0 needs its own case.
  return prefixLength <= 0 ? 0 : prefixLength >= 32 ? 0xffffffff : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** The four word masks of an IPv6 prefix length. */
export function ipv6WordMasks(prefixLength: number): Ipv6Words {
  return [wordMask(prefixLength), wordMask(prefixLength - 32), wordMask(prefixLength - 64), wordMask(prefixLength - 96)];
}

/**
 * The address with every bit after the first `prefixLength` cleared.
 *
 * @example truncateAddress({ family: 4, value: 0x0a010203 }, 8) // { family: 4, value: 0x0a000000 }
 */
export function truncateAddress(address: IpAddress, prefixLength: number): IpAddress {
  if (address.family === 4) return { family: 4, value: (address.value & wordMask(prefixLength)) >>> 0 };
  const masks = ipv6WordMasks(prefixLength);
  const [a, b, c, d] = address.words;
  return { family: 6, words: [(a & masks[0]) >>> 0, (b & masks[1]) >>> 0, (c & masks[2]) >>> 0, (d & masks[3]) >>> 0] };
}

/**
 * `0` to the family's bit count in plain decimal (no sign, no leading zero), or undefined.
 *
 * @example parsePrefixLength('24', 32) // 24
 */
export function parsePrefixLength(text: string, maxLength: number): number | undefined {
  const digits = text.length;
  if (digits < 1 || digits > 3) return undefined;
  if (digits > 1 && text.charCodeAt(0) === 48) return undefined;
  let value = 0;
  for (let index = 0; index < digits; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return value <= maxLength ? value : undefined;
}

/**
 * A CIDR (`10.0.0.0/16`, `2001:db8::/32`) or bare address, with its host bits cleared (EC2
 * canonicalises `100.68.0.18/18` to `100.68.0.0/18` the same way), or undefined when malformed.
 *
 * @example parseCidr('10.1.2.3/8') // { network: { family: 4, value: 167772160 }, prefixLength: 8 }
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const bits = ADDRESS_BITS[address.family];
  const prefixLength = slash === -1 ? bits : parsePrefixLength(text.slice(slash + 1), bits);
  if (prefixLength === undefined) return undefined;
  return { network: truncateAddress(address, prefixLength), prefixLength };
}

/** The family of a block. */
export function cidrFamily(cidr: Cidr): AddressFamily {
  return cidr.network.family;
}

/** Bits left to the hosts: the block holds 2^hostBits addresses (2^128 is past a safe integer, so the exponent is what we give). */
export function cidrHostBits(cidr: Cidr): number {
  return ADDRESS_BITS[cidr.network.family] - cidr.prefixLength;
}

/**
 * Whether the block holds the address; never across families (`0.0.0.0/0` holds no IPv6
 * address and `::/0` no IPv4 one, as in security groups).
 *
 * @example cidrContains(parseCidr('10.0.0.0/16')!, parseIpAddress('10.0.3.4')!) // true
 */
export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  const network = cidr.network;
  if (network.family === 4) {
    return address.family === 4 && ((address.value & wordMask(cidr.prefixLength)) >>> 0) === network.value;
  }
  if (address.family !== 6) return false;
  for (let index = 0; index < 4; index += 1) {
    const mask = wordMask(cidr.prefixLength - index * 32);
    if (mask === 0) return true;
    if ((((address.words[index] ?? 0) & mask) >>> 0) !== network.words[index]) return false;
  }
  return true;
}

/** Whether `outer` holds all of `inner`: same family, no longer prefix, same leading bits. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.prefixLength <= inner.prefixLength && cidrContains(outer, inner.network);
}

/**
 * The number of addresses in a block, as a float: a power of two, exact up to 2^1023, so
 * comparing and summing block sizes needs no bigint (a sum is exact while below 2^53).
 *
 * @example cidrSize(parseCidr('10.0.0.0/24')!) // 256
 */
export function cidrSize(cidr: Cidr): number {
  return 2 ** cidrHostBits(cidr);
}

/**
 * Address order: IPv4 before IPv6, then by value. For sorting blocks by network.
 *
 * @example [b, a].sort(compareAddresses)
 */
export function compareAddresses(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.family === 4) return b.family === 4 ? a.value - b.value : 0;
  if (b.family !== 6) return 0;
  for (let index = 0; index < 4; index += 1) {
    const difference = (a.words[index] ?? 0) - (b.words[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** A primitive that two addresses share exactly when they are the same address: a `Set` or `Map` key. */
export function addressKey(address: IpAddress): number | string {
  return address.family === 4 ? address.value : ipv6WordsKey(address.words);
}

/** The key of an IPv6 address's words (see `addressKey`). */
export function ipv6WordsKey(words: Ipv6Words): string {
  return `${words[0]},${words[1]},${words[2]},${words[3]}`;
}

/** Whether two addresses are the same address (same family, same value). */
export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.family === 4) return b.family === 4 && a.value === b.value;
  return b.family === 6 && a.words[0] === b.words[0] && a.words[1] === b.words[1] && a.words[2] === b.words[2] && a.words[3] === b.words[3];
}

/**
 * The length of the prefix two addresses of one family share: 0 to the family's bit count.
 * Undefined across families.
 *
 * @example commonPrefixLength(parseIpAddress('10.0.0.1')!, parseIpAddress('10.0.0.3')!) // 30
 */
export function commonPrefixLength(a: IpAddress, b: IpAddress): number | undefined {
  if (a.family === 4) return b.family === 4 ? Math.clz32((a.value ^ b.value) >>> 0) : undefined;
  if (b.family !== 6) return undefined;
  for (let index = 0; index < 4; index += 1) {
    const differing = ((a.words[index] ?? 0) ^ (b.words[index] ?? 0)) >>> 0;
    if (differing !== 0) return index * 32 + Math.clz32(differing);
  }
  return 128;
}

/**
 * The smallest block holding both blocks, or undefined when their families differ.
 *
 * @example formatCidr(commonSupernet(parseCidr('10.0.1.0/24')!, parseCidr('10.0.2.0/24')!)!) // '10.0.0.0/22'
 */
export function commonSupernet(a: Cidr, b: Cidr): Cidr | undefined {
  const shared = commonPrefixLength(a.network, b.network);
  if (shared === undefined) return undefined;
  const prefixLength = Math.min(a.prefixLength, b.prefixLength, shared);
  return { network: truncateAddress(a.network, prefixLength), prefixLength };
}

/**
 * Canonical CIDR text (see `formatIpAddress`).
 *
 * @example formatCidr(parseCidr('2001:DB8:0::/32')!) // '2001:db8::/32'
 */
export function formatCidr(cidr: Cidr): string {
  return `${formatIpAddress(cidr.network)}/${cidr.prefixLength}`;
}
