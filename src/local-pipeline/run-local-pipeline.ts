import { decodeSubscriptionPayload } from '../cloudwatch/decode-subscription-payload.js';
import { createCachedEnrichment, createCachedGeolocation, scopeOfFunctionArn } from '../composition/enrichment.js';
import { loadDecoratorConfig } from '../config/decorator-config.js';
import { planReadsRules, type EnrichmentPlan } from '../config/enrichment-plan.js';
import { loadIngestorConfig } from '../config/ingestor-config.js';
import { DeliveryError, OversizedRecordError, UndecodableSubscriptionError } from '../firehose/delivery/delivery-errors.js';
import { deliverSubscriptionPayload, IngestOutcome } from '../firehose/delivery/deliver-subscription-payload.js';
import { transformFirehoseEvent } from '../firehose/transformation/transform-firehose-event.js';
import {
  discardMetrics,
  silentLogger,
  type Clock,
  type NetworkInterfaceSource,
  type SecurityGroupMemberSource,
  type SecurityGroupRuleSource,
} from '../ports.js';
import { createInProcessDeliveryStream, type DeliveryStreamStats, type InProcessDeliveryStream } from './in-process-delivery-stream.js';
import type { ObjectStore } from './object-store.js';
import { createDeliveredDocumentTally, type DeliveredDocumentTally } from './delivered-document-tally.js';
import type { LogGroupRoute, SubscriptionEventFile } from './subscription-events-directory.js';
import { createRecordFailureTally, type RecordFailureTally } from './record-failure-tally.js';
import { LOCAL_PIPELINE_SETTINGS } from './local-pipeline-settings.js';
import { seededRandom } from '../seeded-random.js';

/** Where the local decorator looks interfaces and rules up: a saved inventory (no AWS call). */
export interface LocalEnrichmentSources {
  readonly networkInterfaces: NetworkInterfaceSource;
  readonly securityGroupRules?: SecurityGroupRuleSource;
  readonly securityGroupMembers?: SecurityGroupMemberSource;
}

export interface LocalPipelineOptions {
  readonly events: readonly SubscriptionEventFile[];
  readonly logGroups: ReadonlyMap<string, LogGroupRoute>;
  /** The stages the decorator runs (interfaces only with an inventory; the geolocation provider is built from it). */
  readonly plan: EnrichmentPlan;
  /** Absent: nowhere to look interfaces up, which the plan must say too (`interfaces: false`). */
  readonly inventory?: LocalEnrichmentSources;
  readonly objectStore: ObjectStore;
}

/** A manual clock: the run's time is the data's time, so every run writes the same objects. */
export interface ManualClock extends Clock {
  advanceTo(time: number): void;
}

/** What one log group's ingestor and stream did. */
export interface StreamReport {
  readonly logGroup: string;
  readonly deliveryStreamName: string;
  readonly format: 'default' | 'custom';
  /** Subscription events the ingestor was invoked with (control messages included). */
  readonly events: number;
  readonly controlMessages: number;
  /** Events the ingestor failed on: Lambda would retry them, then park them on the on-failure queue. */
  readonly failedEvents: number;
  readonly logEventsIn: number;
  readonly recordsPut: number;
  readonly putRecordBatchCalls: number;
  readonly stream: DeliveryStreamStats;
  /** Why the decorator failed records, from its summary logs. */
  readonly recordFailures: RecordFailureTally;
}

export interface LocalPipelineReport {
  readonly events: number;
  readonly streams: readonly StreamReport[];
  readonly delivered: DeliveredDocumentTally;
}

interface StreamUnderTest {
  readonly route: LogGroupRoute & { readonly logGroup: string };
  readonly stream: InProcessDeliveryStream;
  readonly recordFailures: ReturnType<typeof createRecordFailureTally>;
  readonly ingest: { events: number; controlMessages: number; failedEvents: number; logEventsIn: number; recordsPut: number; putRecordBatchCalls: number };
}

/** Firehose's rule for stream names: what a log group name becomes when log-groups.json names no stream. */
function streamNameFor(logGroup: string): string {
  const name = logGroup.replaceAll(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^-+/, '').slice(0, 64);
  return name === '' ? 'vpc-flow-logs' : name;
}

/**
 * Runs the whole pipeline in this process on CloudWatch Logs subscription events: for each log
 * group an ingestor (deliverSubscriptionPayload, the ingestor Lambda's core), an in-process
 * Firehose stream with its processor (createInProcessDeliveryStream) and a decorator
 * (transformFirehoseEvent with the decorator's cached enrichment over the given sources, and its
 * configuration read like the Lambda's). Time is the data's: before each event the clock moves to
 * its newest log event, so buffers flush by interval as they would have; at the end every buffer
 * is flushed. No AWS client is built and nothing leaves the process but the objects written.
 *
 * @example
 * const report = await runLocalPipeline({ events, logGroups, plan: resolveEnrichmentPlan(), inventory, objectStore: createDirectoryObjectStore('out') });
 */
export async function runLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipelineReport> {
  const settings = LOCAL_PIPELINE_SETTINGS;
  let now = 0;
  const clock: ManualClock = {
    now: () => now,
    advanceTo: (time) => {
      now = Math.max(now, time);
    },
  };
  const { plan, inventory } = options;
  // One geolocation cache for every stream, as one database serves them all.
  const geolocation = (await createCachedGeolocation(plan.geolocation, clock, silentLogger))?.locator;
  const readRules = planReadsRules(plan);
  const lambdaArn = (streamName: string): string => `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${streamName}-decorator`;
  const delivered = createDeliveredDocumentTally(settings.deliveredPrefix);
  const objectStore: ObjectStore = {
    async putObject(key, body) {
      delivered.observe(key, body);
      await options.objectStore.putObject(key, body);
    },
  };
  const random = seededRandom(20260601);
  const streams = new Map<string, StreamUnderTest>();

  const streamFor = (logGroup: string): StreamUnderTest => {
    const route = options.logGroups.get(logGroup) ?? { deliveryStreamName: streamNameFor(logGroup) };
    const existing = streams.get(route.deliveryStreamName);
    if (existing !== undefined) return existing;
    // The decorator's configuration read as the Lambda reads it, so defaults and checks are the same.
    const config = loadDecoratorConfig({ ...(route.format === undefined ? {} : { FLOW_LOG_FORMAT: route.format }), APPEND_NEWLINE: 'true' });
    const cached = createCachedEnrichment(
      plan,
      config,
      {
        ...(plan.interfaces && inventory !== undefined ? { networkInterfaces: inventory.networkInterfaces } : {}),
        ...(readRules && inventory?.securityGroupRules !== undefined ? { securityGroupRules: inventory.securityGroupRules } : {}),
        ...(readRules && plan.attributeRules && inventory?.securityGroupMembers !== undefined ? { securityGroupMembers: inventory.securityGroupMembers } : {}),
        ...(geolocation === undefined ? {} : { geolocation }),
      },
      clock,
    );
    // The decorator's own account and Region, from its function ARN as in Lambda.
    const ownScope = scopeOfFunctionArn(lambdaArn(route.deliveryStreamName));
    const enrichment = ownScope === undefined ? cached : { ...cached, sources: { ...cached.sources, ownScope } };
    const recordFailures = createRecordFailureTally();
    const stream = createInProcessDeliveryStream({
      deliveryStreamName: route.deliveryStreamName,
      region: settings.region,
      accountId: settings.accountId,
      lambdaArn: lambdaArn(route.deliveryStreamName),
      transform: (event) => transformFirehoseEvent(event, enrichment, config, { logger: recordFailures.logger, metrics: discardMetrics }),
      processorBuffering: settings.processorBuffering,
      destinationBuffering: settings.destinationBuffering,
      numberOfRetries: settings.numberOfRetries,
      clock,
      objectStore,
      deliveredPrefix: settings.deliveredPrefix,
      processingFailedPrefix: settings.processingFailedPrefix,
    });
    const created: StreamUnderTest = {
      route: { ...route, logGroup },
      stream,
      recordFailures,
      ingest: { events: 0, controlMessages: 0, failedEvents: 0, logEventsIn: 0, recordsPut: 0, putRecordBatchCalls: 0 },
    };
    streams.set(route.deliveryStreamName, created);
    return created;
  };
  // Every configured log group has its stream from the start, even if no event reaches it.
  for (const logGroup of options.logGroups.keys()) streamFor(logGroup);

  for (const { event } of options.events) {
    const data = typeof event === 'object' && event !== null && 'awslogs' in event && typeof event.awslogs === 'object' && event.awslogs !== null && 'data' in event.awslogs ? event.awslogs.data : undefined;
    // Routing only: a subscription filter belongs to one log group. The ingestor decodes again, as in Lambda.
    const peek = typeof data === 'string' ? decodeSubscriptionPayload(data) : undefined;
    const payload = peek?.ok === true ? peek.value : undefined;
    const newest = Math.max(0, ...(payload?.logEvents ?? []).map((logEvent) => logEvent.timestamp));
    clock.advanceTo(newest);
    for (const { stream } of streams.values()) await stream.flushDue();
    // Control messages carry no log group; an undecodable event fails in whichever ingestor gets it.
    const target = payload === undefined || payload.logGroup === '' ? (streams.values().next().value ?? streamFor('')) : streamFor(payload.logGroup);
    target.ingest.events += 1;
    const ingestorConfig = loadIngestorConfig({ DELIVERY_STREAM_NAME: target.route.deliveryStreamName });
    try {
      const summary = await deliverSubscriptionPayload(data, {
        deliveryStream: target.stream,
        logger: silentLogger,
        metrics: discardMetrics,
        concurrency: ingestorConfig.concurrency,
        maxAttempts: ingestorConfig.maxAttempts,
        deadline: clock.now() + settings.ingestorTimeoutMs - ingestorConfig.timeMarginMs,
        clock,
        // The in-process stream answers at once: retries need no real waiting.
        sleep: () => Promise.resolve(),
        random,
      });
      if (summary.outcome === IngestOutcome.ControlMessage) target.ingest.controlMessages += 1;
      target.ingest.logEventsIn += summary.logEventsIn;
      target.ingest.recordsPut += summary.recordsPut;
      target.ingest.putRecordBatchCalls += summary.putRecordBatchCalls;
    } catch (error) {
      if (!(error instanceof DeliveryError || error instanceof OversizedRecordError || error instanceof UndecodableSubscriptionError)) throw error;
      target.ingest.failedEvents += 1;
      if (error instanceof DeliveryError) {
        target.ingest.logEventsIn += error.report.recordsIn;
        target.ingest.recordsPut += error.report.recordsPut;
        target.ingest.putRecordBatchCalls += error.report.calls;
      }
    }
  }
  // Enough time for every buffer's interval to pass, then whatever is left.
  clock.advanceTo(now + Math.max(settings.processorBuffering.intervalMs, settings.destinationBuffering.intervalMs));
  for (const { stream } of streams.values()) await stream.flushDue();
  for (const { stream } of streams.values()) await stream.close();

  return {
    events: options.events.length,
    streams: [...streams.values()].map(({ route, stream, recordFailures, ingest }) => ({
      logGroup: route.logGroup,
      deliveryStreamName: route.deliveryStreamName,
      format: route.format === undefined ? 'default' : 'custom',
      ...ingest,
      stream: stream.stats(),
      recordFailures: recordFailures.result(),
    })),
    delivered: delivered.result(),
  };
}
