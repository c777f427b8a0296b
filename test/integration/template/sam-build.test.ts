// `sam build` as a user runs it after cloning: the project's tracked files in a new folder, the
// dependencies `npm ci` installs (linked from this checkout rather than downloaded again), and the
// SAM CLI with samconfig.toml (makefile build method, built in the source, no copy of the project).
// Every function's artifacts must exist, be the ESM packages Lambda runs, and load.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, pythonTool, pythonToolEnvironment } from '../support/python-tools.js';

const BUILD_TIMEOUT_MS = 600_000;
const FUNCTIONS = ['IngestorFunction', 'DecoratorFunction', 'ReporterFunction'] as const;

const clone = mkdtempSync(join(tmpdir(), 'sam-build-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

/** The files a clone of this checkout would hold (tracked files, as they are in the work tree). */
function copyTrackedFiles(target: string): number {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout.split('\0').filter((file) => file !== '' && existsSync(join(PROJECT_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(target, file));
  }
  return files.length;
}

describe('sam build from a fresh clone', () => {
  it('builds every function into a new build folder, as ESM bundles that load with their variables', () => {
    // Prepare
    expect(copyTrackedFiles(clone)).toBeGreaterThan(50);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const buildDir = join(clone, 'build-output');

    // Act
    const build = spawnSync(pythonTool('sam'), ['build', '--build-dir', buildDir], {
      cwd: clone,
      env: pythonToolEnvironment({ PATH: `${dirname(process.execPath)}:${pythonToolEnvironment()['PATH'] ?? ''}` }),
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });

    // Assess
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(build.stdout).toContain('Build Succeeded');
    const variables = JSON.parse(readFileSync(join(clone, 'events/env.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const logicalId of FUNCTIONS) {
      const artifact = join(buildDir, logicalId);
      // The function's package only: no node_modules, no sources, no source map.
      expect(readdirSync(artifact).sort(), logicalId).toEqual(['index.js', 'index.js.LEGAL.txt', 'package.json']);
      expect(JSON.parse(readFileSync(join(artifact, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
      const load = spawnSync(process.execPath, ['--input-type=module', '-e', 'const m = await import(process.argv[1]); console.log(typeof m.handler);', join(artifact, 'index.js')], {
        env: { ...pythonToolEnvironment(), ...variables[logicalId] },
        encoding: 'utf8',
      });
      expect(load.stdout.trim(), `${logicalId}: ${load.stderr}`).toBe('function');
    }
    // The clone itself is left as cloned: the build wrote only into the build folder.
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    expect(existsSync(join(clone, '.aws-sam'))).toBe(false);
  }, BUILD_TIMEOUT_MS);
});
