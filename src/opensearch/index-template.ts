import { fingerprintOf } from './canonical-json.js';
import { INDEX_TEMPLATE_PRIORITY, MANAGED_BY } from './constants.js';
import { OutputSchema } from '../output-schema/output-schema.js';
import { ecsMappingProperties } from './ecs-mappings.js';
import { flowLogMappingProperties, KEYWORD_IGNORE_ABOVE, type FieldMapping } from './field-mappings.js';
import { ocsfMappingProperties } from './ocsf-mappings.js';

/** The body of `PUT _index_template/<name>` (a composable index template). */
export interface IndexTemplate {
  readonly index_patterns: readonly string[];
  readonly priority: number;
  readonly template: {
    readonly mappings: {
      readonly dynamic_templates: readonly Readonly<Record<string, unknown>>[];
      readonly date_detection: boolean;
      readonly properties: Readonly<Record<string, FieldMapping>>;
    };
  };
  readonly _meta: {
    readonly managed_by: string;
    readonly description: string;
    /** Digest of everything else in the body; a later run compares it to decide whether to PUT again. */
    readonly fingerprint: string;
  };
}

export interface IndexTemplateOptions {
  readonly indexPattern: string;
  /** The schema the stack writes (OUTPUT_SCHEMA): native (default), ecs or ocsf. */
  readonly schema?: OutputSchema;
}

/**
 * The `properties` of the index mapping of a schema's documents: the flow-log catalogue's for
 * native, ecs-mappings.ts and ocsf-mappings.ts for the others. The index template, the index
 * pattern's field list and the dashboards' field checks all read it.
 *
 * @example schemaMappingProperties('ocsf').time // { type: 'date', format: 'epoch_millis' }
 */
export function schemaMappingProperties(schema: OutputSchema): Readonly<Record<string, FieldMapping>> {
  switch (schema) {
    case OutputSchema.Native:
      return flowLogMappingProperties();
    case OutputSchema.Ecs:
      return ecsMappingProperties();
    case OutputSchema.Ocsf:
      return ocsfMappingProperties();
  }
}

const DESCRIPTIONS: Readonly<Record<OutputSchema, string>> = {
  native: 'Enriched VPC Flow Logs documents, one per flow. Generated from the flow-log field catalogue; re-run `opensearch setup` to update.',
  ecs: 'Enriched VPC Flow Logs documents in ECS, one per flow. Generated from the ECS mapping of the decorator; re-run `opensearch setup --schema ecs` to update.',
  ocsf: 'Enriched VPC Flow Logs documents as OCSF 1.1.0 Network Activity, one per flow. Generated from the OCSF mapping of the decorator; re-run `opensearch setup --schema ocsf` to update.',
};

/**
 * The index template for the decorator's documents, generated from the field catalogue and the
 * enrichment fields (see field-mappings.ts). A field nobody mapped yet (a flow-log field newer than
 * the catalogue) becomes a keyword through the dynamic template rather than `text`, and string
 * values are never guessed to be dates, so a new field is aggregatable from its first document.
 *
 * @example
 * const body = buildIndexTemplate({ indexPattern: 'cwl-*' });
 * body.template.mappings.properties.dstaddr // { type: 'ip' }
 */
export function buildIndexTemplate(options: IndexTemplateOptions): IndexTemplate {
  const schema = options.schema ?? OutputSchema.Native;
  const content = {
    index_patterns: [options.indexPattern],
    priority: INDEX_TEMPLATE_PRIORITY,
    template: {
      mappings: {
        dynamic_templates: [
          {
            unknown_strings_as_keyword: {
              match_mapping_type: 'string',
              mapping: { type: 'keyword', ignore_above: KEYWORD_IGNORE_ABOVE },
            },
          },
        ],
        date_detection: false,
        properties: schemaMappingProperties(schema),
      },
    },
    _meta: {
      managed_by: MANAGED_BY,
      description: DESCRIPTIONS[schema],
    },
  };
  return { ...content, _meta: { ...content._meta, fingerprint: fingerprintOf(content) } };
}
