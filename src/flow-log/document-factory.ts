import type { FlowLogDocument } from './flow-log-document.js';

/**
 * Builds the documents of one format. A document built by adding its properties one at a time
 * costs about ten times what an object literal costs in V8 (each key is a megamorphic store that
 * grows the object), and that was most of the parser's time. So for each combination of present
 * fields ("shape") a format meets, a function returning an object literal is generated once and
 * reused. Keys are checked against a strict pattern before they go into generated code. Formats
 * with other keys or more fields than a shape mask holds, formats past MAX_SHAPES_PER_FORMAT
 * shapes, and runtimes that forbid code generation get the plain loop instead, with the same result.
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
 * field (at `protocolIndex`) and `@timestamp` comes last.
 *
 * @example createDocumentFactory(['srcaddr', 'start'], -1).build(0b11, ['192.0.2.1', 1418530010, undefined, '2014-12-14T04:06:50.000Z'])
 */
export function createDocumentFactory(keys: readonly string[], protocolIndex: number): DocumentFactory {
  const fieldCount = keys.length;
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
    // present slots (the timestamp is present exactly when start or end is).
    const properties = slots.filter(([, slot]) => values[slot] !== undefined).map(([key, slot]) => `${JSON.stringify(key)}: values[${slot}]`);
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are SAFE_KEY words or our own two, written as JSON strings; values are never code
      return new Function('values', `return { ${properties.join(', ')} };`) as BuildDocument;
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
