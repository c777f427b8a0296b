import type { Readable } from 'node:stream';
import { createFlowLogLineParser, splitRecordText, type FlowLogDocument, type FlowLogFormat } from '../flow-log/index.js';
import { createBufferedWriter } from './cli-io.js';
import { splitConcatenatedJsonObjects } from './concatenated-json.js';
import { subscriptionMessagesOf } from './subscription-lines.js';
import { openInputSources, type InputSourceOptions, type LineSource } from './input-sources.js';
import { createProgressBar, type MaybeTerminal } from './progress-bar.js';
import { OutputFailure } from './errors.js';
import { MAX_LINE_BYTES, OversizedLine } from '../adapters/read-lines.js';

/**
 * Bad lines reported one by one per input; the rest are counted in one closing line, so a binary
 * file or a wrong --log-format says what is wrong in a screenful instead of thousands of lines.
 */
export const MAX_REPORTED_BAD_LINES_PER_INPUT = 10;

/** A buffered text sink for messages: write as they come, flush once at the end. */
export interface MessageWriter {
  write(text: string): Promise<void>;
  flush(): Promise<void>;
}

/** ANSI carriage return and "erase entire line": what a message needs in front while a progress bar owns the line. */
const ERASE_LINE = '\r\u001b[2K';

/**
 * The writer for a command's messages on stderr. On a terminal the progress bar owns the last
 * line, so every message first erases it (the bar redraws after); elsewhere messages go as they are.
 *
 * @example const errors = createMessageWriter(process.stderr); await errors.write('a.log:3: bad line\n'); await errors.flush();
 */
export function createMessageWriter(stderr: MaybeTerminal): MessageWriter {
  const writer = createBufferedWriter(stderr);
  return stderr.isTTY === true ? prefixedWriter(writer, ERASE_LINE) : writer;
}

/** Every message through `writer` starts with `prefix`. */
export function prefixedWriter(writer: MessageWriter, prefix: string): MessageWriter {
  return { write: (text) => writer.write(`${prefix}${text}`), flush: () => writer.flush() };
}

export interface FlowLogInputRequest {
  /** Local paths, `-` and `s3://bucket/prefix` URLs, read in order. */
  readonly inputs: readonly string[];
  /** The LogFormat of raw records; a header line in an input overrides it for that input. */
  readonly format?: FlowLogFormat;
  /** Shown in front of the progress bar: the command's name. */
  readonly label: string;
  readonly s3?: InputSourceOptions['s3'];
}

export interface FlowLogInputHandlers {
  /**
   * Sees every line first; answering true means it took the line (say, an already-enriched JSON
   * document) and the line is not parsed as records. Absent: every line is parsed.
   */
  readonly line?: (line: string) => Promise<boolean>;
  /** Each record parsed, in input order. */
  readonly record: (document: FlowLogDocument) => Promise<void>;
}

/**
 * Reads every input line by line into flow-log records, as `enrich` and `report` do: a fresh
 * parser per input (a header line sets the format for the rest of its input), `{"message"}`
 * wrappers and records split, each bad line reported through `errors` as `INPUT:LINE: reason`,
 * an input that cannot be read as `INPUT: reason`, and the rest carries on. A handler or the
 * error writer failing (a closed pipe, a full disk) is no input's fault: it stops the run and is
 * thrown as it is. When stderr is a
 * terminal, every S3 prefix is listed first (for the total) and a progress bar shows the bytes read.
 *
 * @example
 * const { badLines } = await readFlowLogInputs({ inputs: ['a.log.gz'], label: 'report' }, io, errors, { record: async (document) => builder.add(document) });
 */
export async function readFlowLogInputs(
  request: FlowLogInputRequest,
  io: { readonly stdin: Readable; readonly stderr: MaybeTerminal },
  errors: MessageWriter,
  handlers: FlowLogInputHandlers,
): Promise<{ readonly badLines: number }> {
  const terminal = io.stderr.isTTY === true;
  const inputs = openInputSources(request.inputs, { stdin: io.stdin, ...(request.s3 === undefined ? {} : { s3: request.s3 }) });
  const listed = terminal ? await collect(inputs) : undefined;
  const total = listed === undefined ? undefined : totalSizeOf(listed);
  const progress = createProgressBar(io.stderr, { unit: 'bytes', label: request.label, ...(total === undefined ? {} : { total }) });
  let bytesRead = 0;
  const onBytes = (byteCount: number): void => {
    bytesRead += byteCount;
    progress.update(bytesRead);
  };
  let badLines = 0;
  if (request.inputs.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    // Otherwise a command run without a file waits on the terminal in silence.
    await errors.write(`${request.label}: reading flow-log records from standard input (end with Ctrl-D); name a FILE or s3:// URL to read those instead\n`);
  }
  for await (const source of listed ?? inputs) {
    const parser = createFlowLogLineParser(request.format === undefined ? {} : { format: request.format });
    let lineNumber = 0;
    let badLinesHere = 0;
    const reportBadLine = async (reason: string): Promise<void> => {
      badLines += 1;
      badLinesHere += 1;
      if (badLinesHere <= MAX_REPORTED_BAD_LINES_PER_INPUT) await errors.write(`${source.name}:${lineNumber}: ${reason}\n`);
    };
    try {
      for await (const rawLine of source.lines(terminal ? { onBytes } : {})) {
        lineNumber += 1;
        try {
          if (rawLine instanceof OversizedLine) {
            await reportBadLine(`line longer than ${MAX_LINE_BYTES} bytes (${rawLine.bytes} bytes), skipped: no flow-log record or document is that long`);
            continue;
          }
          for (const text of splitConcatenatedJsonObjects(rawLine)) {
            const subscription = subscriptionMessagesOf(text);
            if (subscription !== undefined && !subscription.ok) {
              await reportBadLine(subscription.error);
              continue;
            }
            if (subscription === undefined && handlers.line !== undefined && (await handlers.line(text))) continue;
            for (const line of subscription?.value ?? splitRecordText(text)) {
              const outcome = parser.parse(line);
              if (outcome.kind === 'flow') await handlers.record(outcome.document);
              else if (outcome.kind === 'invalid') await reportBadLine(outcome.error.message);
            }
          }
        } catch (error) {
          throw new OutputFailure(error);
        }
      }
    } catch (error) {
      // A failing handler or writer (a closed pipe, a full disk) stops the run: it is not this input's fault.
      if (error instanceof OutputFailure) throw error.cause;
      badLines += 1;
      await errors.write(`${source.name}: ${describeReadError(error)}\n`);
    }
    if (badLinesHere > MAX_REPORTED_BAD_LINES_PER_INPUT) {
      await errors.write(`${source.name}: ${badLinesHere - MAX_REPORTED_BAD_LINES_PER_INPUT} more bad lines not shown (${badLinesHere} in all)\n`);
    }
  }
  progress.finish();
  return { badLines };
}

/** Every item of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The bytes of every source, or undefined when one (standard input) has no size known beforehand. */
export function totalSizeOf(sources: readonly LineSource[]): number | undefined {
  let total = 0;
  for (const source of sources) {
    if (source.size === undefined) return undefined;
    total += source.size;
  }
  return total;
}

/**
 * Why an input could not be read, in a few words.
 *
 * @example describeReadError(Object.assign(new Error('x'), { code: 'ENOENT' })) // 'no such file'
 */
export function describeReadError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EISDIR') return 'is a directory';
    if (error.code === 'Z_DATA_ERROR' || error.code === 'Z_BUF_ERROR') return `not valid gzip (${error.message})`;
  }
  return error instanceof Error ? error.message : String(error);
}
