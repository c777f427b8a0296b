// `npm start`: `vpc-flow-log-appender pipeline --sample` as a user runs it (a child process through
// tsx, as the npm script does, so start-up and TypeScript loading are counted), against a
// same-run baseline child that only starts Node.js with tsx and loads the CLI (`--version`): the
// ratio says what the pipeline itself costs over start-up. The README's "npm start" figure is the
// median wall time printed here.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, report } from './measure.js';
import type { Benchmark } from './run.js';

const RUNS = 5;
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function timeChild(args: readonly string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const elapsed = performance.now() - started;
  if (child.status !== 0) throw new Error(`vpc-flow-log-appender ${args.join(' ')} exited ${child.status ?? child.signal}`);
  return elapsed;
}

const benchmark: Benchmark = {
  name: 'npm start (pipeline --sample, child process through tsx)',
  async run() {
    const out = await mkdtemp(join(tmpdir(), 'pipeline-bench-'));
    try {
      const baseline: number[] = [];
      const subject: number[] = [];
      // Interleaved, so a busy moment of the machine weighs on both alike.
      for (let run = 0; run < RUNS; run += 1) {
        baseline.push(timeChild(['--version']));
        subject.push(timeChild(['pipeline', '--sample', '--out', out]));
      }
      const startUp = median(baseline);
      const start = median(subject);
      report({
        'npm start, median wall time (s)': (start / 1000).toFixed(2),
        'start-up only (--version), median (s)': (startUp / 1000).toFixed(2),
        'ratio npm start / start-up': (start / startUp).toFixed(2),
        runs: RUNS,
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
};

export default benchmark;
