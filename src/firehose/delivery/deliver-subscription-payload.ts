import { decodeSubscriptionPayload, SubscriptionMessageType } from '../../cloudwatch/decode-subscription-payload.js';
import { MetricUnit, type Logger, type Metrics } from '../../ports.js';
import { deliverRecords, type DeliverRecordsOptions, type DeliveryReport } from './deliver-records.js';
import { DeliveryError, OversizedRecordError, UndecodableSubscriptionError } from './delivery-errors.js';
import { toDeliveryRecords } from './delivery-record.js';

export interface DeliverSubscriptionPayloadDependencies extends Omit<DeliverRecordsOptions, 'logger'> {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Lines packed into one record up to this many bytes (S3 destinations only); absent or 0: one line a record. */
  readonly recordPackingBytes?: number;
  /** Added to the summary log so it can be found from a Lambda request id. */
  readonly requestId?: string;
}

export const IngestOutcome = {
  Delivered: 'delivered',
  /** A CloudWatch Logs health check: nothing to put. */
  ControlMessage: 'control_message',
  Failed: 'failed',
} as const;
export type IngestOutcome = (typeof IngestOutcome)[keyof typeof IngestOutcome];

/** The one summary of an invocation, logged and turned into metrics. */
export interface IngestSummary {
  readonly outcome: IngestOutcome;
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly logEventsIn: number;
  readonly recordsPut: number;
  readonly bytesPut: number;
  readonly putRecordBatchCalls: number;
  readonly recordsRetried: number;
  readonly recordsFailed: number;
  readonly failureCodes: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/** EMF metric names, one data point each per invocation. */
export const IngestMetric = {
  LogEventsIn: 'LogEventsIn',
  RecordsPut: 'RecordsPut',
  BytesPut: 'BytesPut',
  PutRecordBatchCalls: 'PutRecordBatchCalls',
  RecordsRetried: 'RecordsRetried',
  RecordsFailed: 'RecordsFailed',
} as const;

/**
 * The ingestor's use case: decodes a CloudWatch Logs subscription payload (`awslogs.data`) and puts
 * each log event into Firehose as one record, the line plus a newline, or, with `recordPackingBytes`,
 * consecutive lines packed into records of up to that size. A `CONTROL_MESSAGE` puts nothing. Whatever happens, it writes one summary log line and one set of metrics.
 *
 * Delivery is at least once: this throws when any record is still undelivered after the retries
 * `deliverRecords` allows, so that Lambda retries the event (and finally hands it to the
 * on-failure destination); records that did get through are then sent again.
 *
 * Throws `UndecodableSubscriptionError`, `OversizedRecordError` (nothing sent for either) or
 * `DeliveryError`.
 *
 * @example
 * await deliverSubscriptionPayload(event.awslogs.data, { deliveryStream, logger, metrics, concurrency: 4,
 *   maxAttempts: 8, deadline, clock: systemClock, sleep, random: Math.random, requestId: context.awsRequestId });
 */
export async function deliverSubscriptionPayload(data: unknown, dependencies: DeliverSubscriptionPayloadDependencies): Promise<IngestSummary> {
  const { logger, metrics, clock } = dependencies;
  const started = clock.now();
  let outcome: IngestOutcome = IngestOutcome.Failed;
  let source: { logGroup: string; logStream: string } | undefined;
  let logEventsIn = 0;
  let report: DeliveryReport | undefined;
  let failure: unknown;
  let summary: IngestSummary;

  try {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new UndecodableSubscriptionError('not_base64', 'awslogs.data is missing or not a string');
    }
    const decoded = decodeSubscriptionPayload(data);
    if (!decoded.ok) {
      throw new UndecodableSubscriptionError(decoded.error.reason, decoded.error.message);
    }
    const payload = decoded.value;
    source = { logGroup: payload.logGroup, logStream: payload.logStream };
    if (payload.messageType === SubscriptionMessageType.Control) {
      outcome = IngestOutcome.ControlMessage;
    } else {
      logEventsIn = payload.logEvents.length;
      report = await deliverRecords(toDeliveryRecords(payload.logEvents, dependencies.recordPackingBytes ?? 0), dependencies);
      outcome = IngestOutcome.Delivered;
    }
  } catch (error) {
    failure = error;
    if (error instanceof DeliveryError) report = error.report;
    throw error;
  } finally {
    // An oversized record stops the whole invocation before anything is sent.
    const recordsFailed = report?.recordsFailed ?? (failure instanceof OversizedRecordError ? logEventsIn : 0);
    summary = {
      outcome,
      ...source,
      logEventsIn,
      recordsPut: report?.recordsPut ?? 0,
      bytesPut: report?.bytesPut ?? 0,
      putRecordBatchCalls: report?.calls ?? 0,
      recordsRetried: report?.recordsRetried ?? 0,
      recordsFailed,
      failureCodes: report?.failureCodes ?? {},
      durationMs: clock.now() - started,
    };
    recordMetrics(metrics, summary);
    logSummary(logger, summary, failure, dependencies.requestId);
  }
  return summary;
}

function recordMetrics(metrics: Metrics, summary: IngestSummary): void {
  metrics.add(IngestMetric.LogEventsIn, MetricUnit.Count, summary.logEventsIn);
  metrics.add(IngestMetric.RecordsPut, MetricUnit.Count, summary.recordsPut);
  metrics.add(IngestMetric.BytesPut, MetricUnit.Bytes, summary.bytesPut);
  metrics.add(IngestMetric.PutRecordBatchCalls, MetricUnit.Count, summary.putRecordBatchCalls);
  metrics.add(IngestMetric.RecordsRetried, MetricUnit.Count, summary.recordsRetried);
  metrics.add(IngestMetric.RecordsFailed, MetricUnit.Count, summary.recordsFailed);
}

function logSummary(logger: Logger, summary: IngestSummary, failure: unknown, requestId: string | undefined): void {
  const attributes = { ...summary, ...(requestId === undefined ? {} : { requestId }) };
  if (failure === undefined) {
    logger.info('ingest summary', attributes);
    return;
  }
  const error = failure instanceof Error ? { name: failure.name, message: failure.message } : { name: 'UnknownError', message: typeof failure === 'string' ? failure : 'a non-Error value was thrown' };
  logger.error('ingest summary', { ...attributes, error });
}
