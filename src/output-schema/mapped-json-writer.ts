import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import { quoteJsonString } from '../flow-log/json-string.js';
import { moveToEnd, vendorRootOf, writeMapping, type DocumentSink, type SchemaMapping } from './field-placement.js';

/**
 * Writes the JSON text of `JSON.stringify(mapDocument(mapping, document))` without building the
 * document. The text is the same, byte for byte: the mapping runs as it is (writeMapping), into a
 * sink that keeps the values it is given in a list and tracks only the document's *layout*, its
 * objects and keys in order with each leaf numbered by the value set there. The records of a batch
 * come in a handful of layouts, and a layout is a chain of the paths set on the way to it, so each
 * is worked out once, on first use, from the layout before it: whether a path is already there,
 * which objects a path makes and where, and in the end the JSON text around the values. What is
 * left per record is the mapping itself, one Map look-up per path set, and a JSON.stringify per value.
 *
 * A few layouts depend on a value rather than on paths: a path that runs through a value already
 * set (into a geolocation object, say) makes or finds its way according to that value. No mapping
 * of ours does that; if one did, `write` answers undefined and the caller writes the reference.
 * The property test in test/property/mapped-json-writer.property.test.ts holds the text to
 * JSON.stringify(mapDocument(...)) for arbitrary documents.
 *
 * The layouts and interned paths are keyed by the paths a batch's documents use (custom fields
 * add their own), so a writer is kept for a batch, as the decorator's serializer is.
 *
 * @example
 * const writer = createMappedJsonWriter(ECS_MAPPING);
 * writer.write(enriched) === JSON.stringify(toEcsDocument(enriched)); // true
 */
export interface MappedJsonWriter {
  /** The document's JSON text in the mapping's schema, or undefined when only the reference can write it. */
  write(document: EnrichedFlowLog): string | undefined;
}

/** Objects and keys in order; a number is a leaf, the index of the value set there in the order values were set. */
interface Skeleton {
  [key: string]: Skeleton | number;
}

/** One path, interned: every array spelling it leads to the same PathKey, so transitions are found by identity. */
class PathKey {
  readonly next = new Map<string, PathKey>();
}

/** A path whose outcome depends on a value set before (it runs through it): the reference writes such a document. */
const DEPENDS_ON_A_VALUE = 'depends on a value';

/** The JSON text of a layout: literals[0] value[slots[0]] literals[1] ... literals[slots.length]. */
interface LayoutText {
  readonly literals: readonly string[];
  readonly slots: readonly number[];
  /**
   * The value last written at each place and its JSON. Values are compared with `===`: strings
   * and numbers by content, objects by identity, which a batch's shared enrichment objects keep
   * (they are never changed during a batch, as serialize-enriched-flow-log.ts relies on too).
   */
  readonly lastValues: unknown[];
  readonly lastJson: string[];
}

/** Equal to no value a document holds. */
const NO_VALUE_YET = Symbol('no value yet');

class Layout {
  /** The layout after setting a path. */
  readonly afterSet = new Map<PathKey, Layout | typeof DEPENDS_ON_A_VALUE>();
  /** The layout after setting a path unless something is there: `this` when something is. */
  readonly afterSetIfAbsent = new Map<PathKey, Layout | typeof DEPENDS_ON_A_VALUE>();
  text: LayoutText | undefined;

  constructor(
    readonly skeleton: Skeleton,
    /** Values set so far: the index the next one takes. */
    readonly values: number,
  ) {}
}

export function createMappedJsonWriter(mapping: SchemaMapping): MappedJsonWriter {
  const vendorRoot = vendorRootOf(mapping);
  const paths = new PathKey();
  const intern = (path: readonly string[]): PathKey => {
    let key = paths;
    for (const step of path) {
      let next = key.next.get(step);
      if (next === undefined) key.next.set(step, (next = new PathKey()));
      key = next;
    }
    return key;
  };

  const empty = new Layout({}, 0);
  let layout: Layout | typeof DEPENDS_ON_A_VALUE = empty;
  const values: unknown[] = [];

  const sink: DocumentSink = {
    set(path, value) {
      if (layout === DEPENDS_ON_A_VALUE) return;
      // undefined is no JSON value: the reference leaves its key out, which a layout cannot.
      if (value === undefined) {
        layout = DEPENDS_ON_A_VALUE;
        return;
      }
      const key = intern(path);
      let next = layout.afterSet.get(key);
      if (next === undefined) layout.afterSet.set(key, (next = layoutAfterSet(layout, path)));
      if (next !== DEPENDS_ON_A_VALUE) values.push(value);
      layout = next;
    },
    setIfAbsent(path, value) {
      if (layout === DEPENDS_ON_A_VALUE || value === undefined) return;
      const key = intern(path);
      let next = layout.afterSetIfAbsent.get(key);
      if (next === undefined) layout.afterSetIfAbsent.set(key, (next = layoutAfterSetIfAbsent(layout, path)));
      if (next !== DEPENDS_ON_A_VALUE && next !== layout) values.push(value);
      layout = next;
    },
  };

  return {
    write(document) {
      layout = empty;
      values.length = 0;
      writeMapping(mapping, document, sink);
      const written = layout as Layout | typeof DEPENDS_ON_A_VALUE;
      if (written === DEPENDS_ON_A_VALUE) return undefined;
      const { literals, slots, lastValues, lastJson } = (written.text ??= layoutText(written.skeleton, vendorRoot));
      let text = literals[0] as string;
      for (let index = 0; index < slots.length; index += 1) {
        const value = values[slots[index] as number];
        let json: string | undefined;
        // Records in a row often share a value at a place (the account, the status, the
        // interface's groups, the derived constants): the same value, the same JSON.
        if (value === lastValues[index]) {
          json = lastJson[index];
        } else {
          json = jsonOf(value);
          // A function or a symbol: no JSON value, its key left out by the reference.
          if (json === undefined) return undefined;
          lastValues[index] = value;
          lastJson[index] = json;
        }
        text += json + (literals[index + 1] as string);
      }
      return text;
    },
  };
}

/** JSON.stringify of a value, the strings and numbers most values are without its generic pass. */
function jsonOf(value: unknown): string | undefined {
  if (typeof value === 'string') return quoteJsonString(value);
  // Number to string is JSON's own for finite numbers; NaN and the infinities are null.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** The layout after setPath: the objects on the way made where missing, the leaf set (in place if the key is there). */
function layoutAfterSet(layout: Layout, path: readonly string[]): Layout | typeof DEPENDS_ON_A_VALUE {
  const skeleton = cloneSkeleton(layout.skeleton);
  let node = skeleton;
  for (let index = 0; index < path.length; index += 1) {
    const key = path[index] as string;
    // Setting __proto__ changes an object's prototype instead of adding a key.
    if (key === '__proto__') return DEPENDS_ON_A_VALUE;
    if (index === path.length - 1) {
      node[key] = layout.values;
      break;
    }
    const child = node[key];
    // setPath goes into a value that is an object and replaces any other: which, the value tells.
    if (typeof child === 'number') return DEPENDS_ON_A_VALUE;
    if (typeof child === 'object' && Object.hasOwn(node, key)) {
      node = child;
    } else {
      const made: Skeleton = {};
      node[key] = made;
      node = made;
    }
  }
  return new Layout(skeleton, layout.values + 1);
}

/** The layout after setPathIfAbsent: the same when getPath finds something at the path, else as after setPath. */
function layoutAfterSetIfAbsent(layout: Layout, path: readonly string[]): Layout | typeof DEPENDS_ON_A_VALUE {
  let node: Skeleton | number = layout.skeleton;
  for (const key of path) {
    // getPath looks into a value set on the way: what it finds there, the value tells.
    if (typeof node === 'number') return DEPENDS_ON_A_VALUE;
    if (!Object.hasOwn(node, key)) return layoutAfterSet(layout, path);
    node = node[key] as Skeleton | number;
  }
  return layout;
}

function cloneSkeleton(skeleton: Skeleton): Skeleton {
  const copy: Skeleton = {};
  for (const key of Object.keys(skeleton)) {
    const child = skeleton[key] as Skeleton | number;
    copy[key] = typeof child === 'number' ? child : cloneSkeleton(child);
  }
  return copy;
}

/** The JSON text of a layout around its values, the vendor namespace moved last as mapDocument does; keys in JSON.stringify's order. */
function layoutText(skeleton: Skeleton, vendorRoot: string): LayoutText {
  const root = cloneSkeleton(skeleton);
  moveToEnd(root, vendorRoot);
  const literals: string[] = [];
  const slots: number[] = [];
  let literal = '';
  const visit = (node: Skeleton): void => {
    literal += '{';
    Object.keys(node).forEach((key, index) => {
      literal += `${index === 0 ? '' : ','}${JSON.stringify(key)}:`;
      const child = node[key] as Skeleton | number;
      if (typeof child === 'number') {
        literals.push(literal);
        slots.push(child);
        literal = '';
      } else {
        visit(child);
      }
    });
    literal += '}';
  };
  visit(root);
  literals.push(literal);
  return { literals, slots, lastValues: slots.map(() => NO_VALUE_YET), lastJson: slots.map(() => '') };
}
