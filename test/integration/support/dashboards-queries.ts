// What OpenSearch Dashboards sends for a saved visualization or saved search of ours, and the same
// question answered in plain code over the documents, so a test can run the one on a real node and
// compare it with the other. Only what src/opensearch/saved-objects.ts uses is understood: DQL with
// field:value, field:(a or b), quoted values, and, or, not, parentheses; count, sum, terms and
// geohash_grid aggregations. Anything else throws, so a new kind of view cannot pass unread.
import { cidrContains, parseCidr, parseIpAddress } from '../../../src/net/index.js';
import type { SavedObject } from '../../../src/opensearch/saved-objects.js';

export type FlowDocument = Readonly<Record<string, unknown>>;

type Dql =
  | { readonly kind: 'and' | 'or'; readonly operands: readonly Dql[] }
  | { readonly kind: 'not'; readonly operand: Dql }
  | { readonly kind: 'match'; readonly field: string; readonly value: string; readonly quoted: boolean }
  | { readonly kind: 'all' };

/** Parses the DQL subset above; '' matches every document. */
export function parseDql(text: string): Dql {
  const tokens = [...text.matchAll(/\s*("(?:[^"\\]|\\.)*"|[():]|[^\s():"]+)/g)].map((match) => match[1] ?? '');
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position];
    if (token === undefined || (expected !== undefined && token.toLowerCase() !== expected)) throw new Error(`DQL "${text}": expected ${expected ?? 'a token'} at token ${position}, found ${token ?? 'the end'}`);
    position += 1;
    return token;
  };
  const value = (): { value: string; quoted: boolean } => {
    const token = take();
    return token.startsWith('"') ? { value: JSON.parse(token) as string, quoted: true } : { value: token, quoted: false };
  };
  const list = (kind: 'and' | 'or', operand: () => Dql): Dql => {
    const operands = [operand()];
    while (peek()?.toLowerCase() === kind) {
      take(kind);
      operands.push(operand());
    }
    return operands.length === 1 ? (operands[0] as Dql) : { kind, operands };
  };
  const primary = (): Dql => {
    if (peek()?.toLowerCase() === 'not') {
      take('not');
      return { kind: 'not', operand: primary() };
    }
    if (peek() === '(') {
      take('(');
      const inner = expression();
      take(')');
      return inner;
    }
    const field = take();
    take(':');
    if (peek() !== '(') return { kind: 'match', field, ...value() };
    take('(');
    const values = [value()];
    while (peek()?.toLowerCase() === 'or') {
      take('or');
      values.push(value());
    }
    take(')');
    const matches: Dql[] = values.map((entry) => ({ kind: 'match', field, ...entry }));
    return matches.length === 1 ? (matches[0] as Dql) : { kind: 'or', operands: matches };
  };
  const expression = (): Dql => list('or', () => list('and', primary));
  if (tokens.length === 0) return { kind: 'all' };
  const parsed = expression();
  if (position !== tokens.length) throw new Error(`DQL "${text}": unexpected ${tokens[position] ?? ''} at token ${position}`);
  return parsed;
}

/** The query DSL Dashboards builds from DQL: match / match_phrase, bool filter / should / must_not. */
export function dqlToQuery(dql: Dql): Record<string, unknown> {
  switch (dql.kind) {
    case 'all':
      return { match_all: {} };
    case 'match':
      return dql.quoted ? { match_phrase: { [dql.field]: dql.value } } : { match: { [dql.field]: dql.value } };
    case 'and':
      return { bool: { filter: dql.operands.map(dqlToQuery) } };
    case 'or':
      return { bool: { should: dql.operands.map(dqlToQuery), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [dqlToQuery(dql.operand)] } };
  }
}

/** The values of a dotted field of a document, arrays flattened. */
export function fieldValues(document: FlowDocument, field: string): unknown[] {
  let values: unknown[] = [document];
  for (const part of field.split('.')) {
    values = values.flatMap((value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? [(value as Record<string, unknown>)[part]] : [])).flat();
  }
  return values.filter((value) => value !== undefined && value !== null);
}

function valueMatches(actual: unknown, wanted: string): boolean {
  if (typeof actual === 'number') return actual === Number(wanted);
  if (typeof actual !== 'string') return false;
  const address = parseIpAddress(actual);
  const cidr = address === undefined ? undefined : parseCidr(wanted);
  if (address !== undefined && cidr !== undefined) return cidrContains(cidr, address);
  return actual === wanted;
}

/** Whether a document matches, read plainly: a field matches when any of its values does. */
export function dqlMatches(dql: Dql, document: FlowDocument): boolean {
  switch (dql.kind) {
    case 'all':
      return true;
    case 'match':
      return fieldValues(document, dql.field).some((value) => valueMatches(value, dql.value));
    case 'and':
      return dql.operands.every((operand) => dqlMatches(operand, document));
    case 'or':
      return dql.operands.some((operand) => dqlMatches(operand, document));
    case 'not':
      return !dqlMatches(dql.operand, document);
  }
}

interface Aggregation {
  readonly id: string;
  readonly type: string;
  readonly schema: string;
  readonly params: { readonly field?: string; readonly size?: number; readonly orderBy?: string; readonly precision?: number };
}

export interface SavedView {
  readonly id: string;
  readonly type: 'visualization' | 'search';
  readonly query: Dql;
  readonly metrics: readonly Aggregation[];
  readonly buckets: readonly Aggregation[];
}

/** A saved visualization or search as the parts a request is built from. */
export function savedView(object: SavedObject): SavedView {
  if (object.type !== 'visualization' && object.type !== 'search') throw new Error(`${object.id} is a ${object.type}, not a view`);
  const meta = object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
  const source = JSON.parse(meta.searchSourceJSON) as { query: { query: string; language: string }; filter: unknown[] };
  if (source.query.language !== 'kuery' || source.filter.length > 0) throw new Error(`${object.id}: only DQL queries without filters are understood`);
  const aggs = object.type === 'visualization' ? (JSON.parse(object.attributes.visState as string) as { aggs: Aggregation[] }).aggs : [];
  for (const agg of aggs) {
    if (!['count', 'sum', 'min', 'max', 'terms', 'geohash_grid', 'date_histogram'].includes(agg.type)) throw new Error(`${object.id}: aggregation ${agg.type} is not understood`);
  }
  return {
    id: object.id,
    type: object.type,
    query: parseDql(source.query.query),
    metrics: aggs.filter((agg) => agg.schema === 'metric'),
    buckets: aggs.filter((agg) => agg.schema !== 'metric'),
  };
}

/** The _search body Dashboards sends: the query, bucket aggregations nested in order, the metrics inside the innermost. */
export function searchBody(view: SavedView): Record<string, unknown> {
  const query = dqlToQuery(view.query);
  if (view.type === 'search') return { query, size: 500, sort: [{ '@timestamp': { order: 'desc' } }], track_total_hits: true };
  const metricAggs = Object.fromEntries(view.metrics.filter((metric) => metric.type !== 'count').map((metric) => [metric.id, { [metric.type]: { field: metric.params.field } }]));
  let inner: Record<string, unknown> = metricAggs;
  for (const bucket of [...view.buckets].reverse()) {
    const definition =
      bucket.type === 'date_histogram'
        ? { date_histogram: { field: bucket.params.field, calendar_interval: '1d', time_zone: 'UTC', min_doc_count: 1 } }
        : bucket.type === 'terms'
        ? { terms: { field: bucket.params.field, size: bucket.params.size, order: bucket.params.orderBy === '1' ? { _count: 'desc' } : { [bucket.params.orderBy ?? '_count']: 'desc' } } }
        : { geohash_grid: { field: bucket.params.field, precision: bucket.params.precision }, aggs: { centroid: { geo_centroid: { field: bucket.params.field } } } };
    const withChildren = Object.keys(inner).length > 0 ? { ...definition, aggs: { ...(definition as { aggs?: object }).aggs, ...inner } } : definition;
    inner = { [bucket.id]: withChildren };
  }
  return { query, size: 0, track_total_hits: true, aggs: inner };
}
