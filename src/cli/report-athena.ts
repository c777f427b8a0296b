import { AthenaClient } from '@aws-sdk/client-athena';
import { createAthenaQueryEngine } from '../adapters/athena-query-engine.js';
import { createAthenaLedgerSource } from '../athena/athena-ledger-source.js';
import { DEFAULT_REPORTER_ATHENA_TABLE, GLUE_NAME } from '../config/reporter-config.js';
import { isOutputSchema, OUTPUT_SCHEMAS, OutputSchema } from '../output-schema/output-schema.js';
import { adviseSecurityGroups, type AdvisorInventory, type LedgerWindow, type ReportThresholds, type SecurityGroupReport } from '../report/index.js';
import { requireAwsRegion } from './aws-clients.js';
import { CommandFailure, UsageError, type CliIo } from './cli-io.js';
import type { OptionTable } from './command.js';
import { parseReportWindow, type ReportWindowValues } from './report-window.js';

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
  schema: {
    type: 'string',
    value: 'S',
    help: `With --athena: the schema of the table's documents, the stack parameter
OutputSchema: ${OUTPUT_SCHEMAS.join(', ')}; default native.`,
  },
} as const satisfies OptionTable;

export interface AthenaReportOptions {
  readonly workGroup: string;
  readonly database: string;
  readonly table: string;
  /** The stack's OutputSchema: which columns the table has. */
  readonly schema: OutputSchema;
  readonly window: LedgerWindow;
}

type AthenaOptionValues = { readonly [K in keyof typeof ATHENA_REPORT_OPTIONS]?: (typeof ATHENA_REPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Without a window option: the last 30 days (a scan of the whole table is rarely meant, and costs). */
const DEFAULT_WINDOW_SECONDS = 30 * 86_400;
/**
 * Athena's price: USD 5 per TB scanned, each query rounded up to at least 10 MB
 * (https://aws.amazon.com/athena/pricing/; TB taken as 10^12 bytes).
 */
export const ATHENA_USD_PER_TB_SCANNED = 5;
export const ATHENA_MINIMUM_BYTES_PER_QUERY = 10 * 1_000_000;

/**
 * The `--athena` options, or undefined without `--athena` (then its companions are refused).
 *
 * @example parseAthenaReportOptions({ athena: true, workgroup: 'w', database: 'd', since: '7d' }, [], 1_800_000_000)
 * // { workGroup: 'w', database: 'd', table: 'flow_logs', schema: 'native', window: { from: 1799395200, to: 1800000000 } }
 */
export function parseAthenaReportOptions(values: AthenaOptionValues & ReportWindowValues, positionals: readonly string[], nowSeconds: number): AthenaReportOptions | undefined {
  if (values.athena !== true) {
    for (const name of ['workgroup', 'database', 'table', 'schema'] as const) if (values[name] !== undefined) throw new UsageError(`--${name} needs --athena`);
    return undefined;
  }
  if (positionals.length > 0) throw new UsageError('--athena reads the Glue table, not INPUT: give one or the other');
  if (values.workgroup === undefined || values.workgroup === '') throw new UsageError('--athena needs --workgroup W');
  if (values.database === undefined || !GLUE_NAME.test(values.database)) throw new UsageError('--athena needs --database D (lower-case letters, digits and underscores)');
  const table = values.table ?? DEFAULT_REPORTER_ATHENA_TABLE;
  if (!GLUE_NAME.test(table)) throw new UsageError(`--table: expected lower-case letters, digits and underscores, got "${table}"`);
  const schema = values.schema ?? OutputSchema.Native;
  if (!isOutputSchema(schema)) throw new UsageError(`--schema: expected one of ${OUTPUT_SCHEMAS.join(', ')}, got "${schema}"`);
  const problems: string[] = [];
  const window = parseReportWindow(values, nowSeconds, problems) ?? { from: nowSeconds - DEFAULT_WINDOW_SECONDS, to: nowSeconds };
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return { workGroup: values.workgroup, database: values.database, table, schema, window };
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
    schema: options.schema,
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
