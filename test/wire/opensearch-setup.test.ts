import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenSearchHttpClient } from '../../src/adapters/opensearch-http-client.js';
import { runOpenSearchCommand } from '../../src/cli/opensearch-command.js';
import { buildIndexTemplate } from '../../src/opensearch/index-template.js';
import { buildRetentionPolicy } from '../../src/opensearch/ism-policy.js';
import { startOpenSearchLoopbackServer, type OpenSearchLoopbackServer } from '../support/opensearch-loopback-server.js';
import { capturedIo } from '../unit/cli/cli-harness.js';

const TEST_PASSWORD = 'correct horse battery staple';

let server: OpenSearchLoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the command in-process with the real HTTP client, capturing its output. */
async function run(args: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env) {
  const { io, stdout, stderr } = capturedIo();
  const code = await runOpenSearchCommand(args, io, { env, createHttp: createOpenSearchHttpClient });
  return { code, stdout: stdout(), stderr: stderr() };
}

function setupArgs(url: string, ...more: string[]): string[] {
  return ['setup', '--endpoint', url, ...more];
}

describe('opensearch setup over the wire', () => {
  it('signs every request with SigV4 for service es, which the server verifies by signing it again', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'sigv4' } });

    const { code, stderr } = await run(setupArgs(server.url, '--region', 'us-east-1'));

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(server.simulator.requests).toHaveLength(7);
    for (const request of server.simulator.requests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\/\d{8}\/us-east-1\/es\/aws4_request, SignedHeaders=\S*host\S*x-amz-content-sha256;x-amz-date\S*, Signature=[0-9a-f]{64}$/);
      expect(request.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(request.body).digest('hex'));
    }
  });

  it('fails at the first step with 403 when it signs for another region than the domain is in', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'sigv4', region: 'eu-west-1' } });

    const { code, stderr } = await run(setupArgs(server.url, '--region', 'us-east-1'));

    expect(code).toBe(1);
    expect(stderr).toContain(`index template: GET ${server.url}/_index_template/vpc-flow-logs answered HTTP 403: The request signature we calculated does not match`);
  });

  it('sends the template and the policy as generated, and the saved objects as a multipart file with osd-xsrf', async () => {
    server = await startOpenSearchLoopbackServer();

    await run(setupArgs(server.url, '--auth', 'none', '--index-pattern', 'flows-*', '--retention-days', '14'));

    const [, putTemplate, , putPolicy, addPolicy, bulkGet, importObjects] = server.simulator.requests;
    expect(JSON.parse(putTemplate?.body ?? '')).toEqual(buildIndexTemplate({ indexPattern: 'flows-*' }));
    expect(JSON.parse(putPolicy?.body ?? '')).toEqual(buildRetentionPolicy({ indexPattern: 'flows-*', retentionDays: 14 }));
    expect(addPolicy).toMatchObject({ method: 'POST', path: '/_plugins/_ism/add/flows-*', body: '{"policy_id":"vpc-flow-logs-retention"}' });
    expect(bulkGet).toMatchObject({ path: '/_dashboards/api/saved_objects/_bulk_get', headers: { 'osd-xsrf': 'true', 'content-type': 'application/json' } });
    expect(importObjects).toMatchObject({ path: '/_dashboards/api/saved_objects/_import', query: { overwrite: 'true' }, headers: { 'osd-xsrf': 'true' } });
    expect(importObjects?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=\S+$/);
    expect(importObjects?.body).toContain('Content-Disposition: form-data; name="file"; filename="vpc-flow-logs.ndjson"');
  });

  it('changes nothing on a second run and says so', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'sigv4' } });
    await run(setupArgs(server.url, '--region', 'us-east-1'));
    const writes = server.simulator.writes().length;

    const { code, stdout } = await run(setupArgs(server.url, '--region', 'us-east-1'));

    expect(code).toBe(0);
    expect(server.simulator.writes()).toHaveLength(writes);
    expect(stdout).toContain('index template vpc-flow-logs for cwl-*: unchanged\nISM policy vpc-flow-logs-retention (delete after 30 days): unchanged\n');
    expect(stdout).toMatch(/saved objects: 0 created, 0 updated, \d+ unchanged/);
  });

  it('prints what it did and where the dashboards are', async () => {
    server = await startOpenSearchLoopbackServer({ indices: [{ name: 'cwl-2026-01-30' }] });

    const { stdout } = await run(setupArgs(server.url, '--auth', 'none'));

    expect(stdout).toBe(
      [
        'index template vpc-flow-logs for cwl-*: created',
        'ISM policy vpc-flow-logs-retention (delete after 30 days): created',
        'existing indices: policy attached to 1, 0 already managed',
        'saved objects: 20 created, 0 updated, 0 unchanged',
        'dashboards:',
        `  ${server.url}/_dashboards/app/dashboards#/view/vpc-flow-logs-sg-dashboard`,
        `  ${server.url}/_dashboards/app/dashboards#/view/vpc-flow-logs-security-dashboard`,
        `  ${server.url}/_dashboards/app/dashboards#/view/vpc-flow-logs-rule-usage-dashboard`,
        '',
      ].join('\n'),
    );
  });

  it('sends basic credentials from the environment in the Authorization header', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'basic', username: 'admin', password: TEST_PASSWORD } });

    const { code } = await run(setupArgs(server.url, '--auth', 'basic'), { OPENSEARCH_USERNAME: 'admin', OPENSEARCH_PASSWORD: TEST_PASSWORD });

    expect(code).toBe(0);
    expect(new Set(server.simulator.requests.map((request) => request.headers.authorization))).toEqual(new Set([`Basic ${Buffer.from(`admin:${TEST_PASSWORD}`).toString('base64')}`]));
  });

  it('reports a refused password with the status and the step, never the password', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'basic', username: 'admin', password: 'another password' } });

    const { code, stdout, stderr } = await run(setupArgs(server.url, '--auth', 'basic'), { OPENSEARCH_USERNAME: 'admin', OPENSEARCH_PASSWORD: TEST_PASSWORD });

    expect(code).toBe(1);
    expect(stderr).toContain('index template: GET');
    expect(stderr).toContain('answered HTTP 401');
    expect(`${stdout}${stderr}`).not.toContain(TEST_PASSWORD);
    expect(`${stdout}${stderr}`).not.toContain(Buffer.from(`admin:${TEST_PASSWORD}`).toString('base64'));
  });

  it('names the step and the status when the cluster answers 5xx', async () => {
    server = await startOpenSearchLoopbackServer({
      override: (request) => (request.path.startsWith('/_plugins/_ism/policies/') ? { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE/2/no master];' }, status: 503 } } : undefined),
    });

    const { code, stderr } = await run(setupArgs(server.url, '--auth', 'none'));

    expect(code).toBe(1);
    expect(stderr).toBe(
      `vpc-flow-log-appender opensearch setup failed at the ISM policy: GET ${server.url}/_plugins/_ism/policies/vpc-flow-logs-retention answered HTTP 503: cluster_block_exception: blocked by: [SERVICE_UNAVAILABLE/2/no master];\n`,
    );
  });

  it('names the step when nothing listens at the endpoint', async () => {
    const closed = await startOpenSearchLoopbackServer();
    await closed.close();

    const { code, stderr } = await run(setupArgs(closed.url, '--auth', 'none'));

    expect(code).toBe(1);
    expect(stderr).toContain(`index template: GET ${closed.url}/_index_template/vpc-flow-logs failed: connect ECONNREFUSED`);
  });

  it('talks to Dashboards at the URL given instead of the endpoint', async () => {
    server = await startOpenSearchLoopbackServer();
    const dashboards = await startOpenSearchLoopbackServer();

    try {
      const { code } = await run(setupArgs(server.url, '--auth', 'none', '--dashboards-url', `${dashboards.url}/_dashboards`));

      expect(code).toBe(0);
      expect(server.simulator.requests.filter((request) => request.path.startsWith('/_dashboards'))).toEqual([]);
      expect(dashboards.simulator.requests.map((request) => request.path)).toEqual(['/_dashboards/api/saved_objects/_bulk_get', '/_dashboards/api/saved_objects/_import']);
    } finally {
      await dashboards.close();
    }
  });
});

describe('createOpenSearchHttpClient over the wire', () => {
  it('signs the query string it sends, so updates with if_seq_no pass verification', async () => {
    server = await startOpenSearchLoopbackServer({ auth: { kind: 'sigv4' } });
    const http = createOpenSearchHttpClient({ baseUrl: server.url, auth: { kind: 'sigv4', region: 'us-east-1' } });
    const body = JSON.stringify(buildRetentionPolicy({ indexPattern: 'cwl-*', retentionDays: 30 }));
    await http.send({ method: 'PUT', path: '/_plugins/_ism/policies/p1', headers: { 'content-type': 'application/json' }, body });

    const answer = await http.send({ method: 'PUT', path: '/_plugins/_ism/policies/p1', query: { if_seq_no: '0', if_primary_term: '1' }, headers: { 'content-type': 'application/json' }, body });

    expect(answer.status).toBe(200);
    expect(server.simulator.requests.at(-1)?.query).toEqual({ if_seq_no: '0', if_primary_term: '1' });
  });
});
