import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SecurityGroupReport } from '../../src/report/report-model.js';
import { generateAdvisorGroundTruth } from '../support/advisor-ground-truth.js';
import { startAthenaLoopbackServer, type AthenaLoopbackServer } from '../support/athena-loopback-server.js';
import { pointClientsAt } from '../support/loopback-http.js';
import { writeGroundTruthInventory } from '../support/report-builders.js';
import { runCliWith, temporaryDirectory } from '../unit/cli/cli-harness.js';

let server: AthenaLoopbackServer | undefined;
let restore: (() => void) | undefined;
const directory = temporaryDirectory();

afterEach(async () => {
  restore?.();
  await server?.close();
});

afterAll(() => directory.remove());

describe('report --athena against a loopback Athena', () => {
  it('runs the five ledger queries in the workgroup and database over the window, and reports every rule of the inventory', async () => {
    // Arrange
    const truth = generateAdvisorGroundTruth({ seed: 3, days: 1, publicClients: 10 });
    writeGroundTruthInventory({ ...truth, prefixLists: new Map() }, directory.path('inventory'));
    server = await startAthenaLoopbackServer({
      answer: (sql) =>
        sql.includes('match_not_attributed')
          ? { columns: ['records', 'accepted', 'rejected', 'bytes', 'interfaces'], rows: [['12', '10', '2', '3400', '1']], scannedBytes: 52_000_000 }
          : { columns: ['kind'], rows: [], scannedBytes: 52_000_000 },
    });
    restore = pointClientsAt('ATHENA', server.url);
    // Act
    const run = await runCliWith(['report', '--athena', '--workgroup', 'stack-flow-logs', '--database', 'vpc_flow_logs', '--from', '2026-11-01', '--to', '2026-11-08', '--inventory', directory.path('inventory'), '--format', 'json']);
    // Assess
    expect(run.stderr).toContain('report: Athena scanned 260 MB in 5 queries (about USD 0.0013 at USD 5 per TB); 12 records in the window');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as SecurityGroupReport;
    expect(report.totals.records).toBe(12);
    expect(report.recommendations.map((recommendation) => recommendation.ruleId).sort()).toEqual(truth.rules.map((rule) => rule.rule_id).sort());
    const starts = server.calls.filter((call) => call.target === 'AmazonAthena.StartQueryExecution').map((call) => call.body);
    expect(starts).toHaveLength(5);
    for (const start of starts) {
      expect(start).toMatchObject({ WorkGroup: 'stack-flow-logs', QueryExecutionContext: { Database: 'vpc_flow_logs' } });
      expect(start.QueryString).toContain('FROM "vpc_flow_logs"."flow_logs"');
      expect(start.QueryString).toContain('(year = 2026 AND month = 11 AND day BETWEEN 1 AND 8)');
    }
  });

  it('says which query failed and why, and exits 1 without a report', async () => {
    // Arrange
    writeGroundTruthInventory({ ...generateAdvisorGroundTruth({ seed: 3, days: 1, publicClients: 10 }), prefixLists: new Map() }, directory.path('inventory-2'));
    server = await startAthenaLoopbackServer({ answer: () => ({ failure: 'TABLE_NOT_FOUND: line 3:8: Table \'awsdatacatalog.vpc_flow_logs.flow_logs\' does not exist' }) });
    restore = pointClientsAt('ATHENA', server.url);
    // Act
    const run = await runCliWith(['report', '--athena', '--workgroup', 'w', '--database', 'vpc_flow_logs', '--inventory', directory.path('inventory-2')]);
    // Assess
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('FAILED: TABLE_NOT_FOUND');
  });
});
