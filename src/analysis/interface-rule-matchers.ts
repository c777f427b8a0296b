import type { FlowDirection } from '../enrich/direction.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../ports.js';
import { compileSecurityGroupMatcher, type PeerResolvers, type SecurityGroupMatcher } from './security-group-matcher.js';

/** The compiled rules of one interface in one direction. */
export interface InterfaceRuleMatcher {
  readonly matcher: SecurityGroupMatcher;
  /** False when the rules of some group of the interface could not be read: the union is partial. */
  readonly rulesComplete: boolean;
}

/** Hands out the matcher of an interface and direction, compiling each once. */
export type InterfaceRuleMatchers = (info: NetworkInterfaceInfo, direction: FlowDirection) => InterfaceRuleMatcher;

/**
 * Matchers for the interfaces of a batch (or of a report's whole input), each compiled on first
 * use from the union of the rules of the interface's groups. Meant to live as long as the rule
 * and peer look-ups it was given: one batch in the decorator.
 *
 * @example
 * const matchers = createInterfaceRuleMatchers(rulesByGroup, peerResolversFrom(prefixLists, members));
 * const { matcher } = matchers(info, 'ingress');
 */
export function createInterfaceRuleMatchers(
  rulesByGroup: ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>>,
  resolvers: PeerResolvers,
): InterfaceRuleMatchers {
  const compiled = new Map<NetworkInterfaceInfo, { ingress?: InterfaceRuleMatcher; egress?: InterfaceRuleMatcher }>();
  return (info, direction) => {
    let byDirection = compiled.get(info);
    if (byDirection === undefined) compiled.set(info, (byDirection = {}));
    let entry = byDirection[direction];
    if (entry === undefined) {
      const rules: SecurityGroupRule[] = [];
      let rulesComplete = true;
      for (const group of info.securityGroups) {
        const outcome = rulesByGroup.get(group.groupId);
        if (outcome?.status === 'found') rules.push(...outcome.value);
        else rulesComplete = false;
      }
      entry = { matcher: compileSecurityGroupMatcher(direction, rules, resolvers), rulesComplete };
      byDirection[direction] = entry;
    }
    return entry;
  };
}

/**
 * Resolvers over look-up outcomes: a found list or group gives its entries, one EC2 does not
 * know gives none (it allows nothing), a failed or missing look-up leaves the peer unresolved.
 *
 * @example peerResolversFrom(new Map([['pl-1', { status: 'found', value: ['192.0.2.0/24'] }]]), new Map()).prefixListEntries('pl-1') // ['192.0.2.0/24']
 */
export function peerResolversFrom(
  prefixLists: ReadonlyMap<string, LookupOutcome<readonly string[]>>,
  securityGroupMembers: ReadonlyMap<string, LookupOutcome<readonly string[]>>,
): PeerResolvers {
  return {
    prefixListEntries: (id) => entriesOf(prefixLists.get(id)),
    securityGroupMembers: (id) => entriesOf(securityGroupMembers.get(id)),
  };
}

const NONE: readonly string[] = Object.freeze([]);

function entriesOf(outcome: LookupOutcome<readonly string[]> | undefined): readonly string[] | undefined {
  if (outcome?.status === 'found') return outcome.value;
  return outcome?.status === 'not_found' ? NONE : undefined;
}
