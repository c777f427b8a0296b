// Runs every bench/*.bench.ts in turn (or those named on the command line). Each benchmark
// measures its own baseline in the same run and prints a ratio against it: absolute numbers
// vary from machine to machine, ratios much less.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export interface Benchmark {
  readonly name: string;
  run(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const selected = process.argv.slice(2);
const files = (await readdir(here)).filter((file) => file.endsWith('.bench.ts')).sort();
for (const file of files) {
  if (selected.length > 0 && !selected.some((name) => file.includes(name))) continue;
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark };
  console.log(`\n## ${module.default.name} (${file})`);
  await module.default.run();
}
