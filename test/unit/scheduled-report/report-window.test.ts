import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayPrefixesOf, reportKeyStemOf, reportWindowOf } from '../../../src/scheduled-report/index.js';

const DAY = 86_400;

describe('reportWindowOf', () => {
  it('covers the whole UTC days before the run, whatever the hour it runs', () => {
    // Act
    const early = reportWindowOf(Date.parse('2026-12-06T00:00:01Z'), 7);
    const late = reportWindowOf(Date.parse('2026-12-06T23:59:59Z'), 7);
    // Assess
    expect(early).toEqual({ from: Date.parse('2026-11-29T00:00:00Z') / 1_000, to: Date.parse('2026-12-06T00:00:00Z') / 1_000 });
    expect(late).toEqual(early);
  });

  it('always ends at the midnight before the run and spans exactly the days asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 1, max: 90 }), (nowMs, days) => {
        const { from, to } = reportWindowOf(nowMs, days);
        expect(to % DAY).toBe(0);
        expect(to * 1_000).toBeLessThanOrEqual(nowMs);
        expect(nowMs - to * 1_000).toBeLessThan(DAY * 1_000);
        expect(to - from).toBe(days * DAY);
      }),
    );
  });
});

describe('dayPrefixesOf', () => {
  it('lists the Hive-style prefix of every day of the window and of the day it ends on, where its last records arrive', () => {
    // Act
    const prefixes = dayPrefixesOf(reportWindowOf(Date.parse('2026-03-02T06:00:00Z'), 3), 'flow-logs/');
    // Assess
    expect(prefixes).toEqual([
      'flow-logs/year=2026/month=02/day=27/',
      'flow-logs/year=2026/month=02/day=28/',
      'flow-logs/year=2026/month=03/day=01/',
      'flow-logs/year=2026/month=03/day=02/',
    ]);
  });

  it('names the day Firehose files any record of the window under (it arrives on its start day or the next)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 86_400_000, max: 4_102_444_800_000 }), fc.integer({ min: 1, max: 90 }), fc.double({ min: 0, max: 1, noNaN: true }), (nowMs, days, at) => {
        const window = reportWindowOf(nowMs, days);
        const start = window.from + Math.floor(at * (window.to - window.from - 1));
        const prefixes = dayPrefixesOf(window, 'flow-logs/');
        for (const arrival of [start, Math.min(start + 3_600, window.to + DAY - 1)]) {
          const date = new Date(arrival * 1_000).toISOString();
          expect(prefixes).toContain(`flow-logs/year=${date.slice(0, 4)}/month=${date.slice(5, 7)}/day=${date.slice(8, 10)}/`);
        }
        expect(prefixes).toHaveLength(days + 1);
      }),
    );
  });
});

describe('reportKeyStemOf', () => {
  it('files a run under the UTC date it ran', () => {
    expect(reportKeyStemOf(Date.parse('2026-12-06T23:30:00Z'), 'reports/', 'security-group-report')).toBe('reports/2026/12/06/security-group-report');
  });
});
