import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { AppenderError } from '../errors.js';
import { ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, parseCommand, renderUsage } from './command.js';

/** The functions of the stack, with their logical ids in template.yaml and events/env.json. */
export const INVOKABLE_FUNCTIONS = {
  ingestor: 'IngestorFunction',
  decorator: 'DecoratorFunction',
} as const;
export type InvokableFunction = keyof typeof INVOKABLE_FUNCTIONS;

/**
 * Each function's MemorySize and Timeout in template.yaml, which `sam local invoke` would apply
 * (test/template/template-pipeline.test.ts keeps them equal): the context reports the memory, the
 * timeout is the default --timeout.
 */
export const FUNCTION_LIMITS: Readonly<Record<InvokableFunction, { readonly memorySizeMb: number; readonly timeoutSeconds: number }>> = {
  ingestor: { memorySizeMb: 512, timeoutSeconds: 60 },
  decorator: { memorySizeMb: 1024, timeoutSeconds: 120 },
};

export interface InvokeOptions {
  readonly functionName: InvokableFunction;
  readonly eventPath: string;
  readonly envVarsPath: string | undefined;
  readonly timeoutSeconds: number;
  /** The bundle to run; undefined: the one `npm run build` writes. */
  readonly bundlePath: string | undefined;
}

export const invokeCommand = defineCommand({
  name: 'invoke',
  arguments: '<ingestor|decorator> <event.json> [options]',
  summary: 'Run the built ingestor or decorator handler on an event, like sam local invoke.',
  description: `Runs the built Lambda handler (dist/<function>/index.js; run "npm run build" first) on an event, as
"sam local invoke" does, in this process: the response JSON on stdout, the function's logs and
EMF metrics on stderr. AWS clients are real: credentials, region and AWS_ENDPOINT_URL_* apply.
Sample events are in events/ingestor/ and events/decorator/; the ingestor needs its stream name,
so pass --env-vars events/env.json to it.`,
  options: {
    'env-vars': {
      type: 'string',
      value: 'FILE',
      help: `Environment for the function in SAM's format:
{"IngestorFunction": {...}, "DecoratorFunction": {...}}, as events/env.json.
"Parameters" applies to both. These values override the process environment.`,
    },
    timeout: {
      type: 'string',
      value: 'S',
      help: `Seconds the function may run; sets getRemainingTimeInMillis. Default: the
function's Timeout in template.yaml (ingestor 60, decorator 120).`,
    },
    bundle: {
      type: 'string',
      value: 'FILE',
      help: `Run this bundle instead of dist/<function>/index.js, for example what
"sam build" left in .aws-sam/build/DecoratorFunction/index.js.`,
    },
  },
  positionals: true,
  epilogue: `Exit status: 0 the handler returned; 1 it threw (the error is printed on stdout as
{"errorType","errorMessage"}, as SAM does) or the bundle is missing; 2 a command-line error.`,
  parse(values, positionals): InvokeOptions {
    const [functionName, eventPath, ...extra] = positionals;
    if (functionName === undefined || !Object.hasOwn(INVOKABLE_FUNCTIONS, functionName)) {
      throw new UsageError(`invoke needs a function, ingestor or decorator${functionName === undefined ? '' : `, not "${functionName}"`}`);
    }
    if (eventPath === undefined) throw new UsageError('invoke needs an event file');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}"`);
    const timeoutSeconds = values.timeout === undefined ? FUNCTION_LIMITS[functionName as InvokableFunction].timeoutSeconds : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not "${values.timeout ?? ''}"`);
    return { functionName: functionName as InvokableFunction, eventPath, envVarsPath: values['env-vars'], timeoutSeconds, bundlePath: values.bundle };
  },
  run: (options, io) => runInvoke(options, io),
});

export const INVOKE_USAGE = renderUsage(invokeCommand);

/**
 * Reads the command line of `invoke`; 'help' when help was asked for.
 *
 * @example parseInvokeArguments(['decorator', 'events/decorator/firehose-from-ingestor.json', '--timeout', '30'])
 */
export function parseInvokeArguments(args: readonly string[]): InvokeOptions | 'help' {
  return parseCommand(invokeCommand, args);
}

/**
 * Reads the variables a SAM `--env-vars` file gives one function: its "Parameters" section, then its
 * own section by logical id. Values may be strings, numbers or booleans, as SAM allows.
 *
 * @example functionEnvironment({ DecoratorFunction: { GEO_PROVIDER: 'none' } }, 'decorator') // { GEO_PROVIDER: 'none' }
 */
export function functionEnvironment(envVars: unknown, functionName: InvokableFunction): Record<string, string> {
  if (typeof envVars !== 'object' || envVars === null || Array.isArray(envVars)) throw new UsageError('--env-vars must hold a JSON object');
  const sections = envVars as Record<string, unknown>;
  const environment: Record<string, string> = {};
  for (const sectionName of ['Parameters', INVOKABLE_FUNCTIONS[functionName]]) {
    const section = sections[sectionName];
    if (section === undefined) continue;
    if (typeof section !== 'object' || section === null || Array.isArray(section)) throw new UsageError(`--env-vars: "${sectionName}" must be an object`);
    for (const [name, value] of Object.entries(section)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new UsageError(`--env-vars: ${sectionName}.${name} must be a string, number or boolean`);
      }
      environment[name] = String(value);
    }
  }
  return environment;
}

/** Where the bundles are: two levels above this file both in src/cli/ and in dist/cli/. */
export function builtHandlerPath(functionName: InvokableFunction): string {
  return fileURLToPath(new URL(`../../dist/${functionName}/index.js`, import.meta.url));
}

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the built handler on the event and prints its response; the handler's own stdout writes
 * (Powertools logs, EMF) go to stderr meanwhile so stdout holds only the response.
 *
 * @example await runInvoke({ functionName: 'ingestor', eventPath: 'events/ingestor/cloudwatch-logs-data-message.json', envVarsPath: undefined, timeoutSeconds: 60, bundlePath: undefined }, io);
 */
export async function runInvoke(options: InvokeOptions, io: CliIo): Promise<ExitCode> {
  const handlerPath = options.bundlePath === undefined ? builtHandlerPath(options.functionName) : resolve(options.bundlePath);
  if (!existsSync(handlerPath)) {
    const hint = options.bundlePath === undefined ? ': run "npm run build" first' : '';
    io.stderr.write(`vpc-flow-log-appender: ${handlerPath} does not exist${hint}\n`);
    return ExitCode.Failure;
  }
  const event = JSON.parse(await readFile(options.eventPath, 'utf8')) as unknown;
  const environment = options.envVarsPath === undefined ? {} : functionEnvironment(JSON.parse(await readFile(options.envVarsPath, 'utf8')), options.functionName);
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const context = lambdaContext(options.functionName, () => Math.max(0, deadline - Date.now()));

  const previousEnvironment = new Map(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  const ownWrite = Object.getOwnPropertyDescriptor(process.stdout, 'write');
  const logStream = io.stderr as unknown as { write(...args: unknown[]): boolean };
  // The handler's stdout is the function's log stream; ours is the response.
  process.stdout.write = (...args: unknown[]) => logStream.write(...args);
  let response: unknown;
  let failure: unknown;
  let failed = false;
  try {
    const module = (await import(pathToFileURL(handlerPath).href)) as { handler: AnyHandler };
    response = await module.handler(event, context);
  } catch (error) {
    failed = true;
    failure = error;
  } finally {
    if (ownWrite === undefined) delete (process.stdout as { write?: unknown }).write;
    else Object.defineProperty(process.stdout, 'write', ownWrite);
    for (const [name, value] of previousEnvironment) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  if (failed) {
    const error = failure instanceof Error ? { errorType: failure.name, errorMessage: failure.message } : { errorType: 'Error', errorMessage: String(failure) };
    io.stdout.write(`${JSON.stringify(error)}\n`);
    return ExitCode.Failure;
  }
  // A handler that returns nothing answers null, as the Lambda runtime does.
  io.stdout.write(`${JSON.stringify(response ?? null)}\n`);
  return ExitCode.Success;
}

function lambdaContext(functionName: InvokableFunction, remaining: () => number): Context {
  const name = `vpc-flow-log-appender-${functionName}`;
  const requestId = randomUUID();
  const unsupported = (): never => {
    throw new AppenderError('the callback-style context methods are not supported; handlers here are async');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:123456789012:function:${name}`,
    memoryLimitInMB: String(FUNCTION_LIMITS[functionName].memorySizeMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: remaining,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
