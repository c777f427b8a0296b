import { ADDRESS_BITS, addressKey, cidrContainsCidr, cidrHostBits, commonSupernet, compareAddresses, parseIpAddress, truncateAddress, type AddressFamily, type Cidr, type IpAddress } from '../net/index.js';

/**
 * The peers of one rule in bounded memory, as blocks that cover every address added: single
 * addresses while there are at most `blockLimit` of them; past that, every block is shortened
 * one prefix bit at a time (10.0.1.7/32 -> 10.0.1.6/31 -> ...) until at most half the limit are
 * left (never shorter than `minPrefixLength`). Coverage never breaks, only precision drops, and
 * `exact` says which one you have.
 */
export interface PeerPrefixSummary {
  readonly family: AddressFamily;
  /** Adds a peer address; addresses of the other family and text that is no address are ignored. */
  add(address: string): void;
  /** Blocks covering every peer added, sorted by network; empty when none was. */
  blocks(): Cidr[];
  /** True while the blocks are the peers themselves (no shortening happened). */
  readonly exact: boolean;
}

/** Blocks kept per rule; 1,024 addresses is a few tens of KiB per rule at most. */
export const DEFAULT_PEER_BLOCK_LIMIT = 1_024;

/**
 * @example
 * const peers = createPeerPrefixSummary(4);
 * peers.add('203.0.113.9');
 * peers.blocks() // [{ network: { family: 4, value: 3405803785 }, prefixLength: 32 }]
 */
export function createPeerPrefixSummary(family: AddressFamily, options: { blockLimit?: number; minPrefixLength?: number } = {}): PeerPrefixSummary {
  const blockLimit = options.blockLimit ?? DEFAULT_PEER_BLOCK_LIMIT;
  // Never shorter than the rule's own prefix: the blocks stay inside the rule's CIDR.
  const minPrefixLength = options.minPrefixLength ?? 0;
  const bits = ADDRESS_BITS[family];
  // Exact phase: address text as given, so repeated peers cost a hash look-up, not a parse.
  let texts: Set<string> | undefined = new Set();
  // Networks by `addressKey`, so that equal networks are one entry.
  let networks = new Map<number | string, IpAddress>();
  let prefixLength = bits;

  const coarsen = (): void => {
    while (networks.size > blockLimit / 2 && prefixLength > minPrefixLength) {
      prefixLength -= 1;
      const shorter = new Map<number | string, IpAddress>();
      for (const network of networks.values()) {
        const truncated = truncateAddress(network, prefixLength);
        shorter.set(addressKey(truncated), truncated);
      }
      networks = shorter;
    }
  };
  const addNetwork = (address: IpAddress): void => {
    const network = truncateAddress(address, prefixLength);
    networks.set(addressKey(network), network);
  };

  return {
    family,
    add(address) {
      if (texts !== undefined) {
        if (texts.has(address)) return;
        const parsed = parseIpAddress(address);
        if (parsed?.family !== family) return;
        texts.add(address);
        addNetwork(parsed);
        if (networks.size <= blockLimit) return;
        texts = undefined;
        coarsen();
        return;
      }
      const parsed = parseIpAddress(address);
      if (parsed?.family === family) addNetwork(parsed);
      if (networks.size > blockLimit) coarsen();
    },
    blocks() {
      return [...networks.values()].sort(compareAddresses).map((network) => ({ network, prefixLength }));
    },
    get exact() {
      return prefixLength === bits;
    },
  };
}

/**
 * At most `maxBlocks` blocks covering every given block, found greedily: while there are too
 * many, the two neighbours (in address order) whose common supernet adds the fewest addresses not
 * already covered are replaced by that supernet (which swallows any block inside it). Every input
 * block stays covered; the result is sorted and disjoint.
 *
 * @example
 * suggestCidrBlocks([parseCidr('192.0.2.1')!, parseCidr('192.0.2.2')!, parseCidr('198.51.100.9')!], 2)
 * // 192.0.2.0/30 and 198.51.100.9/32
 */
export function suggestCidrBlocks(blocks: readonly Cidr[], maxBlocks: number): Cidr[] {
  const current = withoutContained([...blocks].sort(compareBlocks));
  const limit = Math.max(1, maxBlocks);
  // The cost of merging each neighbour pair, kept so that a merge recomputes only the pairs it touches.
  let costs: bigint[] = [];
  for (let index = 0; index + 1 < current.length; index += 1) costs.push(mergeOf(current, index).cost);
  while (current.length > limit) {
    let best = 0;
    for (let index = 1; index < costs.length; index += 1) if ((costs[index] as bigint) < (costs[best] as bigint)) best = index;
    const { supernet, from, to } = mergeOf(current, best);
    // Only neighbours of two families are left: no block holds both.
    if (supernet === undefined) break;
    current.splice(from, to - from + 1, supernet);
    const around: bigint[] = [];
    if (from > 0) around.push(mergeOf(current, from - 1).cost);
    if (from + 1 < current.length) around.push(mergeOf(current, from).cost);
    costs = [...costs.slice(0, Math.max(0, from - 1)), ...around, ...costs.slice(to + 1)];
  }
  return current;
}

/**
 * Merging neighbours `index` and `index + 1`: their supernet, the run of blocks it swallows, and
 * the addresses it adds; neighbours of two families have no supernet and cost more than any merge.
 */
function mergeOf(sorted: readonly Cidr[], index: number): { supernet: Cidr | undefined; from: number; to: number; cost: bigint } {
  const supernet = commonSupernet(sorted[index] as Cidr, sorted[index + 1] as Cidr);
  if (supernet === undefined) return { supernet, from: index, to: index + 1, cost: CROSS_FAMILY_COST };
  let from = index;
  while (from > 0 && cidrContainsCidr(supernet, sorted[from - 1] as Cidr)) from -= 1;
  let to = index + 1;
  while (to + 1 < sorted.length && cidrContainsCidr(supernet, sorted[to + 1] as Cidr)) to += 1;
  let covered = 0n;
  for (let position = from; position <= to; position += 1) covered += exactCidrSize(sorted[position] as Cidr);
  return { supernet, from, to, cost: exactCidrSize(supernet) - covered };
}

/** Above any real cost: more than every IPv6 address. */
const CROSS_FAMILY_COST = 1n << 129n;

/**
 * The number of addresses in a block, exactly. Merge costs subtract a few addresses from an
 * IPv6 block of up to 2^128 and compare the results, which a float (`cidrSize`) would round to ties.
 *
 * @example exactCidrSize(parseCidr('2001:db8::/64')!) // 18446744073709551616n
 */
export function exactCidrSize(cidr: Cidr): bigint {
  return 1n << BigInt(cidrHostBits(cidr));
}

function compareBlocks(a: Cidr, b: Cidr): number {
  return compareAddresses(a.network, b.network) || a.prefixLength - b.prefixLength;
}

/** Sorted blocks without those inside another (an aligned block inside another follows it in order). */
function withoutContained(sorted: readonly Cidr[]): Cidr[] {
  const kept: Cidr[] = [];
  for (const block of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && cidrContainsCidr(last, block)) continue;
    kept.push(block);
  }
  return kept;
}

/**
 * The blocks with every pair of sibling blocks (the two halves of one supernet) replaced by that
 * supernet, repeatedly: the same addresses in fewer rules.
 *
 * @example mergeSiblingBlocks([parseCidr('10.0.2.10')!, parseCidr('10.0.2.11')!]) // [10.0.2.10/31]
 */
export function mergeSiblingBlocks(blocks: readonly Cidr[]): Cidr[] {
  let current = withoutContained([...blocks].sort(compareBlocks));
  for (let merged = true; merged; ) {
    merged = false;
    const next: Cidr[] = [];
    for (const block of current) {
      const last = next[next.length - 1];
      if (last !== undefined && last.prefixLength === block.prefixLength && last.prefixLength > 0) {
        const parent = commonSupernet(last, block);
        if (parent !== undefined && parent.prefixLength === block.prefixLength - 1) {
          next[next.length - 1] = parent;
          merged = true;
          continue;
        }
      }
      next.push(block);
    }
    current = withoutContained(next);
  }
  return current;
}
