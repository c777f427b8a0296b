// The template checked by the real tools a user runs: `sam validate --lint` (samconfig.toml turns
// the lint on) and cfn-lint with its informational checks, from the integration tier's venv.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, pythonTool, pythonToolEnvironment } from '../support/python-tools.js';

const TOOL_TIMEOUT_MS = 240_000;

describe('template.yaml with the SAM CLI and cfn-lint', () => {
  it('passes `sam validate --lint` with no finding', () => {
    // Act
    const run = spawnSync(pythonTool('sam'), ['validate', '--lint', '--template-file', 'template.yaml'], {
      cwd: PROJECT_ROOT,
      env: pythonToolEnvironment(),
      encoding: 'utf8',
      timeout: TOOL_TIMEOUT_MS,
    });

    // Assess
    const output = `${run.stdout}${run.stderr}`;
    expect(output).not.toMatch(/\[\[|Linting failed|Error:/);
    expect(run.status, output).toBe(0);
    expect(output).toContain('is a valid SAM Template');
  }, TOOL_TIMEOUT_MS);

  it.each([
    ['template.yaml', 'informational checks too (I3011: every stateful resource says what deletion does)'],
    ['templates/member-lookup-role.yaml', "the member accounts' look-up role template, informational checks too"],
    ['templates/member-flow-log-delivery.yaml', "the member accounts' cross-account Firehose delivery template, informational checks too"],
  ])('passes cfn-lint on %s: %s', (template) => {
    // Act
    const run = spawnSync(pythonTool('cfn-lint'), ['--include-checks', 'I', '--', template], {
      cwd: PROJECT_ROOT,
      env: pythonToolEnvironment(),
      encoding: 'utf8',
      timeout: TOOL_TIMEOUT_MS,
    });

    // Assess
    expect(`${run.stdout}${run.stderr}`).toBe('');
    expect(run.status).toBe(0);
  }, TOOL_TIMEOUT_MS);

  it('still sees the findings it is there to catch (a flow-mapping label split by its comma is E4001)', () => {
    // Prepare: the label as it once was.
    const directory = mkdtempSync(join(tmpdir(), 'cfn-lint-probe-'));
    const probe = join(directory, 'template.yaml');
    const template = readFileSync(join(PROJECT_ROOT, 'template.yaml'), 'utf8').replace("default: 'Alerts, Logs Insights and Athena'", 'default: Alerts, Logs Insights and Athena');
    expect(template).toContain('{ default: Alerts, Logs Insights and Athena }');
    writeFileSync(probe, template);

    try {
      // Act
      const run = spawnSync(pythonTool('cfn-lint'), ['--', probe], { env: pythonToolEnvironment(), encoding: 'utf8', timeout: TOOL_TIMEOUT_MS });

      // Assess
      expect(run.stdout).toContain('E4001');
      expect(run.status).not.toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, TOOL_TIMEOUT_MS);
});
