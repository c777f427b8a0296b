// Builders for the security-group report: rules and attributed records with defaults and
// overrides, and the attribution ground truth written out as a CLI user has it (AWS CLI inventory
// files and flow-log text), for the report command, the HTML test and the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowLogDocument } from '../../src/flow-log/flow-log-document.js';
import type { SecurityGroupRule } from '../../src/ports.js';
import { isIPv4 } from 'node:net';
import { isPublicAddress } from '../../src/net/index.js';
import { DEFAULT_LEDGER_LIMITS, LEDGER_SCHEMA, type RankingLedger, type ReplayTuple, type ReportLedger, type RuleLedger, type ServiceUse } from '../../src/report/rule-ledger.js';
import { exposedPortsOf } from '../../src/report/rule-summary.js';
import type { ReportFlow } from '../../src/report/security-group-report.js';
import type { AttributionGroundTruth } from './attribution-ground-truth.js';

/** An ingress HTTPS rule open to the internet, unless overridden. */
export function reportRule(overrides: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return {
    rule_id: 'sgr-0aaaaaaaaaaaaaaa1',
    group_id: 'sg-0aaaaaaaaaaaaaaa1',
    direction: 'ingress',
    protocol: 'tcp',
    from_port: 443,
    to_port: 443,
    peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' },
    ...overrides,
  };
}

/** An accepted, attributed ingress record from 203.0.113.10 to 10.0.1.5:443 that the default rule allowed. */
export function reportFlow(overrides: Partial<ReportFlow> = {}): ReportFlow {
  return {
    action: 'ACCEPT',
    interface_id: 'eni-0aaaaaaaaaaaaaaa1',
    srcaddr: '203.0.113.10',
    dstaddr: '10.0.1.5',
    dstport: 443,
    protocol: 6,
    bytes: 1_000,
    packets: 10,
    start: 1_700_000_000,
    end: 1_700_000_060,
    direction: 'ingress',
    security_group_ids: ['sg-0aaaaaaaaaaaaaaa1'],
    security_group_rule_ids: ['sgr-0aaaaaaaaaaaaaaa1'],
    rule_match: 'matched',
    ...overrides,
  };
}

/** The fields written for ground-truth records: the default format plus what attribution reads. */
export const GROUND_TRUTH_LOG_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'tcp-flags', 'pkt-srcaddr', 'pkt-dstaddr',
] as const;

/** A ground-truth record as a line of GROUND_TRUTH_LOG_FIELDS, `-` for absent fields. */
export function groundTruthLogLine(document: FlowLogDocument): string {
  return GROUND_TRUTH_LOG_FIELDS.map((field) => {
    const value = document[field.replaceAll('-', '_')];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
  }).join(' ');
}

/** The S3 header line that tells the parser the fields of the lines after it. */
export const GROUND_TRUTH_HEADER_LINE = GROUND_TRUTH_LOG_FIELDS.join(' ');

/**
 * The environment as EC2 (and the AWS CLI) describes it: DescribeNetworkInterfaces'
 * `NetworkInterfaces` and DescribeSecurityGroupRules' `SecurityGroupRules`, and each prefix
 * list's GetManagedPrefixListEntries `Entries`.
 */
export function groundTruthEc2Output(truth: Pick<AttributionGroundTruth, 'interfaces' | 'rulesByGroup' | 'prefixLists'>) {
  const NetworkInterfaces = truth.interfaces.map((info) => ({
    NetworkInterfaceId: info.interfaceId,
    InterfaceType: info.interfaceType,
    VpcId: info.vpcId,
    SubnetId: info.subnetId,
    OwnerId: info.ownerId,
    Groups: info.securityGroups.map(({ groupId }) => ({ GroupId: groupId, GroupName: groupId.replace(/^sg-0/, '').replace(/0+1$/, '') })),
    PrivateIpAddress: info.privateIpv4Addresses[0],
    PrivateIpAddresses: info.privateIpv4Addresses.map((address, index) => ({ PrivateIpAddress: address, Primary: index === 0 })),
    Ipv6Addresses: info.ipv6Addresses.map((address) => ({ Ipv6Address: address })),
    Ipv4Prefixes: info.delegatedPrefixes.filter((prefix) => !prefix.includes(':')).map((prefix) => ({ Ipv4Prefix: prefix })),
    Ipv6Prefixes: info.delegatedPrefixes.filter((prefix) => prefix.includes(':')).map((prefix) => ({ Ipv6Prefix: prefix })),
  }));
  const SecurityGroupRules = [...truth.rulesByGroup.values()].flat().map((rule) => ({
    SecurityGroupRuleId: rule.rule_id,
    GroupId: rule.group_id,
    GroupOwnerId: '123456789012',
    IsEgress: rule.direction === 'egress',
    IpProtocol: rule.protocol,
    FromPort: rule.from_port ?? -1,
    ToPort: rule.to_port ?? -1,
    ...(rule.peer.kind === 'ipv4_cidr' ? { CidrIpv4: rule.peer.cidr } : {}),
    ...(rule.peer.kind === 'ipv6_cidr' ? { CidrIpv6: rule.peer.cidr } : {}),
    ...(rule.peer.kind === 'prefix_list' ? { PrefixListId: rule.peer.prefix_list_id } : {}),
    ...(rule.peer.kind === 'security_group' ? { ReferencedGroupInfo: { GroupId: rule.peer.group_id, UserId: rule.peer.user_id } } : {}),
    ...(rule.description === undefined ? {} : { Description: rule.description }),
  }));
  const prefixListEntries = new Map([...truth.prefixLists].map(([id, cidrs]) => [id, cidrs.map((cidr) => ({ Cidr: cidr }))]));
  return { NetworkInterfaces, SecurityGroupRules, prefixListEntries };
}

/**
 * Writes the environment as `aws ec2 describe-network-interfaces` and
 * `describe-security-group-rules` output into `directory` (created if need be).
 */
export function writeGroundTruthInventory(truth: Pick<AttributionGroundTruth, 'interfaces' | 'rulesByGroup' | 'prefixLists'>, directory: string): void {
  mkdirSync(directory, { recursive: true });
  const { NetworkInterfaces, SecurityGroupRules } = groundTruthEc2Output(truth);
  writeFileSync(join(directory, 'network-interfaces.json'), JSON.stringify({ NetworkInterfaces }, null, 1));
  writeFileSync(join(directory, 'security-group-rules.json'), JSON.stringify({ SecurityGroupRules }, null, 1));
}

/** The ground truth's records as flow-log text: a header line, then one line per record. */
export function groundTruthLogText(truth: AttributionGroundTruth): string {
  return `${GROUND_TRUTH_HEADER_LINE}\n${truth.flows.map((flow) => groundTruthLogLine(flow.document)).join('\n')}\n`;
}

/** The rules the ground truth's prefix lists make unresolvable from a saved inventory (it holds no prefix-list entries). */
export function prefixListRuleIds(truth: AttributionGroundTruth): string[] {
  return [...truth.rulesByGroup.values()].flat().filter((rule) => rule.peer.kind === 'prefix_list').map((rule) => rule.rule_id).sort();
}

/**
 * The ledger of attributed records computed the plainest way (every peer, port and flow kept in
 * full, no bound reached), written apart from src/report/ledger-builder.ts: the equal-reports test
 * holds the stream's ledger to it. Exposure ports come from `exposedPortsOf`, the one fact it shares.
 */
export function handBuiltLedger(flows: readonly ReportFlow[], rules: readonly SecurityGroupRule[]): ReportLedger {
  const day = (seconds: number): number => Math.floor(seconds / 86_400);
  const byRule = new Map(rules.map((rule) => [rule.rule_id, { rule, matched: [] as ReportFlow[], wouldAllow: [] as ReportFlow[] }]));
  const interfaces = new Map<string, { groups: Set<string>; hours: Set<number> }>();
  const talkers = new Map<string, { name: string | null; bytes: Map<string, number> }>();
  const rejected = { ingress: new Map<string, number>(), egress: new Map<string, number>() };
  const tuples = new Map<string, ReplayTuple>();
  const groupSets: string[][] = [];
  const byRuleMatch = { matched: 0, return_traffic: 0, unmatched: 0, would_allow: 0, no_rule: 0, not_attributed: 0 };
  const unknownRuleIds = new Set<string>();
  const peerOf = (flow: ReportFlow): string | undefined => (flow.direction === 'ingress' ? (flow.pkt_srcaddr ?? flow.srcaddr) : flow.direction === 'egress' ? (flow.pkt_dstaddr ?? flow.dstaddr) : undefined);
  const times = flows.flatMap((flow) => [flow.start, flow.end]).filter((time): time is number => time !== undefined);
  for (const flow of flows) {
    const groups = flow.security_group_ids ?? [];
    if (flow.interface_id !== undefined) {
      const entry = interfaces.get(flow.interface_id) ?? { groups: new Set<string>(), hours: new Set<number>() };
      interfaces.set(flow.interface_id, entry);
      for (const groupId of groups) entry.groups.add(groupId);
      if (flow.start !== undefined && flow.end !== undefined) for (let hour = Math.floor(flow.start / 3_600); hour <= Math.floor(flow.end / 3_600); hour += 1) entry.hours.add(hour);
    }
    groups.forEach((groupId, index) => {
      const entry = talkers.get(groupId) ?? { name: null, bytes: new Map<string, number>() };
      talkers.set(groupId, entry);
      entry.name ??= flow.security_group_names?.[index] ?? null;
      const peer = peerOf(flow);
      if (flow.action === 'ACCEPT' && peer !== undefined && (flow.bytes ?? 0) > 0) entry.bytes.set(peer, (entry.bytes.get(peer) ?? 0) + (flow.bytes ?? 0));
    });
    if (flow.action === 'REJECT' && flow.srcaddr !== undefined) {
      const ranking = flow.direction === 'egress' ? rejected.egress : rejected.ingress;
      ranking.set(flow.srcaddr, (ranking.get(flow.srcaddr) ?? 0) + 1);
    }
    byRuleMatch[flow.rule_match ?? 'not_attributed'] += 1;
    if (flow.rule_match !== 'matched' && flow.rule_match !== 'would_allow') continue;
    for (const ruleId of flow.security_group_rule_ids ?? []) {
      const entry = byRule.get(ruleId);
      if (entry === undefined) unknownRuleIds.add(ruleId);
      else (flow.rule_match === 'matched' ? entry.matched : entry.wouldAllow).push(flow);
    }
    const peer = peerOf(flow);
    if (flow.rule_match === 'matched' && peer !== undefined && flow.protocol !== undefined && (flow.direction === 'ingress' || flow.direction === 'egress')) {
      const groupKey = [...new Set(groups)].sort().join(',');
      let index = groupSets.findIndex((set) => set.join(',') === groupKey);
      if (index === -1) index = groupSets.push(groupKey.split(',')) - 1;
      const key = JSON.stringify([index, flow.direction, peer, flow.protocol, flow.dstport ?? null]);
      const known = tuples.get(key);
      tuples.set(key, { groups: index, direction: flow.direction, peer, protocol: flow.protocol, port: flow.dstport ?? null, flows: (known?.flows ?? 0) + 1 });
    }
  }
  const exact = (values: Iterable<string>): { value: number; exact: boolean } => ({ value: new Set(values).size, exact: true });
  const ranking = (weights: ReadonlyMap<string, number>): RankingLedger => ({
    items: [...weights].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, DEFAULT_LEDGER_LIMITS.rankingItems).map(([key, value]) => ({ key, value, overcount: 0 })),
    total: [...weights.values()].reduce((sum, value) => sum + value, 0),
    exact: true,
    errorBound: 0,
  });
  const rulesLedger = [...byRule.values()].map(({ rule, matched, wouldAllow }): RuleLedger => {
    const peers = matched.map(peerOf).filter((peer): peer is string => peer !== undefined);
    const publicPeers = peers.filter(isPublicAddress);
    const family = rule.peer.kind === 'ipv4_cidr' ? 4 : rule.peer.kind === 'ipv6_cidr' ? 6 : undefined;
    const services = new Map<string, ServiceUse>();
    for (const flow of matched) {
      const port = flow.dstport !== undefined && flow.dstport > 0 ? flow.dstport : 0;
      const key = `${flow.protocol}/${port}`;
      services.set(key, { protocol: flow.protocol ?? 0, port, flows: (services.get(key)?.flows ?? 0) + 1 });
    }
    const days = new Map<number, number>();
    for (const flow of matched) if (flow.start !== undefined) days.set(day(flow.start), (days.get(day(flow.start)) ?? 0) + 1);
    const starts = matched.flatMap((flow) => (flow.start === undefined ? [] : [flow.start]));
    const ends = matched.flatMap((flow) => (flow.end === undefined ? [] : [flow.end]));
    return {
      ruleId: rule.rule_id,
      flows: matched.length,
      bytes: matched.reduce((sum, flow) => sum + (flow.bytes ?? 0), 0),
      packets: matched.reduce((sum, flow) => sum + (flow.packets ?? 0), 0),
      firstSeen: starts.length === 0 ? null : Math.min(...starts),
      lastSeen: ends.length === 0 ? null : Math.max(...ends),
      rejectedWouldAllow: wouldAllow.length,
      distinctPeers: exact(peers),
      publicPeers: exact(publicPeers),
      publicPeerNetworks: new Set(publicPeers.map((peer) => (isIPv4(peer) ? peer.split('.')[0] : ipv6Groups(peer).slice(0, 2).join(':')))).size,
      peerBlocks: { cidrs: [...new Set(peers.filter((peer) => (isIPv4(peer) ? 4 : 6) === family))].map((peer) => `${peer}/${isIPv4(peer) ? 32 : 128}`), exact: true },
      services: { used: [...services.values()].sort((a, b) => a.protocol - b.protocol || a.port - b.port), exact: true },
      hitsByDay: [...days].sort(([a], [b]) => a - b),
      exposures: exposedPortsOf(rule).map(({ port, protocols }) => {
        const toPort = (flow: ReportFlow): boolean => flow.dstport === port && protocols.includes(flow.protocol ?? -1) && isPublicAddress(peerOf(flow) ?? '');
        const accepted = matched.filter(toPort);
        const blocked = wouldAllow.filter(toPort);
        const lastOf = (list: ReportFlow[]): number | null => (list.length === 0 ? null : Math.max(...list.map((flow) => flow.end ?? 0)));
        return { port, acceptedFlows: accepted.length, acceptedSources: exact(accepted.map((flow) => peerOf(flow) ?? '')), lastAccepted: lastOf(accepted), blockedAttempts: blocked.length, blockedSources: exact(blocked.map((flow) => peerOf(flow) ?? '')), lastBlocked: lastOf(blocked) };
      }),
      replayComplete: true,
    };
  });
  return {
    schema: LEDGER_SCHEMA,
    limits: DEFAULT_LEDGER_LIMITS,
    window: { first: flows.some((flow) => flow.start !== undefined) ? Math.min(...flows.flatMap((flow) => (flow.start === undefined ? [] : [flow.start]))) : null, last: times.length === 0 ? null : Math.max(...flows.flatMap((flow) => (flow.end === undefined ? [] : [flow.end]))) },
    totals: {
      records: flows.length,
      accepted: flows.filter((flow) => flow.action === 'ACCEPT').length,
      rejected: flows.filter((flow) => flow.action === 'REJECT').length,
      bytes: flows.reduce((sum, flow) => sum + (flow.bytes ?? 0), 0),
      byRuleMatch,
      interfaces: exact(flows.flatMap((flow) => (flow.interface_id === undefined ? [] : [flow.interface_id]))),
    },
    rules: rulesLedger,
    interfaces: [...interfaces].sort(([a], [b]) => (a < b ? -1 : 1)).map(([interfaceId, entry]) => ({ interfaceId, groupIds: [...entry.groups].sort(), coveredHours: [...entry.hours].sort((a, b) => a - b).map((hour) => [hour, hour] as const) })),
    groups: [...talkers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([groupId, entry]) => ({ groupId, groupName: entry.name, talkers: ranking(entry.bytes) })),
    rejectedSources: { ingress: ranking(rejected.ingress), egress: ranking(rejected.egress) },
    replay: { groupSets, tuples: [...tuples.values()], flowsNotKept: 0 },
    unknownRuleIds: [...unknownRuleIds].sort(),
  };
}

/** The eight groups of an IPv6 address as numbers (no embedded IPv4). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const first = head === '' ? [] : head.split(':');
  const last = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? first : [...first, ...Array<string>(8 - first.length - last.length).fill('0'), ...last];
  return groups.map((group) => Number.parseInt(group, 16));
}
