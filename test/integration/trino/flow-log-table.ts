// The stack's Glue table (template.yaml, FlowLogTable) on the test's Trino: the same columns
// (src/athena/schema-columns.ts, for the OutputSchema chosen) and partition keys, documents under
// the prefixes Firehose writes (flow-logs/year=YYYY/month=MM/day=DD/, named after the arrival
// time), as JSON lines read with the OpenX JSON SerDe as in Glue, or as Parquet written with the
// table's exact columns (write_parquet.py, pyarrow, strictly: as Firehose's record-format
// conversion). Partition projection is Athena's, not Trino's: the partitions are registered from
// the directories instead (system.sync_partition_metadata), which prunes alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quoteIdentifier } from '../../../src/athena/ledger-sql.js';
import { glueColumnsFor, KEYS_WITHOUT_COLUMN, RENAMED_TOP_LEVEL_KEYS } from '../../../src/athena/schema-columns.js';
import { OutputSchema, toSchemaDocument } from '../../../src/output-schema/output-schema.js';
import { PROJECT_ROOT, pythonTool, pythonToolEnvironment } from '../support/python-tools.js';
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

/** How the table's objects are written: Firehose's JSON lines, or its Parquet conversion. */
export type RecordFormat = 'json' | 'parquet';

export interface FlowLogTableOptions {
  /** The stack's OutputSchema: the documents are mapped to it, the table has its columns. */
  readonly outputSchema?: OutputSchema;
  readonly format?: RecordFormat;
}

/**
 * Documents as Parquet files (path to documents), through write_parquet.py with the table's
 * columns; the bytes of each file. Throws with the script's message when a value does not fit.
 */
export function writeParquetFiles(outputSchema: OutputSchema, files: ReadonlyMap<string, readonly unknown[]>): Map<string, number> {
  const request = {
    columns: glueColumnsFor(outputSchema),
    renamed: RENAMED_TOP_LEVEL_KEYS,
    skipped: KEYS_WITHOUT_COLUMN[outputSchema].map((entry) => entry.path),
    files: Object.fromEntries(files),
  };
  const run = spawnSync(pythonTool('python'), ['test/integration/trino/write_parquet.py'], {
    cwd: PROJECT_ROOT,
    env: pythonToolEnvironment(),
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`write_parquet.py exited with ${String(run.status)}: ${run.stderr.trim()}`);
  const { bytes } = JSON.parse(run.stdout) as { bytes: Record<string, number> };
  return new Map(Object.entries(bytes));
}

/**
 * Writes the (native, enriched) documents under `flow-logs/` in a schema directory of the
 * warehouse, mapped to the output schema and in the record format chosen, and creates the table
 * over them with its partitions; says how many bytes each arrival day holds (`YYYY-MM-DD`).
 */
export async function createFlowLogTable(
  trino: TrinoServer,
  schema: string,
  documents: readonly Readonly<Record<string, unknown>>[],
  options: FlowLogTableOptions = {},
): Promise<{ bytes: number; bytesByDay: ReadonlyMap<string, number> }> {
  const outputSchema = options.outputSchema ?? OutputSchema.Native;
  const format = options.format ?? 'json';
  const byPartition = new Map<string, unknown[]>();
  for (const document of documents) {
    const key = partitionOf(document);
    let members = byPartition.get(key);
    if (members === undefined) byPartition.set(key, (members = []));
    members.push(toSchemaDocument(outputSchema, document));
  }
  let bytes = 0;
  const bytesByDay = new Map<string, number>();
  const dayOf = (key: string): string => key.replace(/^year=(\d+)\/month=(\d+)\/day=(\d+)$/, '$1-$2-$3');
  if (format === 'json') {
    for (const [key, members] of byPartition) {
      const directory = join(trino.warehouse, schema, 'flow-logs', key);
      mkdirSync(directory, { recursive: true });
      const text = `${members.map((member) => JSON.stringify(member)).join('\n')}\n`;
      bytes += Buffer.byteLength(text);
      bytesByDay.set(dayOf(key), Buffer.byteLength(text));
      writeFileSync(join(directory, 'documents.json'), text);
    }
  } else {
    const fileOf = (key: string): string => join(trino.warehouse, schema, 'flow-logs', key, 'documents.parquet');
    const sizes = writeParquetFiles(outputSchema, new Map([...byPartition].map(([key, members]) => [fileOf(key), members])));
    for (const key of byPartition.keys()) {
      const size = sizes.get(fileOf(key)) ?? 0;
      bytes += size;
      bytesByDay.set(dayOf(key), size);
    }
  }
  const columns = glueColumnsFor(outputSchema).map(({ name, type }) => `${quoteIdentifier(name)} ${trinoType(type)}`);
  await trino.query(`CREATE SCHEMA ${TRINO_CATALOG}.${quoteIdentifier(schema)} WITH (location = 'local:///${schema}')`);
  await trino.query(
    [
      `CREATE TABLE ${TRINO_CATALOG}.${quoteIdentifier(schema)}.flow_logs (`,
      `  ${[...columns, 'year integer', 'month integer', 'day integer'].join(',\n  ')}`,
      `) WITH (format = '${format === 'json' ? 'OPENX_JSON' : 'PARQUET'}', partitioned_by = ARRAY['year', 'month', 'day'], external_location = 'local:///${schema}/flow-logs')`,
    ].join('\n'),
  );
  await trino.query(`CALL ${TRINO_CATALOG}.system.sync_partition_metadata('${schema}', 'flow_logs', 'FULL')`);
  return { bytes, bytesByDay };
}
