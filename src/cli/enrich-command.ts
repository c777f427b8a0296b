import { parseArgs } from 'node:util';
import { createCachedGeoLocator } from '../adapters/cached-geo-locator.js';
import { loadInventoryDirectory, InventoryError } from '../adapters/inventory-directory-source.js';
import { GeoDatabaseError, loadMmdbGeoLocator } from '../adapters/mmdb-geo-locator.js';
import { enrichFlowLogs, type BatchLookup, type FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import { createFlowLogLineParser, parseFormatString, splitRecordText, type FlowLogDocument, type FlowLogFormat } from '../flow-log/index.js';
import { systemClock, type LookupOutcome } from '../ports.js';
import { createBufferedWriter, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { openInput, readLines } from './read-lines.js';

export const ENRICH_USAGE = `Usage: vpc-flow-log-appender enrich [FILE...] [options]

Reads VPC Flow Logs records from each FILE (plain text or gzip, detected from the content; "-" or
no FILE reads standard input) and writes one JSON document per record to standard output (NDJSON).

Accepted lines: records in the default format or the --format given; S3 header lines (they set the
format for the rest of their file); {"message":"..."} wrappers as delivered to Firehose.
Every bad line is reported on standard error as FILE:LINE: reason, and processing continues.

Options:
  --format "<format>"   The LogFormat of the records, e.g. "\${version} \${srcaddr} \${dstaddr}".
                        Default: the default format. A header line in a file overrides it.
  --inventory DIR       Enrich from saved AWS CLI output instead of EC2: every *.json file of DIR
                        printed by "aws ec2 describe-network-interfaces", "describe-security-group-rules"
                        or "describe-security-groups" (any file names). Adds the interface's
                        security_group_ids/names, vpc_id, subnet_id, instance_id, direction and,
                        when rules are known, the rules that allowed each flow (security_group_rule_ids,
                        rule_match). Without describe-security-group-rules output, rules are derived
                        from describe-security-groups and named <group>/<direction>/<n>.
  --geo none|mmdb:PATH  Geolocate public addresses (src_geo, dst_geo) with a MaxMind DB file,
                        e.g. mmdb:GeoLite2-City.mmdb. Default: none. (ipstack is decorator-only.)
  --rules               Also list the full security_group_rules that apply to each record (needs --inventory).
  --no-rules            Do not attribute records to rules (needs --inventory; not with --rules).
  -h, --help            Show this help.

Exit status: 0 when every line was a record, header or blank; 1 when any line was bad; 2 on a
command-line error.`;

export interface EnrichOptions {
  readonly files: readonly string[];
  readonly format?: FlowLogFormat;
  /** A directory of AWS CLI EC2 output; absent: no interface or rule fields. */
  readonly inventory?: string;
  /** A MaxMind DB file; absent: no geolocation. */
  readonly geoDatabase?: string;
  /** List the applicable `security_group_rules`; default false. */
  readonly listRules?: boolean;
  /** Attribute records to rules when rules are known; default true. */
  readonly attributeRules?: boolean;
}

/** Documents enriched at once: every distinct interface, group and address is looked up once per chunk. */
const ENRICH_CHUNK_DOCUMENTS = 2_000;

/**
 * Reads the arguments of `enrich`; a mistake throws a UsageError carrying the enrich usage.
 *
 * @example parseEnrichArguments(['--format', '${srcaddr} ${dstaddr}', 'a.log']) // { files: ['a.log'], format: {...} }
 */
export function parseEnrichArguments(args: readonly string[]): EnrichOptions | 'help' {
  let parsed: {
    values: { format?: string | undefined; inventory?: string | undefined; geo?: string | undefined; rules?: boolean | undefined; 'no-rules'?: boolean | undefined; help?: boolean | undefined };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        inventory: { type: 'string' },
        geo: { type: 'string' },
        rules: { type: 'boolean' },
        'no-rules': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code.
    throw new UsageError(error instanceof Error ? error.message : String(error), ENRICH_USAGE, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    return 'help';
  }
  let format: FlowLogFormat | undefined;
  if (values.format !== undefined) {
    const result = parseFormatString(values.format);
    if (!result.ok) {
      throw new UsageError(`--format: ${result.error.message}`, ENRICH_USAGE);
    }
    format = result.value;
  }
  if (values.rules === true && values['no-rules'] === true) {
    throw new UsageError('--rules and --no-rules contradict each other', ENRICH_USAGE);
  }
  if ((values.rules === true || values['no-rules'] === true) && values.inventory === undefined) {
    throw new UsageError(`${values.rules === true ? '--rules' : '--no-rules'} needs --inventory: rules come from it`, ENRICH_USAGE);
  }
  const geoDatabase = parseGeoOption(values.geo);
  return {
    files: positionals.length === 0 ? ['-'] : positionals,
    ...(format === undefined ? {} : { format }),
    ...(values.inventory === undefined ? {} : { inventory: values.inventory }),
    ...(geoDatabase === undefined ? {} : { geoDatabase }),
    ...(values.rules === true ? { listRules: true } : {}),
    ...(values['no-rules'] === true ? { attributeRules: false } : {}),
  };
}

function parseGeoOption(value: string | undefined): string | undefined {
  if (value === undefined || value === 'none') return undefined;
  if (value.startsWith('mmdb:') && value.length > 'mmdb:'.length) return value.slice('mmdb:'.length);
  throw new UsageError(`--geo: expected none or mmdb:PATH, got "${value}"`, ENRICH_USAGE);
}

/**
 * Parses every file in turn into NDJSON on stdout, reporting each bad line on stderr as
 * `FILE:LINE: reason` and carrying on; returns 1 when any line (or file) was bad, else 0. With an
 * inventory or a geolocation database, documents go through the decorator's enrichFlowLogs in
 * chunks of ENRICH_CHUNK_DOCUMENTS, in input order; without, each is written as parsed.
 *
 * @example await runEnrich({ files: ['flow-logs.log.gz'] }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runEnrich(options: EnrichOptions, io: CliIo): Promise<ExitCode> {
  const out = createBufferedWriter(io.stdout);
  const errors = createBufferedWriter(io.stderr);
  const sources = await loadEnrichmentSources(options, errors);
  const pending: FlowLogDocument[] = [];
  const writeDocument = async (document: FlowLogDocument): Promise<void> => {
    if (sources === undefined) {
      await out.write(`${JSON.stringify(document)}\n`);
      return;
    }
    pending.push(document);
    if (pending.length >= ENRICH_CHUNK_DOCUMENTS) await writeEnriched(pending.splice(0), sources, out);
  };
  let badLines = 0;
  for (const file of options.files) {
    const displayName = file === '-' ? '<stdin>' : file;
    const parser = createFlowLogLineParser(options.format === undefined ? {} : { format: options.format });
    let lineNumber = 0;
    try {
      for await (const rawLine of readLines(openInput(file, io.stdin))) {
        lineNumber += 1;
        for (const line of splitRecordText(rawLine)) {
          const outcome = parser.parse(line);
          if (outcome.kind === 'flow') {
            await writeDocument(outcome.document);
          } else if (outcome.kind === 'invalid') {
            badLines += 1;
            await errors.write(`${displayName}:${lineNumber}: ${outcome.error.message}\n`);
          }
        }
      }
    } catch (error) {
      badLines += 1;
      await errors.write(`${displayName}: ${describeReadError(error)}\n`);
    }
  }
  if (sources !== undefined && pending.length > 0) await writeEnriched(pending.splice(0), sources, out);
  await out.flush();
  await errors.flush();
  return badLines > 0 ? ExitCode.BadInput : ExitCode.Success;
}

async function writeEnriched(documents: readonly FlowLogDocument[], sources: FlowLogEnrichmentSources, out: { write(text: string): Promise<void> }): Promise<void> {
  let text = '';
  for (const document of await enrichFlowLogs(documents, sources)) text += `${JSON.stringify(document)}\n`;
  await out.write(text);
}

/**
 * The enrichment the options ask for, or undefined for plain parsing. An unreadable inventory or
 * database is a command-line mistake (exit 2), found before any record is read.
 */
async function loadEnrichmentSources(options: EnrichOptions, errors: { write(text: string): Promise<void> }): Promise<FlowLogEnrichmentSources | undefined> {
  if (options.inventory === undefined && options.geoDatabase === undefined) return undefined;
  try {
    const inventory = options.inventory === undefined ? undefined : await loadInventoryDirectory(options.inventory);
    for (const file of inventory?.ignoredFiles ?? []) {
      await errors.write(`${file}: ignored, holds no NetworkInterfaces, SecurityGroups or SecurityGroupRules\n`);
    }
    const geo = options.geoDatabase === undefined ? undefined : await loadMmdbGeoLocator(options.geoDatabase);
    const rules = inventory?.securityGroupRules;
    const attribute = options.attributeRules !== false;
    return {
      ...(inventory === undefined ? {} : { networkInterfaces: batchLookupOf((ids) => inventory.networkInterfaces.describeNetworkInterfaces(ids)) }),
      ...(inventory === undefined || rules === undefined
        ? {}
        : {
            securityGroupRules: batchLookupOf((ids) => rules.describeSecurityGroupRules(ids)),
            listSecurityGroupRules: options.listRules === true,
            attributeRules: attribute,
            ...(attribute ? { securityGroupMembers: batchLookupOf((ids) => inventory.securityGroupMembers.describeSecurityGroupMembers(ids)) } : {}),
          }),
      ...(geo === undefined ? {} : { geolocation: createCachedGeoLocator(geo, { clock: systemClock }) }),
    };
  } catch (error) {
    if (error instanceof InventoryError || error instanceof GeoDatabaseError) {
      throw new UsageError(error.message, ENRICH_USAGE, { cause: error });
    }
    throw error;
  }
}

/** The in-memory sources answer at once: no cache or batching is needed in front of them. */
function batchLookupOf<T>(describe: (keys: readonly string[]) => Promise<ReadonlyMap<string, LookupOutcome<T>>>): BatchLookup<LookupOutcome<T>> {
  return { lookup: (keys) => describe([...keys]) };
}

function describeReadError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EISDIR') return 'is a directory';
    if (error.code === 'Z_DATA_ERROR' || error.code === 'Z_BUF_ERROR') return `not valid gzip (${error.message})`;
  }
  return error instanceof Error ? error.message : String(error);
}
