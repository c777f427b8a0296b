import { decodeSubscriptionPayload, SubscriptionMessageType } from '../cloudwatch/index.js';
import { decodeTransformationRecord } from '../firehose/transformation/decode-transformation-record.js';
import type { Result } from '../result.js';

/**
 * The flow-log lines a CloudWatch Logs subscription payload on one line carries, as the decorator
 * and `pipeline` read them: the Lambda event `{"awslogs":{"data":"<base64 gzip>"}}`, or the payload
 * itself once decoded (`{"messageType":"DATA_MESSAGE",...,"logEvents":[...]}`, also what a gzipped
 * file of it holds once gunzipped). A control message carries none. Undefined for any other line;
 * an error (the reason) for a payload that does not decode.
 *
 * @example subscriptionMessagesOf('{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":0,"message":"2 123 ..."}]}') // { ok: true, value: ['2 123 ...'] }
 */
export function subscriptionMessagesOf(line: string): Result<readonly string[], string> | undefined {
  if (!line.trimStart().startsWith('{') || (!line.includes('"awslogs"') && !line.includes('"logEvents"') && !line.includes('"records"'))) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const awslogs = (value as { awslogs?: unknown }).awslogs;
  if (awslogs !== undefined) {
    const data = typeof awslogs === 'object' && awslogs !== null ? (awslogs as { data?: unknown }).data : undefined;
    if (typeof data !== 'string') return { ok: false, error: 'a CloudWatch Logs subscription event without a string awslogs.data' };
    const decoded = decodeSubscriptionPayload(data);
    if (!decoded.ok) return { ok: false, error: `a CloudWatch Logs subscription event that does not decode: ${decoded.error.message}` };
    return { ok: true, value: decoded.value.messageType === SubscriptionMessageType.Control ? [] : decoded.value.logEvents.map((event) => event.message) };
  }
  const firehose = firehoseEventMessagesOf(value);
  if (firehose !== undefined) return firehose;
  const { messageType, logEvents } = value as { messageType?: unknown; logEvents?: unknown };
  if (messageType === SubscriptionMessageType.Control) return { ok: true, value: [] };
  if (messageType !== SubscriptionMessageType.Data || !Array.isArray(logEvents)) return undefined;
  const messages: string[] = [];
  for (const event of logEvents as unknown[]) {
    const message = typeof event === 'object' && event !== null ? (event as { message?: unknown }).message : undefined;
    if (typeof message !== 'string') return { ok: false, error: 'a CloudWatch Logs subscription payload whose logEvents are not all {"message": "..."}' };
    messages.push(message);
  }
  return { ok: true, value: messages };
}

/**
 * The flow-log lines of a Firehose transformation event (`{"invocationId":...,"records":[{"data":
 * "<base64>"}]}`, as the decorator receives it and events/decorator/*.json hold it): each record
 * decoded as the decorator decodes it (bare lines, `{"message"}`, gzipped CloudWatch Logs
 * envelopes). Undefined for anything else; an error naming the record that does not decode.
 */
function firehoseEventMessagesOf(value: object): Result<readonly string[], string> | undefined {
  const { records, invocationId, deliveryStreamArn } = value as { records?: unknown; invocationId?: unknown; deliveryStreamArn?: unknown };
  if (!Array.isArray(records) || (typeof invocationId !== 'string' && typeof deliveryStreamArn !== 'string')) return undefined;
  const lines: string[] = [];
  for (const [index, record] of (records as unknown[]).entries()) {
    const data = typeof record === 'object' && record !== null ? (record as { data?: unknown }).data : undefined;
    if (typeof data !== 'string') return { ok: false, error: `a Firehose event whose record ${index + 1} has no string data` };
    const payload = decodeTransformationRecord(data);
    if (payload.kind === 'undecodable') return { ok: false, error: `a Firehose event whose record ${index + 1} does not decode: ${payload.reason}` };
    if (payload.kind === 'control') continue;
    for (const text of payload.texts) for (const line of text.split('\n')) if (line.trim() !== '') lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  return { ok: true, value: lines };
}
