import { AppenderError } from '../errors.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { FlowDirection } from '../domain/flow-direction.js';
import type { RuleMatch } from '../domain/rule-match.js';
import type { GeoLocation, SecurityGroupRule } from '../ports.js';
import type { NetworkInterfaceFields } from './network-interface-fields.js';
import {
  ENRICHED_DOCUMENT_FIELDS,
  EnrichmentSlot,
  enrichmentValueOf,
  type EnrichedDocumentField,
} from './enriched-document-schema.js';

export { ENRICHMENT_ONLY_KEYS, EnrichmentSlot, SHEDDABLE_FIELDS } from './enriched-document-schema.js';

/** Keywords for what enrichment could not add to a document. */
export const EnrichmentIssue = {
  /** EC2 does not know the record's network interface (deleted since, or another account's). */
  EniNotFound: 'eni_not_found',
  /** EC2 was throttled or unreachable after the SDK's retries. */
  EniLookupFailed: 'eni_lookup_failed',
  /** No credentials for the record's account: its look-up role could not be assumed or the account is not allowed (issue 17). */
  AccountRoleFailed: 'account_role_failed',
  /** The rules of the interface's security groups could not be read. */
  RulesLookupFailed: 'sg_rules_lookup_failed',
  /** A rule's prefix list or referenced group could not be read: the rule attribution may miss that rule. */
  RulePeerLookupFailed: 'sg_rule_peer_lookup_failed',
  /** The geolocation provider failed for an address of the record. */
  GeoFailed: 'geo_failed',
  /** The geolocation provider's quota is used up. */
  GeoQuotaExceeded: 'geo_quota_exceeded',
  /** Optional enrichment was left out to keep the response under Lambda's 6 MB limit. */
  SizeBudget: 'size_budget',
} as const;
export type EnrichmentIssue = (typeof EnrichmentIssue)[keyof typeof EnrichmentIssue];

/** The fields enrichment adds to a flow-log document. Each is absent when unknown. */
export interface EnrichmentFields {
  security_group_ids?: readonly string[];
  security_group_names?: readonly string[];
  interface_type?: string;
  /** `ingress` or `egress` relative to the record's network interface. */
  direction?: FlowDirection;
  /** The rules of the interface's groups that apply to the record's direction (opt-in). */
  security_group_rules?: readonly SecurityGroupRule[];
  /** Every current rule that allows the flow (ACCEPT) or would allow it (REJECT); see src/analysis/attribute-flow.ts. */
  security_group_rule_ids?: readonly string[];
  /** What the current rules say of the flow: `matched`, `return_traffic`, `unmatched`, `would_allow` or `no_rule`. */
  rule_match?: RuleMatch;
  src_geo?: GeoLocation;
  dst_geo?: GeoLocation;
  enrichment_issues?: EnrichmentIssue[];
}

/** A flow-log document with its enrichment: what the decorator emits, one per flow. */
export type EnrichedFlowLog = FlowLogDocument & EnrichmentFields;

/** Adds an issue keyword once. */
export function addEnrichmentIssue(document: EnrichedFlowLog, issue: EnrichmentIssue): void {
  const issues = document.enrichment_issues;
  if (issues === undefined) {
    document.enrichment_issues = [issue];
  } else if (!issues.includes(issue)) {
    issues.push(issue);
  }
}

/**
 * The enrichment of one document, kept apart from it. Most of it is shared: every record of an
 * interface points at the same interface fields, rules and rule ids, every record of an address at
 * the same geolocation, so the decorator serializes each of those once per batch
 * (serialize-enriched-flow-log.ts). applyFlowEnrichment turns it into the plain EnrichedFlowLog.
 * Every property is always present (undefined when unknown): one object shape for all of them.
 */
export interface FlowEnrichment {
  interfaceFields: NetworkInterfaceFields | undefined;
  direction: FlowDirection | undefined;
  securityGroupRules: readonly SecurityGroupRule[] | undefined;
  ruleIds: readonly string[] | undefined;
  ruleMatch: RuleMatch | undefined;
  srcGeo: GeoLocation | undefined;
  dstGeo: GeoLocation | undefined;
  issues: EnrichmentIssue[] | undefined;
  /** The slot `enrichment_issues` goes before; meaningful only when there are issues. */
  issuesAt: EnrichmentSlot;
}

/** A FlowEnrichment that adds nothing. */
export function emptyFlowEnrichment(): FlowEnrichment {
  return {
    interfaceFields: undefined,
    direction: undefined,
    securityGroupRules: undefined,
    ruleIds: undefined,
    ruleMatch: undefined,
    srcGeo: undefined,
    dstGeo: undefined,
    issues: undefined,
    issuesAt: EnrichmentSlot.End,
  };
}

/** Notes an issue once; `at` is the slot enrichment has reached, where the field would be added. */
export function addFlowEnrichmentIssue(enrichment: FlowEnrichment, issue: EnrichmentIssue, at: EnrichmentSlot): void {
  const issues = enrichment.issues;
  if (issues === undefined) {
    enrichment.issues = [issue];
    enrichment.issuesAt = at;
  } else if (!issues.includes(issue)) {
    issues.push(issue);
  }
}

/** The schema's fields of each slot, enrichment_issues left out (FlowEnrichment.issuesAt places it). */
const FIELDS_BY_SLOT: readonly (readonly EnrichedDocumentField[])[] = Object.values(EnrichmentSlot).map((slot) =>
  ENRICHED_DOCUMENT_FIELDS.filter((entry) => entry.slot === slot && entry.key !== 'enrichment_issues'),
);

/**
 * Writes an enrichment into its document, the generic way: the fields of ENRICHED_DOCUMENT_FIELDS
 * in schema order, `enrichment_issues` before the slot FlowEnrichment.issuesAt names, each field
 * written when the enrichment has a value for it. A field the document already has keeps its place
 * and takes the new value. The decorator's serializer is the fast path of the same document.
 *
 * @example
 * const document = applyFlowEnrichment(parsedDocument, enrichment);
 * JSON.stringify(document) === serializer.serialize(parsedDocument, enrichment); // true
 */
export function applyFlowEnrichment(document: FlowLogDocument, enrichment: FlowEnrichment): EnrichedFlowLog {
  const enriched = document as EnrichedFlowLog;
  const target = enriched as Record<string, unknown>;
  const { issues, issuesAt } = enrichment;
  FIELDS_BY_SLOT.forEach((fields, slot) => {
    if (issues !== undefined && issuesAt === slot) for (const issue of issues) addEnrichmentIssue(enriched, issue);
    for (const entry of fields) {
      const value = enrichmentValueOf(enrichment, entry.source);
      if (value !== undefined) target[entry.key] = value;
    }
  });
  return enriched;
}

const SHEDDABLE_SOURCES = ENRICHED_DOCUMENT_FIELDS.filter((entry) => entry.sheddable).map((entry) => {
  const { source } = entry;
  if (source.property === 'interfaceFields' || source.property === 'issues') throw new AppenderError(`${entry.key} cannot be shed alone`);
  return source.property;
});

/** Whether an enrichment holds optional fields that a response over budget sheds (SHEDDABLE_FIELDS). */
export function hasSheddableEnrichment(enrichment: FlowEnrichment): boolean {
  return SHEDDABLE_SOURCES.some((property) => enrichment[property] !== undefined);
}

/** Drops the optional fields of SHEDDABLE_FIELDS and says so with `size_budget`. */
export function shedFlowEnrichment(enrichment: FlowEnrichment): void {
  if (!hasSheddableEnrichment(enrichment)) return;
  for (const property of SHEDDABLE_SOURCES) enrichment[property] = undefined;
  addFlowEnrichmentIssue(enrichment, EnrichmentIssue.SizeBudget, EnrichmentSlot.End);
}

/**
 * Keys enrichment adds that a parsed document never has (ENRICHMENT_ONLY_KEYS). A document that
 * has one anyway (a custom field by that name, or a document enriched before) gets its enrichment
 * applied in place rather than spliced, so the key keeps its place.
 *
 * Spelled out rather than looped over ENRICHMENT_ONLY_KEYS: the decorator asks this of every
 * document, and `'literal' in document` is a cached property check where a loop's `key in
 * document` is a generic look-up per key (3% of the decorator's warm time). A unit test holds the
 * list to ENRICHMENT_ONLY_KEYS (test/unit/enrich/has-enrichment-keys.test.ts).
 */
export function hasEnrichmentKeys(document: FlowLogDocument): boolean {
  return (
    'security_group_ids' in document ||
    'security_group_names' in document ||
    'direction' in document ||
    'security_group_rules' in document ||
    'security_group_rule_ids' in document ||
    'rule_match' in document ||
    'src_geo' in document ||
    'dst_geo' in document ||
    'enrichment_issues' in document
  );
}
