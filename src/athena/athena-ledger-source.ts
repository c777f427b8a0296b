import type { OutputSchema } from '../output-schema/output-schema.js';
import { ADDRESS_BITS, addressKey, cidrFamily, formatCidr, parseCidr, parseIpAddress, truncateAddress, type Cidr, type IpAddress } from '../net/index.js';
import type { SecurityGroupRule } from '../ports.js';
import {
  DEFAULT_LEDGER_LIMITS,
  exposedPortsOf,
  LEDGER_SCHEMA,
  RULE_MATCH_BUCKETS,
  type CountValue,
  type ExposureLedger,
  type GroupLedger,
  type InterfaceLedger,
  type LedgerLimits,
  type LedgerQuery,
  type LedgerSource,
  type RankingLedger,
  type ReplayTuple,
  type ReportLedger,
  type RuleLedger,
  type RuleMatchBucket,
} from '../report/index.js';
import { COARSE_IPV4_PREFIX, COARSE_IPV6_PREFIX, ledgerQueries, MAX_PEER_NETWORKS, type LedgerTable } from './ledger-sql.js';

/** Rows of one query, every value as text (Athena's `VarCharValue`) or null. */
export interface SqlRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Bytes the engine read for the query, when it says (Athena's `DataScannedInBytes`). */
  readonly scannedBytes?: number;
}

/** The engine the queries run on: Athena through its API, or Trino in the integration tier. */
export interface SqlQueryEngine {
  query(sql: string): Promise<SqlRows>;
}

export interface AthenaLedgerSourceInput {
  readonly engine: SqlQueryEngine;
  readonly table: LedgerTable;
  /** The schema the table's documents are in (the stack's OutputSchema); native when absent. */
  readonly schema?: OutputSchema;
  /** Called once per query with its bytes scanned, for the report's cost line. */
  readonly onScanned?: (query: string, bytes: number) => void;
}

const MAX_UNKNOWN_RULE_IDS = 100;
/** Same cap as the local stream's: the groups tracked for talkers and names. */
const MAX_TRACKED_GROUPS = 10_000;

/**
 * The Athena ledger producer (issue 15): runs `ledgerQueries` on the engine (concurrently: each is
 * one scan) and reads their aggregates into the ledger the local stream builds from the same
 * documents. Exact counts are equal; where the local stream switches to an estimate past a limit,
 * the engine's count is still exact (`count(DISTINCT)`), so its error is 0 against the stream's
 * HyperLogLog error, and the `exact` flags follow the same limits so that the advisor decides alike.
 * Where the stream keeps "the first N seen" past a limit (services, replay tuples, interfaces,
 * unknown rule ids), the engine keeps the N most used (or the first by id): the same bounds, a
 * different, deterministic choice.
 *
 * @example
 * const source = createAthenaLedgerSource({ engine: createAthenaQueryEngine({ client, workGroup, database }), table: { database, table: 'flow_logs' } });
 * const ledger = await source.readLedger({ rules, window: { from, to } });
 */
export function createAthenaLedgerSource(input: AthenaLedgerSourceInput): LedgerSource {
  return {
    async readLedger(query) {
      const limits: LedgerLimits = { ...DEFAULT_LEDGER_LIMITS, ...query.limits };
      const sql = ledgerQueries({
        table: input.table,
        limits,
        ...(input.schema === undefined ? {} : { schema: input.schema }),
        ...(query.window === undefined ? {} : { window: query.window }),
      });
      const run = async (name: keyof typeof sql): Promise<Row[]> => {
        const result = await input.engine.query(sql[name]);
        if (result.scannedBytes !== undefined) input.onScanned?.(name, result.scannedBytes);
        return rowsOf(result);
      };
      // Settled, not Promise.all: a failed query must not leave the others polling unobserved.
      const settled = await Promise.allSettled([run('totals'), run('rules'), run('interfaces'), run('rankings'), run('replay')]);
      const rows = settled.map((outcome) => {
        if (outcome.status === 'rejected') throw outcome.reason;
        return outcome.value;
      });
      const [totals = [], rules = [], interfaces = [], rankings = [], replay = []] = rows;
      return assembleLedger({ query, limits, totals, rules, interfaces, rankings, replay });
    },
  };
}

/** A row by column name. */
type Row = ReadonlyMap<string, string | null>;

function rowsOf(result: SqlRows): Row[] {
  return result.rows.map((values) => new Map(result.columns.map((column, index) => [column, values[index] ?? null])));
}

function text(row: Row, column: string): string | null {
  return row.get(column) ?? null;
}

function integer(row: Row, column: string): number | null {
  const value = row.get(column);
  if (value === null || value === undefined || value === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new TypeError(`column ${column}: expected a number, got "${value}"`);
  return number;
}

function count(row: Row, column: string): number {
  return integer(row, column) ?? 0;
}

function countValue(value: number, exactLimit: number): CountValue {
  return { value, exact: value <= exactLimit };
}

function listOf(joined: string | null): string[] {
  return joined === null || joined === '' ? [] : joined.split(',');
}

interface AssembleInput {
  readonly query: LedgerQuery;
  readonly limits: LedgerLimits;
  readonly totals: readonly Row[];
  readonly rules: readonly Row[];
  readonly interfaces: readonly Row[];
  readonly rankings: readonly Row[];
  readonly replay: readonly Row[];
}

/** Reads the five queries' rows into the ledger; pure, and tested on rows of its own. */
export function assembleLedger(input: AssembleInput): ReportLedger {
  const { limits } = input;
  const ruleById = new Map<string, SecurityGroupRule>();
  for (const rule of input.query.rules) if (!ruleById.has(rule.rule_id)) ruleById.set(rule.rule_id, rule);
  const totalsRow = input.totals[0] ?? new Map<string, string | null>();
  const byRuleMatch = Object.fromEntries(RULE_MATCH_BUCKETS.map((bucket) => [bucket, count(totalsRow, `match_${bucket}`)])) as Record<RuleMatchBucket, number>;

  const rowsByRule = new Map<string, Row[]>();
  const unknownRuleIds = new Set<string>();
  for (const row of input.rules) {
    const ruleId = text(row, 'rule_id');
    if (ruleId === null) continue;
    if (!ruleById.has(ruleId)) {
      unknownRuleIds.add(ruleId);
      continue;
    }
    let rows = rowsByRule.get(ruleId);
    if (rows === undefined) rowsByRule.set(ruleId, (rows = []));
    rows.push(row);
  }

  const replay = assembleReplay(input.replay, ruleById, limits);
  const rules = [...ruleById.values()].map((rule) => ruleLedgerOf(rule, rowsByRule.get(rule.rule_id) ?? [], limits, replay.incompleteRules));
  return {
    schema: LEDGER_SCHEMA,
    limits,
    window: { first: integer(totalsRow, 'first_start'), last: integer(totalsRow, 'last_end') },
    totals: {
      records: count(totalsRow, 'records'),
      accepted: count(totalsRow, 'accepted'),
      rejected: count(totalsRow, 'rejected'),
      bytes: count(totalsRow, 'bytes'),
      byRuleMatch,
      interfaces: countValue(count(totalsRow, 'interfaces'), limits.exactDistinctLimit),
    },
    rules,
    interfaces: assembleInterfaces(input.interfaces, limits),
    groups: assembleGroups(input.rankings, limits),
    rejectedSources: { ingress: rankingOf(input.rankings, 'rejected', 'ingress', limits), egress: rankingOf(input.rankings, 'rejected', 'egress', limits) },
    replay: replay.ledger,
    unknownRuleIds: [...unknownRuleIds].sort(compareText).slice(0, MAX_UNKNOWN_RULE_IDS),
  };
}

function ruleLedgerOf(rule: SecurityGroupRule, rows: readonly Row[], limits: LedgerLimits, incompleteRules: ReadonlySet<string>): RuleLedger {
  const ofKind = (kind: string): Row[] => rows.filter((row) => text(row, 'kind') === kind);
  // A rule no record named has no row: every count reads as zero, as the stream's untouched entry.
  const total: Row = ofKind('rule')[0] ?? new Map<string, string | null>();
  const services = ofKind('service');
  const servicesKnown = services[0] === undefined ? 0 : count(services[0], 'siblings');
  const exposureRows = new Map(ofKind('exposure').map((row) => [integer(row, 'exposed_port'), row]));
  return {
    ruleId: rule.rule_id,
    flows: count(total, 'flows'),
    bytes: count(total, 'bytes'),
    packets: count(total, 'packets'),
    firstSeen: integer(total, 'first_seen'),
    lastSeen: integer(total, 'last_seen'),
    rejectedWouldAllow: count(total, 'would_allow'),
    distinctPeers: countValue(count(total, 'peers'), limits.exactDistinctLimit),
    publicPeers: countValue(count(total, 'public_peers'), limits.exactDistinctLimit),
    publicPeerNetworks: Math.min(MAX_PEER_NETWORKS, count(total, 'public_networks')),
    peerBlocks: peerBlocksOf(rule, ofKind('peer'), ofKind('coarse'), limits),
    services: {
      used: services
        .map((row) => ({ protocol: count(row, 'service_protocol'), port: count(row, 'service_port'), flows: count(row, 'flows') }))
        .sort((a, b) => a.protocol - b.protocol || a.port - b.port),
      exact: servicesKnown <= limits.serviceLimit && count(total, 'services_unknown') === 0,
    },
    hitsByDay: ofKind('day')
      .map((row): [number, number] => [count(row, 'day'), count(row, 'flows')])
      .sort(([a], [b]) => a - b),
    exposures: exposedPortsOf(rule).map(({ port }): ExposureLedger => {
      const row = exposureRows.get(port);
      if (row === undefined) return { port, acceptedFlows: 0, acceptedSources: { value: 0, exact: true }, lastAccepted: null, blockedAttempts: 0, blockedSources: { value: 0, exact: true }, lastBlocked: null };
      return {
        port,
        acceptedFlows: count(row, 'public_flows'),
        acceptedSources: countValue(count(row, 'public_peers'), limits.exactDistinctLimit),
        lastAccepted: integer(row, 'last_public'),
        blockedAttempts: count(row, 'blocked'),
        blockedSources: countValue(count(row, 'blocked_sources'), limits.exactDistinctLimit),
        lastBlocked: integer(row, 'last_blocked'),
      };
    }),
    replayComplete: !incompleteRules.has(rule.rule_id),
  };
}

/**
 * The blocks covering a CIDR rule's peers: the peers themselves while at most `peerBlockLimit`
 * (as the local stream's `PeerPrefixSummary`), else their /24 (/48) blocks, shortened one bit at
 * a time until at most half the limit are left, never past the rule's own prefix. Coverage holds
 * either way; past the limit the blocks may differ from the stream's, whose shortening depends on
 * the order the peers came in.
 */
function peerBlocksOf(rule: SecurityGroupRule, peers: readonly Row[], coarse: readonly Row[], limits: LedgerLimits): RuleLedger['peerBlocks'] {
  if (rule.peer.kind !== 'ipv4_cidr' && rule.peer.kind !== 'ipv6_cidr') return { cidrs: [], exact: true };
  const ruleBlock = parseCidr(rule.peer.cidr);
  if (ruleBlock === undefined) return { cidrs: [], exact: true };
  const family = cidrFamily(ruleBlock);
  if (coarse.length === 0) {
    const addresses = peers.flatMap((row) => {
      const address = parseIpAddress(text(row, 'peer') ?? '');
      return address !== undefined && address.family === family ? [address] : [];
    });
    return { cidrs: sortedBlocks(addresses, ADDRESS_BITS[family]).map(formatCidr), exact: true };
  }
  const coarsePrefix = family === 4 ? COARSE_IPV4_PREFIX : COARSE_IPV6_PREFIX;
  if (ruleBlock.prefixLength >= coarsePrefix) return { cidrs: [formatCidr(ruleBlock)], exact: false };
  let networks = coarse.flatMap((row) => {
    const address = coarseAddressOf(text(row, 'coarse') ?? '', family);
    return address === undefined ? [] : [address];
  });
  let prefixLength = coarsePrefix;
  while (networks.length > limits.peerBlockLimit / 2 && prefixLength > ruleBlock.prefixLength) {
    prefixLength -= 1;
    const shorter = new Map<number | string, IpAddress>();
    for (const network of networks) {
      const truncated = truncateAddress(network, prefixLength);
      shorter.set(addressKey(truncated), truncated);
    }
    networks = [...shorter.values()];
  }
  return { cidrs: sortedBlocks(networks, prefixLength).map(formatCidr), exact: false };
}

/** The network of a coarse row: `a.b.c` (IPv4 /24) or 12 hex digits (IPv6 /48); other families are left out. */
function coarseAddressOf(value: string, family: 4 | 6): IpAddress | undefined {
  if (family === 4) return value.includes(':') || /^[0-9A-F]{12}$/.test(value) ? undefined : parseIpAddress(`${value}.0`);
  if (!/^[0-9A-F]{12}$/.test(value)) return undefined;
  const groups = value.match(/.{4}/g) ?? [];
  return parseIpAddress(`${groups.join(':')}::`);
}

function sortedBlocks(networks: readonly IpAddress[], prefixLength: number): Cidr[] {
  const unique = new Map<number | string, IpAddress>();
  for (const network of networks) unique.set(addressKey(network), network);
  return [...unique.values()].map((network) => ({ network, prefixLength })).sort((a, b) => compareNetworks(a.network, b.network));
}

function compareNetworks(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.family === 4 && b.family === 4) return a.value - b.value;
  if (a.family === 6 && b.family === 6) {
    for (let index = 0; index < 4; index += 1) {
      const difference = (a.words[index] ?? 0) - (b.words[index] ?? 0);
      if (difference !== 0) return difference;
    }
  }
  return 0;
}

function assembleInterfaces(rows: readonly Row[], limits: LedgerLimits): InterfaceLedger[] {
  const interfaces = new Map<string, { groupIds: Set<string>; runs: [number, number][] }>();
  for (const row of rows) {
    const interfaceId = text(row, 'interface_id');
    if (interfaceId === null) continue;
    let state = interfaces.get(interfaceId);
    if (state === undefined) interfaces.set(interfaceId, (state = { groupIds: new Set(), runs: [] }));
    for (const groupId of listOf(text(row, 'group_ids'))) state.groupIds.add(groupId);
    const first = integer(row, 'first_hour');
    const last = integer(row, 'last_hour');
    if (first !== null && last !== null) state.runs.push([first, last]);
  }
  return [...interfaces]
    .sort(([a], [b]) => compareText(a, b))
    .slice(0, limits.interfaces)
    .map(([interfaceId, state]) => ({ interfaceId, groupIds: [...state.groupIds].sort(compareText), coveredHours: state.runs.sort(([a], [b]) => a - b) }));
}

function rankingOf(rows: readonly Row[], kind: string, owner: string, limits: LedgerLimits): RankingLedger {
  const items = rows.filter((row) => text(row, 'kind') === kind && text(row, 'owner') === owner);
  const first = items[0];
  const keys = first === undefined ? 0 : count(first, 'keys');
  return {
    items: items
      .map((row) => ({ key: text(row, 'item') ?? '', value: count(row, 'value'), overcount: 0 }))
      .sort((a, b) => b.value - a.value || compareText(a.key, b.key)),
    total: first === undefined ? 0 : count(first, 'total'),
    // The engine's sums are exact whatever the number of keys; the flag follows the stream's limit.
    exact: keys <= limits.rankingExactLimit,
    errorBound: 0,
  };
}

function assembleGroups(rows: readonly Row[], limits: LedgerLimits): GroupLedger[] {
  return rows
    .filter((row) => text(row, 'kind') === 'group')
    .map((row) => ({ groupId: text(row, 'owner') ?? '', groupName: text(row, 'group_name') }))
    .sort((a, b) => compareText(a.groupId, b.groupId))
    .slice(0, MAX_TRACKED_GROUPS)
    .map(({ groupId, groupName }) => ({ groupId, groupName, talkers: rankingOf(rows, 'talker', groupId, limits) }));
}

/**
 * The replay tuples in the engine's order (most flows first), kept while the total and every
 * rule's share are under their limits, as the stream keeps them; a tuple not kept, and the
 * overflow row, count in `flowsNotKept` and make their rules' replay incomplete.
 */
function assembleReplay(rows: readonly Row[], ruleById: ReadonlyMap<string, SecurityGroupRule>, limits: LedgerLimits): { ledger: ReportLedger['replay']; incompleteRules: Set<string> } {
  const groupSets = new Map<string, number>();
  const tuples: ReplayTuple[] = [];
  const perRule = new Map<string, number>();
  const incompleteRules = new Set<string>();
  let flowsNotKept = 0;
  const notKept = (flows: number, ruleIds: readonly string[]): void => {
    flowsNotKept += flows;
    for (const ruleId of ruleIds) incompleteRules.add(ruleId);
  };
  // Most used first, as the engine ranked them; the overflow row (no position) last.
  const ordered = [...rows].sort((a, b) => (integer(a, 'position') ?? Number.MAX_SAFE_INTEGER) - (integer(b, 'position') ?? Number.MAX_SAFE_INTEGER));
  for (const row of ordered) {
    const ruleIds = listOf(text(row, 'rule_ids')).filter((ruleId) => ruleById.has(ruleId));
    const flows = count(row, 'flows');
    if (text(row, 'kind') !== 'tuple') {
      notKept(flows, ruleIds);
      continue;
    }
    if (tuples.length >= limits.replayTuplesTotal || ruleIds.some((ruleId) => (perRule.get(ruleId) ?? 0) >= limits.replayTuplesPerRule)) {
      notKept(flows, ruleIds);
      continue;
    }
    for (const ruleId of ruleIds) perRule.set(ruleId, (perRule.get(ruleId) ?? 0) + 1);
    const groupKey = text(row, 'group_set') ?? '';
    let groups = groupSets.get(groupKey);
    if (groups === undefined) groupSets.set(groupKey, (groups = groupSets.size));
    const port = integer(row, 'dstport');
    tuples.push({ groups, direction: text(row, 'direction') === 'ingress' ? 'ingress' : 'egress', peer: text(row, 'peer') ?? '', protocol: count(row, 'protocol'), port, flows });
  }
  return { ledger: { groupSets: [...groupSets.keys()].map((key) => key.split(',')), tuples, flowsNotKept }, incompleteRules };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
