import { ipv6WordMasks, ipv6WordsKey, parseCidr, wordMask } from './cidr.js';
import { parseIPv4, parseIpAddress, type IpAddress, type Ipv6Words } from './ip-address.js';

/**
 * Membership of IP addresses in a set of addresses and CIDR blocks, IPv4 and IPv6.
 *
 * `node:net`'s `BlockList` answers the same question, but it parses the address in C++ on every
 * call, about a microsecond each; the decorator asks twice per record for tens of thousands of
 * records, and attribution compares one flow's peer against many rules. Here an exact address is
 * one `Set` look-up, and a block is a few integer comparisons with masks computed once. A property
 * test holds this set to `BlockList`'s answers, family by family.
 *
 * Addresses are compared by value, not by text: `2001:DB8::1`, `2001:db8:0:0::1` and
 * `2001:0db8::0001` are the same address. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are
 * IPv6 addresses here, distinct from their IPv4 counterparts, and `::/0` holds no IPv4 address
 * (unlike in `BlockList`): security groups keep the two families apart the same way.
 */
export interface AddressSet {
  /** True when `address` (IPv4 or IPv6 text) equals one of the addresses or lies in one of the blocks. */
  has(address: string): boolean;
  /** The same question for an address already parsed (one parse per flow, many sets asked). */
  contains(address: IpAddress): boolean;
  /** True when no entry was understood: the set can never answer yes. */
  readonly empty: boolean;
}

interface Ipv4Block {
  readonly network: number;
  readonly mask: number;
}

interface Ipv6Block {
  readonly words: Ipv6Words;
  readonly masks: Ipv6Words;
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
    const cidr = parseCidr(entry);
    if (cidr === undefined) continue;
    const network = cidr.network;
    if (network.family === 4) {
      if (cidr.prefixLength === 32) ipv4Addresses.add(network.value);
      else ipv4Blocks.push({ network: network.value, mask: wordMask(cidr.prefixLength) });
    } else if (cidr.prefixLength === 128) {
      ipv6Addresses.add(ipv6WordsKey(network.words));
    } else {
      ipv6Blocks.push({ words: network.words, masks: ipv6WordMasks(cidr.prefixLength) });
    }
  }
  const hasIPv6 = ipv6Addresses.size > 0 || ipv6Blocks.length > 0;

  const containsIPv4 = (value: number): boolean => {
    if (ipv4Addresses.has(value)) return true;
    for (const block of ipv4Blocks) {
      if (((value & block.mask) >>> 0) === block.network) return true;
    }
    return false;
  };
  const containsIPv6 = (words: Ipv6Words): boolean => {
    if (ipv6Addresses.size > 0 && ipv6Addresses.has(ipv6WordsKey(words))) return true;
    for (const block of ipv6Blocks) {
      if (ipv6InBlock(words, block)) return true;
    }
    return false;
  };

  return {
    empty: ipv4Addresses.size === 0 && ipv4Blocks.length === 0 && !hasIPv6,
    has(address) {
      if (address.indexOf(':') === -1) {
        // The per-record path: no object for an IPv4 address, only its integer.
        const ipv4 = parseIPv4(address);
        return ipv4 !== undefined && containsIPv4(ipv4);
      }
      if (!hasIPv6) return false;
      const parsed = parseIpAddress(address);
      return parsed !== undefined && parsed.family === 6 && containsIPv6(parsed.words);
    },
    contains(address) {
      return address.family === 4 ? containsIPv4(address.value) : hasIPv6 && containsIPv6(address.words);
    },
  };
}

function ipv6InBlock(words: Ipv6Words, block: Ipv6Block): boolean {
  for (let index = 0; index < 4; index += 1) {
    const mask = block.masks[index] ?? 0;
    if (mask === 0) return true;
    if ((((words[index] ?? 0) & mask) >>> 0) !== block.words[index]) return false;
  }
  return true;
}
