/**
 * What separates the values of a record and the names of a header. AWS writes one space; its own
 * examples contain a double space and hand-edited files carry tabs, so any run of spaces, tabs,
 * carriage returns or line feeds separates. Other characters, Unicode spaces included, belong to
 * a value: AWS never writes them between fields.
 */

const SPACE = 32;
const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;

/** The separators other than a space, to be replaced by one before a fast space-only scan. */
export const SEPARATORS_OTHER_THAN_SPACE = /[\t\n\r]/g;

/** Whether a UTF-16 code unit separates fields. */
export function isFieldSeparator(code: number): boolean {
  return code === SPACE || code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN;
}

/** Whether a line has a separator other than a space (three `includes` beat a regular expression). */
export function hasSeparatorOtherThanSpace(text: string): boolean {
  return text.includes('\t') || text.includes('\r') || text.includes('\n');
}

/**
 * The separated tokens of a line, without empty ones.
 *
 * @example splitFieldTokens('  version\taccount-id  ') // ['version', 'account-id']
 */
export function splitFieldTokens(text: string): string[] {
  const tokens: string[] = [];
  const length = text.length;
  let index = 0;
  while (index < length) {
    while (index < length && isFieldSeparator(text.charCodeAt(index))) index += 1;
    if (index === length) break;
    const from = index;
    while (index < length && !isFieldSeparator(text.charCodeAt(index))) index += 1;
    tokens.push(text.slice(from, index));
  }
  return tokens;
}

/** How many separated tokens a line has. */
export function countFieldTokens(text: string): number {
  let count = 0;
  let inToken = false;
  for (let index = 0; index < text.length; index += 1) {
    const separator = isFieldSeparator(text.charCodeAt(index));
    if (!separator && !inToken) count += 1;
    inToken = !separator;
  }
  return count;
}

/** Whether a line holds nothing but separators. */
export function isBlankLine(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (!isFieldSeparator(text.charCodeAt(index))) return false;
  }
  return true;
}
