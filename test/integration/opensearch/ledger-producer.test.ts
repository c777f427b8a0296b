// Issue 15 on the integration tier's real OpenSearch node: a generated estate (350 rules, three
// weeks of flows), attributed by the project's enrichment and indexed under the index template
// `opensearch setup` installs; the OpenSearch ledger producer and the local stream's ledger
// builder over the same documents must give the same ledger (every exact count, every estimate)
// and so the same verdicts; `report --opensearch` must write the report `report` writes from the
// same documents as NDJSON.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOpenSearchHttpClient } from '../../../src/adapters/opensearch-http-client.js';
import { createOpenSearchLedgerSource } from '../../../src/opensearch/index.js';
import { adviseSecurityGroups, createLedgerBuilder, type LedgerLimits, type RankingLedger, type ReportLedger } from '../../../src/report/index.js';
import { writeGroundTruthInventory } from '../../support/report-builders.js';
import { runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';
import { comparableLedger, indexEstate, installTemplate, openSearchRequest, reportFlowOfLine } from './estate-index.js';
import { generateEstate } from './generated-estate.js';

const url = inject('opensearchUrl');
/** An index pattern of this file's own, so that the other tests' counts under cwl-* stay theirs. */
const INDEX_PATTERN = 'ledger-estate-*';
const RECORDS = 20_000;
const DAY = 86_400;
/** Three weeks at about six records per interface and day cover some five days: judge from three. */
const THRESHOLDS = { minWindowDays: 3 };
/** Bounds far below the estate's keys: every exact collection passes its limit. */
const SMALL_LIMITS: Partial<LedgerLimits> = {
  exactDistinctLimit: 40,
  peerBlockLimit: 8,
  serviceLimit: 4,
  replayTuplesPerRule: 50,
  replayTuplesTotal: 2_000,
  rankingExactLimit: 30,
  rankingCounters: 10,
  rankingItems: 5,
};

const estate = generateEstate({ seed: 15, groups: 50, days: 21 });
const lines: string[] = [];
const files = temporaryDirectory();
const source = createOpenSearchLedgerSource({ http: createOpenSearchHttpClient({ baseUrl: url, auth: { kind: 'none' }, timeoutMs: 300_000 }), indexPattern: INDEX_PATTERN });

function localLedger(limits: Partial<LedgerLimits> = {}, window?: { from: number; to: number }): ReportLedger {
  const builder = createLedgerBuilder({ rules: estate.rules, limits });
  for (const line of lines) {
    const flow = reportFlowOfLine(line);
    if (window !== undefined && !(flow.start !== undefined && flow.start >= window.from && flow.start < window.to)) continue;
    builder.add(flow);
  }
  return builder.ledger();
}

beforeAll(async () => {
  await installTemplate(url, 'ledger-estate', INDEX_PATTERN);
  const indexed = await indexEstate(url, estate, RECORDS, INDEX_PATTERN, (json) => lines.push(json));
  expect(indexed).toBe(RECORDS);
  writeFileSync(files.path('estate.ndjson'), `${lines.join('\n')}\n`);
  writeGroundTruthInventory({ interfaces: estate.interfaces, rulesByGroup: estate.rulesByGroup, prefixLists: new Map() }, files.path('inventory'));
});

afterAll(async () => {
  files.remove();
  await openSearchRequest(url, 'DELETE', `/${INDEX_PATTERN}`);
});

describe('the OpenSearch ledger producer on a generated estate', () => {
  it('gives the ledger the local stream builds from the same documents, field for field', async () => {
    // Prepare: pages of 2,000 buckets, so that the estate's 20,000 records are read in several interface partitions of several pages.
    const paged = createOpenSearchLedgerSource({ http: createOpenSearchHttpClient({ baseUrl: url, auth: { kind: 'none' }, timeoutMs: 300_000 }), indexPattern: INDEX_PATTERN, pageSize: 2_000 });
    // Act
    const remote = await paged.readLedger({ rules: estate.rules });
    // Assess
    const local = localLedger();
    expect(comparableLedger(remote)).toEqual(comparableLedger(local));
    // The estate exercises what the ledger counts: not a comparison of empty ledgers.
    expect(remote.totals.records).toBe(RECORDS);
    expect(remote.rules).toHaveLength(350);
    expect(remote.rules.filter((rule) => rule.flows > 0).length).toBeGreaterThan(200);
    expect(remote.rules.some((rule) => rule.exposures.some((exposure) => exposure.acceptedFlows > 0 && exposure.blockedAttempts > 0))).toBe(true);
    expect(remote.replay.tuples.length).toBeGreaterThan(1_000);
    expect(remote.replay.groupSets.some((groups) => groups.length === 2)).toBe(true);
    expect(remote.rejectedSources.ingress.total).toBeGreaterThan(0);
    expect(remote.rejectedSources.egress.total).toBeGreaterThan(0);
    expect(remote.groups.every((group) => group.groupName !== null)).toBe(true);
    // The aggregations were paged: more than one page where a partition has more buckets than a page, several partitions.
    expect(paged.statistics?.pages.interfaceHours).toBeGreaterThan(2);
    expect(paged.statistics?.buckets.interfaceHours).toBeGreaterThan(2 * 2_000);
  });

  it('gives the same verdicts, reasons, replacements and safety check as the local stream', async () => {
    // Act
    const remote = adviseSecurityGroups(await source.readLedger({ rules: estate.rules }), { rules: estate.rules, interfaces: interfaceGroups() }, THRESHOLDS);
    // Assess
    const local = adviseSecurityGroups(localLedger(), { rules: estate.rules, interfaces: interfaceGroups() }, THRESHOLDS);
    expect(remote).toEqual(local);
    const verdicts = new Set(remote.recommendations.map((recommendation) => recommendation.verdict));
    for (const verdict of ['keep', 'remove', 'narrow'] as const) expect(verdicts, verdict).toContain(verdict);
  });

  it('reads only the window: records whose start is in [from, to)', async () => {
    // Prepare
    const window = { from: estate.start + 7 * DAY + 3_600, to: estate.start + 14 * DAY };
    // Act
    const remote = await source.readLedger({ rules: estate.rules, window });
    // Assess
    const local = localLedger({}, window);
    expect(comparableLedger(remote)).toEqual(comparableLedger(local));
    expect(remote.totals.records).toBeGreaterThan(RECORDS / 4);
    expect(remote.totals.records).toBeLessThan(RECORDS / 2);
  });

  it('past every limit, says so as the stream does, with equal counts and estimates and rankings within their bounds', async () => {
    // Act
    const remote = await source.readLedger({ rules: estate.rules, limits: SMALL_LIMITS });
    // Assess
    const local = localLedger(SMALL_LIMITS);
    expect(remote.totals).toEqual(local.totals);
    expect(remote.totals.interfaces.exact).toBe(false);
    expect(remote.unknownRuleIds).toEqual(local.unknownRuleIds);
    expect(remote.interfaces).toEqual(local.interfaces);
    for (const [index, rule] of remote.rules.entries()) {
      const expected = local.rules[index];
      if (expected === undefined) throw new Error(`no local entry for ${rule.ruleId}`);
      // Order-free: counts, times, days, distinct counts (the same HyperLogLog over the same distinct peers) and every flag.
      // Which keys a bounded collection keeps (peer blocks, services, replay tuples) depends on the
      // order it meets them in: records for the stream, bucket keys here. Their flags and sizes do not.
      const orderFree = (entry: typeof rule): unknown => ({ ...entry, peerBlocks: entry.peerBlocks.exact, services: [entry.services.exact, entry.services.used.length], replayComplete: undefined });
      expect(orderFree(rule), rule.ruleId).toEqual(orderFree(expected));
      expect(rule.peerBlocks.cidrs.length, rule.ruleId).toBeLessThanOrEqual(SMALL_LIMITS.peerBlockLimit ?? 0);
    }
    expect(remote.rules.some((rule) => !rule.distinctPeers.exact)).toBe(true);
    expect(remote.rules.some((rule) => !rule.peerBlocks.exact)).toBe(true);
    expect(remote.replay.tuples.length).toBeLessThanOrEqual(SMALL_LIMITS.replayTuplesTotal ?? 0);
    expect(remote.rules.some((rule) => !rule.replayComplete)).toBe(true);
    expect(remote.replay.flowsNotKept).toBeGreaterThan(0);
    expectRankingWithinBounds(remote.rejectedSources.ingress, local.rejectedSources.ingress);
    expectRankingWithinBounds(remote.rejectedSources.egress, local.rejectedSources.egress);
    for (const [index, group] of remote.groups.entries()) expectRankingWithinBounds(group.talkers, local.groups[index]?.talkers);
  });

  it('report --opensearch writes the report that report writes from the same documents', async () => {
    // Act
    const fromIndices = await runCliWith(['report', '--opensearch', url, '--auth', 'none', '--index-pattern', INDEX_PATTERN, '--inventory', files.path('inventory'), '--format', 'json', '--min-window', '3']);
    // Assess
    const fromFile = await runCliWith(['report', files.path('estate.ndjson'), '--inventory', files.path('inventory'), '--format', 'json', '--min-window', '3']);
    expect(fromIndices.stderr).toMatch(/20,000 records in \d+ searches/);
    expect(fromIndices.status).toBe(0);
    expect(fromFile.status).toBe(0);
    expect(JSON.parse(fromIndices.stdout)).toEqual(JSON.parse(fromFile.stdout));
  });

  it('report --opensearch lists apart the rule ids the inventory no longer holds', async () => {
    // Prepare: an inventory without the first group's rules.
    const [firstGroup] = estate.rulesByGroup.keys();
    const fewer = new Map([...estate.rulesByGroup].filter(([groupId]) => groupId !== firstGroup));
    writeGroundTruthInventory({ interfaces: estate.interfaces, rulesByGroup: fewer, prefixLists: new Map() }, files.path('fewer'));
    // Act
    const run = await runCliWith(['report', '--opensearch', url, '--auth', 'none', '--index-pattern', INDEX_PATTERN, '--inventory', files.path('fewer'), '--format', 'json']);
    // Assess
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { unknownRuleIds: string[] };
    const gone = (estate.rulesByGroup.get(firstGroup ?? '') ?? []).map((rule) => rule.rule_id);
    expect(report.unknownRuleIds.length).toBeGreaterThan(0);
    for (const ruleId of report.unknownRuleIds) expect(gone).toContain(ruleId);
  });
});

/** The estate's interfaces and their groups, as the inventory gives them to the advisor. */
function interfaceGroups(): ReadonlyMap<string, readonly string[]> {
  return new Map(estate.interfaces.map((info) => [info.interfaceId, info.securityGroups.map((group) => group.groupId)]));
}

/** Same total and flags; each key both keep is within the two error bounds of the other. */
function expectRankingWithinBounds(remote: RankingLedger, local: RankingLedger | undefined): void {
  if (local === undefined) throw new Error('no local ranking');
  expect(remote.total).toBe(local.total);
  expect(remote.exact).toBe(local.exact);
  const localByKey = new Map(local.items.map((item) => [item.key, item.value]));
  for (const item of remote.items) {
    const value = localByKey.get(item.key);
    if (value !== undefined) expect(Math.abs(item.value - value)).toBeLessThanOrEqual(remote.errorBound + local.errorBound);
  }
}
