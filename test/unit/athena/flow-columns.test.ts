import { describe, expect, it } from 'vitest';
import { FLOW_FIELDS, flowFieldExpression, flowProjection } from '../../../src/athena/flow-columns.js';
import { ledgerQueries } from '../../../src/athena/ledger-sql.js';
import { glueColumnsFor } from '../../../src/athena/schema-columns.js';
import { OUTPUT_SCHEMAS } from '../../../src/output-schema/output-schema.js';
import { DEFAULT_LEDGER_LIMITS } from '../../../src/report/index.js';
import { parseHiveType, type HiveType } from '../../support/hive-types.js';

/** The quoted paths an expression reads (`"a"."b"`), as dotted names. */
function pathsRead(expression: string): string[] {
  return [...expression.matchAll(/"[a-z_@]+"(?:\."[a-z_@]+")*/g)].map((match) => match[0].replaceAll('"', ''));
}

function memberAt(type: HiveType, path: readonly string[]): HiveType | undefined {
  let node: HiveType | undefined = type;
  for (const key of path) node = node?.kind === 'struct' ? node.members.get(key) : undefined;
  return node;
}

describe('the flow fields of the Athena SQL per output schema', () => {
  it.each(OUTPUT_SCHEMAS)('reads every field from paths the %s table has', (schema) => {
    // Prepare
    const table = parseHiveType(`struct<${glueColumnsFor(schema).map(({ name, type }) => `${name}:${type}`).join(',')}>`);

    // Act
    const missing = FLOW_FIELDS.flatMap((field) => pathsRead(flowFieldExpression(schema, field)).filter((path) => memberAt(table, path.split('.')) === undefined));

    // Assess
    expect(missing).toEqual([]);
  });

  it('projects each field under its native name', () => {
    expect(flowProjection('ocsf', ['start', 'srcaddr'])).toEqual(['"start_time" / 1000 AS "start"', '"src_endpoint"."ip" AS "srcaddr"']);
    expect(flowProjection('native', ['rule_match'])).toEqual(['"rule_match" AS "rule_match"']);
  });

  it.each(['ecs', 'ocsf'] as const)('gives the ledger\'s %s queries the same text as native past the projection', (schema) => {
    // Act
    const native = ledgerQueries({ table: { database: 'd', table: 't' }, limits: DEFAULT_LEDGER_LIMITS });
    const mapped = ledgerQueries({ table: { database: 'd', table: 't' }, limits: DEFAULT_LEDGER_LIMITS, schema });

    // Assess: only the flow_fields relation differs.
    for (const name of Object.keys(native) as (keyof typeof native)[]) {
      const after = (sql: string): string => sql.slice(sql.indexOf('\n),\nflows AS ('));
      expect(after(mapped[name])).toBe(after(native[name]));
      expect(mapped[name]).not.toBe(native[name]);
      expect(mapped[name]).toContain(flowFieldExpression(schema, 'security_group_rule_ids'));
    }
  });
});
