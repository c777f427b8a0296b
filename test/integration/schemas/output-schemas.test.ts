// Issue 16: the documents of every output schema over the public corpus and the golden cases:
// OCSF documents pass the OCSF 1.1.0 validator of pydantic-ocsf (scripts/integration/requirements.txt),
// ECS documents index into the real OpenSearch node under the ECS index template at zero item
// errors, and Elastic's "RDP from the Internet" query finds exactly the flows it should.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { applyFlowEnrichment, emptyFlowEnrichment, type FlowEnrichment } from '../../../src/enrich/enriched-flow-log.js';
import { createFlowLogLineParser, FLOW_LOG_FIELDS, formatFromFieldNames, parseFlowLogLine, splitRecordText, type FlowLogDocument } from '../../../src/flow-log/index.js';
import { buildIndexTemplate } from '../../../src/opensearch/index.js';
import { createSchemaSerializer, toSchemaDocument } from '../../../src/output-schema/output-schema.js';
import { corpusFiles, corpusIsPresent, HEADERLESS_FLOW_LOG_VERSIONS, missingCorpusMessage, NEGATIVE_FLOW_LOG_FILES, readCorpusText } from '../../support/corpus.js';
import { DEFAULT_FIELD_NAMES, flowLogLine, formatOf } from '../../support/flow-log-builders.js';
import { CATALOGUE_VERSIONS, enrichedCases } from '../../support/output-schema-cases.js';
import { PROJECT_ROOT, pythonTool, pythonToolEnvironment } from '../support/python-tools.js';

const url = inject('opensearchUrl');

/** Every flow of the corpus's flow-log files (the negative cases aside), parsed as the CLI parses them. */
function corpusDocuments(): FlowLogDocument[] {
  if (!corpusIsPresent()) throw new Error(missingCorpusMessage());
  const documents: FlowLogDocument[] = [];
  for (const path of corpusFiles('flowlogs', '.log')) {
    if (NEGATIVE_FLOW_LOG_FILES.has(path.split('/').pop() ?? '')) continue;
    const version = HEADERLESS_FLOW_LOG_VERSIONS[path];
    const format = version === undefined ? undefined : formatFromFieldNames(FLOW_LOG_FIELDS.filter((field) => field.version <= version).map((field) => field.name));
    const parser = createFlowLogLineParser(format === undefined ? {} : { format });
    for (const line of readCorpusText(path).split('\n')) {
      for (const text of splitRecordText(line)) {
        const outcome = parser.parse(text);
        if (outcome.kind === 'flow') documents.push(outcome.document);
      }
    }
  }
  return documents;
}

/** The corpus's flows as parsed (no enrichment), and the golden cases of every version with theirs. */
function allCases(): { document: FlowLogDocument; enrichment: FlowEnrichment }[] {
  return [
    ...corpusDocuments().map((document) => ({ document, enrichment: emptyFlowEnrichment() })),
    ...CATALOGUE_VERSIONS.flatMap((version) => enrichedCases(version).map(({ document, enrichment }) => ({ document, enrichment }))),
  ];
}

function schemaLines(schema: 'ecs' | 'ocsf'): string[] {
  const serializer = createSchemaSerializer(schema);
  return allCases().map(({ document, enrichment }) => serializer.serialize(document, enrichment));
}

function validateOcsf(lines: readonly string[]): { documents: number; errors: string[] } {
  const run = spawnSync(pythonTool('python'), [join(PROJECT_ROOT, 'test/integration/schemas/validate_ocsf.py')], {
    input: `${lines.join('\n')}\n`,
    env: pythonToolEnvironment(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`validate_ocsf.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { documents: number; errors: string[] };
}

async function request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': contentType }, ...(body !== undefined && { body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function bulkIndex(index: string, lines: readonly string[]): Promise<{ errors: boolean; items: { index: { status: number; error?: unknown } }[] }> {
  const body = lines.flatMap((line) => [JSON.stringify({ index: {} }), line]).join('\n');
  const answer = await request('POST', `/${index}/_bulk?refresh=true`, `${body}\n`, 'application/x-ndjson');
  expect(answer.status).toBe(200);
  return answer.body as unknown as { errors: boolean; items: { index: { status: number; error?: unknown } }[] };
}

/** Elastic's "RDP (Remote Desktop Protocol) from the Internet" query (elastic/detection-rules), in Lucene syntax. */
const RDP_FROM_THE_INTERNET =
  'event.category:(network OR network_traffic) AND network.transport:tcp AND (destination.port:3389 OR event.dataset:"zeek.rdp") AND ' +
  'NOT source.ip:("10.0.0.0/8" OR "172.16.0.0/12" OR "192.168.0.0/16") AND ' +
  'destination.ip:("10.0.0.0/8" OR "127.0.0.0/8" OR "172.16.0.0/12" OR "192.168.0.0/16" OR "::1")';

function ecsLine(values: Readonly<Record<string, string>>): string {
  const parsed = parseFlowLogLine(flowLogLine(values), formatOf(DEFAULT_FIELD_NAMES));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return JSON.stringify(toSchemaDocument('ecs', applyFlowEnrichment(parsed.value, emptyFlowEnrichment())));
}

describe('output schemas against their validators', () => {
  it('writes OCSF documents that pass the OCSF 1.1.0 validator, every corpus flow and every golden case', () => {
    const lines = schemaLines('ocsf');

    const result = validateOcsf(lines);

    expect(lines.length).toBeGreaterThan(100);
    expect(result).toEqual({ documents: lines.length, errors: [] });
  });

  it('has a validator that refuses what OCSF 1.1.0 does not define and what the class requires', () => {
    const valid = JSON.parse(schemaLines('ocsf')[0] ?? '{}') as Record<string, unknown>;
    const withInvented = { ...valid, invented_attribute: 1 };
    const withoutDirection = { ...valid, connection_info: { protocol_num: 6 } };

    const result = validateOcsf([JSON.stringify(withInvented), JSON.stringify({ ...valid, class_uid: 4002 }), JSON.stringify(withoutDirection), JSON.stringify(valid)]);

    expect(result.errors.some((error) => error.startsWith('line 1: invented_attribute'))).toBe(true);
    expect(result.errors.some((error) => error.startsWith('line 2: class_uid'))).toBe(true);
    expect(result.errors.some((error) => error.startsWith('line 3:') && error.includes('direction_id'))).toBe(true);
    expect(result.errors.filter((error) => error.startsWith('line 4:'))).toEqual([]);
  });

  it('indexes every ECS document into OpenSearch under the ECS index template at zero item errors', async () => {
    const template = buildIndexTemplate({ indexPattern: 'ecs-flows-*', schema: 'ecs' });
    expect((await request('PUT', '/_index_template/ecs-flows', JSON.stringify(template))).status).toBe(200);
    const lines = schemaLines('ecs');

    const answer = await bulkIndex('ecs-flows-corpus', lines);

    expect(answer.items.filter((item) => item.index.status >= 300).map((item) => item.index.error)).toEqual([]);
    expect(answer.errors).toBe(false);
    expect(answer.items).toHaveLength(lines.length);
    const mapping = await request('GET', '/ecs-flows-corpus/_mapping/field/source.ip,destination.geo.location,event.start');
    expect(JSON.stringify(mapping.body)).toContain('"type":"ip"');
    expect(JSON.stringify(mapping.body)).toContain('"type":"geo_point"');
    expect(JSON.stringify(mapping.body)).toContain('"type":"date"');
  });

  it('finds with Elastic\'s "RDP from the Internet" query exactly the RDP flows from public addresses to private ones', async () => {
    const lines = [
      ecsLine({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '3389', protocol: '6', 'interface-id': 'eni-00000000000000001' }),
      ecsLine({ srcaddr: '198.51.100.8', dstaddr: '172.31.5.9', dstport: '3389', protocol: '6', action: 'REJECT', 'interface-id': 'eni-00000000000000002' }),
      ecsLine({ srcaddr: '10.0.2.4', dstaddr: '10.0.1.17', dstport: '3389', protocol: '6', 'interface-id': 'eni-00000000000000003' }),
      ecsLine({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '3389', protocol: '17', 'interface-id': 'eni-00000000000000004' }),
      ecsLine({ srcaddr: '198.51.100.7', dstaddr: '10.0.1.17', dstport: '22', protocol: '6', 'interface-id': 'eni-00000000000000005' }),
    ];
    expect((await bulkIndex('ecs-flows-rdp', lines)).errors).toBe(false);

    const answer = await request('POST', '/ecs-flows-rdp/_search', JSON.stringify({ size: 10, query: { query_string: { query: RDP_FROM_THE_INTERNET } } }));

    const hits = (answer.body['hits'] as { hits: { _source: { aws: { vpcflow: { interface_id: string } } } }[] }).hits;
    expect(hits.map((hit) => hit._source.aws.vpcflow.interface_id).sort()).toEqual(['eni-00000000000000001', 'eni-00000000000000002']);
  });
});
