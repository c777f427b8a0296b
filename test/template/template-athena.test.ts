import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EnrichmentFields } from '../../src/enrich/enriched-flow-log.js';
import { flowLogMappingProperties, isObjectMapping, type FieldMapping } from '../../src/opensearch/field-mappings.js';
import { EXPOSED_SERVICE_PORTS, NON_PUBLIC_SOURCE_CIDRS } from '../../src/domain/security-concepts.js';
import { glueColumnLinesFor } from '../../src/athena/schema-columns.js';
import { generatedTemplate, withGlueColumns } from '../../scripts/generate-athena-named-queries.js';
import { asList, describeValue, isObject, objectAt, subParts, toRuntimeString, type CfnObject, type ResolvedStack } from '../support/cloudformation.js';
import { describeStack, resourceOf, stacks } from './template-fixtures.js';

/** Enrichment fields whose value is a list: each is an `array<...>` column. */
type ListFieldKey = { [K in keyof EnrichmentFields]-?: NonNullable<EnrichmentFields[K]> extends readonly unknown[] ? K : never }[keyof EnrichmentFields];
const LIST_FIELDS = ['security_group_ids', 'security_group_names', 'security_group_rules', 'security_group_rule_ids', 'enrichment_issues'] as const satisfies readonly ListFieldKey[];
// Every list field is in LIST_FIELDS: this line stops compiling when EnrichmentFields gains another.
const listFieldsComplete: [Exclude<ListFieldKey, (typeof LIST_FIELDS)[number]>] extends [never] ? true : never = true;

/** Document keys that are no valid column name, and the column that reads each (through the SerDe's mapping). */
const RENAMED_KEYS: Readonly<Record<string, string>> = { '@timestamp': 'event_time' };

/** The Hive type of the values the OpenSearch mapping describes, as the decorator writes them in JSON. */
function hiveType(mapping: FieldMapping): string {
  if (isObjectMapping(mapping)) return `struct<${Object.entries(mapping.properties).map(([key, child]) => `${key}:${hiveType(child)}`).join(',')}>`;
  switch (mapping.type) {
    case 'keyword':
    case 'ip':
      return 'string';
    case 'integer':
      return 'int';
    case 'long':
      return 'bigint';
    // start/end are epoch seconds; @timestamp is ISO 8601 text, which Athena reads with from_iso8601_timestamp.
    case 'date':
      return mapping.format === 'epoch_second' ? 'bigint' : 'string';
    case 'geo_point':
      return 'struct<lat:double,lon:double>';
  }
}

/** The columns a table over the decorator's documents needs: every mapped field, lists as arrays. */
function expectedColumns(): string[] {
  const lists: readonly string[] = LIST_FIELDS;
  return Object.entries(flowLogMappingProperties()).map(([key, mapping]) => {
    const type = hiveType(mapping);
    return `${RENAMED_KEYS[key] ?? key} ${lists.includes(key) ? `array<${type}>` : type}`;
  });
}

/** The members of a Hive `struct<name:type,...>` type, by name. */
function structMembers(type: string): Map<string, string> | undefined {
  if (!type.startsWith('struct<') || !type.endsWith('>')) return undefined;
  const members = new Map<string, string>();
  let depth = 0;
  let start = 0;
  const body = type.slice('struct<'.length, -1);
  for (let index = 0; index <= body.length; index += 1) {
    const character = body[index];
    if (character === '<') depth += 1;
    if (character === '>') depth -= 1;
    if ((character === ',' && depth === 0) || index === body.length) {
      const member = body.slice(start, index);
      const colon = member.indexOf(':');
      members.set(member.slice(0, colon), member.slice(colon + 1));
      start = index + 1;
    }
  }
  return members;
}

function tableInput(stack: ResolvedStack): CfnObject {
  return objectAt(resourceOf(stack, 'FlowLogTable').Properties?.['TableInput'], 'TableInput');
}

function columnsOf(stack: ResolvedStack): Map<string, string> {
  const input = tableInput(stack);
  const storage = objectAt(input['StorageDescriptor'], 'StorageDescriptor');
  const columns = [...asList(storage['Columns']), ...asList(input['PartitionKeys'])].map((column) => objectAt(column, 'column'));
  return new Map(columns.map((column) => [describeValue(column['Name'] ?? null), describeValue(column['Type'] ?? null)]));
}

/** SQL words of the named queries that are neither columns nor aliases: keywords and types. */
const SQL_WORDS = new Set(
  'select from where and or not in as group by order desc asc limit distinct cross join unnest array ipaddress current_date is null like between true false having on interval'.split(' '),
);

/**
 * Names a query reads that are not columns of the table (a dotted path must lead into struct
 * members), leaving out keywords, functions (a name before "("), aliases (after AS, and the column
 * list of `AS t (a, b)`), lambda parameters (before "->") and the table after FROM.
 */
function unknownNames(sql: string, columns: ReadonlyMap<string, string>): string[] {
  const code = sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
  const tokens = [...code.matchAll(/"[^"]*"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|->|\S/g)].map((match) => match[0]);
  const aliases = new Set<string>();
  tokens.forEach((token, index) => {
    if (tokens[index + 1] === '->') aliases.add(token);
    if (token.toLowerCase() !== 'as') return;
    const alias = tokens[index + 1];
    if (alias !== undefined) aliases.add(alias);
    if (tokens[index + 2] === '(') for (let next = index + 3; tokens[next] !== undefined && tokens[next] !== ')'; next += 1) aliases.add(tokens[next] ?? '');
  });
  const unknown: string[] = [];
  tokens.forEach((token, index) => {
    const name = token.startsWith('"') ? token.slice(1, -1) : token;
    if (!/^[A-Za-z_]/.test(name) || SQL_WORDS.has(name.toLowerCase()) || aliases.has(name) || tokens[index + 1] === '(') return;
    // The table after FROM is checked on its own.
    if (tokens[index - 1]?.toLowerCase() === 'from' || tokens[index - 1] === '.') return;
    const [column = '', ...path] = name.split('.');
    let type = columns.get(column);
    for (const member of path) type = type === undefined ? undefined : structMembers(type)?.get(member);
    if (type === undefined) unknown.push(name);
  });
  return unknown;
}

const withS3 = stacks.filter((stack) => stack.values['DestinationType'] === 'S3');
const ATHENA_RESOURCES = ['FlowLogDatabase', 'FlowLogTable', 'AthenaWorkGroup'];
const [stack] = withS3;

function namedQueries(deployment: ResolvedStack): [string, CfnObject][] {
  return Object.entries(deployment.resources)
    .filter(([, resource]) => resource.Type === 'AWS::Athena::NamedQuery')
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** A named query's SQL as written, before CloudFormation substitutes the database name. */
function sqlOf(query: CfnObject): string {
  const queryString = query['QueryString'];
  const { text } = subParts(isObject(queryString) ? queryString['Fn::Sub'] : undefined);
  if (text === undefined) throw new Error('QueryString is not an Fn::Sub');
  return text;
}

describe('template.yaml Athena table', () => {
  if (stack === undefined) throw new Error('no deployment delivers to S3');

  it('creates the database, table and workgroup exactly when documents go to S3, and the named queries when they go to the stack\'s bucket', () => {
    for (const deployment of stacks) {
      const expected = deployment.values['DestinationType'] === 'S3';
      expect(ATHENA_RESOURCES.map((id) => deployment.resources[id] !== undefined), describeStack(deployment)).toEqual(ATHENA_RESOURCES.map(() => expected));
      // The Security Lake layout leaves the stack's bucket without documents (template-security-lake.test.ts).
      expect(namedQueries(deployment).length > 0, describeStack(deployment)).toBe(expected && deployment.values['S3Layout'] !== 'security-lake');
    }
  });

  it('has one column per field the decorator can emit, of the type its JSON value has', () => {
    // Prepare
    const partitionKeys = asList(tableInput(stack)['PartitionKeys']).map((column) => describeValue(objectAt(column, 'column')['Name'] ?? null));

    // Act
    const columns = [...columnsOf(stack)].filter(([name]) => !partitionKeys.includes(name)).map(([name, type]) => `${name} ${type}`);

    // Assess
    expect(listFieldsComplete).toBe(true);
    expect(columns.sort()).toEqual(expectedColumns().sort());
  });

  it('holds exactly the columns src/athena/glue-columns.ts generates from the catalogue and the document schema (npm run generate:athena rewrites them)', () => {
    const text = readFileSync(new URL('../../template.yaml', import.meta.url), 'utf8');

    expect(withGlueColumns(text, glueColumnLinesFor)).toBe(text);
  });

  it('rewrites a stale column list in place, and only the Glue table\'s', () => {
    // Prepare
    const text = readFileSync(new URL('../../template.yaml', import.meta.url), 'utf8');
    const stale = text.replace("                - { Name: rule_match, Type: string }\n", '');

    // Act
    const rewritten = withGlueColumns(stale, glueColumnLinesFor);

    // Assess
    expect(stale).not.toBe(text);
    expect(rewritten).toBe(text);
  });

  it('reads gzipped JSON lines with the OpenX SerDe, @timestamp through a mapping', () => {
    // Act
    const storage = objectAt(tableInput(stack)['StorageDescriptor'], 'StorageDescriptor');

    // Assess
    expect(tableInput(stack)).toMatchObject({ Name: 'flow_logs', TableType: 'EXTERNAL_TABLE' });
    expect(storage).toMatchObject({
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        Parameters: Object.fromEntries(Object.entries(RENAMED_KEYS).map(([key, column]) => [`mapping.${column}`, key])),
      },
    });
  });

  it('projects year, month and day partitions onto exactly the keys Firehose writes, under the table location', () => {
    // Prepare
    const destination = objectAt(resourceOf(stack, 'DeliveryStream').Properties?.['ExtendedS3DestinationConfiguration'], 'S3 destination');
    const parameters = objectAt(tableInput(stack)['Parameters'], 'table parameters');
    const location = toRuntimeString(objectAt(tableInput(stack)['StorageDescriptor'], 'StorageDescriptor')['Location'] ?? null, stack.values);
    // What Firehose and Athena make of 23 November 2026 (UTC).
    const firehoseKey = describeValue(destination['Prefix'] ?? null)
      .replace('!{timestamp:yyyy}', '2026')
      .replace('!{timestamp:MM}', '11')
      .replace('!{timestamp:dd}', '03');
    const projected = { year: '2026', month: '11', day: '3' };

    // Act
    const template = toRuntimeString(parameters['storage.location.template'] ?? null, stack.values).replaceAll('${!', '${');
    const projectedKey = template.replace(/\$\{(\w+)\}/g, (_match, column: string) => {
      const value = projected[column as keyof typeof projected];
      const digits = Number(parameters[`projection.${column}.digits`] ?? 0);
      return value.padStart(digits, '0');
    });

    // Assess
    expect(projectedKey).toBe(`s3://DeliveryBucket/${firehoseKey}`);
    expect(projectedKey.startsWith(location)).toBe(true);
    expect(parameters).toMatchObject({ 'projection.enabled': 'true', 'projection.year.type': 'integer', 'projection.month.range': '1,12', 'projection.day.range': '1,31' });
    expect(asList(tableInput(stack)['PartitionKeys'])).toEqual([
      { Name: 'year', Type: 'int' },
      { Name: 'month', Type: 'int' },
      { Name: 'day', Type: 'int' },
    ]);
  });

  it('keeps query results encrypted in the stack bucket, away from the documents, and enforces it', () => {
    // Act
    const configuration = objectAt(resourceOf(stack, 'AthenaWorkGroup').Properties?.['WorkGroupConfiguration'], 'WorkGroupConfiguration');
    const results = objectAt(configuration['ResultConfiguration'], 'ResultConfiguration');
    const output = toRuntimeString(results['OutputLocation'] ?? null, stack.values);
    const location = toRuntimeString(objectAt(tableInput(stack)['StorageDescriptor'], 'StorageDescriptor')['Location'] ?? null, stack.values);

    // Assess
    expect(configuration['EnforceWorkGroupConfiguration']).toBe(true);
    expect(results['EncryptionConfiguration']).toEqual({ EncryptionOption: 'SSE_S3' });
    expect(output).toMatch(/^s3:\/\/DeliveryBucket\/[a-z-]+\/$/);
    expect(output.startsWith(location) || location.startsWith(output)).toBe(false);
  });
});

describe('template.yaml Athena named queries', () => {
  if (stack === undefined) throw new Error('no deployment delivers to S3');
  const queries = namedQueries(stack);

  it('has the lab\'s rejected TCP traffic by day, top rejected sources, traffic per security group, sensitive ports from the internet, and rule usage', () => {
    expect(queries.map(([, query]) => query['Name'])).toEqual([
      'Rejected TCP traffic by day',
      'Top rejected sources',
      'Traffic per security group',
      'SSH, RDP and database ports reached from the internet',
      'Hits per rule per day',
      'Last hit per rule',
      'Accepted public flows to administration ports per rule',
    ]);
  });

  it.each(queries)('%s runs in the stack\'s workgroup and database, reads only the flow_logs table and only its columns', (_id, query) => {
    // Prepare
    const sql = sqlOf(query);
    const table = describeValue(tableInput(stack)['Name'] ?? null);

    // Act
    const sources = [...sql.matchAll(/\bFROM\s+(\S+)/gi)].map((match) => match[1]);
    const joined = [...sql.matchAll(/\bJOIN\s+(\w+)/gi)].map((match) => match[1]);

    // Assess
    expect(query['Database']).toEqual({ Ref: 'FlowLogDatabase' });
    expect(query['WorkGroup']).toEqual({ Ref: 'AthenaWorkGroup' });
    expect(sources).toEqual([`"\${FlowLogDatabase}"."${table}"`]);
    expect(joined.every((source) => source === 'UNNEST')).toBe(true);
    expect(unknownNames(sql, columnsOf(stack))).toEqual([]);
    expect(sql).toMatch(/\byear = year\(current_date\) AND month = month\(current_date\)/);
  });

  it('finds names the table does not have, struct members included', () => {
    // Prepare
    const sql = 'SELECT srcaddr, src_geo.country_name, src_geo.planet, dst_port, count(*) AS flows FROM t CROSS JOIN UNNEST(security_group_ids) AS sg (id) WHERE id = \'x\'';

    // Act
    const unknown = unknownNames(sql, columnsOf(stack));

    // Assess
    expect(unknown).toEqual(['src_geo.planet', 'dst_port']);
  });

  it('asks the lab\'s question: rejected TCP flows with the day of the week', () => {
    const [, query] = queries.find(([, candidate]) => candidate['Name'] === 'Rejected TCP traffic by day') ?? [];
    const sql = sqlOf(query ?? {});
    expect(sql).toMatch(/\baction = 'REJECT' AND protocol = 6\b/);
    expect(sql).toMatch(/\bday_of_week\(from_iso8601_timestamp\(event_time\)\)/);
  });

  it('holds exactly the SQL src/athena/named-queries.ts generates, nothing else changed (npm run generate:athena rewrites it)', () => {
    const text = readFileSync(new URL('../../template.yaml', import.meta.url), 'utf8');

    expect(generatedTemplate(text)).toBe(text);
  });

  it('looks for the ports and networks of the OpenSearch view of the same name', () => {
    // Prepare
    const [, query] = queries.find(([, candidate]) => candidate['Name'] === 'SSH, RDP and database ports reached from the internet') ?? [];
    const sql = sqlOf(query ?? {});

    // Act
    const ports = /\bdstport IN \(([^)]*)\)/.exec(sql)?.[1]?.split(',').map((port) => Number(port.trim()));
    const networks = /ARRAY\[([^\]]*)\]/.exec(sql)?.[1]?.split(',').map((network) => network.trim().replace(/^'|'$/g, ''));

    // Assess
    expect(ports).toEqual(EXPOSED_SERVICE_PORTS.map(({ port }) => port));
    expect(networks).toEqual(NON_PUBLIC_SOURCE_CIDRS);
    expect(sql).toMatch(/\baction = 'ACCEPT' AND direction = 'ingress'/);
  });
});
