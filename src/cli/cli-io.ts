import type { Readable, Writable } from 'node:stream';
export { CommandFailure, UsageError } from './errors.js';

/** The process streams a command uses, injected so tests run commands in-process. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * Exit status of a command, and nothing else: 0 it did what was asked; 1 it failed (bad input, a
 * refused or failed AWS call, a write that failed, a port in use, a handler that threw); 2 the
 * command line was wrong (then, and only then, the usage is shown).
 */
export const ExitCode = {
  Success: 0,
  Failure: 1,
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
