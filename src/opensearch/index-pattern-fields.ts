import { mappedLeafFields, type FieldMapping, type LeafMappingType } from './field-mappings.js';

/**
 * A field of an index pattern as OpenSearch Dashboards stores it in the saved object's `fields`
 * attribute (the shape its field-capabilities refresh produces).
 */
export interface IndexPatternField {
  readonly name: string;
  /** The Dashboards type: `string`, `number`, `date`, `ip`, `geo_point`, `_source`. */
  readonly type: string;
  readonly esTypes?: readonly string[];
  readonly count: number;
  readonly scripted: boolean;
  readonly searchable: boolean;
  readonly aggregatable: boolean;
  readonly readFromDocValues: boolean;
}

const DASHBOARDS_TYPES: Readonly<Record<LeafMappingType, string>> = {
  keyword: 'string',
  ip: 'ip',
  integer: 'number',
  long: 'number',
  date: 'date',
  geo_point: 'geo_point',
};

/** The metadata fields Dashboards lists by default (`metaFields` setting), as field caps describe them. */
const META_FIELDS: readonly IndexPatternField[] = [
  { name: '_id', type: 'string', esTypes: ['_id'], count: 0, scripted: false, searchable: true, aggregatable: true, readFromDocValues: false },
  { name: '_index', type: 'string', esTypes: ['_index'], count: 0, scripted: false, searchable: true, aggregatable: true, readFromDocValues: false },
  { name: '_score', type: 'number', count: 0, scripted: false, searchable: false, aggregatable: false, readFromDocValues: false },
  { name: '_source', type: '_source', esTypes: ['_source'], count: 0, scripted: false, searchable: false, aggregatable: false, readFromDocValues: false },
];

/**
 * The index pattern's field list, computed from the mapping instead of fetched: the dashboards
 * then work on a domain that has no document yet, and Dashboards does not refresh a list whose
 * fields all carry field-caps flags.
 *
 * @example
 * indexPatternFields(properties).find((field) => field.name === 'srcaddr') // { name: 'srcaddr', type: 'ip', esTypes: ['ip'], ... }
 */
export function indexPatternFields(properties: Readonly<Record<string, FieldMapping>>): IndexPatternField[] {
  const fields = [...mappedLeafFields(properties)].map(
    ([name, mapping]): IndexPatternField => ({
      name,
      type: DASHBOARDS_TYPES[mapping.type],
      esTypes: [mapping.type],
      count: 0,
      scripted: false,
      searchable: true,
      aggregatable: true,
      readFromDocValues: true,
    }),
  );
  return [...META_FIELDS, ...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
