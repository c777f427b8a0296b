import type { EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import { isoTimestampFromUnixSeconds } from '../flow-log/unix-time.js';

/** Where one value lands in a document of another schema: a path of object keys, and the value there. */
export interface Placement {
  readonly path: readonly string[];
  readonly value: unknown;
}

/**
 * Where a field of our document goes in a schema: a path its value keeps as it is (the common
 * case, written without allocating), or the placements of its value read from the whole document
 * (converted, or on a side that depends on the flow's direction). No placement, or only undefined
 * values, sends the field to the vendor namespace by its own key: every field we set lands somewhere.
 */
export type FieldHome = readonly string[] | Placements;

/** The placements of a field's value, read from the whole document. */
export type Placements = (value: unknown, document: EnrichedFlowLog) => readonly Placement[];

/**
 * What a mapping writes a document into. mapDocument's sink builds the object (the reference);
 * the decorator's writes the JSON text straight away (mapped-json-writer.ts). A mapping only ever
 * sets values, so both give the same document.
 */
export interface DocumentSink {
  /** Sets a value at a path, making the objects on the way (setPath). */
  set(path: readonly string[], value: unknown): void;
  /** Sets a value at a path unless something is there already, or the value is undefined (setPathIfAbsent). */
  setIfAbsent(path: readonly string[], value: unknown): void;
}

/** The part of a DocumentSink a mapping's derived fields write with: derived fields never hide one of ours. */
export type DerivedFieldSink = Pick<DocumentSink, 'setIfAbsent'>;

/** How a schema maps our documents: a home per field it knows, a vendor namespace for the rest, and the fields it derives. */
export interface SchemaMapping {
  readonly homes: Readonly<Record<string, FieldHome>>;
  /** The object our fields without a home go under, by their own key: `aws.vpcflow` (ECS), `unmapped` (OCSF). */
  readonly vendorPath: readonly string[];
  /** Fields the schema wants that no single field of ours holds (classification, copies, enums), set after the homes. */
  readonly derive: (document: EnrichedFlowLog, target: DerivedFieldSink) => void;
}

/** A field that keeps its value at one path. */
export const at = (...path: string[]): FieldHome => path;

/** A field that lands at one path, converted. */
export const convertedAt =
  (path: readonly string[], convert: (value: unknown, document: EnrichedFlowLog) => unknown): Placements =>
  (value, document) => [{ path, value: convert(value, document) }];

/** Where every field of a document lands under a mapping, in document order: its home, or the vendor namespace. */
export function placementsOf(mapping: SchemaMapping, document: EnrichedFlowLog): { readonly key: string; readonly placements: readonly Placement[] }[] {
  const homes = homeMapOf(mapping);
  const placed: { key: string; placements: readonly Placement[] }[] = [];
  for (const key of Object.keys(document)) {
    const value = (document as Record<string, unknown>)[key];
    if (value === undefined) continue;
    placed.push({ key, placements: placementsOfField(mapping, key, homes.get(key), value, document) });
  }
  return placed;
}

/** Where one field lands, its home (from homeMapOf) already looked up. */
function placementsOfField(mapping: SchemaMapping, key: string, home: FieldHome | undefined, value: unknown, document: EnrichedFlowLog): readonly Placement[] {
  if (isPath(home)) return [{ path: home, value }];
  // A value its home cannot hold (a time out of range) keeps its own key in the vendor namespace.
  const placements = home === undefined ? [] : home(value, document).filter((placement) => placement.value !== undefined);
  return placements.length === 0 ? [{ path: vendorPathOf(mapping, key), value }] : placements;
}

const isPath = (home: FieldHome | undefined): home is readonly string[] => Array.isArray(home);

/**
 * The document in the mapping's schema: every field of ours at its home or in the vendor
 * namespace, then the derived fields, then the vendor namespace moved last. The input is not changed.
 */
export function mapDocument(mapping: SchemaMapping, document: EnrichedFlowLog): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  writeMapping(mapping, document, {
    set: (path, value) => setPath(target, path, value),
    setIfAbsent: (path, value) => setPathIfAbsent(target, path, value),
  });
  moveToEnd(target, vendorRootOf(mapping));
  return target;
}

/**
 * Writes every field of the document at its home or in the vendor namespace, in document order,
 * then the derived fields: the whole of a mapping but the vendor namespace's move to the end,
 * which the sink does once it has everything (moveToEnd).
 */
export function writeMapping(mapping: SchemaMapping, document: EnrichedFlowLog, sink: DocumentSink): void {
  const homes = homeMapOf(mapping);
  for (const key in document) {
    const value = (document as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const home = homes.get(key);
    // The common cases first: a value kept as it is at a fixed path, or in the vendor namespace.
    if (isPath(home)) sink.set(home, value);
    else if (home === undefined) sink.set(vendorPathOf(mapping, key), value);
    else for (const placement of placementsOfField(mapping, key, home, value, document)) sink.set(placement.path, placement.value);
  }
  mapping.derive(document, sink);
}

/** Each mapping's homes as a Map: a look-up by a key not known in advance is faster there than in an object. */
const homeMaps = new WeakMap<SchemaMapping, ReadonlyMap<string, FieldHome>>();
function homeMapOf(mapping: SchemaMapping): ReadonlyMap<string, FieldHome> {
  let homes = homeMaps.get(mapping);
  if (homes === undefined) homeMaps.set(mapping, (homes = new Map(Object.entries(mapping.homes))));
  return homes;
}

/** The vendor path of each key a mapping has no home for, made once (a cap bounds what custom field names can add). */
const vendorPaths = new WeakMap<SchemaMapping, Map<string, readonly string[]>>();
const MAX_REMEMBERED_VENDOR_PATHS = 1024;
function vendorPathOf(mapping: SchemaMapping, key: string): readonly string[] {
  let paths = vendorPaths.get(mapping);
  if (paths === undefined) vendorPaths.set(mapping, (paths = new Map<string, readonly string[]>()));
  let path = paths.get(key);
  if (path === undefined) {
    if (paths.size >= MAX_REMEMBERED_VENDOR_PATHS) paths.clear();
    paths.set(key, (path = [...mapping.vendorPath, key]));
  }
  return path;
}

/** The top-level key of the mapping's vendor namespace, which goes last in a document, where a reader looks for it. */
export const vendorRootOf = (mapping: SchemaMapping): string => mapping.vendorPath[0] as string;

/** Moves a key, if the object has it, after all the others. */
export function moveToEnd(target: Record<string, unknown>, key: string): void {
  if (!Object.hasOwn(target, key)) return;
  const value = target[key];
  delete target[key];
  target[key] = value;
}

/** Sets a value at a path, making the objects on the way. */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let index = 0; index < path.length - 1; index += 1) {
    const key = path[index] as string;
    let child = node[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      child = {};
      node[key] = child;
    }
    node = child as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/** Sets a value at a path unless something is there already: derived fields never hide one of ours. */
function setPathIfAbsent(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  if (value === undefined || getPath(target, path) !== undefined) return;
  setPath(target, path, value);
}

/** The value at a path, undefined when any step is missing. */
export function getPath(source: unknown, path: readonly string[]): unknown {
  let node = source;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Past ±8.64e12 seconds a time is no valid Date (ECMAScript's time range). */
const LARGEST_EPOCH_SECONDS = 8.64e12;

/** Epoch seconds as ISO-8601 UTC (whole seconds without `.000`), or undefined when not a valid time. */
export function isoOfEpochSeconds(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > LARGEST_EPOCH_SECONDS) return undefined;
  // The parser's formatter, cached by minute: the records of a batch share a few minutes of times.
  return isoTimestampFromUnixSeconds(value).replace('.000Z', 'Z');
}

/** The distinct strings of a list, in first-seen order. */
export function distinct(values: readonly unknown[]): string[] {
  const seen: string[] = [];
  for (const value of values) if (typeof value === 'string' && !seen.includes(value)) seen.push(value);
  return seen;
}
