import { RuleMatch } from '../domain/rule-match.js';
import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import { classifyFlowInitiation, FlowInitiation } from './flow-initiation.js';
import type { FlowToMatch, RuleMatchResult, SecurityGroupMatcher } from './security-group-matcher.js';

/** The attribution of one record. */
export interface RuleAttribution {
  /** Absent when it cannot be decided: no rule matched but some rule's peer could not be resolved. */
  readonly ruleMatch?: RuleMatch;
  /** The rules that allow (ACCEPT) or would allow (REJECT) the flow; empty for return traffic. */
  readonly ruleIds: readonly string[];
  /** False when some rule could not be evaluated (unresolved prefix list or group): `ruleIds` may miss it. */
  readonly complete: boolean;
}

/** The record fields attribution reads. */
export type FlowToAttribute = FlowToMatch & Pick<FlowLogDocument, 'action' | 'tcp_flags' | 'srcport'>;

const RETURN_TRAFFIC: RuleAttribution = Object.freeze({ ruleMatch: RuleMatch.ReturnTraffic, ruleIds: Object.freeze([]), complete: true });

// A matcher hands equal flows the same result object, so the attribution of each result is made
// once per action, not once per record.
const acceptedAttributions = new WeakMap<RuleMatchResult, RuleAttribution>();
const rejectedAttributions = new WeakMap<RuleMatchResult, RuleAttribution>();

/**
 * Which current rules allow a record, for the interface and direction `matcher` was compiled for.
 *
 * An ACCEPT record first goes through `classifyFlowInitiation`: return traffic needs no rule, so it
 * is `return_traffic` with no rule ids (crediting the rules it happens to fit would make an
 * allow-all egress rule look used by every answer). Otherwise it is `matched` with every matching
 * rule, or `unmatched`.
 *
 * A REJECT record is matched whatever its initiation, since the group's connection state is not in
 * the log: `would_allow` with the rules that allow it (the ACL or the reject reason blocked it), or
 * `no_rule`. Records without an action (NODATA, SKIPDATA) or without a protocol or peer address
 * give undefined.
 *
 * @example
 * attributeFlow({ action: 'ACCEPT', protocol: 6, tcp_flags: 2, srcaddr: '203.0.113.25', dstaddr: '10.0.1.17', srcport: 50123, dstport: 443 }, matcher)
 * // { ruleMatch: 'matched', ruleIds: ['sgr-0123456789abcdef0'], complete: true }
 */
export function attributeFlow(flow: FlowToAttribute, matcher: SecurityGroupMatcher): RuleAttribution | undefined {
  const accepted = flow.action === 'ACCEPT';
  if (!accepted && flow.action !== 'REJECT') return undefined;
  if (accepted && classifyFlowInitiation(flow).initiation === FlowInitiation.Return) return RETURN_TRAFFIC;
  const result = matcher.match(flow);
  if (result === undefined) return undefined;
  const attributions = accepted ? acceptedAttributions : rejectedAttributions;
  let attribution = attributions.get(result);
  if (attribution === undefined) {
    attribution = toAttribution(result, accepted);
    attributions.set(result, attribution);
  }
  return attribution;
}

function toAttribution({ ruleIds, complete }: RuleMatchResult, accepted: boolean): RuleAttribution {
  if (ruleIds.length > 0) return { ruleMatch: accepted ? RuleMatch.Matched : RuleMatch.WouldAllow, ruleIds, complete };
  if (!complete) return { ruleIds, complete };
  return { ruleMatch: accepted ? RuleMatch.Unmatched : RuleMatch.NoRule, ruleIds, complete };
}
