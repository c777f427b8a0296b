/**
 * A generated estate for the OpenSearch ledger producer (issue 15): security groups with seven
 * rules each (a public HTTPS service, SSH open to the internet, an over-broad VPC range, DNS, ICMP,
 * all egress, an unused database rule), interfaces in one or two groups, and weeks of flows of
 * every kind the ledger counts: accepted flows of each rule, return traffic, scanners rejected on
 * administration ports (some of which a rule would have allowed), rejected egress, NODATA records.
 * Seeded: the same options always give the same records. The records are parsed flow-log
 * documents; the project's own enrichment (`enrichFlowLogs` over `estateSources`) attributes them,
 * as the decorator does.
 */
import type { FlowLogEnrichmentSources } from '../../../src/enrich/enrich-flow-logs.js';
import type { FlowLogDocument } from '../../../src/flow-log/flow-log-document.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../../../src/ports.js';
import { seededRandom } from '../../../src/seeded-random.js';
import { mapLookup } from '../../support/firehose-builders.js';

export interface EstateOptions {
  readonly seed?: number;
  /** Security groups; seven rules each. Default 50 (350 rules). */
  readonly groups?: number;
  readonly days?: number;
  /** Epoch seconds of the first day. */
  readonly start?: number;
}

export interface Estate {
  readonly rules: readonly SecurityGroupRule[];
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  readonly interfaces: readonly NetworkInterfaceInfo[];
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
  readonly start: number;
  readonly days: number;
  /** `count` more records, continuing the seeded sequence. */
  records(count: number): FlowLogDocument[];
}

const ACCOUNT = '123456789012';
const DEFAULT_START = 1_767_225_600; // 2026-01-01T00:00:00Z
/** Public /8s the clients of the public services come from: publicPeerNetworks reaches past the advisor's threshold. */
const CLIENT_NETWORKS = [3, 13, 18, 20, 23, 34, 35, 44, 52, 54, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72];
/** Public /8s the internet's scanners come from. */
const SCANNER_NETWORKS = [5, 31, 37, 45, 46, 77, 78, 79, 80, 81, 82, 83, 85, 89, 91, 92, 93, 94, 95, 109];
const ADMIN_PORTS = [22, 3389, 23, 3306];

const groupIdOf = (index: number): string => `sg-0${index.toString(16).padStart(16, '0')}`;
const interfaceIdOf = (index: number): string => `eni-0${index.toString(16).padStart(16, '0')}`;

/**
 * @example
 * const estate = generateEstate({ seed: 15, groups: 50, days: 28 });
 * const documents = await enrichFlowLogs(estate.records(10_000), estateSources(estate));
 */
export function generateEstate(options: EstateOptions = {}): Estate {
  const random = seededRandom(options.seed ?? 15);
  const groupCount = options.groups ?? 50;
  const days = options.days ?? 28;
  const start = options.start ?? DEFAULT_START;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const below = (n: number): number => Math.floor(random() * n);

  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  const interfaces: NetworkInterfaceInfo[] = [];
  const interfacesOfGroup = new Map<number, NetworkInterfaceInfo[]>();
  for (let g = 0; g < groupCount; g += 1) {
    const groupId = groupIdOf(g);
    const rule = (suffix: string, rest: Omit<SecurityGroupRule, 'rule_id' | 'group_id'>): SecurityGroupRule => ({ rule_id: `sgr-${g.toString(16).padStart(4, '0')}${suffix}`, group_id: groupId, ...rest });
    rulesByGroup.set(groupId, [
      rule('https', { direction: 'ingress', protocol: 'tcp', from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('ssh', { direction: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('range', { direction: 'ingress', protocol: 'tcp', from_port: 8000, to_port: 8100, peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/8' } }),
      rule('dns', { direction: 'ingress', protocol: 'udp', from_port: 53, to_port: 53, peer: { kind: 'ipv4_cidr', cidr: `10.${g}.0.0/16` } }),
      rule('icmp', { direction: 'ingress', protocol: 'icmp', from_port: -1, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/8' } }),
      rule('egress', { direction: 'egress', protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }),
      rule('mysql', { direction: 'ingress', protocol: 'tcp', from_port: 3306, to_port: 3306, peer: { kind: 'ipv4_cidr', cidr: '172.16.0.0/12' } }),
    ]);
    for (let i = 0; i < 3; i += 1) {
      const index = g * 3 + i;
      // Every fourth interface is in the next group too: replay tuples with two groups, groups with more interfaces.
      const groups = index % 4 === 0 && groupCount > 1 ? [g, (g + 1) % groupCount] : [g];
      const info: NetworkInterfaceInfo = {
        interfaceId: interfaceIdOf(index),
        interfaceType: 'interface',
        vpcId: 'vpc-0estate',
        subnetId: `subnet-0${g}`,
        ownerId: ACCOUNT,
        securityGroups: groups.map((group) => ({ groupId: groupIdOf(group), groupName: `estate-group-${group}` })),
        privateIpv4Addresses: [`10.${g}.100.${10 + i}`],
        ipv6Addresses: [],
        delegatedPrefixes: [],
        publicIpv4Addresses: [],
      };
      interfaces.push(info);
      for (const group of groups) interfacesOfGroup.set(group, [...(interfacesOfGroup.get(group) ?? []), info]);
    }
  }
  const groupMembers = new Map<string, string[]>();
  for (const [group, list] of interfacesOfGroup) groupMembers.set(groupIdOf(group), list.flatMap((info) => info.privateIpv4Addresses));

  // Clients of the public services: a pool, so peers repeat as real clients do.
  const clients = Array.from({ length: 4_000 }, () => `${pick(CLIENT_NETWORKS)}.${below(256)}.${below(256)}.${1 + below(254)}`);
  const admins = Array.from({ length: 12 }, () => `${pick(CLIENT_NETWORKS)}.${below(256)}.${below(256)}.${1 + below(254)}`);
  const scanners = Array.from({ length: 3_000 }, () => `${pick(SCANNER_NETWORKS)}.${below(256)}.${below(256)}.${1 + below(254)}`);
  const destinations = Array.from({ length: 500 }, () => `${pick(CLIENT_NETWORKS)}.${below(256)}.${below(256)}.${1 + below(254)}`);

  const records = (count: number): FlowLogDocument[] => {
    const out: FlowLogDocument[] = [];
    for (let n = 0; n < count; n += 1) {
      const g = below(groupCount);
      const info = pick(interfacesOfGroup.get(g) ?? []);
      const own = info.privateIpv4Addresses[0] as string;
      const time = start + below(days * 86_400);
      const base = { version: 2, account_id: ACCOUNT, interface_id: info.interfaceId, start: time, end: time + (random() < 0.9 ? 60 : 600), log_status: 'OK' };
      const traffic = (fields: Omit<FlowLogDocument, 'version' | 'account_id' | 'interface_id' | 'start' | 'end' | 'log_status' | 'packets' | 'bytes'>): FlowLogDocument => {
        const packets = 1 + below(200);
        return { ...base, packets, bytes: packets * (40 + below(1_400)), ...fields };
      };
      const ephemeral = 32_768 + below(28_000);
      const roll = random();
      // Public HTTPS only on a third of the groups: the other groups' rule stays unused.
      if (roll < 0.3) {
        if (g % 3 === 0) out.push(traffic({ srcaddr: pick(clients), dstaddr: own, srcport: ephemeral, dstport: 443, protocol: 6, action: 'ACCEPT' }));
        else out.push(traffic({ srcaddr: `10.${(g + 1) % groupCount}.1.${below(64)}`, dstaddr: own, srcport: ephemeral, dstport: 8000 + below(100), protocol: 6, action: 'ACCEPT' }));
      } else if (roll < 0.45) {
        out.push(traffic({ srcaddr: `10.${g}.1.${below(64)}`, dstaddr: own, srcport: ephemeral, dstport: 8000 + below(20), protocol: 6, action: 'ACCEPT' }));
      } else if (roll < 0.55) {
        out.push(traffic({ srcaddr: own, dstaddr: pick(destinations), srcport: ephemeral, dstport: pick([443, 80, 123]), protocol: pick([6, 6, 17]), action: 'ACCEPT' }));
      } else if (roll < 0.6) {
        if (g % 2 === 0) out.push(traffic({ srcaddr: `10.${g}.${below(4)}.${below(256)}`, dstaddr: own, srcport: ephemeral, dstport: 53, protocol: 17, action: 'ACCEPT' }));
        else out.push(traffic({ srcaddr: `10.${g}.2.${below(8)}`, dstaddr: own, srcport: 0, dstport: 0, protocol: 1, action: 'ACCEPT' }));
      } else if (roll < 0.7) {
        // The answer of a connection to the public service: return traffic, no rule.
        out.push(traffic({ srcaddr: own, dstaddr: pick(clients), srcport: 443, dstport: ephemeral, protocol: 6, action: 'ACCEPT' }));
      } else if (roll < 0.82) {
        // Scanners on administration ports; SSH is open to the internet, so port 22 was stopped by the network ACL (would_allow).
        out.push(traffic({ srcaddr: pick(scanners), dstaddr: own, srcport: ephemeral, dstport: pick(ADMIN_PORTS), protocol: 6, action: 'REJECT' }));
      } else if (roll < 0.86) {
        // Administrators on SSH, from a handful of public addresses, in some groups only.
        if (g % 5 === 0) out.push(traffic({ srcaddr: pick(admins), dstaddr: own, srcport: ephemeral, dstport: 22, protocol: 6, action: 'ACCEPT' }));
        else out.push(traffic({ srcaddr: pick(scanners), dstaddr: own, srcport: ephemeral, dstport: 5432, protocol: 6, action: 'REJECT' }));
      } else if (roll < 0.9) {
        out.push(traffic({ srcaddr: own, dstaddr: `172.20.${below(256)}.${below(256)}`, srcport: ephemeral, dstport: 25, protocol: 6, action: 'REJECT' }));
      } else if (roll < 0.93) {
        out.push({ ...base, log_status: 'NODATA' });
      } else {
        // A second wave of the VPC range, from the group's neighbours, on the whole range.
        out.push(traffic({ srcaddr: `10.${(g + 7) % groupCount}.1.${below(200)}`, dstaddr: own, srcport: ephemeral, dstport: 8000 + below(101), protocol: 6, action: 'ACCEPT' }));
      }
    }
    return out;
  };

  return { rules: [...rulesByGroup.values()].flat(), rulesByGroup, interfaces, groupMembers, start, days, records };
}

/** Enrichment sources answering from the estate, as EC2 would through the caches. */
export function estateSources(estate: Estate): FlowLogEnrichmentSources {
  const found = <T>(entries: Iterable<readonly [string, T]>): Record<string, LookupOutcome<T>> =>
    Object.fromEntries([...entries].map(([key, value]) => [key, { status: 'found', value } as const]));
  return {
    networkInterfaces: mapLookup(found(estate.interfaces.map((info) => [info.interfaceId, info] as const))),
    securityGroupRules: mapLookup(found(estate.rulesByGroup)),
    securityGroupMembers: mapLookup(found(estate.groupMembers)),
    listRules: false,
  };
}
