import { isRuleMatch } from '../domain/index.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { ReportFlow } from './security-group-report.js';

/** A sanitised document: the report's fields and those attribution reads. */
export type ReportDocument = ReportFlow & FlowLogDocument;

// Beyond what the report reads: what attribution needs, for documents enriched without it.
const STRING_FIELDS = ['action', 'srcaddr', 'dstaddr', 'pkt_srcaddr', 'pkt_dstaddr', 'interface_id', 'flow_direction', 'account_id', 'log_status'] as const;
const NUMBER_FIELDS = ['dstport', 'srcport', 'tcp_flags', 'protocol', 'bytes', 'packets', 'start', 'end', 'version'] as const;
const LIST_FIELDS = ['security_group_ids', 'security_group_names', 'security_group_rule_ids'] as const;

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
  for (const field of LIST_FIELDS) {
    const value = document[field];
    if (Array.isArray(value)) flow[field] = value.filter((item): item is string => typeof item === 'string');
  }
  if (document.direction === 'ingress' || document.direction === 'egress') flow.direction = document.direction;
  if (isRuleMatch(document.rule_match)) flow.rule_match = document.rule_match;
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
