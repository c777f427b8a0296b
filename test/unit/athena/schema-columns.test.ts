import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glueColumnsFor, KEYS_WITHOUT_COLUMN, RENAMED_TOP_LEVEL_KEYS } from '../../../src/athena/schema-columns.js';
import { OUTPUT_SCHEMAS, type OutputSchema } from '../../../src/output-schema/output-schema.js';
import { leafTypes, valueFits, parseHiveType } from '../../support/hive-types.js';

const GOLDEN = new URL('../output-schema/golden/', import.meta.url);

/** The golden documents of a schema, every catalogue version (test/unit/output-schema/golden). */
function goldenDocuments(schema: OutputSchema): Record<string, unknown>[] {
  const directory = new URL(`${schema}/`, GOLDEN);
  return readdirSync(directory).flatMap((file) => {
    const text = readFileSync(new URL(file, directory), 'utf8');
    return (schema === 'native' ? text.trim().split('\n').map((line) => JSON.parse(line) as unknown) : (JSON.parse(text) as unknown[])) as Record<string, unknown>[];
  });
}

/**
 * Columns of leaves no golden document holds, by path prefix, and why each exists: a place the
 * mapping writes that the golden cases do not reach.
 */
const COLUMNS_BEYOND_GOLDEN: Readonly<Record<OutputSchema, readonly { prefix: string; reason: string }[]>> = {
  native: [
    { prefix: 'dst_geo.', reason: 'the golden cases geolocate the source only' },
    { prefix: 'security_group_rules[].peer.', reason: 'the golden rules are CIDR rules: no group, prefix-list or peering peers' },
  ],
  ecs: [
    { prefix: 'destination.geo.', reason: 'the golden cases geolocate the source only' },
    { prefix: 'aws.vpcflow.security_group_rules[].peer.', reason: 'the golden rules are CIDR rules' },
  ],
  ocsf: [
    { prefix: 'dst_endpoint.location.', reason: 'the golden cases geolocate the source only' },
    { prefix: 'unmapped.dst_geo.', reason: 'the golden cases geolocate the source only' },
    { prefix: 'unmapped.security_group_rules[].peer.', reason: 'the golden rules are CIDR rules' },
    { prefix: 'unmapped.action', reason: 'an action OCSF has no action_id for (none in the golden cases)' },
    { prefix: 'unmapped.flow_direction', reason: 'a flow-direction value OCSF has no direction_id for' },
    { prefix: 'unmapped.traffic_path', reason: 'a traffic-path value OCSF has no boundary_id for' },
    { prefix: 'unmapped.type', reason: 'an IP version OCSF has no protocol_ver_id for' },
  ],
};

describe('the Glue columns of each output schema', () => {
  for (const schema of OUTPUT_SCHEMAS) {
    const columns = glueColumnsFor(schema);
    const table = `struct<${columns.map(({ name, type }) => `${name}:${type}`).join(',')}>`;
    const documents = goldenDocuments(schema);

    it(`give every field of every ${schema} golden document a column of a type its value converts to`, () => {
      // Prepare
      const type = parseHiveType(table);
      const misfits: string[] = [];
      const skipped = new Set(KEYS_WITHOUT_COLUMN[schema].map((entry) => entry.path));

      // Act
      for (const document of documents) {
        const renamed = Object.fromEntries(Object.entries(document).map(([key, value]) => [RENAMED_TOP_LEVEL_KEYS[key] ?? key, value]));
        misfits.push(...valueFits(renamed, type, [], skipped));
      }

      // Assess
      expect(documents.length).toBeGreaterThan(10);
      expect([...new Set(misfits)]).toEqual([]);
    });

    it(`hold no ${schema} column a golden document never fills, but for those listed with a reason`, () => {
      // Prepare
      const filled = new Set<string>();
      const collect = (value: unknown, path: string): void => {
        if (Array.isArray(value)) for (const item of value) collect(item, `${path}[]`);
        else if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) collect(child, path === '' ? (RENAMED_TOP_LEVEL_KEYS[key] ?? key) : `${path}.${key}`);
        else filled.add(path);
      };
      for (const document of documents) collect(document, '');

      // Act
      const unfilled = [...leafTypes(parseHiveType(table))].map(([path]) => path).filter((path) => !filled.has(path));

      // Assess: every unfilled column is explained, and every explanation is still needed.
      const reasons = COLUMNS_BEYOND_GOLDEN[schema];
      expect(unfilled.filter((path) => !reasons.some(({ prefix }) => path.startsWith(prefix)))).toEqual([]);
      expect(reasons.filter(({ prefix }) => !unfilled.some((path) => path.startsWith(prefix)))).toEqual([]);
    });
  }
});
