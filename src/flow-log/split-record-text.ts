/**
 * The flow-log lines carried by one input record. Three shapes occur: a bare line (the ingestor
 * writes one per record), several lines separated by newlines, and the JSON wrapper
 * `{"message":"<line>"}` in which VPC Flow Logs delivers straight to Firehose. Text that looks like
 * JSON but has no string `message` is returned as a line, so the parser reports it rather than
 * this function guessing; so is a wrapper that names `message` twice (see unwrapRecordText).
 *
 * @example splitRecordText('{"message":"2 123456789010 eni-0a1b ..."}') // ['2 123456789010 eni-0a1b ...']
 */
export function splitRecordText(text: string): string[] {
  const unwrapped = unwrapRecordText(text);
  const result: string[] = [];
  visitRecordLines(unwrapped.ok ? unwrapped.text : text, (line) => {
    result.push(line);
    return true;
  });
  return result;
}

/** A record's text with its `{"message": ...}` wrapper removed, or why the wrapper cannot be trusted. */
export type UnwrappedRecordText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/**
 * Removes the `{"message":"..."}` wrapper when there is one; any other text comes back as it is.
 * `{"message":A,"message":B}` is refused: JSON.parse keeps B, another reader may keep A, and
 * which lines a record carries must not depend on the reader.
 *
 * @example unwrapRecordText('{"message":"a","message":"b"}') // { ok: false, reason: 'the wrapper names "message" 2 times' }
 */
export function unwrapRecordText(text: string): UnwrappedRecordText {
  if (!text.trimStart().startsWith('{')) {
    return { ok: true, text };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON after all: the line parser reports it as a record that does not fit its format.
    return { ok: true, text };
  }
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
    const count = topLevelKeyCount(text, 'message');
    return count === 1 ? { ok: true, text: parsed.message } : { ok: false, reason: `the {"message": ...} wrapper names "message" ${count} times` };
  }
  return { ok: true, text };
}

/** A JSON string token; outside strings JSON has no quote, so a left-to-right scan stays aligned. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/** How many keys of the outermost object of valid JSON `text` decode to `name` (escapes included). */
function topLevelKeyCount(text: string, name: string): number {
  let count = 0;
  let depth = 0;
  let scanned = 0;
  for (const match of text.matchAll(JSON_STRING)) {
    for (let index = scanned; index < match.index; index += 1) {
      const code = text.charCodeAt(index);
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth -= 1;
    }
    const token = match[0];
    scanned = match.index + token.length;
    if (depth !== 1) continue;
    let next = scanned;
    while (next < text.length && text.charCodeAt(next) <= SPACE) next += 1;
    if (text.charCodeAt(next) !== COLON) continue;
    const key = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
    if (key === name) count += 1;
  }
  return count;
}

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const SPACE = 32;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/**
 * Calls `visit` with each non-blank line of `text` (newline-separated, a trailing carriage return
 * removed), in order, without building an array of them: a record can hold millions of short
 * lines, and the caller may stop early by returning false. Returns false when it was stopped.
 */
export function visitRecordLines(text: string, visit: (line: string) => boolean): boolean {
  let from = 0;
  const length = text.length;
  while (from < length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = length;
    const end = to > from && text.charCodeAt(to - 1) === CARRIAGE_RETURN ? to - 1 : to;
    if (!isBlank(text, from, end)) {
      const line = from === 0 && end === length ? text : text.slice(from, end);
      if (!visit(line)) return false;
    }
    from = to + 1;
  }
  return true;
}

/** Whether text[from, end) is only white space, as String#trim sees it for the ASCII range. */
function isBlank(text: string, from: number, end: number): boolean {
  for (let index = from; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code > SPACE || (code !== SPACE && code !== NEWLINE && (code < 9 || code > CARRIAGE_RETURN))) {
      return code > 127 ? text.slice(from, end).trim() === '' : false;
    }
  }
  return true;
}
