#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { ExitCode, UsageError, type CliIo } from './cli-io.js';
import { ENRICH_USAGE, parseEnrichArguments, runEnrich } from './enrich-command.js';
import { runOpenSearchCommand } from './opensearch-command.js';
import { INVOKE_USAGE, parseInvokeArguments, runInvoke } from './invoke-command.js';
import { SNAPSHOT_USAGE, parseSnapshotArguments, runSnapshot } from './snapshot-command.js';
import { parsePipelineArguments, PIPELINE_USAGE, runPipeline } from './pipeline-command.js';
import { parseReportArguments, REPORT_USAGE, runReport } from './report-command.js';

export const MAIN_USAGE = `Usage: vpc-flow-log-appender <command> [options]

Commands:
  enrich [FILE...]   Turn VPC Flow Logs records into JSON documents (NDJSON on stdout).
  invoke FN EVENT    Run the built ingestor or decorator handler on an event, like sam local invoke.
  opensearch setup   Install the index template, retention policy and dashboards (also: export, proxy).
  snapshot --out DIR Save the account's interfaces, security groups and rules for enrich --inventory.
  pipeline           Run the whole pipeline locally on the bundled sample or saved events (npm start).
  report [INPUT...]  Security-group report: rule usage, unused and over-broad rules, exposure (md, json, html).

Run "vpc-flow-log-appender <command> --help" for a command's options.`;

/**
 * Runs the command line and returns the exit status; never calls process.exit itself, so tests
 * run it in-process with their own streams.
 *
 * @example const status = await runCli(['enrich', 'flow-logs.log'], { stdin, stdout, stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'enrich': {
        const options = parseEnrichArguments(args);
        if (options === 'help') {
          io.stdout.write(`${ENRICH_USAGE}\n`);
          return ExitCode.Success;
        }
        return await runEnrich(options, io);
      }
      case 'invoke': {
        const options = parseInvokeArguments(args);
        if (options === 'help') {
          io.stdout.write(`${INVOKE_USAGE}\n`);
          return ExitCode.Success;
        }
        return await runInvoke(options, io);
      }
      case 'opensearch':
        return await runOpenSearchCommand(args, io);
      case 'snapshot': {
        const options = parseSnapshotArguments(args);
        if (options === 'help') {
          io.stdout.write(`${SNAPSHOT_USAGE}\n`);
          return ExitCode.Success;
        }
        return await runSnapshot(options, io);
      }
      case 'report': {
        const options = parseReportArguments(args);
        if (options === 'help') {
          io.stdout.write(`${REPORT_USAGE}\n`);
          return ExitCode.Success;
        }
        return await runReport(options, io);
      }
      case 'pipeline': {
        const options = parsePipelineArguments(args);
        if (options === 'help') {
          io.stdout.write(`${PIPELINE_USAGE}\n`);
          return ExitCode.Success;
        }
        return await runPipeline(options, io);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(`${MAIN_USAGE}\n`);
        return command === undefined ? ExitCode.Usage : ExitCode.Success;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`vpc-flow-log-appender: ${error.message}\n\n${error.usage ?? MAIN_USAGE}\n`);
      return ExitCode.Usage;
    }
    // A command that lets parseArgs' own errors through still gets a usage error, not a crash.
    if (isParseArgsError(error)) {
      io.stderr.write(`vpc-flow-log-appender: ${error.message}\n\n${MAIN_USAGE}\n`);
      return ExitCode.Usage;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS');
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
