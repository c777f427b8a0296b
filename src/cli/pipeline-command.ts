import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCachedGeoLocator } from '../adapters/cached-geo-locator.js';
import { createInventorySources, InventoryError, loadInventoryDirectory } from '../adapters/inventory-directory-source.js';
import { GeoDatabaseError, loadMmdbGeoLocator } from '../adapters/mmdb-geo-locator.js';
import { createDirectoryObjectStore } from '../local-pipeline/object-store.js';
import { formatPipelineSummary, pipelineTotals } from '../local-pipeline/pipeline-summary.js';
import { runLocalPipeline, type LocalEnrichmentSources } from '../local-pipeline/run-local-pipeline.js';
import { LOCAL_PIPELINE_SETTINGS } from '../local-pipeline/local-pipeline-settings.js';
import { EventsDirectoryError, readSubscriptionEventsDirectory } from '../local-pipeline/subscription-events-directory.js';
import { systemClock } from '../ports.js';
import { ExitCode, parseCommandArguments, UsageError, type CliIo } from './cli-io.js';

/** The bundled sample, found from this file so it works from src/ (tsx) and dist/ alike. */
const SAMPLE = {
  events: 'events/sample/subscription-events',
  inventory: 'events/sample/inventory',
  geoDatabase: 'events/sample/geo-sample.mmdb',
} as const;
const packagePath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

export const PIPELINE_USAGE = `Usage: vpc-flow-log-appender pipeline [--sample | --events DIR] [options]

Runs the whole pipeline in this process, offline: CloudWatch Logs subscription events -> the
ingestor -> a Firehose stream that keeps Firehose's rules (PutRecordBatch limits, buffering, the
transformation call and its result checks, failed-record files) -> the decorator. One stream per
log group, as one deployment per flow-log format. No AWS account or network is used.

Options:
  --sample              The bundled sample (default): ${SAMPLE.events}, with
                        the inventory ${SAMPLE.inventory} and geo database ${SAMPLE.geoDatabase}.
  --events DIR          Subscription events ({"awslogs":{"data":...}} *.json files, delivered in name
                        order) and an optional log-groups.json:
                        {"logGroups":{"<log group>":{"deliveryStreamName":"...","format":"<LogFormat>"}}}
  --out DIR             Output folder (default: out). Its delivered/ and processing-failed/ are
                        replaced; nothing else in it is touched.
  --inventory DIR       Saved AWS CLI EC2 output, as for enrich (default with --sample: the sample's).
  --geo none|mmdb:PATH  Geolocation (default with --sample: the sample database; otherwise none).
  -h, --help            Show this help.

Exit status: 0 when the run went through (bad lines in processing-failed/ are data, reported); 1 when
an event failed in the ingestor or a transformation call failed as a whole; 2 on a command-line error.`;

export interface PipelineOptions {
  readonly events: string;
  /** True when the bundled sample is used: the summary then names its paths as the user knows them. */
  readonly sample: boolean;
  readonly out: string;
  readonly inventory?: string;
  readonly geoDatabase?: string;
}

/**
 * Reads the arguments of `pipeline`; a mistake throws a UsageError carrying the pipeline usage.
 *
 * @example parsePipelineArguments(['--events', 'captured/', '--out', '/tmp/run']) // { events: 'captured/', sample: false, out: '/tmp/run' }
 */
export function parsePipelineArguments(args: readonly string[]): PipelineOptions | 'help' {
  const { values } = parseCommandArguments(
    args,
    {
      sample: { type: 'boolean' },
      events: { type: 'string' },
      out: { type: 'string' },
      inventory: { type: 'string' },
      geo: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    PIPELINE_USAGE,
    false,
  );
  if (values.help === true) return 'help';
  if (values.sample === true && values.events !== undefined) throw new UsageError('--sample and --events exclude each other', PIPELINE_USAGE);
  const sample = values.events === undefined;
  const geo = values.geo ?? (sample ? `mmdb:${packagePath(SAMPLE.geoDatabase)}` : 'none');
  let geoDatabase: string | undefined;
  if (geo.startsWith('mmdb:') && geo.length > 'mmdb:'.length) geoDatabase = geo.slice('mmdb:'.length);
  else if (geo !== 'none') throw new UsageError(`--geo: expected none or mmdb:PATH, got "${geo}"`, PIPELINE_USAGE);
  const inventory = values.inventory ?? (sample ? packagePath(SAMPLE.inventory) : undefined);
  return {
    events: values.events ?? packagePath(SAMPLE.events),
    sample,
    out: values.out ?? 'out',
    ...(inventory === undefined ? {} : { inventory }),
    ...(geoDatabase === undefined ? {} : { geoDatabase }),
  };
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
  return totals.failedEvents > 0 || totals.failedWithInvocation > 0 ? ExitCode.BadInput : ExitCode.Success;
}

async function readEvents(directory: string): ReturnType<typeof readSubscriptionEventsDirectory> {
  try {
    return await readSubscriptionEventsDirectory(directory);
  } catch (error) {
    if (error instanceof EventsDirectoryError) throw new UsageError(error.message, PIPELINE_USAGE, { cause: error });
    throw error;
  }
}

async function loadEnrichment(options: PipelineOptions): Promise<LocalEnrichmentSources> {
  try {
    const inventory = options.inventory === undefined ? createInventorySources([]) : await loadInventoryDirectory(options.inventory);
    const geo = options.geoDatabase === undefined ? undefined : await loadMmdbGeoLocator(options.geoDatabase);
    return {
      networkInterfaces: inventory.networkInterfaces,
      securityGroupMembers: inventory.securityGroupMembers,
      ...(inventory.securityGroupRules === undefined ? {} : { securityGroupRules: inventory.securityGroupRules }),
      // The cache's TTLs never expire within a run; its clock only needs to be a clock.
      ...(geo === undefined ? {} : { geolocation: createCachedGeoLocator(geo, { clock: systemClock }) }),
    };
  } catch (error) {
    if (error instanceof InventoryError || error instanceof GeoDatabaseError) throw new UsageError(error.message, PIPELINE_USAGE, { cause: error });
    throw error;
  }
}
