/**
 * Membership of IP addresses in a set of addresses and CIDR blocks, IPv4 and IPv6.
 *
 * `node:net`'s `BlockList` answers the same question, but it parses the address in C++ on every
 * call, about a microsecond each; the decorator asks twice per record for tens of thousands of
 * records. Here an exact address is one `Set` look-up after a cheap parse, and a block is a few
 * integer comparisons. A property test holds this matcher to `BlockList`'s answers, family by
 * family.
 *
 * Addresses are compared by value, not by text: `2001:DB8::1`, `2001:db8:0:0::1` and
 * `2001:0db8::0001` are the same address. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are
 * IPv6 addresses here, distinct from their IPv4 counterparts, and `::/0` holds no IPv4 address
 * (unlike in `BlockList`): security groups keep the two families apart the same way.
 */

const DOT = 46;
const COLON = 58;
const IPV6_GROUPS = 8;

/** A set of addresses and blocks that answers whether an address belongs to it. */
export interface AddressSet {
  /** True when `address` (IPv4 or IPv6 text) equals one of the addresses or lies in one of the blocks. */
  has(address: string): boolean;
}

interface Ipv4Block {
  readonly network: number;
  readonly mask: number;
}

interface Ipv6Block {
  readonly groups: readonly number[];
  readonly prefixLength: number;
}

/**
 * Builds an `AddressSet` from addresses and CIDR blocks (`10.0.1.17`, `10.0.2.0/28`,
 * `2001:db8::5`, `2001:db8:1::/80`). Entries that are neither are ignored: the set answers for
 * what it understood. A block with host bits set (`10.0.0.5/24`) stands for its network.
 *
 * @example
 * const addresses = createAddressSet(['10.0.1.17', '2001:db8::5', '10.0.2.0/28']);
 * addresses.has('10.0.2.9'); // true
 * addresses.has('2001:DB8:0::5'); // true
 */
export function createAddressSet(entries: Iterable<string>): AddressSet {
  const ipv4Addresses = new Set<number>();
  const ipv6Addresses = new Set<string>();
  const ipv4Blocks: Ipv4Block[] = [];
  const ipv6Blocks: Ipv6Block[] = [];

  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const addressText = slash === -1 ? entry : entry.slice(0, slash);
    const prefixLength = slash === -1 ? undefined : parsePrefixLength(entry, slash + 1);
    if (slash !== -1 && prefixLength === undefined) continue;
    const ipv4 = parseIPv4(addressText);
    if (ipv4 !== undefined) {
      if (prefixLength === undefined || prefixLength === 32) ipv4Addresses.add(ipv4);
      else if (prefixLength < 32) ipv4Blocks.push({ network: (ipv4 & ipv4Mask(prefixLength)) >>> 0, mask: ipv4Mask(prefixLength) });
      continue;
    }
    const ipv6 = parseIPv6(addressText);
    if (ipv6 !== undefined) {
      if (prefixLength === undefined || prefixLength === 128) ipv6Addresses.add(ipv6Key(ipv6));
      else if (prefixLength < 128) ipv6Blocks.push({ groups: ipv6, prefixLength });
    }
  }

  return {
    has(address: string): boolean {
      if (address.indexOf(':') === -1) {
        const ipv4 = parseIPv4(address);
        if (ipv4 === undefined) return false;
        if (ipv4Addresses.has(ipv4)) return true;
        for (const block of ipv4Blocks) {
          if (((ipv4 & block.mask) >>> 0) === block.network) return true;
        }
        return false;
      }
      if (ipv6Addresses.size === 0 && ipv6Blocks.length === 0) return false;
      const ipv6 = parseIPv6(address);
      if (ipv6 === undefined) return false;
      if (ipv6Addresses.has(ipv6Key(ipv6))) return true;
      return ipv6Blocks.some((block) => ipv6InBlock(ipv6, block));
    },
  };
}

/**
 * The value of a dotted-quad IPv4 address as an unsigned 32-bit integer, or undefined when the
 * text is not one (leading zeros are refused, as `inet_pton` refuses them).
 *
 * @example
 * parseIPv4('192.0.2.1'); // 3221225985
 */
export function parseIPv4(text: string, from = 0): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === DOT) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      dots += 1;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (code - 48);
      digits += 1;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

/**
 * The eight 16-bit groups of an IPv6 address in any RFC 4291 text form (`::` compression,
 * upper or lower case, leading zeros, a trailing dotted quad), or undefined when the text is not
 * one. Zone indexes (`fe80::1%eth0`) are refused: flow logs and EC2 never carry them.
 *
 * @example
 * parseIPv6('2001:db8::1'); // [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]
 */
export function parseIPv6(text: string): number[] | undefined {
  const length = text.length;
  if (length < 2 || length > 45) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let index = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return undefined;
    compressed = true;
    groups = tail;
    index = 2;
  }
  while (index < length) {
    const groupStart = index;
    let value = 0;
    while (index < length && index - groupStart < 5) {
      const digit = hexValue(text.charCodeAt(index));
      if (digit < 0) break;
      value = value * 16 + digit;
      index += 1;
    }
    if (index < length && text.charCodeAt(index) === DOT) {
      // A dotted quad ends the text and fills the last two groups.
      const ipv4 = parseIPv4(text, groupStart);
      if (ipv4 === undefined) return undefined;
      groups.push(Math.floor(ipv4 / 65536), ipv4 % 65536);
      break;
    }
    const digits = index - groupStart;
    if (digits === 0 || digits > 4) return undefined;
    groups.push(value);
    if (index === length) break;
    if (text.charCodeAt(index) !== COLON) return undefined;
    index += 1;
    if (index < length && text.charCodeAt(index) === COLON) {
      if (compressed) return undefined;
      compressed = true;
      groups = tail;
      index += 1;
    } else if (index === length) {
      return undefined; // a trailing single colon
    }
  }
  const present = head.length + tail.length;
  if (compressed ? present > IPV6_GROUPS - 1 : present !== IPV6_GROUPS) return undefined;
  const zeros = IPV6_GROUPS - present;
  const result = head;
  for (let count = 0; count < zeros; count += 1) result.push(0);
  for (const group of tail) result.push(group);
  return result;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** `/0` to `/128` in plain decimal (no sign, no leading zero), or undefined. */
function parsePrefixLength(text: string, from: number): number | undefined {
  const digits = text.length - from;
  if (digits < 1 || digits > 3) return undefined;
  if (digits > 1 && text.charCodeAt(from) === 48) return undefined;
  let value = 0;
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return value <= 128 ? value : undefined;
}

function ipv4Mask(prefixLength: number): number {
  // A shift by 32 is a shift by 0 in JavaScript, so /0 needs its own case.
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function ipv6Key(groups: readonly number[]): string {
  return groups.join(':');
}

function ipv6InBlock(groups: readonly number[], block: Ipv6Block): boolean {
  let remaining = block.prefixLength;
  for (let index = 0; index < IPV6_GROUPS && remaining > 0; index += 1) {
    const bits = Math.min(16, remaining);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if ((((groups[index] ?? 0) ^ (block.groups[index] ?? 0)) & mask) !== 0) return false;
    remaining -= bits;
  }
  return true;
}
