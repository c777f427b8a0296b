#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { ExitCode, type CliIo } from './cli-io.js';
import { PROGRAM, runCommandTable, type CommandDefinition, type CommandTable, type OptionTable } from './command.js';
import { enrichCommand } from './enrich-command.js';
import { invokeCommand } from './invoke-command.js';
import { openSearchCommands } from './opensearch-command.js';
import { pipelineCommand } from './pipeline-command.js';
import { reportCommand } from './report-command.js';
import { snapshotCommand } from './snapshot-command.js';
import { PACKAGE_VERSION } from './version.js';

/** Every command, in the order the usage lists them. */
export const COMMANDS: readonly CommandDefinition<OptionTable, unknown>[] = [
  enrichCommand,
  invokeCommand,
  ...openSearchCommands(),
  snapshotCommand,
  pipelineCommand,
  reportCommand,
] as readonly CommandDefinition<OptionTable, unknown>[];

/** The main usage, listed from the command table. */
export const MAIN_USAGE = `Usage: ${PROGRAM} <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(20)}${command.summary}`).join('\n')}

Run "${PROGRAM} <command> --help" for a command's options, "${PROGRAM} --version" for the version.

Exit status: 0 success; 1 failure (bad input, a refused AWS call, a failed write); 2 a command-line error.`;

const TABLE: CommandTable = { usage: MAIN_USAGE, version: PACKAGE_VERSION, commands: COMMANDS };

/**
 * Runs the command line and returns the exit status; never calls process.exit itself, so tests
 * run it in-process with their own streams.
 *
 * @example const status = await runCli(['enrich', 'flow-logs.log'], { stdin, stdout, stderr });
 */
export function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runCommandTable(TABLE, argv, io);
}

function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (invoked === undefined) return false;
  try {
    return realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // The SDK warns on every command under Node 20 that its releases after January 2027 will need
  // Node 22. The versions package-lock.json pins run on 20.19+, which the CLI supports (the
  // Lambda functions run nodejs24.x); the README says so once instead. Set it to "false" to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    if (error.code === 'EPIPE') process.exit(ExitCode.Success);
    throw error;
  });
  runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vpc-flow-log-appender: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
