import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerQueries, partitionPredicate, quoteIdentifier } from '../../../src/athena/ledger-sql.js';
import { DEFAULT_LEDGER_LIMITS } from '../../../src/report/index.js';

const DAY = 86_400;
const EPOCH_2024 = Date.UTC(2024, 0, 1) / 1000;
const EPOCH_2099 = Date.UTC(2099, 0, 1) / 1000;

/** The days (YYYY-MM-DD) a partition predicate selects, read back from its terms. */
function selectedDays(predicate: string): string[] {
  const days: string[] = [];
  for (const [, year, month, from, to] of predicate.matchAll(/year = (\d+) AND month = (\d+) AND day BETWEEN (\d+) AND (\d+)/g)) {
    for (let day = Number(from); day <= Number(to); day += 1) days.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  }
  return days;
}

function daysBetween(fromSeconds: number, toSeconds: number): string[] {
  const days: string[] = [];
  for (let day = Math.floor(fromSeconds / DAY); day <= Math.floor(toSeconds / DAY); day += 1) days.push(new Date(day * DAY * 1000).toISOString().slice(0, 10));
  return days;
}

describe('partitionPredicate', () => {
  it('selects each day of the window and the day after it (arrivals), once, across months and years', () => {
    fc.assert(
      fc.property(fc.integer({ min: EPOCH_2024, max: EPOCH_2099 - 200 * DAY }), fc.integer({ min: 1, max: 120 * DAY }), (from, length) => {
        // Act
        const days = selectedDays(partitionPredicate({ from, to: from + length }));
        // Assess
        expect(days).toEqual(daysBetween(from, from + length - 1 + DAY));
      }),
    );
  });

  it('writes one term per month, so that projection lists whole months at most', () => {
    // Act
    const predicate = partitionPredicate({ from: Date.UTC(2026, 10, 30) / 1000, to: Date.UTC(2027, 0, 2) / 1000 });
    // Assess
    expect(predicate).toBe(
      '((year = 2026 AND month = 11 AND day BETWEEN 30 AND 30) OR (year = 2026 AND month = 12 AND day BETWEEN 1 AND 31) OR (year = 2027 AND month = 1 AND day BETWEEN 1 AND 2))',
    );
  });
});

describe('ledgerQueries', () => {
  const window = { from: Date.UTC(2026, 10, 1) / 1000, to: Date.UTC(2026, 11, 1) / 1000 };
  const queries = ledgerQueries({ table: { database: 'vpc_flow_logs', table: 'flow_logs' }, window, limits: DEFAULT_LEDGER_LIMITS });

  it.each(Object.entries(queries))('%s reads the table once, pruned to the window\'s partitions and its records to the window', (_name: string, sql: string) => {
    // Assess
    expect(sql.match(/FROM "vpc_flow_logs"\."flow_logs"/g)).toHaveLength(1);
    expect(sql).toContain(partitionPredicate(window));
    expect(sql).toContain(`"start" >= ${window.from}`);
    expect(sql).toContain(`"start" < ${window.to}`);
    // Nothing per document: no SELECT of the table's rows comes back unaggregated.
    expect(sql).not.toMatch(/SELECT \*\s+FROM (?!grouped)/);
  });

  it('puts the ledger\'s limits into the queries that bound their answer', () => {
    // Arrange
    const limits = { ...DEFAULT_LEDGER_LIMITS, serviceLimit: 17, peerBlockLimit: 33, rankingItems: 7, replayTuplesTotal: 999 };
    // Act
    const limited = ledgerQueries({ table: { database: 'd', table: 't' }, limits });
    // Assess
    expect(limited.rules).toContain('position <= 17');
    expect(limited.rules).toContain('rule_peers <= 33');
    expect(limited.rankings).toContain('position <= 7');
    expect(limited.replay).toContain('position <= 999');
  });

  it('reads every record without a window: no partition or time filter', () => {
    // Act
    const whole = ledgerQueries({ table: { database: 'd', table: 't' }, limits: DEFAULT_LEDGER_LIMITS });
    // Assess
    for (const sql of Object.values(whole)) expect(sql).not.toMatch(/\bWHERE year|"start" >=/);
  });

  it('quotes identifiers so that a name cannot end its quotes', () => {
    expect(quoteIdentifier('flow"; DROP TABLE x; --')).toBe('"flow""; DROP TABLE x; --"');
  });
});
