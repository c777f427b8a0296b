// What OpenSearch indexes of a document: its own fields plus what the mapping's copy_to fields
// gather (the OCSF template's unmapped.interface_id and unmapped.security_group_rule_ids), for a
// test that answers a view's question in plain code. Pure: the unit tier uses it too.
import { mappedLeafFields, type FieldMapping } from '../../../src/opensearch/field-mappings.js';
import { fieldValues, type FlowDocument } from '../support/dashboards-queries.js';

/**
 * The document with each copy_to target holding its own values and those of its sources.
 *
 * @example asIndexed({ firewall_rule: { uid: 'sgr-1' } }, schemaMappingProperties('ocsf')).unmapped // { security_group_rule_ids: ['sgr-1'], interface_id: [] }
 */
export function asIndexed(document: FlowDocument, properties: Readonly<Record<string, FieldMapping>>): FlowDocument {
  const gathered = new Map<string, unknown[]>();
  for (const [path, mapping] of mappedLeafFields(properties)) {
    if (mapping.type !== 'keyword' || mapping.copy_to === undefined) continue;
    gathered.set(mapping.copy_to, [...(gathered.get(mapping.copy_to) ?? []), ...fieldValues(document, path)]);
  }
  if (gathered.size === 0) return document;
  const copy = structuredClone(document) as Record<string, unknown>;
  for (const [target, values] of gathered) {
    const path = target.split('.');
    let node = copy;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path.at(-1) as string] = [...fieldValues(copy, target), ...values];
  }
  return copy;
}
