import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/cli-io.js';
import { athenaCostOf, parseAthenaReportOptions } from '../../../src/cli/report-athena.js';
import { parseReportArguments } from '../../../src/cli/report-command.js';

const NOW = Date.UTC(2026, 11, 6, 12) / 1000;
const DAY = 86_400;

describe('report --athena options', () => {
  it('reads the workgroup, database and table, with a window of the last 30 days by default', () => {
    expect(parseAthenaReportOptions({ athena: true, workgroup: 'stack-flow-logs', database: 'vpc_flow_logs' }, [], NOW)).toEqual({
      workGroup: 'stack-flow-logs',
      database: 'vpc_flow_logs',
      table: 'flow_logs',
      schema: 'native',
      window: { from: NOW - 30 * DAY, to: NOW },
    });
  });

  it.each(['native', 'ecs', 'ocsf'])('reads --schema %s, the stack\'s OutputSchema', (schema) => {
    expect(parseAthenaReportOptions({ athena: true, workgroup: 'w', database: 'd', schema }, [], NOW)?.schema).toBe(schema);
  });

  it('takes --since in days or hours, and --from/--to as UTC dates or times', () => {
    expect(parseAthenaReportOptions({ athena: true, workgroup: 'w', database: 'd', since: '12h' }, [], NOW)?.window).toEqual({ from: NOW - 12 * 3_600, to: NOW });
    expect(parseAthenaReportOptions({ athena: true, workgroup: 'w', database: 'd', from: '2026-11-01', to: '2026-11-08T00:00:00Z' }, [], NOW)?.window).toEqual({
      from: Date.UTC(2026, 10, 1) / 1000,
      to: Date.UTC(2026, 10, 8) / 1000,
    });
  });

  it.each([
    [{ athena: true, database: 'd' }, '--athena needs --workgroup W'],
    [{ athena: true, workgroup: 'w' }, '--athena needs --database D'],
    [{ athena: true, workgroup: 'w', database: 'Flow-Logs' }, '--athena needs --database D'],
    [{ athena: true, workgroup: 'w', database: 'd', table: 'x; DROP' }, '--table: expected lower-case letters'],
    [{ athena: true, workgroup: 'w', database: 'd', since: '30d', from: '2026-11-01' }, '--since excludes --from and --to'],
    [{ athena: true, workgroup: 'w', database: 'd', since: '30 days' }, '--since: expected a number of days or hours'],
    [{ athena: true, workgroup: 'w', database: 'd', from: '2026-11-08', to: '2026-11-01' }, '--from must be before --to'],
    [{ athena: true, workgroup: 'w', database: 'd', from: 'yesterday' }, '--from: expected epoch seconds, a date'],
    [{ workgroup: 'w' }, '--workgroup needs --athena'],
    [{ schema: 'ocsf' }, '--schema needs --athena'],
    [{ athena: true, workgroup: 'w', database: 'd', schema: 'OCSF' }, '--schema: expected one of native, ecs, ocsf'],
  ])('refuses %j: %s', (values, message) => {
    expect(() => parseAthenaReportOptions(values, [], NOW)).toThrow(UsageError);
    expect(() => parseAthenaReportOptions(values, [], NOW)).toThrow(message);
  });

  it('refuses INPUT with --athena, on report\'s own command line', () => {
    expect(() => parseReportArguments(['--athena', '--workgroup', 'w', '--database', 'd', '--inventory', 'inv', 'flows.log'])).toThrow('--athena reads the Glue table, not INPUT');
  });

  it('is carried into report\'s options beside the inventory', () => {
    const options = parseReportArguments(['--athena', '--workgroup', 'w', '--database', 'd', '--since', '7d', '--inventory', 'inv']);
    expect(options !== 'help' && options.athena?.database).toBe('d');
  });
});

describe('athenaCostOf', () => {
  it('bills each query at least 10 MB, rounded up to the MB, at USD 5 per TB', () => {
    expect(athenaCostOf([1_000, 2_000_000_000_000])).toEqual({ bytes: 2_000_000_001_000, usd: (10_000_000 + 2_000_000_000_000) / 1e12 * 5 });
  });
});
