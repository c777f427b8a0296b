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

const UNCONFIRMED: PutRecordOutcome = { ok: false, errorCode: 'UnconfirmedRecord', errorMessage: 'the answer does not confirm this record was written' };

/** Failures no retry can mend: without credentials or a Region, every attempt fails the same way. */
function isConfigurationFailure(error: Error): boolean {
  return error.name === 'CredentialsProviderError' || /Region is missing|Could not load credentials/i.test(error.message);
}

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
      // Written means Firehose named the record it wrote: an entry with neither RecordId nor
      // ErrorCode (or `{}`) proves nothing, and is tried again.
      const outcomes = entries.map((entry): PutRecordOutcome => {
        if (entry.ErrorCode !== undefined && entry.ErrorCode !== '') {
          return { ok: false, errorCode: entry.ErrorCode, ...(entry.ErrorMessage === undefined ? {} : { errorMessage: entry.ErrorMessage }) };
        }
        return typeof entry.RecordId === 'string' && entry.RecordId !== '' ? { ok: true } : UNCONFIRMED;
      });
      // FailedPutCount above the failures listed: the entries cannot be trusted, so none counts as written.
      const failed = outcomes.filter((outcome) => !outcome.ok).length;
      if (typeof response.FailedPutCount === 'number' && response.FailedPutCount > failed) return outcomes.map(() => UNCONFIRMED);
      return outcomes;
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
    !isConfigurationFailure(error) &&
    (details.$fault === 'server' ||
      /throttl|ServiceUnavailable|TooManyRequests|RequestLimitExceeded|Timeout/i.test(error.name) ||
      status === 429 ||
      (status !== undefined && status >= 500) ||
      // No HTTP status at all: the connection failed or timed out before an answer.
      status === undefined);
  // A bare `Error` (the SDK's missing Region) says nothing by its name: name it by what failed.
  const code = error.name === 'Error' && /Region is missing/i.test(error.message) ? 'RegionMissing' : error.name;
  return new DeliveryCallError(code, `PutRecordBatch failed: ${error.message}`, { retryable, cause: error });
}
