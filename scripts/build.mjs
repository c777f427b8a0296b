// Bundles each Lambda entry point and the CLI into dist/ with esbuild: one file each, AWS SDK
// included (AWS recommends bundling it rather than relying on the runtime's copy).
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

/** Lambda functions: dist/<name>/index.js exporting `handler`. */
const FUNCTIONS = ['ingestor', 'decorator', 'reporter'];

// `--outdir DIR` builds elsewhere than dist/ (the invoke wire test builds into a directory of its
// own, so a concurrent `npm run build` cannot remove the bundles it runs).
const outdirFlag = process.argv.indexOf('--outdir');
const OUT_DIR = outdirFlag >= 0 ? process.argv[outdirFlag + 1] : 'dist';
if (OUT_DIR === undefined || OUT_DIR === '') throw new Error('--outdir needs a directory');

// `--function NAME` bundles that one Lambda function, flat into the output directory (index.js, its
// package.json and licence notices, no source map): what `sam build` runs for each function
// (Makefile), straight into SAM's artifact directory, from the sources, with nothing else built.
const functionFlag = process.argv.indexOf('--function');
const ONLY_FUNCTION = functionFlag >= 0 ? process.argv[functionFlag + 1] : undefined;
if (functionFlag >= 0 && !FUNCTIONS.includes(ONLY_FUNCTION ?? '')) throw new Error(`--function needs one of ${FUNCTIONS.join(', ')}`);

// Some dependencies are CommonJS and call require(); ESM bundles need it defined.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_SHIM },
  logLevel: 'warning',
  metafile: true,
};

if (ONLY_FUNCTION !== undefined) {
  const outfile = `${OUT_DIR}/index.js`;
  await build({ ...common, metafile: false, entryPoints: [`${ONLY_FUNCTION}/index.ts`], outfile });
  await writeFile(`${OUT_DIR}/package.json`, '{ "type": "module" }\n');
  // The same bytes as dist/<function>/index.js (its sourceMappingURL comment included); the map
  // itself stays out of the deployment package: nothing at run time reads it.
  await rm(`${outfile}.map`, { force: true });
  process.exit(0);
}

await rm(OUT_DIR, { recursive: true, force: true });
const outputs = [];
for (const name of FUNCTIONS) {
  const entry = `${name}/index.ts`;
  if (!existsSync(entry)) {
    throw new Error(`missing Lambda entry point ${entry}`);
  }
  const result = await build({ ...common, entryPoints: [entry], outfile: `${OUT_DIR}/${name}/index.js` });
  // Marks the bundle as ESM for the Lambda runtime, which reads the nearest package.json.
  await writeFile(`${OUT_DIR}/${name}/package.json`, '{ "type": "module" }\n');
  outputs.push(result.metafile);
}
await mkdir(`${OUT_DIR}/cli`, { recursive: true });
const cli = await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: `${OUT_DIR}/cli/main.js` });
outputs.push(cli.metafile);

for (const metafile of outputs) {
  for (const [file, info] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file.padEnd(28)} ${(info.bytes / 1024).toFixed(1)} KiB`);
  }
}
