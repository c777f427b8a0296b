import { parseArgs } from 'node:util';
import { createFlowLogLineParser, parseFormatString, splitRecordText, type FlowLogFormat } from '../flow-log/index.js';
import { createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { openInput, readLines } from './read-lines.js';

export const ENRICH_USAGE = `Usage: vpc-flow-log-appender enrich [FILE...] [options]

Reads VPC Flow Logs records from each FILE (plain text or gzip, detected from the content; "-" or
no FILE reads standard input) and writes one JSON document per record to standard output (NDJSON).

Accepted lines: records in the default format or the --format given; S3 header lines (they set the
format for the rest of their file); {"message":"..."} wrappers as delivered to Firehose.
Every bad line is reported on standard error as FILE:LINE: reason, and processing continues.

Options:
  --format "<format>"   The LogFormat of the records, e.g. "\${version} \${srcaddr} \${dstaddr}".
                        Default: the default format. A header line in a file overrides it.
  -h, --help            Show this help.

Exit status: 0 when every line was a record, header or blank; 1 when any line was bad; 2 on a
command-line error.`;

export interface EnrichOptions {
  readonly files: readonly string[];
  readonly format?: FlowLogFormat;
}

/**
 * Reads the arguments of `enrich`; a mistake throws a UsageError carrying the enrich usage.
 *
 * @example parseEnrichArguments(['--format', '${srcaddr} ${dstaddr}', 'a.log']) // { files: ['a.log'], format: {...} }
 */
export function parseEnrichArguments(args: readonly string[]): EnrichOptions | 'help' {
  let parsed: { values: { format?: string | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code.
    throw new UsageError(error instanceof Error ? error.message : String(error), ENRICH_USAGE, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    return 'help';
  }
  let format: FlowLogFormat | undefined;
  if (values.format !== undefined) {
    const result = parseFormatString(values.format);
    if (!result.ok) {
      throw new UsageError(`--format: ${result.error.message}`, ENRICH_USAGE);
    }
    format = result.value;
  }
  return { files: positionals.length === 0 ? ['-'] : positionals, ...(format === undefined ? {} : { format }) };
}

/**
 * Parses every file in turn into NDJSON on stdout, reporting each bad line on stderr as
 * `FILE:LINE: reason` and carrying on; returns 1 when any line (or file) was bad, else 0.
 *
 * @example await runEnrich({ files: ['flow-logs.log.gz'] }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runEnrich(options: EnrichOptions, io: CliIo): Promise<ExitCode> {
  const out = createBufferedWriter(io.stdout);
  const errors = createBufferedWriter(io.stderr);
  let badLines = 0;
  for (const file of options.files) {
    const displayName = file === '-' ? '<stdin>' : file;
    const parser = createFlowLogLineParser(options.format === undefined ? {} : { format: options.format });
    let lineNumber = 0;
    try {
      for await (const rawLine of readLines(openInput(file, io.stdin))) {
        lineNumber += 1;
        for (const line of splitRecordText(rawLine)) {
          const outcome = parser.parse(line);
          if (outcome.kind === 'flow') {
            await out.write(`${JSON.stringify(outcome.document)}\n`);
          } else if (outcome.kind === 'invalid') {
            badLines += 1;
            await errors.write(`${displayName}:${lineNumber}: ${outcome.error.message}\n`);
          }
        }
      }
    } catch (error) {
      badLines += 1;
      await errors.write(`${displayName}: ${describeReadError(error)}\n`);
    }
  }
  await out.flush();
  await errors.flush();
  return badLines > 0 ? ExitCode.BadInput : ExitCode.Success;
}

function describeReadError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EISDIR') return 'is a directory';
    if (error.code === 'Z_DATA_ERROR' || error.code === 'Z_BUF_ERROR') return `not valid gzip (${error.message})`;
  }
  return error instanceof Error ? error.message : String(error);
}
