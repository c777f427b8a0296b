import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, MAIN_USAGE } from '../../../src/cli/main.js';
import { PACKAGE_VERSION } from '../../../src/cli/version.js';
import { runCliWith } from './cli-harness.js';

describe('runCli', () => {
  it('prints the usage on stderr and exits 2 without a command', async () => {
    const run = await runCliWith([]);

    expect(run).toStrictEqual({ status: 2, stdout: '', stderr: `${MAIN_USAGE}\n` });
  });

  it('lists every command of the table in the usage', () => {
    for (const command of COMMANDS) expect(MAIN_USAGE).toContain(`  ${command.name} `);
  });

  it.each(['--version', '-v'])('prints the package version for %s and exits 0', async (argument) => {
    const run = await runCliWith([argument]);

    expect(run).toStrictEqual({ status: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['--help', '-h', 'help'])('prints the usage and exits 0 for %s', async (argument) => {
    const run = await runCliWith([argument]);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${MAIN_USAGE}\n`);
  });

  it('exits 2 for an unknown command, naming it', async () => {
    const run = await runCliWith(['decorate']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "decorate"');
    expect(run.stderr).toContain(MAIN_USAGE);
  });
});

describe('npm run cli', () => {
  it('runs enrich from a checkout on the bundled sample and exits 0', async () => {
    // Prepare: the command a user types, through npm and tsx, as a child process.
    const run = promisify(execFile);

    // Act
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'cli', '--', 'enrich', 'events/sample/flow-logs.log'], { maxBuffer: 64 * 1024 * 1024 });

    // Assess
    expect(stderr.replace(/^npm warn .*\n/gm, '')).toBe('');
    expect(stdout.split('\n').filter((line) => line !== '').length).toBeGreaterThan(1000);
  });
});
