import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { FlowDirection } from '../domain/flow-direction.js';
import type { SecurityGroupRule } from '../ports.js';
import { createAddressSet, type AddressSet } from '../net/address-set.js';
import { cidrContains, parseCidr, type Cidr } from '../net/cidr.js';
import { parseIpAddress, type IpAddress } from '../net/ip-address.js';
import { ALL_PROTOCOLS, destinationPortRange, ruleProtocolNumber } from './rule-protocol.js';

/**
 * What the rules refer to, already looked up: the entries of managed prefix lists and the members
 * of referenced security groups. Undefined means unknown (not looked up, or the look-up failed):
 * a rule whose peer is unknown can neither be said to match nor not to match.
 */
export interface PeerResolvers {
  /** The CIDRs of a managed prefix list. */
  prefixListEntries(prefixListId: string): readonly string[] | undefined;
  /** The private IPv4 addresses, IPv6 addresses and delegated prefixes of the interfaces in a group. */
  securityGroupMembers(groupId: string): readonly string[] | undefined;
}

/** Resolvers that know nothing: rules with a prefix-list or group peer stay undecided. */
export const UNRESOLVED_PEERS: PeerResolvers = {
  prefixListEntries: () => undefined,
  securityGroupMembers: () => undefined,
};

/** The rules that allow a flow. */
export interface RuleMatchResult {
  /** The id of every matching rule, in the order the rules were given, each once. */
  readonly ruleIds: readonly string[];
  /**
   * False when some rule fits the flow's protocol and port but its peer (a prefix list or a
   * referenced group) could not be resolved: `ruleIds` may then miss that rule.
   */
  readonly complete: boolean;
}

/** The rules of one interface and direction, compiled once and asked for many flows. */
export interface SecurityGroupMatcher {
  readonly direction: FlowDirection;
  /**
   * The rules that allow the flow; undefined when the flow lacks what matching needs (a protocol
   * and the peer's address).
   */
  match(flow: FlowToMatch): RuleMatchResult | undefined;
}

/** The fields of a record that rule matching reads. */
export type FlowToMatch = Pick<FlowLogDocument, 'protocol' | 'srcaddr' | 'dstaddr' | 'dstport' | 'pkt_srcaddr' | 'pkt_dstaddr'>;

type CompiledPeer =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'set'; readonly set: AddressSet }
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'never' };

interface CompiledRule {
  readonly ruleId: string;
  readonly index: number;
  /** Inclusive destination-port bounds; 0-65535 when the rule allows every port. */
  readonly fromPort: number;
  readonly toPort: number;
  readonly allPorts: boolean;
  readonly peer: CompiledPeer;
  /** The answer when this rule alone allows a flow, shared by every such flow. */
  readonly alone: RuleMatchResult;
}

const NO_MATCH: RuleMatchResult = Object.freeze({ ruleIds: Object.freeze([]), complete: true });
const NO_MATCH_INCOMPLETE: RuleMatchResult = Object.freeze({ ruleIds: Object.freeze([]), complete: false });
const NEVER: CompiledPeer = { kind: 'never' };
/**
 * Distinct peer addresses whose answers a matcher keeps. Records repeat their peers (clients,
 * resolvers, NAT gateways), so most are answered by one look-up; the bound keeps a matcher that
 * lives across warm invocations small, and starting afresh past it is as good as any eviction.
 */
const MAX_REMEMBERED_PEERS = 4_096;
/** Protocol and port answers a matcher keeps per peer: a client uses a few, a scanner thousands. */
const MAX_REMEMBERED_PORTS_PER_PEER = 256;
const UNRESOLVED: CompiledPeer = { kind: 'unresolved' };

// Prefix-list entries and group members come from caches that hand out the same array until it
// expires, so each is compiled once and dropped with the array.
const compiledSets = new WeakMap<readonly string[], AddressSet>();

/**
 * The remote address of a flow, which a rule's peer must hold: the source of an ingress flow,
 * the destination of an egress flow. The packet-level address (`pkt-srcaddr` / `pkt-dstaddr`)
 * wins when the record has it: a security group sees the packet's own headers, and the two differ
 * only where the record's address was rewritten on the way (NAT gateway, Transit Gateway and
 * similar interfaces, pods on secondary addresses); for the remote side of an instance's own
 * traffic they are equal.
 *
 * @example flowPeerAddress({ srcaddr: '203.0.113.25', dstaddr: '10.0.1.17' }, 'ingress') // '203.0.113.25'
 */
export function flowPeerAddress(flow: FlowToMatch, direction: FlowDirection): string | undefined {
  return direction === 'ingress' ? (flow.pkt_srcaddr ?? flow.srcaddr) : (flow.pkt_dstaddr ?? flow.dstaddr);
}

/**
 * Compiles the union of an interface's rules for one direction into a matcher: rules bucketed by
 * protocol, ports as integer bounds, CIDRs as integers, prefix lists and referenced groups
 * expanded through `resolvers` into address sets. Rules of the other direction are left out, and
 * a rule listed twice (an interface naming a group twice) counts once.
 *
 * Matching follows EC2 (aws-contracts §5.2, §7): protocol `-1` or equal after normalising names
 * and numbers; the destination port within the range for TCP and UDP rules, any port otherwise;
 * for ICMP rules protocol and peer only, since flow logs carry no ICMP type or code; the peer
 * address in the rule's CIDR (of its own family), in the prefix list's entries, or among the
 * addresses of the referenced group's interfaces.
 *
 * @example
 * const matcher = compileSecurityGroupMatcher('ingress', rulesOfTheInterfaceGroups, resolvers);
 * matcher.match({ protocol: 6, srcaddr: '203.0.113.25', dstaddr: '10.0.1.17', dstport: 443 })?.ruleIds // ['sgr-0a1b...']
 */
export function compileSecurityGroupMatcher(direction: FlowDirection, rules: readonly SecurityGroupRule[], resolvers: PeerResolvers): SecurityGroupMatcher {
  const byProtocol = new Map<number, CompiledRule[]>();
  const anyProtocol: CompiledRule[] = [];
  const seen = new Set<string>();
  let index = 0;
  for (const rule of rules) {
    if (rule.direction !== direction || seen.has(rule.rule_id)) continue;
    seen.add(rule.rule_id);
    const protocol = ruleProtocolNumber(rule.protocol);
    if (protocol === undefined) continue;
    const ports = destinationPortRange(rule);
    const compiled: CompiledRule = {
      ruleId: rule.rule_id,
      index,
      fromPort: ports?.from ?? 0,
      toPort: ports?.to ?? 65_535,
      allPorts: ports === undefined,
      peer: compilePeer(rule, resolvers),
      alone: Object.freeze({ ruleIds: Object.freeze([rule.rule_id]), complete: true }),
    };
    index += 1;
    if (protocol === ALL_PROTOCOLS) {
      anyProtocol.push(compiled);
    } else {
      let bucket = byProtocol.get(protocol);
      if (bucket === undefined) byProtocol.set(protocol, (bucket = []));
      bucket.push(compiled);
    }
  }
  // One list per protocol seen, in rule order, so a match is one pass with no sorting.
  const candidatesByProtocol = new Map<number, readonly CompiledRule[]>();
  const candidatesFor = (protocol: number): readonly CompiledRule[] => {
    let candidates = candidatesByProtocol.get(protocol);
    if (candidates === undefined) {
      const bucket = byProtocol.get(protocol);
      candidates = bucket === undefined ? anyProtocol : [...bucket, ...anyProtocol].sort((a, b) => a.index - b.index);
      candidatesByProtocol.set(protocol, candidates);
    }
    return candidates;
  };

  const evaluate = (protocol: number, port: number | undefined, peerText: string): RuleMatchResult | undefined => {
    const peer = parseIpAddress(peerText);
    if (peer === undefined) return undefined;
    const candidates = candidatesFor(protocol);
    if (candidates.length === 0) return NO_MATCH;
    let first: CompiledRule | undefined;
    let ruleIds: string[] | undefined;
    let complete = true;
    for (const rule of candidates) {
      if (!rule.allPorts && (port === undefined || port < rule.fromPort || port > rule.toPort)) {
        // A record without its port cannot be said to fall outside the range.
        if (port === undefined && peerMatch(rule.peer, peer) !== false) complete = false;
        continue;
      }
      const answer = peerMatch(rule.peer, peer);
      if (answer === true) {
        if (first === undefined) first = rule;
        else (ruleIds ??= [first.ruleId]).push(rule.ruleId);
      } else if (answer === undefined) complete = false;
    }
    if (first === undefined) return complete ? NO_MATCH : NO_MATCH_INCOMPLETE;
    if (ruleIds === undefined) return complete ? first.alone : { ruleIds: first.alone.ruleIds, complete };
    return shared(ruleIds, complete);
  };

  // Equal answers are one object, their ids one array (complete answers; an incomplete single-rule
  // answer shares the array only): whoever keeps something per answer (the decorator serializes
  // each distinct id list once a batch) then finds it again, flow after flow.
  const answers = new Map<string, RuleMatchResult>();
  const shared = (ruleIds: readonly string[], complete: boolean): RuleMatchResult => {
    // NUL cannot occur in a rule id, whatever an inventory file holds: no two id lists share a key.
    const key = `${complete ? '+' : '?'}${ruleIds.join('\u0000')}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = Object.freeze({ ruleIds: Object.freeze(ruleIds), complete });
      answers.set(key, answer);
    }
    return answer;
  };

  // Answers by peer, then by protocol and port: no key is built per record, and equal flows share
  // one answer object (its ids are never mutated).
  const remembered = new Map<string, Map<number, RuleMatchResult | undefined>>();
  return {
    direction,
    match(flow) {
      const protocol = flow.protocol;
      const peerText = flowPeerAddress(flow, direction);
      if (protocol === undefined || peerText === undefined) return undefined;
      const port = flow.dstport;
      const protocolAndPort = protocol * 65_537 + (port ?? 65_536);
      let byPort = remembered.get(peerText);
      if (byPort === undefined) {
        if (remembered.size >= MAX_REMEMBERED_PEERS) remembered.clear();
        byPort = new Map();
        remembered.set(peerText, byPort);
      } else if (byPort.has(protocolAndPort)) {
        return byPort.get(protocolAndPort);
      }
      const result = evaluate(protocol, port, peerText);
      // A port scan sends one peer to thousands of ports: its answers are bounded too.
      if (byPort.size >= MAX_REMEMBERED_PORTS_PER_PEER) byPort.clear();
      byPort.set(protocolAndPort, result);
      return result;
    },
  };
}

/**
 * The rules, among `rules`, that allow a flow in `direction`; see `compileSecurityGroupMatcher`,
 * which this compiles on every call. Code that matches many flows against the same rules compiles
 * once instead.
 *
 * @example
 * matchSecurityGroupRules(flow, 'ingress', rules, UNRESOLVED_PEERS)?.ruleIds // ['sgr-0123456789abcdef0']
 */
export function matchSecurityGroupRules(
  flow: FlowToMatch,
  direction: FlowDirection,
  rules: readonly SecurityGroupRule[],
  resolvers: PeerResolvers,
): RuleMatchResult | undefined {
  return compileSecurityGroupMatcher(direction, rules, resolvers).match(flow);
}

function compilePeer(rule: SecurityGroupRule, resolvers: PeerResolvers): CompiledPeer {
  const peer = rule.peer;
  switch (peer.kind) {
    case 'ipv4_cidr':
    case 'ipv6_cidr': {
      const cidr = parseCidr(peer.cidr);
      return cidr === undefined ? NEVER : { kind: 'cidr', cidr };
    }
    case 'prefix_list':
      return compileSet(resolvers.prefixListEntries(peer.prefix_list_id));
    case 'security_group':
      return compileSet(resolvers.securityGroupMembers(peer.group_id));
  }
}

function compileSet(entries: readonly string[] | undefined): CompiledPeer {
  if (entries === undefined) return UNRESOLVED;
  let set = compiledSets.get(entries);
  if (set === undefined) {
    set = createAddressSet(entries);
    compiledSets.set(entries, set);
  }
  return set.empty ? NEVER : { kind: 'set', set };
}

/** True, false, or undefined when the peer is unresolved. */
function peerMatch(peer: CompiledPeer, address: IpAddress): boolean | undefined {
  switch (peer.kind) {
    case 'cidr':
      return cidrContains(peer.cidr, address);
    case 'set':
      return peer.set.contains(address);
    case 'unresolved':
      return undefined;
    case 'never':
      return false;
  }
}
