/**
 * Syntax checks for the addresses in flow-log records. `node:net`'s `isIP` costs about a
 * microsecond a call, as much as the rest of a line's parse; these hand-rolled checks agree with
 * it on every input (a property test holds them to that) at a fraction of the cost.
 */

const DOT = 46;
const COLON = 58;

/** Dotted-quad IPv4 without leading zeros, as `inet_pton` and `net.isIPv4` accept it. */
export function isIPv4Address(text: string, from = 0): boolean {
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === DOT) {
      if (digits === 0 || octets === 3) return false;
      octets += 1;
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (code - 48);
      digits += 1;
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return octets === 3 && digits > 0;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

/**
 * RFC 4291 text form: eight groups of 1-4 hex digits, at most one `::` standing for one or more
 * zero groups, optionally ending in a dotted-quad IPv4 address worth two groups. No zone index
 * (`fe80::1%eth0`): flow logs never carry one, so here, unlike `net.isIPv6`, it is not an address.
 */
export function isIPv6Address(text: string): boolean {
  const length = text.length;
  if (length < 2 || length > 45) return false;
  let groups = 0;
  let compressed = false;
  let index = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    compressed = true;
    index = 2;
    if (index === length) return true;
  }
  while (index < length) {
    const groupStart = index;
    while (index < length && index - groupStart < 5 && isHexDigit(text.charCodeAt(index))) index += 1;
    const digits = index - groupStart;
    if (index < length && text.charCodeAt(index) === DOT) {
      // An embedded IPv4 address ends the text and fills the last two groups.
      return (compressed ? groups <= 5 : groups === 6) && isIPv4Address(text, groupStart);
    }
    if (digits === 0 || digits > 4) return false;
    groups += 1;
    if (index === length) break;
    if (text.charCodeAt(index) !== COLON) return false;
    index += 1;
    if (index < length && text.charCodeAt(index) === COLON) {
      if (compressed) return false;
      compressed = true;
      index += 1;
      if (index === length) break;
    } else if (index === length) {
      return false; // a trailing single colon
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}
