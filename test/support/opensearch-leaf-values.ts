// How the tests ask whether an index template takes a document: every leaf value with its dotted
// path, and whether OpenSearch indexes a value under a leaf's mapping instead of rejecting it.
import { isIP } from 'node:net';
import type { LeafMapping } from '../../src/opensearch/field-mappings.js';

/** Every leaf of a document with its dotted path; arrays give each element, a value mapped as geo_point stays whole. */
export function leafValues(value: unknown, leaves: ReadonlyMap<string, LeafMapping>, path = ''): [string, unknown][] {
  if (leaves.get(path)?.type === 'geo_point') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((element) => leafValues(element, leaves, path));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => leafValues(child, leaves, path === '' ? key : `${path}.${key}`));
  }
  return [[path, value]];
}

/** Whether OpenSearch indexes the value under the mapping as that type (instead of rejecting the document). */
export function acceptsValue(mapping: LeafMapping, value: unknown): boolean {
  switch (mapping.type) {
    case 'keyword':
      return typeof value === 'string';
    case 'ip':
      return typeof value === 'string' && isIP(value) !== 0;
    case 'integer':
      return Number.isInteger(value) && Math.abs(value as number) < 2 ** 31;
    case 'long':
      return Number.isSafeInteger(value);
    case 'date':
      return mapping.format?.startsWith('epoch_') === true ? Number.isSafeInteger(value) : typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'geo_point': {
      // An object { lat, lon } (ECS, native) or GeoJSON's [lon, lat] (OCSF's coordinates).
      if (Array.isArray(value)) return value.length === 2 && value.every((number) => typeof number === 'number') && Math.abs(value[1] as number) <= 90;
      const point = value as { lat?: unknown; lon?: unknown };
      return typeof point.lat === 'number' && typeof point.lon === 'number';
    }
  }
}
