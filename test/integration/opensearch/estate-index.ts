/**
 * Puts a generated estate (generated-estate.ts) into an OpenSearch node the way the stack does:
 * attributed by the project's own enrichment, bulk-indexed under the index template that
 * `opensearch setup` installs, and fed to the local stream's ledger builder as `report` reads
 * the same documents (NDJSON lines through `toReportFlow`). Used by the integration test and by
 * bench/opensearch-report.bench.ts.
 */
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { buildIndexTemplate } from '../../../src/opensearch/index.js';
import { toReportFlow, type ReportLedger, type ReplayTuple } from '../../../src/report/index.js';
import type { Estate } from './generated-estate.js';
import { estateSources } from './generated-estate.js';

/** Documents attributed per call of the enrichment, as the decorator's batches. */
const ENRICH_CHUNK = 4_000;

export async function openSearchRequest(url: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': contentType }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Installs the project's index template under its own name for `indexPattern`, so that other tests' indices keep theirs. */
export async function installTemplate(url: string, templateName: string, indexPattern: string): Promise<void> {
  const answer = await openSearchRequest(url, 'PUT', `/_index_template/${templateName}`, JSON.stringify(buildIndexTemplate({ indexPattern })));
  if (answer.status !== 200) throw new Error(`index template: HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
}

/**
 * Generates `records` records of the estate, attributes them, hands each document's JSON line to
 * `line` (the local stream) and bulk-indexes them into `index` (one index per UTC day when
 * `index` ends with `*`: `cwl-estate-2026-01-01` ...). Returns the documents indexed.
 */
export async function indexEstate(url: string, estate: Estate, records: number, index: string, line: (json: string) => void): Promise<number> {
  let indexed = 0;
  for (let done = 0; done < records; done += ENRICH_CHUNK) {
    const documents = await enrichFlowLogs(estate.records(Math.min(ENRICH_CHUNK, records - done)), estateSources(estate));
    const bulk: string[] = [];
    for (const document of documents) {
      const json = JSON.stringify(document);
      line(json);
      const day = new Date((document.start ?? estate.start) * 1_000).toISOString().slice(0, 10);
      bulk.push(JSON.stringify({ index: { _index: index.endsWith('*') ? `${index.slice(0, -1)}${day}` : index } }), json);
    }
    const answer = await openSearchRequest(url, 'POST', '/_bulk', `${bulk.join('\n')}\n`, 'application/x-ndjson');
    if (answer.status !== 200 || answer.body.errors !== false) throw new Error(`bulk: HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 2_000)}`);
    indexed += documents.length;
  }
  const refreshed = await openSearchRequest(url, 'POST', `/${index}/_refresh`);
  if (refreshed.status !== 200) throw new Error(`refresh: HTTP ${refreshed.status}`);
  return indexed;
}

/** A JSON line as `report` takes an enriched document. */
export function reportFlowOfLine(json: string): ReturnType<typeof toReportFlow> {
  return toReportFlow(JSON.parse(json) as Record<string, unknown>);
}

/**
 * A ledger with its replay written independently of the order producers meet group sets and
 * tuples in (each tuple names its groups, the list sorted): what two producers must agree on.
 */
export function comparableLedger(ledger: ReportLedger): Omit<ReportLedger, 'replay'> & { replay: { tuples: (Omit<ReplayTuple, 'groups'> & { groups: readonly string[] })[]; flowsNotKept: number } } {
  const tuples = ledger.replay.tuples
    .map((tuple) => ({ ...tuple, groups: ledger.replay.groupSets[tuple.groups] ?? [] }))
    .sort((a, b) => keyOfTuple(a).localeCompare(keyOfTuple(b)));
  return { ...ledger, replay: { tuples, flowsNotKept: ledger.replay.flowsNotKept } };
}

function keyOfTuple(tuple: Omit<ReplayTuple, 'groups'> & { groups: readonly string[] }): string {
  return `${tuple.groups.join(',')}|${tuple.direction}|${tuple.protocol}|${tuple.port ?? ''}|${tuple.peer}`;
}
