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
