// The OpenSearch assets on a real OpenSearch 2.19 node (the integration tier's, see
// test/integration/support/opensearch-node.ts): `opensearch setup` against it, the documents of
// `npm start` and of every flow-log format of the public corpus bulk-indexed under the index
// template, and every saved visualization's and saved
// search's query run as OpenSearch Dashboards would send it, its buckets compared with the same
// question answered over the documents in plain code.
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SAMPLE_GEO_DATABASE } from '../../../scripts/build-sample-geo-db.js';
import { FLOW_LOG_FIELDS } from '../../../src/flow-log/index.js';
import { buildIndexTemplate, buildSavedObjects, DEFAULT_INDEX_PATTERN, INDEX_TEMPLATE_NAME } from '../../../src/opensearch/index.js';
import { corpusFiles, corpusIsPresent, CORPUS_DIR, HEADERLESS_FLOW_LOG_VERSIONS, IMPLAUSIBLE_TIME_FILES, missingCorpusMessage, NEGATIVE_FLOW_LOG_FILES } from '../../support/corpus.js';
import { dqlMatches, fieldValues, savedView, searchBody, type FlowDocument } from '../support/dashboards-queries.js';
import { bulkIndexInto, documentsUnder, expectTermsBuckets, requestNode, type TermsBucket as Bucket } from '../support/opensearch-node-answers.js';
import { ndjson, runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';

const url = inject('opensearchUrl');
const request = (method: string, path: string, body?: unknown, contentType?: string) => requestNode(url, method, path, body, contentType);
const bulkIndex = (index: string, documents: readonly FlowDocument[]) => bulkIndexInto(url, index, documents);
/** An index Firehose would write for the sample's day ("cwl" rotated daily), under the default pattern. */
const SAMPLE_INDEX = 'cwl-2026-06-01';
/** Where the corpus's documents go, under the default pattern too. */
const CORPUS_INDEX = 'cwl-corpus';

describe('opensearch setup against OpenSearch 2.19', () => {
  it('installs the index template, then stops at the ISM policy, naming the step: Maven Central serves no Index Management plugin', async () => {
    // Act
    const run = await runCliWith(['opensearch', 'setup', '--endpoint', url, '--auth', 'none']);

    // Assess: Amazon OpenSearch Service has ISM built in; this node cannot have it, and setup must say so.
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ISM policy/);
    const installed = await request('GET', `/_index_template/${INDEX_TEMPLATE_NAME}`);
    expect(installed.status).toBe(200);
    const [entry] = installed.body.index_templates as { index_template: { index_patterns: string[]; _meta: { fingerprint: string } } }[];
    expect(entry?.index_template.index_patterns).toEqual([DEFAULT_INDEX_PATTERN]);
    expect(entry?.index_template._meta.fingerprint).toBe(buildIndexTemplate({ indexPattern: DEFAULT_INDEX_PATTERN })._meta.fingerprint);
  });
});

describe('the documents of npm start in OpenSearch', () => {
  const out = temporaryDirectory();
  let documents: FlowDocument[] = [];

  beforeAll(async () => {
    const template = await request('PUT', `/_index_template/${INDEX_TEMPLATE_NAME}`, buildIndexTemplate({ indexPattern: DEFAULT_INDEX_PATTERN }));
    expect(template.status).toBe(200);
    const run = await runCliWith(['pipeline', '--sample', '--out', out.path('out')]);
    if (run.status !== 0) throw new Error(`npm start's pipeline failed (${run.status}): ${run.stderr}`);
    documents = documentsUnder(out.path('out/delivered'));
    await request('DELETE', `/${SAMPLE_INDEX}`);
  });

  afterAll(() => {
    out.remove();
  });

  it('bulk-indexes every delivered document with zero item errors', async () => {
    const answer = await bulkIndex(SAMPLE_INDEX, documents);

    expect(documents.length).toBeGreaterThan(4000);
    expect(answer.items.filter((item) => item.index.status !== 201).map((item) => item.index.error)).toEqual([]);
    expect(answer.errors).toBe(false);
  });

  it('maps addresses as ip, @timestamp as a date and locations as geo_point, and adds no field the template lacks', async () => {
    const answer = await request('GET', `/${SAMPLE_INDEX}/_mapping`);

    const properties = (answer.body[SAMPLE_INDEX] as { mappings: { properties: Record<string, { type?: string; properties?: Record<string, { type?: string }> }> } }).mappings.properties;
    expect(properties.srcaddr?.type).toBe('ip');
    expect(properties.dstaddr?.type).toBe('ip');
    expect(properties['@timestamp']?.type).toBe('date');
    expect(properties.src_geo?.properties?.location?.type).toBe('geo_point');
    expect(properties.dst_geo?.properties?.location?.type).toBe('geo_point');
    expect(properties).toEqual(JSON.parse(JSON.stringify(buildIndexTemplate({ indexPattern: DEFAULT_INDEX_PATTERN }).template.mappings.properties)));
  });

  it('finds documents by CIDR, time range and map area as the mapped types allow', async () => {
    const count = async (query: unknown): Promise<number> => ((await request('POST', `/${SAMPLE_INDEX}/_count`, { query })).body.count as number) ?? -1;
    const timestamps = documents.map((document) => Date.parse(String(document['@timestamp']))).sort((a, b) => a - b);
    const middle = new Date(timestamps[Math.floor(timestamps.length / 2)] ?? 0).toISOString();
    const located = documents.filter((document) => fieldValues(document, 'src_geo.location').length > 0);

    expect(await count({ term: { srcaddr: '10.0.0.0/8' } })).toBe(documents.filter((document) => String(document.srcaddr).startsWith('10.')).length);
    expect(await count({ range: { '@timestamp': { gte: middle } } })).toBe(timestamps.filter((timestamp) => timestamp >= Date.parse(middle)).length);
    expect(await count({ geo_bounding_box: { 'src_geo.location': { top_left: { lat: 90, lon: -180 }, bottom_right: { lat: -90, lon: 180 } } } })).toBe(located.length);
    expect(located.length).toBeGreaterThan(0);
  });

  describe('every saved visualization and saved search', () => {
    const views = buildSavedObjects({ indexPattern: DEFAULT_INDEX_PATTERN })
      .filter((object) => object.type === 'visualization' || object.type === 'search')
      .map(savedView);

    it.each(views.map((view) => [view.id, view] as const))('%s runs as Dashboards sends it and gives the sample\'s buckets', async (_id, view) => {
      // Prepare
      const matching = documents.filter((document) => dqlMatches(view.query, document));

      // Act
      const answer = await request('POST', `/${DEFAULT_INDEX_PATTERN}/_search`, searchBody(view));

      // Assess
      expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(200);
      expect((answer.body._shards as { failed: number }).failed).toBe(0);
      expect((answer.body.hits as { total: { value: number } }).total.value).toBe(matching.length);
      expect(matching.length, `${view.id} matches nothing in the sample`).toBeGreaterThan(0);
      const [first] = view.buckets;
      if (view.type === 'search') {
        const hits = (answer.body.hits as { hits: { _source: FlowDocument }[] }).hits;
        const newest = Math.max(...matching.map((document) => Date.parse(String(document['@timestamp']))));
        expect(Date.parse(String(hits[0]?._source['@timestamp']))).toBe(newest);
      } else if (first?.type === 'geohash_grid') {
        const buckets = (answer.body.aggregations as Record<string, { buckets: Bucket[] }>)[first.id]?.buckets ?? [];
        expect(buckets.reduce((total, bucket) => total + bucket.doc_count, 0)).toBe(matching.filter((document) => fieldValues(document, first.params.field ?? '').length > 0).length);
        expect(buckets.length).toBeGreaterThan(0);
      } else if (first?.type === 'date_histogram') {
        // One bucket per UTC day that has a matching document, each with that day's documents.
        const buckets = (answer.body.aggregations as Record<string, { buckets: Bucket[] }>)[first.id]?.buckets ?? [];
        const perDay = new Map<number, FlowDocument[]>();
        for (const document of matching) {
          const day = Math.floor(Date.parse(String(document['@timestamp'])) / 86_400_000) * 86_400_000;
          perDay.set(day, [...(perDay.get(day) ?? []), document]);
        }
        expect(buckets.map((bucket) => [bucket.key, bucket.doc_count])).toEqual([...perDay].sort(([a], [b]) => a - b).map(([day, members]) => [day, members.length]));
        const next = view.buckets[1];
        for (const bucket of next === undefined ? [] : buckets) expectTermsBuckets(view, 1, (bucket[next?.id ?? ''] as { buckets: Bucket[] }).buckets, perDay.get(bucket.key as number) ?? []);
      } else if (first !== undefined) {
        expectTermsBuckets(view, 0, (answer.body.aggregations as Record<string, { buckets: Bucket[] }>)[first.id]?.buckets ?? [], matching);
      }
    });
  });
});

describe('the documents of every flow-log format of the public corpus in OpenSearch', () => {
  // Files whose every record fails by design give no document (the corpus tests check them).
  const logFiles = corpusFiles('flowlogs', '.log').filter((path) => !NEGATIVE_FLOW_LOG_FILES.has(basename(path)) && !IMPLAUSIBLE_TIME_FILES.has(basename(path)));

  beforeAll(async () => {
    // Fail, never skip: a missing corpus must not pass for indexable documents.
    if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
    const template = await request('PUT', `/_index_template/${INDEX_TEMPLATE_NAME}`, buildIndexTemplate({ indexPattern: DEFAULT_INDEX_PATTERN }));
    expect(template.status).toBe(200);
    await request('DELETE', `/${CORPUS_INDEX}`);
  });

  it.each(logFiles)('%s: enrich\'s documents bulk-index with zero item errors', async (path) => {
    // Prepare: a headerless file needs its format named, as a user would with --format.
    const version = HEADERLESS_FLOW_LOG_VERSIONS[path];
    const format = version === undefined ? [] : ['--format', FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => `\${${field.name}}`).join(' ')];
    const run = await runCliWith(['enrich', join(CORPUS_DIR, path), ...format, '--inventory', 'events/sample/inventory', '--geo', `mmdb:${SAMPLE_GEO_DATABASE}`]);
    const documents = ndjson(run.stdout);
    expect(documents.length, run.stderr).toBeGreaterThan(0);

    // Act
    const answer = await bulkIndex(CORPUS_INDEX, documents);

    // Assess
    expect(answer.items.filter((item) => item.index.status !== 201).map((item) => item.index.error)).toEqual([]);
    expect(answer.errors).toBe(false);
  });

  it('keeps the template\'s types for every field, and maps as keyword only the fields the template does not name', async () => {
    const answer = await request('GET', `/${CORPUS_INDEX}/_mapping`);

    const properties = (answer.body[CORPUS_INDEX] as { mappings: { properties: Record<string, unknown> } }).mappings.properties;
    const templated = JSON.parse(JSON.stringify(buildIndexTemplate({ indexPattern: DEFAULT_INDEX_PATTERN }).template.mappings.properties)) as Record<string, unknown>;
    for (const [field, mapping] of Object.entries(properties)) {
      expect(mapping, field).toEqual(templated[field] ?? { type: 'keyword', ignore_above: 1024 });
    }
    expect(properties).toMatchObject({ srcaddr: { type: 'ip' }, dstaddr: { type: 'ip' }, '@timestamp': { type: 'date' } });
  });
});
