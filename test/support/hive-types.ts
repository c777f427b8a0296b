// Hive types of Glue columns (`int`, `array<string>`, `struct<a:int,b:array<double>>`) as trees,
// and whether a JSON value fits one as Firehose's record-format conversion reads it.

export type HiveType =
  | { readonly kind: 'scalar'; readonly name: string }
  | { readonly kind: 'array'; readonly of: HiveType }
  | { readonly kind: 'struct'; readonly members: ReadonlyMap<string, HiveType> };

/**
 * A Hive type text as a tree.
 *
 * @example parseHiveType('struct<a:int,b:array<string>>') // { kind: 'struct', members: Map { a => int, b => array<string> } }
 */
export function parseHiveType(text: string): HiveType {
  let position = 0;
  const name = (): string => {
    const match = /^[A-Za-z_@][A-Za-z0-9_]*/.exec(text.slice(position));
    if (match === null) throw new Error(`expected a name at ${position} of ${text}`);
    position += match[0].length;
    return match[0];
  };
  const expect = (character: string): void => {
    if (text[position] !== character) throw new Error(`expected "${character}" at ${position} of ${text}`);
    position += 1;
  };
  const parse = (): HiveType => {
    const head = name();
    if (head === 'array') {
      expect('<');
      const of = parse();
      expect('>');
      return { kind: 'array', of };
    }
    if (head === 'struct') {
      expect('<');
      const members = new Map<string, HiveType>();
      for (;;) {
        const member = name();
        expect(':');
        if (members.has(member)) throw new Error(`${member} twice in ${text}`);
        members.set(member, parse());
        if (text[position] === '>') break;
        expect(',');
      }
      expect('>');
      return { kind: 'struct', members };
    }
    return { kind: 'scalar', name: head };
  };
  const type = parse();
  if (position !== text.length) throw new Error(`trailing text at ${position} of ${text}`);
  return type;
}

const INT_RANGE = 2 ** 31;

/**
 * Where a JSON value does not fit a type, as paths with the reason (empty when it fits): a number
 * into an int must be an integer under 2^31, a string into a string, and so on; an object's every
 * key must be a member (paths in `skipped` apart).
 */
export function valueFits(value: unknown, type: HiveType, path: readonly string[], skipped: ReadonlySet<string> = new Set()): string[] {
  const at = path.join('.');
  if (value === null || value === undefined) return [];
  switch (type.kind) {
    case 'array':
      return Array.isArray(value) ? value.flatMap((item) => valueFits(item, type.of, path, skipped)) : [`${at}: ${JSON.stringify(value)} is no array`];
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: ${JSON.stringify(value)} is no object`];
      return Object.entries(value).flatMap(([key, child]) => {
        const childPath = [...path, key];
        if (skipped.has(childPath.join('.'))) return [];
        const member = type.members.get(key);
        return member === undefined ? [`${childPath.join('.')}: no column`] : valueFits(child, member, childPath, skipped);
      });
    }
    case 'scalar':
      switch (type.name) {
        case 'string':
          return typeof value === 'string' ? [] : [`${at}: ${JSON.stringify(value)} is no string`];
        case 'int':
          return Number.isInteger(value) && Math.abs(value as number) < INT_RANGE ? [] : [`${at}: ${JSON.stringify(value)} is no int`];
        case 'bigint':
          return Number.isSafeInteger(value) ? [] : [`${at}: ${JSON.stringify(value)} is no bigint`];
        case 'double':
          return typeof value === 'number' ? [] : [`${at}: ${JSON.stringify(value)} is no double`];
        case 'boolean':
          return typeof value === 'boolean' ? [] : [`${at}: ${JSON.stringify(value)} is no boolean`];
        default:
          return [`${at}: unknown Hive type ${type.name}`];
      }
  }
}

/** Every scalar leaf of a type by path (`a.b`, `a.list[].c`), with its type name. */
export function leafTypes(type: HiveType, path = ''): Map<string, string> {
  const leaves = new Map<string, string>();
  if (type.kind === 'scalar') leaves.set(path, type.name);
  else if (type.kind === 'array') for (const [leaf, name] of leafTypes(type.of, `${path}[]`)) leaves.set(leaf, name);
  else for (const [key, member] of type.members) for (const [leaf, name] of leafTypes(member, path === '' ? key : `${path}.${key}`)) leaves.set(leaf, name);
  return leaves;
}
