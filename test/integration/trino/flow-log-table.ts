// The stack's Glue table (template.yaml, FlowLogTable) on the test's Trino: the same columns
// (src/athena/glue-columns.ts) and partition keys, documents as JSON lines under the prefixes
// Firehose writes (flow-logs/year=YYYY/month=MM/day=DD/, named after the arrival time), read with
// the OpenX JSON SerDe as in Glue. Partition projection is Athena's, not Trino's: the partitions
// are registered from the directories instead (system.sync_partition_metadata), which prunes alike.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { glueColumns } from '../../../src/athena/glue-columns.js';
import { quoteIdentifier } from '../../../src/athena/ledger-sql.js';
import { TRINO_CATALOG, type TrinoServer } from './trino-server.js';

/** Firehose's buffering: a document lands this long after its record's end. */
export const ARRIVAL_DELAY_SECONDS = 300;

/** A Hive type of the Glue table as a Trino type: `array<struct<a:int>>` -> `array(row(a integer))`. */
export function trinoType(hive: string): string {
  let position = 0;
  const parse = (): string => {
    const name = /^[a-z_]+/.exec(hive.slice(position))?.[0] ?? '';
    position += name.length;
    if (name === 'array') {
      position += 1; // <
      const element = parse();
      position += 1; // >
      return `array(${element})`;
    }
    if (name === 'struct') {
      position += 1; // <
      const fields: string[] = [];
      for (;;) {
        const field = /^[a-z_0-9]+/.exec(hive.slice(position))?.[0] ?? '';
        position += field.length + 1; // name and ':'
        fields.push(`${quoteIdentifier(field)} ${parse()}`);
        const next = hive[position];
        position += 1;
        if (next === '>') break;
      }
      return `row(${fields.join(', ')})`;
    }
    const scalar: Record<string, string> = { string: 'varchar', int: 'integer', bigint: 'bigint', double: 'double', boolean: 'boolean' };
    const type = scalar[name];
    if (type === undefined) throw new Error(`no Trino type for Hive type ${name} in ${hive}`);
    return type;
  };
  return parse();
}

function partitionOf(document: Readonly<Record<string, unknown>>): string {
  const end = typeof document.end === 'number' ? document.end : typeof document.start === 'number' ? document.start : 0;
  const arrival = new Date((end + ARRIVAL_DELAY_SECONDS) * 1000);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `year=${arrival.getUTCFullYear()}/month=${two(arrival.getUTCMonth() + 1)}/day=${two(arrival.getUTCDate())}`;
}

/**
 * Writes the documents under `flow-logs/` in a schema directory of the warehouse, and creates the
 * table over them with its partitions; says how many bytes each arrival day holds (`YYYY-MM-DD`).
 */
export async function createFlowLogTable(trino: TrinoServer, schema: string, documents: readonly Readonly<Record<string, unknown>>[]): Promise<{ bytes: number; bytesByDay: ReadonlyMap<string, number> }> {
  const byPartition = new Map<string, string[]>();
  for (const document of documents) {
    const key = partitionOf(document);
    let lines = byPartition.get(key);
    if (lines === undefined) byPartition.set(key, (lines = []));
    lines.push(JSON.stringify(document));
  }
  let bytes = 0;
  const bytesByDay = new Map<string, number>();
  for (const [key, lines] of byPartition) {
    const directory = join(trino.warehouse, schema, 'flow-logs', key);
    mkdirSync(directory, { recursive: true });
    const text = `${lines.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    bytesByDay.set(key.replace(/^year=(\d+)\/month=(\d+)\/day=(\d+)$/, '$1-$2-$3'), Buffer.byteLength(text));
    writeFileSync(join(directory, 'documents.json'), text);
  }
  const columns = glueColumns().map(({ name, type }) => `${quoteIdentifier(name)} ${trinoType(type)}`);
  await trino.query(`CREATE SCHEMA ${TRINO_CATALOG}.${quoteIdentifier(schema)} WITH (location = 'local:///${schema}')`);
  await trino.query(
    [
      `CREATE TABLE ${TRINO_CATALOG}.${quoteIdentifier(schema)}.flow_logs (`,
      `  ${[...columns, 'year integer', 'month integer', 'day integer'].join(',\n  ')}`,
      `) WITH (format = 'OPENX_JSON', partitioned_by = ARRAY['year', 'month', 'day'], external_location = 'local:///${schema}/flow-logs')`,
    ].join('\n'),
  );
  await trino.query(`CALL ${TRINO_CATALOG}.system.sync_partition_metadata('${schema}', 'flow_logs', 'FULL')`);
  return { bytes, bytesByDay };
}
