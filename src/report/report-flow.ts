import { ENRICHED_DOCUMENT_FIELD_BY_KEY, type EnrichedDocumentKey, type ValueType } from '../enrich/enriched-document-schema.js';
import { AppenderError } from '../errors.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { ReportFlow } from './security-group-report.js';

/** A sanitised document: the report's fields and those attribution reads. */
export type ReportDocument = ReportFlow & FlowLogDocument;

// Beyond what the report reads: what attribution needs, for documents enriched without it.
const STRING_FIELDS = ['action', 'srcaddr', 'dstaddr', 'pkt_srcaddr', 'pkt_dstaddr', 'interface_id', 'flow_direction', 'account_id', 'log_status'] as const;
const NUMBER_FIELDS = ['dstport', 'srcport', 'tcp_flags', 'protocol', 'bytes', 'packets', 'start', 'end', 'version'] as const;
/** The enrichment fields the report reads, each checked against its type in the document schema. */
const ENRICHMENT_FIELDS = ['security_group_ids', 'security_group_names', 'security_group_rule_ids', 'direction', 'rule_match'] as const satisfies readonly EnrichedDocumentKey[];
const ENRICHMENT_FIELD_TYPES = ENRICHMENT_FIELDS.map((key) => {
  const entry = ENRICHED_DOCUMENT_FIELD_BY_KEY.get(key);
  if (entry === undefined) throw new AppenderError(`${key} is not in the enriched document's schema`);
  return [key, entry.type] as const;
});

/**
 * What is kept of an untrusted value of a schema type the report reads: a keyword when it is a
 * string (one of its values, when they are listed), a list of keywords with its strings only.
 * Undefined when nothing is kept.
 */
function keywordValue(value: unknown, type: ValueType): unknown {
  if (type.kind === 'keyword') return typeof value === 'string' && (type.values === undefined || type.values.includes(value)) ? value : undefined;
  if (type.kind === 'list' && type.of.kind === 'keyword' && Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}

/**
 * The report's fields of an already-enriched JSON document (one NDJSON line), each kept only when
 * it has the type the decorator writes: such lines are untrusted, and a wrong type must cost the
 * field, never the run.
 *
 * @example toReportFlow({ action: 'REJECT', srcaddr: '192.0.2.7', bytes: '40' }) // { action: 'REJECT', srcaddr: '192.0.2.7' }
 */
export function toReportFlow(document: Readonly<Record<string, unknown>>): ReportDocument {
  const flow: Record<string, unknown> = {};
  for (const field of STRING_FIELDS) if (typeof document[field] === 'string') flow[field] = document[field];
  for (const field of NUMBER_FIELDS) if (typeof document[field] === 'number' && Number.isFinite(document[field])) flow[field] = document[field];
  for (const [key, type] of ENRICHMENT_FIELD_TYPES) {
    const value = keywordValue(document[key], type);
    if (value !== undefined) flow[key] = value;
  }
  return flow;
}

/**
 * Whether a JSON line is an enriched document rather than a raw record in its Firehose wrapper
 * (`{"message": "..."}`, which the flow-log parser unwraps).
 *
 * @example isEnrichedDocument({ message: '2 123456789012 eni-...' }) // false
 */
export function isEnrichedDocument(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !('message' in value && typeof (value).message === 'string');
}
