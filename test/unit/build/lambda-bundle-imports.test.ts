import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Packages only the CLI may load: a Lambda function never needs them and pays for them at every cold start. */
const CLI_ONLY_PACKAGES = ['@aws-sdk/client-organizations'];

describe('the Lambda bundles', () => {
  it('leave out the packages only the CLI uses (--accounts organization)', async () => {
    // As scripts/build.mjs bundles them, nothing written: only which inputs each bundle takes in.
    const result = await build({
      entryPoints: ['ingestor/index.ts', 'decorator/index.ts', 'reporter/index.ts', 'src/cli/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      outdir: 'out/bundle-imports',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputsOf = (entry: string): string[] => {
      const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint === entry);
      return Object.keys(output?.inputs ?? {});
    };
    const usesPackage = (inputs: readonly string[], name: string): boolean => inputs.some((input) => input.includes(`node_modules/${name}/`));

    for (const entry of ['ingestor/index.ts', 'decorator/index.ts', 'reporter/index.ts']) {
      const inputs = inputsOf(entry);
      expect(inputs.length, entry).toBeGreaterThan(0);
      for (const name of CLI_ONLY_PACKAGES) expect(usesPackage(inputs, name), `${entry} takes in ${name}`).toBe(false);
    }
    // The check can see the package where it is used.
    for (const name of CLI_ONLY_PACKAGES) expect(usesPackage(inputsOf('src/cli/main.ts'), name)).toBe(true);
  }, 60_000);
});
