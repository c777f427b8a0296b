// The ingestor Lambda: CloudWatch Logs subscription (VPC flow logs) -> Firehose, one record per
// line (or packed lines, for S3 delivery). Wiring only; the behaviour is in src/firehose/delivery/deliver-subscription-payload.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { createFirehoseDeliveryStream } from '../src/adapters/firehose-delivery-stream.js';
import { createPowertoolsObservability } from '../src/adapters/powertools-observability.js';
import { loadIngestorConfig } from '../src/config/ingestor-config.js';
import { deliverSubscriptionPayload } from '../src/firehose/delivery/deliver-subscription-payload.js';
import { systemClock } from '../src/ports.js';

// Cold start: a bad environment fails here, listing every problem.
const config = loadIngestorConfig(process.env);
const observability = createPowertoolsObservability({
  serviceName: config.serviceName,
  namespace: config.metricsNamespace,
  ...(config.logLevel === undefined ? {} : { logLevel: config.logLevel }),
});
// No endpoint here: the SDK honours AWS_ENDPOINT_URL_FIREHOSE. A hung call must not eat the whole
// retry budget, so calls time out (then count as retryable failures).
const client = new FirehoseClient({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true } });
// The SDK's logger middleware copies every request for a logger we never give it: 500 records a call.
client.middlewareStack.remove('loggerMiddleware');
const deliveryStream = createFirehoseDeliveryStream({ client, deliveryStreamName: config.deliveryStreamName });

/** Puts every log event of the subscription batch into Firehose, or throws so Lambda retries the event. */
export const handler = async (event: CloudWatchLogsEvent, context: Context): Promise<void> => {
  // Every PutRecordBatch call is bounded by what is left, less the margin, so the DeliveryError,
  // the summary log and the metrics come out before Lambda's deadline (the timer does not keep the process alive).
  const deliveryTimeMs = Math.max(0, context.getRemainingTimeInMillis() - config.timeMarginMs);
  try {
    await deliverSubscriptionPayload(event?.awslogs?.data, {
      deliveryStream,
      logger: observability.logger,
      metrics: observability.metrics,
      concurrency: config.concurrency,
      maxAttempts: config.maxAttempts,
      recordPackingBytes: config.recordPackingBytes,
      deadline: systemClock.now() + deliveryTimeMs,
      callsUntil: AbortSignal.timeout(deliveryTimeMs),
      clock: systemClock,
      sleep: (milliseconds) => sleep(milliseconds),
      random: Math.random,
      requestId: context.awsRequestId,
    });
  } finally {
    observability.publish();
  }
};
