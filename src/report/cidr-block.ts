import { parseIpAddress } from '../analysis/cidr-matcher.js';

/** An aligned CIDR block of one family, as an integer network and a prefix length. */
export interface CidrBlock {
  readonly family: 4 | 6;
  /** The network address, host bits zero. */
  readonly network: bigint;
  readonly prefixLength: number;
}

/** Bits in an address of each family. */
export const ADDRESS_BITS = { 4: 32, 6: 128 } as const;

/**
 * The integer value and family of an address in text, or undefined when it is not one.
 *
 * @example addressValue('192.0.2.1') // { family: 4, value: 3221225985n }
 */
export function addressValue(text: string): { family: 4 | 6; value: bigint } | undefined {
  const address = parseIpAddress(text);
  if (address === undefined) return undefined;
  if (address.family === 4) return { family: 4, value: BigInt(address.value) };
  const [a, b, c, d] = address.words;
  return { family: 6, value: (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d) };
}

/**
 * A CIDR (or bare address) as a block with its host bits cleared, or undefined when malformed.
 *
 * @example parseCidrBlock('10.1.2.3/8') // { family: 4, network: 167772160n, prefixLength: 8 }
 */
export function parseCidrBlock(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const address = addressValue(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const bits = ADDRESS_BITS[address.family];
  const lengthText = slash === -1 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  if (prefixLength > bits) return undefined;
  return { family: address.family, network: truncate(address.value, address.family, prefixLength), prefixLength };
}

/** The value with every bit after the first `prefixLength` cleared. */
export function truncate(value: bigint, family: 4 | 6, prefixLength: number): bigint {
  const hostBits = BigInt(ADDRESS_BITS[family] - prefixLength);
  return (value >> hostBits) << hostBits;
}

/** Addresses in a block, as a bigint (2^128 does not fit a number exactly). */
export function blockSize(block: CidrBlock): bigint {
  return 1n << BigInt(ADDRESS_BITS[block.family] - block.prefixLength);
}

/** Whether `outer` holds all of `inner` (same family, no shorter prefix, same leading bits). */
export function blockContains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && outer.prefixLength <= inner.prefixLength && truncate(inner.network, inner.family, outer.prefixLength) === outer.network;
}

/** The smallest block holding both. */
export function commonSupernet(a: CidrBlock, b: CidrBlock): CidrBlock {
  const differing = a.network ^ b.network;
  const firstDifference = ADDRESS_BITS[a.family] - (differing === 0n ? 0 : differing.toString(2).length);
  const prefixLength = Math.min(a.prefixLength, b.prefixLength, firstDifference);
  return { family: a.family, network: truncate(a.network, a.family, prefixLength), prefixLength };
}

/**
 * Canonical CIDR text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest run of two or
 * more zero groups compressed).
 *
 * @example formatCidrBlock({ family: 6, network: 0x20010db8n << 96n, prefixLength: 32 }) // '2001:db8::/32'
 */
export function formatCidrBlock(block: CidrBlock): string {
  return `${formatAddress(block.network, block.family)}/${block.prefixLength}`;
}

/** An address value as text. */
export function formatAddress(value: bigint, family: 4 | 6): string {
  if (family === 4) {
    const number = Number(value);
    return [24, 16, 8, 0].map((shift) => (number >>> shift) & 255).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt((7 - index) * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
