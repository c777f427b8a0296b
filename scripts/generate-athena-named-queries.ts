// Writes the SQL of the Athena named queries into template.yaml from src/athena/named-queries.ts
// (itself written from src/domain/security-concepts.ts), and the Glue table's columns from
// src/athena/glue-columns.ts (the flow-log catalogue and the enriched document's schema),
// touching nothing else in the file.
//
//   npx tsx scripts/generate-athena-named-queries.ts            # rewrite the queries' SQL
//   npx tsx scripts/generate-athena-named-queries.ts --check    # exit 1 when the template is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { glueColumnLines } from '../src/athena/glue-columns.js';
import { athenaNamedQuerySql } from '../src/athena/named-queries.js';
import { runSampleGenerator } from './cloudwatch-logs-sample-events.js';

const TEMPLATE_PATH = 'template.yaml';
const QUERY_STRING = /^( +)QueryString: !Sub \|-$/;

/**
 * The template text with the `QueryString: !Sub |-` block of each named query replaced by its
 * SQL, indented two spaces deeper than the key. Throws when a query's resource or block is missing,
 * so a renamed resource cannot leave stale SQL behind.
 */
export function withNamedQuerySql(template: string, sqlByLogicalId: Readonly<Record<string, string>>): string {
  const lines = template.split('\n');
  for (const [logicalId, sql] of Object.entries(sqlByLogicalId)) {
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
    if (keyLine === -1) throw new Error(`${logicalId} in ${TEMPLATE_PATH} has no "QueryString: !Sub |-" block`);
    // The block is every following line indented deeper than the key; blank lines after it stay.
    let end = keyLine + 1;
    while (end < lines.length && (lines[end] ?? '').startsWith(`${indent} `)) end += 1;
    lines.splice(keyLine + 1, end - keyLine - 1, ...sql.split('\n').map((line) => `${indent}  ${line}`));
  }
  return lines.join('\n');
}

const GLUE_TABLE = 'FlowLogTable';
const COLUMNS = /^( +)Columns:$/;

/**
 * The template text with the `Columns:` list of the Glue table replaced by `columnLines`, each
 * indented two spaces deeper than the key. Throws when the table or its list is missing.
 */
export function withGlueColumns(template: string, columnLines: readonly string[]): string {
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
  if (keyLine === -1) throw new Error(`${GLUE_TABLE} in ${TEMPLATE_PATH} has no "Columns:" list`);
  let end = keyLine + 1;
  while (end < lines.length && (lines[end] ?? '').startsWith(`${indent} `)) end += 1;
  lines.splice(keyLine + 1, end - keyLine - 1, ...columnLines.map((line) => `${indent}  ${line}`));
  return lines.join('\n');
}

/** The template as it should be. */
export function generatedTemplate(template: string): string {
  return withGlueColumns(withNamedQuerySql(template, athenaNamedQuerySql()), glueColumnLines());
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const template = readFileSync(TEMPLATE_PATH, 'utf8');
  runSampleGenerator(process.argv, {
    script: 'scripts/generate-athena-named-queries.ts',
    stale: () => (generatedTemplate(template) === template ? [] : [TEMPLATE_PATH]),
    write: () => writeFileSync(TEMPLATE_PATH, generatedTemplate(template)),
  });
}
