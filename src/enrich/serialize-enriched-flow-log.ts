import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { GeoLocation, SecurityGroupRule } from '../ports.js';
import { applyFlowEnrichment, EnrichmentSlot, hasEnrichmentKeys, type FlowEnrichment } from './enriched-flow-log.js';
import type { NetworkInterfaceFields } from './network-interface-fields.js';

/** Turns a parsed document and its enrichment into the JSON text of the enriched document. */
export interface EnrichedFlowLogSerializer {
  /**
   * The text `JSON.stringify(applyFlowEnrichment(document, enrichment))` would give, same keys in
   * the same order, without changing `document`.
   */
  serialize(document: FlowLogDocument, enrichment: FlowEnrichment): string;
}

const DIRECTION_FRAGMENTS = { ingress: ',"direction":"ingress"', egress: ',"direction":"egress"' } as const;

/**
 * A serializer for one batch. Enriched documents are about two and a half times their line, and
 * most of what enrichment adds is shared: the interface fields by every record of an interface,
 * rule ids by every record a rule answers, a geolocation by every record of an address. Each of
 * those is serialized once, on first use, and spliced after `JSON.stringify` of the record's own
 * fields, which is what the per-record cost is then made of. Shared objects are remembered by
 * identity, so the serializer must not outlive the batch whose objects it has seen (they are
 * never changed during a batch).
 *
 * @example
 * const serializer = createEnrichedFlowLogSerializer();
 * const enrichments = await computeFlowEnrichments(documents, sources);
 * const lines = documents.map((document, index) => serializer.serialize(document, enrichments[index]));
 */
export function createEnrichedFlowLogSerializer(): EnrichedFlowLogSerializer {
  const interfaceFragments = new WeakMap<NetworkInterfaceFields, string>();
  const rulesFragments = new WeakMap<readonly SecurityGroupRule[], string>();
  const ruleIdsFragments = new WeakMap<readonly string[], string>();
  const srcGeoFragments = new WeakMap<GeoLocation, string>();
  const dstGeoFragments = new WeakMap<GeoLocation, string>();
  const ruleMatchFragments = new Map<string, string>();

  const remembered = <K extends object>(cache: WeakMap<K, string>, value: K, render: (value: K) => string): string => {
    let fragment = cache.get(value);
    if (fragment === undefined) {
      fragment = render(value);
      cache.set(value, fragment);
    }
    return fragment;
  };
  const field = (key: string) => (value: unknown) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const rulesFragment = field('security_group_rules');
  const ruleIdsFragment = field('security_group_rule_ids');
  const srcGeoFragment = field('src_geo');
  const dstGeoFragment = field('dst_geo');
  const ruleMatchFragment = field('rule_match');

  /** The enrichment as `,"key":value` pairs, in the order applyFlowEnrichment writes them. */
  const tailOf = (enrichment: FlowEnrichment): string => {
    const { issues, issuesAt } = enrichment;
    const issuesFragment = issues === undefined ? '' : `,"enrichment_issues":${JSON.stringify(issues)}`;
    let tail = issuesAt === EnrichmentSlot.InterfaceFields ? issuesFragment : '';
    if (enrichment.interfaceFields !== undefined) tail += remembered(interfaceFragments, enrichment.interfaceFields, interfaceFieldsFragment);
    if (issuesAt === EnrichmentSlot.Direction) tail += issuesFragment;
    if (enrichment.direction !== undefined) tail += DIRECTION_FRAGMENTS[enrichment.direction];
    if (issuesAt === EnrichmentSlot.SecurityGroupRules) tail += issuesFragment;
    if (enrichment.securityGroupRules !== undefined) tail += remembered(rulesFragments, enrichment.securityGroupRules, rulesFragment);
    if (issuesAt === EnrichmentSlot.RuleIds) tail += issuesFragment;
    if (enrichment.ruleIds !== undefined) tail += remembered(ruleIdsFragments, enrichment.ruleIds, ruleIdsFragment);
    if (issuesAt === EnrichmentSlot.RuleMatch) tail += issuesFragment;
    if (enrichment.ruleMatch !== undefined) {
      let fragment = ruleMatchFragments.get(enrichment.ruleMatch);
      if (fragment === undefined) ruleMatchFragments.set(enrichment.ruleMatch, (fragment = ruleMatchFragment(enrichment.ruleMatch)));
      tail += fragment;
    }
    if (issuesAt === EnrichmentSlot.SrcGeo) tail += issuesFragment;
    if (enrichment.srcGeo !== undefined) tail += remembered(srcGeoFragments, enrichment.srcGeo, srcGeoFragment);
    if (issuesAt === EnrichmentSlot.DstGeo) tail += issuesFragment;
    if (enrichment.dstGeo !== undefined) tail += remembered(dstGeoFragments, enrichment.dstGeo, dstGeoFragment);
    if (issuesAt === EnrichmentSlot.End) tail += issuesFragment;
    return tail;
  };

  return {
    serialize(document, enrichment) {
      // A key enrichment writes is already there: it must keep its place, which splicing cannot do.
      if (hasEnrichmentKeys(document)) return JSON.stringify(applyFlowEnrichment({ ...document }, enrichment));
      const own = JSON.stringify(document);
      const tail = tailOf(enrichment);
      if (tail === '') return own;
      // `{}` has no field for the tail's leading comma to follow.
      return own.length === 2 ? `{${tail.slice(1)}}` : `${own.slice(0, -1)}${tail}}`;
    },
  };
}

/** The interface fields in applyFlowEnrichment's order, absent ones left out. */
function interfaceFieldsFragment(fields: NetworkInterfaceFields): string {
  let fragment = `,"security_group_ids":${JSON.stringify(fields.security_group_ids)},"security_group_names":${JSON.stringify(fields.security_group_names)}`;
  if (fields.interface_type !== undefined) fragment += `,"interface_type":${JSON.stringify(fields.interface_type)}`;
  if (fields.vpc_id !== undefined) fragment += `,"vpc_id":${JSON.stringify(fields.vpc_id)}`;
  if (fields.subnet_id !== undefined) fragment += `,"subnet_id":${JSON.stringify(fields.subnet_id)}`;
  if (fields.instance_id !== undefined) fragment += `,"instance_id":${JSON.stringify(fields.instance_id)}`;
  return fragment;
}
