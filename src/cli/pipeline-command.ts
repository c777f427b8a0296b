import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventoryDirectory } from '../adapters/inventory-directory-source.js';
import { resolveEnrichmentPlan, type EnrichmentPlan } from '../config/enrichment-plan.js';
import { createDirectoryObjectStore } from '../local-pipeline/object-store.js';
import { formatPipelineSummary, pipelineTotals } from '../local-pipeline/pipeline-summary.js';
import { runLocalPipeline, type LocalEnrichmentSources } from '../local-pipeline/run-local-pipeline.js';
import { LOCAL_PIPELINE_SETTINGS } from '../local-pipeline/local-pipeline-settings.js';
import { readSubscriptionEventsDirectory } from '../local-pipeline/subscription-events-directory.js';
import { ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, parseCommand, renderUsage } from './command.js';

/** The bundled sample, found from this file so it works from src/ (tsx) and dist/ alike. */
const SAMPLE = {
  events: 'events/sample/subscription-events',
  inventory: 'events/sample/inventory',
  geoDatabase: 'events/sample/geo-sample.mmdb',
} as const;
const packagePath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

export interface PipelineOptions {
  readonly events: string;
  /** True when the bundled sample is used: the summary then names its paths as the user knows them. */
  readonly sample: boolean;
  readonly out: string;
  readonly inventory?: string;
  readonly geoDatabase?: string;
}

export const pipelineCommand = defineCommand({
  name: 'pipeline',
  arguments: '[--sample | --events DIR] [options]',
  summary: 'Run the whole pipeline locally on the bundled sample or saved events (npm start).',
  description: `Runs the whole pipeline in this process, offline: CloudWatch Logs subscription events -> the
ingestor -> a Firehose stream that keeps Firehose's rules (PutRecordBatch limits, buffering, the
transformation call and its result checks, failed-record files) -> the decorator. One stream per
log group, as one deployment per flow-log format. No AWS account or network is used.`,
  options: {
    sample: {
      type: 'boolean',
      help: `The bundled sample (default): ${SAMPLE.events}, with\nthe inventory ${SAMPLE.inventory} and geo database ${SAMPLE.geoDatabase}.`,
    },
    events: {
      type: 'string',
      value: 'DIR',
      help: `Subscription events ({"awslogs":{"data":...}} *.json files, delivered in name
order) and an optional log-groups.json:
{"logGroups":{"<log group>":{"deliveryStreamName":"...","format":"<LogFormat>"}}}`,
    },
    out: { type: 'string', value: 'DIR', help: 'Output folder (default: out). Its delivered/ and processing-failed/ are\nreplaced; nothing else in it is touched.' },
    inventory: { type: 'string', value: 'DIR', help: 'Saved AWS CLI EC2 output, as for enrich (default with --sample: the sample\'s).' },
    geo: { type: 'string', value: 'none|mmdb:PATH', help: 'Geolocation (default with --sample: the sample database; otherwise none).' },
  },
  positionals: false,
  epilogue: `Exit status: 0 when the run went through (bad lines in processing-failed/ are data, reported); 1 when
an event failed in the ingestor or a transformation call failed as a whole, or the events, inventory or
database could not be read; 2 on a command-line error.`,
  parse(values): PipelineOptions {
    if (values.sample === true && values.events !== undefined) throw new UsageError('--sample and --events exclude each other');
    const sample = values.events === undefined;
    const geo = values.geo ?? (sample ? `mmdb:${packagePath(SAMPLE.geoDatabase)}` : 'none');
    let geoDatabase: string | undefined;
    if (geo.startsWith('mmdb:') && geo.length > 'mmdb:'.length) geoDatabase = geo.slice('mmdb:'.length);
    else if (geo !== 'none') throw new UsageError(`--geo: expected none or mmdb:PATH, got "${geo}"`);
    const inventory = values.inventory ?? (sample ? packagePath(SAMPLE.inventory) : undefined);
    return {
      events: values.events ?? packagePath(SAMPLE.events),
      sample,
      out: values.out ?? 'out',
      ...(inventory === undefined ? {} : { inventory }),
      ...(geoDatabase === undefined ? {} : { geoDatabase }),
    };
  },
  run: (options, io) => runPipeline(options, io),
});

export const PIPELINE_USAGE = renderUsage(pipelineCommand);

/**
 * Reads the arguments of `pipeline`; a mistake throws a UsageError.
 *
 * @example parsePipelineArguments(['--events', 'captured/', '--out', '/tmp/run']) // { events: 'captured/', sample: false, out: '/tmp/run' }
 */
export function parsePipelineArguments(args: readonly string[]): PipelineOptions | 'help' {
  return parseCommand(pipelineCommand, args);
}

/**
 * Runs the local pipeline and prints its summary on stdout. Clears `<out>/delivered` and
 * `<out>/processing-failed` first, so the folders hold this run only.
 *
 * @example await runPipeline({ events: 'events/sample/subscription-events', sample: true, out: 'out' }, io);
 */
export async function runPipeline(options: PipelineOptions, io: CliIo): Promise<ExitCode> {
  const [directory, inventory] = await Promise.all([readEvents(options.events), loadInventory(options)]);
  for (const prefix of [LOCAL_PIPELINE_SETTINGS.deliveredPrefix, LOCAL_PIPELINE_SETTINGS.processingFailedPrefix]) {
    await rm(join(options.out, prefix), { recursive: true, force: true });
  }
  const report = await runLocalPipeline({
    ...directory,
    plan: pipelinePlan(options),
    ...(inventory === undefined ? {} : { inventory }),
    objectStore: createDirectoryObjectStore(options.out),
  });
  io.stdout.write(
    formatPipelineSummary(report, {
      source: options.sample ? SAMPLE.events : options.events,
      outDirectory: options.out,
      ...(options.inventory === undefined ? {} : { inventory: options.sample && options.inventory === packagePath(SAMPLE.inventory) ? SAMPLE.inventory : options.inventory }),
    }),
  );
  const totals = pipelineTotals(report);
  return totals.failedEvents > 0 || totals.failedWithInvocation > 0 ? ExitCode.Failure : ExitCode.Success;
}

/** An unreadable events directory is thrown as the EventsDirectoryError it is: a failure (exit 1), not a usage mistake. */
function readEvents(directory: string): ReturnType<typeof readSubscriptionEventsDirectory> {
  return readSubscriptionEventsDirectory(directory);
}

/**
 * The stages `pipeline` runs: interfaces (and rules, at their defaults) only with an inventory, as
 * there is nowhere else to look them up offline; geolocation with a database.
 *
 * @example pipelinePlan({ events: 'captured/', sample: false, out: 'out' }) // { interfaces: false, listRules: false, attributeRules: false, geolocation: { provider: 'none' } }
 */
export function pipelinePlan(options: PipelineOptions): EnrichmentPlan {
  return resolveEnrichmentPlan({
    interfaces: options.inventory !== undefined,
    ...(options.geoDatabase === undefined ? {} : { geolocation: { provider: 'mmdb', databasePath: options.geoDatabase, cacheTtlSeconds: GEO_CACHE_TTL_SECONDS } }),
  });
}

/** A run geolocates each address once: the database's answers never expire within it. */
const GEO_CACHE_TTL_SECONDS = 86_400;

/** An unreadable inventory is thrown as the InventoryError it is (an unreadable database, later, as a GeoDatabaseError): exit 1. */
async function loadInventory(options: PipelineOptions): Promise<LocalEnrichmentSources | undefined> {
  return options.inventory === undefined ? undefined : await loadInventoryDirectory(options.inventory);
}
