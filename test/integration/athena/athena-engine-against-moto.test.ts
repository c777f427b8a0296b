// The Athena query engine's real AthenaClient against moto's server (moto 5.2 implements
// StartQueryExecution, GetQueryExecution and GetQueryResults; it runs no SQL, so the rows are
// queued through its /moto-api/static/athena/query-results API, and it pages nothing).
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaQueryEngine } from '../../../src/adapters/athena-query-engine.js';
import { motoClientOptions, startMotoServer, type MotoServer } from '../support/moto-server.js';

let moto: MotoServer | undefined;

beforeAll(async () => {
  moto = await startMotoServer();
});

afterAll(async () => {
  await moto?.stop();
});

function client(): AthenaClient {
  if (moto === undefined) throw new Error('moto did not start');
  return new AthenaClient(motoClientOptions(moto.url));
}

describe('the Athena query engine against moto', () => {
  it('starts the query in the workgroup and database moto records, waits for it and reads its rows after the header', async () => {
    // Arrange
    await client().send(new CreateWorkGroupCommand({ Name: 'stack-flow-logs', Configuration: { ResultConfiguration: { OutputLocation: 's3://results-bucket/athena-results/' } } }));
    const queued = await fetch(`${moto?.url ?? ''}/moto-api/static/athena/query-results`, {
      method: 'POST',
      body: JSON.stringify({
        region: 'us-east-1',
        results: [
          {
            rows: [{ Data: [{ VarCharValue: 'rule_id' }, { VarCharValue: 'flows' }] }, { Data: [{ VarCharValue: 'sgr-1' }, { VarCharValue: '42' }] }, { Data: [{ VarCharValue: 'sgr-2' }, {}] }],
            column_info: [{ Name: 'rule_id', Type: 'varchar' }, { Name: 'flows', Type: 'bigint' }],
          },
        ],
      }),
    });
    expect(queued.status).toBe(201);
    const engine = createAthenaQueryEngine({ client: client(), workGroup: 'stack-flow-logs', database: 'vpc_flow_logs', sleep: () => Promise.resolve() });
    // Act
    const result = await engine.query('SELECT rule_id, flows FROM flow_logs');
    // Assess
    expect(result.columns).toEqual(['rule_id', 'flows']);
    expect(result.rows).toEqual([['sgr-1', '42'], ['sgr-2', null]]);
    const { QueryExecutionIds: ids = [] } = await client().send(new ListQueryExecutionsCommand({ WorkGroup: 'stack-flow-logs' }));
    expect(ids).toHaveLength(1);
    const { QueryExecution: execution } = await client().send(new GetQueryExecutionCommand({ QueryExecutionId: ids[0] }));
    expect(execution).toMatchObject({ Query: 'SELECT rule_id, flows FROM flow_logs', WorkGroup: 'stack-flow-logs', QueryExecutionContext: { Database: 'vpc_flow_logs' } });
  });
});
