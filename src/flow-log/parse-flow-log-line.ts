import { FieldType, type FlowLogFieldDefinition } from './field-catalogue.js';
import type { FlowLogDocument } from './flow-log-document.js';
import type { FlowLogFormat } from './flow-log-format.js';
import { isIPv4Address, isIPv6Address } from './ip-address-syntax.js';
import { protocolName } from './protocol-names.js';
import { isoTimestampFromUnixSeconds } from './unix-time.js';
import { err, ok, type Result } from '../result.js';

/** Why a line is not a record of its format. */
export const ParseErrorCode = {
  FieldCount: 'field_count',
  InvalidInteger: 'invalid_integer',
  InvalidAddress: 'invalid_address',
  InvalidTime: 'invalid_time',
  NotAFlowLogRecord: 'not_a_flow_log_record',
} as const;
export type ParseErrorCode = (typeof ParseErrorCode)[keyof typeof ParseErrorCode];

export interface FlowLogParseError {
  readonly code: ParseErrorCode;
  /** The field at fault, as AWS names it, when one field is. */
  readonly field?: string;
  /** A sentence a user can act on, naming the field and the value. */
  readonly message: string;
}

/** The value AWS writes when a field does not apply or could not be computed. */
const ABSENT = '-';
/** `Date` covers ±8.64e15 ms; flow-log times are Unix seconds. */
const MAX_UNIX_SECONDS = 8.64e12;
const WHITESPACE_RUN = /\s+/;
const MAX_ERROR_VALUE_LENGTH = 60;

interface CompiledFormat {
  readonly fields: readonly FlowLogFieldDefinition[];
  readonly startIndex: number;
  readonly endIndex: number;
  readonly protocolIndex: number;
}

const compiledFormats = new WeakMap<FlowLogFormat, CompiledFormat>();

function compile(format: FlowLogFormat): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (compiled === undefined) {
    compiled = {
      fields: format.fields,
      startIndex: format.fields.findIndex((field) => field.name === 'start'),
      endIndex: format.fields.findIndex((field) => field.name === 'end'),
      protocolIndex: format.fields.findIndex((field) => field.name === 'protocol'),
    };
    compiledFormats.set(format, compiled);
  }
  return compiled;
}

/** Marks a line whose whitespace is not single spaces, to be normalised and parsed again. */
const IRREGULAR_WHITESPACE = Symbol('irregular whitespace');
const SPACE = 32;
const TAB = '\t';

/**
 * The value of the decimal digits in `text[from, to)`, or -1 when they are not all digits or the
 * value is past 2^53. Reading in place avoids a substring per integer field on the hot path.
 */
function parseNonNegativeInteger(text: string, from: number, to: number): number {
  if (to <= from) {
    return -1;
  }
  let value = 0;
  for (let index = from; index < to; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) {
      return -1;
    }
    value = value * 10 + digit;
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

function countFields(line: string): number {
  const trimmed = line.trim();
  return trimmed === '' ? 0 : trimmed.split(WHITESPACE_RUN).length;
}

function fieldCountError(expected: number, found: number): FlowLogParseError {
  return { code: ParseErrorCode.FieldCount, message: `expected ${expected} fields for the format, found ${found}` };
}

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_ERROR_VALUE_LENGTH ? `${value.slice(0, MAX_ERROR_VALUE_LENGTH)}…` : value);
}

function fieldError(code: ParseErrorCode, field: FlowLogFieldDefinition, value: string, what: string): FlowLogParseError {
  return { code, field: field.name, message: `field ${field.name}: ${quote(value)} is not ${what}` };
}

function isoTimestamp(unixSeconds: number | undefined): string | undefined {
  return unixSeconds === undefined ? undefined : isoTimestampFromUnixSeconds(unixSeconds);
}

/**
 * Parses one flow-log record against its format into a document. Never throws for bad input: a
 * line that does not fit its format comes back as an error naming the field and the value.
 *
 * @example
 * parseFlowLogLine('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA', DEFAULT_FORMAT)
 * // { ok: true, value: { version: 2, account_id: '123456789010', ..., log_status: 'NODATA', '@timestamp': '2015-05-10T18:01:16.000Z' } }
 */
export function parseFlowLogLine(line: string, format: FlowLogFormat): Result<FlowLogDocument, FlowLogParseError> {
  const compiled = compile(format);
  if (!line.includes(TAB)) {
    const parsed = parseSingleSpaced(line, compiled);
    if (parsed !== IRREGULAR_WHITESPACE) {
      return parsed;
    }
  }
  // Runs of spaces or tabs occur (AWS's own examples have a double space): normalise and retry.
  const tokens = line.trim().split(WHITESPACE_RUN);
  if (tokens.length !== compiled.fields.length) {
    return err(fieldCountError(compiled.fields.length, countFields(line)));
  }
  return parseSingleSpaced(tokens.join(' '), compiled) as Result<FlowLogDocument, FlowLogParseError>;
}

/** Parses fields separated by exactly one space, reading values in place. */
function parseSingleSpaced(
  line: string,
  { fields, startIndex, endIndex, protocolIndex }: CompiledFormat,
): Result<FlowLogDocument, FlowLogParseError> | typeof IRREGULAR_WHITESPACE {
  const document: FlowLogDocument = {};
  const fieldCount = fields.length;
  let from = 0;
  for (let index = 0; index < fieldCount; index += 1) {
    if (from > line.length) {
      return err(fieldCountError(fieldCount, countFields(line)));
    }
    let to = line.indexOf(' ', from);
    if (to === -1) {
      to = line.length;
    }
    if (to === from) {
      return IRREGULAR_WHITESPACE;
    }
    const next = to + 1;
    if (to - from === 1 && line.charCodeAt(from) === 45 /* - */) {
      from = next;
      continue;
    }
    const field = fields[index] as FlowLogFieldDefinition;
    switch (field.type) {
      case FieldType.Integer: {
        const value = parseNonNegativeInteger(line, from, to);
        if (value < 0) {
          return err(fieldError(ParseErrorCode.InvalidInteger, field, line.slice(from, to), 'a non-negative integer'));
        }
        if ((index === startIndex || index === endIndex) && value > MAX_UNIX_SECONDS) {
          return err(fieldError(ParseErrorCode.InvalidTime, field, line.slice(from, to), 'a Unix time in seconds'));
        }
        document[field.key] = value;
        if (index === protocolIndex) {
          const name = protocolName(value);
          if (name !== undefined) {
            document.protocol_name = name;
          }
        }
        break;
      }
      case FieldType.Address: {
        const token = line.slice(from, to);
        if (!isIPv4Address(token) && !isIPv6Address(token)) {
          return err(fieldError(ParseErrorCode.InvalidAddress, field, token, 'an IPv4 or IPv6 address'));
        }
        document[field.key] = token;
        break;
      }
      default:
        document[field.key] = line.slice(from, to);
    }
    from = next;
  }
  if (from <= line.length) {
    // Text is left after the last field: trailing spaces (normalise) or more fields than the format.
    return line.charCodeAt(from) === SPACE || line.charCodeAt(line.length - 1) === SPACE
      ? IRREGULAR_WHITESPACE
      : err(fieldCountError(fieldCount, countFields(line)));
  }
  const timestamp = isoTimestamp(document.start ?? document.end);
  if (timestamp !== undefined) {
    document['@timestamp'] = timestamp;
  }
  return ok(document);
}
