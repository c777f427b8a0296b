// The Athena ledger producer's SQL on a real Trino (Athena engine version 3 is Trino), over the
// advisor's ground-truth estate written in the Glue table's layout, compared with the local stream
// on the same documents; and the Security Lake layout (S3Layout security-lake): the decorator's
// partition keys as the table a crawler makes over the custom source reads them. One Trino for the
// file (about 40 s to start on 2 cores, 1 GiB of heap).
import { relative } from 'node:path';
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
import { OutputSchema, toSchemaDocument } from '../../../src/output-schema/output-schema.js';
import { ARRIVAL_DELAY_SECONDS, createFlowLogTable, writeParquetFiles, type RecordFormat } from './flow-log-table.js';
import { FLOW_LOG_FIELDS } from '../../../src/flow-log/index.js';
import { corpusFiles, corpusIsPresent, HEADERLESS_FLOW_LOG_VERSIONS, missingCorpusMessage, readCorpusText } from '../../support/corpus.js';
import type { LookupScope } from '../../../src/domain/lookup-scope.js';
import { decorateFirehoseRecords, type TransformationOutputRecord } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { S3Layout, type SecurityLakePartitionKeys } from '../../../src/firehose/transformation/partition-keys.js';
import { documentsOf, transformationRecord } from '../../support/firehose-builders.js';
import { flowLogLine, formatOf, headerLine, SAMPLE_FIELD_TEXT } from '../../support/flow-log-builders.js';
import { createSecurityLakeTable, lakeObjectName, SECURITY_LAKE_SOURCE_PREFIX, securityLakePartitionPath, writeSecurityLakeObjects, type LakeObject } from './security-lake-source.js';
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

/** A Security Lake custom source fed by the decorator: one flow-log source behind each delivery. */
interface LakeDelivery {
  /** The decorator's own account and Region (its function's): where records naming none are filed. */
  readonly ownScope: LookupScope;
  /** The decorator's FLOW_LOG_FORMAT; absent: the default format. */
  readonly fields?: readonly string[];
  /** One Firehose record each (as after Firehose's de-aggregation): flow lines, a header line, a line that does not parse. */
  readonly lines: readonly { readonly text: string; readonly arrivalMs: number }[];
}

const LAKE_SCHEMA = 'security_lake';
const LAKE_TABLE = 'vpc_flow_appender';
/** 2024-03-01T00:00:00Z: flows on the leap day before it and on the day it starts. */
const MIDNIGHT = Date.UTC(2024, 2, 1) / 1000;
const LAKE_STARTS = [MIDNIGHT - 3_600, MIDNIGHT - 30, MIDNIGHT, MIDNIGHT + 7_200, MIDNIGHT + 6 * DAY + 5];
const LAKE_ACCOUNTS = ['123456789012', '210987654321', '444455556666'];
const LAKE_REGIONS = ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1'];
const REGIONAL_FIELDS = ['version', 'account-id', 'region', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
const ACCOUNTLESS_FIELDS = REGIONAL_FIELDS.filter((field) => field !== 'account-id' && field !== 'region');
const TIMELESS_FIELDS = REGIONAL_FIELDS.filter((field) => field !== 'start' && field !== 'end');
/** When Firehose received the records of flows without times: 2024-03-03T00:01:40Z. */
const TIMELESS_ARRIVAL_MS = (MIDNIGHT + 2 * DAY + 100) * 1000;

/** What a NODATA record has no value for. */
const NODATA_FIELDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action'].map((name) => [name, '-'])),
  'log-status': 'NODATA',
};

/** The interface an OCSF document names, on whichever side it is. */
function interfaceOf(document: Readonly<Record<string, unknown>>): string {
  const side = (name: string): unknown => (document[name] as Record<string, unknown> | undefined)?.['interface_uid'];
  return String(side('src_endpoint') ?? side('dst_endpoint'));
}

let lakeInterface = 0;
/** A flow line with an interface id of its own, which names its row in the table; Firehose receives it five minutes after its end. */
function lakeLine(values: Readonly<Record<string, string>>, fields?: readonly string[], arrivalMs?: number): { text: string; arrivalMs: number } {
  lakeInterface += 1;
  const text = flowLogLine({ 'interface-id': `eni-${lakeInterface.toString(16).padStart(17, '0')}`, ...values }, fields === undefined ? {} : { fields });
  return { text, arrivalMs: arrivalMs ?? (Number(values.end ?? SAMPLE_FIELD_TEXT.end) + ARRIVAL_DELAY_SECONDS) * 1000 };
}
const times = (start: number): Record<string, string> => ({ start: String(start), end: String(start + 60) });

const regionalLines = LAKE_ACCOUNTS.flatMap((account) => LAKE_REGIONS.flatMap((region) => LAKE_STARTS.map((start) => lakeLine({ 'account-id': account, region, ...times(start) }, REGIONAL_FIELDS))));
const LAKE_DELIVERIES: readonly LakeDelivery[] = [
  // A custom format with ${region}: two deliveries of one source, so that partitions hold two objects.
  {
    ownScope: { accountId: '111122223333', region: 'sa-east-1' },
    fields: REGIONAL_FIELDS,
    lines: [...regionalLines.filter((_line, index) => index % 2 === 0), lakeLine({ 'account-id': '123456789012', region: '-', ...times(MIDNIGHT - 30) }, REGIONAL_FIELDS), { text: 'not a flow log', arrivalMs: MIDNIGHT * 1000 }],
  },
  { ownScope: { accountId: '111122223333', region: 'sa-east-1' }, fields: REGIONAL_FIELDS, lines: regionalLines.filter((_line, index) => index % 2 === 1) },
  // The default format: no Region in the record, so the decorator's own.
  {
    ownScope: { accountId: '777788889999', region: 'eu-west-1' },
    lines: [
      ...LAKE_ACCOUNTS.flatMap((account) => LAKE_STARTS.map((start) => lakeLine({ 'account-id': account, ...times(start) }))),
      lakeLine({ ...NODATA_FIELDS, 'account-id': '444455556666', ...times(MIDNIGHT - 600) }),
      { text: headerLine(), arrivalMs: MIDNIGHT * 1000 },
    ],
  },
  // Neither account nor Region in the record: both the decorator's own.
  { ownScope: { accountId: '999900001111', region: 'ap-northeast-1' }, fields: ACCOUNTLESS_FIELDS, lines: LAKE_STARTS.map((start) => lakeLine(times(start), ACCOUNTLESS_FIELDS)) },
  // No times in the record: the day Firehose received it.
  {
    ownScope: { accountId: '111122223333', region: 'sa-east-1' },
    fields: TIMELESS_FIELDS,
    lines: LAKE_ACCOUNTS.map((account, index) => lakeLine({ 'account-id': account, region: LAKE_REGIONS[index] ?? 'us-east-1' }, TIMELESS_FIELDS, TIMELESS_ARRIVAL_MS)),
  },
];

describe('the Security Lake layout (S3Layout security-lake) on a real Trino: the decorator\'s partition keys as a crawler\'s table reads them', () => {
  const responses: TransformationOutputRecord[][] = [];
  /** The decorator's keys for each flow, by its interface id, and the scope of the decorator that keyed it. */
  const keyed = new Map<string, { keys: SecurityLakePartitionKeys; ownScope: LookupScope; arrivalMs: number; delivery: number }>();
  let objects: LakeObject[] = [];
  const table = `${TRINO_CATALOG}.${LAKE_SCHEMA}.${LAKE_TABLE}`;

  beforeAll(async () => {
    for (const [number, delivery] of LAKE_DELIVERIES.entries()) {
      const inputs = delivery.lines.map((line) => transformationRecord({ text: `${line.text}\n`, approximateArrivalTimestamp: line.arrivalMs }));
      const { records } = await decorateFirehoseRecords(inputs, { ownScope: delivery.ownScope }, {
        ...(delivery.fields === undefined ? {} : { format: formatOf(delivery.fields) }),
        trailingNewline: true,
        responseBudgetBytes: 5_000_000,
        schema: OutputSchema.Ocsf,
        s3Layout: S3Layout.SecurityLake,
      });
      responses.push(records);
      records.forEach((record, index) => {
        const keys = record.metadata?.partitionKeys;
        if (record.result !== 'Ok' || keys === undefined) return;
        for (const document of documentsOf(record)) keyed.set(interfaceOf(document), { keys, ownScope: delivery.ownScope, arrivalMs: delivery.lines[index]?.arrivalMs ?? 0, delivery: number + 1 });
      });
    }
    const started = Date.now();
    objects = writeSecurityLakeObjects(engine().warehouse, LAKE_SCHEMA, responses);
    await createSecurityLakeTable(engine(), LAKE_SCHEMA, LAKE_TABLE);
    console.info(`trino: ${LAKE_TABLE}: ${keyed.size} flows in ${objects.length} objects, written and registered in ${Date.now() - started} ms`);
  });

  it('returns partition keys with every Ok record, one Ok record for every flow line, and none with a header or a line that does not parse', () => {
    // Assess
    LAKE_DELIVERIES.forEach((delivery, index) => {
      const records = responses[index] ?? [];
      const expected = delivery.lines.map((line) => (line.text === 'not a flow log' ? 'ProcessingFailed' : line.text === headerLine() ? 'Dropped' : 'Ok'));
      expect(records.map((record) => record.result)).toEqual(expected);
      for (const record of records) expect(record.metadata === undefined).toBe(record.result !== 'Ok');
    });
    expect(keyed.size).toBe(LAKE_DELIVERIES.flatMap((delivery) => delivery.lines).length - 2);
  });

  it('lets Trino discover exactly the partitions the decorator keyed, days either side of midnight among them', async () => {
    // Act
    const { rows } = await engine().query(`SELECT region, accountid, eventday FROM ${TRINO_CATALOG}.${LAKE_SCHEMA}."${LAKE_TABLE}$partitions"`);
    // Assess
    const discovered = rows.map((row) => row.join(' ')).sort();
    const expected = [...new Set([...keyed.values()].map(({ keys }) => `${keys.region} ${keys.accountId} ${keys.eventDay}`))].sort();
    expect(discovered).toEqual(expected);
    expect(new Set(rows.map(([, , day]) => day))).toEqual(new Set(['20240229', '20240301', '20240307', '20240303']));
    expect(discovered.length).toBeGreaterThan(50);
  });

  it('reads back one row per flow, in the partition and object its record was keyed with', async () => {
    // Act
    const { rows } = await engine().query(`SELECT coalesce(src_endpoint.interface_uid, dst_endpoint.interface_uid), region, accountid, eventday, "$path" FROM ${table}`);
    // Assess
    expect(rows.length).toBe(keyed.size);
    expect(new Set(rows.map(([uid]) => uid)).size).toBe(keyed.size);
    for (const [uid, region, accountId, eventDay, path] of rows) {
      const { keys, delivery } = keyed.get(uid ?? '') ?? {};
      expect({ region, accountId, eventDay }, uid ?? 'a row without interface').toEqual(keys);
      expect(path).toBe(`local:///${LAKE_SCHEMA}/${SECURITY_LAKE_SOURCE_PREFIX}/${securityLakePartitionPath(keys as SecurityLakePartitionKeys)}/${lakeObjectName(delivery ?? 0)}`);
    }
  });

  it('files each flow under the account and Region its OCSF document names, else under the decorator\'s own', async () => {
    // Act
    const { rows } = await engine().query(`SELECT coalesce(src_endpoint.interface_uid, dst_endpoint.interface_uid), cloud.account.uid, cloud.region, accountid, region FROM ${table}`);
    // Assess
    let named = { accounts: 0, regions: 0 };
    for (const [uid, documentAccount, documentRegion, accountId, region] of rows) {
      const own = keyed.get(uid ?? '')?.ownScope;
      expect(accountId, uid ?? '').toBe(documentAccount ?? own?.accountId);
      expect(region, uid ?? '').toBe(documentRegion ?? own?.region);
      named = { accounts: named.accounts + (documentAccount === null ? 0 : 1), regions: named.regions + (documentRegion === null ? 0 : 1) };
    }
    // Both kinds are there: records naming their account and Region, and records falling back on the decorator's.
    expect(named.accounts).toBeGreaterThan(0);
    expect(named.accounts).toBeLessThan(rows.length);
    expect(named.regions).toBeGreaterThan(0);
    expect(named.regions).toBeLessThan(rows.length);
    expect(new Set(rows.map(([, , , accountId]) => accountId))).toEqual(new Set([...LAKE_ACCOUNTS, '999900001111']));
    expect(new Set(rows.map(([, , , , region]) => region))).toEqual(new Set([...LAKE_REGIONS, 'sa-east-1', 'eu-west-1', 'ap-northeast-1']));
  });

  it('files each flow under the UTC day of its OCSF time (a flow over midnight under the day it started), and a flow without times under the day it arrived', async () => {
    // Act: the day in UTC whatever the session's zone.
    const zone = (await engine().query('SELECT current_timezone()')).rows[0]?.[0];
    const { rows } = await engine().query(
      `SELECT coalesce(src_endpoint.interface_uid, dst_endpoint.interface_uid), time, format_datetime(from_unixtime(time / 1000e0) AT TIME ZONE 'UTC', 'yyyyMMdd'), start_time, eventday FROM ${table}`,
    );
    // Assess
    const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
    let timeless = 0;
    for (const [uid, time, trinoDay, startTime, eventDay] of rows) {
      if (startTime === null) {
        // OCSF time is 0 without times; the partition is the arrival day, never 1970.
        expect(eventDay, uid ?? '').toBe(utcDay(keyed.get(uid ?? '')?.arrivalMs ?? 0));
        timeless += 1;
        continue;
      }
      expect(Number(time)).toBe(Number(startTime));
      expect(eventDay, `${uid ?? ''} at ${String(time)} (session zone ${String(zone)})`).toBe(trinoDay);
      expect(eventDay).toBe(utcDay(Number(time)));
    }
    expect(timeless).toBe(LAKE_ACCOUNTS.length);
    const overMidnight = await engine().query(`SELECT DISTINCT eventday FROM ${table} WHERE start_time = ${(MIDNIGHT - 30) * 1000} AND end_time > ${MIDNIGHT * 1000}`);
    expect(overMidnight.rows).toEqual([['20240229']]);
  });

  it('reads only the objects of the partitions a query names by day and account', async () => {
    // Arrange
    const [day, account] = ['20240229', '210987654321'];
    const named = objects.filter((object) => object.keys.eventDay === day && object.keys.accountId === account);
    const sql = (where: string): string => `SELECT count(*), sum(traffic.bytes), array_join(array_sort(array_agg(DISTINCT "$path")), ' ') FROM ${table}${where}`;
    // Act
    const filtered = await engine().query(sql(` WHERE eventday = '${day}' AND accountid = '${account}'`));
    const whole = await engine().query(sql(''));
    // Assess
    const [count, , paths] = filtered.rows[0] ?? [];
    expect(Number(count)).toBe(named.reduce((sum, object) => sum + object.documents.length, 0));
    expect(paths?.split(' ')).toEqual(named.map((object) => `local:///${relative(engine().warehouse, object.file)}`).sort());
    const namedBytes = named.reduce((sum, object) => sum + object.bytes, 0);
    console.info(`trino: ${LAKE_TABLE}: ${day} ${account}: ${filtered.scannedBytes ?? 'no'} bytes scanned of ${namedBytes} in ${named.length} objects; the whole table ${whole.scannedBytes ?? 'no'} of ${objects.reduce((sum, object) => sum + object.bytes, 0)}`);
    // Trino reads a Parquet file below its small-file threshold (3 MB) whole: the bytes read are the objects' sizes.
    expect(filtered.scannedBytes).toBe(namedBytes);
    expect(whole.scannedBytes).toBe(objects.reduce((sum, object) => sum + object.bytes, 0));
    expect(named.length).toBeGreaterThan(1);
    expect(namedBytes).toBeLessThan(objects.reduce((sum, object) => sum + object.bytes, 0) / 4);
  });
});

describe('the Security Lake layout over the public corpus on a real Trino: every flow AWS and others wrote, under its partition', () => {
  const CORPUS_SCHEMA = 'security_lake_corpus';
  /** The decorator reading the corpus: where flows naming no valid account or Region go. */
  const CORPUS_SCOPE: LookupScope = { accountId: '555566667777', region: 'ca-central-1' };
  /** When Firehose received the corpus's records (its flows are years older): 2026-01-02T03:04:05Z. */
  const CORPUS_ARRIVAL_MS = Date.UTC(2026, 0, 2, 3, 4, 5);
  const table = `${TRINO_CATALOG}.${CORPUS_SCHEMA}.${LAKE_TABLE}`;
  const responses: TransformationOutputRecord[][] = [];
  let okFlows = 0;

  beforeAll(async () => {
    if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
    // One delivery per file, its format the decorator's FLOW_LOG_FORMAT: the file's header line's
    // (which, a record of its own after de-aggregation, is Dropped), its version's, or the default.
    for (const path of corpusFiles('flowlogs', '.log')) {
      const lines = readCorpusText(path).split('\n').filter((line) => line.trim() !== '');
      const version = HEADERLESS_FLOW_LOG_VERSIONS[path];
      const header = /^[a-z][a-z0-9-]* /.test(lines[0] ?? '') ? (lines[0] ?? '').trim().split(/\s+/) : undefined;
      const fields = version === undefined ? header : FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => field.name);
      const inputs = lines.map((line) => transformationRecord({ text: `${line}\n`, approximateArrivalTimestamp: CORPUS_ARRIVAL_MS }));
      const { records } = await decorateFirehoseRecords(inputs, { ownScope: CORPUS_SCOPE }, {
        ...(fields === undefined ? {} : { format: formatOf(fields) }),
        trailingNewline: true,
        responseBudgetBytes: 5_000_000,
        schema: OutputSchema.Ocsf,
        s3Layout: S3Layout.SecurityLake,
      });
      responses.push(records);
      for (const record of records) if (record.result === 'Ok') okFlows += documentsOf(record).length;
    }
    writeSecurityLakeObjects(engine().warehouse, CORPUS_SCHEMA, responses);
    await createSecurityLakeTable(engine(), CORPUS_SCHEMA, LAKE_TABLE);
  });

  it('returns partition keys with every Ok record and finds exactly their partitions', async () => {
    // Act
    const { rows } = await engine().query(`SELECT region, accountid, eventday FROM ${TRINO_CATALOG}.${CORPUS_SCHEMA}."${LAKE_TABLE}$partitions"`);
    // Assess
    const ok = responses.flat().filter((record) => record.result === 'Ok');
    expect(ok.every((record) => record.metadata !== undefined)).toBe(true);
    const keys = new Set(ok.map((record) => Object.values(record.metadata?.partitionKeys ?? {}).join(' ')));
    expect(rows.map((row) => row.join(' ')).sort()).toEqual([...keys].sort());
    expect(okFlows).toBeGreaterThan(200);
  });

  it('files every corpus flow under the account and Region it names when they are valid, else the decorator\'s, and the UTC day of its time, else of its arrival', async () => {
    // Act
    const { rows } = await engine().query(
      `SELECT cloud.account.uid, cloud.region, time, start_time, end_time, format_datetime(from_unixtime(time / 1000e0) AT TIME ZONE 'UTC', 'yyyyMMdd'), accountid, region, eventday FROM ${table}`,
    );
    // Assess
    expect(rows.length).toBe(okFlows);
    const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
    const seen = { ownAccount: 0, ownRegion: 0, arrivalDay: 0 };
    for (const [documentAccount, documentRegion, time, startTime, endTime, trinoDay, accountId, region, eventDay] of rows) {
      const account = typeof documentAccount === 'string' && /^\d{12}$/.test(documentAccount) ? documentAccount : CORPUS_SCOPE.accountId;
      const place = typeof documentRegion === 'string' && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(documentRegion) ? documentRegion : CORPUS_SCOPE.region;
      expect({ accountId, region }, `${String(documentAccount)} ${String(documentRegion)}`).toEqual({ accountId: account, region: place });
      if (startTime === null && endTime === null) expect(eventDay).toBe(utcDay(CORPUS_ARRIVAL_MS));
      else expect([eventDay, eventDay]).toEqual([trinoDay, utcDay(Number(time))]);
      seen.ownAccount += accountId === CORPUS_SCOPE.accountId ? 1 : 0;
      seen.ownRegion += region === CORPUS_SCOPE.region ? 1 : 0;
      seen.arrivalDay += eventDay === utcDay(CORPUS_ARRIVAL_MS) ? 1 : 0;
    }
    // The corpus has them all: masked or short account ids, records without Region, records without times.
    console.info(`trino: ${CORPUS_SCHEMA}: ${rows.length} flows; under the own account ${seen.ownAccount}, own Region ${seen.ownRegion}, arrival day ${seen.arrivalDay}`);
    expect(Object.values(seen).every((count) => count > 0 && count < rows.length)).toBe(true);
  });
});
