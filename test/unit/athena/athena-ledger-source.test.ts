import { describe, expect, it } from 'vitest';
import { createAthenaLedgerSource, type SqlRows } from '../../../src/athena/athena-ledger-source.js';
import { createLedgerBuilder, DEFAULT_LEDGER_LIMITS, type LedgerLimits } from '../../../src/report/index.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';

const SSH_FROM_ANYWHERE = reportRule({ rule_id: 'sgr-ssh', from_port: 22, to_port: 22 });
const FROM_OFFICE = reportRule({ rule_id: 'sgr-office', peer: { kind: 'ipv4_cidr', cidr: '198.51.100.0/24' } });

type Answers = Partial<Record<'totals' | 'rules' | 'interfaces' | 'rankings' | 'replay', Readonly<Record<string, string | null>>[]>>;

/** An engine answering each of the five queries (told apart by a column only it selects) with rows given by column. */
function cannedEngine(answers: Answers): { query: (sql: string) => Promise<SqlRows>; queries: string[] } {
  const queries: string[] = [];
  const kindOf = (sql: string): keyof Answers =>
    sql.includes('match_not_attributed') ? 'totals' : sql.includes('rule_peers') ? 'rules' : sql.includes('first_hour') ? 'interfaces' : sql.includes("'talker'") ? 'rankings' : 'replay';
  return {
    queries,
    query: (sql) => {
      queries.push(sql);
      const rows = answers[kindOf(sql)] ?? [];
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      return Promise.resolve({ columns, rows: rows.map((row) => columns.map((column) => row[column] ?? null)) });
    },
  };
}

function read(answers: Answers, limits: Partial<LedgerLimits> = {}) {
  const engine = cannedEngine(answers);
  const source = createAthenaLedgerSource({ engine, table: { database: 'd', table: 'flow_logs' } });
  return source.readLedger({ rules: [SSH_FROM_ANYWHERE, FROM_OFFICE], limits });
}

describe('createAthenaLedgerSource', () => {
  it('runs the five queries and gives a rule no row names the entry the local stream gives an unused rule', async () => {
    // Arrange
    const local = createLedgerBuilder({ rules: [SSH_FROM_ANYWHERE, FROM_OFFICE] }).ledger();
    const engine = cannedEngine({ totals: [{ records: '0', accepted: '0', rejected: '0', bytes: '0', interfaces: '0' }] });
    // Act
    const ledger = await createAthenaLedgerSource({ engine, table: { database: 'd', table: 'flow_logs' } }).readLedger({ rules: [SSH_FROM_ANYWHERE, FROM_OFFICE] });
    // Assess
    expect(engine.queries).toHaveLength(5);
    expect(ledger).toEqual(local);
  });

  it('lists rule ids the rules given lack apart, sorted, and leaves them out of the rules', async () => {
    // Act
    const ledger = await read({ rules: [{ kind: 'rule', rule_id: 'sgr-gone', flows: '3' }, { kind: 'rule', rule_id: 'sgr-also-gone', flows: '1' }] });
    // Assess
    expect(ledger.unknownRuleIds).toEqual(['sgr-also-gone', 'sgr-gone']);
    expect(ledger.rules.map((rule) => rule.ruleId)).toEqual(['sgr-ssh', 'sgr-office']);
  });

  it('marks distinct counts past the exact limit as estimates, as the stream does, keeping the engine\'s exact value', async () => {
    // Act
    const ledger = await read({ rules: [{ kind: 'rule', rule_id: 'sgr-ssh', flows: '900', peers: '101', public_peers: '100' }] }, { exactDistinctLimit: 100 });
    // Assess
    const rule = ledger.rules.find((entry) => entry.ruleId === 'sgr-ssh');
    expect(rule?.distinctPeers).toEqual({ value: 101, exact: false });
    expect(rule?.publicPeers).toEqual({ value: 100, exact: true });
  });

  it('covers a rule\'s peers with coarse blocks past the block limit, never wider than the rule', async () => {
    // Arrange
    const coarse = ['198.51.100'].map((network) => ({ kind: 'coarse', rule_id: 'sgr-office', coarse: network, flows: '1' }));
    // Act
    const ledger = await read({ rules: [{ kind: 'rule', rule_id: 'sgr-office', flows: '5', peers: '5' }, ...coarse] }, { peerBlockLimit: 4 });
    // Assess
    expect(ledger.rules.find((entry) => entry.ruleId === 'sgr-office')?.peerBlocks).toEqual({ cidrs: ['198.51.100.0/24'], exact: false });
  });

  it('keeps replay tuples most used first until a rule reaches its share, then counts the rest as not kept and the rule incomplete', async () => {
    // Arrange
    const tuple = (position: number, peer: string, flows: number, ruleIds: string) => ({ kind: 'tuple', position: String(position), group_set: 'sg-1', direction: 'ingress', protocol: '6', dstport: '22', peer, flows: String(flows), rule_ids: ruleIds });
    // Act
    const ledger = await read(
      {
        rules: [{ kind: 'rule', rule_id: 'sgr-ssh', flows: '10' }, { kind: 'rule', rule_id: 'sgr-office', flows: '4' }],
        replay: [tuple(1, '192.0.2.1', 6, 'sgr-ssh'), tuple(2, '192.0.2.2', 3, 'sgr-ssh'), tuple(3, '198.51.100.1', 4, 'sgr-office'), { kind: 'overflow', flows: '1', rule_ids: 'sgr-gone' }],
      },
      { replayTuplesPerRule: 1 },
    );
    // Assess
    expect(ledger.replay.tuples.map((kept) => [kept.peer, kept.flows])).toEqual([['192.0.2.1', 6], ['198.51.100.1', 4]]);
    expect(ledger.replay.flowsNotKept).toBe(4);
    expect(ledger.rules.map((rule) => [rule.ruleId, rule.replayComplete])).toEqual([['sgr-ssh', false], ['sgr-office', true]]);
  });

  it('gives an exposed rule its exposure entries, zero when no row names the port', async () => {
    // Act
    const ledger = await read({ rules: [{ kind: 'rule', rule_id: 'sgr-ssh', flows: '2' }, { kind: 'exposure', rule_id: 'sgr-ssh', exposed_port: '22', public_flows: '2', public_peers: '2', last_public: '1700000060', blocked: '0', blocked_sources: '0' }] });
    // Assess
    expect(ledger.rules.find((entry) => entry.ruleId === 'sgr-ssh')?.exposures).toEqual([
      { port: 22, acceptedFlows: 2, acceptedSources: { value: 2, exact: true }, lastAccepted: 1_700_000_060, blockedAttempts: 0, blockedSources: { value: 0, exact: true }, lastBlocked: null },
    ]);
  });

  it('matches the stream on a handful of records whose rows are what the engine answers for them', async () => {
    // Arrange
    const flows = [reportFlow({ security_group_rule_ids: ['sgr-ssh'], dstport: 22, srcaddr: '192.0.2.7' })];
    const builder = createLedgerBuilder({ rules: [SSH_FROM_ANYWHERE, FROM_OFFICE] });
    for (const flow of flows) builder.add(flow);
    const local = builder.ledger();
    // Act
    const ledger = await read({
      totals: [{ records: '1', accepted: '1', rejected: '0', bytes: '1000', first_start: '1700000000', last_end: '1700000060', match_matched: '1', interfaces: '1' }],
      rules: [
        { kind: 'rule', rule_id: 'sgr-ssh', flows: '1', bytes: '1000', packets: '10', first_seen: '1700000000', last_seen: '1700000060', would_allow: '0', peers: '1', public_peers: '1', public_networks: '1', services_unknown: '0' },
        { kind: 'day', rule_id: 'sgr-ssh', day: '19675', flows: '1' },
        { kind: 'peer', rule_id: 'sgr-ssh', peer: '192.0.2.7', flows: '1' },
        { kind: 'service', rule_id: 'sgr-ssh', service_protocol: '6', service_port: '22', flows: '1', siblings: '1' },
        { kind: 'exposure', rule_id: 'sgr-ssh', exposed_port: '22', public_flows: '1', public_peers: '1', last_public: '1700000060', blocked: '0', blocked_sources: '0' },
      ],
      interfaces: [{ interface_id: 'eni-0aaaaaaaaaaaaaaa1', first_hour: '472222', last_hour: '472222', group_ids: 'sg-0aaaaaaaaaaaaaaa1' }],
      rankings: [
        { kind: 'group', owner: 'sg-0aaaaaaaaaaaaaaa1', item: null, value: '1000', keys: '1', total: '1000' },
        { kind: 'talker', owner: 'sg-0aaaaaaaaaaaaaaa1', item: '192.0.2.7', value: '1000', keys: '1', total: '1000' },
      ],
      replay: [{ kind: 'tuple', position: '1', group_set: 'sg-0aaaaaaaaaaaaaaa1', direction: 'ingress', protocol: '6', dstport: '22', peer: '192.0.2.7', flows: '1', rule_ids: 'sgr-ssh' }],
    });
    // Assess
    expect(ledger).toEqual({ ...local, limits: DEFAULT_LEDGER_LIMITS });
  });
});
