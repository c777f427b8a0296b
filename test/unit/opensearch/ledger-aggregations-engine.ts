// A small in-memory reading of the ledger's search bodies (src/opensearch/ledger-queries.ts), for
// the unit tier: it interprets the bodies the producer sends (filters term, terms, exists, range;
// composite sources terms on a field or the producer's joined-list script, date_histogram; sum, min,
// max, filter, filters and top_hits aggregations; paging by `after`) over plain documents, and answers
// as OpenSearch does (dates in epoch milliseconds, keys sorted, `after_key`). The real engine is
// checked in test/integration/opensearch/ledger-producer.test.ts; this one lets the unit tier pin
// the assembly and the paging with random documents.
import type { OpenSearchHttp, OpenSearchHttpRequest } from '../../../src/opensearch/opensearch-http.js';

type Document = Readonly<Record<string, unknown>>;
type Json = Record<string, unknown>;

const DATE_FIELDS = new Set(['start', 'end']);

function valuesOf(document: Document, field: string): unknown[] {
  const value = document[field];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  // Keyword doc values are sorted and distinct.
  return typeof list[0] === 'string' ? [...new Set(list as string[])].sort() : list;
}

/** Whether a document passes one filter clause of a query. */
export function matchesFilter(document: Document, filter: Readonly<Record<string, unknown>>): boolean {
  return matches(document, filter);
}

function matches(document: Document, filter: Json): boolean {
  const [kind, body] = Object.entries(filter)[0] as [string, Json];
  if (kind === 'bool') return ((body.filter ?? []) as Json[]).every((inner) => matches(document, inner)) && !((body.must_not ?? []) as Json[]).some((inner) => matches(document, inner));
  const [field, condition] = Object.entries(body)[0] as [string, unknown];
  const values = valuesOf(document, kind === 'exists' ? (condition as string) : field);
  switch (kind) {
    case 'term':
      return values.includes(condition);
    case 'terms':
      return values.some((value) => (condition as unknown[]).includes(value));
    case 'exists':
      return values.length > 0;
    case 'range': {
      // Numbers, or keywords in their (here ASCII) byte order.
      const { gt, gte, lt, lte } = condition as { gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string };
      return values.some(
        (value) =>
          (typeof value === 'number' || typeof value === 'string') &&
          (gt === undefined || value > gt) &&
          (gte === undefined || value >= gte) &&
          (lt === undefined || value < lt) &&
          (lte === undefined || value <= lte),
      );
    }
    default:
      throw new Error(`engine: filter ${kind}`);
  }
}

/** The producer's one kind of script: a keyword list joined by commas. */
function scriptValue(document: Document, source: string): unknown {
  const joined = /doc\['([a-z_]+)'\]/.exec(source)?.[1];
  if (joined === undefined) throw new Error(`engine: script ${source}`);
  return valuesOf(document, joined).join(',');
}

/** The keys of one composite source for a document: none (left out), one, or several (a multi-valued field). */
function sourceKeys(document: Document, definition: Json): unknown[] {
  const [kind, body] = Object.entries(definition)[0] as [string, Json];
  const missing = body.missing_bucket === true;
  if (kind === 'terms') {
    const script = body.script as { source: string } | undefined;
    if (script !== undefined) return [scriptValue(document, script.source)];
    const values = valuesOf(document, body.field as string);
    return values.length > 0 ? values : missing ? [null] : [];
  }
  if (kind === 'date_histogram') {
    const interval = body.calendar_interval === '1d' ? 86_400_000 : 3_600_000;
    const values = valuesOf(document, body.field as string).map((seconds) => Math.floor(((seconds as number) * 1_000) / interval) * interval);
    return values.length > 0 ? values : missing ? [null] : [];
  }
  throw new Error(`engine: source ${kind}`);
}

function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function metric(documents: readonly Document[], definition: Json): Json {
  const [kind, body] = Object.entries(definition)[0] as [string, Json];
  if (kind === 'filter') {
    const kept = documents.filter((document) => matches(document, body));
    return { doc_count: kept.length, ...subAggregations(kept, definition.aggs as Json | undefined) };
  }
  if (kind === 'filters') {
    const filters = body.filters as Record<string, Json>;
    return { buckets: Object.fromEntries(Object.entries(filters).map(([key, filter]) => [key, { doc_count: documents.filter((document) => matches(document, filter)).length }])) };
  }
  if (kind === 'top_hits') return { hits: { hits: documents.slice(0, 1).map((document) => ({ _source: document })) } };
  const values = documents.flatMap((document) => valuesOf(document, body.field as string)).map((value) => (DATE_FIELDS.has(body.field as string) ? (value as number) * 1_000 : (value as number)));
  if (kind === 'sum') return { value: values.reduce((sum, value) => sum + value, 0) };
  if (values.length === 0) return { value: null };
  return { value: kind === 'min' ? Math.min(...values) : Math.max(...values) };
}

function subAggregations(documents: readonly Document[], aggs: Json | undefined): Json {
  return Object.fromEntries(Object.entries(aggs ?? {}).map(([name, definition]) => [name, metric(documents, definition as Json)]));
}

/** Answers a `_search` body over the documents as OpenSearch would. */
export function answerSearch(documents: readonly Document[], body: Json): Json {
  const kept = documents.filter((document) => matches(document, body.query as Json));
  const aggs = body.aggs as Json;
  const page = aggs.page as { composite?: { size: number; sources: Json[]; after?: Json }; aggs?: Json } | undefined;
  if (page?.composite === undefined) {
    const ruleMatch = new Map<string, number>();
    for (const document of kept) for (const value of valuesOf(document, 'rule_match')) ruleMatch.set(value as string, (ruleMatch.get(value as string) ?? 0) + 1);
    const rest = Object.fromEntries(Object.entries(aggs).filter(([name]) => name !== 'ruleMatch').map(([name, definition]) => [name, metric(kept, definition as Json)]));
    return {
      _shards: { total: 1, successful: 1, failed: 0 },
      hits: { total: { value: kept.length, relation: 'eq' } },
      aggregations: { ...rest, ruleMatch: { buckets: [...ruleMatch].map(([key, count]) => ({ key, doc_count: count })) } },
    };
  }
  const { size, sources, after } = page.composite;
  const names = sources.map((source) => Object.keys(source)[0] as string);
  const groups = new Map<string, { key: Json; documents: Document[] }>();
  for (const document of kept) {
    let keys: Json[] = [{}];
    for (const [index, source] of sources.entries()) {
      const name = names[index] as string;
      const values = sourceKeys(document, source[name] as Json);
      keys = keys.flatMap((key) => values.map((value) => ({ ...key, [name]: value })));
    }
    for (const key of keys) {
      const text = JSON.stringify(key);
      const group = groups.get(text) ?? { key, documents: [] };
      group.documents.push(document);
      groups.set(text, group);
    }
  }
  const compare = (a: Json, b: Json): number => names.reduce((order, name) => order || compareKeys(a[name], b[name]), 0);
  const sorted = [...groups.values()].sort((a, b) => compare(a.key, b.key)).filter((group) => after === undefined || compare(group.key, after) > 0);
  const buckets = sorted.slice(0, size).map((group) => ({ key: group.key, doc_count: group.documents.length, ...subAggregations(group.documents, page.aggs) }));
  const last = buckets[buckets.length - 1];
  return { _shards: { total: 1, successful: 1, failed: 0 }, aggregations: { page: { buckets, ...(last === undefined ? {} : { after_key: last.key }) } } };
}

/** An OpenSearchHttp answering every `_search` from the documents, recording the bodies it was sent. */
export function engineHttp(documents: readonly Document[]): OpenSearchHttp & { readonly bodies: Json[] } {
  const bodies: Json[] = [];
  return {
    baseUrl: 'http://engine.test',
    bodies,
    send(request: OpenSearchHttpRequest) {
      const body = JSON.parse(String(request.body)) as Json;
      bodies.push(body);
      return Promise.resolve({ status: 200, body: JSON.stringify(answerSearch(documents, body)) });
    },
  };
}
