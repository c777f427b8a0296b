import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { DeliveryCallError } from '../firehose/delivery/delivery-errors.js';
import type { DeliveryStream, PutRecordOutcome } from '../ports.js';

export interface FirehoseDeliveryStreamOptions {
  /** Built once per container by the composition root; its endpoint comes from the SDK's own settings. */
  readonly client: FirehoseClient;
  readonly deliveryStreamName: string;
}

/**
 * Errors that no retry can fix: the stream is missing or of the wrong kind, the request is
 * invalid, or the caller may not write. Anything else with a server fault, throttling or no answer
 * at all is worth another try.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html#API_PutRecordBatch_Errors
 */
const NOT_RETRYABLE = new Set([
  'ResourceNotFoundException',
  'InvalidArgumentException',
  'InvalidKMSResourceException',
  'InvalidSourceException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ValidationException',
]);

/**
 * A `DeliveryStream` on the AWS SDK's Firehose client. The SDK retries throttling and 5xx a few
 * times itself; what still fails reaches the core as `DeliveryCallError`, which retries within
 * the invocation's time budget.
 *
 * @example
 * const deliveryStream = createFirehoseDeliveryStream({ client: new FirehoseClient({}), deliveryStreamName: 'vpc-flow-logs' });
 * const outcomes = await deliveryStream.putRecordBatch([Buffer.from('2 123456789012 eni-0a1b ... OK\n')]);
 */
export function createFirehoseDeliveryStream({ client, deliveryStreamName }: FirehoseDeliveryStreamOptions): DeliveryStream {
  return {
    async putRecordBatch(records: readonly Uint8Array[]): Promise<readonly PutRecordOutcome[]> {
      let response;
      try {
        response = await client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: deliveryStreamName, Records: records.map((data) => ({ Data: data })) }),
        );
      } catch (error) {
        throw toDeliveryCallError(error);
      }
      const entries = response.RequestResponses ?? [];
      if (entries.length !== records.length) {
        // The answer cannot be matched to the request; every record must be treated as not written.
        throw new DeliveryCallError(
          'MalformedResponse',
          `PutRecordBatch answered ${entries.length} entries for ${records.length} records`,
          { retryable: true },
        );
      }
      return entries.map((entry): PutRecordOutcome =>
        entry.ErrorCode === undefined || entry.ErrorCode === ''
          ? { ok: true }
          : { ok: false, errorCode: entry.ErrorCode, ...(entry.ErrorMessage === undefined ? {} : { errorMessage: entry.ErrorMessage }) },
      );
    },
  };
}

function toDeliveryCallError(error: unknown): DeliveryCallError {
  if (!(error instanceof Error)) {
    return new DeliveryCallError('UnknownError', String(error), { retryable: false, cause: error });
  }
  const details = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = details.$metadata?.httpStatusCode;
  const retryable =
    !NOT_RETRYABLE.has(error.name) &&
    (details.$fault === 'server' ||
      /throttl|ServiceUnavailable|TooManyRequests|RequestLimitExceeded|Timeout/i.test(error.name) ||
      status === 429 ||
      (status !== undefined && status >= 500) ||
      // No HTTP status at all: the connection failed or timed out before an answer.
      status === undefined);
  return new DeliveryCallError(error.name, `PutRecordBatch failed: ${error.message}`, { retryable, cause: error });
}
