// Builders for the security-group report: rules and attributed records with defaults and
// overrides, and the attribution ground truth written out as a CLI user has it (AWS CLI inventory
// files and flow-log text), for the report command, the HTML test and the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowLogDocument } from '../../src/flow-log/flow-log-document.js';
import type { SecurityGroupRule } from '../../src/ports.js';
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
export function groundTruthEc2Output(truth: AttributionGroundTruth) {
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
  }));
  const prefixListEntries = new Map([...truth.prefixLists].map(([id, cidrs]) => [id, cidrs.map((cidr) => ({ Cidr: cidr }))]));
  return { NetworkInterfaces, SecurityGroupRules, prefixListEntries };
}

/**
 * Writes the environment as `aws ec2 describe-network-interfaces` and
 * `describe-security-group-rules` output into `directory` (created if need be).
 */
export function writeGroundTruthInventory(truth: AttributionGroundTruth, directory: string): void {
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
