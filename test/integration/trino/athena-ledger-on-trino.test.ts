// The Athena ledger producer's SQL on a real Trino (Athena engine version 3 is Trino), over the
// advisor's ground-truth estate written in the Glue table's layout, compared with the local stream
// on the same documents. One Trino for the file (about 40 s to start on 2 cores, 1 GiB of heap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaLedgerSource } from '../../../src/athena/athena-ledger-source.js';
import { ledgerQueries } from '../../../src/athena/ledger-sql.js';
import { athenaNamedQuerySql } from '../../../src/athena/named-queries.js';
import { flowPeerAddress } from '../../../src/analysis/security-group-matcher.js';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { cidrContains, parseCidr, parseIpAddress } from '../../../src/net/index.js';
import { adviseSecurityGroups, createLedgerBuilder, DEFAULT_LEDGER_LIMITS, toReportFlow, type LedgerLimits, type ReportFlow, type ReportLedger } from '../../../src/report/index.js';
import { advisorGroundTruthSources, generateAdvisorGroundTruth } from '../../support/advisor-ground-truth.js';
import { createFlowLogTable } from './flow-log-table.js';
import { startTrinoServer, TRINO_CATALOG, type TrinoServer } from './trino-server.js';

const SCHEMA = 'flow_estate';
const DAY = 86_400;
/** HyperLogLog at precision 10: standard error 3.25 %; three of them bound any run we make. */
const HLL_TOLERANCE = 3 * 0.0325;

const truth = generateAdvisorGroundTruth({ seed: 7 });
let trino: TrinoServer | undefined;
let flows: ReportFlow[] = [];
let tableBytes = 0;
let bytesByDay: ReadonlyMap<string, number> = new Map();
let wholeTable: Promise<{ ledger: ReportLedger; scanned: number }> | undefined;

function engine(): TrinoServer {
  if (trino === undefined) throw new Error('Trino did not start');
  return trino;
}

function localLedger(records: readonly ReportFlow[], limits: Partial<LedgerLimits> = {}): ReportLedger {
  const builder = createLedgerBuilder({ rules: truth.rules, limits });
  for (const record of records) builder.add(record);
  return builder.ledger();
}

async function athenaLedger(query: { window?: { from: number; to: number }; limits?: Partial<LedgerLimits> } = {}): Promise<{ ledger: ReportLedger; scanned: number }> {
  let scanned = 0;
  const source = createAthenaLedgerSource({ engine: engine(), table: { catalog: TRINO_CATALOG, database: SCHEMA, table: 'flow_logs' }, onScanned: (_name, bytes) => (scanned += bytes) });
  return { ledger: await source.readLedger({ rules: truth.rules, ...query }), scanned };
}

/** The replay with group sets spelt out and tuples sorted: the two producers number group sets in different orders. */
function comparable(ledger: ReportLedger): unknown {
  const tuples = ledger.replay.tuples.map((tuple) => JSON.stringify([ledger.replay.groupSets[tuple.groups], tuple.direction, tuple.peer, tuple.protocol, tuple.port, tuple.flows])).sort();
  return { ...ledger, replay: { tuples, flowsNotKept: ledger.replay.flowsNotKept } };
}

beforeAll(async () => {
  const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
  flows = documents.map((document) => toReportFlow(document as unknown as Record<string, unknown>) as ReportFlow);
  trino = await startTrinoServer();
  const table = await createFlowLogTable(trino, SCHEMA, documents);
  tableBytes = table.bytes;
  bytesByDay = table.bytesByDay;
});

afterAll(async () => {
  await trino?.stop();
});

describe('the Athena ledger SQL on a real Trino, against the local stream on the same documents', () => {
  it('gives the ledger the local stream builds, field for field, over the whole table', async () => {
    // Act
    const { ledger, scanned } = await (wholeTable ??= athenaLedger());
    // Assess
    expect(comparable(ledger)).toEqual(comparable(localLedger(flows)));
    // Five queries, one scan of the table each.
    expect(scanned).toBe(5 * tableBytes);
  });

  it('gives the advisor the same verdicts, reasons, replacements and evidence', async () => {
    // Arrange
    const inventory = { rules: truth.rules, groupMembers: truth.groupMembers };
    // Act
    const { ledger } = await (wholeTable ??= athenaLedger());
    // Assess
    expect(adviseSecurityGroups(ledger, inventory).recommendations).toEqual(adviseSecurityGroups(localLedger(flows), inventory).recommendations);
  });

  it('reads only the window: records starting in it, from the partitions it and a day of arrival span', async () => {
    // Arrange
    const last = Math.max(...flows.map((flow) => flow.start ?? 0));
    const window = { from: last - 7 * DAY, to: last - DAY };
    const inWindow = flows.filter((flow) => flow.start !== undefined && flow.start >= window.from && flow.start < window.to);
    // Act
    const { ledger, scanned } = await athenaLedger({ window });
    // Assess
    expect(comparable(ledger)).toEqual(comparable(localLedger(inWindow)));
    // The window's days and one more of arrivals: nothing else is read.
    const days = new Set<string>();
    for (let day = Math.floor(window.from / DAY); day <= Math.floor((window.to - 1) / DAY) + 1; day += 1) days.add(new Date(day * DAY * 1000).toISOString().slice(0, 10));
    const windowBytes = [...bytesByDay].reduce((sum, [day, bytes]) => sum + (days.has(day) ? bytes : 0), 0);
    expect(scanned).toBe(5 * windowBytes);
    expect(windowBytes).toBeLessThan(tableBytes / 2);
  });

  it('keeps exact counts equal and estimates within their error once small limits are passed', async () => {
    // Arrange
    const limits: Partial<LedgerLimits> = { exactDistinctLimit: 100, peerBlockLimit: 64, serviceLimit: 1, rankingExactLimit: 10, replayTuplesPerRule: 200, replayTuplesTotal: 1_000 };
    const local = localLedger(flows, limits);
    // Act
    const { ledger } = await athenaLedger({ limits });
    // Assess
    expect(ledger.totals).toEqual(local.totals);
    const localRules = new Map(local.rules.map((rule) => [rule.ruleId, rule]));
    for (const rule of ledger.rules) {
      const expected = localRules.get(rule.ruleId);
      const { flows: hits, bytes, packets, firstSeen, lastSeen, rejectedWouldAllow, hitsByDay, publicPeerNetworks } = rule;
      expect({ hits, bytes, packets, firstSeen, lastSeen, rejectedWouldAllow, hitsByDay, publicPeerNetworks }).toEqual({
        hits: expected?.flows,
        bytes: expected?.bytes,
        packets: expected?.packets,
        firstSeen: expected?.firstSeen,
        lastSeen: expected?.lastSeen,
        rejectedWouldAllow: expected?.rejectedWouldAllow,
        hitsByDay: expected?.hitsByDay,
        publicPeerNetworks: expected?.publicPeerNetworks,
      });
      for (const field of ['distinctPeers', 'publicPeers'] as const) {
        expect(rule[field].exact).toBe(expected?.[field].exact);
        if (rule[field].exact) expect(rule[field].value).toBe(expected?.[field].value);
        else expect(Math.abs((expected?.[field].value ?? 0) - rule[field].value)).toBeLessThanOrEqual(HLL_TOLERANCE * rule[field].value);
      }
      expect(rule.services.exact).toBe(expected?.services.exact);
      expect(rule.peerBlocks.exact).toBe(expected?.peerBlocks.exact);
    }
    expect(ledger.replay.tuples.reduce((sum, tuple) => sum + tuple.flows, 0) + ledger.replay.flowsNotKept).toBe(
      local.replay.tuples.reduce((sum, tuple) => sum + tuple.flows, 0) + local.replay.flowsNotKept,
    );
    expect(ledger.replay.tuples.length).toBeLessThanOrEqual(1_000);
  });

  it('covers every peer of a rule with its blocks once past the peer block limit', async () => {
    // Arrange
    const limits: Partial<LedgerLimits> = { peerBlockLimit: 16 };
    // Act
    const { ledger } = await athenaLedger({ limits });
    // Assess
    const blocksOf = new Map(ledger.rules.map((rule) => [rule.ruleId, rule.peerBlocks.cidrs.map((cidr) => parseCidr(cidr))]));
    let checked = 0;
    for (const flow of flows) {
      if (flow.rule_match !== 'matched' || (flow.direction !== 'ingress' && flow.direction !== 'egress')) continue;
      const peer = parseIpAddress(flowPeerAddress(flow, flow.direction) ?? '');
      for (const ruleId of flow.security_group_rule_ids ?? []) {
        const rule = truth.rules.find((candidate) => candidate.rule_id === ruleId);
        if (rule === undefined || (rule.peer.kind !== 'ipv4_cidr' && rule.peer.kind !== 'ipv6_cidr') || peer === undefined || peer.family !== (rule.peer.cidr.includes(':') ? 6 : 4)) continue;
        expect(blocksOf.get(ruleId)?.some((block) => block !== undefined && cidrContains(block, peer))).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(ledger.rules.some((rule) => !rule.peerBlocks.exact && rule.peerBlocks.cidrs.length <= 16)).toBe(true);
  });

  it('generates SQL that Trino accepts for every default limit (the queries Athena gets)', async () => {
    // Arrange
    const queries = ledgerQueries({ table: { catalog: TRINO_CATALOG, database: SCHEMA, table: 'flow_logs' }, limits: DEFAULT_LEDGER_LIMITS });
    // Act
    const explained = await Promise.all(Object.values(queries).map((sql) => engine().query(`EXPLAIN ${sql}`)));
    // Assess
    expect(explained.every((result) => result.rows.length > 0)).toBe(true);
  });
});

describe('the named Athena queries on a real Trino', () => {
  const sqlOf = (logicalId: string): string =>
    (athenaNamedQuerySql()[logicalId] ?? '').replaceAll('"${FlowLogDatabase}"', `${TRINO_CATALOG}."${SCHEMA}"`).replace(/;\s*$/, '');

  it('counts hits per rule per day as the ledger does', async () => {
    // Act
    const result = await engine().query(sqlOf('RuleHitsByDayNamedQuery').replace(/AND year = year\(current_date\)[^\n]*/, ''));
    // Assess
    const ledger = localLedger(flows);
    const expected = ledger.rules.flatMap((rule) => rule.hitsByDay.map(([day, hits]) => `${rule.ruleId} ${new Date(day * DAY * 1000).toISOString().slice(0, 10)} ${hits}`)).sort();
    const rows = result.rows.map(([ruleId, day, hits]) => `${ruleId} ${day} ${hits}`).filter((row) => ledger.rules.some((rule) => row.startsWith(`${rule.ruleId} `))).sort();
    expect(rows).toEqual(expected);
  });

  it('gives each rule its last hit as the ledger does', async () => {
    // Act
    const result = await engine().query(sqlOf('RuleLastHitNamedQuery').replace(/AND year = year\(current_date\)[^\n]*/, ''));
    // Assess
    const ledger = localLedger(flows);
    const lastHit = new Map(result.rows.map(([ruleId, , last]) => [ruleId, Number(last)]));
    for (const rule of ledger.rules) if (rule.lastSeen !== null) expect(lastHit.get(rule.ruleId)).toBe(rule.lastSeen);
  });

  it('finds the accepted public flows to administration ports per rule as the ledger\'s exposures', async () => {
    // Act
    const result = await engine().query(sqlOf('RuleExposedPortFlowsNamedQuery').replace(/AND year = year\(current_date\)[^\n]*/, ''));
    // Assess
    const ledger = localLedger(flows);
    const exposures = ledger.rules.flatMap((rule) => rule.exposures.map((exposure) => ({ ruleId: rule.ruleId, ...exposure })));
    const expected = exposures.filter((exposure) => exposure.acceptedFlows > 0).map((exposure) => `${exposure.ruleId} ${exposure.port} ${exposure.acceptedFlows} ${exposure.acceptedSources.value}`).sort();
    // The query answers for every rule; the ledger tracks exposures of rules open to the whole internet.
    const rows = result.rows
      .filter(([ruleId, port]) => exposures.some((exposure) => exposure.ruleId === ruleId && String(exposure.port) === port))
      .map(([ruleId, port, hits, sources]) => `${ruleId} ${port} ${hits} ${sources}`)
      .sort();
    expect(rows).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});
