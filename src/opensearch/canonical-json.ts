import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two values that differ only in key order
 * serialise alike. Used to compare what a server returns with what we would send.
 *
 * @example canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/**
 * A short, stable digest of a value's canonical JSON, stored with what we install so a later run
 * can tell "ours and unchanged" from "changed" without comparing the server's normalised copy.
 *
 * @example fingerprintOf({ a: 1 }) // 'sha256:015abd7f5cc57a2d'
 */
export function fingerprintOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16)}`;
}
