import { parseArgs } from 'node:util';
import { AppenderError, ConfigurationError } from '../errors.js';
import { ExitCode, UsageError, type CliIo } from './cli-io.js';

/** The program's name, as a user types it and as every message starts. */
export const PROGRAM = 'vpc-flow-log-appender';

/**
 * One option of a command: what `parseArgs` needs and what its usage line says, in one place,
 * so the help can never list an option the parser refuses or miss one it takes.
 */
export interface OptionDefinition {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in the usage (`DIR`, `md|json|html`); string options only. */
  readonly value?: string;
  /** The help text; line breaks are kept and indented under the option. */
  readonly help: string;
  /** A spelling kept for old command lines (a deprecated alias): parsed, never listed. */
  readonly hidden?: boolean;
}

export type OptionTable = Readonly<Record<string, OptionDefinition>>;

/** What `parseArgs` gives for a table: a string or boolean (a list when `multiple`), absent when not given. */
export type OptionValues<Table extends OptionTable> = {
  readonly [Name in keyof Table]?: Table[Name]['type'] extends 'boolean'
    ? Table[Name]['multiple'] extends true
      ? boolean[]
      : boolean
    : Table[Name]['multiple'] extends true
      ? string[]
      : string;
};

/**
 * A command of the command line, after pnpm's CommandDefinition: its name, its usage text and its
 * options in one table, a pure `parse` from parsed arguments to its options (a mistake throws a
 * UsageError), and `run`, which returns the exit status. The dispatcher adds `-h, --help`, prints
 * usage for usage mistakes only, and turns a known failure (an AppenderError) into one line on
 * stderr and exit 1.
 */
export interface CommandDefinition<Table extends OptionTable = OptionTable, Options = unknown> {
  /** The words that select it: `enrich`, or `opensearch setup`. */
  readonly name: string;
  /** Arguments after the name in the synopsis, e.g. `[INPUT...] [options]`. */
  readonly arguments: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** Paragraphs between the synopsis and the options. */
  readonly description: string;
  readonly options: Table;
  /** Whether positional arguments are taken (`parse` then checks them). */
  readonly positionals: boolean;
  /** After the options: notes and the exit status. */
  readonly epilogue: string;
  parse(values: OptionValues<Table>, positionals: readonly string[]): Options;
  run(options: Options, io: CliIo): Promise<ExitCode>;
}

/** Infers a command's option table and options from its definition. */
export function defineCommand<const Table extends OptionTable, Options>(definition: CommandDefinition<Table, Options>): CommandDefinition<Table, Options> {
  return definition;
}

const HELP_OPTION: OptionDefinition = { type: 'boolean', short: 'h', help: 'Show this help.' };

/** The column at which option help starts; longer option names put their help on the next line. */
const HELP_COLUMN = 24;

/**
 * The usage text of a command, rendered from its definition (the option list from the same table
 * that feeds parseArgs).
 *
 * @example renderUsage(enrichCommand).startsWith('Usage: vpc-flow-log-appender enrich [INPUT...] [options]') // true
 */
export function renderUsage(command: CommandDefinition<OptionTable, unknown>): string {
  const sections = [synopsisOf(command)];
  if (command.description !== '') sections.push(command.description);
  sections.push(`Options:\n${renderOptions({ ...command.options, help: HELP_OPTION })}`);
  if (command.epilogue !== '') sections.push(command.epilogue);
  return sections.join('\n\n');
}

/**
 * The usage of a group of commands that share a first word (`opensearch setup`, `opensearch
 * proxy`): each one's usage in turn, from its own table.
 */
export function renderGroupUsage(commands: readonly CommandDefinition<OptionTable, unknown>[]): string {
  return commands.map((command) => renderUsage(command)).join('\n\n');
}

/** `Usage: vpc-flow-log-appender <name> <arguments>`. */
export function synopsisOf(command: Pick<CommandDefinition, 'name' | 'arguments'>): string {
  return `Usage: ${PROGRAM} ${command.name}${command.arguments === '' ? '' : ` ${command.arguments}`}`;
}

function renderOptions(options: OptionTable): string {
  const lines: string[] = [];
  for (const [name, option] of Object.entries(options)) {
    if (option.hidden === true) continue;
    const label = `  ${option.short === undefined ? '' : `-${option.short}, `}--${name}${option.type === 'string' && option.value !== undefined ? ` ${option.value}` : ''}`;
    const [first = '', ...rest] = option.help.split('\n');
    const indent = ' '.repeat(HELP_COLUMN);
    if (label.length < HELP_COLUMN - 1) lines.push(`${label.padEnd(HELP_COLUMN)}${first}`);
    else lines.push(label, `${indent}${first}`);
    for (const line of rest) lines.push(`${indent}${line}`);
  }
  return lines.join('\n');
}

/**
 * Parses a command's arguments with its own table (strict), plus `-h, --help`; 'help' when help
 * was asked for. parseArgs' mistakes (an unknown option, a missing value) become UsageErrors.
 *
 * @example parseCommand(snapshotCommand, ['--out', 'inventory']) // { outDirectory: 'inventory', vpcIds: [] }
 */
export function parseCommand<Table extends OptionTable, Options>(command: CommandDefinition<Table, Options>, args: readonly string[]): Options | 'help' {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const options = Object.fromEntries(
      Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, option]) => [
        name,
        { type: option.type, ...(option.short === undefined ? {} : { short: option.short }), ...(option.multiple === true ? { multiple: true } : {}) },
      ]),
    );
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error), undefined, { cause: error });
  }
  if (parsed.values.help === true) return 'help';
  if (!command.positionals && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0] ?? ''}"`);
  return command.parse(parsed.values as OptionValues<Table>, parsed.positionals);
}

/**
 * parseArgs' message without its advice to use `--` (which these commands do not need) and with
 * balanced quotes: "Unknown option '--x'. To specify a positional argument starting with a '-',
 * place it at the end of the command after '--', as in '-- \"--x\"" becomes `unknown option "--x"`.
 */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown !== null) return `unknown option "${unknown[1] ?? ''}"`;
  const missing = /^Option '([^']*)' argument missing/.exec(message);
  if (missing !== null) return `option ${missing[1] ?? ''} needs a value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional !== null) return `unexpected argument "${positional[1] ?? ''}"`;
  return message;
}

export interface CommandTable {
  /** The first line of the main usage, and the text shown for `--help`. */
  readonly usage: string;
  readonly version: string;
  readonly commands: readonly CommandDefinition<OptionTable, unknown>[];
}

/**
 * The one dispatcher: finds the command whose name the arguments start with (`opensearch setup`
 * before `opensearch`), parses, runs, and maps what went wrong to an exit status that means it:
 * 2 with the synopsis for a usage mistake, 1 with one line for a failure it knows, and anything
 * else thrown as it is (a defect, printed with its stack by the entry point).
 *
 * @example await runCommandTable(table, ['snapshot', '--out', 'inventory'], io)
 */
export async function runCommandTable(table: CommandTable, argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io[first === undefined ? 'stderr' : 'stdout'].write(`${table.usage}\n`);
    return first === undefined ? ExitCode.Usage : ExitCode.Success;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${table.version}\n`);
    return ExitCode.Success;
  }
  const command = findCommand(table.commands, argv);
  if (command === undefined) return reportGroupOrUnknown(table, argv, io);
  const args = argv.slice(command.name.split(' ').length);
  const label = `${PROGRAM} ${command.name}`;
  let options: unknown;
  try {
    options = parseCommand(command, args);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigurationError) return usageMistake(label, command, error, io);
    throw error;
  }
  if (options === 'help') {
    io.stdout.write(`${renderUsage(command)}\n`);
    return ExitCode.Success;
  }
  try {
    return await command.run(options, io);
  } catch (error) {
    // A configuration the command line or environment describes and the adapter refuses (plain
    // http to a remote host): the user's to change, so exit 2, with the synopsis only.
    if (error instanceof UsageError || error instanceof ConfigurationError) return usageMistake(label, command, error, io);
    if (error instanceof AppenderError) {
      io.stderr.write(`${label}: ${describeFailure(error)}\n`);
      return ExitCode.Failure;
    }
    throw error;
  }
}

function findCommand(commands: readonly CommandDefinition<OptionTable, unknown>[], argv: readonly string[]): CommandDefinition<OptionTable, unknown> | undefined {
  let best: CommandDefinition<OptionTable, unknown> | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((word, index) => argv[index] === word) && (best === undefined || words.length > best.name.split(' ').length)) best = command;
  }
  return best;
}

/** `opensearch` alone or with `--help` lists its subcommands; anything else is unknown. */
function reportGroupOrUnknown(table: CommandTable, argv: readonly string[], io: CliIo): ExitCode {
  const [group, second] = argv;
  const members = table.commands.filter((command) => command.name.startsWith(`${group ?? ''} `));
  if (members.length > 0) {
    if (second === '--help' || second === '-h' || second === 'help') {
      io.stdout.write(`${renderGroupUsage(members)}\n`);
      return ExitCode.Success;
    }
    const list = `${members.map((command) => `  ${command.name.padEnd(20)}${command.summary}`).join('\n')}\n\nRun "${PROGRAM} ${group ?? ''} <command> --help" for a command's options.`;
    io.stderr.write(`${second === undefined ? '' : `${PROGRAM} ${group ?? ''}: unknown command "${second}"\n`}Usage: ${PROGRAM} ${group ?? ''} <command> [options]\n\n${list}\n`);
    return ExitCode.Usage;
  }
  io.stderr.write(`${PROGRAM}: unknown command "${group ?? ''}"\n\n${table.usage}\n`);
  return ExitCode.Usage;
}

function usageMistake(label: string, command: CommandDefinition<OptionTable, unknown>, error: AppenderError, io: CliIo): ExitCode {
  const message = error instanceof ConfigurationError ? error.problems.join(`\n${label}: `) : error.message;
  io.stderr.write(`${label}: ${message}\n${synopsisOf(command)}\nRun "${label} --help" for the options.\n`);
  return ExitCode.Usage;
}

/**
 * A failure's message, with its cause's name and message when the message does not already say
 * it: what failed and why, in one line. SDK errors never carry credentials in either.
 *
 * @example describeFailure(new AppenderError('cannot list s3://logs/', { cause: Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }) })) // 'cannot list s3://logs/: AccessDenied: Access Denied'
 */
export function describeFailure(error: Error): string {
  if (error instanceof ConfigurationError) return error.problems.join('; ');
  const cause = error.cause;
  if (!(cause instanceof Error) || error.message.includes(cause.message)) return error.message;
  return `${error.message}: ${describeCause(cause)}`;
}

/**
 * An SDK or system error as `Name: message` (or the code for a bare network error), the way a
 * user can search for it.
 *
 * @example describeCause(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })) // 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1'
 */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const name = cause.name !== 'Error' ? cause.name : code;
  const message = cause.message !== '' ? cause.message : cause instanceof AggregateError ? cause.errors.map(describeCause).join('; ') : '';
  return name === undefined ? message : message === '' ? name : `${name}: ${message}`;
}
