import { isKnownField } from './field-catalogue.js';
import { isBlankLine, isFieldSeparator } from './field-separator.js';
import type { FlowLogDocument } from './flow-log-document.js';
import { DEFAULT_FORMAT, formatFromHeaderLine, type FlowLogFormat } from './flow-log-format.js';
import { ParseErrorCode, parseFlowLogLine, type FlowLogParseError } from './parse-flow-log-line.js';

/** What one line of flow-log text turned out to be. */
export type LineOutcome =
  | { readonly kind: 'flow'; readonly document: FlowLogDocument }
  | { readonly kind: 'header'; readonly format: FlowLogFormat }
  | { readonly kind: 'blank' }
  | { readonly kind: 'invalid'; readonly error: FlowLogParseError };

export interface FlowLogLineParser {
  /** Classifies and parses one line. Header lines switch the format for the lines after them. */
  parse(line: string): LineOutcome;
  /** The format the next record line is parsed with. */
  readonly format: FlowLogFormat;
  /** Back to the configured format, as at a new source: a header governs only the lines after it in its own source. */
  reset(): void;
}

export interface FlowLogLineParserOptions {
  /** The format of record lines until a header line says otherwise. Default: the default format. */
  readonly format?: FlowLogFormat;
  /**
   * Document keys no field may take (the fields the decorator adds): a header line naming one is
   * an invalid line, so no record can pass off its own value as one we computed.
   */
  readonly reservedKeys?: ReadonlySet<string>;
}

/** Formats a parser remembers by their text; a source rarely switches between more than a few. */
const MAX_REMEMBERED_FORMATS = 32;
const LOWER_A = 97;
const LOWER_Z = 122;

/** Header lines start with a field name; records almost never do, so most lines skip the full check. */
function startsLikeHeader(line: string): boolean {
  let from = 0;
  while (from < line.length && isFieldSeparator(line.charCodeAt(from))) from += 1;
  const first = line.charCodeAt(from);
  if (first < LOWER_A || first > LOWER_Z) {
    return false;
  }
  let to = from + 1;
  while (to < line.length && !isFieldSeparator(line.charCodeAt(to))) to += 1;
  return isKnownField(line.slice(from, to));
}

/**
 * A parser for a stream of lines from one source (a file, a batch). Files delivered to S3 begin
 * with a header naming the fields, and concatenated files repeat it, so a header always wins over
 * the configured format: it is the source's own statement of its columns.
 *
 * @example
 * const parser = createFlowLogLineParser();
 * parser.parse('version srcaddr dstaddr'); // { kind: 'header', ... }
 * parser.parse('3 192.0.2.1 198.51.100.7'); // { kind: 'flow', document: { version: 3, srcaddr: ..., dstaddr: ... } }
 */
export function createFlowLogLineParser(options: FlowLogLineParserOptions = {}): FlowLogLineParser {
  const initial = options.format ?? DEFAULT_FORMAT;
  const reserved = options.reservedKeys ?? new Set<string>();
  let format = initial;
  // A repeated header names a format seen before: reuse that object, and with it the parser's
  // compiled form of it, instead of compiling the same format again for every header.
  const formatsByText = new Map<string, FlowLogFormat>([[format.text, format]]);
  const known = (declared: FlowLogFormat): FlowLogFormat => {
    const seen = formatsByText.get(declared.text);
    if (seen !== undefined) return seen;
    if (formatsByText.size < MAX_REMEMBERED_FORMATS) formatsByText.set(declared.text, declared);
    return declared;
  };
  return {
    get format() {
      return format;
    },
    reset() {
      format = initial;
    },
    parse(line) {
      if (isBlankLine(line)) {
        return { kind: 'blank' };
      }
      if (startsLikeHeader(line)) {
        const declared = formatFromHeaderLine(line);
        if (declared !== undefined) {
          const taken = declared.fields.find((field) => reserved.has(field.key));
          if (taken !== undefined) {
            return {
              kind: 'invalid',
              error: { code: ParseErrorCode.ReservedField, field: taken.name, message: `the header names ${taken.name}, a field this program adds: its values cannot be told from ours` },
            };
          }
          format = known(declared);
          return { kind: 'header', format };
        }
      }
      const parsed = parseFlowLogLine(line, format);
      return parsed.ok ? { kind: 'flow', document: parsed.value } : { kind: 'invalid', error: parsed.error };
    },
  };
}
