/**
 * The flow-log lines carried by one input record. Three shapes occur: a bare line (the ingestor
 * writes one per record), several lines separated by newlines, and the JSON wrapper
 * `{"message":"<line>"}` in which VPC Flow Logs delivers straight to Firehose. Text that looks like
 * JSON but has no string `message` is returned as a line, so the parser reports it rather than
 * this function guessing.
 *
 * @example splitRecordText('{"message":"2 123456789010 eni-0a1b ..."}') // ['2 123456789010 eni-0a1b ...']
 */
export function splitRecordText(text: string): string[] {
  const unwrapped = unwrapMessage(text);
  const lines = unwrapped.split('\n');
  const result: string[] = [];
  for (const line of lines) {
    const withoutCarriageReturn = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (withoutCarriageReturn.trim() !== '') {
      result.push(withoutCarriageReturn);
    }
  }
  return result;
}

function unwrapMessage(text: string): string {
  if (!text.trimStart().startsWith('{')) {
    return text;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
      return parsed.message;
    }
  } catch {
    // Not JSON after all: the line parser reports it as a record that does not fit its format.
  }
  return text;
}
