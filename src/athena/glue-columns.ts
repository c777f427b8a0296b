import { publishedEnrichmentFields, type ValueType } from '../enrich/enriched-document-schema.js';
import { FieldType, FLOW_LOG_FIELDS, type FlowLogFieldDefinition } from '../flow-log/field-catalogue.js';

/** A column of the Glue table over the delivered documents (template.yaml, `FlowLogTable`). */
export interface GlueColumn {
  readonly name: string;
  /** A Hive type: `string`, `int`, `array<string>`, `struct<...>`. */
  readonly type: string;
}

/**
 * Integer fields that pass 2^31: `bytes` and `packets` of one interval on a busy interface, and
 * the epoch seconds of `start` and `end` kept as numbers (the OpenSearch mapping's long and
 * epoch_second dates; test/template/template-athena.test.ts checks the two agree).
 */
const BIGINT_FIELDS: ReadonlySet<string> = new Set(['packets', 'bytes', 'start', 'end']);

/** Fields the parser derives, as columns: `@timestamp` is no valid column name, and the SerDe maps event_time to it. */
const DERIVED_COLUMNS: readonly GlueColumn[] = [
  { name: 'event_time', type: 'string' },
  { name: 'protocol_name', type: 'string' },
];

function catalogueColumnType(field: FlowLogFieldDefinition): string {
  switch (field.type) {
    case FieldType.Address:
    case FieldType.String:
      return 'string';
    case FieldType.Integer:
      return BIGINT_FIELDS.has(field.key) ? 'bigint' : 'int';
  }
}

/** The Hive type of a value of the document schema's type, as the decorator writes it in JSON. */
export function hiveType(type: ValueType): string {
  switch (type.kind) {
    case 'keyword':
      return 'string';
    case 'integer':
      return 'int';
    case 'geo_point':
      return 'struct<lat:double,lon:double>';
    case 'list':
      return `array<${hiveType(type.of)}>`;
    case 'object':
      return `struct<${Object.entries(type.properties).map(([key, child]) => `${key}:${hiveType(child)}`).join(',')}>`;
  }
}

/**
 * The table's columns (partition keys apart): every catalogue field, the derived fields, then the
 * enrichment fields of src/enrich/enriched-document-schema.ts in its published order (a field
 * that is also a catalogue field keeps the catalogue's column).
 *
 * @example glueColumns().find((column) => column.name === 'src_geo')?.type // 'struct<country_code:string,...>'
 */
export function glueColumns(): readonly GlueColumn[] {
  const catalogued = FLOW_LOG_FIELDS.map((field) => ({ name: field.key, type: catalogueColumnType(field) }));
  const keys = new Set(catalogued.map((column) => column.name));
  const enrichment = publishedEnrichmentFields()
    .filter((entry) => !keys.has(entry.key))
    .map((entry) => ({ name: entry.key, type: hiveType(entry.type) }));
  return [...catalogued, ...DERIVED_COLUMNS, ...enrichment];
}

/** The columns as the template's flow-style YAML lines, without indentation; a type with more than letters is quoted. */
export function glueColumnLines(): string[] {
  return glueColumns().map(({ name, type }) => `- { Name: ${name}, Type: ${/^[a-z]+$/.test(type) ? type : `'${type}'`} }`);
}
