// Issue 15's scale figures, by hand (not in `npm run bench`, not in CI: it needs the integration
// tier's OpenSearch node and takes minutes to hours):
//
//   OPENSEARCH_BENCH_RECORDS=3000000 node --expose-gc --import tsx bench/opensearch-report.ts
//
// Loads a generated estate (test/integration/opensearch/generated-estate.ts: 50 groups, 350 rules,
// 28 days, daily indices under the project's index template) into a fresh OpenSearch node (heap
// OPENSEARCH_BENCH_HEAP, default 3g) or the one at OPENSEARCH_URL, the way a bulk load is done:
// the daily indices created first without replicas or refreshes, bulk requests of some megabytes
// (OPENSEARCH_BENCH_BULK_MIB, default 8) with the next one prepared while the node indexes the
// last, then one refresh. The documents are generated and attributed a chunk at a time, so the
// client's memory stays flat whatever the size. Unless OPENSEARCH_BENCH_COMPARE=0, the same
// documents go to the local stream's ledger builder as they are generated, and the two ledgers are
// compared. At each size in OPENSEARCH_BENCH_STEPS (records loaded so far) it times the OpenSearch
// ledger (what `report --opensearch` waits for) and the advisor over it, and prints the index size
// on disk, the searches, pages and buckets, the time each aggregation took, and the client's heap
// peak while the ledger was read: what grows with the estate.
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { createOpenSearchHttpClient } from '../src/adapters/opensearch-http-client.js';
import { enrichFlowLogs } from '../src/enrich/enrich-flow-logs.js';
import { createOpenSearchLedgerSource } from '../src/opensearch/index.js';
import { adviseSecurityGroups, createLedgerBuilder, type LedgerBuilder } from '../src/report/index.js';
import { comparableLedger, installTemplate, openSearchRequest, reportFlowOfLine } from '../test/integration/opensearch/estate-index.js';
import { estateSources, generateEstate, type Estate } from '../test/integration/opensearch/generated-estate.js';
import { startOpenSearchNode, type OpenSearchNode } from '../test/integration/support/opensearch-node.js';

const RECORDS = Number(process.env.OPENSEARCH_BENCH_RECORDS ?? 1_000_000);
const STEPS = (process.env.OPENSEARCH_BENCH_STEPS ?? `${Math.round(RECORDS / 10)},${RECORDS}`).split(',').map(Number).filter((step) => step > 0 && step <= RECORDS);
const COMPARE = process.env.OPENSEARCH_BENCH_COMPARE !== '0';
const BULK_BYTES = Number(process.env.OPENSEARCH_BENCH_BULK_MIB ?? 8) * 1_048_576;
const INDEX_PREFIX = 'bench-estate-';
const INDEX_PATTERN = `${INDEX_PREFIX}*`;
const DAY = 86_400;
/** Records generated and attributed at a time, as the decorator's batches. */
const CHUNK = 4_000;

const mib = (bytes: number): string => (bytes / 1_048_576).toFixed(0);
const dayOf = (epochSeconds: number): string => new Date(epochSeconds * 1_000).toISOString().slice(0, 10);

async function checked(url: string, method: string, path: string, body?: string, contentType?: string): Promise<Record<string, unknown>> {
  const answer = await openSearchRequest(url, method, path, body, contentType);
  if (answer.status !== 200) throw new Error(`${method} ${path}: HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 2_000)}`);
  return answer.body;
}

/** The estate's daily indices, created before the load: no replica, no refresh until it is done. */
async function createDailyIndices(url: string, estate: Estate): Promise<void> {
  for (let day = 0; day < estate.days; day += 1) {
    await checked(url, 'PUT', `/${INDEX_PREFIX}${dayOf(estate.start + day * DAY)}`, JSON.stringify({ settings: { number_of_replicas: 0, refresh_interval: '-1' } }));
  }
}

/**
 * Loads `records` more records of the estate: bulk requests of about BULK_BYTES, one in flight
 * while the next is generated; each document's JSON line also goes to the local stream.
 */
async function load(url: string, estate: Estate, records: number, stream: LedgerBuilder | undefined): Promise<number> {
  let inFlight: Promise<void> = Promise.resolve();
  let body: string[] = [];
  let bytes = 0;
  const send = (lines: string[]): Promise<void> =>
    checked(url, 'POST', '/_bulk?filter_path=errors,items.*.error', `${lines.join('\n')}\n`, 'application/x-ndjson').then((answer) => {
      if (answer.errors !== false) throw new Error(`bulk: ${JSON.stringify(answer).slice(0, 2_000)}`);
    });
  let loaded = 0;
  while (loaded < records) {
    const documents = await enrichFlowLogs(estate.records(Math.min(CHUNK, records - loaded)), estateSources(estate));
    for (const document of documents) {
      const json = JSON.stringify(document);
      if (stream !== undefined) stream.add(reportFlowOfLine(json));
      const action = `{"index":{"_index":"${INDEX_PREFIX}${dayOf(document.start ?? estate.start)}"}}`;
      body.push(action, json);
      bytes += action.length + json.length + 2;
    }
    loaded += documents.length;
    if (bytes >= BULK_BYTES || loaded >= records) {
      await inFlight;
      inFlight = send(body);
      body = [];
      bytes = 0;
    }
  }
  await inFlight;
  return loaded;
}

/** Refreshes the indices (once, after the load) and answers their size on disk in bytes. */
async function refreshAndMeasure(url: string): Promise<number> {
  await checked(url, 'POST', `/${INDEX_PATTERN}/_refresh`);
  const stats = await checked(url, 'GET', `/${INDEX_PATTERN}/_stats/store`);
  const store = (stats._all as { primaries?: { store?: { size_in_bytes?: number } } } | undefined)?.primaries?.store?.size_in_bytes;
  return store ?? 0;
}

async function main(): Promise<void> {
  let node: OpenSearchNode | undefined;
  const url = process.env.OPENSEARCH_URL ?? (node = await startOpenSearchNode({ heap: process.env.OPENSEARCH_BENCH_HEAP ?? '3g' })).url;
  try {
    const estate = generateEstate({ seed: 15, groups: 50, days: 28 });
    await openSearchRequest(url, 'DELETE', `/${INDEX_PATTERN}`);
    await installTemplate(url, 'bench-estate', INDEX_PATTERN);
    await createDailyIndices(url, estate);
    const stream = COMPARE ? createLedgerBuilder({ rules: estate.rules }) : undefined;
    let loaded = 0;
    let loadMs = 0;
    console.log(`documents | load s (cumulative) | index MiB | ledger s | advisor s | searches | pages | buckets | client heap peak MiB | equal`);
    for (const step of STEPS) {
      const started = performance.now();
      loaded += await load(url, estate, step - loaded, stream);
      const storeBytes = await refreshAndMeasure(url);
      loadMs += performance.now() - started;
      const source = createOpenSearchLedgerSource({ http: createOpenSearchHttpClient({ baseUrl: url, auth: { kind: 'none' }, timeoutMs: 3_600_000 }), indexPattern: INDEX_PATTERN });
      global.gc?.();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
      const ledgerStarted = performance.now();
      const ledger = await source.readLedger({ rules: estate.rules });
      const ledgerMs = performance.now() - ledgerStarted;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      const adviceStarted = performance.now();
      adviseSecurityGroups(ledger, { rules: estate.rules }, { minWindowDays: 3 });
      const adviceMs = performance.now() - adviceStarted;
      const statistics = source.statistics;
      const pages = Object.values(statistics?.pages ?? {}).reduce((sum, count) => sum + count, 0);
      const buckets = Object.values(statistics?.buckets ?? {}).reduce((sum, count) => sum + count, 0);
      let equal = 'not compared';
      let differing: string[] = [];
      if (stream !== undefined) {
        const remote = comparableLedger(ledger);
        const local = comparableLedger(stream.ledger());
        equal = String(isDeepStrictEqual(remote, local));
        // Past a bound that keeps the first keys it meets (replay tuples per rule, above all), the kept keys follow each producer's order.
        differing = [
          ...(Object.keys(local) as (keyof typeof local)[]).filter((key) => key !== 'rules' && !isDeepStrictEqual(local[key], remote[key])),
          ...local.rules.flatMap((rule, index) => (Object.keys(rule) as (keyof typeof rule)[]).filter((field) => !isDeepStrictEqual(rule[field], remote.rules[index]?.[field])).map((field) => `${rule.ruleId}.${field}`)),
        ];
        if (equal === 'false') process.exitCode = 1;
        if (differing.length > 0) console.log(`  differs in: ${differing.slice(0, 20).join(', ')}${differing.length > 20 ? ` and ${differing.length - 20} more` : ''}; rules past the replay bound: ${local.rules.filter((rule) => !rule.replayComplete).length}`);
      }
      console.log(
        `${loaded} | ${(loadMs / 1_000).toFixed(0)} | ${mib(storeBytes)} | ${(ledgerMs / 1_000).toFixed(1)} | ${(adviceMs / 1_000).toFixed(2)} | ${statistics?.searches ?? 0} | ${pages} | ${buckets} | ` +
          `${mib(peak - baseline)} above ${mib(baseline)} | ${equal}`,
      );
      for (const [name, count] of Object.entries(statistics?.buckets ?? {})) {
        const key = name as keyof NonNullable<typeof statistics>['buckets'];
        console.log(`  ${name}: ${statistics?.pages[key]} pages, ${count} buckets, ${((statistics?.milliseconds[key] ?? 0) / 1_000).toFixed(1)} s`);
      }
    }
  } finally {
    await node?.stop();
  }
}

await main();
