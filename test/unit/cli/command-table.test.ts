import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CommandFailure, ExitCode, UsageError } from '../../../src/cli/cli-io.js';
import { defineCommand, describeCause, describeFailure, parseCommand, renderUsage, runCommandTable, type CommandTable } from '../../../src/cli/command.js';
import { COMMANDS } from '../../../src/cli/main.js';

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

async function run(table: CommandTable, argv: readonly string[]) {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const stdout = collect(io.stdout);
  const stderr = collect(io.stderr);
  const status = await runCommandTable(table, argv, io);
  return { status, stdout: stdout(), stderr: stderr() };
}

/** A command whose run does what its single positional says. */
const probe = defineCommand({
  name: 'probe',
  arguments: 'WHAT',
  summary: 'Probe the dispatcher.',
  description: 'Does what WHAT says.',
  options: {
    count: { type: 'string', value: 'N', help: 'How many.\nSecond line.' },
    old: { type: 'string', hidden: true, help: 'An old spelling.' },
  },
  positionals: true,
  epilogue: 'Exit status: as the dispatcher maps it.',
  parse(values, positionals) {
    if (positionals[0] === 'usage') throw new UsageError('WHAT is wrong');
    return { what: positionals[0] ?? 'ok', count: values.count };
  },
  run: ({ what }) => {
    if (what === 'fail') return Promise.reject(new CommandFailure('EC2 refused', { cause: Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }) }));
    if (what === 'bug') return Promise.reject(new TypeError('a defect'));
    return Promise.resolve(ExitCode.Success);
  },
});
const table: CommandTable = { usage: 'Usage: test <command>', version: '9.9.9', commands: [probe] };

describe('the command table', () => {
  it('renders the usage from the option table: every listed option, help lines indented under it, hidden aliases left out', () => {
    expect(renderUsage(probe)).toBe(
      [
        'Usage: vpc-flow-log-appender probe WHAT',
        '',
        'Does what WHAT says.',
        '',
        'Options:',
        '  --count N             How many.',
        '                        Second line.',
        '  -h, --help            Show this help.',
        '',
        'Exit status: as the dispatcher maps it.',
      ].join('\n'),
    );
  });

  it('parses the hidden alias the usage does not list', () => {
    expect(parseCommand(probe, ['--old', 'x', 'ok'])).toStrictEqual({ what: 'ok', count: undefined });
  });

  it('maps success, failure and usage mistakes to 0, 1 and 2, and prints the usage only for a usage mistake', async () => {
    const ok = await run(table, ['probe', 'ok']);
    const failed = await run(table, ['probe', 'fail']);
    const wrong = await run(table, ['probe', 'usage']);
    const unknownOption = await run(table, ['probe', '--colour']);

    expect(ok).toStrictEqual({ status: 0, stdout: '', stderr: '' });
    expect(failed).toStrictEqual({ status: 1, stdout: '', stderr: 'vpc-flow-log-appender probe: EC2 refused: UnauthorizedOperation: not authorized\n' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('vpc-flow-log-appender probe: WHAT is wrong\nUsage: vpc-flow-log-appender probe WHAT\nRun "vpc-flow-log-appender probe --help" for the options.\n');
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr.split('\n')[0]).toBe('vpc-flow-log-appender probe: unknown option "--colour"');
  });

  it('lets a defect through as it is, for the entry point to print with its stack', async () => {
    await expect(run(table, ['probe', 'bug'])).rejects.toThrow(TypeError);
  });

  it('answers --help with the command usage on stdout, --version with the version, and an unknown command with 2', async () => {
    expect(await run(table, ['probe', '--help'])).toStrictEqual({ status: 0, stdout: `${renderUsage(probe)}\n`, stderr: '' });
    expect(await run(table, ['--version'])).toStrictEqual({ status: 0, stdout: '9.9.9\n', stderr: '' });
    expect((await run(table, ['nope'])).status).toBe(2);
  });

  it.each(COMMANDS.map((command) => [command.name, command] as const))('lists in "%s --help" exactly the options its parser accepts', (_name, command) => {
    const usage = renderUsage(command);
    const listed = new Set([...usage.matchAll(/^ {2}(?:-[a-z], )?--([a-z][a-z-]*)/gm)].map((match) => match[1]));
    const parsed = new Set([...Object.entries(command.options)].filter(([, option]) => option.hidden !== true).map(([name]) => name));
    parsed.add('help');

    expect([...listed].sort()).toStrictEqual([...parsed].sort());
  });
});

describe('describeFailure', () => {
  it('adds the cause (name and message) when the message does not say it already', () => {
    expect(describeFailure(new CommandFailure('cannot list s3://logs/', { cause: Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }) }))).toBe(
      'cannot list s3://logs/: AccessDenied: Access Denied',
    );
    expect(describeFailure(new CommandFailure('no such file: a.log', { cause: new Error('no such file') }))).toBe('no such file: a.log');
  });

  it('names a bare network error by its code, and an AggregateError by its errors', () => {
    expect(describeCause(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1');
    expect(describeCause(Object.assign(new AggregateError([new Error('a'), new Error('b')], ''), { code: 'ECONNREFUSED' }))).toBe('AggregateError: a; b');
  });
});
