// Issue 7: rule attribution must not cost more than 30% on top of the decorator's warm path.
// 20,000 records over 201 interfaces from the attribution ground truth (three tiers of 67, 24
// rules with overlaps, prefix lists, group references, IPv6, ICMP), every look-up answered from
// memory as a warm cache does. Reports ns/record with and without attribution, twice:
//   - enrichFlowLogs alone (the part attribution adds to; the strictest ratio),
//   - decorateFirehoseRecords on the same records as Firehose delivers them, 4,000 a batch
//     (decode, parse, enrich, serialize, budget: the decorator's warm path without Lambda).
import { enrichFlowLogs, type FlowLogEnrichmentSources } from '../src/enrich/enrich-flow-logs.js';
import { decorateFirehoseRecords, type TransformationInputRecord } from '../src/firehose/transformation/decorate-firehose-records.js';
import type { FlowLogDocument } from '../src/flow-log/flow-log-document.js';
import { parseFormatString, type FlowLogFormat } from '../src/flow-log/index.js';
import { generateAttributionGroundTruth, groundTruthSources } from '../test/support/attribution-ground-truth.js';
import { measure, report } from './measure.js';
import type { Benchmark } from './run.js';

const RECORDS = 20_000;
const INTERFACES_PER_TIER = 67;
const RECORDS_PER_BATCH = 4_000;

const FORMAT_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr',
];

function mustParse(text: string): FlowLogFormat {
  const parsed = parseFormatString(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function toLine(document: FlowLogDocument): string {
  return FORMAT_FIELDS.map((field) => {
    const value = document[field.replaceAll('-', '_')];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
  }).join(' ');
}

function toBatches(documents: readonly FlowLogDocument[]): TransformationInputRecord[][] {
  const batches: TransformationInputRecord[][] = [];
  for (let start = 0; start < documents.length; start += RECORDS_PER_BATCH) {
    batches.push(
      documents.slice(start, start + RECORDS_PER_BATCH).map((document, index) => ({
        recordId: String(start + index).padStart(56, '4'),
        data: Buffer.from(`${toLine(document)}\n`).toString('base64'),
      })),
    );
  }
  return batches;
}

/** The same environment answered with new objects, as after every cache entry expired. */
function freshAnswers(truth: ReturnType<typeof generateAttributionGroundTruth>): FlowLogEnrichmentSources {
  const copy = { ...truth, interfaces: truth.interfaces.map((info) => ({ ...info })), rulesByGroup: new Map([...truth.rulesByGroup].map(([id, rules]) => [id, [...rules]])) };
  return { ...groundTruthSources(copy), listRules: false };
}

function withoutRules(sources: FlowLogEnrichmentSources): FlowLogEnrichmentSources {
  return sources.networkInterfaces === undefined ? {} : { networkInterfaces: sources.networkInterfaces };
}

const benchmark: Benchmark = {
  name: 'rule attribution: cost on the warm path',
  async run() {
    const truth = generateAttributionGroundTruth({ seed: 11, interfacesPerTier: INTERFACES_PER_TIER, flows: RECORDS });
    const documents = truth.flows.map((flow) => flow.document);
    const withRules = groundTruthSources(truth);
    const withAttribution: FlowLogEnrichmentSources = { ...withRules, attributeRules: true, listRules: false };
    const without = withoutRules(withRules);
    const format = mustParse(FORMAT_FIELDS.map((field) => `\${${field}}`).join(' '));
    const batches = toBatches(documents);
    const options = { format, trailingNewline: false, responseBudgetBytes: 6_000_000 };

    // Fresh copies for every run: enrichment writes into the documents it is given.
    const enrichOnly = (sources: FlowLogEnrichmentSources) => async () => {
      for (let start = 0; start < documents.length; start += RECORDS_PER_BATCH) {
        await enrichFlowLogs(documents.slice(start, start + RECORDS_PER_BATCH).map((document) => ({ ...document })), sources);
      }
    };
    const copyOnly = await measure(() => {
      for (const document of documents) void { ...document };
    });
    const enrichOff = await measure(enrichOnly(without), { runs: 15 });
    const enrichOn = await measure(enrichOnly(withAttribution), { runs: 15 });
    // Matchers outlive a batch while the cached answers they were built from do; with fresh
    // interface infos every run, each batch compiles its own and remembers no peer from before.
    const enrichColdOff = await measure(() => enrichOnly(withoutRules(freshAnswers(truth)))(), { runs: 15 });
    const enrichCold = await measure(() => enrichOnly(freshAnswers(truth))(), { runs: 15 });
    const decorate = (sources: FlowLogEnrichmentSources) => async () => {
      for (const batch of batches) await decorateFirehoseRecords(batch, sources, options);
    };
    const decorateOff = await measure(decorate(without), { runs: 9 });
    const decorateOn = await measure(decorate(withAttribution), { runs: 9 });

    const nsPerRecord = (ms: number): number => Math.round((ms * 1e6) / RECORDS);
    const enrichExtra = enrichOn.medianMs - enrichOff.medianMs;
    report({
      records: RECORDS,
      interfaces: truth.interfaces.length,
      'rules (24 across 4 groups; prefix lists, group references)': truth.rules.length,
      'copying the documents (in both enrich figures), ns/record': nsPerRecord(copyOnly.medianMs),
      'enrichFlowLogs without attribution, ns/record': nsPerRecord(enrichOff.medianMs),
      'enrichFlowLogs with attribution, ns/record': nsPerRecord(enrichOn.medianMs),
      'attribution itself, ns/record': nsPerRecord(enrichExtra),
      'attribution itself, matchers compiled per batch (cold caches), ns/record': nsPerRecord(enrichCold.medianMs - enrichColdOff.medianMs),
      'enrichFlowLogs ratio with/without': enrichOn.medianMs / enrichOff.medianMs,
      [`decorator warm path (${RECORDS_PER_BATCH} a batch) without attribution, ns/record`]: nsPerRecord(decorateOff.medianMs),
      [`decorator warm path (${RECORDS_PER_BATCH} a batch) with attribution, ns/record`]: nsPerRecord(decorateOn.medianMs),
      'decorator warm path ratio with/without': decorateOn.medianMs / decorateOff.medianMs,
      'target ratio (decorator warm path)': '<= 1.30',
    });
  },
};
export default benchmark;
