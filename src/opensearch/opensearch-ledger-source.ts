import { AppenderError } from '../errors.js';
import type { LedgerQuery, LedgerSource } from '../report/ledger-source.js';
import type { ReportLedger } from '../report/rule-ledger.js';
import { createLedgerAssembler, type CompositeBucket, type LedgerTotalsAnswer } from './ledger-assembler.js';
import {
  compositePageBody,
  INTERFACE_COUNTS_PAGE_SIZE,
  interfaceCountsBody,
  LEDGER_AGGREGATION_NAMES,
  ledgerSearchLanes,
  pageSizeOf as pageSizeOfAggregation,
  PARTITION_PAGES,
  planInterfacePartitions,
  totalsBody,
  type LedgerAggregationName,
  type LedgerSearchPart,
} from './ledger-queries.js';
import type { OpenSearchHttp } from './opensearch-http.js';

/** A ledger query failed: the cluster answered an error status, something unreadable, or nothing. The message names the aggregation and the status. */
export class OpenSearchLedgerError extends AppenderError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'OpenSearchLedgerError';
  }
}

/** How much a ledger cost: searches sent and buckets read, per aggregation (the scale figures of the README come from it). */
export interface LedgerQueryStatistics {
  readonly searches: number;
  readonly buckets: Readonly<Record<LedgerAggregationName, number>>;
  readonly pages: Readonly<Record<LedgerAggregationName, number>>;
  /** Milliseconds from an aggregation's first search to its last answer. */
  readonly milliseconds: Readonly<Record<LedgerAggregationName, number>>;
}

export interface OpenSearchLedgerSourceOptions {
  readonly http: OpenSearchHttp;
  /** Indices searched, e.g. `cwl-*` (a comma-separated list works too). */
  readonly indexPattern: string;
  /** Buckets per page; default per aggregation (src/opensearch/ledger-queries.ts). */
  readonly pageSize?: number;
  /** Called after each page, e.g. for a progress line. */
  readonly onPage?: (name: LedgerAggregationName, buckets: number) => void;
}

export interface OpenSearchLedgerSource extends LedgerSource {
  /** What the last `readLedger` cost. */
  readonly statistics: LedgerQueryStatistics | undefined;
}

/** Longest error text quoted from an answer: enough for OpenSearch's `reason`. */
const MAX_QUOTED_ERROR = 500;

/**
 * The ledger of a window of the documents in OpenSearch: the totals, then each composite
 * aggregation page by page (`after_key`), in two lanes of one search at a time each, every bucket
 * folded into the assembler as it comes, so that the client holds the ledger's bounded state and
 * two pages.
 *
 * @example
 * const source = createOpenSearchLedgerSource({ http, indexPattern: 'cwl-*' });
 * const ledger = await source.readLedger({ rules, window: { from: now - 30 * 86_400, to: now } });
 */
export function createOpenSearchLedgerSource(options: OpenSearchLedgerSourceOptions): OpenSearchLedgerSource {
  const path = `/${encodeURIComponent(options.indexPattern).replace(/%2C/gi, ',').replace(/%2A/gi, '*')}/_search`;
  let statistics: LedgerQueryStatistics | undefined;

  const search = async (what: string, body: unknown): Promise<Record<string, unknown>> => {
    let answer;
    try {
      answer = await options.http.send({ method: 'POST', path, query: { ignore_unavailable: 'true', allow_no_indices: 'true' }, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (error) {
      throw new OpenSearchLedgerError(`${what}: POST ${options.http.baseUrl}${path}: no answer`, { cause: error });
    }
    if (answer.status !== 200) throw new OpenSearchLedgerError(`${what}: POST ${options.http.baseUrl}${path}: HTTP ${answer.status}: ${answer.body.slice(0, MAX_QUOTED_ERROR)}`);
    try {
      const parsed: unknown = JSON.parse(answer.body);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // Reported below, as any unreadable answer.
    }
    throw new OpenSearchLedgerError(`${what}: POST ${options.http.baseUrl}${path}: the answer is no JSON object`);
  };

  return {
    get statistics() {
      return statistics;
    },
    async readLedger(query: LedgerQuery): Promise<ReportLedger> {
      const assembler = createLedgerAssembler({ rules: query.rules, ...(query.limits === undefined ? {} : { limits: query.limits }) });
      const buckets = Object.fromEntries(LEDGER_AGGREGATION_NAMES.map((name) => [name, 0])) as Record<LedgerAggregationName, number>;
      const pages = { ...buckets };
      const milliseconds = { ...buckets };
      let searches = 1;
      const totalsAnswer = await search('totals', totalsBody(query.window));
      assembler.totals(totalsOf(totalsAnswer));
      /** Reads a composite aggregation page after page, each to `take`, until the last. */
      const pageThrough = async (label: string, what: string, size: number, bodyAfter: (after: Readonly<Record<string, unknown>> | undefined) => unknown, take: (page: readonly CompositeBucket[]) => void): Promise<void> => {
        for (let after: Readonly<Record<string, unknown>> | undefined; ; ) {
          const page = compositePageOf(label, await search(what, bodyAfter(after)));
          searches += 1;
          take(page.buckets);
          // A page shorter than asked is the last; a full one may still be followed by an empty one.
          if (page.afterKey === undefined || page.buckets.length < size) return;
          after = page.afterKey;
        }
      };
      const counts: [string | null, number][] = [];
      await pageThrough('interface counts', 'interface counts', INTERFACE_COUNTS_PAGE_SIZE, (after) => interfaceCountsBody(query.window, after), (page) => {
        for (const bucket of page) counts.push([typeof bucket.key.interface === 'string' ? bucket.key.interface : null, bucket.doc_count]);
      });
      const pageSizeOf = (name: LedgerAggregationName): number => options.pageSize ?? pageSizeOfAggregation(name);
      const readPart = async (part: LedgerSearchPart): Promise<void> => {
        const label = `${part.name}${part.slice === undefined ? '' : ` (${part.slice} peers)`}`;
        const size = pageSizeOf(part.name);
        const started = Date.now();
        await pageThrough(label, `aggregation ${label}`, size, (after) => compositePageBody(part.name, query.window, after, size, part.slice, part.partition), (page) => {
          pages[part.name] += 1;
          buckets[part.name] += page.length;
          assembler.page(part.name, page);
          options.onPage?.(part.name, page.length);
        });
        milliseconds[part.name] += Date.now() - started;
      };
      // The lanes run side by side, each one part after the other: they fold into disjoint state
      // (or into counts and sets that do not depend on order), so the ledger is the same whatever
      // the timing, and the node computes one lane's page while the client folds the other's.
      // Partitions of a few pages of `accepted` each: the aggregations whose keys grow with the estate are read a partition at a time.
      const partitionRecords = PARTITION_PAGES * pageSizeOf('accepted');
      const records = partRecordsOf(totalsAnswer);
      const plan = { partitions: planInterfacePartitions(counts, partitionRecords), partitionRecords, ...(records === undefined ? {} : { records }) };
      await Promise.all(ledgerSearchLanes(plan).map(async (lane) => {
        for (const part of lane) await readPart(part);
      }));
      statistics = { searches, buckets, pages, milliseconds };
      return assembler.ledger();
    },
  };
}

/**
 * The totals of a totals answer (`totalsBody`).
 *
 * @example totalsOf({ hits: { total: { value: 3, relation: 'eq' } }, aggregations: { ... } }).records // 3
 */
export function totalsOf(answer: Readonly<Record<string, unknown>>): LedgerTotalsAnswer {
  const total = (answer.hits as { total?: { value?: unknown; relation?: unknown } } | undefined)?.total;
  if (typeof total?.value !== 'number' || total.relation !== 'eq') throw new OpenSearchLedgerError('totals: the answer has no exact hits.total');
  const aggregations = aggregationsOf('totals', answer);
  const count = (name: string): number => numberAt(aggregations, name, 'doc_count') ?? 0;
  const ruleMatch = aggregations.ruleMatch as { buckets?: unknown } | undefined;
  if (!Array.isArray(ruleMatch?.buckets)) throw new OpenSearchLedgerError('totals: the answer has no rule_match buckets');
  const byRuleMatch = new Map<string, number>();
  for (const bucket of ruleMatch.buckets as { key?: unknown; doc_count?: unknown }[]) {
    if (typeof bucket.key === 'string' && typeof bucket.doc_count === 'number') byRuleMatch.set(bucket.key, bucket.doc_count);
  }
  const first = numberAt(aggregations, 'first', 'value');
  const last = numberAt(aggregations, 'last', 'value');
  return {
    records: total.value,
    accepted: count('accepted'),
    rejected: count('rejected'),
    bytes: numberAt(aggregations, 'bytes', 'value') ?? 0,
    byRuleMatch,
    first: first === undefined ? null : Math.round(first / 1_000),
    last: last === undefined ? null : Math.round(last / 1_000),
  };
}

/** The records of each aggregation's filter in a totals answer (`parts`), by partKeyOf; undefined when the answer has none. */
function partRecordsOf(answer: Readonly<Record<string, unknown>>): ReadonlyMap<string, number> | undefined {
  const buckets = ((answer.aggregations as Record<string, unknown> | undefined)?.parts as { buckets?: unknown } | undefined)?.buckets;
  if (typeof buckets !== 'object' || buckets === null) return undefined;
  const records = new Map<string, number>();
  for (const [key, bucket] of Object.entries(buckets as Record<string, { doc_count?: unknown }>)) {
    if (typeof bucket.doc_count === 'number') records.set(key, bucket.doc_count);
  }
  return records;
}

/**
 * The buckets and `after_key` of one page of a composite aggregation (`compositePageBody`).
 *
 * @example compositePageOf('ruleDays', { aggregations: { page: { buckets: [], after_key: undefined } } }) // { buckets: [] }
 */
export function compositePageOf(name: string, answer: Readonly<Record<string, unknown>>): { buckets: CompositeBucket[]; afterKey?: Readonly<Record<string, unknown>> } {
  const page = aggregationsOf(name, answer).page as { buckets?: unknown; after_key?: unknown } | undefined;
  if (!Array.isArray(page?.buckets)) throw new OpenSearchLedgerError(`aggregation ${name}: the answer has no composite buckets`);
  const buckets = (page.buckets as unknown[]).map((bucket): CompositeBucket => {
    const candidate = bucket as { key?: unknown; doc_count?: unknown };
    if (typeof candidate.key !== 'object' || candidate.key === null || typeof candidate.doc_count !== 'number') {
      throw new OpenSearchLedgerError(`aggregation ${name}: a bucket has no key or doc_count`);
    }
    return bucket as CompositeBucket;
  });
  const afterKey = page.after_key;
  return typeof afterKey === 'object' && afterKey !== null ? { buckets, afterKey: afterKey as Readonly<Record<string, unknown>> } : { buckets };
}

function aggregationsOf(what: string, answer: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const shards = answer._shards as { failed?: unknown; failures?: unknown } | undefined;
  // A failed shard leaves its documents out of every count: a ledger missing them would mislead.
  if (typeof shards?.failed === 'number' && shards.failed > 0) {
    throw new OpenSearchLedgerError(`${what}: ${shards.failed} shard(s) failed: ${JSON.stringify(shards.failures ?? []).slice(0, MAX_QUOTED_ERROR)}`);
  }
  if (answer.timed_out === true) throw new OpenSearchLedgerError(`${what}: the search timed out; its counts would be partial`);
  const aggregations = answer.aggregations;
  if (typeof aggregations !== 'object' || aggregations === null) throw new OpenSearchLedgerError(`${what}: the answer has no aggregations`);
  return aggregations as Readonly<Record<string, unknown>>;
}

function numberAt(aggregations: Readonly<Record<string, unknown>>, name: string, field: string): number | undefined {
  const value = (aggregations[name] as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
