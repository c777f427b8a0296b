/**
 * CIDR membership for rule matching, on addresses parsed once per flow.
 *
 * `createAddressSet` (src/enrich/address-set.ts) takes address text and parses it on every call;
 * attribution compares one flow's peer against many rules, so here the peer is parsed once into
 * an `IpAddress` and every rule compares integers. IPv4 and IPv6 stay apart, as in security
 * groups: `0.0.0.0/0` holds no IPv6 address and `::/0` no IPv4 one (an IPv4-mapped IPv6 address
 * is IPv6).
 */
import { parseIPv4, parseIPv6 } from '../enrich/address-set.js';

/** An address as integers: IPv4 as one unsigned 32-bit value, IPv6 as four, most significant first. */
export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly words: readonly [number, number, number, number] };

/** A set of CIDR blocks and single addresses of either family. */
export interface CidrMatcher {
  contains(address: IpAddress): boolean;
  /** True when no entry was understood: the matcher can never answer yes. */
  readonly empty: boolean;
}

const TWO_TO_16 = 65_536;

/**
 * The integer form of an IPv4 or IPv6 address in text, or undefined when the text is neither.
 *
 * @example parseIpAddress('192.0.2.1') // { family: 4, value: 3221225985 }
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.indexOf(':') === -1) {
    const value = parseIPv4(text);
    return value === undefined ? undefined : { family: 4, value };
  }
  const groups = parseIPv6(text);
  if (groups === undefined) return undefined;
  return { family: 6, words: toWords(groups) };
}

function toWords(groups: readonly number[]): [number, number, number, number] {
  const word = (index: number): number => (groups[index * 2] ?? 0) * TWO_TO_16 + (groups[index * 2 + 1] ?? 0);
  return [word(0), word(1), word(2), word(3)];
}

interface Ipv4Block {
  readonly network: number;
  readonly mask: number;
}

interface Ipv6Block {
  readonly words: readonly number[];
  readonly masks: readonly number[];
}

/** A CIDR (or a bare address) in integer form, ready to compare; undefined when malformed. */
export type CompiledCidr = { readonly family: 4; readonly block: Ipv4Block } | { readonly family: 6; readonly block: Ipv6Block };

/**
 * Compiles one CIDR (`10.0.0.0/16`, `2001:db8::/32`) or bare address. Host bits are ignored,
 * as EC2 canonicalises `100.68.0.18/18` to `100.68.0.0/18`.
 *
 * @example cidrContains(compileCidr('10.0.0.0/16')!, parseIpAddress('10.0.3.4')!) // true
 */
export function compileCidr(cidr: string): CompiledCidr | undefined {
  const slash = cidr.indexOf('/');
  const addressText = slash === -1 ? cidr : cidr.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === undefined) return undefined;
  const maxLength = address.family === 4 ? 32 : 128;
  const prefixLength = slash === -1 ? maxLength : parsePrefixLength(cidr.slice(slash + 1), maxLength);
  if (prefixLength === undefined) return undefined;
  if (address.family === 4) {
    const mask = ipv4Mask(prefixLength);
    return { family: 4, block: { network: (address.value & mask) >>> 0, mask } };
  }
  const masks = [0, 1, 2, 3].map((index) => ipv4Mask(Math.max(0, Math.min(32, prefixLength - index * 32))));
  return { family: 6, block: { words: address.words.map((word, index) => (word & (masks[index] ?? 0)) >>> 0), masks } };
}

/** Whether a compiled CIDR holds an address; never across families. */
export function cidrContains(cidr: CompiledCidr, address: IpAddress): boolean {
  if (cidr.family === 4) {
    return address.family === 4 && ((address.value & cidr.block.mask) >>> 0) === cidr.block.network;
  }
  return address.family === 6 && ipv6InBlock(address.words, cidr.block);
}

/**
 * A matcher over many entries (a prefix list's CIDRs, the addresses of a group's interfaces).
 * Single addresses are hashed; blocks are scanned. Entries that are not addresses or CIDRs are
 * ignored.
 *
 * @example createCidrMatcher(['10.0.1.17', '2001:db8::/64']).contains(parseIpAddress('2001:db8::9')!) // true
 */
export function createCidrMatcher(entries: Iterable<string>): CidrMatcher {
  const ipv4Addresses = new Set<number>();
  const ipv6Addresses = new Set<string>();
  const ipv4Blocks: Ipv4Block[] = [];
  const ipv6Blocks: Ipv6Block[] = [];
  for (const entry of entries) {
    const cidr = compileCidr(entry);
    if (cidr === undefined) continue;
    if (cidr.family === 4) {
      if (cidr.block.mask === 0xffffffff) ipv4Addresses.add(cidr.block.network);
      else ipv4Blocks.push(cidr.block);
    } else if (cidr.block.masks[3] === 0xffffffff) {
      ipv6Addresses.add(cidr.block.words.join(','));
    } else {
      ipv6Blocks.push(cidr.block);
    }
  }
  const empty = ipv4Addresses.size === 0 && ipv6Addresses.size === 0 && ipv4Blocks.length === 0 && ipv6Blocks.length === 0;
  return {
    empty,
    contains(address) {
      if (address.family === 4) {
        if (ipv4Addresses.has(address.value)) return true;
        for (const block of ipv4Blocks) {
          if (((address.value & block.mask) >>> 0) === block.network) return true;
        }
        return false;
      }
      if (ipv6Addresses.size > 0 && ipv6Addresses.has(address.words.join(','))) return true;
      for (const block of ipv6Blocks) {
        if (ipv6InBlock(address.words, block)) return true;
      }
      return false;
    },
  };
}

function ipv6InBlock(words: readonly number[], block: Ipv6Block): boolean {
  for (let index = 0; index < 4; index += 1) {
    const mask = block.masks[index] ?? 0;
    if (mask === 0) return true;
    if ((((words[index] ?? 0) & mask) >>> 0) !== block.words[index]) return false;
  }
  return true;
}

function ipv4Mask(prefixLength: number): number {
  // A shift by 32 is a shift by 0 in JavaScript, so /0 needs its own case.
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function parsePrefixLength(text: string, maxLength: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(text)) return undefined;
  const value = Number(text);
  return value <= maxLength ? value : undefined;
}
