import { AthenaClient } from '@aws-sdk/client-athena';
import { afterEach, describe, expect, it } from 'vitest';
import { createAthenaQueryEngine } from '../../src/adapters/athena-query-engine.js';
import { startAthenaLoopbackServer, type AthenaLoopbackServer } from '../support/athena-loopback-server.js';
import { pointClientsAt } from '../support/loopback-http.js';

let server: AthenaLoopbackServer | undefined;
let restore: (() => void) | undefined;

afterEach(async () => {
  restore?.();
  await server?.close();
});

const noWait = async (): Promise<void> => {};

describe('the Athena query engine against a loopback Athena (real AthenaClient, AWS_ENDPOINT_URL_ATHENA)', () => {
  it('sends the three calls in Athena\'s JSON shapes, signed, and reads every page of the results', async () => {
    // Arrange
    const rows = Array.from({ length: 2_345 }, (_, index) => [`sgr-${index}`, index % 7 === 0 ? null : String(index)]);
    server = await startAthenaLoopbackServer({ answer: () => ({ columns: ['rule_id', 'flows'], rows, scannedBytes: 987_654 }) });
    restore = pointClientsAt('ATHENA', server.url);
    const engine = createAthenaQueryEngine({ client: new AthenaClient({}), workGroup: 'stack-flow-logs', database: 'vpc_flow_logs', sleep: noWait });
    // Act
    const result = await engine.query('SELECT rule_id, flows FROM flow_logs');
    // Assess
    expect(result).toEqual({ columns: ['rule_id', 'flows'], rows, scannedBytes: 987_654 });
    expect(server.calls.map((call) => call.target)).toEqual([
      'AmazonAthena.StartQueryExecution',
      'AmazonAthena.GetQueryExecution',
      'AmazonAthena.GetQueryExecution',
      'AmazonAthena.GetQueryExecution',
      'AmazonAthena.GetQueryResults',
      'AmazonAthena.GetQueryResults',
      'AmazonAthena.GetQueryResults',
    ]);
    expect(server.calls.every((call) => call.signed)).toBe(true);
    expect(server.calls[0]?.body).toEqual({
      QueryString: 'SELECT rule_id, flows FROM flow_logs',
      WorkGroup: 'stack-flow-logs',
      QueryExecutionContext: { Database: 'vpc_flow_logs' },
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
      // The SDK fills the idempotency token itself.
      ClientRequestToken: expect.any(String) as unknown,
    });
    const pages = server.calls.filter((call) => call.target === 'AmazonAthena.GetQueryResults').map((call) => call.body);
    expect(pages[0]).toEqual({ QueryExecutionId: expect.any(String) as unknown, MaxResults: 1_000 });
    expect(pages[1]?.NextToken).toEqual(expect.any(String));
  });

  it('rejects a FAILED query with the reason Athena gave', async () => {
    // Arrange
    server = await startAthenaLoopbackServer({ answer: () => ({ failure: 'HIVE_BAD_DATA: Error parsing field value for field 3' }) });
    restore = pointClientsAt('ATHENA', server.url);
    const engine = createAthenaQueryEngine({ client: new AthenaClient({}), workGroup: 'w', database: 'd', sleep: noWait });
    // Act
    const outcome = engine.query('SELECT 1');
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AthenaQueryError', state: 'FAILED', message: expect.stringContaining('HIVE_BAD_DATA: Error parsing field value for field 3') as unknown });
  });
});
