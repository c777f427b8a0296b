import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Median milliseconds of one run. */
  readonly medianMs: number;
  readonly runs: number;
}

/**
 * Times `work` after warm-up and returns the median of `runs` runs, so a single GC pause or a
 * busy neighbour does not decide the figure.
 */
export async function measure(work: () => unknown, { warmUp = 3, runs = 9 }: { warmUp?: number; runs?: number } = {}): Promise<Timing> {
  for (let index = 0; index < warmUp; index += 1) await work();
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return { medianMs: median(samples), runs };
}

/** The middle value (the upper one of an even count), NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Medians of a baseline and a subject timed in alternation, and of their per-round ratio with its spread. */
export interface Interleaved {
  readonly baselineMs: number;
  readonly subjectMs: number;
  /** Median of subject / baseline over the rounds: what a benchmark's target is checked against. */
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
}

/**
 * Times the baseline and the subject in alternation, round by round after `warmUp` rounds, so a
 * neighbour that loads the machine for a while slows both sides of a ratio rather than one.
 */
export async function measureInterleaved(
  baseline: () => unknown,
  subject: () => unknown,
  { warmUp, rounds }: { warmUp: number; rounds: number },
): Promise<Interleaved> {
  const baselineSamples: number[] = [];
  const subjectSamples: number[] = [];
  for (let round = 0; round < warmUp + rounds; round += 1) {
    let started = performance.now();
    await baseline();
    const baselineMs = performance.now() - started;
    started = performance.now();
    await subject();
    const subjectMs = performance.now() - started;
    if (round >= warmUp) {
      baselineSamples.push(baselineMs);
      subjectSamples.push(subjectMs);
    }
  }
  const ratios = subjectSamples.map((subjectMs, index) => subjectMs / (baselineSamples[index] as number));
  return {
    baselineMs: median(baselineSamples),
    subjectMs: median(subjectSamples),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
}

/** `name: value` lines, aligned, for the closing notes. */
export function report(rows: Readonly<Record<string, string | number>>): void {
  const width = Math.max(...Object.keys(rows).map((key) => key.length));
  for (const [key, value] of Object.entries(rows)) {
    console.log(`  ${key.padEnd(width)}  ${typeof value === 'number' ? formatNumber(value) : value}`);
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Runs `work` with stdout and stderr (a handler's logs and EMF) counted in lines, not printed. */
export async function quietly<T>(work: () => Promise<T>): Promise<{ result: T; lines: number }> {
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  let lines = 0;
  const count = (chunk: string | Uint8Array): boolean => {
    lines += String(chunk).split('\n').filter((line) => line.trim() !== '').length;
    return true;
  };
  process.stdout.write = count;
  process.stderr.write = count;
  try {
    return { result: await work(), lines };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** The path of a bundle `npm run build` made (`npm run bench` builds first). */
export function builtBundle(relativePath: string): string {
  const path = fileURLToPath(new URL(`../${relativePath}`, import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`${relativePath} is missing: run "npm run build" first (npm run bench does)`);
  }
  return path;
}

/**
 * Deterministic pseudo-random numbers in [0, 1), so every run measures the same input. Kept apart
 * from src/seeded-random.ts on purpose: the benchmarks' inputs, and so their figures, stay those
 * the closing notes report (a different generator shifts the decorator's ratio by about 0.1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
