import { isUtf8 } from 'node:buffer';
import { decodeSubscriptionPayload } from '../../cloudwatch/decode-subscription-payload.js';
import { unwrapRecordText } from '../../flow-log/split-record-text.js';

/** What one Firehose record carries, before parsing. */
export type TransformationRecordPayload =
  /**
   * Flow-log text: a bare line, several lines, the message of `{"message":...}`, or the messages of
   * a CloudWatch Logs envelope's events. Each text holds one or more newline-separated lines
   * (visitRecordLines reads them); they are not split here, since one text can hold millions.
   */
  | { readonly kind: 'text'; readonly texts: readonly string[] }
  /** A CloudWatch Logs control message: no flow to deliver. */
  | { readonly kind: 'control' }
  | { readonly kind: 'undecodable'; readonly reason: string };

/**
 * Records are decoded one after the other into one buffer that grows as needed: a Buffer per
 * record (an allocation and a wrapper object each) was a fifth of decoding, over thousands of records.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Decodes base64 into `scratch` and returns the byte count (lenient as `Buffer.from(text, 'base64')`). */
function decodeBase64IntoScratch(base64Data: string): number {
  const most = Math.ceil((base64Data.length * 3) / 4);
  if (most > scratch.length) scratch = Buffer.allocUnsafe(Math.max(most, scratch.length * 2));
  return scratch.write(base64Data, 0, 'base64');
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * Decodes a transformation record's base64 data into flow-log lines. Three shapes arrive: the
 * ingestor's bare lines, `{"message":"..."}` from flow logs delivered straight to Firehose, and a
 * gzipped CloudWatch Logs envelope from a subscription filter that targets Firehose directly.
 *
 * @example decodeTransformationRecord(Buffer.from('2 123456789012 eni-0a1b ...\n').toString('base64'))
 * // { kind: 'text', texts: ['2 123456789012 eni-0a1b ...'] }
 */
export function decodeTransformationRecord(base64Data: string): TransformationRecordPayload {
  const length = decodeBase64IntoScratch(base64Data);
  const bytes = scratch;
  if (length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1) {
    // Decompressed at once, before the scratch buffer is used again.
    const decoded = decodeSubscriptionPayload(bytes.subarray(0, length));
    if (!decoded.ok) {
      return { kind: 'undecodable', reason: decoded.error.message };
    }
    if (decoded.value.messageType === 'CONTROL_MESSAGE') {
      return { kind: 'control' };
    }
    const texts: string[] = [];
    for (const [index, logEvent] of decoded.value.logEvents.entries()) {
      const unwrapped = unwrapRecordText(logEvent.message);
      if (!unwrapped.ok) return { kind: 'undecodable', reason: `log event ${index + 1}: ${unwrapped.reason}` };
      texts.push(unwrapped.text);
    }
    return { kind: 'text', texts };
  }
  const text = bytes.toString('utf8', 0, length);
  // A field's value must be what the source wrote: U+FFFD in place of bad bytes would go out as data.
  // Decoding puts U+FFFD wherever bytes are not UTF-8, so text without one was valid and only text
  // with one (rare: a replacement character the source wrote, or damage) needs the byte check.
  if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(bytes.subarray(0, length))) {
    return { kind: 'undecodable', reason: 'the record is not valid UTF-8' };
  }
  if (isSingleBareLine(text)) return { kind: 'text', texts: [text.endsWith('\n') ? text.slice(0, -1) : text] };
  const unwrapped = unwrapRecordText(text);
  return unwrapped.ok ? { kind: 'text', texts: [unwrapped.text] } : { kind: 'undecodable', reason: unwrapped.reason };
}

const CARRIAGE_RETURN = 13;
const OPENING_BRACE = 123;

/** The ingestor's shape, one line and its newline: most records, so they skip the general split. */
function isSingleBareLine(text: string): boolean {
  const newline = text.indexOf('\n');
  return (
    text.length > 0 &&
    text.charCodeAt(0) !== OPENING_BRACE &&
    text.charCodeAt(0) > 32 &&
    (newline === -1 || newline === text.length - 1) &&
    text.charCodeAt(text.length - (newline === -1 ? 1 : 2)) !== CARRIAGE_RETURN
  );
}
