/** Printable ASCII but the quote and the backslash: what JSON writes between quotes as it is. Anchored: one linear match. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * True when JSON writes `text` between quotes unchanged, so its JSON is `"text"` and takes
 * `text.length + 2` bytes.
 *
 * @example isPlainJsonString('eni-0a1b2c3d') // true; isPlainJsonString('a"b') // false
 */
export function isPlainJsonString(text: string): boolean {
  return PLAIN_JSON_STRING.test(text);
}

/**
 * `JSON.stringify(text)`, without its escaping pass for the plain strings most fields are.
 *
 * @example quoteJsonString('ACCEPT') // '"ACCEPT"'
 */
export function quoteJsonString(text: string): string {
  return PLAIN_JSON_STRING.test(text) ? `"${text}"` : JSON.stringify(text);
}
