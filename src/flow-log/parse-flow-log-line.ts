import { FieldType, type FlowLogFieldDefinition } from './field-catalogue.js';
import { createDocumentFactory, PROTOCOL_NAME_BIT, type DocumentFactory } from './document-factory.js';
import type { FlowLogDocument } from './flow-log-document.js';
import type { FlowLogFormat } from './flow-log-format.js';
import { isIPv4Address, isIPv6Address } from '../net/ip-address.js';
import { protocolName } from './protocol-names.js';
import { countFieldTokens, hasSeparatorOtherThanSpace, SEPARATORS_OTHER_THAN_SPACE } from './field-separator.js';
import { isoTimestampFromUnixSeconds } from './unix-time.js';
import { err, ok, type Result } from '../result.js';

/** Why a line is not a record of its format. */
export const ParseErrorCode = {
  /** Fewer or more values than the format has fields. */
  FieldCount: 'field_count',
  /** An integer field holds something other than decimal digits, or a value past 2^53. */
  InvalidInteger: 'invalid_integer',
  /** A port above 65535 or a protocol number above 255. */
  OutOfRange: 'out_of_range',
  /** An address field holds something that is not an IPv4 or IPv6 address. */
  InvalidAddress: 'invalid_address',
  /** `start` or `end` is past what a date can represent, or they are too far apart to be one record's. */
  InvalidTime: 'invalid_time',
  /** A header line names a field whose document key the caller reserves (a field enrichment adds). */
  ReservedField: 'reserved_field',
  /** A field with a documented syntax (`action`, `log-status`, `account-id`, `interface-id`, `vpc-id`, ...) holds something else. */
  InvalidValue: 'invalid_value',
  /** A control character (NUL, ESC, DEL, ...) or U+FFFD (bytes that were not UTF-8) in a field. */
  ControlCharacter: 'control_character',
  /** A JSON object that is not a `{"message":"..."}` wrapper. */
  NotAFlowLogRecord: 'not_a_flow_log_record',
} as const;
export type ParseErrorCode = (typeof ParseErrorCode)[keyof typeof ParseErrorCode];

export interface FlowLogParseError {
  readonly code: ParseErrorCode;
  /**
   * The field at fault, as AWS names it: the field whose value is wrong, the first missing field
   * when values are missing, or the last field when values follow it.
   */
  readonly field?: string;
  /** The offending value (shortened), when one value is at fault. */
  readonly value?: string;
  /** A sentence a user can act on, naming the field and the value. */
  readonly message: string;
}

/** `Date` covers ±8.64e15 ms; flow-log times are Unix seconds. */
const MAX_UNIX_SECONDS = 8.64e12;
const MAX_PORT = 65_535;
const MAX_PROTOCOL = 255;
const MAX_ERROR_VALUE_LENGTH = 60;
const HYPHEN = 45;
const SPACE = 32;
const OPEN_BRACE = 123;
/** More digits than this cannot be an integer below 2^53. */
const MAX_INTEGER_DIGITS = 16;

/** How the parser reads a column: the catalogue type refined by the fields that need range checks. */
const Reading = {
  Text: 0,
  Integer: 1,
  Address: 2,
  Start: 3,
  End: 4,
  Port: 5,
  Protocol: 6,
  /** Text with a documented syntax (DOCUMENTED_SYNTAX): anything else is not a value of the field. */
  Syntax: 7,
} as const;
type Reading = (typeof Reading)[keyof typeof Reading];

interface CompiledFormat {
  readonly fields: readonly FlowLogFieldDefinition[];
  readonly keys: readonly string[];
  readonly readings: readonly Reading[];
  /** Whether to add `protocol_name`: not when the format has its own field of that name. */
  readonly namesProtocol: boolean;
  /** 2^i for field i: its bit in the shape mask. */
  readonly bits: readonly number[];
  /** The documented syntax of field i, for fields read as Reading.Syntax. */
  readonly syntaxes: readonly (DocumentedSyntax | undefined)[];
  readonly documents: DocumentFactory;
}

const compiledFormats = new WeakMap<FlowLogFormat, CompiledFormat>();

/** A field's documented syntax: whether a value has it, and what it is, for the error message. */
interface DocumentedSyntax {
  readonly matches: (value: string) => boolean;
  readonly what: string;
}

/** One of a few exact words. */
function oneOf(...words: readonly string[]): DocumentedSyntax {
  const last = words.at(-1) as string;
  return { matches: (value) => words.includes(value), what: words.length === 1 ? last : `${words.slice(0, -1).join(', ')} or ${last}` };
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const UPPER_A = 65;
const UPPER_Z = 90;
const LOWER_A = 97;
const LOWER_Z = 122;
/** The most characters after a resource id's prefix: AWS writes 8 or 17; the 32 leaves room for longer ones. */
const MAX_RESOURCE_ID_SUFFIX = 32;

function isAlphanumericFrom(value: string, from: number): boolean {
  for (let index = from; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (!((code >= DIGIT_0 && code <= DIGIT_9) || (code >= LOWER_A && code <= LOWER_Z) || (code >= UPPER_A && code <= UPPER_Z))) return false;
  }
  return true;
}

/** An EC2 resource id: `prefix-` and 1 to 32 letters or digits (`eni-0a1b2c3d4e5f67890`). */
function resourceId(prefix: string, kind: string): DocumentedSyntax {
  const head = `${prefix}-`;
  return {
    matches: (value) => value.length > head.length && value.length <= head.length + MAX_RESOURCE_ID_SUFFIX && value.startsWith(head) && isAlphanumericFrom(value, head.length),
    what: `${kind} id (${head}...)`,
  };
}

const ACCOUNT_ID_LENGTH = 12;
const LOWER_N = 110;
const LOWER_X = 120;

/**
 * An AWS account id: 12 decimal digits, or `unknown`, which AWS writes for interfaces an AWS
 * service created (a VPC endpoint, a Network Load Balancer). Accepted besides, so that the
 * published samples other tools test with still read (test/integration/corpus): fewer digits
 * (OpenTelemetry's and Elastic's samples carry 11, `12345678910`), and digits masked with `n` or
 * `x` (`29nnnnnnnn55`). Anything else (a letter, a sign, punctuation, more than 12) fails the line.
 */
const ACCOUNT_ID: DocumentedSyntax = {
  matches: (value) => {
    if (value.length === 0 || value.length > ACCOUNT_ID_LENGTH) return false;
    if (value === 'unknown') return true;
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if ((code < DIGIT_0 || code > DIGIT_9) && code !== LOWER_N && code !== LOWER_X) return false;
    }
    return true;
  },
  what: 'an AWS account id (12 digits, or unknown)',
};

/**
 * Fields whose values AWS documents exactly (Amazon VPC User Guide, "Flow log records"): a value
 * outside them is damage or forgery, and going out as data it would be counted as a flow. `-`
 * (no value) is always accepted. Checked with plain comparisons rather than regular expressions:
 * every record of the default format has four of them, and the decorator reads millions.
 * A value that passes holds only letters, digits and `-`: nothing JSON escapes.
 */
const DOCUMENTED_SYNTAX: ReadonlyMap<string, DocumentedSyntax> = new Map([
  ['account-id', ACCOUNT_ID],
  ['interface-id', resourceId('eni', 'a network interface')],
  ['vpc-id', resourceId('vpc', 'a VPC')],
  ['subnet-id', resourceId('subnet', 'a subnet')],
  ['instance-id', resourceId('i', 'an instance')],
  ['next-hop-interface-id', resourceId('eni', 'a network interface')],
  ['next-hop-subnet-id', resourceId('subnet', 'a subnet')],
  ['next-hop-vpc-id', resourceId('vpc', 'a VPC')],
  ['action', oneOf('ACCEPT', 'REJECT')],
  ['log-status', oneOf('OK', 'NODATA', 'SKIPDATA')],
  ['flow-direction', oneOf('ingress', 'egress')],
  ['type', oneOf('IPv4', 'IPv6', 'EFA')],
  ['sublocation-type', oneOf('wavelength', 'outpost', 'localzone')],
]);

/** C0 and C1 control characters, and U+FFFD, which stands for bytes that were not UTF-8. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_OR_REPLACEMENT = /[\u0000-\u001f\u007f-\u009f\ufffd]/;

function readingOf(field: FlowLogFieldDefinition): Reading {
  if (field.type === FieldType.Address) return Reading.Address;
  if (DOCUMENTED_SYNTAX.has(field.name)) return Reading.Syntax;
  if (field.type !== FieldType.Integer) return Reading.Text;
  switch (field.name) {
    case 'start':
      return Reading.Start;
    case 'end':
      return Reading.End;
    case 'srcport':
    case 'dstport':
      return Reading.Port;
    case 'protocol':
      return Reading.Protocol;
    default:
      return Reading.Integer;
  }
}

function compile(format: FlowLogFormat): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (compiled === undefined) {
    const keys = format.fields.map((field) => field.key);
    compiled = {
      fields: format.fields,
      keys,
      readings: format.fields.map(readingOf),
      namesProtocol: !keys.includes('protocol_name'),
      bits: keys.map((_, index) => 2 ** index),
      syntaxes: format.fields.map((field) => DOCUMENTED_SYNTAX.get(field.name)),
      documents: createDocumentFactory(
        keys,
        format.fields.findIndex((field) => readingOf(field) === Reading.Protocol),
        // Addresses and values of a documented syntax are validated before they reach a document:
        // no quote, no backslash, no control character, so their JSON needs no escaping check.
        new Set(format.fields.flatMap((field, index) => (readingOf(field) === Reading.Address || readingOf(field) === Reading.Syntax ? [index] : []))),
      ),
    };
    compiledFormats.set(format, compiled);
  }
  return compiled;
}

function shorten(value: string): string {
  return value.length > MAX_ERROR_VALUE_LENGTH ? `${value.slice(0, MAX_ERROR_VALUE_LENGTH)}…` : value;
}

function fieldError(code: ParseErrorCode, field: FlowLogFieldDefinition, value: string, what: string): FlowLogParseError {
  const shown = shorten(value);
  return { code, field: field.name, value: shown, message: `field ${field.name}: ${JSON.stringify(shown)} is not ${what}` };
}

function fieldCountError(line: string, { fields }: CompiledFormat): FlowLogParseError {
  const found = countFieldTokens(line);
  const expected = fields.length;
  if (found < expected) {
    const missing = fields[found] as FlowLogFieldDefinition;
    return {
      code: ParseErrorCode.FieldCount,
      field: missing.name,
      message: `expected ${expected} fields for the format, found ${found}: ${missing.name} and any after it are missing`,
    };
  }
  const last = fields[expected - 1];
  return {
    code: ParseErrorCode.FieldCount,
    ...(last === undefined ? {} : { field: last.name }),
    message: `expected ${expected} fields for the format, found ${found}: values follow the last field${last === undefined ? '' : ` ${last.name}`}`,
  };
}

/**
 * Parses one flow-log record against its format into a document. Never throws for bad input: a
 * line that does not fit its format comes back as an error naming the field and the value.
 * Fields are separated by runs of spaces or tabs (AWS's own examples contain a double space).
 *
 * @example
 * parseFlowLogLine('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA', DEFAULT_FORMAT)
 * // { ok: true, value: { version: 2, account_id: '123456789010', ..., log_status: 'NODATA', '@timestamp': '2015-05-10T18:01:16.000Z' } }
 */
export function parseFlowLogLine(line: string, format: FlowLogFormat): Result<FlowLogDocument, FlowLogParseError> {
  const compiled = compile(format);
  // Every value of a line that parses has been checked to hold no control character (integers are
  // digits, addresses and documented values have their syntax, other text is scanned), so a line
  // that parses as it stands is the line the careful path below would have parsed: that path, with
  // its separator rewrite and whole-line scans, is taken only for a line that does not.
  const asItStands = parseSpaceSeparated(line, compiled);
  return asItStands.ok ? asItStands : parseCarefully(line, compiled);
}

/** The parse of a line that did not parse as it stands: its separators made spaces, control characters reported first. */
function parseCarefully(line: string, compiled: CompiledFormat): Result<FlowLogDocument, FlowLogParseError> {
  // AWS writes single spaces; the rare tab or stray line break is turned into a space first, so the
  // scan below only ever looks for spaces (String#indexOf is far faster than a per-character test).
  const spaced = hasSeparatorOtherThanSpace(line) ? line.replace(SEPARATORS_OTHER_THAN_SPACE, ' ') : line;
  const control = CONTROL_OR_REPLACEMENT.exec(spaced);
  if (control !== null) return err(controlCharacterError(spaced, control.index, compiled));
  const result = parseSpaceSeparated(spaced, compiled);
  // splitRecordText unwraps {"message":"..."}; any other JSON reaching here is not a record at all.
  return result.ok || spaced.trimStart().charCodeAt(0) !== OPEN_BRACE ? result : err(NOT_A_RECORD);
}

/** Names the field holding the control character at `position` (by counting the values before it). */
function controlCharacterError(line: string, position: number, { fields }: CompiledFormat): FlowLogParseError {
  const index = countFieldTokens(line.slice(0, position + 1)) - 1;
  const field = fields[Math.max(0, Math.min(index, fields.length - 1))];
  const code = line.charCodeAt(position);
  const what = code === 0xfffd ? 'U+FFFD (bytes that were not UTF-8)' : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    code: ParseErrorCode.ControlCharacter,
    ...(field === undefined ? {} : { field: field.name }),
    message: `${field === undefined ? 'the line' : `field ${field.name}`} holds ${what}`,
  };
}

const NOT_A_RECORD: FlowLogParseError = {
  code: ParseErrorCode.NotAFlowLogRecord,
  message: 'a JSON object but not a flow-log record: a wrapper needs a string "message"',
};

/**
 * Values of the line being parsed, by field (undefined when absent); the two slots after the
 * fields hold the protocol name and the timestamp. Parsing is synchronous, so one array serves
 * every call.
 */
const scratch: unknown[] = [];

/** Reads each value where it stands: integers without a substring, text with one `indexOf`. */
function parseSpaceSeparated(line: string, compiled: CompiledFormat): Result<FlowLogDocument, FlowLogParseError> {
  const { keys, readings, bits } = compiled;
  const fieldCount = keys.length;
  const length = line.length;
  const values = scratch;
  let mask = 0;
  values[fieldCount] = undefined;
  let start: number | undefined;
  let end: number | undefined;
  let index = 0;
  while (index < length && line.charCodeAt(index) === SPACE) index += 1;

  for (let field = 0; field < fieldCount; field += 1) {
    if (index >= length) {
      return err(fieldCountError(line, compiled));
    }
    const from = index;
    const reading = readings[field] as Reading;
    if (reading === Reading.Text || reading === Reading.Address || reading === Reading.Syntax) {
      index = line.indexOf(' ', from);
      if (index === -1) index = length;
      if (index - from === 1 && line.charCodeAt(from) === HYPHEN) {
        values[field] = undefined;
      } else {
        const token = line.slice(from, index);
        if (reading === Reading.Text) {
          // Text of no documented syntax is the one value nothing else keeps free of control characters.
          const control = CONTROL_OR_REPLACEMENT.exec(token);
          if (control !== null) return err(controlCharacterError(line, from + control.index, compiled));
        } else if (reading === Reading.Address && !isIPv4Address(token) && !isIPv6Address(token)) {
          return err(fieldError(ParseErrorCode.InvalidAddress, compiled.fields[field] as FlowLogFieldDefinition, token, 'an IPv4 or IPv6 address'));
        }
        if (reading === Reading.Syntax) {
          const definition = compiled.fields[field] as FlowLogFieldDefinition;
          const syntax = compiled.syntaxes[field];
          if (syntax !== undefined && !syntax.matches(token)) {
            // A line with values missing or extra is first of all that: its values are out of place.
            if (countFieldTokens(line) !== fieldCount) return err(fieldCountError(line, compiled));
            return err(fieldError(ParseErrorCode.InvalidValue, definition, token, syntax.what));
          }
        }
        values[field] = token;
        mask += bits[field] as number;
      }
    } else {
      let value = 0;
      let code = 0;
      while (index < length) {
        code = line.charCodeAt(index);
        if (code < 48 || code > 57) break;
        value = value * 10 + (code - 48);
        index += 1;
      }
      if (index < length && code !== SPACE) {
        // Not all digits: `-` means absent, anything else is an error.
        index = line.indexOf(' ', index);
        if (index === -1) index = length;
        if (index - from !== 1 || code !== HYPHEN) {
          return err(fieldError(ParseErrorCode.InvalidInteger, compiled.fields[field] as FlowLogFieldDefinition, line.slice(from, index), 'a non-negative integer'));
        }
        values[field] = undefined;
      } else {
        if (index - from > MAX_INTEGER_DIGITS || value > Number.MAX_SAFE_INTEGER) {
          return err(fieldError(ParseErrorCode.InvalidInteger, compiled.fields[field] as FlowLogFieldDefinition, line.slice(from, index), 'an integer below 2^53'));
        }
        const problem = rangeProblem(reading, value);
        if (problem !== undefined) {
          return err(fieldError(problem.code, compiled.fields[field] as FlowLogFieldDefinition, line.slice(from, index), problem.what));
        }
        values[field] = value;
        mask += bits[field] as number;
        if (reading === Reading.Start) {
          start = value;
        } else if (reading === Reading.End) {
          end = value;
        } else if (reading === Reading.Protocol && compiled.namesProtocol) {
          const name = protocolName(value);
          if (name !== undefined) {
            values[fieldCount] = name;
            mask += PROTOCOL_NAME_BIT;
          }
        }
      }
    }
    while (index < length && line.charCodeAt(index) === SPACE) index += 1;
  }
  if (index < length) {
    return err(fieldCountError(line, compiled));
  }
  if (start !== undefined && end !== undefined && Math.abs(end - start) > MAX_RECORD_SPAN_SECONDS) {
    return err(timeSpanError(start, end));
  }
  const time = start ?? end;
  values[fieldCount + 1] = time === undefined ? undefined : isoTimestampFromUnixSeconds(time);
  return ok(compiled.documents.build(mask, values));
}

/**
 * The most seconds a record's `start` and `end` may lie apart. A record covers one aggregation
 * interval (at most 10 minutes; a record closes when its interval ends), so a day is generous; a
 * wider gap means a wrong time, and `@timestamp`, taken from `start`, would misfile the document.
 * No absolute bound: AWS's own documentation examples predate the service's launch (2015-06-10),
 * and the parser has no clock to judge the future by.
 */
export const MAX_RECORD_SPAN_SECONDS = 86_400;
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_YEAR = 31_557_600;

function timeSpanError(start: number, end: number): FlowLogParseError {
  const gap = Math.abs(end - start);
  const apart = gap >= SECONDS_PER_YEAR ? `${Math.floor(gap / SECONDS_PER_YEAR)} years` : `${Math.floor(gap / SECONDS_PER_DAY)} days`;
  const shown = (seconds: number): string => `${seconds} (${isoTimestampFromUnixSeconds(seconds)})`;
  return {
    code: ParseErrorCode.InvalidTime,
    field: 'start',
    value: String(start),
    message:
      `fields start ${shown(start)} and end ${shown(end)} are ${apart} apart: a record covers one aggregation interval ` +
      '(at most 10 minutes), so one of its times is wrong',
  };
}

interface RangeProblem {
  readonly code: ParseErrorCode;
  readonly what: string;
}

const TIME_PROBLEM: RangeProblem = { code: ParseErrorCode.InvalidTime, what: 'a Unix time in seconds' };
const PORT_PROBLEM: RangeProblem = { code: ParseErrorCode.OutOfRange, what: `a port number (0-${MAX_PORT})` };
const PROTOCOL_PROBLEM: RangeProblem = { code: ParseErrorCode.OutOfRange, what: `an IP protocol number (0-${MAX_PROTOCOL})` };

/** Why a value is out of its field's range, or undefined when it is in range. */
function rangeProblem(reading: Reading, value: number): RangeProblem | undefined {
  switch (reading) {
    case Reading.Start:
    case Reading.End:
      return value > MAX_UNIX_SECONDS ? TIME_PROBLEM : undefined;
    case Reading.Port:
      return value > MAX_PORT ? PORT_PROBLEM : undefined;
    case Reading.Protocol:
      return value > MAX_PROTOCOL ? PROTOCOL_PROBLEM : undefined;
    default:
      return undefined;
  }
}
