import { FLOW_LOG_FIELDS, isKnownField, lookupField, type FlowLogFieldDefinition } from './field-catalogue.js';
import { splitFieldTokens } from './field-separator.js';
import { err, ok, type Result } from '../result.js';

/** The columns of a flow-log record, in order. */
export interface FlowLogFormat {
  readonly fields: readonly FlowLogFieldDefinition[];
  /** The format in the `${field} ${field}` syntax of CreateFlowLogs' LogFormat. */
  readonly text: string;
}

/**
 * The default format (version 2 fields in table order). AWS fixes it; it cannot be changed.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html#flow-logs-default
 */
export const DEFAULT_FORMAT_TEXT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

/** Field ids are lower-case words joined by hyphens, possibly with digits (`instance-tag-2`). */
const FIELD_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const FORMAT_TOKEN_PATTERN = /^\$\{([^}]*)\}$/;

export interface FormatStringError {
  readonly message: string;
}

/** Builds a format from field names in record order. */
export function formatFromFieldNames(names: readonly string[]): FlowLogFormat {
  return {
    fields: names.map(lookupField),
    text: names.map((name) => `\${${name}}`).join(' '),
  };
}

/**
 * Parses a LogFormat string such as `${version} ${vpc-id} ${srcaddr}`, as a user types it
 * (`--format`, FLOW_LOG_FORMAT): every field must be one AWS documents, and a misspelt one
 * (`${dst-port}`) is refused with the nearest real name, since read as a new field it would
 * silently turn ports into strings. Syntax errors and duplicates are rejected too. (Header lines
 * that AWS writes may name fields newer than ours: formatFromHeaderLine keeps them.)
 *
 * @example parseFormatString('${srcaddr} ${dstaddr}') // { ok: true, value: { fields: [...], text: '${srcaddr} ${dstaddr}' } }
 */
export function parseFormatString(text: string): Result<FlowLogFormat, FormatStringError> {
  const tokens = splitFieldTokens(text);
  if (tokens.length === 0) {
    return err({ message: 'the format string has no fields' });
  }
  const names: string[] = [];
  for (const token of tokens) {
    const name = FORMAT_TOKEN_PATTERN.exec(token)?.[1];
    if (name === undefined) {
      return err({ message: `"${token}" is not a field of the form \${field-name}` });
    }
    if (!FIELD_NAME_PATTERN.test(name)) {
      return err({ message: `"${name}" is not a valid field name` });
    }
    if (!isKnownField(name)) {
      const nearest = nearestFieldName(name);
      return err({ message: `"${name}" is not a flow-log field${nearest === undefined ? '' : `; did you mean \${${nearest}}?`}` });
    }
    if (names.includes(name)) {
      return err({ message: `the field "${name}" appears twice` });
    }
    names.push(name);
  }
  return ok(formatFromFieldNames(names));
}

/** The documented field closest to `name` by edit distance, when close enough to be a typo. */
export function nearestFieldName(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const field of FLOW_LOG_FIELDS) {
    const distance = editDistance(name, field.name);
    if (distance < bestDistance) {
      best = field.name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost one. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The default format, parsed once. */
export const DEFAULT_FORMAT: FlowLogFormat = formatFromFieldNames(
  [...DEFAULT_FORMAT_TEXT.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1] ?? ''),
);

/**
 * The format a header line declares, or undefined when the line is a record. Files that VPC Flow
 * Logs delivers to S3 start with the field names separated by spaces (`version account-id ...`).
 * A line counts as a header when every token is a field name and most of them are documented
 * fields: record values such as `vpc-0a1b2c3d` look like names but are never catalogue fields.
 */
export function formatFromHeaderLine(line: string): FlowLogFormat | undefined {
  const tokens = splitFieldTokens(line);
  let known = 0;
  for (const token of tokens) {
    if (!FIELD_NAME_PATTERN.test(token)) {
      return undefined;
    }
    if (isKnownField(token)) {
      known += 1;
    }
  }
  if (known * 2 <= tokens.length || new Set(tokens).size !== tokens.length) {
    return undefined;
  }
  return formatFromFieldNames(tokens);
}
