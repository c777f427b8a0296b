// Runs every bench/*.bench.ts in turn (or those named on the command line). Each benchmark
// measures its own baseline in the same run and prints a ratio against it: absolute numbers
// vary from machine to machine, ratios much less.
//
// A benchmark that declares `nodeOptions` (the V8 flags its Lambda runs with, from template.yaml)
// runs in a child Node.js process started with them, baseline and subject alike: flags such as the
// young generation's size are fixed when the heap is set up, so they cannot be switched on here.
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export interface Benchmark {
  readonly name: string;
  /** Node.js options the measured code runs with in production (NODE_OPTIONS), if any. */
  readonly nodeOptions?: readonly string[];
  run(): Promise<void>;
}

/** Set in a child started for a benchmark's nodeOptions: run it here, whatever it declares. */
const CHILD_MARKER = 'VPC_FLOW_LOG_APPENDER_BENCH_CHILD';

const here = dirname(fileURLToPath(import.meta.url));
const selected = process.argv.slice(2);
const files = (await readdir(here)).filter((file) => file.endsWith('.bench.ts')).sort();
for (const file of files) {
  if (selected.length > 0 && !selected.some((name) => file.includes(name))) continue;
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark };
  const { nodeOptions = [] } = module.default;
  if (nodeOptions.length > 0 && process.env[CHILD_MARKER] === undefined) {
    console.log(`\n## ${module.default.name} (${file}; node ${nodeOptions.join(' ')}, as deployed)`);
    const child = spawnSync(process.execPath, [...nodeOptions, '--import', 'tsx', fileURLToPath(import.meta.url), file], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, [CHILD_MARKER]: '1' },
    });
    if (child.status !== 0) throw new Error(`${file} failed in its child process (exit ${child.status ?? child.signal})`);
    continue;
  }
  if (process.env[CHILD_MARKER] === undefined) console.log(`\n## ${module.default.name} (${file})`);
  await module.default.run();
}
