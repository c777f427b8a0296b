import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type AthenaClient, type GetQueryResultsCommandOutput } from '@aws-sdk/client-athena';
import { AthenaQueryError } from './errors.js';
export { AthenaQueryError } from './errors.js';

/**
 * Rows of one query, every value as Athena gives it (`VarCharValue` text, or null), with the bytes
 * it scanned. The same shape as `SqlRows` of src/athena (which adapters may not import): the
 * composition root hands this engine to `createAthenaLedgerSource`.
 */
export interface AthenaQueryRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly scannedBytes?: number;
}

export interface AthenaQueryEngine {
  query(sql: string): Promise<AthenaQueryRows>;
}

/** GetQueryResults `MaxResults` upper bound: 1,000 rows a page (https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html). */
export const MAX_ATHENA_RESULT_PAGE_ROWS = 1_000;
/** A query gets this long, from its start, before we stop it and fail; a month of a large estate takes minutes. */
export const DEFAULT_ATHENA_QUERY_DEADLINE_MS = 30 * 60 * 1000;
const FIRST_POLL_DELAY_MS = 500;
const MAX_POLL_DELAY_MS = 10_000;

export interface AthenaQueryEngineOptions {
  /** Built once by the composition root (Region, credentials and `AWS_ENDPOINT_URL_ATHENA` from the SDK's settings). */
  readonly client: AthenaClient;
  readonly workGroup: string;
  readonly database: string;
  /** Data catalog of the database; default Athena's own (`AwsDataCatalog`). */
  readonly catalog?: string;
  readonly deadlineMs?: number;
  /** Injected for tests: the clock and the wait between polls. */
  readonly now?: () => number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const sleepFor = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return `${error.message} (${error.name}${status === undefined ? '' : `, HTTP ${status}`})`;
  }
  return String(error);
}

/**
 * Runs SQL on Athena: StartQueryExecution in the workgroup and database (result reuse off, so
 * every report reads the current data), GetQueryExecution polled with a doubling delay (0.5 s up
 * to 10 s) until the query ends or the deadline passes (then StopQueryExecution is not called: the
 * workgroup's own limit applies; the error says so), and GetQueryResults page by page (NextToken,
 * 1,000 rows a page), the header row of the first page dropped. A FAILED or CANCELLED query
 * rejects with an AthenaQueryError carrying Athena's StateChangeReason.
 *
 * @example
 * const athena = createAthenaQueryEngine({ client: new AthenaClient({}), workGroup: 'flow-logs', database: 'vpc_flow_logs' });
 * const { rows } = await athena.query('SELECT count(*) FROM flow_logs');
 */
export function createAthenaQueryEngine(options: AthenaQueryEngineOptions): AthenaQueryEngine {
  const { client } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  const deadlineMs = options.deadlineMs ?? DEFAULT_ATHENA_QUERY_DEADLINE_MS;
  const call = async <T>(name: string, send: () => Promise<T>, queryExecutionId?: string): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new AthenaQueryError(name, describeCause(error), { cause: error, ...(queryExecutionId === undefined ? {} : { queryExecutionId }) });
    }
  };
  return {
    async query(sql) {
      const started = now();
      const start = await call('StartQueryExecution', () =>
        client.send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            WorkGroup: options.workGroup,
            QueryExecutionContext: { Database: options.database, ...(options.catalog === undefined ? {} : { Catalog: options.catalog }) },
            ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
          }),
        ),
      );
      const id = start.QueryExecutionId;
      if (id === undefined) throw new AthenaQueryError('StartQueryExecution', 'Athena returned no QueryExecutionId');
      let delay = FIRST_POLL_DELAY_MS;
      let scannedBytes: number | undefined;
      for (;;) {
        const { QueryExecution: execution } = await call('GetQueryExecution', () => client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })), id);
        const state = execution?.Status?.State;
        if (state === 'SUCCEEDED') {
          scannedBytes = execution?.Statistics?.DataScannedInBytes;
          break;
        }
        if (state === 'FAILED' || state === 'CANCELLED') {
          const reason = execution?.Status?.StateChangeReason ?? 'no reason given';
          const category = execution?.Status?.AthenaError?.ErrorCategory;
          throw new AthenaQueryError(state, `${reason}${category === undefined ? '' : ` (error category ${category})`}`, { queryExecutionId: id });
        }
        const left = started + deadlineMs - now();
        if (left <= 0) throw new AthenaQueryError('TIMED_OUT', `still ${state ?? 'unknown'} after ${Math.round(deadlineMs / 1000)} s; it may go on running in the workgroup`, { queryExecutionId: id });
        await sleep(Math.min(delay, left));
        delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
      }
      const rows: (string | null)[][] = [];
      let columns: string[] = [];
      let nextToken: string | undefined;
      let first = true;
      do {
        const token = nextToken;
        const page: GetQueryResultsCommandOutput = await call(
          'GetQueryResults',
          () => client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: MAX_ATHENA_RESULT_PAGE_ROWS, ...(token === undefined ? {} : { NextToken: token }) })),
          id,
        );
        const data = page.ResultSet?.Rows ?? [];
        if (first) {
          columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
        }
        // A SELECT's first page starts with the column names as a row.
        for (const [index, row] of data.entries()) {
          if (first && index === 0) continue;
          rows.push((row.Data ?? []).map((datum) => datum.VarCharValue ?? null));
        }
        first = false;
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return { columns, rows, ...(scannedBytes === undefined ? {} : { scannedBytes }) };
    },
  };
}
