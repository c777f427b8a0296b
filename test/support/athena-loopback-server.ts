/**
 * A loopback fake of the three Athena calls the report makes (AWS JSON 1.1: `POST /` with
 * `X-Amz-Target: AmazonAthena.<Operation>`), for wire tests: the real `AthenaClient`, pointed here
 * through `AWS_ENDPOINT_URL_ATHENA`, builds and signs the requests and parses the answers. Each
 * query is QUEUED, then RUNNING, then ends as `answer` says (rows, or FAILED with a reason); rows
 * are served `pageSize` at a time with opaque NextTokens, the header row first as Athena does.
 * Every request is recorded with its target, body and whether it was signed.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { listenOnLoopback, readRequestBody } from './loopback-http.js';

export type AthenaAnswer = { readonly columns: readonly string[]; readonly rows: readonly (readonly (string | null)[])[]; readonly scannedBytes?: number } | { readonly failure: string };

export interface AthenaLoopbackCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly signed: boolean;
}

export interface AthenaLoopbackServer {
  readonly url: string;
  readonly calls: readonly AthenaLoopbackCall[];
  close(): Promise<void>;
}

interface Execution {
  readonly sql: string;
  readonly answer: AthenaAnswer;
  polls: number;
}

export async function startAthenaLoopbackServer(options: { answer: (sql: string) => AthenaAnswer; pageSize?: number }): Promise<AthenaLoopbackServer> {
  const calls: AthenaLoopbackCall[] = [];
  const executions = new Map<string, Execution>();
  const pageSize = options.pageSize ?? 1_000;
  const server = createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse((await readRequestBody(request)) || '{}') as Record<string, unknown>;
      calls.push({ target, body, signed: String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256') });
      const reply = (status: number, payload: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      const execution = executions.get(String(body.QueryExecutionId));
      switch (target) {
        case 'AmazonAthena.StartQueryExecution': {
          const id = randomUUID();
          const sql = String(body.QueryString);
          executions.set(id, { sql, answer: options.answer(sql), polls: 0 });
          reply(200, { QueryExecutionId: id });
          return;
        }
        case 'AmazonAthena.GetQueryExecution': {
          if (execution === undefined) return reply(400, { __type: 'InvalidRequestException', Message: 'QueryExecution not found' });
          execution.polls += 1;
          const { answer } = execution;
          const state = execution.polls === 1 ? 'QUEUED' : execution.polls === 2 ? 'RUNNING' : 'failure' in answer ? 'FAILED' : 'SUCCEEDED';
          reply(200, {
            QueryExecution: {
              QueryExecutionId: body.QueryExecutionId,
              Query: execution.sql,
              Status: { State: state, ...(state === 'FAILED' && 'failure' in answer ? { StateChangeReason: answer.failure } : {}) },
              Statistics: { DataScannedInBytes: 'rows' in answer ? (answer.scannedBytes ?? 0) : 0 },
            },
          });
          return;
        }
        case 'AmazonAthena.GetQueryResults': {
          if (execution === undefined || !('rows' in execution.answer)) return reply(400, { __type: 'InvalidRequestException', Message: 'Query has not yet finished' });
          const { columns, rows } = execution.answer;
          const all = [columns, ...rows];
          const from = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64url').toString('utf8')) : 0;
          const size = Math.min(pageSize, Number(body.MaxResults ?? 1_000));
          const page = all.slice(from, from + size);
          const next = from + size < all.length ? Buffer.from(String(from + size), 'utf8').toString('base64url') : undefined;
          reply(200, {
            ResultSet: {
              Rows: page.map((values) => ({ Data: values.map((value) => (value === null ? {} : { VarCharValue: value })) })),
              ResultSetMetadata: { ColumnInfo: columns.map((name) => ({ Name: name, Type: 'varchar', CatalogName: 'hive', SchemaName: '', TableName: '', Label: name })) },
            },
            ...(next === undefined ? {} : { NextToken: next }),
          });
          return;
        }
        default:
          reply(400, { __type: 'UnknownOperationException', Message: `unknown target ${target}` });
      }
    })();
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, calls, close };
}
