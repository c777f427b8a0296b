// Where the integration tier's Python tools live: the venv scripts/integration/install-python-tools.sh
// makes from scripts/integration/requirements.txt. A missing tool fails the test that needs it, with
// the command that installs it; nothing here skips.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS_DIR } from './tools.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The venv's bin folder, in the tools directory beside the other prerequisites. */
export const PYTHON_TOOLS_BIN = join(TOOLS_DIR, 'python', 'bin');

export const INSTALL_PYTHON_TOOLS_COMMAND = 'bash scripts/integration/install-python-tools.sh';

/** The tools the integration tier runs from the venv. */
export type PythonTool = 'sam' | 'cfn-lint' | 'moto_server' | 'python' | 'aws';

/**
 * Absolute path of a tool in the venv, or an error that says how to install it.
 *
 * @example pythonTool('sam') // '~/.cache/vpc-flow-log-appender/integration/python/bin/sam'
 */
export function pythonTool(name: PythonTool): string {
  const path = join(PYTHON_TOOLS_BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed at ${path}: run \`${INSTALL_PYTHON_TOOLS_COMMAND}\` (or \`npm run test:integration\`'s prerequisites script) first`);
  }
  return path;
}

/** Environment for the tools: no telemetry, no real account or Region, nothing from the developer's profile. */
export function pythonToolEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${PYTHON_TOOLS_BIN}:${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? '/tmp',
    SAM_CLI_TELEMETRY: '0',
    AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret-not-real',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}
