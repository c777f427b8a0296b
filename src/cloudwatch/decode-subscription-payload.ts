import { isUtf8 } from 'node:buffer';
import { unzipSync } from 'node:zlib';
import { err, ok, type Result } from '../result.js';

/**
 * The two kinds of subscription message. CloudWatch Logs sends `CONTROL_MESSAGE` to check that a
 * destination is reachable; it carries no log data.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
 */
export const SubscriptionMessageType = {
  Data: 'DATA_MESSAGE',
  Control: 'CONTROL_MESSAGE',
} as const;
export type SubscriptionMessageType = (typeof SubscriptionMessageType)[keyof typeof SubscriptionMessageType];

/** One log event; for a VPC flow log, `message` is one flow-log record. */
export interface CloudWatchLogEvent {
  /** A 56-digit decimal string: it does not fit a JavaScript number, so it stays text. */
  readonly id: string;
  /** Milliseconds since the Unix epoch. */
  readonly timestamp: number;
  readonly message: string;
}

/** The decoded `awslogs.data` of a subscription: what CloudWatch Logs gzips and base64-encodes. */
export interface CloudWatchLogsPayload {
  readonly messageType: SubscriptionMessageType;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly CloudWatchLogEvent[];
  /** `ACCOUNT_LEVEL_POLICY` for account-level subscriptions; other extra keys are kept as sent. */
  readonly policyLevel?: string;
}

/** Which step of decoding failed. */
export const SubscriptionDecodeFailure = {
  /** The input is neither a base64 string nor bytes. */
  NotBase64: 'not_base64',
  /** The bytes are neither gzip nor zlib, or are truncated. */
  NotCompressed: 'not_compressed',
  /** Decompressed, the payload would exceed `maxDecodedBytes`. */
  TooLarge: 'too_large',
  /** The decompressed bytes are not valid UTF-8 (CloudWatch Logs only ever sends UTF-8). */
  NotUtf8: 'not_utf8',
  NotJson: 'not_json',
  /** JSON, but not the subscription payload shape. */
  InvalidShape: 'invalid_shape',
} as const;
export type SubscriptionDecodeFailure = (typeof SubscriptionDecodeFailure)[keyof typeof SubscriptionDecodeFailure];

/** Why a payload could not be decoded: data for the caller, never thrown. */
export interface SubscriptionDecodeError {
  readonly reason: SubscriptionDecodeFailure;
  /** Says what was wrong and where (`logEvents[3].id must be a string, got number`); never echoes the payload. */
  readonly message: string;
}

export interface DecodeSubscriptionPayloadOptions {
  /**
   * Refuses payloads that decompress to more than this, so a hostile or corrupt record cannot
   * exhaust the function's memory. CloudWatch Logs sends at most about 1 MB compressed.
   */
  readonly maxDecodedBytes?: number;
}

/** 64 MiB: far above what a 1 MB compressed subscription batch of text decompresses to. */
export const DEFAULT_MAX_DECODED_SUBSCRIPTION_BYTES = 64 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a CloudWatch Logs subscription payload: base64 (when given a string), then gzip or zlib
 * (both occur in the wild), then JSON, then a check of the shape. Never throws for bad input.
 *
 * @example
 * const decoded = decodeSubscriptionPayload(event.awslogs.data);
 * if (!decoded.ok) throw new Error(decoded.error.message);
 * if (decoded.value.messageType === SubscriptionMessageType.Control) return;
 * for (const logEvent of decoded.value.logEvents) console.log(logEvent.message);
 */
export function decodeSubscriptionPayload(
  data: string | Uint8Array,
  options: DecodeSubscriptionPayloadOptions = {},
): Result<CloudWatchLogsPayload, SubscriptionDecodeError> {
  let compressed: Uint8Array;
  if (typeof data === 'string') {
    if (data.length % 4 !== 0 || !BASE64.test(data)) {
      return failure('not_base64', 'the payload is not base64 text');
    }
    compressed = Buffer.from(data, 'base64');
  } else if (data instanceof Uint8Array) {
    compressed = data;
  } else {
    return failure('not_base64', `the payload must be a base64 string or bytes, got ${describe(data)}`);
  }

  const maxDecodedBytes = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_SUBSCRIPTION_BYTES;
  let decompressed: Buffer;
  try {
    decompressed = unzipSync(compressed, { maxOutputLength: maxDecodedBytes });
  } catch (error) {
    if (error instanceof RangeError) {
      return failure('too_large', `the payload decompresses to more than ${maxDecodedBytes} bytes`);
    }
    return failure('not_compressed', `the payload is neither gzip nor zlib data (${errorMessage(error)})`);
  }
  // Decoded leniently, bad bytes would become U+FFFD and pass for data.
  if (!isUtf8(decompressed)) return failure('not_utf8', 'the decompressed payload is not valid UTF-8');
  const text = decompressed.toString('utf8');

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failure('not_json', `the decompressed payload is not JSON (${errorMessage(error)})`);
  }

  const problem = findShapeProblem(parsed);
  return problem === undefined ? ok(parsed as CloudWatchLogsPayload) : failure('invalid_shape', problem);
}

/** Checks in place, without copying, so decoding ten thousand events stays cheap. */
function findShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `the payload must be a JSON object, got ${describe(value)}`;
  const { messageType } = value;
  if (messageType !== SubscriptionMessageType.Data && messageType !== SubscriptionMessageType.Control) {
    return `messageType must be DATA_MESSAGE or CONTROL_MESSAGE, got ${describeValue(messageType)}`;
  }
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof value[key] !== 'string') return `${key} must be a string, got ${describe(value[key])}`;
  }
  if (value.policyLevel !== undefined && typeof value.policyLevel !== 'string') {
    return `policyLevel must be a string when present, got ${describe(value.policyLevel)}`;
  }
  const { subscriptionFilters, logEvents } = value;
  if (!Array.isArray(subscriptionFilters)) return `subscriptionFilters must be an array, got ${describe(subscriptionFilters)}`;
  for (const [index, filter] of subscriptionFilters.entries()) {
    if (typeof filter !== 'string') return `subscriptionFilters[${index}] must be a string, got ${describe(filter)}`;
  }
  if (!Array.isArray(logEvents)) return `logEvents must be an array, got ${describe(logEvents)}`;
  for (const [index, logEvent] of logEvents.entries()) {
    if (!isObject(logEvent)) return `logEvents[${index}] must be an object, got ${describe(logEvent)}`;
    if (typeof logEvent.id !== 'string') return `logEvents[${index}].id must be a string, got ${describe(logEvent.id)}`;
    if (typeof logEvent.timestamp !== 'number' || !Number.isFinite(logEvent.timestamp)) {
      return `logEvents[${index}].timestamp must be a number, got ${describe(logEvent.timestamp)}`;
    }
    if (typeof logEvent.message !== 'string') return `logEvents[${index}].message must be a string, got ${describe(logEvent.message)}`;
  }
  return undefined;
}

function failure(reason: SubscriptionDecodeFailure, message: string): { readonly ok: false; readonly error: SubscriptionDecodeError } {
  return err({ reason, message });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Names short strings, which helps with a misspelt message type; anything else only by type. */
function describeValue(value: unknown): string {
  return typeof value === 'string' && value.length <= 40 ? JSON.stringify(value) : describe(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
