// A small evaluator of CloudWatch Logs space-delimited filter patterns, for testing the metric
// filter of template.yaml offline against sample log lines. It covers what a pattern over flow-log
// records needs: `[name, name="text", name=123, ...]`, `=` and `!=` with a quoted string, a bare
// word or a number, `*` as a wildcard inside a string, and `...` for any number of fields.
// Numeric ranges (`<`, `>=`), `&&`/`||` and regular expressions are refused rather than guessed.
//
// Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
// ("Matching terms in space-delimited log events").

/** What a field's value is compared with: text (with `*` wildcards) or a number. */
export type FieldValue = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'number'; readonly value: number };

export type PatternTerm =
  | { readonly kind: 'field'; readonly name: string; readonly condition?: { readonly operator: '=' | '!='; readonly value: FieldValue } }
  | { readonly kind: 'ellipsis' };

export interface SpaceDelimitedPattern {
  readonly terms: readonly PatternTerm[];
}

/** A pattern the evaluator cannot read, with the reason. */
export class FilterPatternSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternSyntaxError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function splitTerms(body: string): string[] {
  const terms: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of body) {
    if (character === '"') quoted = !quoted;
    if (character === ',' && !quoted) {
      terms.push(current.trim());
      current = '';
    } else {
      current += character;
    }
  }
  if (quoted) throw new FilterPatternSyntaxError('unterminated string');
  terms.push(current.trim());
  return terms;
}

function parseValue(text: string): FieldValue {
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) throw new FilterPatternSyntaxError(`malformed string ${text}`);
    return { kind: 'text', text: text.slice(1, -1) };
  }
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) };
  if (/^[A-Za-z0-9_*.:/-]+$/.test(text)) return { kind: 'text', text };
  throw new FilterPatternSyntaxError(`unsupported value ${text}`);
}

function parseTerm(text: string): PatternTerm {
  if (text === '...') return { kind: 'ellipsis' };
  const match = /^([^=!<>&|]+?)\s*(!=|=)\s*(.+)$/.exec(text);
  const name = (match?.[1] ?? text).trim();
  if (!NAME.test(name)) throw new FilterPatternSyntaxError(`unsupported term ${JSON.stringify(text)}`);
  if (match === null) return { kind: 'field', name };
  return { kind: 'field', name, condition: { operator: match[2] === '!=' ? '!=' : '=', value: parseValue((match[3] ?? '').trim()) } };
}

/**
 * Reads a space-delimited filter pattern. Throws FilterPatternSyntaxError for anything else.
 *
 * @example
 * parseSpaceDelimitedPattern('[ip, user, status=404, ...]').terms[2]
 * // { kind: 'field', name: 'status', condition: { operator: '=', value: { kind: 'number', value: 404 } } }
 */
export function parseSpaceDelimitedPattern(pattern: string): SpaceDelimitedPattern {
  const trimmed = pattern.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) throw new FilterPatternSyntaxError('a space-delimited pattern is enclosed in [ ]');
  const terms = splitTerms(trimmed.slice(1, -1)).map(parseTerm);
  const names = terms.flatMap((term) => (term.kind === 'field' ? [term.name] : []));
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new FilterPatternSyntaxError(`field ${repeated} is named twice`);
  return { terms };
}

/**
 * The fields of a log event as CloudWatch Logs splits it for a space-delimited pattern: at spaces,
 * with text in double quotes or square brackets kept as one field (quotes removed, brackets kept).
 * Runs of spaces count as one separator.
 */
export function splitLogEvent(event: string): string[] {
  const fields: string[] = [];
  let current = '';
  let closing: string | undefined;
  for (const character of event.trim()) {
    if (closing !== undefined) {
      if (character === closing) closing = undefined;
      if (character !== '"') current += character;
    } else if (character === '"' || character === '[') {
      closing = character === '"' ? '"' : ']';
      if (character === '[') current += character;
    } else if (character === ' ') {
      if (current !== '') fields.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  if (current !== '') fields.push(current);
  return fields;
}

function wildcardToRegExp(text: string): RegExp {
  return new RegExp(`^${text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function satisfies(field: string, condition: NonNullable<Extract<PatternTerm, { kind: 'field' }>['condition']>): boolean {
  const equal =
    condition.value.kind === 'number' ? NUMBER.test(field) && Number(field) === condition.value.value : wildcardToRegExp(condition.value.text).test(field);
  return condition.operator === '=' ? equal : !equal;
}

/**
 * The named fields of a log event the pattern matches, or undefined when it does not match. Without
 * `...` the event must have exactly as many fields as the pattern has terms.
 *
 * @example
 * matchSpaceDelimitedPattern(parseSpaceDelimitedPattern('[a, b="x*"]'), '1 xyz') // { a: '1', b: 'xyz' }
 */
export function matchSpaceDelimitedPattern(pattern: SpaceDelimitedPattern, event: string): Readonly<Record<string, string>> | undefined {
  const fields = splitLogEvent(event);
  const match = (termIndex: number, fieldIndex: number, captured: Record<string, string>): Record<string, string> | undefined => {
    const term = pattern.terms[termIndex];
    if (term === undefined) return fieldIndex === fields.length ? captured : undefined;
    if (term.kind === 'ellipsis') {
      for (let next = fieldIndex; next <= fields.length; next += 1) {
        const found = match(termIndex + 1, next, captured);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const field = fields[fieldIndex];
    if (field === undefined) return undefined;
    if (term.condition !== undefined && !satisfies(field, term.condition)) return undefined;
    return match(termIndex + 1, fieldIndex + 1, { ...captured, [term.name]: field });
  };
  return match(0, 0, {});
}
