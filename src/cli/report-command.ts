import { writeFile } from 'node:fs/promises';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { takeEc2Snapshot } from '../adapters/ec2-inventory-snapshot.js';
import { createEc2PrefixListSource } from '../adapters/ec2-prefix-list-source.js';
import { createInventorySources, loadInventoryDirectory, type Inventory } from '../adapters/inventory-directory-source.js';
import type { S3ObjectReader } from '../adapters/s3-object-reader.js';
import { enrichFlowLogs, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import type { FlowLogDocument, FlowLogFormat } from '../flow-log/index.js';
import type { LookupOutcome, SecurityGroupRule } from '../ports.js';
import {
  createSecurityGroupReportBuilder,
  isEnrichedDocument,
  renderHtmlReport,
  renderJsonReport,
  renderMarkdownReport,
  toReportFlow,
  type SecurityGroupReport,
  type SecurityGroupReportBuilder,
} from '../report/index.js';
import { ec2ClientFor } from './aws-clients.js';
import { CommandFailure, createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, parseCommand, renderUsage, type OptionTable, type OptionValues } from './command.js';
import { batchLookupOf } from './enrich-command.js';
import { createMessageWriter, readFlowLogInputs, type MessageWriter } from './read-flow-log-inputs.js';
import { parseLogFormatOption } from './log-format-option.js';
import { parseVpcIds } from './vpc-ids.js';

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
  format: { type: 'string', value: 'md|json|html', help: 'Output format; default md. html is one self-contained page with charts.' },
  out: { type: 'string', value: 'FILE', help: 'Write the report to FILE instead of standard output.' },
  'log-format': {
    type: 'string',
    value: '"<format>"',
    help: `The LogFormat of raw records, as for enrich ("\${version} \${srcaddr} ..." or
"version srcaddr ..."); default the default format. A header line in an input
overrides it.`,
  },
} as const satisfies OptionTable;

export const reportCommand = defineCommand({
  name: 'report',
  arguments: '[INPUT...] (--inventory DIR | --live) [options]',
  summary: 'Security-group report: rule usage, unused and over-broad rules, exposure (md, json, html).',
  description: `Reads VPC Flow Logs and writes a security-group report for the window they cover: per-rule
usage (flows, bytes, distinct peers, first and last seen), unused rules by security group, rules
broader than their traffic with suggested narrower CIDRs, SSH/RDP/database ports open to the
internet and whether they were reached, top rejected sources and top talkers per group.

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
written), the inventory could not be read, or EC2 refused a --live call (no report); 2 on a
command-line error.`,
  parse: parseReportOptions,
  run: (options, io) => runReport(options, io),
});

export const REPORT_USAGE = renderUsage(reportCommand);

export const ReportFormat = { Markdown: 'md', Json: 'json', Html: 'html' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

export interface ReportOptions {
  readonly inputs: readonly string[];
  /** Where the rules come from: a directory of AWS CLI output, or EC2 itself. */
  readonly inventory: string | { readonly live: true; readonly vpcIds: readonly string[] };
  readonly format: ReportFormat;
  /** Absent: standard output. */
  readonly out?: string;
  readonly logFormat?: FlowLogFormat;
}

export interface ReportDependencies {
  /** The S3 reader for s3:// inputs; default the real client. */
  readonly s3?: () => S3ObjectReader;
  /** The EC2 client of `--live`; default `new EC2Client({})` (default credential chain and Region). */
  readonly ec2?: () => EC2Client;
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
  const format = values.format ?? ReportFormat.Markdown;
  if (!(Object.values(ReportFormat) as string[]).includes(format)) throw new UsageError(`--format: expected md, json or html, got "${format}"`);
  const logFormat = parseLogFormatOption(values['log-format'], '--log-format');
  if (values.out === '') throw new UsageError('--out: expected a file name');
  return {
    inputs: positionals.length === 0 ? ['-'] : [...positionals],
    inventory: values.inventory ?? { live: true, vpcIds },
    format: format as ReportFormat,
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(logFormat === undefined ? {} : { logFormat }),
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
  const { inventory, prefixLists } = await loadReportInventory(options.inventory, errors, dependencies);
  const sources = attributionSources(inventory, prefixLists);
  const builder = createSecurityGroupReportBuilder({
    rules: [...inventory.rulesByGroup.values()].flat(),
    // Without a prefix list's entries, no flow can be attributed to a rule that names it.
    peerResolved: (rule) => rule.peer.kind !== 'prefix_list' || prefixLists.has(rule.peer.prefix_list_id),
  });
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
  await writeReport(builder.build(), options, io);
  return badLines > 0 ? ExitCode.Failure : ExitCode.Success;
}

/**
 * Renders a report in one of the formats.
 *
 * @example renderReport(report, 'md').startsWith('# Security-group report') // true
 */
export function renderReport(report: SecurityGroupReport, format: ReportFormat): string {
  switch (format) {
    case ReportFormat.Json:
      return renderJsonReport(report);
    case ReportFormat.Html:
      return renderHtmlReport(report);
    case ReportFormat.Markdown:
      return renderMarkdownReport(report);
  }
}

async function writeReport(report: SecurityGroupReport, options: ReportOptions, io: CliIo): Promise<void> {
  const text = renderReport(report, options.format);
  if (options.out !== undefined) {
    try {
      await writeFile(options.out, text, 'utf8');
    } catch (error) {
      throw new CommandFailure(`cannot write ${options.out}`, { cause: error });
    }
    // Silence after a long run would leave the user guessing: where it went, and what it says.
    const unused = report.unused.reduce((total, group) => total + group.rules.length, 0);
    io.stderr.write(
      `report: ${options.out} written (${options.format}): ${report.totals.records.toLocaleString('en-US')} records, ${report.rules.length} rules, ` +
        `${unused} unused, ${report.overBroad.length} over-broad, ${report.exposures.length} exposures\n`,
    );
    return;
  }
  const out = createBufferedWriter(io.stdout);
  await out.write(text);
  await out.flush();
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
}

/** The inventory of `--inventory DIR` or `--live`; an unreadable or ruleless inventory or an EC2 refusal is thrown (exit 1). */
async function loadReportInventory(source: ReportOptions['inventory'], errors: MessageWriter, dependencies: ReportDependencies): Promise<ReportInventory> {
  if (typeof source !== 'string') return loadLiveInventory(source.vpcIds, errors, dependencies);
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
    outcomes = await createEc2PrefixListSource({ client: ec2 }).getPrefixListEntries(prefixListIdsOf([...inventory.rulesByGroup.values()].flat()));
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
    networkInterfaces: batchLookupOf((ids) => inventory.networkInterfaces.describeNetworkInterfaces(ids)),
    ...(rules === undefined ? {} : { securityGroupRules: batchLookupOf((ids) => rules.describeSecurityGroupRules(ids)) }),
    securityGroupMembers: batchLookupOf((ids) => inventory.securityGroupMembers.describeSecurityGroupMembers(ids)),
    ...(prefixLists.size === 0
      ? {}
      : {
          prefixLists: batchLookupOf((ids) =>
            Promise.resolve(new Map(ids.map((id): [string, LookupOutcome<readonly string[]>] => {
              const entries = prefixLists.get(id);
              return [id, entries === undefined ? { status: 'not_found' } : { status: 'found', value: entries }];
            }))),
          ),
        }),
    listSecurityGroupRules: false,
    attributeRules: true,
  };
}
