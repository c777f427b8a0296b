// Writes the SQL of the Athena named queries into template.yaml from src/athena/named-queries.ts
// (itself written from src/domain/security-concepts.ts), and the Glue table's columns from
// src/athena/glue-columns.ts (the flow-log catalogue and the enriched document's schema),
// touching nothing else in the file.
//
//   npx tsx scripts/generate-athena-named-queries.ts            # rewrite the queries' SQL
//   npx tsx scripts/generate-athena-named-queries.ts --check    # exit 1 when the template is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { athenaNamedQuerySql } from '../src/athena/named-queries.js';
import { glueColumnLinesFor } from '../src/athena/schema-columns.js';
import type { OutputSchema } from '../src/output-schema/output-schema.js';
import { runSampleGenerator } from './cloudwatch-logs-sample-events.js';

const TEMPLATE_PATH = 'template.yaml';
const QUERY_STRING = /^( +)QueryString: !If$/;

/** The conditions that choose a schema's text in the template, OCSF first, then ECS, else native. */
const SCHEMA_CONDITIONS = [
  ['WriteOcsfDocuments', 'ocsf'],
  ['WriteEcsDocuments', 'ecs'],
] as const;

/**
 * A value chosen by OutputSchema as YAML lines below the key (`Key: !If`), without the key's
 * indentation: `!If [WriteOcsfDocuments, ocsf, !If [WriteEcsDocuments, ecs, native]]`, each value
 * given as its own lines (`valueLines`), starting with the text after its `- `.
 */
export function bySchemaLines(valueLines: (schema: OutputSchema) => readonly string[]): string[] {
  const lines: string[] = [];
  let indent = '  ';
  SCHEMA_CONDITIONS.forEach(([condition, schema], index) => {
    if (index > 0) {
      lines.push(`${indent}- !If`);
      indent += '  ';
    }
    lines.push(`${indent}- ${condition}`);
    const [first = '', ...rest] = valueLines(schema);
    lines.push(`${indent}- ${first}`, ...rest.map((line) => `${indent}  ${line}`));
  });
  const [first = '', ...rest] = valueLines('native');
  lines.push(`${indent}- ${first}`, ...rest.map((line) => `${indent}  ${line}`));
  return lines;
}

/** A `!Sub |-` block of SQL, as value lines. */
const subBlock = (sql: string): string[] => ['!Sub |-', ...sql.split('\n').map((line) => `  ${line}`)];

/**
 * The template text with the `QueryString: !If` block of each named query replaced by its SQL for
 * each OutputSchema (bySchemaLines). Throws when a query's resource or block is missing, so a
 * renamed resource cannot leave stale SQL behind.
 */
export function withNamedQuerySql(template: string, sqlBySchema: (schema: OutputSchema) => Readonly<Record<string, string>>): string {
  const lines = template.split('\n');
  for (const logicalId of Object.keys(sqlBySchema('native'))) {
    const start = lines.indexOf(`  ${logicalId}:`);
    if (start === -1) throw new Error(`${TEMPLATE_PATH} has no resource ${logicalId}`);
    let keyLine = -1;
    let indent = '';
    for (let index = start + 1; index < lines.length && !/^ {0,2}\S/.test(lines[index] ?? ''); index += 1) {
      const match = QUERY_STRING.exec(lines[index] ?? '');
      if (match !== null) {
        keyLine = index;
        indent = match[1] ?? '';
        break;
      }
    }
    if (keyLine === -1) throw new Error(`${logicalId} in ${TEMPLATE_PATH} has no "QueryString: !If" block`);
    // The block is every following line indented deeper than the key; blank lines after it stay.
    let end = keyLine + 1;
    while (end < lines.length && (lines[end] ?? '').startsWith(`${indent} `)) end += 1;
    const block = bySchemaLines((schema) => subBlock(sqlBySchema(schema)[logicalId] ?? ''));
    lines.splice(keyLine + 1, end - keyLine - 1, ...block.map((line) => `${indent}${line}`));
  }
  return lines.join('\n');
}

const GLUE_TABLE = 'FlowLogTable';
const COLUMNS = /^( +)Columns: !If$/;

/**
 * The template text with the `Columns: !If` list of the Glue table replaced by each schema's
 * columns (bySchemaLines). Throws when the table or its list is missing.
 */
export function withGlueColumns(template: string, columnLines: (schema: OutputSchema) => readonly string[]): string {
  const lines = template.split('\n');
  const start = lines.indexOf(`  ${GLUE_TABLE}:`);
  if (start === -1) throw new Error(`${TEMPLATE_PATH} has no resource ${GLUE_TABLE}`);
  let keyLine = -1;
  let indent = '';
  for (let index = start + 1; index < lines.length && !/^ {0,2}\S/.test(lines[index] ?? ''); index += 1) {
    const match = COLUMNS.exec(lines[index] ?? '');
    if (match !== null) {
      keyLine = index;
      indent = match[1] ?? '';
      break;
    }
  }
  if (keyLine === -1) throw new Error(`${GLUE_TABLE} in ${TEMPLATE_PATH} has no "Columns: !If" list`);
  let end = keyLine + 1;
  while (end < lines.length && (lines[end] ?? '').startsWith(`${indent} `)) end += 1;
  // Each schema's list as a nested YAML sequence: `- - { Name: ... }`.
  const block = bySchemaLines((schema) => {
    const [first = '', ...rest] = columnLines(schema);
    return [`${first}`, ...rest];
  });
  lines.splice(keyLine + 1, end - keyLine - 1, ...block.map((line) => `${indent}${line}`));
  return lines.join('\n');
}

/** The template as it should be. */
export function generatedTemplate(template: string): string {
  return withGlueColumns(withNamedQuerySql(template, athenaNamedQuerySql), glueColumnLinesFor);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');
  runSampleGenerator(process.argv, {
    script: 'scripts/generate-athena-named-queries.ts',
    stale: () => (generatedTemplate(template) === template ? [] : [TEMPLATE_PATH]),
    write: () => writeFileSync(TEMPLATE_PATH, generatedTemplate(template)),
  });
}
