// Issue 7: `vpc-flow-log-appender report` (the BUILT CLI, in a child process) on a million raw
// flow-log records of the attribution ground truth, with its inventory as AWS CLI JSON. Reports
// wall time, records/s, the child's peak RSS, the ratio against a same-run baseline child (read
// the same file line by line and JSON.stringify the split fields: the least any line-based tool
// does), peak RSS at 100k against 1M records (bounded memory: far from 10x), and whether the report
// lists exactly the unused and over-broad rules and the per-rule flow counts of the ground truth.
//
// The records are generated in chunks of CHUNK_FLOWS (the generator holds its flows in memory),
// each chunk with its own seed over the same environment, and streamed to a temporary file; the
// first SMALL_RECORDS lines also go to a second file for the 100k run.
// REPORT_BENCH_RECORDS=200000 runs it smaller (a quick look; the notes quote the default).
import { spawn } from 'node:child_process';
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import type { SecurityGroupReport } from '../src/report/report-model.js';
import { generateAttributionGroundTruth, type AttributionGroundTruth } from '../test/support/attribution-ground-truth.js';
import { GROUND_TRUTH_HEADER_LINE, groundTruthLogLine, prefixListRuleIds, writeGroundTruthInventory } from '../test/support/report-builders.js';
import { builtBundle, report } from './measure.js';
import type { Benchmark } from './run.js';

const RECORDS = Number(process.env.REPORT_BENCH_RECORDS ?? 1_000_000);
const SMALL_RECORDS = Math.min(100_000, RECORDS);
const CHUNK_FLOWS = 100_000;
const INTERFACES_PER_TIER = 67;
/** Lines written to the file at once: large enough that the stream's overhead is negligible. */
const WRITE_LINES = 5_000;

/**
 * Loaded into each child with --import: on exit, prints the process's peak resident set size
 * (getrusage ru_maxrss, in KiB on Linux) on stderr, synchronously, so it is the last line.
 */
const PEAK_RSS_REPORTER = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(2, `\\npeak-rss-kib ${process.resourceUsage().maxRSS}\\n`));",
)}`;

/** The baseline: every line read and its space-separated fields turned into JSON, nothing written but a count. */
const BASELINE_SCRIPT = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let lines = 0;
let characters = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) {
  lines += 1;
  characters += JSON.stringify(line.split(' ')).length;
}
process.stdout.write(JSON.stringify({ lines, characters }) + '\\n');
`;

interface ChildRun {
  readonly wallMs: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
  readonly exitCode: number | null;
}

/** Runs `node --import PEAK_RSS_REPORTER ...args`, collecting stdout and the peak RSS it reports. */
async function runChild(args: readonly string[]): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PEAK_RSS_REPORTER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const [exitCode] = (await once(child, 'close')) as [number | null];
  const wallMs = performance.now() - started;
  const stderr = Buffer.concat(err).toString('utf8');
  const peak = /peak-rss-kib (\d+)\s*$/.exec(stderr);
  if (peak?.[1] === undefined) throw new Error(`the child reported no peak RSS (exit ${exitCode}): ${stderr.slice(-2000)}`);
  return { wallMs, peakRssMiB: Number(peak[1]) / 1024, stdout: Buffer.concat(out).toString('utf8'), exitCode };
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

interface Generated {
  /** The environment (the same in every chunk): inventory, unused and over-broad rule ids. */
  readonly truth: AttributionGroundTruth;
  /** Expected flows per rule id (accepted, `matched`), over all records and over the first SMALL_RECORDS. */
  readonly expectedFlows: ReadonlyMap<string, number>;
  readonly expectedFlowsSmall: ReadonlyMap<string, number>;
}

/** Streams RECORDS ground-truth lines to `large` (the first SMALL_RECORDS to `small` too), a header line first in each. */
async function generateFiles(large: string, small: string): Promise<Generated> {
  const largeStream = createWriteStream(large);
  const smallStream = createWriteStream(small);
  await write(largeStream, `${GROUND_TRUTH_HEADER_LINE}\n`);
  await write(smallStream, `${GROUND_TRUTH_HEADER_LINE}\n`);
  const expectedFlows = new Map<string, number>();
  let expectedFlowsSmall = new Map<string, number>();
  let first: AttributionGroundTruth | undefined;
  let written = 0;
  for (let chunk = 0; written < RECORDS; chunk += 1) {
    const truth = generateAttributionGroundTruth({ seed: 1_000 + chunk, interfacesPerTier: INTERFACES_PER_TIER, flows: Math.min(CHUNK_FLOWS, RECORDS - written) });
    first ??= truth;
    let lines: string[] = [];
    for (const flow of truth.flows) {
      if (flow.expected.ruleMatch === 'matched') for (const ruleId of flow.expected.ruleIds) expectedFlows.set(ruleId, (expectedFlows.get(ruleId) ?? 0) + 1);
      lines.push(groundTruthLogLine(flow.document));
      written += 1;
      if (written === SMALL_RECORDS) expectedFlowsSmall = new Map(expectedFlows);
      if (lines.length === WRITE_LINES || written === SMALL_RECORDS) {
        const text = `${lines.join('\n')}\n`;
        await write(largeStream, text);
        if (written <= SMALL_RECORDS) await write(smallStream, text);
        lines = [];
      }
    }
    if (lines.length > 0) {
      const text = `${lines.join('\n')}\n`;
      await write(largeStream, text);
      // Lines left at a chunk's end belong to the small file too while it is not full.
      if (written <= SMALL_RECORDS) await write(smallStream, text);
    }
  }
  await Promise.all([close(largeStream), close(smallStream)]);
  return { truth: first as AttributionGroundTruth, expectedFlows, expectedFlowsSmall };
}

interface Verdict {
  readonly unused: boolean;
  readonly overBroad: boolean;
  readonly perRuleFlows: boolean;
  readonly records: boolean;
}

/**
 * Checks the report against the design. The saved inventory holds no prefix-list entries, so the
 * prefix-list rules are "not judged" and their flows count for no rule: they are left out of the
 * per-rule comparison, and flows only they allowed are left out by the attribution too.
 */
function judge(result: SecurityGroupReport, generated: Generated, expectedFlows: ReadonlyMap<string, number>, records: number): Verdict {
  const sorted = (values: Iterable<string>): string => [...values].sort().join(',');
  const prefixListRules = new Set(prefixListRuleIds(generated.truth));
  const observed = new Map(result.rules.filter((rule) => rule.flows > 0).map((rule) => [rule.ruleId, rule.flows]));
  const expected = [...expectedFlows].filter(([ruleId]) => !prefixListRules.has(ruleId));
  return {
    unused: sorted(result.unused.flatMap((group) => group.rules.map((rule) => rule.ruleId))) === sorted(generated.truth.unusedRuleIds),
    overBroad: sorted(result.overBroad.map((rule) => rule.ruleId)) === sorted(generated.truth.overBroadRuleIds),
    perRuleFlows: expected.length === observed.size && expected.every(([ruleId, flows]) => observed.get(ruleId) === flows),
    records: result.totals.records === records,
  };
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'NO');

const benchmark: Benchmark = {
  name: 'report command (built): a million ground-truth records, time and peak memory',
  async run() {
    const cli = builtBundle('dist/cli/main.js');
    const directory = await mkdtemp(join(tmpdir(), 'report-bench-'));
    try {
      const large = join(directory, 'flows-large.log');
      const small = join(directory, 'flows-small.log');
      const inventory = join(directory, 'inventory');
      const generationStarted = performance.now();
      const generated = await generateFiles(large, small);
      const generationMs = performance.now() - generationStarted;
      writeGroundTruthInventory(generated.truth, inventory);

      const reportOf = (file: string): Promise<ChildRun> => runChild([cli, 'report', file, '--inventory', inventory, '--format', 'json', '--min-window', '0']);
      const baselineOf = (file: string): Promise<ChildRun> => runChild(['--input-type=module', '-e', BASELINE_SCRIPT, file]);
      // Small before large, baseline before report: the same order every run.
      const baselineSmall = await baselineOf(small);
      const reportSmall = await reportOf(small);
      const baselineLarge = await baselineOf(large);
      const reportLarge = await reportOf(large);
      for (const run of [reportSmall, reportLarge]) if (run.exitCode !== 0) throw new Error(`report exited ${run.exitCode}`);

      const verdictSmall = judge(JSON.parse(reportSmall.stdout) as SecurityGroupReport, generated, generated.expectedFlowsSmall, SMALL_RECORDS);
      const largeReport = JSON.parse(reportLarge.stdout) as SecurityGroupReport;
      const verdictLarge = judge(largeReport, generated, generated.expectedFlows, RECORDS);
      const perSecond = (records: number, ms: number): number => Math.round((records * 1000) / ms);
      report({
        records: RECORDS,
        'file size, MiB': statSync(large).size / 1024 / 1024,
        'interfaces / rules in the inventory': `${generated.truth.interfaces.length} / ${generated.truth.rules.length}`,
        'generating the records (not measured below), s': generationMs / 1000,
        [`baseline (read lines, JSON.stringify fields), ${RECORDS.toLocaleString('en-US')} records, s`]: baselineLarge.wallMs / 1000,
        [`report --format json, ${RECORDS.toLocaleString('en-US')} records, s`]: reportLarge.wallMs / 1000,
        'report records/s': perSecond(RECORDS, reportLarge.wallMs),
        'report ratio to baseline (wall time)': reportLarge.wallMs / baselineLarge.wallMs,
        [`report peak RSS, ${RECORDS.toLocaleString('en-US')} records, MiB`]: reportLarge.peakRssMiB,
        [`report peak RSS, ${SMALL_RECORDS.toLocaleString('en-US')} records, MiB`]: reportSmall.peakRssMiB,
        [`report peak RSS ratio ${RECORDS / SMALL_RECORDS}x records`]: reportLarge.peakRssMiB / reportSmall.peakRssMiB,
        'baseline peak RSS, MiB': baselineLarge.peakRssMiB,
        [`report ${SMALL_RECORDS.toLocaleString('en-US')} records, s (baseline s)`]: `${(reportSmall.wallMs / 1000).toFixed(2)} (${(baselineSmall.wallMs / 1000).toFixed(2)})`,
        'ground truth: unused rules': `${generated.truth.unusedRuleIds.size} expected, equal: ${yesNo(verdictLarge.unused && verdictSmall.unused)}`,
        'ground truth: over-broad rules': `${generated.truth.overBroadRuleIds.size} expected, equal: ${yesNo(verdictLarge.overBroad && verdictSmall.overBroad)}`,
        'ground truth: flows of every rule (prefix-list rules not judged)': `equal: ${yesNo(verdictLarge.perRuleFlows && verdictSmall.perRuleFlows)}`,
        'records counted': `${largeReport.totals.records.toLocaleString('en-US')}, equal: ${yesNo(verdictLarge.records && verdictSmall.records)}`,
        'distinct peers exact at 1M': largeReport.rules.every((rule) => rule.distinctPeers.exact) ? 'all rules' : 'some rules estimated (HyperLogLog past 1,024)',
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
};
export default benchmark;
