import type { LedgerWindow } from '../report/index.js';

const SECONDS_PER_DAY = 86_400;

/**
 * The window of a scheduled report: the `days` whole UTC days before the day the run starts, so a
 * weekly and a monthly run read the same days however late in the day the scheduler fires.
 *
 * @example reportWindowOf(Date.UTC(2026, 11, 6, 6, 0), 7) // { from: 1795910400 (2026-11-29), to: 1796515200 (2026-12-06) }
 */
export function reportWindowOf(nowMs: number, days: number): LedgerWindow {
  const to = Math.floor(nowMs / 1_000 / SECONDS_PER_DAY) * SECONDS_PER_DAY;
  return { from: to - days * SECONDS_PER_DAY, to };
}

/**
 * The Firehose prefixes (`<root>year=YYYY/month=MM/day=DD/`) that can hold records of the window:
 * every day from its first to the day its end falls in. Firehose files a record under the day it
 * arrived, after its `start`, so the last minutes of the window arrive in the next day's prefix
 * (aggregation interval, CloudWatch Logs and Firehose buffering); no record arrives before its day.
 *
 * @example dayPrefixesOf({ from: 1796428800, to: 1796515200 }, 'flow-logs/') // ['flow-logs/year=2026/month=12/day=05/', 'flow-logs/year=2026/month=12/day=06/']
 */
export function dayPrefixesOf(window: LedgerWindow, root: string): string[] {
  const prefixes: string[] = [];
  const lastDay = Math.floor(window.to / SECONDS_PER_DAY) * SECONDS_PER_DAY;
  for (let day = Math.floor(window.from / SECONDS_PER_DAY) * SECONDS_PER_DAY; day <= lastDay; day += SECONDS_PER_DAY) {
    const date = new Date(day * 1_000);
    prefixes.push(`${root}year=${date.getUTCFullYear()}/month=${twoDigits(date.getUTCMonth() + 1)}/day=${twoDigits(date.getUTCDate())}/`);
  }
  return prefixes;
}

/**
 * Where a run's outputs go: `<root>YYYY/MM/DD/<name>` of the run's UTC date (extensions added by the caller).
 *
 * @example reportKeyStemOf(Date.UTC(2026, 11, 6, 6, 0), 'reports/', 'security-group-report') // 'reports/2026/12/06/security-group-report'
 */
export function reportKeyStemOf(nowMs: number, root: string, name: string): string {
  const date = new Date(nowMs);
  return `${root}${date.getUTCFullYear()}/${twoDigits(date.getUTCMonth() + 1)}/${twoDigits(date.getUTCDate())}/${name}`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
