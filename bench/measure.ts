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
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] ?? Number.NaN, runs };
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
