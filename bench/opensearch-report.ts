// Issue 15's scale figures, by hand (not in `npm run bench`, not in CI: it needs the integration
// tier's OpenSearch node and takes minutes to hours):
//
//   OPENSEARCH_BENCH_RECORDS=1000000 node --import tsx bench/opensearch-report.ts
//
// Indexes a generated estate (test/integration/opensearch/generated-estate.ts: 50 groups, 350
// rules, 28 days, daily indices under the project's index template) into a fresh OpenSearch node
// (or the one at OPENSEARCH_URL), feeding the same documents to the local stream's ledger builder
// as they go; then times the OpenSearch ledger (what `report --opensearch` waits for) and the
// advisor over it, counts the searches, pages and buckets, samples the client's heap while the
// ledger is read, and checks that the ledger equals the local stream's. Repeats the ledger at each
// size in OPENSEARCH_BENCH_STEPS (records indexed so far) to show what grows with the estate.
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { createOpenSearchHttpClient } from '../src/adapters/opensearch-http-client.js';
import { createOpenSearchLedgerSource } from '../src/opensearch/index.js';
import { adviseSecurityGroups, createLedgerBuilder } from '../src/report/index.js';
import { comparableLedger, indexEstate, installTemplate, openSearchRequest, reportFlowOfLine } from '../test/integration/opensearch/estate-index.js';
import { generateEstate } from '../test/integration/opensearch/generated-estate.js';
import { startOpenSearchNode, type OpenSearchNode } from '../test/integration/support/opensearch-node.js';

const RECORDS = Number(process.env.OPENSEARCH_BENCH_RECORDS ?? 1_000_000);
const STEPS = (process.env.OPENSEARCH_BENCH_STEPS ?? `${Math.round(RECORDS / 10)},${RECORDS}`).split(',').map(Number).filter((step) => step > 0 && step <= RECORDS);
const INDEX_PATTERN = 'bench-estate-*';

const mib = (bytes: number): string => (bytes / 1_048_576).toFixed(0);

async function main(): Promise<void> {
  let node: OpenSearchNode | undefined;
  const url = process.env.OPENSEARCH_URL ?? (node = await startOpenSearchNode({ heap: process.env.OPENSEARCH_BENCH_HEAP ?? '1g' })).url;
  try {
    const estate = generateEstate({ seed: 15, groups: 50, days: 28 });
    await openSearchRequest(url, 'DELETE', `/${INDEX_PATTERN}`);
    await installTemplate(url, 'bench-estate', INDEX_PATTERN);
    const builder = createLedgerBuilder({ rules: estate.rules });
    let streamMs = 0;
    let indexed = 0;
    let indexMs = 0;
    console.log(`records | index s (cumulative) | ledger s | advisor s | searches | pages | buckets | client heap peak MiB | local stream s | equal`);
    for (const step of STEPS) {
      const started = performance.now();
      indexed += await indexEstate(url, estate, step - indexed, INDEX_PATTERN, (json) => {
        const before = performance.now();
        builder.add(reportFlowOfLine(json));
        streamMs += performance.now() - before;
      });
      indexMs += performance.now() - started;
      const source = createOpenSearchLedgerSource({ http: createOpenSearchHttpClient({ baseUrl: url, auth: { kind: 'none' }, timeoutMs: 1_800_000 }), indexPattern: INDEX_PATTERN });
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
      const remote = comparableLedger(ledger);
      const local = comparableLedger(builder.ledger());
      const equal = isDeepStrictEqual(remote, local);
      // Past a bound that keeps the first keys it meets (replay tuples per rule, above all), the kept keys follow each producer's order.
      const differing = [
        ...(Object.keys(local) as (keyof typeof local)[]).filter((key) => key !== 'rules' && !isDeepStrictEqual(local[key], remote[key])),
        ...local.rules.flatMap((rule, index) => (Object.keys(rule) as (keyof typeof rule)[]).filter((field) => !isDeepStrictEqual(rule[field], remote.rules[index]?.[field])).map((field) => `${rule.ruleId}.${field}`)),
      ];
      console.log(
        `${indexed} | ${(indexMs / 1_000).toFixed(0)} | ${(ledgerMs / 1_000).toFixed(1)} | ${(adviceMs / 1_000).toFixed(2)} | ${statistics?.searches ?? 0} | ${pages} | ${buckets} | ` +
          `${mib(peak - baseline)} above ${mib(baseline)} | ${(streamMs / 1_000).toFixed(1)} | ${equal}`,
      );
      console.log(`  buckets per aggregation: ${JSON.stringify(statistics?.buckets)}`);
      if (!equal) console.log(`  differs in: ${differing.slice(0, 20).join(', ')}${differing.length > 20 ? ` and ${differing.length - 20} more` : ''}; rules past the replay bound: ${local.rules.filter((rule) => !rule.replayComplete).length}`);
      if (!equal) process.exitCode = 1;
    }
  } finally {
    await node?.stop();
  }
}

await main();
