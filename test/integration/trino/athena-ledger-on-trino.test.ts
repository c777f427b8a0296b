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
import { glueColumnsFor } from '../../../src/athena/schema-columns.js';
import type { EnrichedFlowLog } from '../../../src/enrich/enriched-flow-log.js';
import { toSchemaDocument, type OutputSchema } from '../../../src/output-schema/output-schema.js';
import { createFlowLogTable, writeParquetFiles, type RecordFormat } from './flow-log-table.js';
import { startTrinoServer, TRINO_CATALOG, type TrinoServer } from './trino-server.js';

const SCHEMA = 'flow_estate';
const DAY = 86_400;
/** HyperLogLog at precision 10: standard error 3.25 %; three of them bound any run we make. */
const HLL_TOLERANCE = 3 * 0.0325;

const truth = generateAdvisorGroundTruth({ seed: 7 });
let trino: TrinoServer | undefined;
let flows: ReportFlow[] = [];
let enriched: readonly Readonly<Record<string, unknown>>[] = [];
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

async function athenaLedger(
  query: { window?: { from: number; to: number }; limits?: Partial<LedgerLimits> } = {},
  table: { database: string; schema?: OutputSchema } = { database: SCHEMA },
): Promise<{ ledger: ReportLedger; scanned: number }> {
  let scanned = 0;
  const source = createAthenaLedgerSource({
    engine: engine(),
    table: { catalog: TRINO_CATALOG, database: table.database, table: 'flow_logs' },
    ...(table.schema === undefined ? {} : { schema: table.schema }),
    onScanned: (_name, bytes) => (scanned += bytes),
  });
  return { ledger: await source.readLedger({ rules: truth.rules, ...query }), scanned };
}

/** The replay with group sets spelt out and tuples sorted: the two producers number group sets in different orders. */
function comparable(ledger: ReportLedger): unknown {
  const tuples = ledger.replay.tuples.map((tuple) => JSON.stringify([ledger.replay.groupSets[tuple.groups], tuple.direction, tuple.peer, tuple.protocol, tuple.port, tuple.flows])).sort();
  return { ...ledger, replay: { tuples, flowsNotKept: ledger.replay.flowsNotKept } };
}

beforeAll(async () => {
  const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
  enriched = documents;
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

/** The estate as the stack writes it with each OutputSchema and S3RecordFormat: the table's name in Trino. */
const VARIANTS: readonly { readonly outputSchema: OutputSchema; readonly format: RecordFormat }[] = [
  { outputSchema: 'native', format: 'parquet' },
  { outputSchema: 'ocsf', format: 'json' },
  { outputSchema: 'ocsf', format: 'parquet' },
  { outputSchema: 'ecs', format: 'json' },
  { outputSchema: 'ecs', format: 'parquet' },
];
const variantTable = (variant: (typeof VARIANTS)[number]): string => `estate_${variant.outputSchema}_${variant.format}`;
const variantBytes = new Map<string, number>();

describe('the Athena ledger and named queries over every output schema, as JSON lines and as Parquet', () => {
  beforeAll(async () => {
    for (const variant of VARIANTS) {
      const started = Date.now();
      const table = await createFlowLogTable(engine(), variantTable(variant), enriched, variant);
      variantBytes.set(variantTable(variant), table.bytes);
      console.info(`trino: ${variantTable(variant)}: ${table.bytes} bytes, written and registered in ${Date.now() - started} ms`);
    }
  });

  it.each(VARIANTS)('gives the local stream\'s ledger, field for field, over $outputSchema documents as $format', async (variant) => {
    // Act
    const started = Date.now();
    const { ledger, scanned } = await athenaLedger({}, { database: variantTable(variant), schema: variant.outputSchema });
    // Assess
    expect(comparable(ledger)).toEqual(comparable(localLedger(flows)));
    console.info(`trino: ${variantTable(variant)}: ledger in ${Date.now() - started} ms, ${scanned} bytes scanned (native JSON: ${5 * tableBytes})`);
    if (variant.format === 'parquet') expect(scanned).toBeLessThan(5 * tableBytes);
  });

  it.each(VARIANTS)('reads only the window over $outputSchema documents as $format, as over native JSON', async (variant) => {
    // Arrange
    const last = Math.max(...flows.map((flow) => flow.start ?? 0));
    const window = { from: last - 7 * DAY, to: last - DAY };
    const inWindow = flows.filter((flow) => flow.start !== undefined && flow.start >= window.from && flow.start < window.to);
    // Act
    const { ledger } = await athenaLedger({ window }, { database: variantTable(variant), schema: variant.outputSchema });
    // Assess
    expect(comparable(ledger)).toEqual(comparable(localLedger(inWindow)));
  });

  it.each(VARIANTS)('answers the named queries over $outputSchema documents as $format as over native JSON', async (variant) => {
    // Arrange
    const sqlOf = (schema: OutputSchema, database: string, logicalId: string): string =>
      (athenaNamedQuerySql(schema)[logicalId] ?? '')
        .replaceAll('"${FlowLogDatabase}"', `${TRINO_CATALOG}."${database}"`)
        .replace(/;\s*$/, '')
        .replace(/AND year = year\(current_date\) AND month = month\(current_date\)/, '')
        .replace(/WHERE year = year\(current_date\) AND month = month\(current_date\)/, '');
    const sorted = (rows: readonly (readonly (string | null)[])[]): string[] => rows.map((row) => JSON.stringify(row)).sort();
    // Act and assess: every named query, the same rows as on the native JSON table.
    for (const logicalId of Object.keys(athenaNamedQuerySql())) {
      const [expected, actual] = await Promise.all([engine().query(sqlOf('native', SCHEMA, logicalId)), engine().query(sqlOf(variant.outputSchema, variantTable(variant), logicalId))]);
      // A LIMIT reached may cut between ties differently: then the number of rows only.
      const limit = Number(/LIMIT (\d+)/.exec(athenaNamedQuerySql()[logicalId] ?? '')?.[1] ?? Number.POSITIVE_INFINITY);
      // Trino's OpenX JSON reader has no `mapping.event_time` (the Glue table's SerDe parameter):
      // the native JSON table's weekday is NULL here, so the weekday column is left out.
      const withoutWeekday = (rows: readonly (readonly (string | null)[])[]): (string | null)[][] =>
        rows.map((row) => (logicalId === 'RejectedTcpByDayNamedQuery' ? row.filter((_value, index) => index !== 1) : [...row]));
      if (expected.rows.length >= limit) expect(actual.rows.length, logicalId).toBe(expected.rows.length);
      else expect(sorted(withoutWeekday(actual.rows)), logicalId).toEqual(sorted(withoutWeekday(expected.rows)));
      expect(expected.rows.length, logicalId).toBeGreaterThan(0);
    }
  });

  it('writes the estate as Parquet in a fraction of its JSON bytes', () => {
    // Assess: the columnar files are smaller than the JSON lines of the same documents.
    for (const variant of VARIANTS.filter((candidate) => candidate.format === 'parquet')) {
      const json = variant.outputSchema === 'native' ? tableBytes : (variantBytes.get(variantTable({ ...variant, format: 'json' })) ?? 0);
      const parquet = variantBytes.get(variantTable(variant)) ?? Number.POSITIVE_INFINITY;
      console.info(`trino: ${variant.outputSchema}: JSON ${json} bytes, Parquet ${parquet} bytes (${((100 * parquet) / json).toFixed(1)} %)`);
      expect(parquet).toBeLessThan(json / 2);
    }
  });

  it.each(['native', 'ecs', 'ocsf'] as const)('fails the strict Parquet conversion of a %s document whose field does not fit its column, naming the field', (outputSchema) => {
    // Arrange: a port as text, where the column is an int.
    const withPort = enriched.find((candidate) => typeof candidate['dstport'] === 'number' && typeof candidate['dstaddr'] === 'string');
    if (withPort === undefined) throw new Error('no document of the estate has a destination port');
    const document = toSchemaDocument(outputSchema, { ...(withPort as EnrichedFlowLog) }) as Record<string, unknown>;
    const setPort = (object: Record<string, unknown>, path: readonly string[], value: unknown): void => {
      const [head = '', ...rest] = path;
      if (rest.length === 0) object[head] = value;
      else setPort(object[head] as Record<string, unknown>, rest, value);
    };
    const path = { native: ['dstport'], ecs: ['destination', 'port'], ocsf: ['dst_endpoint', 'port'] }[outputSchema];
    const file = `${engine().warehouse}/misfit-${outputSchema}/documents.parquet`;
    // Act and assess
    setPort(document, path, '443');
    expect(() => writeParquetFiles(outputSchema, new Map([[file, [document]]]))).toThrow(`${path.join('.')}: "443" is no int32`);
    // The same document with its port as a number converts.
    setPort(document, path, 443);
    expect(writeParquetFiles(outputSchema, new Map([[file, [document]]])).get(file)).toBeGreaterThan(0);
    expect(glueColumnsFor(outputSchema).length).toBeGreaterThan(0);
  });
});
