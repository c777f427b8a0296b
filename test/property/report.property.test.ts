// Invariants of the report's bounded-memory summaries: whatever the input, a summary never loses
// coverage (suggested CIDRs and coarsened peer blocks cover every peer) and never breaks its
// error bound (Space-Saving), so a report over a month of records is still right, only coarser.
import { BlockList, isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContainsCidr, compareAddresses, formatCidr, parseCidr, type Cidr } from '../../src/net/index.js';
import { createDistinctCounter } from '../../src/report/distinct-counter.js';
import { createPeerPrefixSummary, suggestCidrBlocks } from '../../src/report/peer-prefix-summary.js';
import { createBoundedRanking } from '../../src/report/bounded-ranking.js';
import { createHeavyHitters } from '../../src/report/space-saving.js';
import { mergeSiblingBlocks } from '../../src/report/peer-prefix-summary.js';

const ipv4Block = fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([address, length]) => parseCidr(`${address}/${length}`) as Cidr);

/** Whether node:net's BlockList, built from the blocks' text, holds the address: an oracle apart from src/report. */
function coveredBy(blocks: readonly Cidr[], address: string): boolean {
  const list = new BlockList();
  for (const block of blocks) {
    const [network = '', length] = formatCidr(block).split('/');
    list.addSubnet(network, Number(length), block.network.family === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

describe('suggestCidrBlocks', () => {
  it('returns at most the limit of sorted, disjoint blocks that cover every input block', () => {
    fc.assert(
      fc.property(fc.array(ipv4Block, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (blocks, limit) => {
        // Act
        const suggested = suggestCidrBlocks(blocks, limit);
        // Assess
        expect(suggested.length).toBeLessThanOrEqual(limit);
        for (const block of blocks) expect(suggested.some((candidate) => cidrContainsCidr(candidate, block))).toBe(true);
        for (let index = 1; index < suggested.length; index += 1) {
          const [before, after] = [suggested[index - 1] as Cidr, suggested[index] as Cidr];
          expect(compareAddresses(before.network, after.network) < 0 && !cidrContainsCidr(before, after)).toBe(true);
        }
      }),
    );
  });
});

describe('createPeerPrefixSummary', () => {
  it('covers every peer added, within its block limit, inside the rule\'s own prefix', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65_535 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 4, max: 64 }), (hosts, blockLimit) => {
        // Prepare: peers inside 10.20.0.0/16, a rule of that prefix.
        const peers = hosts.map((host) => `10.20.${host >> 8}.${host & 255}`);
        const summary = createPeerPrefixSummary(4, { blockLimit, minPrefixLength: 16 });
        // Act
        for (const peer of peers) summary.add(peer);
        // Assess
        const blocks = summary.blocks();
        expect(blocks.length).toBeLessThanOrEqual(blockLimit);
        for (const peer of peers) expect(coveredBy(blocks, peer)).toBe(true);
        for (const block of blocks) expect(block.prefixLength).toBeGreaterThanOrEqual(16);
        expect(summary.exact).toBe(new Set(peers).size <= blockLimit);
      }),
    );
  });
});

describe('createHeavyHitters', () => {
  it('never under-counts, over-counts by at most its overcount and error bound, and keeps every key heavier than N / k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), fc.integer({ min: 1, max: 50 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (stream, capacity) => {
          // Prepare
          const truth = new Map<string, number>();
          const hitters = createHeavyHitters(capacity);
          // Act
          for (const [key, weight] of stream) {
            hitters.add(key, weight);
            truth.set(key, (truth.get(key) ?? 0) + weight);
          }
          // Assess
          const top = hitters.top(capacity);
          const total = [...truth.values()].reduce((sum, weight) => sum + weight, 0);
          expect(hitters.total).toBe(total);
          for (const { key, count, overcount } of top) {
            const weight = truth.get(key) ?? 0;
            expect(count).toBeGreaterThanOrEqual(weight);
            expect(count - overcount).toBeLessThanOrEqual(weight);
            expect(overcount).toBeLessThanOrEqual(hitters.errorBound);
          }
          for (const [key, weight] of truth) if (weight > total / capacity) expect(top.map((hitter) => hitter.key)).toContain(key);
        },
      ),
    );
  });
});

describe('createDistinctCounter', () => {
  it('counts exactly up to its limit and stays within 15% (over 4.5 standard errors) past it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 1_000 }), (distinct, offset) => {
        // Prepare
        const counter = createDistinctCounter({ exactLimit: 1_024 });
        // Act: every value twice, so repeats are seen.
        for (let round = 0; round < 2; round += 1) for (let index = 0; index < distinct; index += 1) counter.add(`198.51.${offset}.${index}`);
        // Assess
        const count = counter.count();
        expect(count.exact).toBe(distinct <= 1_024);
        if (count.exact) expect(count.value).toBe(distinct);
        else expect(Math.abs(count.value - distinct) / distinct).toBeLessThan(0.15);
      }),
      { numRuns: 40 },
    );
  });
});

describe('createBoundedRanking', () => {
  it('is exact up to its limit; past it never under-counts and over-counts by at most its error bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }).map((key) => `k${key}`), fc.integer({ min: 1, max: 50 })), { maxLength: 400 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        (stream, exactLimit, counters) => {
          // Prepare
          const truth = new Map<string, number>();
          const ranking = createBoundedRanking({ exactLimit, counters });
          // Act
          for (const [key, weight] of stream) {
            ranking.add(key, weight);
            truth.set(key, (truth.get(key) ?? 0) + weight);
          }
          // Assess
          expect(ranking.exact).toBe(truth.size <= exactLimit);
          const top = ranking.top(100);
          for (const { key, count, overcount } of top) {
            const weight = truth.get(key) ?? 0;
            if (ranking.exact) expect([count, overcount]).toEqual([weight, 0]);
            expect(count).toBeGreaterThanOrEqual(weight);
            expect(count - overcount).toBeLessThanOrEqual(weight);
            expect(overcount).toBeLessThanOrEqual(ranking.errorBound);
          }
        },
      ),
    );
  });
});

describe('mergeSiblingBlocks', () => {
  it('covers exactly the same addresses as its input, in no more blocks', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 64 }), (hosts) => {
        // Prepare
        const blocks = hosts.map((host) => parseCidr(`10.0.0.${host}`) as Cidr);
        // Act
        const merged = mergeSiblingBlocks(blocks);
        // Assess
        expect(merged.length).toBeLessThanOrEqual(new Set(hosts).size);
        for (let host = 0; host < 64; host += 1) expect(coveredBy(merged, `10.0.0.${host}`)).toBe(hosts.includes(host));
      }),
    );
  });
});
