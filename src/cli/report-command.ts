import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InventoryError, loadInventoryDirectory, type InventoryDirectory } from '../adapters/inventory-directory-source.js';
import { enrichFlowLogs, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import { createFlowLogLineParser, parseFormatString, splitRecordText, type FlowLogDocument, type FlowLogFormat } from '../flow-log/index.js';
import type { S3ObjectReader } from '../adapters/s3-object-reader.js';
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
import { createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { batchLookupOf, collect, describeReadError, prefixedWriter, totalSizeOf } from './enrich-command.js';
import { openInputSources } from './input-sources.js';
import { createProgressBar, type MaybeTerminal } from './progress-bar.js';

export const REPORT_USAGE = `Usage: vpc-flow-log-appender report [INPUT...] --inventory DIR [options]

Reads VPC Flow Logs and writes a security-group report for the window they cover: per-rule
usage (flows, bytes, distinct peers, first and last seen), unused rules by security group, rules
broader than their traffic with suggested narrower CIDRs, SSH/RDP/database ports open to the
internet and whether they were reached, top rejected sources and top talkers per group.

INPUT is a file (plain text or gzip, detected from the content), "-" for standard input (the
default), or s3://bucket/prefix (every object under the prefix). Lines are raw records (any
format the enrich command reads, S3 header lines, {"message":"..."} wrappers) or documents already
enriched by the decorator or "enrich" (NDJSON), detected line by line. Enriched documents with a
rule_match are taken as they are; the others are attributed with the inventory's rules.

Options:
  --inventory DIR        Saved AWS CLI EC2 output (describe-network-interfaces, and
                         describe-security-group-rules or describe-security-groups), as for
                         "enrich --inventory". Required: unused rules are found in its full rule list.
  --format md|json|html  Output format; default md. html is one self-contained page with charts.
  --out FILE             Write the report to FILE instead of standard output.
  --log-format "<fmt>"   The LogFormat of raw records, e.g. "\${version} \${srcaddr} ..."; default the
                         default format. A header line in an input overrides it.
  -h, --help             Show this help.

Definitions (unused, over-broad, exposure, error bounds) are printed in every report and in the
README's "Security-group report" section. Memory stays bounded whatever the input size.

Exit status: 0 when every line was usable; 1 when any line or input was bad (the report is still
written); 2 on a command-line error.`;

export const ReportFormat = { Markdown: 'md', Json: 'json', Html: 'html' } as const;
export type ReportFormat = (typeof ReportFormat)[keyof typeof ReportFormat];

export interface ReportOptions {
  readonly inputs: readonly string[];
  readonly inventory: string;
  readonly format: ReportFormat;
  /** Absent: standard output. */
  readonly out?: string;
  readonly logFormat?: FlowLogFormat;
}

export interface ReportDependencies {
  /** The S3 reader for s3:// inputs; default the real client. */
  readonly s3?: () => S3ObjectReader;
}

/** Documents attributed at once: each distinct interface and group is looked up once per chunk. */
const REPORT_CHUNK_DOCUMENTS = 2_000;

/**
 * Reads the arguments of `report`; a mistake throws a UsageError carrying the report usage.
 *
 * @example parseReportArguments(['--inventory', 'inv', '--format', 'html', 'a.log']) // { inputs: ['a.log'], inventory: 'inv', format: 'html' }
 */
export function parseReportArguments(args: readonly string[]): ReportOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        inventory: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), REPORT_USAGE, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (values.inventory === undefined) throw new UsageError('--inventory DIR is required: unused rules are found in its full rule list', REPORT_USAGE);
  const format = values.format ?? ReportFormat.Markdown;
  if (!(Object.values(ReportFormat) as string[]).includes(format)) throw new UsageError(`--format: expected md, json or html, got "${format}"`, REPORT_USAGE);
  let logFormat: FlowLogFormat | undefined;
  if (values['log-format'] !== undefined) {
    const result = parseFormatString(values['log-format']);
    if (!result.ok) throw new UsageError(`--log-format: ${result.error.message}`, REPORT_USAGE);
    logFormat = result.value;
  }
  if (values.out === '') throw new UsageError('--out: expected a file name', REPORT_USAGE);
  return {
    inputs: positionals.length === 0 ? ['-'] : positionals,
    inventory: values.inventory,
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
  const terminal = (io.stderr as MaybeTerminal).isTTY === true;
  // On a terminal the progress bar owns the last line: erase it before a message, it redraws after.
  const errors = terminal ? prefixedWriter(createBufferedWriter(io.stderr), '\r\u001b[2K') : createBufferedWriter(io.stderr);
  const inventory = await loadReportInventory(options.inventory);
  for (const file of inventory.ignoredFiles) await errors.write(`${file}: ignored, holds no NetworkInterfaces, SecurityGroups or SecurityGroupRules\n`);
  const sources = attributionSources(inventory);
  const builder = createSecurityGroupReportBuilder({
    rules: [...inventory.rulesByGroup.values()].flat(),
    // A saved inventory holds no prefix-list entries: rules that name one cannot be attributed.
    peerResolved: (rule) => rule.peer.kind !== 'prefix_list',
  });
  const pending: FlowLogDocument[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    for (const document of await enrichFlowLogs(pending.splice(0), sources)) builder.add(toReportFlow(document));
  };
  const queue = async (document: FlowLogDocument): Promise<void> => {
    pending.push(document);
    if (pending.length >= REPORT_CHUNK_DOCUMENTS) await flush();
  };

  const inputs = openInputSources(options.inputs, { stdin: io.stdin, ...(dependencies.s3 === undefined ? {} : { s3: dependencies.s3 }) });
  const listed = terminal ? await collect(inputs) : undefined;
  const total = listed === undefined ? undefined : totalSizeOf(listed);
  const progress = createProgressBar(io.stderr, { unit: 'bytes', label: 'report', ...(total === undefined ? {} : { total }) });
  let bytesRead = 0;
  const onBytes = (byteCount: number): void => {
    bytesRead += byteCount;
    progress.update(bytesRead);
  };
  let badLines = 0;
  for await (const source of listed ?? inputs) {
    const parser = createFlowLogLineParser(options.logFormat === undefined ? {} : { format: options.logFormat });
    let lineNumber = 0;
    try {
      for await (const rawLine of source.lines(terminal ? { onBytes } : {})) {
        lineNumber += 1;
        const enriched = enrichedDocumentOf(rawLine);
        if (enriched !== undefined) {
          await addEnriched(enriched, builder, queue);
          continue;
        }
        for (const line of splitRecordText(rawLine)) {
          const outcome = parser.parse(line);
          if (outcome.kind === 'flow') await queue(outcome.document);
          else if (outcome.kind === 'invalid') {
            badLines += 1;
            await errors.write(`${source.name}:${lineNumber}: ${outcome.error.message}\n`);
          }
        }
      }
    } catch (error) {
      badLines += 1;
      await errors.write(`${source.name}: ${describeReadError(error)}\n`);
    }
  }
  await flush();
  progress.finish();
  await errors.flush();
  await writeReport(builder.build(), options, io);
  return badLines > 0 ? ExitCode.BadInput : ExitCode.Success;
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
    await writeFile(options.out, text, 'utf8');
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

async function loadReportInventory(directory: string): Promise<InventoryDirectory> {
  try {
    const inventory = await loadInventoryDirectory(directory);
    if (inventory.rulesByGroup.size === 0) {
      throw new UsageError(`${directory}: holds no security-group rules (describe-security-group-rules or describe-security-groups output)`, REPORT_USAGE);
    }
    return inventory;
  } catch (error) {
    if (error instanceof InventoryError) throw new UsageError(error.message, REPORT_USAGE, { cause: error });
    throw error;
  }
}

function attributionSources(inventory: InventoryDirectory): FlowLogEnrichmentSources {
  const rules = inventory.securityGroupRules;
  return {
    networkInterfaces: batchLookupOf((ids) => inventory.networkInterfaces.describeNetworkInterfaces(ids)),
    ...(rules === undefined ? {} : { securityGroupRules: batchLookupOf((ids) => rules.describeSecurityGroupRules(ids)) }),
    securityGroupMembers: batchLookupOf((ids) => inventory.securityGroupMembers.describeSecurityGroupMembers(ids)),
    listSecurityGroupRules: false,
    attributeRules: true,
  };
}
