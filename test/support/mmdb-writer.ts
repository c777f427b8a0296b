/**
 * A small writer of MaxMind DB files (format 2.0), for test databases and the bundled sample.
 * No maintained npm writer exists; this one covers what geolocation records need: maps, arrays,
 * UTF-8 strings, doubles, unsigned integers and booleans, written without pointers, in a search
 * tree of 24-, 28- or 32-bit records.
 *
 * Layout (MaxMind DB spec): search tree | 16 zero bytes | data section | "\xAB\xCD\xEFMaxMind.com" | metadata map.
 */

/** A value with an explicit MaxMind type, where the JavaScript type alone is ambiguous. */
export class MmdbTyped {
  constructor(
    readonly type: 'double' | 'uint16' | 'uint32' | 'uint64',
    readonly value: number | bigint,
  ) {}
}

export type MmdbValue = string | number | boolean | MmdbTyped | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

export const mmdbDouble = (value: number): MmdbTyped => new MmdbTyped('double', value);
export const mmdbUint16 = (value: number): MmdbTyped => new MmdbTyped('uint16', value);
export const mmdbUint32 = (value: number): MmdbTyped => new MmdbTyped('uint32', value);
export const mmdbUint64 = (value: number | bigint): MmdbTyped => new MmdbTyped('uint64', value);

export interface MmdbNetwork {
  /** CIDR notation: `203.0.113.0/24`, `2001:db8:1::/48`. */
  readonly network: string;
  readonly data: MmdbValue;
}

export interface MmdbWriteOptions {
  /** 6 stores IPv4 networks under ::/96, as MaxMind's own databases do. */
  readonly ipVersion: 4 | 6;
  readonly recordSize?: 24 | 28 | 32;
  readonly databaseType: string;
  readonly languages?: readonly string[];
  readonly description?: Readonly<Record<string, string>>;
  /** Seconds since the epoch; fixed by default so the same input gives the same bytes. */
  readonly buildEpoch?: number;
  /** Later networks win where they overlap earlier ones. */
  readonly networks: readonly MmdbNetwork[];
}

const DATA_SECTION_SEPARATOR = Buffer.alloc(16);
const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'latin1')]);

const TYPE = {
  utf8: 2,
  double: 3,
  uint16: 5,
  uint32: 6,
  map: 7,
  uint64: 9,
  array: 11,
  boolean: 14,
} as const;

/**
 * Builds a MaxMind DB file from networks and their records.
 *
 * @example
 * const database = writeMmdb({ ipVersion: 6, databaseType: 'Sample-City', networks: [
 *   { network: '203.0.113.0/24', data: { country: { iso_code: 'NZ', names: { en: 'New Zealand' } } } },
 * ] });
 * new Reader(database).get('203.0.113.9'); // { country: { iso_code: 'NZ', ... } }
 */
export function writeMmdb(options: MmdbWriteOptions): Buffer {
  const recordSize = options.recordSize ?? 28;
  const { data, offsets } = encodeDataSection(options.networks.map((network) => network.data));
  const root = newNode();
  options.networks.forEach((network, index) => {
    insert(root, networkBits(network.network, options.ipVersion), { dataOffset: offsets[index] as number });
  });
  const nodes = numberNodes(root);
  const nodeCount = nodes.length;
  const maxRecord = nodeCount + DATA_SECTION_SEPARATOR.length + data.length;
  if (maxRecord >= 2 ** recordSize) {
    throw new RangeError(`${recordSize}-bit records cannot address ${maxRecord}; use a larger record size`);
  }
  const index = new Map(nodes.map((node, position) => [node, position]));
  const recordValue = (child: TreeChild): number => {
    if (child === undefined) return nodeCount;
    if ('dataOffset' in child) return nodeCount + DATA_SECTION_SEPARATOR.length + child.dataOffset;
    return index.get(child) as number;
  };
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  nodes.forEach((node, position) => {
    writeNode(tree, position * nodeBytes, recordSize, recordValue(node.children[0]), recordValue(node.children[1]));
  });
  const metadata = encodeValue({
    node_count: mmdbUint32(nodeCount),
    record_size: mmdbUint16(recordSize),
    ip_version: mmdbUint16(options.ipVersion),
    database_type: options.databaseType,
    languages: [...(options.languages ?? ['en'])],
    binary_format_major_version: mmdbUint16(2),
    binary_format_minor_version: mmdbUint16(0),
    build_epoch: mmdbUint64(options.buildEpoch ?? 1_700_000_000),
    description: { ...(options.description ?? { en: options.databaseType }) },
  });
  return Buffer.concat([tree, DATA_SECTION_SEPARATOR, data, METADATA_MARKER, metadata]);
}

interface TreeNode {
  children: [TreeChild, TreeChild];
}
type TreeChild = TreeNode | { readonly dataOffset: number } | undefined;

const newNode = (): TreeNode => ({ children: [undefined, undefined] });

function insert(root: TreeNode, bits: readonly number[], leaf: { readonly dataOffset: number }): void {
  let node = root;
  for (let depth = 0; depth < bits.length - 1; depth += 1) {
    const bit = bits[depth] as 0 | 1;
    const child = node.children[bit];
    if (child === undefined || 'dataOffset' in child) {
      // Splitting a wider network: both halves keep its data until a narrower one overrides it.
      const split = newNode();
      split.children = [child, child];
      node.children[bit] = split;
      node = split;
    } else {
      node = child;
    }
  }
  node.children[bits[bits.length - 1] as 0 | 1] = leaf;
}

/** Breadth-first, so the root is node 0 as readers expect. */
function numberNodes(root: TreeNode): TreeNode[] {
  const nodes: TreeNode[] = [];
  const queue: TreeNode[] = [root];
  const seen = new Set<TreeNode>();
  while (queue.length > 0) {
    const node = queue.shift() as TreeNode;
    if (seen.has(node)) continue;
    seen.add(node);
    nodes.push(node);
    for (const child of node.children) {
      if (child !== undefined && !('dataOffset' in child)) queue.push(child);
    }
  }
  return nodes;
}

function writeNode(tree: Buffer, offset: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  switch (recordSize) {
    case 24:
      tree.writeUIntBE(left, offset, 3);
      tree.writeUIntBE(right, offset + 3, 3);
      return;
    case 28:
      tree.writeUIntBE(left & 0xffffff, offset, 3);
      tree[offset + 3] = (((left >>> 24) & 0x0f) << 4) | ((right >>> 24) & 0x0f);
      tree.writeUIntBE(right & 0xffffff, offset + 4, 3);
      return;
    case 32:
      tree.writeUInt32BE(left, offset);
      tree.writeUInt32BE(right, offset + 4);
      return;
  }
}

/** The bits of a network's prefix, as the tree walks them. */
export function networkBits(cidr: string, ipVersion: 4 | 6): number[] {
  const slash = cidr.lastIndexOf('/');
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  const isV4 = address.includes('.') && !address.includes(':');
  const bytes = isV4 ? parseIPv4Bytes(address) : parseIPv6Bytes(address);
  const fullLength = bytes.length * 8;
  const prefix = slash === -1 ? fullLength : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 1 || prefix > fullLength) {
    throw new RangeError(`bad prefix length in ${cidr}`);
  }
  if (!isV4 && ipVersion === 4) {
    throw new RangeError(`an IPv4 database cannot hold ${cidr}`);
  }
  const bits: number[] = isV4 && ipVersion === 6 ? new Array<number>(96).fill(0) : [];
  for (let bit = 0; bit < prefix; bit += 1) {
    bits.push(((bytes[bit >> 3] as number) >> (7 - (bit & 7))) & 1);
  }
  return bits;
}

function parseIPv4Bytes(text: string): number[] {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new RangeError(`not an IPv4 address: ${text}`);
  }
  return parts;
}

function parseIPv6Bytes(text: string): number[] {
  // An embedded dotted quad (`::ffff:192.0.2.1`) is rewritten as the two groups it stands for.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  let normalized = text;
  if (last.includes('.')) {
    const [a, b, c, d] = parseIPv4Bytes(last) as [number, number, number, number];
    normalized = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = normalized.split('::');
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const missing = 8 - left.length - right.length;
  const valid = halves.length === 1 ? left.length === 8 : halves.length === 2 && missing >= 1;
  const all = [...left, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!valid || all.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) {
    throw new RangeError(`not an IPv6 address: ${text}`);
  }
  return all.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function encodeDataSection(values: readonly MmdbValue[]): { data: Buffer; offsets: number[] } {
  const chunks: Buffer[] = [];
  const byContent = new Map<string, number>();
  let length = 0;
  const offsets = values.map((value) => {
    const encoded = encodeValue(value);
    const key = encoded.toString('base64');
    const existing = byContent.get(key);
    if (existing !== undefined) return existing;
    byContent.set(key, length);
    chunks.push(encoded);
    length += encoded.length;
    return length - encoded.length;
  });
  return { data: Buffer.concat(chunks), offsets };
}

/** One value in the MaxMind DB data format. */
export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(TYPE.utf8, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') {
    return control(TYPE.boolean, value ? 1 : 0);
  }
  if (typeof value === 'number') {
    return encodeValue(Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? mmdbUint32(value) : mmdbDouble(value));
  }
  if (value instanceof MmdbTyped) {
    return encodeTyped(value);
  }
  if (Array.isArray(value)) {
    const items = value as readonly MmdbValue[];
    return Buffer.concat([control(TYPE.array, items.length), ...items.map(encodeValue)]);
  }
  const entries = Object.entries(value as { readonly [key: string]: MmdbValue });
  return Buffer.concat([control(TYPE.map, entries.length), ...entries.flatMap(([key, item]) => [encodeValue(key), encodeValue(item)])]);
}

function encodeTyped(typed: MmdbTyped): Buffer {
  if (typed.type === 'double') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(Number(typed.value));
    return Buffer.concat([control(TYPE.double, 8), bytes]);
  }
  const limits = { uint16: 2, uint32: 4, uint64: 8 } as const;
  let remaining = BigInt(typed.value);
  if (remaining < 0n || remaining >= 1n << BigInt(limits[typed.type] * 8)) {
    throw new RangeError(`${typed.value} does not fit ${typed.type}`);
  }
  // Unsigned integers are stored big-endian in as few bytes as they need (zero takes none).
  const bytes: number[] = [];
  while (remaining > 0n) {
    bytes.unshift(Number(remaining & 0xffn));
    remaining >>= 8n;
  }
  return Buffer.concat([control(TYPE[typed.type], bytes.length), Buffer.from(bytes)]);
}

/** The control byte(s): type in the top 3 bits (or an extended type byte), then the size. */
function control(type: number, size: number): Buffer {
  const bytes: number[] = [];
  const first = type <= 7 ? type << 5 : 0;
  const extended = type <= 7 ? [] : [type - 7];
  if (size < 29) {
    bytes.push(first | size, ...extended);
  } else if (size < 29 + 256) {
    bytes.push(first | 29, ...extended, size - 29);
  } else if (size < 285 + 65_536) {
    const rest = size - 285;
    bytes.push(first | 30, ...extended, rest >> 8, rest & 0xff);
  } else if (size < 65_821 + 16_777_216) {
    const rest = size - 65_821;
    bytes.push(first | 31, ...extended, rest >> 16, (rest >> 8) & 0xff, rest & 0xff);
  } else {
    throw new RangeError(`a value of ${size} bytes or entries is too large`);
  }
  return Buffer.from(bytes);
}
