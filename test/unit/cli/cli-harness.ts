// Runs the CLI in-process on PassThrough streams and collects what it writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { runCli } from '../../../src/cli/main.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Standard streams for a command run in-process, and what it wrote to stdout and stderr so far. */
export function capturedIo(): { io: { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough }; stdout: () => string; stderr: () => string } {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  return { io, stdout: collect(io.stdout), stderr: collect(io.stderr) };
}

/** Runs `vpc-flow-log-appender <argv>` with `stdin` as standard input. */
export async function runCliWith(argv: readonly string[], stdin: string | Buffer = ''): Promise<CliRun> {
  const { io, stdout, stderr } = capturedIo();
  io.stdin.end(stdin);
  const status = await runCli(argv, io);
  return { status, stdout: stdout(), stderr: stderr() };
}

/** The JSON documents of NDJSON output. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A temporary directory for input files, removed by the returned clean-up. */
export function temporaryDirectory(): { path(name: string): string; write(name: string, content: string | Buffer, options?: { gzip?: boolean }): string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'vpc-flow-log-cli-'));
  return {
    path: (name) => join(directory, name),
    write(name, content, options = {}) {
      const file = join(directory, name);
      writeFileSync(file, options.gzip === true ? gzipSync(content) : content);
      return file;
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
