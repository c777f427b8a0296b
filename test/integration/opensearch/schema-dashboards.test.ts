// Issue 16: `opensearch setup --schema ecs|ocsf` against the integration tier's OpenSearch node,
// the documents of that schema (every golden case, every flow of the public corpus through
// `enrich --schema`, and the `npm start` sample as the decorator maps it) bulk-indexed under the
// template it installed at zero item errors and without a field the template lacks, and every
// saved visualization's and saved search's query run as OpenSearch Dashboards sends it, its
// answer compared with the same question answered over the documents in plain code.
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SAMPLE_GEO_DATABASE } from '../../../scripts/build-sample-geo-db.js';
import { createOpenSearchHttpClient } from '../../../src/adapters/opensearch-http-client.js';
import { runOpenSearchCommand } from '../../../src/cli/opensearch-command.js';
import type { EnrichedFlowLog } from '../../../src/enrich/enriched-flow-log.js';
import { FLOW_LOG_FIELDS } from '../../../src/flow-log/index.js';
import { DASHBOARD_FIELDS } from '../../../src/opensearch/dashboard-fields.js';
import { mappedLeafFields, type FieldMapping } from '../../../src/opensearch/field-mappings.js';
import { buildIndexTemplate, buildSavedObjects, INDEX_TEMPLATE_NAME, type OpenSearchHttp } from '../../../src/opensearch/index.js';
import { createSchemaSerializer, toSchemaDocument } from '../../../src/output-schema/output-schema.js';
import { corpusFiles, corpusIsPresent, CORPUS_DIR, HEADERLESS_FLOW_LOG_VERSIONS, IMPLAUSIBLE_TIME_FILES, missingCorpusMessage, NEGATIVE_FLOW_LOG_FILES } from '../../support/corpus.js';
import { CATALOGUE_VERSIONS, enrichedCases } from '../../support/output-schema-cases.js';
import { capturedIo, ndjson, runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';
import { dqlMatches, fieldValues, savedView, searchBody, type FlowDocument } from '../support/dashboards-queries.js';
import { bulkIndexInto, documentsUnder, expectTermsBuckets, millisecondsOf, requestNode, type TermsBucket as Bucket } from '../support/opensearch-node-answers.js';
import { asIndexed } from './indexed-document.js';

const url = inject('opensearchUrl');
const request = (method: string, path: string, body?: unknown, contentType?: string) => requestNode(url, method, path, body, contentType);
const bulkIndex = (index: string, documents: readonly FlowDocument[]) => bulkIndexInto(url, index, documents);

/**
 * The template name this file's setup writes instead of INDEX_TEMPLATE_NAME. Test files share the
 * node and run at once; opensearch-node.test.ts keeps the native template under that name for
 * `cwl-*`, and replacing it there while its indices are created would change their mappings.
 */
const templateNameOf = (schema: string): string => `${INDEX_TEMPLATE_NAME}-${schema}-dashboards-test`;

/** `opensearch setup` as the CLI runs it, with the real HTTP client; only the template's name is this file's own. */
async function runSetup(args: readonly string[], schema: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const createHttp = (options: Parameters<typeof createOpenSearchHttpClient>[0]): OpenSearchHttp => {
    const http = createOpenSearchHttpClient(options);
    const templatePath = `/_index_template/${INDEX_TEMPLATE_NAME}`;
    return { ...http, send: (call) => http.send(call.path === templatePath ? { ...call, path: `/_index_template/${templateNameOf(schema)}` } : call) };
  };
  const { io, stdout, stderr } = capturedIo();
  const status = await runOpenSearchCommand(args, io, { env: {}, createHttp });
  return { status, stdout: stdout(), stderr: stderr() };
}

/** The corpus's flow-log files whose records give documents (the negative and implausible-time cases aside). */
const CORPUS_LOG_FILES = corpusFiles('flowlogs', '.log').filter((path) => !NEGATIVE_FLOW_LOG_FILES.has(basename(path)) && !IMPLAUSIBLE_TIME_FILES.has(basename(path)));

/** The `npm start` sample's delivered (native) documents: one pipeline run for both schemas. */
let nativeSample: Promise<FlowDocument[]> | undefined;
function sampleDocuments(): Promise<FlowDocument[]> {
  nativeSample ??= (async () => {
    const out = temporaryDirectory();
    try {
      const run = await runCliWith(['pipeline', '--sample', '--out', out.path('out')]);
      if (run.status !== 0) throw new Error(`npm start's pipeline failed (${run.status}): ${run.stderr}`);
      return documentsUnder(out.path('out/delivered'));
    } finally {
      out.remove();
    }
  })();
  return nativeSample;
}

describe.each(['ecs', 'ocsf'] as const)('opensearch setup --schema %s and its dashboards on OpenSearch 2.19', (schema) => {
  const indexPattern = `vpcflow-${schema}-*`;
  const sampleIndex = `vpcflow-${schema}-sample`;
  const goldenIndex = `vpcflow-${schema}-golden`;
  const corpusIndex = `vpcflow-${schema}-corpus`;
  const properties = buildIndexTemplate({ indexPattern, schema }).template.mappings.properties;
  const fields = DASHBOARD_FIELDS[schema];
  /** The `npm start` sample's documents as the decorator writes them with OutputSchema=<schema>. */
  let sample: FlowDocument[] = [];

  beforeAll(async () => {
    if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
    await request('DELETE', `/${indexPattern}`);
    sample = (await sampleDocuments()).map((document) => JSON.parse(JSON.stringify(toSchemaDocument(schema, document as EnrichedFlowLog))) as FlowDocument);
  });

  it('installs the schema\'s index template, then stops at the ISM policy, naming the step: this node has no Index Management plugin', async () => {
    const run = await runSetup(['setup', '--endpoint', url, '--auth', 'none', '--schema', schema, '--index-pattern', indexPattern], schema);

    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/failed at the ISM policy/);
    const installed = await request('GET', `/_index_template/${templateNameOf(schema)}`);
    const [entry] = installed.body.index_templates as { index_template: { index_patterns: string[]; _meta: { fingerprint: string } } }[];
    expect(entry?.index_template.index_patterns).toEqual([indexPattern]);
    expect(entry?.index_template._meta.fingerprint).toBe(buildIndexTemplate({ indexPattern, schema })._meta.fingerprint);
  });

  it('bulk-indexes the golden documents and the sample at zero item errors, and the index has exactly the template\'s fields and types', async () => {
    const serializer = createSchemaSerializer(schema);
    const golden = CATALOGUE_VERSIONS.flatMap((version) => enrichedCases(version).map((entry) => JSON.parse(serializer.serialize(entry.document, entry.enrichment)) as FlowDocument));

    const answers = [await bulkIndex(goldenIndex, golden), await bulkIndex(sampleIndex, sample)];

    expect(sample.length).toBeGreaterThan(4000);
    expect(answers.flatMap((answer) => answer.items).filter((item) => item.index.status !== 201).map((item) => item.index.error)).toEqual([]);
    expect(answers.map((answer) => [answer.errors, answer.items.length])).toEqual([
      [false, golden.length],
      [false, sample.length],
    ]);
    const mapping = await request('GET', `/${goldenIndex},${sampleIndex}/_mapping`);
    const typesOf = (index: string) => {
      const indexed = (mapping.body[index] as { mappings: { properties: Record<string, FieldMapping> } }).mappings.properties;
      return Object.fromEntries([...mappedLeafFields(indexed)].map(([path, leaf]) => [path, leaf.type]));
    };
    const templated = Object.fromEntries([...mappedLeafFields(properties)].map(([path, leaf]) => [path, leaf.type]));
    // The golden documents carry every field of the schema: their index has exactly the template's.
    expect(typesOf(goldenIndex)).toEqual(templated);
    expect(typesOf(sampleIndex)).toEqual(templated);
  });

  it.each(CORPUS_LOG_FILES)(`%s: enrich --schema ${schema}'s documents bulk-index with zero item errors`, async (path) => {
    const version = HEADERLESS_FLOW_LOG_VERSIONS[path];
    const format = version === undefined ? [] : ['--format', FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => `\${${field.name}}`).join(' ')];
    const run = await runCliWith(['enrich', join(CORPUS_DIR, path), ...format, '--schema', schema, '--inventory', 'events/sample/inventory', '--geo', `mmdb:${SAMPLE_GEO_DATABASE}`]);
    const documents = ndjson(run.stdout);
    expect(documents.length, run.stderr).toBeGreaterThan(0);

    const answer = await bulkIndex(corpusIndex, documents);

    expect(answer.items.filter((item) => item.index.status !== 201).map((item) => item.index.error)).toEqual([]);
    expect(answer.errors).toBe(false);
  });

  it('adds no field the template lacks for the corpus either', async () => {
    const mapping = await request('GET', `/${corpusIndex}/_mapping`);
    const indexed = (mapping.body[corpusIndex] as { mappings: { properties: Record<string, FieldMapping> } }).mappings.properties;
    const templated = mappedLeafFields(properties);

    expect([...mappedLeafFields(indexed).keys()].filter((path) => !templated.has(path))).toEqual([]);
  });

  describe('every saved visualization and saved search', () => {
    const views = buildSavedObjects({ indexPattern, schema })
      .filter((object) => object.type === 'visualization' || object.type === 'search')
      .map(savedView);

    it.each(views.map((view) => [view.id, view] as const))(`%s runs on the ${schema} sample as Dashboards sends it and gives its buckets`, async (_id, view) => {
      // Prepare: what OpenSearch sees of each document, copy_to fields included.
      const indexed = sample.map((document) => asIndexed(document, properties));
      const matching = indexed.filter((document) => dqlMatches(view.query, document));
      const body = view.type === 'search' ? { ...searchBody(view), sort: [{ [fields.time]: { order: 'desc' } }] } : searchBody(view);

      // Act
      const answer = await request('POST', `/${sampleIndex}/_search`, body);

      // Assess
      expect(answer.status, JSON.stringify(answer.body).slice(0, 500)).toBe(200);
      expect((answer.body._shards as { failed: number }).failed).toBe(0);
      expect((answer.body.hits as { total: { value: number } }).total.value).toBe(matching.length);
      expect(matching.length, `${view.id} matches nothing in the ${schema} sample`).toBeGreaterThan(0);
      const [first] = view.buckets;
      const aggregations = answer.body.aggregations as Record<string, { buckets: Bucket[] }> | undefined;
      if (view.type === 'search') {
        const hits = (answer.body.hits as { hits: { _source: FlowDocument }[] }).hits;
        const newest = Math.max(...matching.flatMap((document) => fieldValues(document, fields.time)).map(millisecondsOf));
        expect(millisecondsOf(fieldValues(hits[0]?._source ?? {}, fields.time)[0])).toBe(newest);
      } else if (first?.type === 'geohash_grid') {
        const buckets = aggregations?.[first.id]?.buckets ?? [];
        expect(buckets.reduce((total, bucket) => total + bucket.doc_count, 0)).toBe(matching.filter((document) => fieldValues(document, first.params.field ?? '').length > 0).length);
        expect(buckets.length).toBeGreaterThan(0);
      } else if (first?.type === 'date_histogram') {
        const buckets = aggregations?.[first.id]?.buckets ?? [];
        const perDay = new Map<number, FlowDocument[]>();
        for (const document of matching) {
          const day = Math.floor(millisecondsOf(fieldValues(document, fields.time)[0]) / 86_400_000) * 86_400_000;
          perDay.set(day, [...(perDay.get(day) ?? []), document]);
        }
        expect(buckets.map((bucket) => [bucket.key, bucket.doc_count])).toEqual([...perDay].sort(([a], [b]) => a - b).map(([day, members]) => [day, members.length]));
        const next = view.buckets[1];
        for (const bucket of next === undefined ? [] : buckets) expectTermsBuckets(view, 1, (bucket[next?.id ?? ''] as { buckets: Bucket[] }).buckets, perDay.get(bucket.key as number) ?? []);
      } else if (first !== undefined) {
        const buckets = aggregations?.[first.id]?.buckets ?? [];
        expect(buckets.length, `${view.id}: no ${first.params.field ?? ''} in the documents it matches`).toBeGreaterThan(0);
        expectTermsBuckets(view, 0, buckets, matching);
      }
    });
  });
});
