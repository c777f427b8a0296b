import type { FlowLogDocument } from './flow-log-document.js';
import { quoteJsonString } from './json-string.js';

/**
 * Builds the documents of one format. A document built by adding its properties one at a time
 * costs about ten times what an object literal costs in V8 (each key is a megamorphic store that
 * grows the object), and that was most of the parser's time. So for each combination of present
 * fields ("shape") a format meets, a function returning an object literal is generated once and
 * reused. Keys are checked against a strict pattern before they go into generated code. Formats
 * with other keys or more fields than a shape mask holds, formats past MAX_SHAPES_PER_FORMAT
 * shapes, and runtimes that forbid code generation get the plain loop instead, with the same result.
 *
 * A generated shape also knows its own JSON text (see `documentJsonText`): `JSON.stringify` of a
 * document was a fifth of the decorator's time, and a concatenation that knows the keys, and
 * quotes only the strings that need it, takes about two thirds of that. The shape's constructor
 * gives its documents a prototype holding that writer under a symbol; to everything else (keys,
 * spreading, JSON.stringify, equality, `constructor === Object`) they are plain objects.
 */

/** A shape mask is a sum of powers of two below 2^53, one per field plus one for `protocol_name`. */
const MAX_FIELDS_FOR_SHAPES = 52;
/** Real flow logs show a handful of shapes per format (OK, NODATA, a few `-` fields). */
const MAX_SHAPES_PER_FORMAT = 256;
/** Document keys that can go into generated code as they are: never `__proto__`, never a quote. */
const SAFE_KEY = /^[a-z][a-z0-9_]*$/;

/** The mask bit that says `protocol_name` is present. */
export const PROTOCOL_NAME_BIT = 2 ** MAX_FIELDS_FOR_SHAPES;

type BuildDocument = (values: readonly unknown[]) => FlowLogDocument;

/** Where a generated shape keeps the writer of its documents' JSON text: on their prototype. */
const JSON_TEXT = Symbol('flow-log document JSON text');

interface WithJsonText {
  [JSON_TEXT]?: (this: FlowLogDocument) => string;
}

/**
 * `JSON.stringify(document)`, faster for the documents a format's parser built, as long as they
 * were not changed since (code that changes a document copies it first, and a copy is a plain
 * object, serialized the ordinary way).
 *
 * @example
 * documentJsonText(parseFlowLogLine(line, DEFAULT_FORMAT).value) === JSON.stringify(that document) // true
 */
export function documentJsonText(document: FlowLogDocument): string {
  const write = (document as WithJsonText)[JSON_TEXT];
  return write === undefined ? JSON.stringify(document) : write.call(document);
}

export interface DocumentFactory {
  /**
   * The document of `values`: slot i holds field i's value (undefined when absent), slot
   * `keys.length` the protocol name and slot `keys.length + 1` the timestamp (each undefined when
   * absent). `mask` has bit i set for each present field i and PROTOCOL_NAME_BIT for a protocol name.
   */
  build(mask: number, values: readonly unknown[]): FlowLogDocument;
}

/**
 * A document builder for a format's keys, in format order; `protocol_name` follows the protocol
 * field (at `protocolIndex`) and `@timestamp` comes last. `plainStringFields` are the indexes of
 * fields whose strings the caller has validated to hold no character JSON escapes (addresses).
 *
 * @example createDocumentFactory(['srcaddr', 'start'], -1).build(0b11, ['192.0.2.1', 1418530010, undefined, '2014-12-14T04:06:50.000Z'])
 */
export function createDocumentFactory(keys: readonly string[], protocolIndex: number, plainStringFields: ReadonlySet<number> = new Set()): DocumentFactory {
  const fieldCount = keys.length;
  const plainSlots = new Set([...plainStringFields, fieldCount, fieldCount + 1]);
  /** Every slot in document order: the fields, with `protocol_name` after the protocol, then `@timestamp`. */
  const slots: (readonly [key: string, slot: number])[] = [];
  keys.forEach((key, field) => {
    slots.push([key, field]);
    if (field === protocolIndex) slots.push(['protocol_name', fieldCount]);
  });
  slots.push(['@timestamp', fieldCount + 1]);

  const buildByLoop = (values: readonly unknown[]): FlowLogDocument => {
    const document: FlowLogDocument = {};
    for (const [key, slot] of slots) {
      const value = values[slot];
      if (value !== undefined) document[key] = value;
    }
    return document;
  };

  const generated = new Map<number, BuildDocument>();
  let canGenerate = fieldCount <= MAX_FIELDS_FOR_SHAPES && keys.every((key) => SAFE_KEY.test(key));

  const generate = (values: readonly unknown[]): BuildDocument | undefined => {
    // The shape is read off the first line that has it; every line with the same mask has the same
    // present slots (the timestamp is present exactly when start or end is), each always of the
    // same type (a field's reading decides whether it is a number or a string).
    const present = slots.filter(([, slot]) => values[slot] !== undefined);
    const assignments = present.map(([key, slot]) => `this[${JSON.stringify(key)}] = values[${slot}];`);
    // Integers below 2^53 print the same in JSON and in a concatenation. Strings are quoted, and
    // checked for characters JSON escapes unless they are known plain: validated addresses, the
    // protocol name (IANA keywords) and the timestamp. Adjacent literal text is merged.
    const segments: string[] = [];
    let literal = '';
    present.forEach(([key, slot], index) => {
      literal += `${index === 0 ? '{' : ','}${JSON.stringify(key)}:`;
      const read = `this[${JSON.stringify(key)}]`;
      if (typeof values[slot] === 'number') {
        segments.push(JSON.stringify(literal), read);
        literal = '';
      } else if (plainSlots.has(slot)) {
        segments.push(JSON.stringify(`${literal}"`), read);
        literal = '"';
      } else {
        segments.push(JSON.stringify(literal), `quoteJsonString(${read})`);
        literal = '';
      }
    });
    segments.push(JSON.stringify(`${present.length === 0 ? '{' : literal}}`));
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are SAFE_KEY words or our own two, written as JSON strings; values are never code
      const Shape = new Function('values', assignments.join('\n')) as unknown as new (values: readonly unknown[]) => FlowLogDocument;
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same keys, as JSON strings; values are only read
      const makeJsonText = new Function('quoteJsonString', `return function () { return ${segments.filter((segment) => segment !== '""').join(' + ')}; };`) as (
        quote: typeof quoteJsonString,
      ) => (this: FlowLogDocument) => string;
      const jsonText = makeJsonText(quoteJsonString);
      // No `constructor` of its own: documents still answer `constructor === Object` like literals.
      const prototype: WithJsonText = Object.create(Object.prototype) as WithJsonText;
      prototype[JSON_TEXT] = jsonText;
      Shape.prototype = prototype;
      return (shapeValues) => new Shape(shapeValues);
    } catch {
      // Code generation is forbidden here (--disallow-code-generation-from-strings): use the loop.
      canGenerate = false;
      return undefined;
    }
  };

  return {
    build(mask, values) {
      if (!canGenerate) return buildByLoop(values);
      let build = generated.get(mask);
      if (build === undefined) {
        if (generated.size >= MAX_SHAPES_PER_FORMAT) return buildByLoop(values);
        build = generate(values);
        if (build === undefined) return buildByLoop(values);
        generated.set(mask, build);
      }
      return build(values);
    },
  };
}
