import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOpenSearchHttpClient, type OpenSearchAuth, type OpenSearchHttpClientOptions } from '../adapters/opensearch-http-client.js';
import { startOpenSearchSigningProxy, type OpenSearchSigningProxy, type OpenSearchSigningProxyOptions } from '../adapters/opensearch-signing-proxy.js';
import { ConfigurationError } from '../errors.js';
import { isOutputSchema, OUTPUT_SCHEMAS, OutputSchema } from '../output-schema/output-schema.js';
import {
  AMAZON_OPENSEARCH_DASHBOARDS_PATH,
  buildOpenSearchAssets,
  dashboardUrl,
  DEFAULT_INDEX_PATTERN,
  DEFAULT_RETENTION_DAYS,
  INDEX_TEMPLATE_NAME,
  ISM_POLICY_ID,
  OpenSearchSetupError,
  renderOpenSearchAssetFiles,
  SAVED_OBJECT_IDS,
  setUpOpenSearch,
  type OpenSearchHttp,
  type OpenSearchSetupReport,
} from '../opensearch/index.js';
import { ExitCode, type CliIo } from './cli-io.js';
import { defineCommand, parseCommand, renderGroupUsage, runCommandTable, type CommandDefinition, type OptionTable, type OptionValues } from './command.js';

/** The port `opensearch proxy` listens on unless told otherwise: the one OpenSearch Dashboards itself uses. */
export const DEFAULT_PROXY_PORT = 5601;

/** What the command reaches outside itself; tests replace it. */
export interface OpenSearchCommandDependencies {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly createHttp: (options: OpenSearchHttpClientOptions) => OpenSearchHttp;
  /** Default: the signing proxy of src/adapters. */
  readonly startProxy?: (options: OpenSearchSigningProxyOptions) => Promise<OpenSearchSigningProxy>;
  /** Resolves when `opensearch proxy` should stop. Default: on SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<void>;
}

const DEFAULT_DEPENDENCIES: OpenSearchCommandDependencies = { env: process.env, createHttp: createOpenSearchHttpClient };

export interface OpenSearchSetupCommandOptions {
  readonly endpoint: string;
  readonly dashboardsUrl: string;
  readonly indexPattern: string;
  readonly retentionDays: number;
  /** The schema of the documents the stack writes (its OutputSchema parameter). */
  readonly schema: OutputSchema;
  readonly auth: OpenSearchAuth;
}

export interface OpenSearchProxyCommandOptions {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
}

export interface OpenSearchExportCommandOptions {
  readonly outDirectory: string;
  readonly indexPattern: string;
  readonly retentionDays: number;
  readonly schema: OutputSchema;
}

/** Amazon OpenSearch Service endpoints: `search-<domain>-<id>.<region>.es.amazonaws.com` (`vpc-` for VPC domains). */
const AMAZON_OPENSEARCH_HOST = /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.es\.amazonaws\.com(?:\.cn)?$/;

const SETUP_OPTIONS = {
  endpoint: { type: 'string', value: 'URL', help: 'The cluster, e.g. https://search-flows-abc123.us-east-1.es.amazonaws.com\n(required). https is required except for localhost.' },
  'dashboards-url': {
    type: 'string',
    value: 'URL',
    help: `OpenSearch Dashboards. Default: the endpoint + ${AMAZON_OPENSEARCH_DASHBOARDS_PATH}, as on\nAmazon OpenSearch Service.`,
  },
  'index-pattern': {
    type: 'string',
    value: 'P',
    help: `The indices Firehose writes to. Default: ${DEFAULT_INDEX_PATTERN} (index name "cwl", daily\nrotation). Quote it so the shell does not expand the *.`,
  },
  'retention-days': { type: 'string', value: 'N', help: `Days before ISM deletes an index. Default: ${DEFAULT_RETENTION_DAYS}.` },
  schema: {
    type: 'string',
    value: OUTPUT_SCHEMAS.join('|'),
    help: `The schema of the documents, as the stack's OutputSchema parameter:
native (default), ecs or ocsf. Picks the index template, the index
pattern's time field and fields, and the fields every view reads.`,
  },
  auth: {
    type: 'string',
    value: 'sigv4|basic|none',
    help: `sigv4 (default): AWS credentials from the default chain (environment,
profile, SSO, container or instance role), signed for service "es".
basic: the user in OPENSEARCH_USERNAME and the password in
OPENSEARCH_PASSWORD, read from the environment only.
none: a local cluster without the security plugin.`,
  },
  region: { type: 'string', value: 'R', help: 'The region to sign for. Default: the region in the endpoint\'s host\nname, then AWS_REGION, then AWS_DEFAULT_REGION.' },
} as const satisfies OptionTable;

/** How a command reaches a cluster, as `opensearch setup` takes it: `report --opensearch` reuses both options. */
export const OPENSEARCH_AUTH_OPTIONS = { auth: SETUP_OPTIONS.auth, region: SETUP_OPTIONS.region } as const satisfies OptionTable;

/**
 * The endpoint URL (scheme added when missing) and the authentication of `--auth` and `--region`,
 * as `opensearch setup` reads them; each problem is pushed on `problems`.
 *
 * @example openSearchConnectionOf('search-flows-abc.eu-west-1.es.amazonaws.com', undefined, undefined, {}, []) // { endpoint: 'https://search-flows-abc.eu-west-1.es.amazonaws.com', auth: { kind: 'sigv4', region: 'eu-west-1' } }
 */
export function openSearchConnectionOf(
  endpointText: string,
  authKind: string | undefined,
  region: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): { readonly endpoint: string; readonly auth: OpenSearchAuth } | undefined {
  const endpoint = withScheme(endpointText);
  const auth = parseAuth(authKind ?? 'sigv4', region, endpoint, env, problems);
  return auth === undefined ? undefined : { endpoint, auth };
}

const EXPORT_OPTIONS = {
  out: { type: 'string', value: 'DIR', help: 'The directory to write (created when missing). Required.' },
  'index-pattern': SETUP_OPTIONS['index-pattern'],
  'retention-days': SETUP_OPTIONS['retention-days'],
  schema: SETUP_OPTIONS.schema,
} as const satisfies OptionTable;

const PROXY_OPTIONS = {
  endpoint: { type: 'string', value: 'URL', help: 'The domain endpoint (required).' },
  port: { type: 'string', value: 'N', help: `Default: ${DEFAULT_PROXY_PORT}; 0 picks a free port.` },
  region: { type: 'string', value: 'R', help: 'As for setup.' },
} as const satisfies OptionTable;

const OPENSEARCH_EXIT_STATUS = `Exit status: 0 done; 1 a step failed (the message names the step, the request and the HTTP
status) or the port is in use; 2 a command-line error.`;

/**
 * `opensearch setup`, `opensearch export` and `opensearch proxy`, entries of the one command table
 * (src/cli/main.ts), with what they reach outside replaced in tests.
 *
 * @example await runCommandTable({ usage, version, commands: openSearchCommands({ env: process.env, createHttp }) }, ['opensearch', 'setup', '--endpoint', url], io)
 */
export function openSearchCommands(dependencies: OpenSearchCommandDependencies = DEFAULT_DEPENDENCIES): readonly CommandDefinition<OptionTable, unknown>[] {
  const setup = defineCommand({
    name: 'opensearch setup',
    arguments: '--endpoint URL [options]',
    summary: 'Install the index template, retention policy and dashboards.',
    description: `Installs, each only when missing or different (running it again changes nothing):
1. the composable index template "${INDEX_TEMPLATE_NAME}" for the index pattern: ip, keyword,
   numeric, date and geo_point mappings for every field the decorator emits;
2. the ISM policy "${ISM_POLICY_ID}", which deletes an index N days after its
   creation, attached to new indices by the pattern and to existing ones that have no policy;
3. the OpenSearch Dashboards objects: the index pattern, "VPC Flow Logs - SGDashboard" and
   "VPC Flow Logs - Security groups and exposure" and "VPC Flow Logs - Security-group rule
   usage" with their visualizations and searches.
With --schema ecs or ocsf, the template and the views are those of that schema's documents
(the same dashboards, reading the schema's fields). Run it before the first documents arrive:
an index created earlier keeps the mapping it got.`,
    options: SETUP_OPTIONS,
    positionals: false,
    epilogue: OPENSEARCH_EXIT_STATUS,
    parse: (values) => setupOptionsOf(values, dependencies.env),
    run: (options, io) => runSetup(options, io, dependencies),
  });
  const exportCommand = defineCommand({
    name: 'opensearch export',
    arguments: '--out DIR [--index-pattern P] [--retention-days N] [--schema S]',
    summary: 'Write what setup installs as files, for a manual install.',
    description: `Writes what setup installs as files, for a manual install:
- index-template.json, the body of PUT _index_template/${INDEX_TEMPLATE_NAME};
- ism-policy.json, the body of PUT _plugins/_ism/policies/${ISM_POLICY_ID};
- saved-objects.ndjson, for Dashboards > Saved objects > Import, or for
  POST /api/saved_objects/_import?overwrite=true with the header osd-xsrf: true.`,
    options: EXPORT_OPTIONS,
    positionals: false,
    epilogue: OPENSEARCH_EXIT_STATUS,
    parse: exportOptionsOf,
    run: (options, io) => runExport(options, io),
  });
  const proxy = defineCommand({
    name: 'opensearch proxy',
    arguments: '--endpoint URL [--port N] [--region R]',
    summary: 'Open the domain\'s Dashboards in a browser through a local SigV4 signing proxy.',
    description: `Opens OpenSearch Dashboards of a domain that admits IAM principals only, as the stack's domain
does (a browser cannot sign requests): listens on http://127.0.0.1:N and signs every request
with SigV4 (default credential chain, service "es") before passing it to the domain. Prints the
dashboards' addresses; Ctrl-C stops it. While it runs, programs on this machine that reach
127.0.0.1:N act with your AWS credentials. Requests a browser marks as coming from another site
(an Origin, a Referer or Sec-Fetch-Site: cross-site naming another site) are refused with 403, so
a web page you visit cannot use it; command-line clients that send none of these work as before.`,
    options: PROXY_OPTIONS,
    positionals: false,
    epilogue: OPENSEARCH_EXIT_STATUS,
    parse: (values) => proxyOptionsOf(values, dependencies.env),
    run: (options, io) => runProxy(options, io, dependencies),
  });
  return [setup, exportCommand, proxy];
}

/** The usage of the `opensearch` group: every subcommand's usage, rendered from its table. */
export const OPENSEARCH_USAGE = renderGroupUsage(openSearchCommands());

/**
 * Runs `opensearch <setup|export|proxy> ...` through the one dispatcher, with the given
 * dependencies: the exit status, every failure reported on standard error.
 *
 * @example await runOpenSearchCommand(['setup', '--endpoint', 'https://search-flows-abc123.us-east-1.es.amazonaws.com'], io);
 */
export function runOpenSearchCommand(args: readonly string[], io: CliIo, dependencies: OpenSearchCommandDependencies = DEFAULT_DEPENDENCIES): Promise<ExitCode> {
  return runCommandTable({ usage: OPENSEARCH_USAGE, version: '', commands: openSearchCommands(dependencies) }, ['opensearch', ...args], io);
}

/**
 * The setup options from the command line and the environment (basic-auth credentials and the
 * default region), every problem listed at once.
 *
 * @example
 * parseOpenSearchSetupArguments(['--endpoint', 'https://search-flows-abc123.eu-west-1.es.amazonaws.com'], {}).auth
 * // { kind: 'sigv4', region: 'eu-west-1' }
 */
export function parseOpenSearchSetupArguments(args: readonly string[], env: Readonly<Record<string, string | undefined>>): OpenSearchSetupCommandOptions | 'help' {
  return parseCommand(openSearchCommands({ ...DEFAULT_DEPENDENCIES, env })[0] as CommandDefinition<OptionTable, OpenSearchSetupCommandOptions>, args);
}

function setupOptionsOf(values: OptionValues<typeof SETUP_OPTIONS>, env: Readonly<Record<string, string | undefined>>): OpenSearchSetupCommandOptions {
  const problems: string[] = [];
  const endpoint = requiredEndpoint(values.endpoint, problems);
  const retentionDays = parseRetentionDays(values['retention-days'], problems);
  const schema = parseSchema(values.schema, problems);
  const auth = parseAuth(values.auth ?? 'sigv4', values.region, endpoint, env, problems);
  if (problems.length > 0 || endpoint === undefined || auth === undefined) throw new ConfigurationError(problems);
  return {
    endpoint,
    dashboardsUrl: values['dashboards-url'] === undefined ? `${endpoint}${AMAZON_OPENSEARCH_DASHBOARDS_PATH}` : withScheme(values['dashboards-url']),
    indexPattern: values['index-pattern'] ?? DEFAULT_INDEX_PATTERN,
    retentionDays,
    schema,
    auth,
  };
}

function exportOptionsOf(values: OptionValues<typeof EXPORT_OPTIONS>): OpenSearchExportCommandOptions {
  const problems: string[] = [];
  if (values.out === undefined) problems.push('--out is required');
  const retentionDays = parseRetentionDays(values['retention-days'], problems);
  const schema = parseSchema(values.schema, problems);
  if (problems.length > 0 || values.out === undefined) throw new ConfigurationError(problems);
  return { outDirectory: values.out, indexPattern: values['index-pattern'] ?? DEFAULT_INDEX_PATTERN, retentionDays, schema };
}

/**
 * The proxy options from the command line and the environment (the default region), every
 * problem listed at once.
 *
 * @example
 * parseOpenSearchProxyArguments(['--endpoint', 'https://search-flows-abc123.eu-west-1.es.amazonaws.com'], {})
 * // { endpoint: 'https://search-flows-abc123.eu-west-1.es.amazonaws.com', port: 5601, region: 'eu-west-1' }
 */
export function parseOpenSearchProxyArguments(args: readonly string[], env: Readonly<Record<string, string | undefined>>): OpenSearchProxyCommandOptions | 'help' {
  return parseCommand(openSearchCommands({ ...DEFAULT_DEPENDENCIES, env })[2] as CommandDefinition<OptionTable, OpenSearchProxyCommandOptions>, args);
}

function proxyOptionsOf(values: OptionValues<typeof PROXY_OPTIONS>, env: Readonly<Record<string, string | undefined>>): OpenSearchProxyCommandOptions {
  const problems: string[] = [];
  const endpoint = requiredEndpoint(values.endpoint, problems);
  const port = values.port === undefined ? DEFAULT_PROXY_PORT : /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) problems.push(`--port must be a port number, or 0 for any free one (got "${values.port ?? ''}")`);
  const region = signingRegion(values.region, endpoint, env);
  if (region === undefined) problems.push('the proxy signs with SigV4 and needs a region: pass --region, or set AWS_REGION');
  if (problems.length > 0 || endpoint === undefined || region === undefined) throw new ConfigurationError(problems);
  return { endpoint, port, region };
}

/** The --endpoint URL, or undefined with the problem noted when it is missing. */
function requiredEndpoint(text: string | undefined, problems: string[]): string | undefined {
  if (text === undefined) problems.push('--endpoint is required');
  return text === undefined ? undefined : withScheme(text);
}

/** An endpoint as CloudFormation prints it (`DomainEndpoint` has no scheme) becomes an https URL. */
function withScheme(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

function parseRetentionDays(text: string | undefined, problems: string[]): number {
  if (text === undefined) return DEFAULT_RETENTION_DAYS;
  const days = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1)) problems.push(`--retention-days must be a whole number of days, at least 1 (got "${text}")`);
  return days;
}

function parseSchema(text: string | undefined, problems: string[]): OutputSchema {
  if (text === undefined) return OutputSchema.Native;
  if (isOutputSchema(text)) return text;
  problems.push(`--schema must be ${OUTPUT_SCHEMAS.join(', ')} (got "${text}")`);
  return OutputSchema.Native;
}

function parseAuth(
  kind: string,
  regionOption: string | undefined,
  endpoint: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): OpenSearchAuth | undefined {
  switch (kind) {
    case 'sigv4': {
      const region = signingRegion(regionOption, endpoint, env);
      if (region === undefined) {
        problems.push('--auth sigv4 needs a region: pass --region, or set AWS_REGION');
        return undefined;
      }
      return { kind: 'sigv4', region };
    }
    case 'basic': {
      const username = nonEmpty(env.OPENSEARCH_USERNAME);
      const password = env.OPENSEARCH_PASSWORD;
      if (username === undefined) problems.push('--auth basic reads the user from OPENSEARCH_USERNAME, which is not set');
      if (password === undefined || password === '') problems.push('--auth basic reads the password from OPENSEARCH_PASSWORD, which is not set');
      return username === undefined || password === undefined || password === '' ? undefined : { kind: 'basic', username, password };
    }
    case 'none':
      return { kind: 'none' };
    default:
      problems.push(`--auth must be sigv4, basic or none (got "${kind}")`);
      return undefined;
  }
}

/** --region, else the region in an Amazon OpenSearch Service host name, else AWS_REGION, else AWS_DEFAULT_REGION. */
function signingRegion(regionOption: string | undefined, endpoint: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return regionOption ?? regionOfEndpoint(endpoint) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
}

function regionOfEndpoint(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return AMAZON_OPENSEARCH_HOST.exec(new URL(endpoint).hostname)?.[1];
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

async function runSetup(options: OpenSearchSetupCommandOptions, io: CliIo, dependencies: OpenSearchCommandDependencies): Promise<ExitCode> {
  const assets = buildOpenSearchAssets({ indexPattern: options.indexPattern, retentionDays: options.retentionDays, schema: options.schema });
  if (!options.indexPattern.includes('*')) {
    io.stderr.write(
      `warning: the index pattern "${options.indexPattern}" names a single index (no rotation); the retention policy deletes it whole ${options.retentionDays} days after its creation\n`,
    );
  }
  const targets = {
    opensearch: dependencies.createHttp({ baseUrl: options.endpoint, auth: options.auth }),
    dashboards: dependencies.createHttp({ baseUrl: options.dashboardsUrl, auth: options.auth }),
  };
  let report: OpenSearchSetupReport;
  try {
    report = await setUpOpenSearch(targets, { indexPattern: options.indexPattern, assets });
  } catch (error) {
    if (!(error instanceof OpenSearchSetupError)) throw error;
    io.stderr.write(`vpc-flow-log-appender opensearch setup failed at the ${error.message}\n`);
    return ExitCode.Failure;
  }
  io.stdout.write(describeReport(report, options, targets.dashboards.baseUrl));
  return ExitCode.Success;
}

function describeReport(report: OpenSearchSetupReport, options: OpenSearchSetupCommandOptions, dashboardsBaseUrl: string): string {
  const { created, updated, unchanged } = report.savedObjects;
  const lines = [
    `index template ${INDEX_TEMPLATE_NAME} for ${options.indexPattern}${options.schema === OutputSchema.Native ? '' : ` (${options.schema} documents)`}: ${report.indexTemplate}`,
    `ISM policy ${ISM_POLICY_ID} (delete after ${options.retentionDays} days): ${report.ismPolicy}`,
    `existing indices: policy attached to ${report.existingIndices.attached}, ${report.existingIndices.alreadyManaged} already managed`,
    `saved objects: ${created} created, ${updated} updated, ${unchanged} unchanged`,
  ];
  if (options.schema !== OutputSchema.Native) {
    lines.push(`note: the dashboards read the ${options.schema} fields; the report's ledger from OpenSearch (report --opensearch) reads native documents only`);
  }
  if (report.ismPolicy === 'updated') {
    lines.push('note: indices managed before this update keep the previous policy version until ISM\'s change_policy API moves them');
  }
  lines.push(
    'dashboards:',
    `  ${dashboardUrl(dashboardsBaseUrl, SAVED_OBJECT_IDS.sgDashboard)}`,
    `  ${dashboardUrl(dashboardsBaseUrl, SAVED_OBJECT_IDS.securityDashboard)}`,
    `  ${dashboardUrl(dashboardsBaseUrl, SAVED_OBJECT_IDS.ruleUsageDashboard)}`,
  );
  return `${lines.join('\n')}\n`;
}

async function runProxy(options: OpenSearchProxyCommandOptions, io: CliIo, dependencies: OpenSearchCommandDependencies): Promise<ExitCode> {
  const start = dependencies.startProxy ?? startOpenSearchSigningProxy;
  let proxy: OpenSearchSigningProxy;
  try {
    proxy = await start({ upstream: options.endpoint, region: options.region, port: options.port });
  } catch (error) {
    if (isErrorWithCode(error, 'EADDRINUSE')) {
      io.stderr.write(`vpc-flow-log-appender opensearch proxy: port ${options.port} of 127.0.0.1 is in use; pass another with --port\n`);
      return ExitCode.Failure;
    }
    throw error;
  }
  try {
    const dashboards = `${proxy.url}${AMAZON_OPENSEARCH_DASHBOARDS_PATH}`;
    io.stdout.write(
      [
        `signing requests to ${options.endpoint} (SigV4, ${options.region}) at ${proxy.url}; Ctrl-C stops it`,
        'dashboards:',
        `  ${dashboardUrl(dashboards, SAVED_OBJECT_IDS.sgDashboard)}`,
        `  ${dashboardUrl(dashboards, SAVED_OBJECT_IDS.securityDashboard)}`,
        `  ${dashboardUrl(dashboards, SAVED_OBJECT_IDS.ruleUsageDashboard)}`,
        '',
      ].join('\n'),
    );
    await (dependencies.untilStopped ?? untilInterrupted)();
  } finally {
    await proxy.close();
  }
  return ExitCode.Success;
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function isErrorWithCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

async function runExport(options: OpenSearchExportCommandOptions, io: CliIo): Promise<ExitCode> {
  const files = renderOpenSearchAssetFiles(buildOpenSearchAssets({ indexPattern: options.indexPattern, retentionDays: options.retentionDays, schema: options.schema }));
  await mkdir(options.outDirectory, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(options.outDirectory, name);
    await writeFile(path, content);
    io.stdout.write(`${path}\n`);
  }
  return ExitCode.Success;
}
