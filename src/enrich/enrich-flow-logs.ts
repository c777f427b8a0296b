import { attributeFlow } from '../analysis/attribute-flow.js';
import { createInterfaceRuleMatchers, peerResolversFrom, type InterfaceRuleMatcher, type InterfaceRuleMatchers } from '../analysis/interface-rule-matchers.js';
import { rulePeerReferences } from '../analysis/rule-peer-references.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { GeoLocator, GeoOutcome, LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../ports.js';
import { inferDirection } from './direction.js';
import { addEnrichmentIssue, EnrichmentIssue, type EnrichedFlowLog } from './enriched-flow-log.js';
import { toGeoDocument } from './geo-fields.js';
import { networkInterfaceFields, type NetworkInterfaceFields } from './network-interface-fields.js';
import { isPublicAddress } from './public-address.js';
import { securityGroupRulesForFlow } from './security-group-rules-for-flow.js';

/** A batched look-up, typically a CachedBatchLookup in front of EC2. */
export interface BatchLookup<O> {
  lookup(keys: Iterable<string>): Promise<ReadonlyMap<string, O>>;
}

export interface FlowLogEnrichmentSources {
  /** Network interfaces by id; absent: no interface fields are added. */
  readonly networkInterfaces?: BatchLookup<LookupOutcome<NetworkInterfaceInfo>>;
  /** Security-group rules by group id; absent: neither `security_group_rules` nor rule attribution. */
  readonly securityGroupRules?: BatchLookup<LookupOutcome<readonly SecurityGroupRule[]>>;
  /** Whether to add the full `security_group_rules` when rules are looked up; default true. */
  readonly listSecurityGroupRules?: boolean;
  /**
   * Whether to attribute records to rules (`security_group_rule_ids`, `rule_match`) when rules are
   * looked up; default true.
   */
  readonly attributeRules?: boolean;
  /** Entries of managed prefix lists by id, for attribution; absent: prefix-list rules stay undecided. */
  readonly prefixLists?: BatchLookup<LookupOutcome<readonly string[]>>;
  /** Addresses of the interfaces of security groups by id, for attribution; absent: group-referencing rules stay undecided. */
  readonly securityGroupMembers?: BatchLookup<LookupOutcome<readonly string[]>>;
  /** Geolocation of public addresses; absent: no `src_geo` / `dst_geo`. */
  readonly geolocation?: GeoLocator;
}

/**
 * Enriches a batch of flow-log documents in place: network interface and security groups,
 * direction, optionally the applicable security-group rules, the rules that allowed each flow
 * (src/analysis/attribute-flow.ts) and the geolocation of public addresses. Every distinct
 * interface, group, prefix list and address is looked up once per batch. A failed
 * look-up never fails the batch: the document goes out without those fields and names the
 * problem in `enrichment_issues`.
 *
 * @example
 * const documents = await enrichFlowLogs([parsedDocument], { networkInterfaces: interfaceCache });
 * documents[0].security_group_ids // ['sg-0a1b2c3d']
 */
export async function enrichFlowLogs(documents: readonly FlowLogDocument[], sources: FlowLogEnrichmentSources): Promise<EnrichedFlowLog[]> {
  const enriched = documents as EnrichedFlowLog[];
  const interfaces = await lookUpInterfaces(enriched, sources.networkInterfaces);
  const rulesByGroup = await lookUpRules(interfaces, sources.securityGroupRules);
  const listRules = rulesByGroup !== undefined && sources.listSecurityGroupRules !== false;
  const ruleMatchers = rulesByGroup !== undefined && sources.attributeRules !== false ? await prepareAttribution(rulesByGroup, sources) : undefined;
  const locations = await lookUpLocations(enriched, sources.geolocation);
  // Records of one interface and direction share their applicable rules: filter once per batch.
  const rulesByInterfaceAndDirection = new Map<string, readonly SecurityGroupRule[]>();
  const interfaceFieldsMemo = new WeakMap<NetworkInterfaceInfo, (NetworkInterfaceFields | undefined)[]>();

  for (const document of enriched) {
    const interfaceId = document.interface_id;
    const outcome = interfaceId === undefined ? undefined : interfaces.get(interfaceId);
    if (outcome?.status === 'found') {
      const info = outcome.value;
      assignInterfaceFields(document, interfaceFieldsOf(document, info, interfaceFieldsMemo));
      const direction = inferDirection(document, info);
      if (direction !== undefined) {
        document.direction = direction;
      }
      if (listRules && direction !== undefined) {
        addRules(document, info, direction, rulesByGroup, rulesByInterfaceAndDirection);
      }
      // An interface without security groups (NAT gateway, Transit Gateway attachment) is not filtered by any.
      if (ruleMatchers !== undefined && direction !== undefined && info.securityGroups.length > 0) {
        addAttribution(document, ruleMatchers(info, direction));
      }
    } else if (outcome?.status === 'not_found') {
      addEnrichmentIssue(document, EnrichmentIssue.EniNotFound);
    } else if (outcome?.status === 'failed') {
      addEnrichmentIssue(document, EnrichmentIssue.EniLookupFailed);
    }
    // The record's own flow-direction needs no inventory: keep it when the interface is unknown or EC2 failed.
    if (document.direction === undefined && isDirection(document.flow_direction)) {
      document.direction = document.flow_direction;
    }
    if (locations !== undefined) {
      addLocation(document, 'srcaddr', 'src_geo', locations);
      addLocation(document, 'dstaddr', 'dst_geo', locations);
    }
  }
  return enriched;
}

/**
 * The interface fields for a document, shared by the documents of one interface whose records
 * carry the same optional fields: thousands of records share a few hundred interfaces.
 */
function interfaceFieldsOf(
  document: EnrichedFlowLog,
  info: NetworkInterfaceInfo,
  memo: WeakMap<NetworkInterfaceInfo, (NetworkInterfaceFields | undefined)[]>,
): NetworkInterfaceFields {
  // Which of the fields the record itself may carry it does carry: they are never overwritten.
  const shape =
    (document.interface_type === undefined ? 0 : 1) | (document.vpc_id === undefined ? 0 : 2) | (document.subnet_id === undefined ? 0 : 4) | (document.instance_id === undefined ? 0 : 8);
  let byShape = memo.get(info);
  if (byShape === undefined) {
    byShape = [];
    memo.set(info, byShape);
  }
  let fields = byShape[shape];
  if (fields === undefined) {
    fields = networkInterfaceFields(document, info);
    byShape[shape] = fields;
  }
  return fields;
}

/** Plain assignments: faster than Object.assign on the hot path, and absent fields stay absent. */
function assignInterfaceFields(document: EnrichedFlowLog, fields: NetworkInterfaceFields): void {
  document.security_group_ids = fields.security_group_ids;
  document.security_group_names = fields.security_group_names;
  if (fields.interface_type !== undefined) document.interface_type = fields.interface_type;
  if (fields.vpc_id !== undefined) document.vpc_id = fields.vpc_id;
  if (fields.subnet_id !== undefined) document.subnet_id = fields.subnet_id;
  if (fields.instance_id !== undefined) document.instance_id = fields.instance_id;
}

function isDirection(value: unknown): value is 'ingress' | 'egress' {
  return value === 'ingress' || value === 'egress';
}

async function lookUpInterfaces(
  documents: readonly EnrichedFlowLog[],
  source: BatchLookup<LookupOutcome<NetworkInterfaceInfo>> | undefined,
): Promise<ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>> {
  if (source === undefined) {
    return new Map();
  }
  const ids = new Set<string>();
  for (const document of documents) {
    if (document.interface_id !== undefined) ids.add(document.interface_id);
  }
  return ids.size === 0 ? new Map() : source.lookup(ids);
}

async function lookUpRules(
  interfaces: ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>,
  source: BatchLookup<LookupOutcome<readonly SecurityGroupRule[]>> | undefined,
): Promise<ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>> | undefined> {
  if (source === undefined) {
    return undefined;
  }
  const groupIds = new Set<string>();
  for (const outcome of interfaces.values()) {
    if (outcome.status === 'found') {
      for (const group of outcome.value.securityGroups) groupIds.add(group.groupId);
    }
  }
  return groupIds.size === 0 ? new Map() : source.lookup(groupIds);
}

/**
 * Looks up what the batch's rules refer to (prefix lists, referenced groups) and returns the
 * per-interface matchers of the batch, compiled on first use.
 */
async function prepareAttribution(
  rulesByGroup: ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>>,
  sources: FlowLogEnrichmentSources,
): Promise<InterfaceRuleMatchers> {
  const references = rulePeerReferences([...rulesByGroup.values()].flatMap((outcome) => (outcome.status === 'found' ? outcome.value : [])));
  const lookUp = (ids: ReadonlySet<string>, source: BatchLookup<LookupOutcome<readonly string[]>> | undefined) =>
    source === undefined || ids.size === 0 ? Promise.resolve(new Map<string, LookupOutcome<readonly string[]>>()) : source.lookup(ids);
  const [prefixLists, members] = await Promise.all([
    lookUp(references.prefixListIds, sources.prefixLists),
    lookUp(references.securityGroupIds, sources.securityGroupMembers),
  ]);
  return createInterfaceRuleMatchers(rulesByGroup, peerResolversFrom(prefixLists, members));
}

function addAttribution(document: EnrichedFlowLog, { matcher, rulesComplete }: InterfaceRuleMatcher): void {
  const attribution = attributeFlow(document, matcher);
  if (attribution === undefined) return;
  if (!rulesComplete) addEnrichmentIssue(document, EnrichmentIssue.RulesLookupFailed);
  if (!attribution.complete) addEnrichmentIssue(document, EnrichmentIssue.RulePeerLookupFailed);
  if (attribution.ruleIds.length > 0) document.security_group_rule_ids = attribution.ruleIds;
  // With a group's rules missing, "no rule allows it" cannot be said; a rule that allows it still can.
  if (attribution.ruleMatch !== undefined && (rulesComplete || attribution.ruleIds.length > 0 || attribution.ruleMatch === 'return_traffic')) {
    document.rule_match = attribution.ruleMatch;
  }
}

async function lookUpLocations(
  documents: readonly EnrichedFlowLog[],
  geolocation: GeoLocator | undefined,
): Promise<ReadonlyMap<string, GeoOutcome> | undefined> {
  if (geolocation === undefined) {
    return undefined;
  }
  const addresses = new Set<string>();
  for (const document of documents) {
    if (document.srcaddr !== undefined && isPublicAddress(document.srcaddr)) addresses.add(document.srcaddr);
    if (document.dstaddr !== undefined && isPublicAddress(document.dstaddr)) addresses.add(document.dstaddr);
  }
  return addresses.size === 0 ? new Map() : geolocation.locate([...addresses]);
}

function addRules(
  document: EnrichedFlowLog,
  info: NetworkInterfaceInfo,
  direction: 'ingress' | 'egress',
  rulesByGroup: ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>>,
  memo: Map<string, readonly SecurityGroupRule[]>,
): void {
  if (info.securityGroups.some((group) => rulesByGroup.get(group.groupId)?.status !== 'found')) {
    addEnrichmentIssue(document, EnrichmentIssue.RulesLookupFailed);
  }
  const memoKey = `${info.interfaceId} ${direction}`;
  let applicable = memo.get(memoKey);
  if (applicable === undefined) {
    const rules = info.securityGroups.flatMap((group) => {
      const outcome = rulesByGroup.get(group.groupId);
      return outcome?.status === 'found' ? outcome.value : [];
    });
    applicable = securityGroupRulesForFlow(direction, rules);
    memo.set(memoKey, applicable);
  }
  if (applicable.length > 0) {
    document.security_group_rules = applicable;
  }
}

function addLocation(
  document: EnrichedFlowLog,
  addressField: 'srcaddr' | 'dstaddr',
  geoField: 'src_geo' | 'dst_geo',
  locations: ReadonlyMap<string, GeoOutcome>,
): void {
  const address = document[addressField];
  const outcome = address === undefined ? undefined : locations.get(address);
  if (outcome === undefined) {
    return;
  }
  switch (outcome.status) {
    case 'found': {
      const geo = toGeoDocument(outcome.value);
      if (geo !== undefined) document[geoField] = geo;
      break;
    }
    case 'failed':
      addEnrichmentIssue(document, EnrichmentIssue.GeoFailed);
      break;
    case 'quota_exceeded':
      addEnrichmentIssue(document, EnrichmentIssue.GeoQuotaExceeded);
      break;
    case 'not_found':
      break;
  }
}
