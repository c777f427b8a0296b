import { AppenderError } from '../../errors.js';
import type { DeliveryReport } from './deliver-records.js';

/**
 * A PutRecordBatch call failed as a whole. The delivery-stream adapter turns SDK errors into this,
 * so the core can decide about retrying without knowing the SDK.
 */
export class DeliveryCallError extends AppenderError {
  /** The service's error code (`ServiceUnavailableException`, `ResourceNotFoundException`, ...). */
  readonly code: string;
  /** True when the same call may succeed later: throttling, 5xx, a dropped connection. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryCallError';
    this.code = code;
    this.retryable = options.retryable;
  }
}

/**
 * Some records were still not in Firehose when attempts or time ran out. Thrown so the invocation
 * fails and Lambda's asynchronous retries (then the on-failure destination) keep the event; the
 * records that did go through are sent again then, so delivery is at least once.
 */
export class DeliveryError extends AppenderError {
  readonly report: DeliveryReport;

  constructor(report: DeliveryReport) {
    const codes = Object.entries(report.failureCodes)
      .map(([code, count]) => `${code} x${count}`)
      .join(', ');
    super(
      `${report.recordsFailed} of ${report.recordsIn} records were not delivered to Firehose (${codes}); ` +
        `stopped by: ${report.stoppedBy.join(', ')}`,
      { cause: report.firstCallError },
    );
    this.name = 'DeliveryError';
    this.report = report;
  }
}

/** A log event too large for one Firehose record; nothing of the invocation was sent. */
export class OversizedRecordError extends AppenderError {
  readonly sourceId: string;
  readonly bytes: number;

  constructor(sourceId: string, bytes: number, limitBytes: number) {
    super(`log event ${sourceId} makes a record of ${bytes} bytes, over Firehose's limit of ${limitBytes} bytes per record`);
    this.name = 'OversizedRecordError';
    this.sourceId = sourceId;
    this.bytes = bytes;
  }
}

/** The subscription payload could not be decoded; nothing was sent. */
export class UndecodableSubscriptionError extends AppenderError {
  /** Which step failed (`not_base64`, `not_compressed`, `not_json`, `invalid_shape`, `too_large`). */
  readonly reason: string;

  constructor(reason: string, detail: string) {
    super(`cannot decode the CloudWatch Logs subscription payload: ${detail}`);
    this.name = 'UndecodableSubscriptionError';
    this.reason = reason;
  }
}
