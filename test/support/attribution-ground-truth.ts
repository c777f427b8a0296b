/**
 * A generated environment with known ground truth for rule attribution: interfaces in four tiers,
 * their security groups and rules (overlapping rules, IPv6, prefix lists, group references, ICMP,
 * all-protocol and numbered-protocol rules, port ranges, rules no flow uses, rules far broader than
 * their traffic), and flows built scenario by scenario so that what attribution must say of each
 * is known: the rules that allow it and its `rule_match`.
 *
 * Each flow is built for a purpose (to use a chosen rule, to answer a connection, to fit no rule)
 * and its expected rule ids come from `referenceAllowingRules`, a deliberately plain evaluator
 * written apart from src/analysis: node:net's BlockList for addresses, a loop over every rule. The
 * generator checks its own design as it goes (a flow built to use a rule is allowed by it, a flow
 * built to fit no rule is allowed by none, no flow touches an unused rule, the traffic of an
 * over-broad rule stays inside its declared traffic) and throws if the design is broken.
 *
 * The report (issue 7) can use `unusedRuleIds`, `overBroadRuleIds` and each rule's
 * `trafficCidrs` as its expected answer. A rule is over-broad here when its CIDR is at least 8
 * prefix bits shorter than the widest block of its traffic (0.0.0.0/0 for traffic from a /26, a
 * /16 for traffic from a /24 and a /26).
 */
import { BlockList, isIPv4 } from 'node:net';
import type { FlowDirection } from '../../src/domain/flow-direction.js';
import type { FlowLogDocument } from '../../src/flow-log/flow-log-document.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule, SecurityGroupRulePeer } from '../../src/ports.js';
import type { FlowLogEnrichmentSources } from '../../src/enrich/enrich-flow-logs.js';
import { formatIpAddress } from '../../src/net/index.js';
import { mapLookup } from './firehose-builders.js';
import { seededRandom } from '../../src/seeded-random.js';

export type ExpectedRuleMatch = 'matched' | 'return_traffic' | 'unmatched' | 'would_allow' | 'no_rule';

/** How a flow was built. */
export const Scenario = {
  /** A TCP connection opened with SYN, to use a chosen rule. */
  InitiatingSyn: 'initiating_syn',
  /** TCP or UDP to a server port from an ephemeral port, no SYN in the record, to use a chosen rule. */
  InitiatingByPorts: 'initiating_by_ports',
  /** The answer to a connection a chosen rule allowed, with SYN-ACK. */
  ReturnSynAck: 'return_syn_ack',
  /** The answer to a connection a chosen rule allowed, from the server port, no SYN. */
  ReturnByPorts: 'return_by_ports',
  /** ICMP or ICMPv6 (no ports, no initiation), to use a chosen ICMP or all-protocol rule. */
  Icmp: 'icmp',
  /** Ports alike on both sides (NTP) or no ports (ESP): initiation unknown, to use a chosen rule. */
  UnknownInitiation: 'unknown_initiation',
  /** Accepted, opened with SYN, yet no rule allows it. */
  Unmatched: 'unmatched',
  /** Rejected although a rule allows it (the network ACL blocked it). */
  RejectAllowed: 'reject_allowed',
  /** Rejected and no rule allows it. */
  RejectNoRule: 'reject_no_rule',
} as const;
export type Scenario = (typeof Scenario)[keyof typeof Scenario];

/** A rule with what the design says about it. */
export interface RuleTruth {
  readonly rule: SecurityGroupRule;
  /** Where the flows using the rule come from (ingress) or go to (egress), for CIDR peers. */
  readonly trafficCidrs: readonly string[];
  /** No accepted flow uses it. */
  readonly unused: boolean;
  /** Its CIDR is at least 8 prefix bits shorter than the widest block of its traffic, and it is not ICMPv6 (essential). */
  readonly overBroad: boolean;
}

export interface GroundTruthFlow {
  readonly scenario: Scenario;
  readonly document: FlowLogDocument;
  readonly direction: FlowDirection;
  readonly expected: {
    readonly ruleMatch: ExpectedRuleMatch;
    /** Sorted. */
    readonly ruleIds: readonly string[];
  };
}

export interface AttributionGroundTruth {
  readonly interfaces: readonly NetworkInterfaceInfo[];
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  readonly prefixLists: ReadonlyMap<string, readonly string[]>;
  /** What DescribeNetworkInterfaces with `group-id` would give: private IPv4, IPv6 and delegated prefixes. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
  readonly rules: readonly RuleTruth[];
  readonly flows: readonly GroundTruthFlow[];
  readonly unusedRuleIds: ReadonlySet<string>;
  readonly overBroadRuleIds: ReadonlySet<string>;
}

export interface GroundTruthOptions {
  readonly seed?: number;
  /** Interfaces in each of the web, app and db tiers. */
  readonly interfacesPerTier?: number;
  readonly flows?: number;
}

const ACCOUNT = '123456789012';
const START = 1_700_000_000;

const PREFIX_LISTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['pl-0partners0000001', ['198.51.100.0/25', '2001:db8:bb::/48']],
  ['pl-0awsservices0001', ['203.0.113.128/25']],
]);

interface RuleDesign {
  readonly id: string;
  readonly group: string;
  readonly direction: FlowDirection;
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly peer: SecurityGroupRulePeer;
  readonly traffic?: readonly string[];
  readonly unused?: true;
}

const cidr4 = (cidr: string): SecurityGroupRulePeer => ({ kind: 'ipv4_cidr', cidr });
const cidr6 = (cidr: string): SecurityGroupRulePeer => ({ kind: 'ipv6_cidr', cidr });
const group = (groupId: string): SecurityGroupRulePeer => ({ kind: 'security_group', group_id: groupId, user_id: ACCOUNT });
const prefixList = (id: string): SecurityGroupRulePeer => ({ kind: 'prefix_list', prefix_list_id: id });

const WEB = 'sg-0web0000000000001';
const APP = 'sg-0app0000000000001';
const DB = 'sg-0db00000000000001';
const MGMT = 'sg-0mgmt000000000001';

/** Where interfaces connect out to; the web tier's allow-all rule also sees what mgmt's HTTPS rule targets. */
const EGRESS_TRAFFIC = ['203.0.113.64/26', '203.0.113.128/25'];

const RULE_DESIGNS: readonly RuleDesign[] = [
  { id: 'sgr-web-https-any-v4', group: WEB, direction: 'ingress', protocol: 'tcp', from: 443, to: 443, peer: cidr4('0.0.0.0/0'), traffic: ['203.0.113.0/26'] },
  { id: 'sgr-web-https-any-v6', group: WEB, direction: 'ingress', protocol: 'tcp', from: 443, to: 443, peer: cidr6('::/0'), traffic: ['2001:db8:cc::/64'] },
  { id: 'sgr-web-http-partners', group: WEB, direction: 'ingress', protocol: 'tcp', from: 80, to: 81, peer: prefixList('pl-0partners0000001') },
  { id: 'sgr-web-ssh-admins', group: WEB, direction: 'ingress', protocol: 'tcp', from: 22, to: 22, peer: cidr4('192.0.2.0/28'), traffic: ['192.0.2.0/28'] },
  { id: 'sgr-web-ftp-ssh-overlap', group: WEB, direction: 'ingress', protocol: 'tcp', from: 20, to: 25, peer: cidr4('192.0.2.0/24'), traffic: ['192.0.2.0/28', '192.0.2.16/28'] },
  { id: 'sgr-web-ping', group: WEB, direction: 'ingress', protocol: 'icmp', from: 8, to: -1, peer: cidr4('0.0.0.0/0'), traffic: ['192.0.2.64/26'] },
  { id: 'sgr-web-icmpv6', group: WEB, direction: 'ingress', protocol: 'icmpv6', from: -1, to: -1, peer: cidr6('::/0'), traffic: ['2001:db8:cc::/64'] },
  { id: 'sgr-web-unused-range', group: WEB, direction: 'ingress', protocol: 'tcp', from: 7000, to: 7099, peer: cidr4('10.99.0.0/16'), unused: true },
  { id: 'sgr-web-all-out-v4', group: WEB, direction: 'egress', protocol: '-1', from: -1, to: -1, peer: cidr4('0.0.0.0/0'), traffic: EGRESS_TRAFFIC },
  { id: 'sgr-web-all-out-v6', group: WEB, direction: 'egress', protocol: '-1', from: -1, to: -1, peer: cidr6('::/0'), traffic: ['2001:db8:dd::/64'] },
  { id: 'sgr-app-from-web', group: APP, direction: 'ingress', protocol: 'tcp', from: 8080, to: 8080, peer: group(WEB) },
  { id: 'sgr-app-range-vpc', group: APP, direction: 'ingress', protocol: 'tcp', from: 9000, to: 9100, peer: cidr4('10.0.0.0/16'), traffic: ['10.0.1.0/24', '10.0.250.0/26'] },
  { id: 'sgr-app-udp-range', group: APP, direction: 'ingress', protocol: 'udp', from: 5000, to: 5010, peer: cidr4('10.0.0.0/8'), traffic: ['10.0.250.0/26'] },
  { id: 'sgr-app-esp', group: APP, direction: 'ingress', protocol: '50', peer: cidr4('10.0.0.0/8'), traffic: ['10.0.250.0/26'] },
  { id: 'sgr-app-unused-snmp', group: APP, direction: 'ingress', protocol: 'udp', from: 161, to: 161, peer: cidr4('172.16.0.0/12'), unused: true },
  { id: 'sgr-app-to-db', group: APP, direction: 'egress', protocol: 'tcp', from: 5432, to: 5432, peer: group(DB) },
  { id: 'sgr-app-dns', group: APP, direction: 'egress', protocol: 'udp', from: 53, to: 53, peer: cidr4('10.0.0.2/32'), traffic: ['10.0.0.2/32'] },
  { id: 'sgr-app-aws-https', group: APP, direction: 'egress', protocol: 'tcp', from: 443, to: 443, peer: prefixList('pl-0awsservices0001') },
  { id: 'sgr-db-from-app', group: DB, direction: 'ingress', protocol: 'tcp', from: 5432, to: 5432, peer: group(APP) },
  { id: 'sgr-db-from-app-subnet', group: DB, direction: 'ingress', protocol: 'tcp', from: 5432, to: 5432, peer: cidr4('10.0.2.0/24'), traffic: ['10.0.2.0/24'] },
  { id: 'sgr-db-all-from-admins', group: DB, direction: 'ingress', protocol: '-1', from: -1, to: -1, peer: cidr4('10.0.250.0/24'), traffic: ['10.0.250.0/26'] },
  { id: 'sgr-mgmt-ssh', group: MGMT, direction: 'ingress', protocol: 'tcp', from: 22, to: 22, peer: cidr4('10.0.250.0/24'), traffic: ['10.0.250.0/26'] },
  { id: 'sgr-mgmt-node-exporter', group: MGMT, direction: 'ingress', protocol: '6', from: 9100, to: 9100, peer: cidr4('10.0.250.0/24'), traffic: ['10.0.250.0/26'] },
  { id: 'sgr-mgmt-https-out', group: MGMT, direction: 'egress', protocol: 'tcp', from: 443, to: 443, peer: cidr4('0.0.0.0/0'), traffic: EGRESS_TRAFFIC },
];

/** Peers no rule is meant for, for flows that no rule should allow. */
const STRANGER_RANGES_V4 = ['100.64.0.0/10', '198.51.100.0/24', '192.0.2.0/24', '10.0.0.0/8'];
const STRANGER_RANGES_V6 = ['2001:db8:ee::/48'];
const STRANGER_PORTS = [22, 25, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200];
/** Server ports used for all-protocol rules: all below the ephemeral range, as servers are. */
const ANY_PROTOCOL_PORTS = [22, 443, 3389, 5432, 8443, 9200];

/**
 * Builds the environment and its flows; the same options always give the same answer.
 *
 * @example
 * const truth = generateAttributionGroundTruth({ seed: 7, interfacesPerTier: 20, flows: 2000 });
 * const documents = await enrichFlowLogs(truth.flows.map((flow) => ({ ...flow.document })), groundTruthSources(truth));
 */
export function generateAttributionGroundTruth(options: GroundTruthOptions = {}): AttributionGroundTruth {
  const random = seededRandom(options.seed ?? 1);
  const perTier = options.interfacesPerTier ?? 20;
  const flowCount = options.flows ?? 2000;
  const interfaces = buildInterfaces(perTier);
  const rules = RULE_DESIGNS.map(toRuleTruth);
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const { rule } of rules) {
    let list = rulesByGroup.get(rule.group_id);
    if (list === undefined) rulesByGroup.set(rule.group_id, (list = []));
    list.push(rule);
  }
  const groupMembers = membersOf(interfaces);
  const environment: Environment = { interfaces, rulesByGroup, prefixLists: PREFIX_LISTS, groupMembers };
  const designs = new Map(RULE_DESIGNS.map((design) => [design.id, design]));
  const builder = createFlowBuilder(environment, designs, random);

  const scenarios = Object.values(Scenario);
  const flows: GroundTruthFlow[] = [];
  let attempts = 0;
  while (flows.length < flowCount) {
    attempts += 1;
    if (attempts > flowCount * 50) throw new Error('ground truth: too many attempts; the design leaves a scenario impossible');
    const scenario = scenarios[flows.length % scenarios.length] as Scenario;
    const flow = builder.build(scenario);
    if (flow !== undefined) flows.push(flow);
  }

  const unusedRuleIds = new Set(rules.filter((truth) => truth.unused).map((truth) => truth.rule.rule_id));
  const overBroadRuleIds = new Set(rules.filter((truth) => truth.overBroad).map((truth) => truth.rule.rule_id));
  checkDesign(flows, rules, unusedRuleIds);
  return { interfaces, rulesByGroup, prefixLists: PREFIX_LISTS, groupMembers, rules, flows, unusedRuleIds, overBroadRuleIds };
}

/** Enrichment sources answering from the environment, as EC2 would through the caches. */
export function groundTruthSources(truth: AttributionGroundTruth): FlowLogEnrichmentSources {
  const found = <T>(entries: Iterable<readonly [string, T]>): Record<string, LookupOutcome<T>> =>
    Object.fromEntries([...entries].map(([key, value]) => [key, { status: 'found', value } as const]));
  return {
    networkInterfaces: mapLookup(found(truth.interfaces.map((info) => [info.interfaceId, info] as const))),
    securityGroupRules: mapLookup(found(truth.rulesByGroup)),
    prefixLists: mapLookup(found(truth.prefixLists)),
    securityGroupMembers: mapLookup(found(truth.groupMembers)),
    listRules: false,
  };
}

interface Environment {
  readonly interfaces: readonly NetworkInterfaceInfo[];
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  readonly prefixLists: ReadonlyMap<string, readonly string[]>;
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
}

function toRuleTruth(design: RuleDesign): RuleTruth {
  const rule: SecurityGroupRule = {
    rule_id: design.id,
    group_id: design.group,
    direction: design.direction,
    protocol: design.protocol,
    ...(design.from === undefined ? {} : { from_port: design.from }),
    ...(design.to === undefined ? {} : { to_port: design.to }),
    peer: design.peer,
  };
  const traffic = design.traffic ?? [];
  const peerPrefix = design.peer.kind === 'ipv4_cidr' || design.peer.kind === 'ipv6_cidr' ? prefixLengthOf(design.peer.cidr) : undefined;
  const widestTraffic = Math.min(...traffic.map(prefixLengthOf));
  // ICMPv6 is essential (neighbour discovery, path MTU discovery): never over-broad, whatever its traffic.
  const overBroad = design.unused !== true && design.protocol !== 'icmpv6' && peerPrefix !== undefined && traffic.length > 0 && peerPrefix + 8 <= widestTraffic;
  return { rule, trafficCidrs: traffic, unused: design.unused === true, overBroad };
}

function buildInterfaces(perTier: number): NetworkInterfaceInfo[] {
  const interfaces: NetworkInterfaceInfo[] = [];
  const base = (tier: string, index: number, groups: readonly string[], rest: Partial<NetworkInterfaceInfo>): NetworkInterfaceInfo => ({
    interfaceId: `eni-0${tier}${index.toString(16).padStart(16 - tier.length, '0')}`,
    interfaceType: 'interface',
    vpcId: 'vpc-0a1b2c3d',
    subnetId: `subnet-0${tier}`,
    ownerId: ACCOUNT,
    securityGroups: groups.map((groupId) => ({ groupId })),
    privateIpv4Addresses: [],
    ipv6Addresses: [],
    delegatedPrefixes: [],
    publicIpv4Addresses: [],
    ...rest,
  });
  for (let index = 0; index < perTier; index += 1) {
    const host = 10 + index;
    interfaces.push(
      base('web', index, index % 3 === 0 ? [WEB, MGMT] : [WEB], {
        privateIpv4Addresses: [`10.0.1.${host}`, ...(index % 4 === 0 ? [`10.0.1.${host + 100}`] : [])],
        ipv6Addresses: [`2001:db8:1::${host.toString(16)}`],
      }),
      base('app', index, index % 3 === 1 ? [APP, MGMT] : [APP], { privateIpv4Addresses: [`10.0.2.${host}`] }),
      base('db', index, index % 3 === 2 ? [DB, MGMT] : [DB], {
        privateIpv4Addresses: [`10.0.3.${host}`],
        delegatedPrefixes: index % 2 === 0 ? [`10.0.${100 + index}.0/28`] : [],
      }),
    );
  }
  return interfaces;
}

function membersOf(interfaces: readonly NetworkInterfaceInfo[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const info of interfaces) {
    for (const { groupId } of info.securityGroups) {
      let list = members.get(groupId);
      if (list === undefined) members.set(groupId, (list = []));
      list.push(...info.privateIpv4Addresses, ...info.ipv6Addresses, ...info.delegatedPrefixes);
    }
  }
  return members;
}

interface FlowBuilder {
  build(scenario: Scenario): GroundTruthFlow | undefined;
}

interface Connection {
  readonly info: NetworkInterfaceInfo;
  readonly direction: FlowDirection;
  readonly local: string;
  readonly peer: string;
  readonly protocol: number;
  readonly serverPort: number;
  readonly clientPort: number;
}

function createFlowBuilder(environment: Environment, designs: ReadonlyMap<string, RuleDesign>, random: () => number): FlowBuilder {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (from: number, to: number): number => from + Math.floor(random() * (to - from + 1));
  const clientPort = (): number => between(49_152, 65_535);

  /** Rules an interface can use in a direction (not the unused ones), with a local address of the needed family. */
  const usableRules = (info: NetworkInterfaceInfo, direction: FlowDirection, accept: (design: RuleDesign) => boolean): RuleDesign[] =>
    info.securityGroups.flatMap(({ groupId }) =>
      (environment.rulesByGroup.get(groupId) ?? [])
        .map((rule) => designs.get(rule.rule_id) as RuleDesign)
        .filter((design) => design.direction === direction && design.unused !== true && accept(design)),
    );

  /** Members of a group other than the interface itself (traffic to oneself never crosses the interface), worked out once per pair. */
  const otherMembersByInterface = new Map<NetworkInterfaceInfo, Map<string, readonly string[]>>();
  const otherMembers = (info: NetworkInterfaceInfo, groupId: string): readonly string[] => {
    let byGroup = otherMembersByInterface.get(info);
    if (byGroup === undefined) otherMembersByInterface.set(info, (byGroup = new Map<string, readonly string[]>()));
    let members = byGroup.get(groupId);
    if (members === undefined) byGroup.set(groupId, (members = (environment.groupMembers.get(groupId) ?? []).filter((member) => !ownsAddress(info, member))));
    return members;
  };

  const peerFor = (design: RuleDesign, info: NetworkInterfaceInfo): string | undefined => {
    const wantsV6 = design.peer.kind === 'ipv6_cidr' || (design.protocol === 'icmpv6');
    const families = info.ipv6Addresses.length > 0 ? [4, 6] : [4];
    let candidates: readonly string[];
    switch (design.peer.kind) {
      case 'ipv4_cidr':
      case 'ipv6_cidr':
        candidates = design.traffic ?? [];
        break;
      case 'prefix_list':
        candidates = environment.prefixLists.get(design.peer.prefix_list_id) ?? [];
        break;
      case 'security_group':
        candidates = otherMembers(info, design.peer.group_id);
        break;
    }
    const fitting = candidates.filter((candidate) => families.includes(familyOf(candidate)) && (!wantsV6 || familyOf(candidate) === 6));
    if (fitting.length === 0) return undefined;
    return sampleIn(pick(fitting), random);
  };

  const protocolFor = (design: RuleDesign): number | undefined => {
    switch (design.protocol) {
      case '-1':
        return 6;
      case 'tcp':
      case '6':
        return 6;
      case 'udp':
        return 17;
      default:
        return undefined;
    }
  };

  const connectionFor = (info: NetworkInterfaceInfo, design: RuleDesign): Connection | undefined => {
    const protocol = protocolFor(design);
    if (protocol === undefined) return undefined;
    const peer = peerFor(design, info);
    if (peer === undefined) return undefined;
    const local = localAddress(info, familyOf(peer));
    if (local === undefined) return undefined;
    const serverPort = design.protocol === '-1' ? pick(ANY_PROTOCOL_PORTS) : between(design.from ?? 0, design.to ?? 0);
    return { info, direction: design.direction, local, peer, protocol, serverPort, clientPort: clientPort() };
  };

  /** A connection that uses a randomly chosen rule of a randomly chosen interface. */
  const targetedConnection = (accept: (design: RuleDesign) => boolean): { connection: Connection; design: RuleDesign } | undefined => {
    const info = pick(environment.interfaces);
    const direction = random() < 0.6 ? 'ingress' : 'egress';
    const candidates = usableRules(info, direction, accept);
    if (candidates.length === 0) return undefined;
    const design = pick(candidates);
    const connection = connectionFor(info, design);
    return connection === undefined ? undefined : { connection, design };
  };

  const initiatingDocument = (connection: Connection, extra: Partial<FlowLogDocument>): FlowLogDocument => {
    const { local, peer, serverPort, clientPort: client } = connection;
    return connection.direction === 'ingress'
      ? document(connection, { srcaddr: peer, dstaddr: local, srcport: client, dstport: serverPort, ...extra })
      : document(connection, { srcaddr: local, dstaddr: peer, srcport: client, dstport: serverPort, ...extra });
  };

  /** The answer, logged on the same interface in the other direction. */
  const returnDocument = (connection: Connection, extra: Partial<FlowLogDocument>): { document: FlowLogDocument; direction: FlowDirection } => {
    const { local, peer, serverPort, clientPort: client } = connection;
    return connection.direction === 'ingress'
      ? { direction: 'egress', document: document(connection, { srcaddr: local, dstaddr: peer, srcport: serverPort, dstport: client, ...extra }) }
      : { direction: 'ingress', document: document(connection, { srcaddr: peer, dstaddr: local, srcport: serverPort, dstport: client, ...extra }) };
  };

  const document = (connection: Connection, fields: Partial<FlowLogDocument>): FlowLogDocument => {
    const start = START + Math.floor(random() * 3600);
    const v5 = random() < 0.5;
    const base: FlowLogDocument = {
      version: v5 ? 5 : 2,
      account_id: ACCOUNT,
      interface_id: connection.info.interfaceId,
      protocol: connection.protocol,
      packets: between(1, 40),
      bytes: between(40, 60_000),
      start,
      end: start + 60,
      action: 'ACCEPT',
      log_status: 'OK',
      ...fields,
    };
    // v5 records carry the packet-level addresses too (equal here: no NAT on the way).
    return v5 && base.srcaddr !== undefined && base.dstaddr !== undefined ? { ...base, pkt_srcaddr: base.srcaddr, pkt_dstaddr: base.dstaddr } : base;
  };

  const flow = (scenario: Scenario, made: FlowLogDocument, direction: FlowDirection, ruleMatch: ExpectedRuleMatch): GroundTruthFlow => {
    const info = environment.interfaces.find((candidate) => candidate.interfaceId === made.interface_id) as NetworkInterfaceInfo;
    const allowing = ruleMatch === 'return_traffic' ? [] : referenceAllowingRules(environment, info, direction, made);
    return { scenario, document: made, direction, expected: { ruleMatch, ruleIds: allowing } };
  };

  const stranger = (info: NetworkInterfaceInfo, direction: FlowDirection, action: 'ACCEPT' | 'REJECT', scenario: Scenario): GroundTruthFlow | undefined => {
    const ranges = info.ipv6Addresses.length > 0 && random() < 0.25 ? STRANGER_RANGES_V6 : STRANGER_RANGES_V4;
    const peer = sampleIn(pick(ranges), random);
    const local = localAddress(info, familyOf(peer));
    if (local === undefined || ownsAddress(info, peer)) return undefined;
    const connection: Connection = { info, direction, local, peer, protocol: 6, serverPort: pick(STRANGER_PORTS), clientPort: clientPort() };
    const made = initiatingDocument(connection, { tcp_flags: 2, action });
    if (referenceAllowingRules(environment, info, direction, made).length > 0) return undefined;
    return flow(scenario, made, direction, action === 'ACCEPT' ? 'unmatched' : 'no_rule');
  };

  const checked = (made: GroundTruthFlow, design: RuleDesign): GroundTruthFlow => {
    if (!made.expected.ruleIds.includes(design.id)) {
      throw new Error(`ground truth: a flow built to use ${design.id} is not allowed by it: ${JSON.stringify(made.document)}`);
    }
    return made;
  };

  const transport = (design: RuleDesign): boolean => protocolFor(design) !== undefined;

  return {
    build(scenario) {
      switch (scenario) {
        case Scenario.InitiatingSyn:
        case Scenario.RejectAllowed: {
          const target = targetedConnection((design) => transport(design) && protocolFor(design) === 6);
          if (target === undefined) return undefined;
          const action = scenario === Scenario.RejectAllowed ? 'REJECT' : 'ACCEPT';
          const made = initiatingDocument(target.connection, { tcp_flags: pick([2, 3]), action });
          return checked(flow(scenario, made, target.connection.direction, action === 'ACCEPT' ? 'matched' : 'would_allow'), target.design);
        }
        case Scenario.InitiatingByPorts: {
          const target = targetedConnection(transport);
          if (target === undefined) return undefined;
          const flags = target.connection.protocol === 6 ? pick<number | undefined>([undefined, 0, 1, 8]) : undefined;
          const made = initiatingDocument(target.connection, flags === undefined ? {} : { tcp_flags: flags });
          return checked(flow(scenario, made, target.connection.direction, 'matched'), target.design);
        }
        case Scenario.ReturnSynAck:
        case Scenario.ReturnByPorts: {
          const target = targetedConnection((design) => transport(design) && (scenario === Scenario.ReturnByPorts || protocolFor(design) === 6));
          if (target === undefined) return undefined;
          const flags = scenario === Scenario.ReturnSynAck ? pick([18, 19, 22]) : target.connection.protocol === 6 ? pick<number | undefined>([undefined, 0, 1]) : undefined;
          const answer = returnDocument(target.connection, flags === undefined ? {} : { tcp_flags: flags });
          return flow(scenario, answer.document, answer.direction, 'return_traffic');
        }
        case Scenario.Icmp: {
          const info = pick(environment.interfaces);
          const icmpRules = usableRules(info, 'ingress', (design) => design.protocol === 'icmp' || design.protocol === 'icmpv6' || design.protocol === '-1');
          const design = icmpRules.length > 0 && random() < 0.8 ? pick(icmpRules) : undefined;
          const peer = design === undefined ? sampleIn(pick(['192.0.2.0/24', '198.51.100.0/24']), random) : peerFor(design, info);
          if (peer === undefined) return undefined;
          const local = localAddress(info, familyOf(peer));
          if (local === undefined) return undefined;
          const protocol = familyOf(peer) === 6 ? 58 : 1;
          const connection: Connection = { info, direction: 'ingress', local, peer, protocol, serverPort: 0, clientPort: 0 };
          const made = flow(scenario, initiatingDocument(connection, {}), 'ingress', 'matched');
          if (design !== undefined) return checked(made, design);
          // A ping from a stranger is kept only when no rule allows it: allowed traffic comes from the declared ranges.
          return made.expected.ruleIds.length > 0 ? undefined : { ...made, expected: { ...made.expected, ruleMatch: 'unmatched' } };
        }
        case Scenario.UnknownInitiation: {
          const info = pick(environment.interfaces);
          const peer = sampleIn('10.0.250.0/26', random);
          const local = localAddress(info, 4) as string;
          const ntp = random() < 0.5;
          const connection: Connection = ntp
            ? { info, direction: 'ingress', local, peer, protocol: 17, serverPort: 123, clientPort: 123 }
            : { info, direction: 'ingress', local, peer, protocol: 50, serverPort: 0, clientPort: 0 };
          const made = flow(scenario, initiatingDocument(connection, {}), 'ingress', 'matched');
          return { ...made, expected: { ...made.expected, ruleMatch: made.expected.ruleIds.length > 0 ? 'matched' : 'unmatched' } };
        }
        case Scenario.Unmatched:
          return stranger(pick(environment.interfaces), random() < 0.6 ? 'ingress' : 'egress', 'ACCEPT', scenario);
        case Scenario.RejectNoRule:
          return stranger(pick(environment.interfaces), random() < 0.6 ? 'ingress' : 'egress', 'REJECT', scenario);
      }
    },
  };
}

/**
 * The rules that allow a flow, the plain way: every rule of every group of the interface, in the
 * flow's direction, checked field by field; addresses through node:net's BlockList. Sorted ids.
 */
export function referenceAllowingRules(
  environment: Pick<Environment, 'rulesByGroup' | 'prefixLists' | 'groupMembers'>,
  info: NetworkInterfaceInfo,
  direction: FlowDirection,
  flow: FlowLogDocument,
): string[] {
  const peer = direction === 'ingress' ? (flow.pkt_srcaddr ?? flow.srcaddr) : (flow.pkt_dstaddr ?? flow.dstaddr);
  if (peer === undefined || flow.protocol === undefined) return [];
  const family = isIPv4(peer) ? 'ipv4' : 'ipv6';
  const allowed = new Set<string>();
  for (const { groupId } of info.securityGroups) {
    for (const rule of environment.rulesByGroup.get(groupId) ?? []) {
      if (rule.direction !== direction) continue;
      const protocol = PROTOCOL_NUMBERS[rule.protocol.toLowerCase()] ?? Number(rule.protocol);
      if (protocol !== -1 && protocol !== flow.protocol) continue;
      const checksPorts = (protocol === 6 || protocol === 17) && rule.from_port !== undefined && rule.to_port !== undefined && rule.from_port !== -1;
      if (checksPorts && (flow.dstport === undefined || flow.dstport < (rule.from_port ?? 0) || flow.dstport > (rule.to_port ?? 65_535))) continue;
      let entries: readonly string[];
      switch (rule.peer.kind) {
        case 'ipv4_cidr':
        case 'ipv6_cidr':
          entries = singleEntries(rule.peer.cidr);
          break;
        case 'prefix_list':
          entries = environment.prefixLists.get(rule.peer.prefix_list_id) ?? [];
          break;
        case 'security_group':
          entries = environment.groupMembers.get(rule.peer.group_id) ?? [];
          break;
      }
      if (blockListOf(entries, family).check(peer, family)) allowed.add(rule.rule_id);
    }
  }
  return [...allowed].sort();
}

const singles = new Map<string, readonly string[]>();
function singleEntries(cidr: string): readonly string[] {
  let entries = singles.get(cidr);
  if (entries === undefined) singles.set(cidr, (entries = [cidr]));
  return entries;
}

const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { '-1': -1, tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/**
 * The entries of one family only: BlockList counts IPv4 addresses as IPv4-mapped IPv6 ones, so
 * `::/0` would hold every IPv4 address, which a security group's IPv6 rule never does.
 */
function blockListOf(entries: readonly string[], family: 'ipv4' | 'ipv6'): BlockList {
  const cached = blockLists.get(entries)?.[family];
  if (cached !== undefined) return cached;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (type !== family) continue;
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  const byFamily = blockLists.get(entries) ?? {};
  byFamily[family] = list;
  blockLists.set(entries, byFamily);
  return list;
}

const blockLists = new WeakMap<readonly string[], { ipv4?: BlockList; ipv6?: BlockList }>();

function checkDesign(flows: readonly GroundTruthFlow[], rules: readonly RuleTruth[], unused: ReadonlySet<string>): void {
  const byId = new Map(rules.map((truth) => [truth.rule.rule_id, truth]));
  for (const flow of flows) {
    if (flow.expected.ruleMatch !== 'matched') continue;
    for (const ruleId of flow.expected.ruleIds) {
      if (unused.has(ruleId)) throw new Error(`ground truth: the unused rule ${ruleId} allows ${JSON.stringify(flow.document)}`);
      const truth = byId.get(ruleId);
      const peer = flow.direction === 'ingress' ? flow.document.srcaddr : flow.document.dstaddr;
      const family = peer !== undefined && isIPv4(peer) ? 'ipv4' : 'ipv6';
      if (truth?.overBroad === true && peer !== undefined && !blockListOf(truth.trafficCidrs, family).check(peer, family)) {
        throw new Error(`ground truth: ${ruleId} is used from ${peer}, outside its declared traffic ${truth.trafficCidrs.join(', ')}`);
      }
    }
  }
}

function familyOf(addressOrCidr: string): 4 | 6 {
  return addressOrCidr.includes(':') ? 6 : 4;
}

function prefixLengthOf(cidr: string): number {
  const [, prefix] = cidr.split('/');
  return prefix === undefined ? (familyOf(cidr) === 4 ? 32 : 128) : Number(prefix);
}

function localAddress(info: NetworkInterfaceInfo, family: 4 | 6): string | undefined {
  return family === 4 ? info.privateIpv4Addresses[info.privateIpv4Addresses.length - 1] : info.ipv6Addresses[0];
}

function ownsAddress(info: NetworkInterfaceInfo, addressOrCidr: string): boolean {
  const address = addressOrCidr.split('/')[0] ?? '';
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  return blockListOf(ownedEntriesOf(info), family).check(address, family);
}

/** One list per interface, so blockListOf builds its BlockList once (a million-flow benchmark calls this for every group member). */
function ownedEntriesOf(info: NetworkInterfaceInfo): readonly string[] {
  let entries = ownedEntries.get(info);
  if (entries === undefined) ownedEntries.set(info, (entries = [...info.privateIpv4Addresses, ...info.ipv6Addresses, ...info.delegatedPrefixes]));
  return entries;
}

const ownedEntries = new WeakMap<NetworkInterfaceInfo, readonly string[]>();

/** A random address inside a CIDR (or the address itself), as text. */
function sampleIn(cidr: string, random: () => number): string {
  const [address = '', prefixText] = cidr.split('/');
  if (prefixText === undefined) return address;
  const prefix = Number(prefixText);
  if (familyOf(address) === 4) {
    const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const size = 2 ** (32 - prefix);
    const sampled = value - (value % size) + Math.floor(random() * size);
    return [24, 16, 8, 0].map((shift) => Math.floor(sampled / 2 ** shift) % 256).join('.');
  }
  const value = ipv6ToBigInt(address);
  const hostBits = BigInt(128 - prefix);
  const network = (value >> hostBits) << hostBits;
  let host = 0n;
  for (let bit = 0n; bit < hostBits; bit += 16n) host |= BigInt(Math.floor(random() * 65_536)) << bit;
  host &= (1n << hostBits) - 1n;
  const sampled = network | host;
  const word = (shift: bigint): number => Number((sampled >> shift) & 0xffffffffn);
  return formatIpAddress({ family: 6, words: [word(96n), word(64n), word(32n), word(0n)] });
}

function ipv6ToBigInt(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
}
