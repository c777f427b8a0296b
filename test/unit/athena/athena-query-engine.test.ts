import { AthenaClient, AthenaServiceException, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type Row } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryError, createAthenaQueryEngine, MAX_ATHENA_RESULT_PAGE_ROWS } from '../../../src/adapters/athena-query-engine.js';

const athena = mockClient(AthenaClient);
const QUERY_ID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

function row(...values: (string | undefined)[]): Row {
  return { Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) };
}

const COLUMNS = { ColumnInfo: [{ Name: 'rule_id', Type: 'varchar' }, { Name: 'flows', Type: 'bigint' }] };

/** A fake clock the engine's sleeps advance, so that back-off and deadline run in no time. */
function fakeTime(): { now: () => number; sleep: (milliseconds: number) => Promise<void>; sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      time += milliseconds;
      await Promise.resolve();
    },
    sleeps,
  };
}

function engine(time = fakeTime(), deadlineMs?: number) {
  return createAthenaQueryEngine({ client: new AthenaClient({ region: 'eu-west-1' }), workGroup: 'flow-logs', database: 'vpc_flow_logs', now: time.now, sleep: time.sleep, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
}

beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
});

describe('createAthenaQueryEngine', () => {
  it('starts the query in the workgroup and database with result reuse off', async () => {
    // Arrange
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 42 } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: COLUMNS, Rows: [row('rule_id', 'flows')] } });
    // Act
    await engine().query('SELECT 1');
    // Assess
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT 1',
      WorkGroup: 'flow-logs',
      QueryExecutionContext: { Database: 'vpc_flow_logs' },
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    });
  });

  it('polls until the query succeeds, doubling the wait, and gives the bytes it scanned', async () => {
    // Arrange
    const time = fakeTime();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1_234_567 } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: COLUMNS, Rows: [row('rule_id', 'flows'), row('sgr-1', '7')] } });
    // Act
    const result = await engine(time).query('SELECT 1');
    // Assess
    expect(time.sleeps).toEqual([500, 1_000, 2_000]);
    expect(result).toEqual({ columns: ['rule_id', 'flows'], rows: [['sgr-1', '7']], scannedBytes: 1_234_567 });
    expect(athena).toHaveReceivedCommandWith(GetQueryExecutionCommand, { QueryExecutionId: QUERY_ID });
  });

  it('reads every page with NextToken, dropping only the first page\'s header row, and keeps NULL apart from empty text', async () => {
    // Arrange
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: { ResultSetMetadata: COLUMNS, Rows: [row('rule_id', 'flows'), row('sgr-1', '1')] }, NextToken: 'page-2' })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: COLUMNS, Rows: [row('sgr-2', undefined)] }, NextToken: 'page-3' })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: COLUMNS, Rows: [row('', '3')] } });
    // Act
    const result = await engine().query('SELECT 1');
    // Assess
    expect(result.rows).toEqual([['sgr-1', '1'], ['sgr-2', null], ['', '3']]);
    expect(athena).toHaveReceivedCommandTimes(GetQueryResultsCommand, 3);
    expect(athena).toHaveReceivedNthCommandWith(GetQueryResultsCommand, 2, { QueryExecutionId: QUERY_ID, MaxResults: MAX_ATHENA_RESULT_PAGE_ROWS, NextToken: 'page-2' });
    expect(athena).toHaveReceivedNthCommandWith(GetQueryResultsCommand, 3, { QueryExecutionId: QUERY_ID, MaxResults: MAX_ATHENA_RESULT_PAGE_ROWS, NextToken: 'page-3' });
  });

  it.each(['FAILED', 'CANCELLED'] as const)('rejects a %s query with Athena\'s StateChangeReason', async (state) => {
    // Arrange
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: state, StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved", AthenaError: { ErrorCategory: 2 } } },
    });
    // Act
    const outcome = engine().query('SELECT nope');
    // Assess
    await expect(outcome).rejects.toThrow(AthenaQueryError);
    await expect(outcome).rejects.toMatchObject({ state, queryExecutionId: QUERY_ID, message: expect.stringContaining("Column 'nope' cannot be resolved") as unknown });
    expect(athena).toHaveReceivedCommandTimes(GetQueryResultsCommand, 0);
  });

  it('gives up at its deadline, saying the query may still run', async () => {
    // Arrange
    const time = fakeTime();
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    // Act
    const outcome = engine(time, 60_000).query('SELECT 1');
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AthenaQueryError', state: 'TIMED_OUT', message: expect.stringContaining('still RUNNING after 60 s') as unknown });
    expect(time.now()).toBe(60_000);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(10_000);
  });

  it('names the refused call and keeps the SDK error as the cause', async () => {
    // Arrange
    const denied = new AthenaServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'not authorized to perform athena:StartQueryExecution' });
    athena.on(StartQueryExecutionCommand).rejects(denied);
    // Act
    const outcome = engine().query('SELECT 1');
    // Assess
    await expect(outcome).rejects.toMatchObject({ state: 'StartQueryExecution', cause: denied, message: expect.stringContaining('AccessDeniedException, HTTP 400') as unknown });
  });
});
