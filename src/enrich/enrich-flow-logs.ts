import { attributeFlow } from '../analysis/attribute-flow.js';
import { createInterfaceRuleMatchers, peerResolversFrom, type InterfaceRuleMatcher, type InterfaceRuleMatchers } from '../analysis/interface-rule-matchers.js';
import { createInterfaceRules, type InterfaceRulesOf, type RulesByGroup } from '../analysis/interface-rules.js';
import { rulePeerReferences } from '../analysis/rule-peer-references.js';
import { isFlowDirection } from '../domain/flow-direction.js';
import type { LookupScope } from '../domain/lookup-scope.js';
import { RuleMatch } from '../domain/rule-match.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { GeoLocation, GeoLocator, GeoOutcome, LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../ports.js';
import { inferDirection } from './direction.js';
import {
  addFlowEnrichmentIssue,
  applyFlowEnrichment,
  emptyFlowEnrichment,
  EnrichmentIssue,
  EnrichmentSlot,
  type EnrichedFlowLog,
  type FlowEnrichment,
} from './enriched-flow-log.js';
import { toGeoDocument } from './geo-fields.js';
import { networkInterfaceFields, type NetworkInterfaceFields } from './network-interface-fields.js';
import { isPublicAddress } from '../net/special-networks.js';
import { ENRICHMENT_DEFAULTS } from './enrichment-defaults.js';

/** A batched look-up of ids of one account and Region, typically a ScopedCachedBatchLookup in front of EC2. */
export interface BatchLookup<O> {
  /** One outcome per distinct id, keyed by the id. */
  lookup(scope: LookupScope, keys: Iterable<string>): Promise<ReadonlyMap<string, O>>;
}

/**
 * The scope of records that name neither account nor Region when the caller names no scope of
 * its own (tests, an offline inventory, which answers the same for every scope).
 */
export const UNNAMED_SCOPE: LookupScope = Object.freeze({ accountId: '', region: '' });

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Where a record's interface, groups and rules are looked up: the account that owns the
 * interface (the record's `account_id`) and the record's `region` when its format carries them,
 * otherwise the caller's own account and Region.
 *
 * @example lookupScopeOf({ account_id: '210987654321' }, { accountId: '123456789012', region: 'eu-west-1' }) // { accountId: '210987654321', region: 'eu-west-1' }
 */
export function lookupScopeOf(document: Pick<FlowLogDocument, 'account_id' | 'region'>, own: LookupScope): LookupScope {
  const account = document.account_id !== undefined && ACCOUNT_ID.test(document.account_id) ? document.account_id : own.accountId;
  const region = document.region !== undefined && document.region !== '' ? document.region : own.region;
  return account === own.accountId && region === own.region ? own : { accountId: account, region };
}

export interface FlowLogEnrichmentSources {
  /** Network interfaces by id; absent: no interface fields are added. */
  readonly networkInterfaces?: BatchLookup<LookupOutcome<NetworkInterfaceInfo>>;
  /** Security-group rules by group id; absent: neither `security_group_rules` nor rule attribution. */
  readonly securityGroupRules?: BatchLookup<LookupOutcome<readonly SecurityGroupRule[]>>;
  /** Whether to add the full `security_group_rules` when rules are looked up; default ENRICHMENT_DEFAULTS.listRules. */
  readonly listRules?: boolean;
  /**
   * Whether to attribute records to rules (`security_group_rule_ids`, `rule_match`) when rules are
   * looked up; default ENRICHMENT_DEFAULTS.attributeRules.
   */
  readonly attributeRules?: boolean;
  /** Entries of managed prefix lists by id, for attribution; absent: prefix-list rules stay undecided. */
  readonly prefixLists?: BatchLookup<LookupOutcome<readonly string[]>>;
  /** Addresses of the interfaces of security groups by id, for attribution; absent: group-referencing rules stay undecided. */
  readonly securityGroupMembers?: BatchLookup<LookupOutcome<readonly string[]>>;
  /** Geolocation of public addresses; absent: no `src_geo` / `dst_geo`. */
  readonly geolocation?: GeoLocator;
  /**
   * When look-ups must stop: whatever is still unanswered when it aborts is answered `failed`
   * (the record goes out flagged), so a hanging EC2 or geolocation service cannot hold the
   * answer past its deadline. Absent: every answer is awaited.
   */
  readonly lookupsUntil?: AbortSignal;
  /**
   * The caller's own account and Region (the decorator's, from its function ARN): where records
   * that name no account or Region are looked up. Absent: UNNAMED_SCOPE.
   */
  readonly ownScope?: LookupScope;
}

/** What a look-up still unanswered at the deadline becomes: a failure, flagged on the record. */
const UNANSWERED = { status: 'failed', reason: 'unanswered when the time for look-ups ran out' } as const;

/**
 * The answers of `lookup`, or UNANSWERED for every key once `until` aborts, whichever comes
 * first. The look-up itself goes on; a cache keeps what it brings for the next batch.
 */
async function answeredBefore<O>(keys: Iterable<string>, until: AbortSignal | undefined, lookup: () => Promise<ReadonlyMap<string, O>>, unanswered: O): Promise<ReadonlyMap<string, O>> {
  if (until === undefined) return lookup();
  const allUnanswered = (): ReadonlyMap<string, O> => new Map([...keys].map((key) => [key, unanswered]));
  if (until.aborted) return allUnanswered();
  let stop = (): void => {};
  const deadline = new Promise<ReadonlyMap<string, O>>((resolve) => {
    stop = () => resolve(allUnanswered());
    until.addEventListener('abort', stop, { once: true });
  });
  try {
    return await Promise.race([lookup(), deadline]);
  } finally {
    until.removeEventListener('abort', stop);
  }
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
  const enrichments = await computeFlowEnrichments(documents, sources);
  documents.forEach((document, index) => applyFlowEnrichment(document, enrichments[index] as FlowEnrichment));
  return documents as EnrichedFlowLog[];
}

/**
 * What enrichFlowLogs would add to each document, kept apart from it (documents are not changed):
 * the decorator serializes the shared parts once per batch instead of once per record.
 * applyFlowEnrichment(document, enrichment) gives what enrichFlowLogs gives.
 *
 * @example
 * const enrichments = await computeFlowEnrichments(documents, sources);
 * const text = serializer.serialize(documents[0], enrichments[0]);
 */
export async function computeFlowEnrichments(documents: readonly FlowLogDocument[], sources: FlowLogEnrichmentSources): Promise<FlowEnrichment[]> {
  const until = sources.lookupsUntil;
  const { scopes, scopeIndexOf } = partitionByScope(documents, sources.ownScope ?? UNNAMED_SCOPE);
  const lookups = await Promise.all(scopes.map(({ scope, documents: ofScope }) => lookUpInScope(scope, ofScope, sources)));
  const locations = await lookUpLocations(documents, sources.geolocation, until);
  const geoByAddress = locations === undefined ? undefined : geoEnrichments(locations);
  const interfaceFieldsMemo = new WeakMap<NetworkInterfaceInfo, (NetworkInterfaceFields | undefined)[]>();

  const enrichments: FlowEnrichment[] = [];
  for (let index = 0; index < documents.length; index += 1) {
    const document = documents[index] as FlowLogDocument;
    const { interfaces, rulesOf, ruleMatchers } = lookups[scopeIndexOf[index] as number] as ScopeLookups;
    const enrichment = emptyFlowEnrichment();
    const interfaceId = document.interface_id;
    const outcome = interfaceId === undefined ? undefined : interfaces.get(interfaceId);
    if (outcome?.status === 'found') {
      const info = outcome.value;
      enrichment.interfaceFields = interfaceFieldsOf(document, info, interfaceFieldsMemo);
      const direction = inferDirection(document, info);
      enrichment.direction = direction;
      if (rulesOf !== undefined && direction !== undefined) {
        addRules(enrichment, rulesOf(info, direction));
      }
      // An interface without security groups (NAT gateway, Transit Gateway attachment) is not filtered by any.
      if (ruleMatchers !== undefined && direction !== undefined && info.securityGroups.length > 0) {
        addAttribution(enrichment, document, ruleMatchers(info, direction));
      }
    } else if (outcome?.status === 'not_found') {
      addFlowEnrichmentIssue(enrichment, EnrichmentIssue.EniNotFound, EnrichmentSlot.InterfaceFields);
    } else if (outcome?.status === 'failed') {
      addFlowEnrichmentIssue(enrichment, outcome.scopeRefused === true ? EnrichmentIssue.AccountRoleFailed : EnrichmentIssue.EniLookupFailed, EnrichmentSlot.InterfaceFields);
    }
    // The record's own flow-direction needs no inventory: keep it when the interface is unknown or EC2 failed.
    if (enrichment.direction === undefined && document.direction === undefined && isFlowDirection(document.flow_direction)) {
      enrichment.direction = document.flow_direction;
    }
    if (geoByAddress !== undefined) {
      addLocations(enrichment, document, geoByAddress);
    }
    enrichments.push(enrichment);
  }
  return enrichments;
}

/** The documents of a batch by the scope they are looked up in, and each document's scope index. */
function partitionByScope(documents: readonly FlowLogDocument[], own: LookupScope): { scopes: { scope: LookupScope; documents: FlowLogDocument[] }[]; scopeIndexOf: number[] } {
  const scopes: { scope: LookupScope; documents: FlowLogDocument[] }[] = [];
  const indexByKey = new Map<string, number>();
  const scopeIndexOf = new Array<number>(documents.length);
  // Records of one batch nearly always share their account and Region: compare with the last one's first.
  let lastAccount: string | undefined;
  let lastRegion: string | undefined;
  let last = -1;
  for (let index = 0; index < documents.length; index += 1) {
    const document = documents[index] as FlowLogDocument;
    if (last < 0 || document.account_id !== lastAccount || document.region !== lastRegion) {
      const scope = lookupScopeOf(document, own);
      const key = `${scope.accountId}/${scope.region}`;
      let found = indexByKey.get(key);
      if (found === undefined) {
        found = scopes.length;
        indexByKey.set(key, found);
        scopes.push({ scope, documents: [] });
      }
      last = found;
      lastAccount = document.account_id;
      lastRegion = document.region;
    }
    scopeIndexOf[index] = last;
    (scopes[last] as { documents: FlowLogDocument[] }).documents.push(document);
  }
  return { scopes, scopeIndexOf };
}

/** What one scope's look-ups gave: its interfaces, and its rules as the listing and the attribution use them. */
interface ScopeLookups {
  readonly interfaces: ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>;
  /** Present when the rules are listed. */
  readonly rulesOf: InterfaceRulesOf | undefined;
  /** Present when records are attributed to rules. */
  readonly ruleMatchers: InterfaceRuleMatchers | undefined;
}

async function lookUpInScope(scope: LookupScope, documents: readonly FlowLogDocument[], sources: FlowLogEnrichmentSources): Promise<ScopeLookups> {
  const until = sources.lookupsUntil;
  const interfaces = await lookUpInterfaces(scope, documents, sources.networkInterfaces, until);
  const rulesByGroup = await lookUpRules(scope, interfaces, sources.securityGroupRules, until);
  if (rulesByGroup === undefined) return { interfaces, rulesOf: undefined, ruleMatchers: undefined };
  // One computation of "the rules of an interface in a direction" for the listing and the matchers.
  const rulesOf = createInterfaceRules(rulesByGroup);
  const listRules = sources.listRules ?? ENRICHMENT_DEFAULTS.listRules;
  const attributeRules = sources.attributeRules ?? ENRICHMENT_DEFAULTS.attributeRules;
  const ruleMatchers = attributeRules ? await prepareAttribution(scope, rulesByGroup, rulesOf, sources) : undefined;
  return { interfaces, rulesOf: listRules ? rulesOf : undefined, ruleMatchers };
}

/**
 * The interface fields for a document, shared by the documents of one interface whose records
 * carry the same optional fields: thousands of records share a few hundred interfaces.
 */
function interfaceFieldsOf(
  document: FlowLogDocument,
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

async function lookUpInterfaces(
  scope: LookupScope,
  documents: readonly FlowLogDocument[],
  source: BatchLookup<LookupOutcome<NetworkInterfaceInfo>> | undefined,
  until: AbortSignal | undefined,
): Promise<ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>> {
  if (source === undefined) {
    return new Map();
  }
  const ids = new Set<string>();
  for (const document of documents) {
    if (document.interface_id !== undefined) ids.add(document.interface_id);
  }
  return ids.size === 0 ? new Map() : answeredBefore(ids, until, () => source.lookup(scope, ids), UNANSWERED);
}

async function lookUpRules(
  scope: LookupScope,
  interfaces: ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>,
  source: BatchLookup<LookupOutcome<readonly SecurityGroupRule[]>> | undefined,
  until: AbortSignal | undefined,
): Promise<RulesByGroup | undefined> {
  if (source === undefined) {
    return undefined;
  }
  const groupIds = new Set<string>();
  for (const outcome of interfaces.values()) {
    if (outcome.status === 'found') {
      for (const group of outcome.value.securityGroups) groupIds.add(group.groupId);
    }
  }
  return groupIds.size === 0 ? new Map() : answeredBefore(groupIds, until, () => source.lookup(scope, groupIds), UNANSWERED);
}

/**
 * Looks up what the batch's rules refer to (prefix lists, referenced groups) and returns the
 * per-interface matchers of the batch, compiled on first use.
 */
async function prepareAttribution(scope: LookupScope, rulesByGroup: RulesByGroup, rulesOf: InterfaceRulesOf, sources: FlowLogEnrichmentSources): Promise<InterfaceRuleMatchers> {
  const references = rulePeerReferences([...rulesByGroup.values()].flatMap((outcome) => (outcome.status === 'found' ? outcome.value : [])));
  const lookUp = (ids: ReadonlySet<string>, source: BatchLookup<LookupOutcome<readonly string[]>> | undefined) =>
    source === undefined || ids.size === 0
      ? Promise.resolve(new Map<string, LookupOutcome<readonly string[]>>())
      : answeredBefore<LookupOutcome<readonly string[]>>(ids, sources.lookupsUntil, () => source.lookup(scope, ids), UNANSWERED);
  const [prefixLists, members] = await Promise.all([
    lookUp(references.prefixListIds, sources.prefixLists),
    lookUp(references.securityGroupIds, sources.securityGroupMembers),
  ]);
  return createInterfaceRuleMatchers(rulesOf, peerResolversFrom(prefixLists, members));
}

function addAttribution(enrichment: FlowEnrichment, document: FlowLogDocument, { matcher, rulesComplete }: InterfaceRuleMatcher): void {
  const attribution = attributeFlow(document, matcher);
  if (attribution === undefined) return;
  if (!rulesComplete) addFlowEnrichmentIssue(enrichment, EnrichmentIssue.RulesLookupFailed, EnrichmentSlot.RuleIds);
  if (!attribution.complete) addFlowEnrichmentIssue(enrichment, EnrichmentIssue.RulePeerLookupFailed, EnrichmentSlot.RuleIds);
  if (attribution.ruleIds.length > 0) enrichment.ruleIds = attribution.ruleIds;
  // With a group's rules missing, "no rule allows it" cannot be said; a rule that allows it still can.
  if (attribution.ruleMatch !== undefined && (rulesComplete || attribution.ruleIds.length > 0 || attribution.ruleMatch === RuleMatch.ReturnTraffic)) {
    enrichment.ruleMatch = attribution.ruleMatch;
  }
}

async function lookUpLocations(
  documents: readonly FlowLogDocument[],
  geolocation: GeoLocator | undefined,
  until: AbortSignal | undefined,
): Promise<ReadonlyMap<string, GeoOutcome> | undefined> {
  if (geolocation === undefined) {
    return undefined;
  }
  const addresses = new Set<string>();
  for (const document of documents) {
    if (document.srcaddr !== undefined && isPublicAddress(document.srcaddr)) addresses.add(document.srcaddr);
    if (document.dstaddr !== undefined && isPublicAddress(document.dstaddr)) addresses.add(document.dstaddr);
  }
  return addresses.size === 0 ? new Map() : answeredBefore<GeoOutcome>(addresses, until, () => geolocation.locate([...addresses]), UNANSWERED);
}

function addRules(enrichment: FlowEnrichment, applicable: { readonly rules: readonly SecurityGroupRule[]; readonly complete: boolean }): void {
  if (!applicable.complete) {
    addFlowEnrichmentIssue(enrichment, EnrichmentIssue.RulesLookupFailed, EnrichmentSlot.SecurityGroupRules);
  }
  if (applicable.rules.length > 0) {
    enrichment.securityGroupRules = applicable.rules;
  }
}

/** What one address adds to a document: its geolocation (one object for all its records) or an issue. */
interface GeoEnrichment {
  readonly geo: GeoLocation | undefined;
  readonly issue: EnrichmentIssue | undefined;
}

const NO_GEO: GeoEnrichment = { geo: undefined, issue: undefined };

function geoEnrichments(locations: ReadonlyMap<string, GeoOutcome>): Map<string, GeoEnrichment> {
  const byAddress = new Map<string, GeoEnrichment>();
  for (const [address, outcome] of locations) {
    switch (outcome.status) {
      case 'found':
        byAddress.set(address, { geo: toGeoDocument(outcome.value), issue: undefined });
        break;
      case 'failed':
        byAddress.set(address, { geo: undefined, issue: EnrichmentIssue.GeoFailed });
        break;
      case 'quota_exceeded':
        byAddress.set(address, { geo: undefined, issue: EnrichmentIssue.GeoQuotaExceeded });
        break;
      case 'not_found':
        byAddress.set(address, NO_GEO);
        break;
    }
  }
  return byAddress;
}

function addLocations(enrichment: FlowEnrichment, document: FlowLogDocument, geoByAddress: ReadonlyMap<string, GeoEnrichment>): void {
  const source = document.srcaddr === undefined ? undefined : geoByAddress.get(document.srcaddr);
  if (source !== undefined) {
    if (source.issue !== undefined) addFlowEnrichmentIssue(enrichment, source.issue, EnrichmentSlot.SrcGeo);
    enrichment.srcGeo = source.geo;
  }
  const destination = document.dstaddr === undefined ? undefined : geoByAddress.get(document.dstaddr);
  if (destination !== undefined) {
    if (destination.issue !== undefined) addFlowEnrichmentIssue(enrichment, destination.issue, EnrichmentSlot.DstGeo);
    enrichment.dstGeo = destination.geo;
  }
}
