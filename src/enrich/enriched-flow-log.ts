import { FLOW_LOG_FIELDS } from '../flow-log/field-catalogue.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { FlowDirection } from '../domain/flow-direction.js';
import type { RuleMatch } from '../domain/rule-match.js';
import type { GeoLocation, SecurityGroupRule } from '../ports.js';
import type { NetworkInterfaceFields } from './network-interface-fields.js';

/** Keywords for what enrichment could not add to a document. */
export const EnrichmentIssue = {
  /** EC2 does not know the record's network interface (deleted since, or another account's). */
  EniNotFound: 'eni_not_found',
  /** EC2 was throttled or unreachable after the SDK's retries. */
  EniLookupFailed: 'eni_lookup_failed',
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

/** One entry per field of EnrichmentFields: the type check fails when the two drift apart. */
const ENRICHMENT_FIELD_NAMES = {
  security_group_ids: true,
  security_group_names: true,
  interface_type: true,
  direction: true,
  security_group_rules: true,
  security_group_rule_ids: true,
  rule_match: true,
  src_geo: true,
  dst_geo: true,
  enrichment_issues: true,
} as const satisfies Record<keyof EnrichmentFields, true>;

/**
 * The document keys only enrichment may write: every field of EnrichmentFields that is not also a
 * flow-log field (`interface_type` is both, and a record's own value is kept). A header line
 * naming one of these is refused, so no record can pass off its own `enrichment_issues` or
 * `rule_match` as ours, nor make enrichment write into a value of the wrong type.
 */
export const ENRICHMENT_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(ENRICHMENT_FIELD_NAMES).filter((key) => !FLOW_LOG_FIELDS.some((field) => field.key === key)),
);

/** A flow-log document with its enrichment: what the decorator emits, one per flow. */
export type EnrichedFlowLog = FlowLogDocument & EnrichmentFields;

/** Optional fields, dropped first when a response would pass its size budget. */
export const SHEDDABLE_FIELDS = ['security_group_rules', 'src_geo', 'dst_geo'] as const satisfies readonly (keyof EnrichmentFields)[];

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
 * Where each enrichment field goes in a document, in the order enrichment adds them. A document
 * built field by field has its keys in this order, with `enrichment_issues` wherever the first
 * issue was noted; FlowEnrichment.issuesAt records that place so every rendering keeps it.
 */
export const EnrichmentSlot = {
  InterfaceFields: 0,
  Direction: 1,
  SecurityGroupRules: 2,
  RuleIds: 3,
  RuleMatch: 4,
  SrcGeo: 5,
  DstGeo: 6,
  End: 7,
} as const;
export type EnrichmentSlot = (typeof EnrichmentSlot)[keyof typeof EnrichmentSlot];

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

/**
 * Writes an enrichment into its document: the plain EnrichedFlowLog, keys in the order enrichment
 * adds them. A field the document already has keeps its place and takes the new value.
 *
 * @example
 * const document = applyFlowEnrichment(parsedDocument, enrichment);
 * JSON.stringify(document) === serializer.serialize(parsedDocument, enrichment); // true
 */
export function applyFlowEnrichment(document: FlowLogDocument, enrichment: FlowEnrichment): EnrichedFlowLog {
  const enriched = document as EnrichedFlowLog;
  const { issues, issuesAt } = enrichment;
  const applyIssues = (slot: EnrichmentSlot): void => {
    if (issues !== undefined && issuesAt === slot) for (const issue of issues) addEnrichmentIssue(enriched, issue);
  };
  applyIssues(EnrichmentSlot.InterfaceFields);
  const fields = enrichment.interfaceFields;
  if (fields !== undefined) {
    enriched.security_group_ids = fields.security_group_ids;
    enriched.security_group_names = fields.security_group_names;
    if (fields.interface_type !== undefined) enriched.interface_type = fields.interface_type;
    if (fields.vpc_id !== undefined) enriched.vpc_id = fields.vpc_id;
    if (fields.subnet_id !== undefined) enriched.subnet_id = fields.subnet_id;
    if (fields.instance_id !== undefined) enriched.instance_id = fields.instance_id;
  }
  applyIssues(EnrichmentSlot.Direction);
  if (enrichment.direction !== undefined) enriched.direction = enrichment.direction;
  applyIssues(EnrichmentSlot.SecurityGroupRules);
  if (enrichment.securityGroupRules !== undefined) enriched.security_group_rules = enrichment.securityGroupRules;
  applyIssues(EnrichmentSlot.RuleIds);
  if (enrichment.ruleIds !== undefined) enriched.security_group_rule_ids = enrichment.ruleIds;
  applyIssues(EnrichmentSlot.RuleMatch);
  if (enrichment.ruleMatch !== undefined) enriched.rule_match = enrichment.ruleMatch;
  applyIssues(EnrichmentSlot.SrcGeo);
  if (enrichment.srcGeo !== undefined) enriched.src_geo = enrichment.srcGeo;
  applyIssues(EnrichmentSlot.DstGeo);
  if (enrichment.dstGeo !== undefined) enriched.dst_geo = enrichment.dstGeo;
  applyIssues(EnrichmentSlot.End);
  return enriched;
}

/** Whether an enrichment holds optional fields that a response over budget sheds (SHEDDABLE_FIELDS). */
export function hasSheddableEnrichment(enrichment: FlowEnrichment): boolean {
  return enrichment.securityGroupRules !== undefined || enrichment.srcGeo !== undefined || enrichment.dstGeo !== undefined;
}

/** Drops the optional fields of SHEDDABLE_FIELDS and says so with `size_budget`. */
export function shedFlowEnrichment(enrichment: FlowEnrichment): void {
  if (!hasSheddableEnrichment(enrichment)) return;
  enrichment.securityGroupRules = undefined;
  enrichment.srcGeo = undefined;
  enrichment.dstGeo = undefined;
  addFlowEnrichmentIssue(enrichment, EnrichmentIssue.SizeBudget, EnrichmentSlot.End);
}

/**
 * Keys enrichment adds that a parsed document never has. A document that has one anyway (a
 * custom field by that name, or a document enriched before) gets its enrichment applied in place
 * rather than spliced, so the key keeps its place.
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
