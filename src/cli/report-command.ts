import { writeFile } from 'node:fs/promises';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { takeEc2Snapshot } from '../adapters/ec2-inventory-snapshot.js';
import { createEc2PrefixListSource } from '../adapters/ec2-prefix-list-source.js';
import { createInventorySources, loadInventoryDirectory, type Inventory } from '../adapters/inventory-directory-source.js';
import type { S3ObjectReader } from '../adapters/s3-object-reader.js';
import { enrichFlowLogs, UNNAMED_SCOPE, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import type { FlowLogDocument, FlowLogFormat } from '../flow-log/index.js';
import type { LookupOutcome, SecurityGroupRule } from '../ports.js';
import {
  adviseSecurityGroups,
  createSecurityGroupReportBuilder,
  DEFAULT_REPORT_THRESHOLDS,
  isEnrichedDocument,
  renderCliScripts,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  toReportFlow,
  type ReportThresholds,
  type SecurityGroupReport,
  type SecurityGroupReportBuilder,
} from '../report/index.js';
import { ACCOUNT_OPTIONS, parseAccountOptions, type CliLookupAccounts } from './account-options.js';
import { ec2ClientFor } from './aws-clients.js';
import { CommandFailure, createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, parseCommand, renderUsage, type OptionTable, type OptionValues } from './command.js';
import { batchLookupOf } from './enrich-command.js';
import { loadAccountsLiveInventory } from './live-accounts-inventory.js';
import { createMessageWriter, readFlowLogInputs, type MessageWriter } from './read-flow-log-inputs.js';
import { parseLogFormatOption } from './log-format-option.js';
import { parseVpcIds } from './vpc-ids.js';
import { adviseFromAthena, ATHENA_REPORT_OPTIONS, parseAthenaReportOptions, type AthenaReportOptions } from './report-athena.js';
import type { OpenSearchHttpClientOptions } from '../adapters/opensearch-http-client.js';
import type { OpenSearchHttp } from '../opensearch/index.js';
import { parseReportOpenSearchOptions, readOpenSearchLedger, REPORT_OPENSEARCH_OPTIONS, type ReportOpenSearchOptions } from './report-opensearch-source.js';
import { REPORT_WINDOW_OPTIONS, windowOptionsGiven } from './report-window.js';

/** The options of `report`: parsed and listed in its usage from this one table. */
const REPORT_OPTIONS = {
  inventory: {
    type: 'string',
    value: 'DIR',
    help: `Saved AWS CLI EC2 output (describe-network-interfaces, and
describe-security-group-rules or describe-security-groups), as for
"enrich --inventory" ("snapshot --out DIR" writes it). Unused rules are
found in its full rule list. Rules naming a prefix list are "not judged":
a saved inventory holds no prefix-list entries.`,
  },
  live: {
    type: 'boolean',
    help: `Read the inventory from EC2 instead, once at the start, as "snapshot" does
(every interface, group and rule of the Region, or of --vpc-id), and the
entries of every prefix list a rule names. Default credential chain and
Region; AWS_ENDPOINT_URL_EC2 applies. Needs ec2:DescribeNetworkInterfaces,
ec2:DescribeSecurityGroups, ec2:DescribeSecurityGroupRules and
ec2:GetManagedPrefixListEntries. Not with --inventory.`,
  },
  'vpc-id': { type: 'string', value: 'VPC', multiple: true, help: 'With --live: only this VPC\'s interfaces, groups and rules. Repeatable.' },
  // With --live: one inventory per account of --accounts, each read through its role.
  ...ACCOUNT_OPTIONS,
  format: {
    type: 'string',
    value: 'md|json|html|cli',
    help: `Output format; default md. html is one self-contained page with charts.
cli writes a bash script of AWS CLI commands (authorize the replacement
rules, then revoke the old ones) that runs nothing without --apply, and
its rollback beside it (FILE.rollback.sh); it needs --out.`,
  },
  out: { type: 'string', value: 'FILE', help: 'Write the report to FILE instead of standard output.' },
  'min-window': {
    type: 'string',
    value: 'DAYS',
    help: `Days every interface of a rule's group must be covered by records before
the rule may be called unused or narrowed; default ${DEFAULT_REPORT_THRESHOLDS.minWindowDays}.`,
  },
  'public-min-peers': {
    type: 'string',
    value: 'N',
    help: `Distinct public peers that make a rule from the internet a public service
(kept as it is); default ${DEFAULT_REPORT_THRESHOLDS.publicServiceMinPeers}.`,
  },
  'public-min-networks': {
    type: 'string',
    value: 'N',
    help: `... spread over at least N distinct /8 (IPv4) or /32 (IPv6) networks;
default ${DEFAULT_REPORT_THRESHOLDS.publicServiceMinNetworks}.`,
  },
  'max-cidrs': { type: 'string', value: 'N', help: `Blocks a narrowed peer may become at most; default ${DEFAULT_REPORT_THRESHOLDS.maxSuggestedCidrs}.` },
  'max-ports': { type: 'string', value: 'N', help: `Ports a narrowed range or all-traffic rule may keep at most; default ${DEFAULT_REPORT_THRESHOLDS.maxNarrowedPorts}.` },
  'log-format': {
    type: 'string',
    value: '"<format>"',
    help: `The LogFormat of raw records, as for enrich ("\${version} \${srcaddr} ..." or
"version srcaddr ..."); default the default format. A header line in an input
overrides it.`,
  },
  ...ATHENA_REPORT_OPTIONS,
  ...REPORT_OPENSEARCH_OPTIONS,
  ...REPORT_WINDOW_OPTIONS,
} as const satisfies OptionTable;

export const reportCommand = defineCommand({
  name: 'report',
  arguments: '[INPUT... | --athena --workgroup W --database D] (--inventory DIR | --live) [options]',
  summary: 'Security-group report: rule usage, unused and over-broad rules, exposure (md, json, html).',
  description: `Reads VPC Flow Logs and advises on security groups for the window they cover: a verdict per rule
(keep, remove, narrow, review) with its reasons and evidence, replacement rules proven against
every accepted flow of the window, SSH/RDP/database ports open to the internet and the attempts
on them, per-rule usage, unused and over-broad rules, top rejected sources and top talkers.

INPUT is a file (plain text or gzip, detected from the content), "-" for standard input (the
default), or s3://bucket/prefix (every object under the prefix). Lines are raw records (any
format the enrich command reads, S3 header lines, {"message":"..."} wrappers) or documents already
enriched by the decorator or "enrich" (NDJSON), detected line by line. Enriched documents with a
rule_match are taken as they are; the others are attributed with the inventory's rules. Each bad
line is reported on standard error as INPUT:LINE: reason and skipped. When standard error is a
terminal, a progress bar shows the bytes read (never in a pipe, a file or CI logs).`,
  options: REPORT_OPTIONS,
  positionals: true,
  epilogue: `Definitions (unused, over-broad, exposure, error bounds) are printed in every report and in the
README's "Security-group report" section. Memory stays bounded whatever the input size.

Exit status: 0 when every line was usable; 1 when any line or input was bad (the report is still
written), the inventory could not be read, EC2 refused a --live call (no report), or an account
was skipped for its role (the report is still written; unless --allow-refused-accounts); 2 on a
command-line error.`,
  parse: parseReportOptions,
  run: (options, io) => runReport(options, io),
});

export const REPORT_USAGE = renderUsage(reportCommand);

export const ReportFormat = { Markdown: 'md', Json: 'json', Html: 'html', Cli: 'cli' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

export interface ReportOptions {
  readonly inputs: readonly string[];
  /** Where the rules come from: a directory of AWS CLI output, or EC2 itself. */
  readonly inventory: string | { readonly live: true; readonly vpcIds: readonly string[]; readonly lookupAccounts?: CliLookupAccounts };
  readonly format: ReportFormat;
  /** Absent: standard output. */
  readonly out?: string;
  readonly logFormat?: FlowLogFormat;
  /** Thresholds given on the command line; the others keep their defaults. */
  readonly thresholds?: Partial<ReportThresholds>;
  /** `--athena`: the ledger comes from Athena, not from inputs. */
  readonly athena?: AthenaReportOptions;
  /** `--opensearch`: the ledger comes from the cluster's aggregations, not from INPUT. */
  readonly opensearch?: ReportOpenSearchOptions;
}

export interface ReportDependencies {
  /** The S3 reader for s3:// inputs; default the real client. */
  readonly s3?: () => S3ObjectReader;
  /** The EC2 client of `--live`; default `new EC2Client({})` (default credential chain and Region). */
  readonly ec2?: () => EC2Client;
  /** The Athena client of `--athena`; default `new AthenaClient({})`. */
  readonly athena?: () => AthenaClient;
  /** The HTTP client of `--opensearch`; default the SigV4/basic/none client of src/adapters. */
  readonly createOpenSearchHttp?: (options: OpenSearchHttpClientOptions) => OpenSearchHttp;
}

/** Documents attributed at once: each distinct interface and group is looked up once per chunk. */
const REPORT_CHUNK_DOCUMENTS = 2_000;

/**
 * Reads the arguments of `report`; a mistake throws a UsageError.
 *
 * @example parseReportArguments(['--inventory', 'inv', '--format', 'html', 'a.log']) // { inputs: ['a.log'], inventory: 'inv', format: 'html' }
 * @example parseReportArguments(['--live', '--vpc-id', 'vpc-0a1b2c3d']) // { inputs: ['-'], inventory: { live: true, vpcIds: ['vpc-0a1b2c3d'] }, format: 'md' }
 */
export function parseReportArguments(args: readonly string[]): ReportOptions | 'help' {
  return parseCommand(reportCommand, args);
}

function parseReportOptions(values: OptionValues<typeof REPORT_OPTIONS>, positionals: readonly string[]): ReportOptions {
  const live = values.live === true;
  if (values.inventory === undefined && !live) throw new UsageError('--inventory DIR or --live is required: unused rules are found in the full rule list');
  if (values.inventory !== undefined && live) throw new UsageError('--inventory and --live exclude each other');
  const vpcIds = parseVpcIds(values['vpc-id']);
  if (vpcIds.length > 0 && !live) throw new UsageError('--vpc-id needs --live');
  const lookupAccounts = parseAccountOptions(values);
  if (lookupAccounts !== undefined && !live) throw new UsageError('--role-arn-pattern needs --live: a saved inventory is read as it is');
  if (lookupAccounts !== undefined && lookupAccounts.accounts === undefined && lookupAccounts.organization !== true) throw new UsageError('--role-arn-pattern needs --accounts: the accounts to read');
  const format = values.format ?? ReportFormat.Markdown;
  if (!(Object.values(ReportFormat) as string[]).includes(format)) throw new UsageError(`--format: expected md, json, html or cli, got "${format}"`);
  if (format === ReportFormat.Cli && values.out === undefined) throw new UsageError('--format cli needs --out FILE: the rollback script is written beside it');
  type NumericThreshold = 'minWindowDays' | 'publicServiceMinPeers' | 'publicServiceMinNetworks' | 'maxSuggestedCidrs' | 'maxNarrowedPorts';
  const thresholds: Partial<Record<NumericThreshold, number>> = {};
  const numberOption = (name: string, key: NumericThreshold, value: string | undefined, minimum: number): void => {
    if (value === undefined) return;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < minimum) throw new UsageError(`--${name}: expected a number of at least ${minimum}, got "${value}"`);
    thresholds[key] = Number(value);
  };
  numberOption('min-window', 'minWindowDays', values['min-window'], 0);
  numberOption('public-min-peers', 'publicServiceMinPeers', values['public-min-peers'], 1);
  numberOption('public-min-networks', 'publicServiceMinNetworks', values['public-min-networks'], 1);
  numberOption('max-cidrs', 'maxSuggestedCidrs', values['max-cidrs'], 1);
  numberOption('max-ports', 'maxNarrowedPorts', values['max-ports'], 1);
  const logFormat = parseLogFormatOption(values['log-format'], '--log-format');
  if (values.out === '') throw new UsageError('--out: expected a file name');
  if (values.athena === true && values.opensearch !== undefined) throw new UsageError('--athena and --opensearch exclude each other: the ledger comes from one engine');
  const windowOptions = windowOptionsGiven(values);
  if (windowOptions.length > 0 && values.athena !== true && values.opensearch === undefined) {
    throw new UsageError(`${windowOptions.join(', ')} ${windowOptions.length === 1 ? 'needs' : 'need'} --opensearch or --athena: INPUT is read whole`);
  }
  const athena = parseAthenaReportOptions(values, positionals, Math.floor(Date.now() / 1000));
  const opensearch = parseReportOpenSearchOptions(values, positionals, process.env, Math.floor(Date.now() / 1_000));
  return {
    ...(opensearch === undefined ? {} : { opensearch }),
    inputs: positionals.length === 0 ? ['-'] : [...positionals],
    inventory: values.inventory ?? { live: true, vpcIds, ...(lookupAccounts === undefined ? {} : { lookupAccounts }) },
    format: format as ReportFormat,
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(logFormat === undefined ? {} : { logFormat }),
    ...(Object.keys(thresholds).length === 0 ? {} : { thresholds }),
    ...(athena === undefined ? {} : { athena }),
  };
}

/**
 * Streams every input through attribution into the report builder, then renders the report to
 * `--out` or standard output. Bad lines are reported on stderr as `INPUT:LINE: reason` and
 * skipped; on a terminal a progress bar shows bytes read.
 *
 * @example await runReport({ inputs: ['flow-logs.log.gz'], inventory: 'inventory', format: 'html', out: 'report.html' }, { stdin, stdout, stderr })
 */
export async function runReport(options: ReportOptions, io: CliIo, dependencies: ReportDependencies = {}): Promise<ExitCode> {
  const errors = createMessageWriter(io.stderr);
  const { inventory, prefixLists, peerResolved = () => true, accountsRefused = false } = await loadReportInventory(options.inventory, errors, dependencies);
  // An account skipped for its role (--accounts organization) fails the run once the report is out.
  const inventoryStatus = accountsRefused ? ExitCode.Failure : ExitCode.Success;
  const sources = attributionSources(inventory, prefixLists);
  const rules = [...inventory.rulesByGroup.values()].flat();
  const advisorInventory = {
    rules,
    // Without a prefix list's entries, no flow can be attributed to a rule that names it.
    peerResolved: (rule: SecurityGroupRule) => (rule.peer.kind !== 'prefix_list' || prefixLists.has(rule.peer.prefix_list_id)) && peerResolved(rule),
    groupMembers: await groupMembersOf(inventory),
    prefixLists,
    interfaces: inventory.interfaceGroups,
  };
  if (options.athena !== undefined) {
    await writeReport(await adviseFromAthena(options.athena, advisorInventory, options.thresholds, io, dependencies.athena), rules, options, io);
    return inventoryStatus;
  }
  if (options.opensearch !== undefined) {
    const ledger = await readOpenSearchLedger(options.opensearch, rules, io, dependencies.createOpenSearchHttp);
    await writeReport(adviseSecurityGroups(ledger, advisorInventory, options.thresholds), rules, options, io);
    return inventoryStatus;
  }
  const builder = createSecurityGroupReportBuilder({ ...advisorInventory, ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }) });
  const pending: FlowLogDocument[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    // Documents of our own parser (or already sanitised by toReportFlow): no copy needed.
    for (const document of await enrichFlowLogs(pending.splice(0), sources)) builder.add(document);
  };
  const queue = async (document: FlowLogDocument): Promise<void> => {
    pending.push(document);
    if (pending.length >= REPORT_CHUNK_DOCUMENTS) await flush();
  };
  const { badLines } = await readFlowLogInputs(
    { inputs: options.inputs, label: 'report', ...(options.logFormat === undefined ? {} : { format: options.logFormat }), ...(dependencies.s3 === undefined ? {} : { s3: dependencies.s3 }) },
    io,
    errors,
    {
      line: async (line) => {
        const enriched = enrichedDocumentOf(line);
        if (enriched === undefined) return false;
        await addEnriched(enriched, builder, queue);
        return true;
      },
      record: queue,
    },
  );
  await flush();
  await errors.flush();
  await writeReport(builder.build(), rules, options, io);
  return badLines > 0 ? ExitCode.Failure : inventoryStatus;
}

/** The addresses of every group's interfaces, as the inventory knows them: for "peers are one group's members" and the replay of group references. */
async function groupMembersOf(inventory: Inventory): Promise<ReadonlyMap<string, readonly string[]>> {
  const outcomes = await inventory.securityGroupMembers.describeSecurityGroupMembers(UNNAMED_SCOPE, [...inventory.rulesByGroup.keys()]);
  const members = new Map<string, readonly string[]>();
  for (const [groupId, outcome] of outcomes) if (outcome.status === 'found') members.set(groupId, outcome.value);
  return members;
}

/**
 * Where `--format cli` writes the rollback script: beside the apply script.
 *
 * @example rollbackPathOf('changes.sh') // 'changes.rollback.sh'
 */
export function rollbackPathOf(out: string): string {
  return out.endsWith('.sh') ? `${out.slice(0, -'.sh'.length)}.rollback.sh` : `${out}.rollback.sh`;
}

/**
 * Renders a report in one of the text formats (`cli` is two scripts: see `renderCliScripts`).
 *
 * @example renderReport(report, 'md').startsWith('# Security-group report') // true
 */
export function renderReport(report: SecurityGroupReport, format: Exclude<ReportFormat, 'cli'>): string {
  switch (format) {
    case ReportFormat.Json:
      return renderJsonReport(report);
    case ReportFormat.Html:
      return renderHtmlReport(report);
    case ReportFormat.Markdown:
      return renderMarkdownReport(report);
  }
}

async function writeReport(report: SecurityGroupReport, rules: readonly SecurityGroupRule[], options: ReportOptions, io: CliIo): Promise<void> {
  if (options.out === undefined) {
    const out = createBufferedWriter(io.stdout);
    await out.write(renderReport(report, options.format === ReportFormat.Cli ? ReportFormat.Markdown : options.format));
    await out.flush();
    return;
  }
  if (options.format === ReportFormat.Cli) {
    const { apply, rollback } = renderCliScripts(report, rules);
    await writeOutputFile(options.out, apply, 0o755);
    await writeOutputFile(rollbackPathOf(options.out), rollback, 0o755);
  } else {
    await writeOutputFile(options.out, renderReport(report, options.format), 0o644);
  }
  // Silence after a long run would leave the user guessing: where it went, and what it says.
  const unused = report.unused.reduce((total, group) => total + group.rules.length, 0);
  const changes = report.recommendations.filter((recommendation) => recommendation.verdict === 'remove' || recommendation.verdict === 'narrow').length;
  io.stderr.write(
    `report: ${options.out} written (${options.format}): ${report.totals.records.toLocaleString('en-US')} records, ${report.rules.length} rules, ` +
      `${changes} change${changes === 1 ? '' : 's'} proposed, ${unused} unused, ${report.overBroad.length} over-broad, ${report.exposures.length} exposures\n`,
  );
}

async function writeOutputFile(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { encoding: 'utf8', mode });
  } catch (error) {
    throw new CommandFailure(`cannot write ${path}`, { cause: error });
  }
}

/** An enriched JSON document, or undefined for a raw record (or its `{"message"}` wrapper, or bad JSON the parser reports). */
function enrichedDocumentOf(line: string): Readonly<Record<string, unknown>> | undefined {
  if (!line.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isEnrichedDocument(value) ? value : undefined;
}

/** Attributed documents go straight in; documents enriched without attribution are attributed first. */
async function addEnriched(document: Readonly<Record<string, unknown>>, builder: SecurityGroupReportBuilder, queue: (document: FlowLogDocument) => Promise<void>): Promise<void> {
  const flow = toReportFlow(document);
  if (flow.rule_match !== undefined || flow.interface_id === undefined) {
    builder.add(flow);
    return;
  }
  // Rule ids without a rule_match are left-overs of another run: attribution writes both.
  delete flow.security_group_rule_ids;
  await queue(flow);
}

interface ReportInventory {
  readonly inventory: Inventory;
  /** Entries of the prefix lists rules name, as far as they are known (never from a saved inventory). */
  readonly prefixLists: ReadonlyMap<string, readonly string[]>;
  /** With --accounts: false for a rule whose peer group is in an account not read. */
  readonly peerResolved?: (rule: SecurityGroupRule) => boolean;
  /** With --accounts: accounts were skipped for their role, which fails the run. */
  readonly accountsRefused?: boolean;
}

/** The inventory of `--inventory DIR` or `--live`; an unreadable or ruleless inventory or an EC2 refusal is thrown (exit 1). */
async function loadReportInventory(source: ReportOptions['inventory'], errors: MessageWriter, dependencies: ReportDependencies): Promise<ReportInventory> {
  if (typeof source !== 'string') {
    return source.lookupAccounts === undefined ? loadLiveInventory(source.vpcIds, errors, dependencies) : loadAccountsLiveInventory(source.lookupAccounts, source.vpcIds, errors);
  }
  const inventory = await loadInventoryDirectory(source);
  for (const file of inventory.ignoredFiles) await errors.write(`${file}: ignored, holds no NetworkInterfaces, SecurityGroups or SecurityGroupRules\n`);
  if (inventory.rulesByGroup.size === 0) {
    throw new CommandFailure(`${source}: holds no security-group rules (describe-security-group-rules or describe-security-groups output)`);
  }
  return { inventory, prefixLists: new Map() };
}

/**
 * `--live`: one snapshot of EC2 (as `snapshot` takes it) and the entries of every prefix list a
 * rule names, all read before the first record: the report needs the full rule list up front,
 * and a run then costs the same few calls however many records it reads.
 */
async function loadLiveInventory(vpcIds: readonly string[], errors: MessageWriter, dependencies: ReportDependencies): Promise<ReportInventory> {
  const ec2 = await ec2ClientFor(dependencies.ec2, '--live');
  let inventory: Inventory;
  let outcomes: ReadonlyMap<string, LookupOutcome<readonly string[]>>;
  try {
    inventory = createInventorySources([await takeEc2Snapshot(ec2, vpcIds)]);
    outcomes = await createEc2PrefixListSource({ client: ec2 }).getPrefixListEntries(UNNAMED_SCOPE, prefixListIdsOf([...inventory.rulesByGroup.values()].flat()));
  } catch (error) {
    // SDK errors name the refusal (UnauthorizedOperation, RequestLimitExceeded ...); their messages never hold credentials.
    throw new CommandFailure('EC2 refused', { cause: error });
  }
  const prefixLists = new Map<string, readonly string[]>();
  for (const [id, outcome] of outcomes) {
    if (outcome.status === 'found') prefixLists.set(id, outcome.value);
    else await errors.write(`vpc-flow-log-appender: report: prefix list ${id}: ${outcome.status === 'failed' ? `failed (${outcome.reason})` : 'not found'}; its rules are not judged\n`);
  }
  return { inventory, prefixLists };
}

function prefixListIdsOf(rules: readonly SecurityGroupRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => (rule.peer.kind === 'prefix_list' ? [rule.peer.prefix_list_id] : [])))].sort();
}

function attributionSources(inventory: Inventory, prefixLists: ReadonlyMap<string, readonly string[]>): FlowLogEnrichmentSources {
  const rules = inventory.securityGroupRules;
  return {
    networkInterfaces: batchLookupOf((scope, ids) => inventory.networkInterfaces.describeNetworkInterfaces(scope, ids)),
    ...(rules === undefined ? {} : { securityGroupRules: batchLookupOf((scope, ids) => rules.describeSecurityGroupRules(scope, ids)) }),
    securityGroupMembers: batchLookupOf((scope, ids) => inventory.securityGroupMembers.describeSecurityGroupMembers(scope, ids)),
    ...(prefixLists.size === 0
      ? {}
      : {
          prefixLists: batchLookupOf((_scope, ids) =>
            Promise.resolve(new Map(ids.map((id): [string, LookupOutcome<readonly string[]>] => {
              const entries = prefixLists.get(id);
              return [id, entries === undefined ? { status: 'not_found' } : { status: 'found', value: entries }];
            }))),
          ),
        }),
    listRules: false,
    attributeRules: true,
  };
}
