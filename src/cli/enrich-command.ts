import { EC2Client } from '@aws-sdk/client-ec2';
import { loadInventoryDirectory } from '../adapters/inventory-directory-source.js';
import { IPSTACK_DEFAULT_BASE_URL } from '../adapters/ipstack-geo-locator.js';
import { createCachedGeolocation, createEc2Enrichment, ownAccountClientForEveryScope, type EnrichmentCacheSettings } from '../composition/enrichment.js';
import type { GeolocationConfig } from '../config/decorator-config.js';
import { planEnriches, planReadsRules, resolveEnrichmentPlan, type EnrichmentPlan } from '../config/enrichment-plan.js';
import type { LookupScope } from '../domain/lookup-scope.js';
import { enrichFlowLogs, UNNAMED_SCOPE, type BatchLookup, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import type { FlowLogDocument, FlowLogFormat } from '../flow-log/index.js';
import { isOutputSchema, OUTPUT_SCHEMAS, OutputSchema, toSchemaDocument } from '../output-schema/output-schema.js';
import { systemClock, type Logger, type LookupOutcome, type SecurityGroupRuleSource } from '../ports.js';
import { ACCOUNT_OPTIONS, createCliAccountClients, parseAccountOptions, type AccountRoleRefusals, type CliLookupAccounts } from './account-options.js';
import { ec2ClientFor, recordSdkErrors } from './aws-clients.js';
import { createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, describeCause, parseCommand, renderUsage, type OptionTable, type OptionValues } from './command.js';
import { parseLogFormatOption } from './log-format-option.js';
import { watchLookupFailures } from './lookup-failures.js';
import { InputSourceError, parseS3Url, type InputSourceOptions } from './input-sources.js';
import { createMessageWriter, readFlowLogInputs } from './read-flow-log-inputs.js';

/** ipstack through the decorator's adapter: the key from SSM, never printed. */
export interface IpstackOptions {
  /** The SSM parameter holding the access key; default DEFAULT_IPSTACK_PARAMETER, the stack's. */
  readonly parameterName: string;
  /** Default `https://api.ipstack.com`. */
  readonly baseUrl: string;
  readonly allowPlainHttp: boolean;
  readonly bulk: boolean;
}

export interface EnrichOptions {
  /** Local paths, `-` and `s3://bucket/prefix` URLs, in order. */
  readonly files: readonly string[];
  readonly format?: FlowLogFormat;
  /** The format came by its deprecated name, `--format`: the run says so once on stderr. */
  readonly formatByOldName?: true;
  /** A directory of AWS CLI EC2 output; absent (and no `live`): no interface or rule fields. */
  readonly inventory?: string;
  /** Look interfaces and rules up in EC2, as the decorator does; not with `inventory`. */
  readonly live?: boolean;
  /** With `live`: each record looked up in its own account through this role (issue 17). */
  readonly lookupAccounts?: CliLookupAccounts;
  /** A MaxMind DB file; absent: no geolocation from a file. */
  readonly geoDatabase?: string;
  /** Geolocation by ipstack; not with `geoDatabase`. */
  readonly ipstack?: IpstackOptions;
  /** List the applicable `security_group_rules`; default false. */
  readonly listRules?: boolean;
  /** Attribute records to rules when rules are known; default true. */
  readonly attributeRules?: boolean;
  /** The schema of the documents written; default native. */
  readonly schema?: OutputSchema;
}

/** What runEnrich reaches the outside world with, replaceable in tests. */
export interface EnrichDependencies {
  /** The EC2 client of `--live`; default `new EC2Client({})` (default credential chain and Region). */
  readonly ec2?: () => EC2Client;
  /** The S3 reader of `s3://` inputs; default the real S3 client. */
  readonly s3?: InputSourceOptions['s3'];
  /**
   * The caller's own account with `--live`, where records that name no account are looked up;
   * default unnamed (the CLI makes no STS call): such records share one scope of their own.
   */
  readonly accountId?: string;
}

/** Documents enriched at once: every distinct interface, group and address is looked up once per chunk. */
const ENRICH_CHUNK_DOCUMENTS = 2_000;

/**
 * How long `--live` keeps what EC2 said: longer than any run, so each interface, group and
 * prefix list is asked for once; a run that outlives it just asks again.
 */
const LIVE_CACHE_TTL_SECONDS = 3_600;

/** A CLI run geolocates each address once; the decorator's defaults. */
const GEO_CACHE_TTL_SECONDS = 86_400;
const IPSTACK_CONCURRENCY = 4;

/** The stack's own parameter (template.yaml IpstackApiKeyParameterName), so `--geo ipstack` finds a deployed stack's key. */
export const DEFAULT_IPSTACK_PARAMETER = '/vpc-flow-log-appender/ipstack-api-key';

/** The options of `enrich`: parsed and listed in its usage from this one table. */
const ENRICH_OPTIONS = {
  'log-format': {
    type: 'string',
    value: '"<format>"',
    help: `The LogFormat of the records, as in the flow log's definition
("\${version} \${srcaddr} \${dstaddr} ...") or as the header line of an
S3 file ("version srcaddr dstaddr ..."). Default: the default format. A
header line in a file overrides it. --format is its old name, still read.`,
  },
  format: { type: 'string', hidden: true, help: 'Deprecated: --log-format.' },
  inventory: {
    type: 'string',
    value: 'DIR',
    help: `Enrich from saved AWS CLI output instead of EC2: every *.json file of DIR
printed by "aws ec2 describe-network-interfaces", "describe-security-group-rules"
or "describe-security-groups" (any file names; "snapshot --out DIR" writes
them). Adds the interface's security_group_ids/names, vpc_id, subnet_id,
instance_id, direction and, when rules are known, the rules that allowed each
flow (security_group_rule_ids, rule_match). Without describe-security-group-rules
output, rules are derived from describe-security-groups and named
<group>/<direction>/<n>.`,
  },
  live: {
    type: 'boolean',
    help: `Look interfaces, security-group rules, prefix lists and group members up in
EC2 instead, as the decorator does (default credential chain and Region;
AWS_ENDPOINT_URL_EC2 applies). Needs ec2:DescribeNetworkInterfaces,
ec2:DescribeSecurityGroupRules and ec2:GetManagedPrefixListEntries. When a
look-up fails (EC2 unreachable, credentials refused), its cause is printed once
and the exit status is 1; the documents already written stay written. With
--role-arn-pattern, each record is looked up in its own account (account_id)
through the role there; an account whose role cannot be assumed (or that
--accounts leaves out) is named once, its records say account_role_failed,
and the exit status is 1 (0 with --allow-refused-accounts).`,
  },
  geo: {
    type: 'string',
    value: 'none|mmdb:PATH|ipstack',
    help: `Geolocate public addresses (src_geo, dst_geo): none (default); a MaxMind DB
file, e.g. mmdb:GeoLite2-City.mmdb; or ipstack, with the access key read
from an SSM parameter (decrypted; AWS_ENDPOINT_URL_SSM applies).`,
  },
  ...ACCOUNT_OPTIONS,
  'ipstack-parameter': { type: 'string', value: 'NAME', help: `The SSM parameter holding the ipstack key. Default: ${DEFAULT_IPSTACK_PARAMETER},\nthe stack's.` },
  'ipstack-url': { type: 'string', value: 'URL', help: 'The ipstack endpoint. Default: https://api.ipstack.com.' },
  'ipstack-allow-plain-http': {
    type: 'boolean',
    help: 'Allow an http:// --ipstack-url (ipstack\'s free plan has no HTTPS); the key\nthen travels unencrypted.',
  },
  'ipstack-bulk': { type: 'boolean', help: 'Use ipstack\'s Bulk Lookup (paid plans): up to 50 addresses a request.' },
  rules: { type: 'boolean', help: 'Also list the full security_group_rules that apply to each record (needs\n--inventory or --live).' },
  'no-rules': { type: 'boolean', help: 'Do not attribute records to rules (needs --inventory or --live; not with\n--rules).' },
  schema: {
    type: 'string',
    value: 'native|ecs|ocsf',
    help: `The schema of the documents: native (default: flow-log field names plus
ours, as the decorator writes by default), ecs (Elastic Common Schema) or ocsf
(OCSF 1.1.0 Network Activity), as the decorator writes with OUTPUT_SCHEMA.
Documents passed through are written as they are.`,
  },
} as const satisfies OptionTable;

export const enrichCommand = defineCommand({
  name: 'enrich',
  arguments: '[INPUT...] [options]',
  summary: 'Turn VPC Flow Logs records into JSON documents (NDJSON on stdout).',
  description: `Reads VPC Flow Logs records from each INPUT and writes one JSON document per record to standard
output (NDJSON). An INPUT is a local file, "-" for standard input (also when no INPUT is given),
or s3://BUCKET/PREFIX: every object under the prefix, in key order, as VPC Flow Logs delivers them
to S3 (AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/*.log.gz, Hive-style keys too) or as a
Firehose S3 destination writes {"message":"..."} records. Plain text or gzip, detected from the
content. S3 is read with the default credential chain and Region; AWS_ENDPOINT_URL_S3 applies.

Accepted lines: records in the default format or the --log-format given; S3 header lines (they set
the format for the rest of their file or object); {"message":"..."} wrappers as delivered to
Firehose, also several on one line; CloudWatch Logs subscription payloads ({"awslogs":{"data":...}}
events, decoded or gzipped payloads) and Firehose transformation events ({"records":[{"data":...}]}),
one JSON object a line or pretty-printed over several, as events/*.json ("pipeline --events DIR"
runs event files through the whole pipeline); documents this stack already wrote (enriched NDJSON
under flow-logs/), passed through as they are. Every bad line is reported on standard error as
INPUT:LINE: reason (s3://BUCKET/KEY:LINE for an object), and processing continues. When standard
error is a terminal, a progress bar shows the bytes read.`,
  options: ENRICH_OPTIONS,
  positionals: true,
  epilogue: `Exit status: 0 when every line was a record, header or blank; 1 when any line or input was bad,
an input or the inventory could not be read, or a look-up failed; 2 on a command-line error.`,
  parse: parseEnrichOptions,
  run: (options, io) => runEnrich(options, io),
});

export const ENRICH_USAGE = renderUsage(enrichCommand);

/**
 * Reads the arguments of `enrich`; a mistake throws a UsageError.
 *
 * @example parseEnrichArguments(['--log-format', '${srcaddr} ${dstaddr}', 'a.log']) // { files: ['a.log'], format: {...} }
 */
export function parseEnrichArguments(args: readonly string[]): EnrichOptions | 'help' {
  return parseCommand(enrichCommand, args);
}

function parseEnrichOptions(values: OptionValues<typeof ENRICH_OPTIONS>, positionals: readonly string[]): EnrichOptions {
  if (values.format !== undefined && values['log-format'] !== undefined) throw new UsageError('--format is the old name of --log-format: give one of them');
  const format = parseLogFormatOption(values['log-format'] ?? values.format, values.format === undefined ? '--log-format' : '--format');
  if (values.inventory !== undefined && values.live === true) {
    throw new UsageError('--inventory and --live contradict each other: choose where interfaces come from');
  }
  if (values.rules === true && values['no-rules'] === true) {
    throw new UsageError('--rules and --no-rules contradict each other');
  }
  if ((values.rules === true || values['no-rules'] === true) && values.inventory === undefined && values.live !== true) {
    throw new UsageError(`${values.rules === true ? '--rules' : '--no-rules'} needs --inventory or --live: rules come from them`);
  }
  const files = positionals.length === 0 ? ['-'] : [...positionals];
  for (const file of files) {
    try {
      parseS3Url(file);
    } catch (error) {
      if (error instanceof InputSourceError) throw new UsageError(error.message, undefined, { cause: error });
      throw error;
    }
  }
  const lookupAccounts = parseAccountOptions(values);
  if (lookupAccounts !== undefined && values.live !== true) throw new UsageError('--role-arn-pattern needs --live: an inventory is read as it is');
  const geo = parseGeoOption(values);
  const schema = values.schema;
  if (schema !== undefined && !isOutputSchema(schema)) throw new UsageError(`--schema: expected ${OUTPUT_SCHEMAS.join(', ')}, got "${schema}"`);
  return {
    files,
    ...(format === undefined ? {} : { format }),
    ...(values.format === undefined ? {} : { formatByOldName: true as const }),
    ...(values.inventory === undefined ? {} : { inventory: values.inventory }),
    ...(values.live === true ? { live: true } : {}),
    ...(lookupAccounts === undefined ? {} : { lookupAccounts }),
    ...geo,
    ...(values.rules === true ? { listRules: true } : {}),
    ...(values['no-rules'] === true ? { attributeRules: false } : {}),
    ...(schema === undefined || schema === OutputSchema.Native ? {} : { schema }),
  };
}

function parseGeoOption(values: {
  geo?: string | undefined;
  'ipstack-parameter'?: string | undefined;
  'ipstack-url'?: string | undefined;
  'ipstack-allow-plain-http'?: boolean | undefined;
  'ipstack-bulk'?: boolean | undefined;
}): Pick<EnrichOptions, 'geoDatabase' | 'ipstack'> {
  const value = values.geo;
  const ipstackOptions = (['ipstack-parameter', 'ipstack-url', 'ipstack-allow-plain-http', 'ipstack-bulk'] as const).filter((name) => values[name] !== undefined);
  if (value !== 'ipstack' && ipstackOptions.length > 0) {
    throw new UsageError(`--${ipstackOptions.join(', --')} needs --geo ipstack`);
  }
  if (value === undefined || value === 'none') return {};
  if (value.startsWith('mmdb:') && value.length > 'mmdb:'.length) return { geoDatabase: value.slice('mmdb:'.length) };
  if (value !== 'ipstack') throw new UsageError(`--geo: expected none, mmdb:PATH or ipstack, got "${value}"`);
  const baseUrl = values['ipstack-url'] ?? IPSTACK_DEFAULT_BASE_URL;
  const allowPlainHttp = values['ipstack-allow-plain-http'] === true;
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new UsageError(`--ipstack-url: expected an https:// URL, got "${baseUrl}"`);
  if (baseUrl.startsWith('http://') && !allowPlainHttp) {
    throw new UsageError('--ipstack-url is plain HTTP: the key would travel unencrypted; add --ipstack-allow-plain-http to accept that');
  }
  const parameterName = values['ipstack-parameter'] ?? DEFAULT_IPSTACK_PARAMETER;
  if (parameterName === '') throw new UsageError('--ipstack-parameter: expected an SSM parameter name');
  return { ipstack: { parameterName, baseUrl, allowPlainHttp, bulk: values['ipstack-bulk'] === true } };
}

/**
 * Parses every input in turn into NDJSON on stdout, reporting each bad line on stderr as
 * `INPUT:LINE: reason` and carrying on; returns 1 when any line (or input) was bad, else 0. With
 * an inventory, `--live` or geolocation, documents go through the decorator's enrichFlowLogs in
 * chunks of ENRICH_CHUNK_DOCUMENTS, in input order; without, each is written as parsed.
 *
 * @example await runEnrich({ files: ['flow-logs.log.gz', 's3://logs-bucket/AWSLogs/'] }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runEnrich(options: EnrichOptions, io: CliIo, dependencies: EnrichDependencies = {}): Promise<ExitCode> {
  const out = createBufferedWriter(io.stdout);
  const errors = createMessageWriter(io.stderr);
  if (options.formatByOldName === true) await errors.write('vpc-flow-log-appender enrich: --format is deprecated, use --log-format (the same value)\n');
  const loaded = await loadEnrichmentSources(options, errors, dependencies);
  const watched = loaded === undefined ? undefined : watchLookupFailures(loaded.sources);
  const sources = watched?.sources;
  // Each kind of failed look-up is said once, with its cause, as soon as it happens.
  const reportFailures = async (): Promise<void> => {
    const groupsWithoutRules = loaded?.takeGroupsWithoutRules?.() ?? [];
    if (groupsWithoutRules.length > 0) await errors.write(inventoryGapMessage(groupsWithoutRules));
    for (const refusal of loaded?.accountRefusals?.takeNew() ?? []) {
      await errors.write(`vpc-flow-log-appender enrich: ${refusal.message}; the account's records say account_role_failed in enrichment_issues\n`);
    }
    for (const failure of watched?.takeNew() ?? []) {
      const cause = loaded?.lastSdkError();
      await errors.write(
        `vpc-flow-log-appender enrich: ${failure.label} look-up failed: ${cause === undefined ? failure.reason : describeCause(cause)}; ` +
          'the documents affected say so in enrichment_issues\n',
      );
    }
  };
  const schema = options.schema ?? OutputSchema.Native;
  const pending: FlowLogDocument[] = [];
  const writeDocument = async (document: FlowLogDocument): Promise<void> => {
    if (sources === undefined) {
      await out.write(`${JSON.stringify(toSchemaDocument(schema, document))}\n`);
      return;
    }
    pending.push(document);
    if (pending.length >= ENRICH_CHUNK_DOCUMENTS) {
      await writeEnriched(pending.splice(0), sources, out, schema);
      await reportFailures();
    }
  };
  // A document this stack already wrote (enriched NDJSON under flow-logs/) goes out as it is, in
  // its place among the others: the documents enriched before it are written first.
  const passThrough = async (line: string): Promise<boolean> => {
    if (!isWrittenDocument(line)) return false;
    if (sources !== undefined && pending.length > 0) await writeEnriched(pending.splice(0), sources, out, schema);
    await out.write(`${line.trim()}\n`);
    return true;
  };
  const { badLines } = await readFlowLogInputs(
    { inputs: options.files, label: 'enrich', ...(options.format === undefined ? {} : { format: options.format }), ...(dependencies.s3 === undefined ? {} : { s3: dependencies.s3 }) },
    io,
    errors,
    { line: passThrough, record: writeDocument },
  );
  if (sources !== undefined && pending.length > 0) await writeEnriched(pending.splice(0), sources, out, schema);
  await reportFailures();
  await out.flush();
  await errors.flush();
  const inventoryIncomplete = loaded?.groupsWithoutRules !== undefined && loaded.groupsWithoutRules() > 0;
  // --allow-refused-accounts: the records are still flagged and the accounts named, but that is no failure.
  const accountRefused = (loaded?.accountRefusals?.count() ?? 0) > 0 && options.lookupAccounts?.allowRefused !== true;
  return badLines > 0 || watched?.failed() === true || inventoryIncomplete || accountRefused ? ExitCode.Failure : ExitCode.Success;
}

/** Group ids named in one message before the rest are counted. */
const GROUPS_NAMED = 5;

/** Nothing was looked up and nothing failed: the inventory lacks these groups' rules, and the user can add them. */
function inventoryGapMessage(groupIds: readonly string[]): string {
  const named = groupIds.slice(0, GROUPS_NAMED).join(', ');
  const rest = groupIds.length > GROUPS_NAMED ? ` and ${groupIds.length - GROUPS_NAMED} more` : '';
  return (
    `vpc-flow-log-appender enrich: the inventory has no rules for ${named}${rest}: add their aws ec2 describe-security-group-rules ` +
    '(or describe-security-groups) output to it; the documents affected say sg_rules_lookup_failed in enrichment_issues\n'
  );
}

async function writeEnriched(documents: readonly FlowLogDocument[], sources: FlowLogEnrichmentSources, out: { write(text: string): Promise<void> }, schema: OutputSchema): Promise<void> {
  let text = '';
  for (const document of await enrichFlowLogs(documents, sources)) text += `${JSON.stringify(toSchemaDocument(schema, document))}\n`;
  await out.write(text);
}

/**
 * The enrichment the options ask for, or undefined for plain parsing. An unreadable inventory or
 * database, a bad ipstack setting or a missing Region is thrown as the AppenderError it is (exit
 * 1, one line, no usage), before any record is read.
 */
async function loadEnrichmentSources(options: EnrichOptions, errors: { write(text: string): Promise<void> }, dependencies: EnrichDependencies): Promise<LoadedSources | undefined> {
  const plan = enrichPlan(options);
  if (!planEnriches(plan)) return undefined;
  const logger = stderrLogger(errors);
  if (options.live === true) {
    return options.lookupAccounts === undefined ? await loadLiveSources(plan, logger, dependencies) : await loadAccountsLiveSources(options.lookupAccounts, plan, logger);
  }
  return await loadOfflineSources(options, plan, logger, errors);
}

/**
 * The stages `enrich` runs: interfaces (and rules) from an inventory or `--live`, the rule options
 * as given (their defaults the plan's), geolocation as `--geo` says.
 *
 * @example enrichPlan({ files: ['-'], inventory: 'inventory/', listRules: true }) // { interfaces: true, listRules: true, attributeRules: true, geolocation: { provider: 'none' } }
 */
export function enrichPlan(options: EnrichOptions): EnrichmentPlan {
  return resolveEnrichmentPlan({
    interfaces: options.inventory !== undefined || options.live === true,
    ...(options.listRules === undefined ? {} : { listRules: options.listRules }),
    ...(options.attributeRules === undefined ? {} : { attributeRules: options.attributeRules }),
    geolocation: geolocationConfig(options),
  });
}

/** The sources of an enrichment, and the last error an AWS client of theirs ended with (the cause of a failed look-up). */
interface LoadedSources {
  readonly sources: FlowLogEnrichmentSources;
  readonly lastSdkError: () => unknown;
  /** An inventory's groups whose rules were asked for and that it lacks, each once: those not yet taken. */
  readonly takeGroupsWithoutRules?: () => string[];
  /** How many groups the inventory lacked the rules of, in all. */
  readonly groupsWithoutRules?: () => number;
  /** With look-up roles: the accounts refused. */
  readonly accountRefusals?: AccountRoleRefusals;
}

async function loadOfflineSources(options: EnrichOptions, plan: EnrichmentPlan, logger: Logger, errors: { write(text: string): Promise<void> }): Promise<LoadedSources> {
  const inventory = options.inventory === undefined ? undefined : await loadInventoryDirectory(options.inventory);
  for (const file of inventory?.ignoredFiles ?? []) {
    await errors.write(`${file}: ignored, holds no NetworkInterfaces, SecurityGroups or SecurityGroupRules\n`);
  }
  const geo = await createCachedGeolocation(plan.geolocation, systemClock, logger);
  const rules = planReadsRules(plan) ? inventory?.securityGroupRules : undefined;
  // A group the inventory has no rules of is `not_found`, which flags the documents but is no
  // failed look-up: remember it so the command can say what to add to the inventory.
  const groupsWithoutRules = new Set<string>();
  let groupsTaken = 0;
  const noticingAbsentGroups = (source: SecurityGroupRuleSource): SecurityGroupRuleSource['describeSecurityGroupRules'] => async (scope, ids) => {
    const outcomes = await source.describeSecurityGroupRules(scope, ids);
    for (const [groupId, outcome] of outcomes) if (outcome.status === 'not_found') groupsWithoutRules.add(groupId);
    return outcomes;
  };
  const sources: FlowLogEnrichmentSources = {
    ...(inventory === undefined ? {} : { networkInterfaces: batchLookupOf((scope, ids) => inventory.networkInterfaces.describeNetworkInterfaces(scope, ids)) }),
    ...(inventory === undefined || rules === undefined
      ? {}
      : {
          securityGroupRules: batchLookupOf(noticingAbsentGroups(rules)),
          listRules: plan.listRules,
          attributeRules: plan.attributeRules,
          ...(plan.attributeRules ? { securityGroupMembers: batchLookupOf((scope, ids) => inventory.securityGroupMembers.describeSecurityGroupMembers(scope, ids)) } : {}),
        }),
    ...(geo === undefined ? {} : { geolocation: geo.locator }),
  };
  return {
    sources,
    lastSdkError: () => undefined,
    takeGroupsWithoutRules: () => {
      const fresh = [...groupsWithoutRules].slice(groupsTaken);
      groupsTaken = groupsWithoutRules.size;
      return fresh;
    },
    groupsWithoutRules: () => groupsWithoutRules.size,
  };
}

/** `--live`: the decorator's own enrichment (EC2 adapters, caches, geolocation), with run-long caches. */
async function loadLiveSources(plan: EnrichmentPlan, logger: Logger, dependencies: EnrichDependencies): Promise<LoadedSources> {
  const ec2 = await ec2ClientFor(dependencies.ec2, '--live');
  const sdkErrors = recordSdkErrors(ec2);
  const caches: EnrichmentCacheSettings = {
    interfaceCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
    interfaceNegativeCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
    rulesCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
  };
  const enrichment = await createEc2Enrichment(plan, caches, { clientFor: ownAccountClientForEveryScope(ec2), clock: systemClock, logger });
  const ownScope: LookupScope = { accountId: dependencies.accountId ?? UNNAMED_SCOPE.accountId, region: await ec2.config.region() };
  return { sources: { ...enrichment.sources, ownScope }, lastSdkError: () => sdkErrors.last() };
}

/**
 * `--live --role-arn-pattern`: the decorator's enrichment with an EC2 client per account, each
 * record looked up in its own account (the caller's own with its own credentials); records that
 * name no account are looked up in the caller's.
 */
async function loadAccountsLiveSources(config: CliLookupAccounts, plan: EnrichmentPlan, logger: Logger): Promise<LoadedSources> {
  const sdkErrors: { last?: unknown } = {};
  const { ec2For, region, ownAccountId, refusals } = await createCliAccountClients(config, 'enrich --live', {
    createEc2Client: (clientConfig) => {
      const client = new EC2Client(clientConfig);
      recordSdkErrors(client, sdkErrors);
      return client;
    },
  });
  const caches: EnrichmentCacheSettings = {
    interfaceCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
    interfaceNegativeCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
    rulesCacheTtlSeconds: LIVE_CACHE_TTL_SECONDS,
  };
  const enrichment = await createEc2Enrichment(plan, caches, { clientFor: ec2For, clock: systemClock, logger });
  return { sources: { ...enrichment.sources, ownScope: { accountId: ownAccountId, region } }, lastSdkError: () => sdkErrors.last, accountRefusals: refusals };
}

function geolocationConfig(options: EnrichOptions): GeolocationConfig {
  if (options.geoDatabase !== undefined) return { provider: 'mmdb', databasePath: options.geoDatabase, cacheTtlSeconds: GEO_CACHE_TTL_SECONDS };
  if (options.ipstack !== undefined) {
    return {
      provider: 'ipstack',
      apiKeyParameterName: options.ipstack.parameterName,
      baseUrl: options.ipstack.baseUrl,
      allowPlainHttp: options.ipstack.allowPlainHttp,
      bulk: options.ipstack.bulk,
      concurrency: IPSTACK_CONCURRENCY,
      cacheTtlSeconds: GEO_CACHE_TTL_SECONDS,
    };
  }
  return { provider: 'none' };
}

/**
 * The adapters' warnings (ipstack refusing, a plain-text key parameter) on stderr, once each as
 * the adapters emit them; debug and info stay quiet, as no per-record detail belongs there. The
 * adapters never put a key in a message or attribute.
 */
function stderrLogger(errors: { write(text: string): Promise<void> }): Logger {
  const print = (level: string) => (message: string, attributes?: Readonly<Record<string, unknown>>) => {
    void errors.write(`vpc-flow-log-appender: ${level}: ${message}${attributes === undefined ? '' : ` ${JSON.stringify(attributes)}`}\n`);
  };
  return { debug: () => {}, info: () => {}, warn: print('warning'), error: print('error') };
}

/** The in-memory sources answer at once: no cache or batching is needed in front of them. */
export function batchLookupOf<T>(describe: (scope: LookupScope, keys: readonly string[]) => Promise<ReadonlyMap<string, LookupOutcome<T>>>): BatchLookup<LookupOutcome<T>> {
  return { lookup: (scope, keys) => describe(scope, [...keys]) };
}

/** Keys every document of the parser has, one of which an enriched document always carries. */
const DOCUMENT_KEYS = ['interface_id', 'srcaddr', 'log_status', 'action', '@timestamp'] as const;

/**
 * Whether a line is a JSON document as the decorator or `enrich` writes it, rather than a raw
 * record or its `{"message"}` wrapper (which the parser reads).
 *
 * @example isWrittenDocument('{"version":2,"interface_id":"eni-1","@timestamp":"2026-06-01T08:00:10.000Z"}') // true
 */
export function isWrittenDocument(line: string): boolean {
  if (!line.trimStart().startsWith('{')) return false;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'message' in value) return false;
  return DOCUMENT_KEYS.some((key) => key in value);
}
