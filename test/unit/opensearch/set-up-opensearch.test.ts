import { describe, expect, it } from 'vitest';
import { OpenSearchSetupError } from '../../../src/opensearch/errors.js';
import { buildOpenSearchAssets } from '../../../src/opensearch/opensearch-assets.js';
import type { OpenSearchHttp } from '../../../src/opensearch/opensearch-http.js';
import { SAVED_OBJECT_IDS } from '../../../src/opensearch/saved-objects.js';
import { setUpOpenSearch } from '../../../src/opensearch/set-up-opensearch.js';
import { createOpenSearchSimulator, simulatedTargets, type SimulatorOptions } from '../../support/opensearch-loopback-server.js';

function setUp(simulator: ReturnType<typeof createOpenSearchSimulator>, options: { indexPattern?: string; retentionDays?: number } = {}) {
  const indexPattern = options.indexPattern ?? 'cwl-*';
  return setUpOpenSearch(simulatedTargets(simulator), { indexPattern, assets: buildOpenSearchAssets({ indexPattern, retentionDays: options.retentionDays ?? 30 }) });
}

function simulator(options: SimulatorOptions = {}) {
  return createOpenSearchSimulator(options);
}

const SAVED_OBJECT_COUNT = buildOpenSearchAssets({ indexPattern: 'cwl-*', retentionDays: 30 }).savedObjects.length;

describe('setUpOpenSearch', () => {
  it('installs the template, the policy and every saved object on an empty cluster', async () => {
    const cluster = simulator();

    const report = await setUp(cluster);

    expect(report).toEqual({
      indexTemplate: 'created',
      ismPolicy: 'created',
      existingIndices: { attached: 0, alreadyManaged: 0 },
      savedObjects: { created: SAVED_OBJECT_COUNT, updated: 0, unchanged: 0 },
    });
    expect(cluster.templates.get('vpc-flow-logs')).toMatchObject({ index_patterns: ['cwl-*'] });
    expect(cluster.policies.get('vpc-flow-logs-retention')?.policy).toMatchObject({ ism_template: [{ index_patterns: ['cwl-*'], priority: 100 }] });
    expect(cluster.savedObjects.size).toBe(SAVED_OBJECT_COUNT);
  });

  it('asks before it writes, in the order template, policy, existing indices, saved objects', async () => {
    const cluster = simulator();

    await setUp(cluster);

    expect(cluster.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /_index_template/vpc-flow-logs',
      'PUT /_index_template/vpc-flow-logs',
      'GET /_plugins/_ism/policies/vpc-flow-logs-retention',
      'PUT /_plugins/_ism/policies/vpc-flow-logs-retention',
      'POST /_plugins/_ism/add/cwl-*',
      'POST /_dashboards/api/saved_objects/_bulk_get',
      'POST /_dashboards/api/saved_objects/_import',
    ]);
  });

  it('changes nothing when run a second time', async () => {
    const cluster = simulator({ indices: [{ name: 'cwl-2026-01-30' }] });
    await setUp(cluster);
    const writesAfterFirstRun = cluster.writes().length;

    const report = await setUp(cluster);

    expect(report).toEqual({
      indexTemplate: 'unchanged',
      ismPolicy: 'unchanged',
      existingIndices: { attached: 0, alreadyManaged: 1 },
      savedObjects: { created: 0, updated: 0, unchanged: SAVED_OBJECT_COUNT },
    });
    expect(cluster.writes()).toHaveLength(writesAfterFirstRun);
  });

  it('updates the policy with the _seq_no and _primary_term it read when the retention changes, and leaves the template alone', async () => {
    const cluster = simulator();
    await setUp(cluster, { retentionDays: 30 });
    const before = cluster.policies.get('vpc-flow-logs-retention');

    const report = await setUp(cluster, { retentionDays: 7 });

    const update = cluster.requests.filter((request) => request.method === 'PUT').at(-1);
    expect(report).toMatchObject({ indexTemplate: 'unchanged', ismPolicy: 'updated' });
    expect(update).toMatchObject({ method: 'PUT', path: '/_plugins/_ism/policies/vpc-flow-logs-retention', query: { if_seq_no: String(before?.seqNo), if_primary_term: String(before?.primaryTerm) } });
    expect(JSON.stringify(cluster.policies.get('vpc-flow-logs-retention')?.policy)).toContain('"min_index_age":"7d"');
  });

  it('replaces the template and re-imports only the index pattern when the index pattern changes', async () => {
    const cluster = simulator();
    await setUp(cluster, { indexPattern: 'cwl-*' });

    const report = await setUp(cluster, { indexPattern: 'flows-*' });

    expect(report).toMatchObject({ indexTemplate: 'updated', ismPolicy: 'updated', savedObjects: { created: 0, updated: 1, unchanged: SAVED_OBJECT_COUNT - 1 } });
    expect(cluster.templates.get('vpc-flow-logs')).toMatchObject({ index_patterns: ['flows-*'] });
    expect(cluster.savedObjects.get(`index-pattern/${SAVED_OBJECT_IDS.indexPattern}`)?.attributes.title).toBe('flows-*');
  });

  it('imports again only the saved objects someone changed or deleted', async () => {
    const cluster = simulator();
    await setUp(cluster);
    const key = `visualization/${SAVED_OBJECT_IDS.actions}`;
    const edited = cluster.savedObjects.get(key);
    cluster.savedObjects.set(key, { ...edited!, attributes: { ...edited!.attributes, title: 'Renamed by hand' } });
    cluster.savedObjects.delete(`search/${SAVED_OBJECT_IDS.flowsSearch}`);

    const report = await setUp(cluster);

    const imported = cluster.requests.at(-1)?.body ?? '';
    expect(report.savedObjects).toEqual({ created: 1, updated: 1, unchanged: SAVED_OBJECT_COUNT - 2 });
    expect([SAVED_OBJECT_IDS.actions, SAVED_OBJECT_IDS.flowsSearch, SAVED_OBJECT_IDS.sources].map((id) => imported.includes(`"id":"${id}"`))).toEqual([true, true, false]);
    expect(cluster.savedObjects.get(key)?.attributes.title).toBe('VPC Flow Logs - Actions');
  });

  it('does not count the popularity Dashboards keeps in the index pattern fields as a change', async () => {
    const cluster = simulator();
    await setUp(cluster);
    const key = `index-pattern/${SAVED_OBJECT_IDS.indexPattern}`;
    const stored = cluster.savedObjects.get(key)!;
    const fields = (JSON.parse(stored.attributes.fields as string) as { name: string; count: number }[]).map((field) => (field.name === 'srcaddr' ? { ...field, count: 4 } : field));
    cluster.savedObjects.set(key, { ...stored, attributes: { ...stored.attributes, fields: JSON.stringify(fields) } });

    const report = await setUp(cluster);

    expect(report.savedObjects.unchanged).toBe(SAVED_OBJECT_COUNT);
  });

  it('attaches the policy to existing indices of the pattern that have none, and counts those already managed', async () => {
    const cluster = simulator({ indices: [{ name: 'cwl-2026-01-29' }, { name: 'cwl-2026-01-30', policyId: 'someone-elses' }, { name: 'other-2026-01-30' }] });

    const report = await setUp(cluster);

    expect(report.existingIndices).toEqual({ attached: 1, alreadyManaged: 1 });
    expect(cluster.indices.map((index) => index.policyId)).toEqual(['vpc-flow-logs-retention', 'someone-elses', undefined]);
  });

  it('treats a 404 from the add-policy call as no existing index', async () => {
    const cluster = simulator({
      override: (request) => (request.path.startsWith('/_plugins/_ism/add/') ? { status: 404, body: { error: { type: 'index_not_found_exception', reason: 'no such index [cwl-*]' }, status: 404 } } : undefined),
    });

    const report = await setUp(cluster);

    expect(report.existingIndices).toEqual({ attached: 0, alreadyManaged: 0 });
  });

  it('fails on any other 404 from the add-policy call', async () => {
    const cluster = simulator({
      override: (request) => (request.path.startsWith('/_plugins/_ism/add/') ? { status: 404, body: { error: { type: 'status_exception', reason: 'Could not find policy=vpc-flow-logs-retention' }, status: 404 } } : undefined),
    });

    await expect(setUp(cluster)).rejects.toThrow('ISM policy on existing indices: POST http://simulated-opensearch/_plugins/_ism/add/cwl-* answered HTTP 404: status_exception: Could not find policy=vpc-flow-logs-retention');
  });

  it('fails naming the indices the policy could not be attached to for another reason', async () => {
    const cluster = simulator({
      override: (request) =>
        request.path.startsWith('/_plugins/_ism/add/')
          ? { status: 200, body: { updated_indices: 0, failures: true, failed_indices: [{ index_name: 'cwl-2026-01-30', index_uuid: 'u', reason: 'index is closed' }] } }
          : undefined,
    });

    await expect(setUp(cluster)).rejects.toThrow('ISM policy on existing indices: POST http://simulated-opensearch/_plugins/_ism/add/cwl-* could not attach the policy to 1 indices (cwl-2026-01-30: index is closed)');
  });

  it('fails at the index template step with the request, the status and the reason OpenSearch gave', async () => {
    const cluster = simulator({
      override: (request) =>
        request.path.startsWith('/_index_template/') ? { status: 403, body: { error: { type: 'security_exception', reason: 'no permissions for [indices:admin/index_template/get]' }, status: 403 } } : undefined,
    });

    const failure = setUp(cluster);

    await expect(failure).rejects.toThrow(OpenSearchSetupError);
    await expect(failure).rejects.toMatchObject({ step: 'index template', status: 403 });
    await expect(failure).rejects.toThrow(
      /^index template: GET http:\/\/simulated-opensearch\/_index_template\/vpc-flow-logs answered HTTP 403: security_exception: no permissions for \[indices:admin\/index_template\/get\] \(check the credentials/,
    );
  });

  it('fails at the ISM policy step when the policy changed between reading and writing it', async () => {
    const cluster = simulator();
    await setUp(cluster, { retentionDays: 30 });
    const racing = createOpenSearchSimulator({
      override: (request) => (request.method === 'PUT' && request.query.if_seq_no !== undefined ? { status: 409, body: { error: { type: 'version_conflict_engine_exception', reason: 'version conflict' }, status: 409 } } : cluster.handle(request)),
    });

    const failure = setUp(racing, { retentionDays: 7 });

    await expect(failure).rejects.toMatchObject({ step: 'ISM policy', status: 409 });
    await expect(failure).rejects.toThrow('answered HTTP 409: version_conflict_engine_exception: version conflict');
  });

  it('fails at the saved objects step with the Dashboards message on an error status', async () => {
    const cluster = simulator({
      override: (request) => (request.path.endsWith('/_bulk_get') ? { status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'An internal server error occurred.' } } : undefined),
    });

    const failure = setUp(cluster);

    await expect(failure).rejects.toMatchObject({ step: 'saved objects', status: 500 });
    await expect(failure).rejects.toThrow('answered HTTP 500: Internal Server Error: An internal server error occurred.');
  });

  it('fails naming the objects an import refused', async () => {
    const cluster = simulator({
      override: (request) =>
        request.path.endsWith('/_import') ? { status: 200, body: { success: false, successCount: 14, errors: [{ type: 'visualization', id: 'vpc-flow-logs-actions', error: { type: 'missing_references' } }] } } : undefined,
    });

    await expect(setUp(cluster)).rejects.toThrow(`saved objects: POST http://simulated-opensearch/_dashboards/api/saved_objects/_import imported 14 of ${SAVED_OBJECT_COUNT} objects (visualization vpc-flow-logs-actions: missing_references)`);
  });

  it('fails naming the step when no answer comes', async () => {
    const unreachable: OpenSearchHttp = { baseUrl: 'https://search-gone.us-east-1.es.amazonaws.com', send: () => Promise.reject(new Error('connect ECONNREFUSED 192.0.2.1:443')) };

    await expect(setUpOpenSearch({ opensearch: unreachable, dashboards: unreachable }, { indexPattern: 'cwl-*', assets: buildOpenSearchAssets({ indexPattern: 'cwl-*', retentionDays: 30 }) })).rejects.toThrow(
      'index template: GET https://search-gone.us-east-1.es.amazonaws.com/_index_template/vpc-flow-logs failed: connect ECONNREFUSED 192.0.2.1:443',
    );
  });

  it('fails when a success status comes with a body that is not JSON', async () => {
    const cluster = simulator({ override: (request) => (request.path.endsWith('/_bulk_get') ? { status: 200, body: '<html>Sign in</html>' } : undefined) });

    const failure = setUp(cluster);

    await expect(failure).rejects.toMatchObject({ step: 'saved objects', status: 200 });
    await expect(failure).rejects.toThrow('with a body that is not JSON: <html>Sign in</html>');
  });
});
