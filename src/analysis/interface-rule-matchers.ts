import type { FlowDirection } from '../domain/flow-direction.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../ports.js';
import type { InterfaceRules, InterfaceRulesOf } from './interface-rules.js';
import { compileSecurityGroupMatcher, type PeerResolvers, type SecurityGroupMatcher } from './security-group-matcher.js';

/** The compiled rules of one interface in one direction. */
export interface InterfaceRuleMatcher {
  readonly matcher: SecurityGroupMatcher;
  /** False when the rules of some group of the interface could not be read: the union is partial. */
  readonly rulesComplete: boolean;
}

/** Hands out the matcher of an interface and direction, compiling each once. */
export type InterfaceRuleMatchers = (info: NetworkInterfaceInfo, direction: FlowDirection) => InterfaceRuleMatcher;

/** A compiled matcher and the look-up answers it was compiled from, to tell whether it still holds. */
interface CompiledFrom {
  readonly entry: InterfaceRuleMatcher;
  readonly ruleOutcomes: readonly (LookupOutcome<readonly SecurityGroupRule[]> | undefined)[];
  readonly peers: readonly { readonly kind: 'prefix_list' | 'security_group'; readonly id: string; readonly entries: readonly string[] | undefined }[];
}

// Interface infos, rule outcomes and peer entries come from caches that hand out the same objects
// until they expire, so a matcher compiled in one batch is reused by the next as long as every
// answer it was built from is still the very same object; a WeakMap lets it go with the info.
const compiledAcrossBatches = new WeakMap<NetworkInterfaceInfo, { ingress?: CompiledFrom; egress?: CompiledFrom }>();

/**
 * Matchers for the interfaces of a batch (or of a report's whole input), each compiled on first
 * use from the interface's rules in that direction (the batch's one `InterfaceRulesOf`, which the
 * listed rules use too), or taken over from an earlier batch when the rules and peers it was
 * compiled from are unchanged.
 *
 * @example
 * const matchers = createInterfaceRuleMatchers(createInterfaceRules(rulesByGroup), peerResolversFrom(prefixLists, members));
 * const { matcher } = matchers(info, 'ingress');
 */
export function createInterfaceRuleMatchers(rulesOf: InterfaceRulesOf, resolvers: PeerResolvers): InterfaceRuleMatchers {
  const inThisBatch = new Map<NetworkInterfaceInfo, { ingress?: InterfaceRuleMatcher; egress?: InterfaceRuleMatcher }>();
  const stillHolds = (compiled: CompiledFrom, applicable: InterfaceRules): boolean =>
    applicable.groupOutcomes.length === compiled.ruleOutcomes.length &&
    applicable.groupOutcomes.every((outcome, index) => outcome === compiled.ruleOutcomes[index]) &&
    compiled.peers.every(({ kind, id, entries }) => (kind === 'prefix_list' ? resolvers.prefixListEntries(id) : resolvers.securityGroupMembers(id)) === entries);

  return (info, direction) => {
    let local = inThisBatch.get(info);
    if (local === undefined) inThisBatch.set(info, (local = {}));
    const known = local[direction];
    if (known !== undefined) return known;
    let shared = compiledAcrossBatches.get(info);
    if (shared === undefined) compiledAcrossBatches.set(info, (shared = {}));
    const earlier = shared[direction];
    const applicable = rulesOf(info, direction);
    const compiled = earlier !== undefined && stillHolds(earlier, applicable) ? earlier : compile(direction, applicable, resolvers);
    shared[direction] = compiled;
    local[direction] = compiled.entry;
    return compiled.entry;
  };
}

function compile(direction: FlowDirection, applicable: InterfaceRules, resolvers: PeerResolvers): CompiledFrom {
  const peers: CompiledFrom['peers'][number][] = [];
  const recording: PeerResolvers = {
    prefixListEntries(id) {
      const entries = resolvers.prefixListEntries(id);
      peers.push({ kind: 'prefix_list', id, entries });
      return entries;
    },
    securityGroupMembers(id) {
      const entries = resolvers.securityGroupMembers(id);
      peers.push({ kind: 'security_group', id, entries });
      return entries;
    },
  };
  const matcher = compileSecurityGroupMatcher(direction, applicable.rules, recording);
  return { entry: { matcher, rulesComplete: applicable.complete }, ruleOutcomes: applicable.groupOutcomes, peers };
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
