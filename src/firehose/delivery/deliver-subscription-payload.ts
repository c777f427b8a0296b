import { decodeSubscriptionPayload, SubscriptionMessageType } from '../../cloudwatch/decode-subscription-payload.js';
import { MetricUnit, type Logger, type Metrics } from '../../ports.js';
import { deliverRecords, type DeliverRecordsOptions, type DeliveryReport } from './deliver-records.js';
import { DeliveryCallError, DeliveryError, OversizedRecordError, UndecodableSubscriptionError } from './delivery-errors.js';
import { toDeliveryRecords, type DeliveryRecord } from './delivery-record.js';
import { MAX_RECORD_BYTES } from './put-record-batch-limits.js';

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
  /** Log events longer than a Firehose record can be: not put, each logged with its location. */
  readonly oversizedLogEvents: number;
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
  OversizedLogEvents: 'OversizedLogEvents',
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
 * A log event longer than a Firehose record (1,000 KiB) is not put: it is logged at ERROR with its
 * log group, stream and event id, counted as `OversizedLogEvents`, and every other event is put.
 *
 * Throws `UndecodableSubscriptionError` (nothing sent) or `DeliveryError`.
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
  let oversizedLogEvents = 0;
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
      const records = toDeliveryRecords(payload.logEvents, dependencies.recordPackingBytes ?? 0);
      // A line over Firehose's record limit can never be put, and cannot be split (it is one flow
      // record): every other line goes on, and this one is logged with where it is, so it can be
      // read from its log group. Throwing would only have Lambda retry the event, forever in vain.
      const oversized = records.filter((record) => record.data.byteLength > MAX_RECORD_BYTES);
      oversizedLogEvents = oversized.length;
      for (const record of oversized) logOversized(logger, record, source);
      report = await deliverRecords(oversized.length === 0 ? records : records.filter((record) => record.data.byteLength <= MAX_RECORD_BYTES), dependencies);
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
      oversizedLogEvents,
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
  metrics.add(IngestMetric.OversizedLogEvents, MetricUnit.Count, summary.oversizedLogEvents);
}

/** One ERROR line per oversized log event (rare by nature): where it is and its size, never its content. */
function logOversized(logger: Logger, record: DeliveryRecord, source: { logGroup: string; logStream: string }): void {
  logger.error('log event too large for a Firehose record: not delivered, still in its log group', {
    ...source,
    logEventId: record.sourceId,
    bytes: record.data.byteLength,
    maxRecordBytes: MAX_RECORD_BYTES,
  });
}

function logSummary(logger: Logger, summary: IngestSummary, failure: unknown, requestId: string | undefined): void {
  const attributes = { ...summary, ...(requestId === undefined ? {} : { requestId }) };
  if (failure === undefined) {
    logger.info('ingest summary', attributes);
    return;
  }
  const error = failure instanceof Error ? { name: failure.name, message: failure.message } : { name: 'UnknownError', message: typeof failure === 'string' ? failure : 'a non-Error value was thrown' };
  // The codes alone (`Error x4`) do not say why: the first failed call's own error does.
  const cause = failure instanceof DeliveryError ? callFailureCause(failure.report.firstCallError) : undefined;
  logger.error('ingest summary', { ...attributes, error, ...(cause === undefined ? {} : { cause }) });
}

/** Name, code and message of a failed call and of what it wrapped (the SDK's error), secrets removed. */
function callFailureCause(callError: unknown): Record<string, string> | undefined {
  if (!(callError instanceof Error)) return undefined;
  const inner = callError.cause instanceof Error ? callError.cause : undefined;
  const code = callError instanceof DeliveryCallError ? callError.code : undefined;
  const redact = (text: string): string => text.replace(/\b(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=[^&\s"']*/gi, '$1=[redacted]').slice(0, 300);
  return {
    name: inner?.name ?? callError.name,
    ...(code === undefined ? {} : { code }),
    message: redact(inner?.message ?? callError.message),
  };
}
