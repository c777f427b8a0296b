import { AthenaClient } from '@aws-sdk/client-athena';
import { createAthenaQueryEngine } from '../adapters/athena-query-engine.js';
import { createAthenaLedgerSource } from '../athena/athena-ledger-source.js';
import { adviseSecurityGroups, type AdvisorInventory, type LedgerWindow, type ReportThresholds, type SecurityGroupReport } from '../report/index.js';
import { requireAwsRegion } from './aws-clients.js';
import { CommandFailure, UsageError, type CliIo } from './cli-io.js';
import type { OptionTable } from './command.js';

/** `report --athena`'s options, merged into `report`'s table (src/cli/report-command.ts). */
export const ATHENA_REPORT_OPTIONS = {
  athena: {
    type: 'boolean',
    help: `Compute the ledger in Athena instead of reading INPUT: SQL over the stack's
Glue table (partitions pruned to the window), only aggregates come back.
Needs --workgroup and --database; default credential chain and Region;
AWS_ENDPOINT_URL_ATHENA applies. IAM: see the README ("report --athena").`,
  },
  workgroup: { type: 'string', value: 'W', help: 'With --athena: the workgroup (the stack output AthenaWorkGroupName).' },
  database: { type: 'string', value: 'D', help: 'With --athena: the Glue database (the stack parameter AthenaDatabaseName).' },
  table: { type: 'string', value: 'TABLE', help: 'With --athena: the Glue table; default flow_logs.' },
  since: { type: 'string', value: 'DURATION', help: 'With --athena: the window ends now and lasts DURATION (30d, 12h); default 30d.' },
  from: { type: 'string', value: 'TIME', help: 'With --athena: the window starts at TIME (2026-11-01 or 2026-11-01T00:00:00Z, UTC).' },
  to: { type: 'string', value: 'TIME', help: 'With --athena and --from: the window ends at TIME (excluded); default now.' },
} as const satisfies OptionTable;

export interface AthenaReportOptions {
  readonly workGroup: string;
  readonly database: string;
  readonly table: string;
  readonly window: LedgerWindow;
}

type AthenaOptionValues = { readonly [K in keyof typeof ATHENA_REPORT_OPTIONS]?: (typeof ATHENA_REPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const DEFAULT_SINCE = '30d';
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { d: 86_400, h: 3_600 };
/** Glue names: lower-case letters, digits and underscores (Athena's own rule for databases and tables). */
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
/**
 * Athena's price: USD 5 per TB scanned, each query rounded up to at least 10 MB
 * (https://aws.amazon.com/athena/pricing/; TB taken as 10^12 bytes).
 */
export const ATHENA_USD_PER_TB_SCANNED = 5;
export const ATHENA_MINIMUM_BYTES_PER_QUERY = 10 * 1_000_000;

function parseTime(text: string, option: string): number {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new UsageError(`${option}: expected a UTC date or time such as 2026-11-01 or 2026-11-01T12:00:00Z, got "${text}"`);
  return Math.floor(value / 1000);
}

/**
 * The `--athena` options, or undefined without `--athena` (then its companions are refused).
 *
 * @example parseAthenaReportOptions({ athena: true, workgroup: 'w', database: 'd', since: '7d' }, [], 1_800_000_000)
 * // { workGroup: 'w', database: 'd', table: 'flow_logs', window: { from: 1799395200, to: 1800000000 } }
 */
export function parseAthenaReportOptions(values: AthenaOptionValues, positionals: readonly string[], nowSeconds: number): AthenaReportOptions | undefined {
  if (values.athena !== true) {
    for (const name of ['workgroup', 'database', 'table', 'since', 'from', 'to'] as const) if (values[name] !== undefined) throw new UsageError(`--${name} needs --athena`);
    return undefined;
  }
  if (positionals.length > 0) throw new UsageError('--athena reads the Glue table, not INPUT: give one or the other');
  if (values.workgroup === undefined || values.workgroup === '') throw new UsageError('--athena needs --workgroup W');
  if (values.database === undefined || !GLUE_NAME.test(values.database)) throw new UsageError('--athena needs --database D (lower-case letters, digits and underscores)');
  const table = values.table ?? 'flow_logs';
  if (!GLUE_NAME.test(table)) throw new UsageError(`--table: expected lower-case letters, digits and underscores, got "${table}"`);
  if (values.since !== undefined && (values.from !== undefined || values.to !== undefined)) throw new UsageError('--since and --from/--to exclude each other');
  if (values.to !== undefined && values.from === undefined) throw new UsageError('--to needs --from');
  let window: LedgerWindow;
  if (values.from !== undefined) {
    window = { from: parseTime(values.from, '--from'), to: values.to === undefined ? nowSeconds : parseTime(values.to, '--to') };
    if (window.to <= window.from) throw new UsageError('--to must be after --from');
  } else {
    const since = values.since ?? DEFAULT_SINCE;
    const match = /^(\d+)([dh])$/.exec(since);
    const amount = Number(match?.[1]);
    if (match === null || !(amount > 0)) throw new UsageError(`--since: expected a duration such as 30d or 12h, got "${since}"`);
    window = { from: nowSeconds - amount * (SECONDS_PER_UNIT[match[2] ?? 'd'] ?? 86_400), to: nowSeconds };
  }
  return { workGroup: values.workgroup, database: values.database, table, window };
}

/** What one report cost in Athena: bytes scanned over its queries, and their price. */
export function athenaCostOf(scannedBytesPerQuery: readonly number[]): { bytes: number; usd: number } {
  const bytes = scannedBytesPerQuery.reduce((sum, each) => sum + each, 0);
  const billed = scannedBytesPerQuery.reduce((sum, each) => sum + Math.max(ATHENA_MINIMUM_BYTES_PER_QUERY, Math.ceil(each / 1_000_000) * 1_000_000), 0);
  return { bytes, usd: (billed / 1e12) * ATHENA_USD_PER_TB_SCANNED };
}

/**
 * The report from a ledger Athena computed: the same advisor as the local stream's, over the same
 * inventory. Says on stderr what the queries scanned and cost.
 */
export async function adviseFromAthena(
  options: AthenaReportOptions,
  inventory: AdvisorInventory,
  thresholds: Partial<ReportThresholds> | undefined,
  io: Pick<CliIo, 'stderr'>,
  createClient: (() => AthenaClient) | undefined,
): Promise<SecurityGroupReport> {
  const client = (createClient ?? (() => new AthenaClient({})))();
  await requireAwsRegion(client, '--athena');
  const scanned: number[] = [];
  const source = createAthenaLedgerSource({
    engine: createAthenaQueryEngine({ client, workGroup: options.workGroup, database: options.database }),
    table: { database: options.database, table: options.table },
    onScanned: (_query, bytes) => scanned.push(bytes),
  });
  let ledger;
  try {
    ledger = await source.readLedger({ rules: inventory.rules, window: options.window });
  } catch (error) {
    throw new CommandFailure(`Athena (workgroup ${options.workGroup}, database ${options.database})`, { cause: error });
  }
  const cost = athenaCostOf(scanned);
  io.stderr.write(
    `report: Athena scanned ${(cost.bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB in ${scanned.length} queries ` +
      `(about USD ${cost.usd.toFixed(4)} at USD ${ATHENA_USD_PER_TB_SCANNED} per TB); ${ledger.totals.records.toLocaleString('en-US')} records in the window\n`,
  );
  return adviseSecurityGroups(ledger, inventory, thresholds);
}
