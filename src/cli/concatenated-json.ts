/**
 * The JSON objects of a line that holds several written back to back, as Firehose writes
 * `{"message":"..."}` records to S3 when no newline delimiter is configured
 * (`{"message":"a"}{"message":"b"}`); any other line comes back as it is, for the caller to read
 * or report. Only the top-level braces outside strings are counted, so braces and quotes inside
 * a message do not split it.
 *
 * @example splitConcatenatedJsonObjects('{"message":"a"}{"message":"b"}') // ['{"message":"a"}', '{"message":"b"}']
 */
export function splitConcatenatedJsonObjects(line: string): string[] {
  const text = line.trim();
  // Fast path: a raw record, or one object (the common case), is never split.
  if (!text.startsWith('{') || (!text.includes('}{') && !/\}\s+\{/.test(text))) return [line];
  const objects: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x7b) {
      if (depth === 0) start = index;
      depth += 1;
    } else if (code === 0x7d) {
      depth -= 1;
      if (depth < 0) return [line];
      if (depth === 0) objects.push(text.slice(start, index + 1));
    } else if (depth === 0 && code !== 0x20 && code !== 0x09) {
      return [line];
    }
  }
  return depth === 0 && objects.length > 1 ? objects : [line];
}

/** A pretty-printed JSON object longer than this is not joined: its lines are read one by one, as before. */
const MAX_JOINED_JSON_CHARACTERS = 8 * 1024 * 1024;

/**
 * The lines of an input with every pretty-printed (multi-line) JSON object joined into one line, as
 * a CloudWatch Logs subscription event or a Firehose event saved with indentation (events/*.json):
 * the object comes out at its first line, followed by an empty line for each further line it took,
 * so the line numbers of everything after it stay those of the file. A line that opens an object
 * it does not close starts a join; any other line (a record, one-line JSON) passes through
 * untouched. An object still open at the end of the input, or larger than 8 MiB, is given back as
 * the lines it was, for the reader to report as they are.
 *
 * @example for await (const line of joinMultiLineJsonObjects(readLines(stream))) ... // '{\n  "awslogs": {...}\n}' comes out as one line and two empty ones
 */
export async function* joinMultiLineJsonObjects<O>(lines: AsyncIterable<string | O>): AsyncGenerator<string | O> {
  let pending: string[] = [];
  let pendingCharacters = 0;
  const scan = { depth: 0, inString: false };
  for await (const line of lines) {
    if (typeof line !== 'string') {
      yield* pending;
      pending = [];
      yield line;
      continue;
    }
    if (pending.length === 0) {
      const text = line.trim();
      // Fast path: a record, a blank line, or one-line JSON is never joined.
      if (!text.startsWith('{') || text.endsWith('}')) {
        yield line;
        continue;
      }
      scan.depth = 0;
      scan.inString = false;
      if (!scanBraces(line, scan) || scan.depth === 0) {
        yield line;
        continue;
      }
      pending = [line];
      pendingCharacters = line.length;
      continue;
    }
    pending.push(line);
    pendingCharacters += line.length + 1;
    if (!scanBraces(line, scan) || pendingCharacters > MAX_JOINED_JSON_CHARACTERS) {
      yield* pending;
      pending = [];
      continue;
    }
    if (scan.depth === 0) {
      yield pending.join('\n');
      for (let index = 1; index < pending.length; index += 1) yield '';
      pending = [];
    }
  }
  yield* pending;
}

/**
 * Follows the braces of one more line of a JSON text outside strings; false when the text cannot
 * be one object (a brace closes nothing, or something follows the closing brace).
 */
function scanBraces(line: string, state: { depth: number; inString: boolean }): boolean {
  for (let index = 0; index < line.length; index += 1) {
    const code = line.charCodeAt(index);
    if (state.inString) {
      if (code === 0x5c) index += 1;
      else if (code === 0x22) state.inString = false;
      continue;
    }
    if (state.depth === 0 && code !== 0x20 && code !== 0x09 && code !== 0x0d && code !== 0x7b) return false;
    if (code === 0x22) state.inString = true;
    else if (code === 0x7b) state.depth += 1;
    else if (code === 0x7d) {
      state.depth -= 1;
      if (state.depth < 0) return false;
    }
  }
  return true;
}
