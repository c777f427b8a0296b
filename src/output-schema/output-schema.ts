import { applyFlowEnrichment, type EnrichedFlowLog } from '../enrich/enriched-flow-log.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import { createEnrichedFlowLogSerializer, serializerWriting, type EnrichedFlowLogSerializer } from '../enrich/serialize-enriched-flow-log.js';
import { ECS_MAPPING, toEcsDocument } from './ecs-mapping.js';
import { createMappedJsonWriter } from './mapped-json-writer.js';
import { OCSF_MAPPING, toOcsfDocument } from './ocsf-mapping.js';

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
 * serialize-enriched-flow-log.ts. ECS and OCSF apply the enrichment to a copy of the document and
 * write its mapping's JSON straight away (mapped-json-writer.ts), the text of
 * JSON.stringify(toSchemaDocument(...)) without building the mapped document: a mapped document
 * shares no bytes with the record's own JSON to splice.
 *
 * @example
 * const serializer = createSchemaSerializer('ocsf');
 * serializer.serialize(document, enrichment); // '{"src_endpoint":{...},...,"class_uid":4001,...}'
 */
export function createSchemaSerializer(schema: OutputSchema): EnrichedFlowLogSerializer {
  if (schema === OutputSchema.Native) return createEnrichedFlowLogSerializer();
  const writer = createMappedJsonWriter(schema === OutputSchema.Ecs ? ECS_MAPPING : OCSF_MAPPING);
  const write: EnrichedFlowLogSerializer['write'] = (output, document, enrichment) => {
    const enriched = applyFlowEnrichment(copyOf(document), enrichment);
    output.text(writer.write(enriched) ?? JSON.stringify(toSchemaDocument(schema, enriched)));
  };
  return serializerWriting(write);
}

/**
 * A shallow copy of a document, the same as `{ ...document }`. Spread copies of the parser's
 * documents do not share V8's hidden classes, so each field enrichment then adds makes new ones:
 * applyFlowEnrichment took ten times as long on them (28 against 2.7 microseconds a record).
 * Object.assign sets keys where spread defines them, which differs only for an own `__proto__`.
 */
function copyOf(document: FlowLogDocument): FlowLogDocument {
  return Object.hasOwn(document, '__proto__') ? { ...document } : Object.assign({}, document);
}
