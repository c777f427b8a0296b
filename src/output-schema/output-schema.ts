import { applyFlowEnrichment, type EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import { createEnrichedFlowLogSerializer, serializerWriting, type EnrichedFlowLogSerializer } from '../enrich/serialize-enriched-flow-log.js';
import { toEcsDocument } from './ecs-mapping.js';
import { toOcsfDocument } from './ocsf-mapping.js';

/** The schemas the decorator and `enrich` write documents in. */
export const OutputSchema = {
  /** Flow-log field names plus ours: today's documents, byte for byte. */
  Native: 'native',
  /** Elastic Common Schema, as Elastic's VPC flow-log integration writes it. */
  Ecs: 'ecs',
  /** OCSF 1.1.0 Network Activity, as Amazon Security Lake reads it. */
  Ocsf: 'ocsf',
} as const;
export type OutputSchema = (typeof OutputSchema)[keyof typeof OutputSchema];
export const OUTPUT_SCHEMAS: readonly OutputSchema[] = Object.values(OutputSchema);

/** Whether a text names an output schema. */
export function isOutputSchema(text: string): text is OutputSchema {
  return (OUTPUT_SCHEMAS as readonly string[]).includes(text);
}

/**
 * An enriched document in a schema: itself for native, its ECS or OCSF mapping otherwise.
 *
 * @example toSchemaDocument('ecs', enriched).source.ip === enriched.srcaddr // true
 */
export function toSchemaDocument(schema: OutputSchema, document: EnrichedFlowLog): unknown {
  if (schema === OutputSchema.Ecs) return toEcsDocument(document);
  if (schema === OutputSchema.Ocsf) return toOcsfDocument(document);
  return document;
}

/**
 * The serializer of a batch's documents in a schema. Native is the byte-splicing fast path of
 * serialize-enriched-flow-log.ts; ECS and OCSF apply the enrichment to a copy of the document and
 * write its mapping: a mapped document shares no bytes with the record's own JSON to splice.
 *
 * @example
 * const serializer = createSchemaSerializer('ocsf');
 * serializer.serialize(document, enrichment); // '{"src_endpoint":{...},...,"class_uid":4001,...}'
 */
export function createSchemaSerializer(schema: OutputSchema): EnrichedFlowLogSerializer {
  if (schema === OutputSchema.Native) return createEnrichedFlowLogSerializer();
  const write: EnrichedFlowLogSerializer['write'] = (output, document, enrichment) => {
    output.text(JSON.stringify(toSchemaDocument(schema, applyFlowEnrichment({ ...document }, enrichment))));
  };
  return serializerWriting(write);
}
