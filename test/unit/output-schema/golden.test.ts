import { describe, expect, it } from 'vitest';
import { createSchemaSerializer, OUTPUT_SCHEMAS, type OutputSchema } from '../../../src/output-schema/output-schema.js';
import { CATALOGUE_VERSIONS, enrichedCases } from '../../support/output-schema-cases.js';

/**
 * The documents of a schema for the cases of a version. Native: the exact bytes the decorator
 * writes, one document a line, so a change of a single byte shows. ECS and OCSF: pretty-printed for review.
 */
function goldenText(schema: OutputSchema, version: number): string {
  const serializer = createSchemaSerializer(schema);
  const lines = enrichedCases(version).map((entry) => serializer.serialize(entry.document, entry.enrichment));
  if (schema === 'native') return `${lines.join('\n')}\n`;
  return `${JSON.stringify(lines.map((line) => JSON.parse(line) as unknown), null, 2)}\n`;
}

describe('output schema golden documents', () => {
  for (const schema of OUTPUT_SCHEMAS) {
    for (const version of CATALOGUE_VERSIONS) {
      it(`writes the ${schema} documents of a version ${version} format as reviewed`, async () => {
        await expect(goldenText(schema, version)).toMatchFileSnapshot(`./golden/${schema}/v${version}.${schema === 'native' ? 'ndjson' : 'json'}`);
      });
    }
  }

});
