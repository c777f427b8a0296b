import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
export { UsageError } from './errors.js';

/** The process streams a command uses, injected so tests run commands in-process. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Exit status of a command: 0 success, 1 some input was bad, 2 the command line was wrong. */
export const ExitCode = {
  Success: 0,
  BadInput: 1,
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const FLUSH_THRESHOLD_CHARS = 64 * 1024;

/**
 * Writes text to a stream in large chunks and honours back-pressure, so piping a large
 * enrichment into `head` or a slow consumer neither buffers without bound nor loses output.
 */
export function createBufferedWriter(stream: Writable): { write(text: string): Promise<void>; flush(): Promise<void> } {
  let pending = '';
  const flush = async (): Promise<void> => {
    if (pending === '') {
      return;
    }
    const chunk = pending;
    pending = '';
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          stream.off('error', onError);
          resolve();
        };
        const onError = (error: Error): void => {
          stream.off('drain', onDrain);
          reject(error);
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    }
  };
  return {
    async write(text) {
      pending += text;
      if (pending.length >= FLUSH_THRESHOLD_CHARS) {
        await flush();
      }
    },
    flush,
  };
}

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's options and positionals (node:util `parseArgs`, strict), with its mistakes (an
 * unknown option, a missing value: TypeErrors with an ERR_PARSE_ARGS_* code) turned into a
 * UsageError that shows the command's own usage.
 *
 * @example
 * const { values, positionals } = parseCommandArguments(['--out', 'dir', 'a.log'], { out: { type: 'string' } }, USAGE);
 * // values.out === 'dir', positionals: ['a.log']
 */
export function parseCommandArguments<const Options extends CommandOptions, const Positionals extends boolean = true>(
  args: readonly string[],
  options: Options,
  usage: string,
  allowPositionals: Positionals = true as Positionals,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage, { cause: error });
  }
}
