import { ADDRESS_BITS, addressValue, blockContains, blockSize, commonSupernet, truncate, type CidrBlock } from './cidr-block.js';

/**
 * The peers of one rule in bounded memory, as blocks that cover every address added: single
 * addresses while there are at most `blockLimit` of them; past that, every block is shortened
 * one prefix bit at a time (10.0.1.7/32 -> 10.0.1.6/31 -> ...) until at most half the limit are
 * left (never shorter than `minPrefixLength`). Coverage never breaks, only precision drops, and
 * `exact` says which one you have.
 */
export interface PeerPrefixSummary {
  readonly family: 4 | 6;
  /** Adds a peer address; addresses of the other family and text that is no address are ignored. */
  add(address: string): void;
  /** Blocks covering every peer added, sorted by network; empty when none was. */
  blocks(): CidrBlock[];
  /** True while the blocks are the peers themselves (no shortening happened). */
  readonly exact: boolean;
}

/** Blocks kept per rule; 1,024 bigints is a few tens of KiB per rule at most. */
export const DEFAULT_PEER_BLOCK_LIMIT = 1_024;

/**
 * @example
 * const peers = createPeerPrefixSummary(4);
 * peers.add('203.0.113.9');
 * peers.blocks() // [{ family: 4, network: 3405803785n, prefixLength: 32 }]
 */
export function createPeerPrefixSummary(family: 4 | 6, options: { blockLimit?: number; minPrefixLength?: number } = {}): PeerPrefixSummary {
  const blockLimit = options.blockLimit ?? DEFAULT_PEER_BLOCK_LIMIT;
  // Never shorter than the rule's own prefix: the blocks stay inside the rule's CIDR.
  const minPrefixLength = options.minPrefixLength ?? 0;
  const bits = ADDRESS_BITS[family];
  // Exact phase: address text as given, so repeated peers cost a hash look-up, not a parse.
  let texts: Set<string> | undefined = new Set();
  let networks = new Set<bigint>();
  let prefixLength = bits;

  const coarsen = (): void => {
    while (networks.size > blockLimit / 2 && prefixLength > minPrefixLength) {
      prefixLength -= 1;
      const shorter = new Set<bigint>();
      for (const network of networks) shorter.add(truncate(network, family, prefixLength));
      networks = shorter;
    }
  };
  const addValue = (text: string): void => {
    const address = addressValue(text);
    if (address?.family === family) networks.add(truncate(address.value, family, prefixLength));
  };

  return {
    family,
    add(address) {
      if (texts !== undefined) {
        if (texts.has(address)) return;
        const parsed = addressValue(address);
        if (parsed?.family !== family) return;
        texts.add(address);
        networks.add(parsed.value);
        if (networks.size <= blockLimit) return;
        texts = undefined;
        coarsen();
        return;
      }
      addValue(address);
      if (networks.size > blockLimit) coarsen();
    },
    blocks() {
      return [...networks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((network) => ({ family, network, prefixLength }));
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
 * suggestCidrBlocks([parseCidrBlock('192.0.2.1')!, parseCidrBlock('192.0.2.2')!, parseCidrBlock('198.51.100.9')!], 2)
 * // 192.0.2.0/30 and 198.51.100.9/32
 */
export function suggestCidrBlocks(blocks: readonly CidrBlock[], maxBlocks: number): CidrBlock[] {
  const current = withoutContained([...blocks].sort(compareBlocks));
  const limit = Math.max(1, maxBlocks);
  // The cost of merging each neighbour pair, kept so that a merge recomputes only the pairs it touches.
  let costs: bigint[] = [];
  for (let index = 0; index + 1 < current.length; index += 1) costs.push(mergeOf(current, index).cost);
  while (current.length > limit) {
    let best = 0;
    for (let index = 1; index < costs.length; index += 1) if ((costs[index] as bigint) < (costs[best] as bigint)) best = index;
    const { supernet, from, to } = mergeOf(current, best);
    current.splice(from, to - from + 1, supernet);
    const around: bigint[] = [];
    if (from > 0) around.push(mergeOf(current, from - 1).cost);
    if (from + 1 < current.length) around.push(mergeOf(current, from).cost);
    costs = [...costs.slice(0, Math.max(0, from - 1)), ...around, ...costs.slice(to + 1)];
  }
  return current;
}

/** Merging neighbours `index` and `index + 1`: their supernet, the run of blocks it swallows, and the addresses it adds. */
function mergeOf(sorted: readonly CidrBlock[], index: number): { supernet: CidrBlock; from: number; to: number; cost: bigint } {
  const supernet = commonSupernet(sorted[index] as CidrBlock, sorted[index + 1] as CidrBlock);
  let from = index;
  while (from > 0 && blockContains(supernet, sorted[from - 1] as CidrBlock)) from -= 1;
  let to = index + 1;
  while (to + 1 < sorted.length && blockContains(supernet, sorted[to + 1] as CidrBlock)) to += 1;
  let covered = 0n;
  for (let position = from; position <= to; position += 1) covered += blockSize(sorted[position] as CidrBlock);
  return { supernet, from, to, cost: blockSize(supernet) - covered };
}

function compareBlocks(a: CidrBlock, b: CidrBlock): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefixLength - b.prefixLength;
}

/** Sorted blocks without those inside another (an aligned block inside another follows it in order). */
function withoutContained(sorted: readonly CidrBlock[]): CidrBlock[] {
  const kept: CidrBlock[] = [];
  for (const block of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && blockContains(last, block)) continue;
    kept.push(block);
  }
  return kept;
}

/**
 * The blocks with every pair of sibling blocks (the two halves of one supernet) replaced by that
 * supernet, repeatedly: the same addresses in fewer rules.
 *
 * @example mergeSiblingBlocks([parseCidrBlock('10.0.2.10')!, parseCidrBlock('10.0.2.11')!]) // [10.0.2.10/31]
 */
export function mergeSiblingBlocks(blocks: readonly CidrBlock[]): CidrBlock[] {
  let current = withoutContained([...blocks].sort(compareBlocks));
  for (let merged = true; merged; ) {
    merged = false;
    const next: CidrBlock[] = [];
    for (const block of current) {
      const last = next[next.length - 1];
      if (last !== undefined && last.family === block.family && last.prefixLength === block.prefixLength && last.prefixLength > 0) {
        const parent = commonSupernet(last, block);
        if (parent.prefixLength === block.prefixLength - 1) {
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
