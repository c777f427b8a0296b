import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCachedGeoLocator } from '../adapters/cached-geo-locator.js';
import { createInventorySources, loadInventoryDirectory } from '../adapters/inventory-directory-source.js';
import { loadMmdbGeoLocator } from '../adapters/mmdb-geo-locator.js';
import { createDirectoryObjectStore } from '../local-pipeline/object-store.js';
import { formatPipelineSummary, pipelineTotals } from '../local-pipeline/pipeline-summary.js';
import { runLocalPipeline, type LocalEnrichmentSources } from '../local-pipeline/run-local-pipeline.js';
import { LOCAL_PIPELINE_SETTINGS } from '../local-pipeline/local-pipeline-settings.js';
import { readSubscriptionEventsDirectory } from '../local-pipeline/subscription-events-directory.js';
import { systemClock } from '../ports.js';
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
  const [directory, enrichment] = await Promise.all([readEvents(options.events), loadEnrichment(options)]);
  for (const prefix of [LOCAL_PIPELINE_SETTINGS.deliveredPrefix, LOCAL_PIPELINE_SETTINGS.processingFailedPrefix]) {
    await rm(join(options.out, prefix), { recursive: true, force: true });
  }
  const report = await runLocalPipeline({ ...directory, enrichment, objectStore: createDirectoryObjectStore(options.out) });
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

/** An unreadable inventory or database is thrown as the InventoryError or GeoDatabaseError it is: exit 1. */
async function loadEnrichment(options: PipelineOptions): Promise<LocalEnrichmentSources> {
  const inventory = options.inventory === undefined ? createInventorySources([]) : await loadInventoryDirectory(options.inventory);
  const geo = options.geoDatabase === undefined ? undefined : await loadMmdbGeoLocator(options.geoDatabase);
  return {
    networkInterfaces: inventory.networkInterfaces,
    securityGroupMembers: inventory.securityGroupMembers,
    ...(inventory.securityGroupRules === undefined ? {} : { securityGroupRules: inventory.securityGroupRules }),
    // The cache's TTLs never expire within a run; its clock only needs to be a clock.
    ...(geo === undefined ? {} : { geolocation: createCachedGeoLocator(geo, { clock: systemClock }) }),
  };
}
