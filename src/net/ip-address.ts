/**
 * IP addresses parsed once into integers: IPv4 as one unsigned 32-bit value, IPv6 as four, most
 * significant first. Everything in src/net compares these integers; no bigint, so the per-record
 * paths stay in small-integer arithmetic.
 *
 * The parsers accept exactly what `inet_pton` accepts (`net.isIP` agrees, property tests hold them
 * to it): dotted quads without leading zeros; RFC 4291 IPv6 text with `::`, any case, leading
 * zeros and a trailing dotted quad. Zone indexes (`fe80::1%eth0`) are refused: flow logs and EC2
 * never carry them. `node:net` would parse in C++ at about a microsecond a call, as much as the
 * rest of a flow-log line's parse; these hand-rolled scanners cost a fraction of that.
 */

/** The address families, as `net.isIP` numbers them. */
export type AddressFamily = 4 | 6;

/** Bits in an address of each family. */
export const ADDRESS_BITS = { 4: 32, 6: 128 } as const satisfies Record<AddressFamily, number>;

/** The four 32-bit words of an IPv6 address, most significant first. */
export type Ipv6Words = readonly [number, number, number, number];

/** An address as integers. IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is IPv6: the families stay apart. */
export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly words: Ipv6Words };

const DOT = 46;
const COLON = 58;
const IPV6_GROUPS = 8;
const TWO_TO_16 = 65_536;

/**
 * The value of a dotted-quad IPv4 address (from `from` to the end of `text`) as an unsigned
 * 32-bit integer, or undefined when the text is not one. Leading zeros are refused, as
 * `inet_pton` refuses them.
 *
 * @example parseIPv4('192.0.2.1') // 3221225985
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

/** Whether the text (from `from` on) is a dotted-quad IPv4 address. */
export function isIPv4Address(text: string, from = 0): boolean {
  return parseIPv4(text, from) !== undefined;
}

// The groups of the last IPv6 scan, in text order, and where `::` stood (-1: nowhere). One scratch
// buffer, so that checking syntax allocates nothing.
const scannedGroups = new Uint16Array(IPV6_GROUPS);
let scannedCount = 0;
let compressionAt = -1;

/** Scans RFC 4291 text into `scannedGroups`; false when the text is not an IPv6 address. */
function scanIPv6(text: string): boolean {
  const length = text.length;
  if (length < 2 || length > 45) return false;
  scannedCount = 0;
  compressionAt = -1;
  let index = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    compressionAt = 0;
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
      if (scannedCount > IPV6_GROUPS - 2) return false;
      const ipv4 = parseIPv4(text, groupStart);
      if (ipv4 === undefined) return false;
      scannedGroups[scannedCount] = Math.floor(ipv4 / TWO_TO_16);
      scannedGroups[scannedCount + 1] = ipv4 % TWO_TO_16;
      scannedCount += 2;
      break;
    }
    const digits = index - groupStart;
    if (digits === 0 || digits > 4 || scannedCount === IPV6_GROUPS) return false;
    scannedGroups[scannedCount] = value;
    scannedCount += 1;
    if (index === length) break;
    if (text.charCodeAt(index) !== COLON) return false;
    index += 1;
    if (index < length && text.charCodeAt(index) === COLON) {
      if (compressionAt !== -1) return false;
      compressionAt = scannedCount;
      index += 1;
    } else if (index === length) {
      return false; // a trailing single colon
    }
  }
  return compressionAt === -1 ? scannedCount === IPV6_GROUPS : scannedCount <= IPV6_GROUPS - 1;
}

/** The group at `position` (0-7) of the last successful scan, the `::` expanded to zeros. */
function scannedGroup(position: number): number {
  if (compressionAt === -1 || position < compressionAt) return scannedGroups[position] ?? 0;
  const zeros = IPV6_GROUPS - scannedCount;
  if (position < compressionAt + zeros) return 0;
  return scannedGroups[position - zeros] ?? 0;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Whether the text is an IPv6 address in RFC 4291 text form (no zone index). */
export function isIPv6Address(text: string): boolean {
  return scanIPv6(text);
}

/**
 * The eight 16-bit groups of an IPv6 address, or undefined when the text is not one.
 *
 * @example parseIPv6Groups('2001:db8::1') // [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]
 */
export function parseIPv6Groups(text: string): number[] | undefined {
  if (!scanIPv6(text)) return undefined;
  const groups: number[] = [];
  for (let position = 0; position < IPV6_GROUPS; position += 1) groups.push(scannedGroup(position));
  return groups;
}

/**
 * The four words of an IPv6 address, or undefined when the text is not one.
 *
 * @example parseIPv6Words('::1') // [0, 0, 0, 1]
 */
export function parseIPv6Words(text: string): Ipv6Words | undefined {
  if (!scanIPv6(text)) return undefined;
  const word = (index: number): number => scannedGroup(index * 2) * TWO_TO_16 + scannedGroup(index * 2 + 1);
  return [word(0), word(1), word(2), word(3)];
}

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
  const words = parseIPv6Words(text);
  return words === undefined ? undefined : { family: 6, words };
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 2.5.5.2) carries, or undefined. */
export function unmapIPv4(address: IpAddress): number | undefined {
  if (address.family === 4) return undefined;
  const [first, second, third, fourth] = address.words;
  return first === 0 && second === 0 && third === 0xffff ? fourth : undefined;
}

/**
 * Canonical text: a dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no leading zeros, the
 * first longest run of two or more zero groups compressed). IPv4-mapped addresses are written with
 * their dotted quad (`::ffff:192.0.2.1`), as RFC 5952 section 5 recommends.
 *
 * @example formatIpAddress({ family: 6, words: [0x20010db8, 0, 0, 1] }) // '2001:db8::1'
 */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) return formatIPv4(address.value);
  const mapped = unmapIPv4(address);
  if (mapped !== undefined) return `::ffff:${formatIPv4(mapped)}`;
  const groups = address.words.flatMap((word) => [Math.floor(word / TWO_TO_16), word % TWO_TO_16]);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < IPV6_GROUPS; start += 1) {
    let length = 0;
    while (start + length < IPV6_GROUPS && groups[start + length] === 0) length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
