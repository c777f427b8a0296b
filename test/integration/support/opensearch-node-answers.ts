// What the integration tests ask the real OpenSearch node, and how they check its answers against
// the documents they indexed: shared by the native dashboards test and the per-schema one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fieldValues, type FlowDocument, type SavedView } from './dashboards-queries.js';

export interface NodeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface BulkAnswer {
  readonly errors: boolean;
  readonly items: { index: { status: number; error?: unknown } }[];
}

/** A request to the node at `url` (JSON unless a string body with its own content type). */
export async function requestNode(url: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<NodeAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Bulk-indexes documents into an index, refreshed; returns the items' answers. */
export async function bulkIndexInto(url: string, index: string, documents: readonly FlowDocument[]): Promise<BulkAnswer> {
  const lines = documents.flatMap((document) => [JSON.stringify({ index: {} }), JSON.stringify(document)]);
  const answer = await requestNode(url, 'POST', `/${index}/_bulk?refresh=true`, `${lines.join('\n')}\n`, 'application/x-ndjson');
  expect(answer.status).toBe(200);
  return answer.body as unknown as BulkAnswer;
}

/** Every NDJSON document under a directory, recursively. */
export function documentsUnder(directory: string): FlowDocument[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .flatMap((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FlowDocument);
}

/** A time value as milliseconds: an ISO string (native and ECS) or epoch milliseconds (OCSF `time`). */
export function millisecondsOf(value: unknown): number {
  return typeof value === 'number' ? value : Date.parse(String(value));
}

export interface TermsBucket {
  readonly key: unknown;
  readonly doc_count: number;
  readonly [sub: string]: unknown;
}

/**
 * One level of a view's terms buckets against the documents: each bucket's count (innermost, where
 * Dashboards asks for the metrics: its sums, first and last times) is the documents', there are as
 * many buckets as the size allows, and no key left out counts more than one kept (ties at the cut
 * may fall either way).
 */
export function expectTermsBuckets(view: SavedView, level: number, buckets: readonly TermsBucket[], documents: readonly FlowDocument[]): void {
  const aggregation = view.buckets[level];
  if (aggregation === undefined) return;
  const field = aggregation.params.field ?? '';
  const byKey = new Map<string, FlowDocument[]>();
  for (const document of documents) {
    for (const key of new Set(fieldValues(document, field).map(String))) byKey.set(key, [...(byKey.get(key) ?? []), document]);
  }
  expect(buckets.length, `${view.id} ${field}: buckets`).toBe(Math.min(aggregation.params.size ?? 0, byKey.size));
  const smallestKept = Math.min(...buckets.map((bucket) => bucket.doc_count));
  const innermost = level === view.buckets.length - 1;
  for (const bucket of buckets) {
    const members = byKey.get(String(bucket.key)) ?? [];
    expect(bucket.doc_count, `${view.id} ${field}=${String(bucket.key)}`).toBe(members.length);
    for (const metric of innermost ? view.metrics.filter((candidate) => candidate.type !== 'count') : []) {
      const values = members.flatMap((member) => fieldValues(member, metric.params.field ?? ''));
      const expected =
        metric.type === 'sum' ? values.reduce<number>((total, value) => total + Number(value), 0) : (metric.type === 'min' ? Math.min : Math.max)(...values.map(millisecondsOf));
      expect((bucket[metric.id] as { value: number } | undefined)?.value, `${view.id} ${field}=${String(bucket.key)} ${metric.type} of ${metric.params.field}`).toBe(expected);
    }
    const next = view.buckets[level + 1];
    if (next !== undefined) expectTermsBuckets(view, level + 1, (bucket[next.id] as { buckets: TermsBucket[] }).buckets, members);
  }
  const kept = new Set(buckets.map((bucket) => String(bucket.key)));
  const leftOut = [...byKey].filter(([key]) => !kept.has(key)).map(([, members]) => members.length);
  expect(Math.max(0, ...leftOut), `${view.id} ${field}: a key left out counts more than one kept`).toBeLessThanOrEqual(smallestKept);
}
