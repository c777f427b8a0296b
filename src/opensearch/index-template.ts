import { fingerprintOf } from './canonical-json.js';
import { INDEX_TEMPLATE_PRIORITY, MANAGED_BY } from './constants.js';
import { ecsMappingProperties } from './ecs-mappings.js';
import { flowLogMappingProperties, KEYWORD_IGNORE_ABOVE, type FieldMapping } from './field-mappings.js';

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
  /** The schema the stack writes (OUTPUT_SCHEMA): native (default) or ecs; OCSF goes to S3 and Security Lake. */
  readonly schema?: 'native' | 'ecs';
}

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
        properties: options.schema === 'ecs' ? ecsMappingProperties() : flowLogMappingProperties(),
      },
    },
    _meta: {
      managed_by: MANAGED_BY,
      description:
        options.schema === 'ecs'
          ? 'Enriched VPC Flow Logs documents in ECS, one per flow. Generated from the ECS mapping of the decorator; re-run `opensearch setup --schema ecs` to update.'
          : 'Enriched VPC Flow Logs documents, one per flow. Generated from the flow-log field catalogue; re-run `opensearch setup` to update.',
    },
  };
  return { ...content, _meta: { ...content._meta, fingerprint: fingerprintOf(content) } };
}
