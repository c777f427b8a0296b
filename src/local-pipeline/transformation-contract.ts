import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../firehose/transformation/firehose-limits.js';
import { err, ok, type Result } from '../result.js';

/** Lambda's limit on a synchronous response, defined once in src/firehose/transformation/firehose-limits.ts. */
export const MAX_LAMBDA_RESPONSE_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES;

/**
 * The error codes Firehose writes into processing-failed records and its CloudWatch error logs
 * for a transformation. https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-logs.html
 */
export const TransformationErrorCode = {
  /** A recordId of the invocation is not in the response (or the response names one it never sent). */
  MissingRecordId: 'Lambda.MissingRecordId',
  /** A recordId comes back more than once. */
  DuplicatedRecordId: 'Lambda.DuplicatedRecordId',
  /** The response is not the expected JSON: not an object, no records array, a bad result or data. */
  JsonProcessingException: 'Lambda.JsonProcessingException',
  /** The function failed: it threw, timed out or its response passed Lambda's 6 MB. */
  FunctionError: 'Lambda.FunctionError',
  /** The function answered ProcessingFailed for the record (the code Firehose uses for it; verify against a live stream). */
  ProcessingFailedStatus: 'Lambda.ProcessingFailedStatus',
} as const;
export type TransformationErrorCode = (typeof TransformationErrorCode)[keyof typeof TransformationErrorCode];

/** What the result of one record says, checked. */
export interface CheckedTransformationRecord {
  readonly result: 'Ok' | 'Dropped' | 'ProcessingFailed';
  /** The decoded bytes of `data`. */
  readonly data: Buffer;
}

/** Why a whole response was refused: every record of the invocation then counts as failed. */
export interface TransformationFailure {
  readonly errorCode: TransformationErrorCode;
  readonly errorMessage: string;
}

const RESULTS = new Set(['Ok', 'Dropped', 'ProcessingFailed']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks a transformation response as Firehose does: at most 6 MB of JSON holding `records`,
 * every recordId of the invocation exactly once and no other, `result` exactly `Ok`, `Dropped` or
 * `ProcessingFailed`, and `data` in base64. One broken rule refuses the whole response.
 *
 * @example
 * const checked = checkTransformationResponse(['1'], '{"records":[{"recordId":"1","result":"Ok","data":"e30="}]}');
 * // { ok: true, value: Map { '1' => { result: 'Ok', data: <Buffer 7b 7d> } } }
 */
export function checkTransformationResponse(
  recordIds: readonly string[],
  responseText: string,
): Result<ReadonlyMap<string, CheckedTransformationRecord>, TransformationFailure> {
  const bytes = Buffer.byteLength(responseText);
  if (bytes > MAX_LAMBDA_RESPONSE_BYTES) {
    return err({ errorCode: TransformationErrorCode.FunctionError, errorMessage: `The response of ${bytes} bytes exceeds Lambda's limit of ${MAX_LAMBDA_RESPONSE_BYTES} bytes.` });
  }
  let response: unknown;
  try {
    response = JSON.parse(responseText);
  } catch {
    return err(jsonProblem('The response is not valid JSON.'));
  }
  const records = typeof response === 'object' && response !== null && 'records' in response ? response.records : undefined;
  if (!Array.isArray(records)) return err(jsonProblem('The response has no "records" array.'));
  const expected = new Set(recordIds);
  const checked = new Map<string, CheckedTransformationRecord>();
  for (const [index, record] of (records as unknown[]).entries()) {
    if (typeof record !== 'object' || record === null) return err(jsonProblem(`records[${index}] is not an object.`));
    const { recordId, result, data } = record as Record<string, unknown>;
    if (typeof recordId !== 'string') return err(jsonProblem(`records[${index}] has no string recordId.`));
    if (typeof result !== 'string' || !RESULTS.has(result)) return err(jsonProblem(`records[${index}] has result ${JSON.stringify(result)}; expected Ok, Dropped or ProcessingFailed.`));
    if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) return err(jsonProblem(`records[${index}] has data that is not base64.`));
    if (checked.has(recordId)) {
      return err({ errorCode: TransformationErrorCode.DuplicatedRecordId, errorMessage: `The record id ${recordId} appears more than once in the response.` });
    }
    if (!expected.has(recordId)) {
      return err({ errorCode: TransformationErrorCode.MissingRecordId, errorMessage: `The response names record id ${recordId}, which was not in the invocation.` });
    }
    checked.set(recordId, { result: result as CheckedTransformationRecord['result'], data: Buffer.from(data, 'base64') });
  }
  const missing = recordIds.find((recordId) => !checked.has(recordId));
  if (missing !== undefined) {
    return err({ errorCode: TransformationErrorCode.MissingRecordId, errorMessage: `The record id ${missing} is missing from the response.` });
  }
  return ok(checked);
}

function jsonProblem(errorMessage: string): TransformationFailure {
  return { errorCode: TransformationErrorCode.JsonProcessingException, errorMessage };
}
