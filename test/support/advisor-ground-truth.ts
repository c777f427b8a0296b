/**
 * A ground-truth environment for the security-group advisor: five groups as a real VPC has them
 * (a public web tier, an application tier, a database, a bastion, and a service deployed two days
 * ago), rules chosen so that every verdict occurs, and three weeks of flow records: thousands of
 * public HTTPS clients spread over the internet, an office using SSH, SSH and MySQL scanners
 * stopped by the network ACL, tiers talking to each other, and a NODATA record for every hour an
 * interface saw nothing (coverage). `expected` holds, per rule, the verdict the design calls for
 * and why; the records are raw flow-log documents, attributed by the real enrichment.
 */
import type { FlowLogEnrichmentSources } from '../../src/enrich/enrich-flow-logs.js';
import { isPublicAddress } from '../../src/net/index.js';
import type { FlowLogDocument } from '../../src/flow-log/flow-log-document.js';
import type { LookupOutcome, NetworkInterfaceInfo, SecurityGroupRule, SecurityGroupRulePeer } from '../../src/ports.js';
import type { ReplacementRule, Verdict, VerdictReason } from '../../src/report/report-model.js';
import { seededRandom } from '../../src/seeded-random.js';
import { mapLookup } from './firehose-builders.js';

const ACCOUNT = '123456789012';
export const ADVISOR_GROUPS = {
  web: 'sg-0web0000000000001',
  app: 'sg-0app0000000000001',
  db: 'sg-0db00000000000001',
  bastion: 'sg-0bastion00000001',
  fresh: 'sg-0fresh0000000001',
} as const;
const { web: WEB, app: APP, db: DB, bastion: BASTION, fresh: FRESH } = ADVISOR_GROUPS;

/** What the design calls for. */
export interface ExpectedAdvice {
  readonly verdict: Verdict;
  readonly reasons: readonly VerdictReason[];
  readonly replacement?: readonly ReplacementRule[];
  readonly shadowedBy?: readonly string[];
}

export interface AdvisorGroundTruth {
  readonly interfaces: readonly NetworkInterfaceInfo[];
  readonly rules: readonly SecurityGroupRule[];
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
  readonly documents: readonly FlowLogDocument[];
  readonly expected: ReadonlyMap<string, ExpectedAdvice>;
  /** Records built as accepted connection openings (what the safety check must replay). */
  readonly initiatingAccepted: number;
}

const cidr4 = (cidr: string): SecurityGroupRulePeer => ({ kind: 'ipv4_cidr', cidr });
const cidr6 = (cidr: string): SecurityGroupRulePeer => ({ kind: 'ipv6_cidr', cidr });
const group = (groupId: string): SecurityGroupRulePeer => ({ kind: 'security_group', group_id: groupId, user_id: ACCOUNT });

function rule(rule_id: string, group_id: string, direction: 'ingress' | 'egress', protocol: string, from: number, to: number, peer: SecurityGroupRulePeer, description: string): SecurityGroupRule {
  return { rule_id, group_id, direction, protocol, from_port: from, to_port: to, peer, description };
}

const ICMP_FRAG: ReplacementRule = { ipProtocol: 'icmp', fromPort: 3, toPort: 4 };

export const ADVISOR_RULES: readonly SecurityGroupRule[] = [
  rule('sgr-web-https', WEB, 'ingress', 'tcp', 443, 443, cidr4('0.0.0.0/0'), 'HTTPS from anywhere'),
  rule('sgr-web-https-partner', WEB, 'ingress', 'tcp', 443, 443, cidr4('203.0.113.0/24'), 'old partner HTTPS'),
  rule('sgr-web-icmpv6', WEB, 'ingress', 'icmpv6', -1, -1, cidr6('::/0'), 'path MTU discovery'),
  rule('sgr-web-ssh-any', WEB, 'ingress', 'tcp', 22, 22, cidr4('0.0.0.0/0'), 'SSH (temporary)'),
  rule('sgr-web-all-out', WEB, 'egress', '-1', -1, -1, cidr4('0.0.0.0/0'), 'all traffic'),
  rule('sgr-app-from-web', APP, 'ingress', 'tcp', 8080, 8080, cidr4('10.0.0.0/16'), 'from the web tier'),
  rule('sgr-app-metrics', APP, 'ingress', 'tcp', 9000, 9999, cidr4('10.0.0.0/16'), 'metrics range'),
  rule('sgr-app-old-admin', APP, 'ingress', 'tcp', 8443, 8443, cidr4('10.0.0.0/16'), 'old admin UI'),
  rule('sgr-app-to-db', APP, 'egress', 'tcp', 5432, 5432, cidr4('10.0.0.0/16'), 'to the database'),
  rule('sgr-app-dns', APP, 'egress', 'udp', 53, 53, cidr4('0.0.0.0/0'), 'DNS'),
  rule('sgr-db-from-app', DB, 'ingress', 'tcp', 5432, 5432, group(APP), 'PostgreSQL from the app tier'),
  rule('sgr-db-mysql-any', DB, 'ingress', 'tcp', 3306, 3306, cidr4('0.0.0.0/0'), 'legacy MySQL'),
  rule('sgr-bastion-ssh', BASTION, 'ingress', 'tcp', 22, 22, cidr4('198.51.100.0/24'), 'SSH from the office'),
  rule('sgr-bastion-frag', BASTION, 'ingress', 'icmp', 3, 4, cidr4('0.0.0.0/0'), 'fragmentation needed'),
  rule('sgr-bastion-out', BASTION, 'egress', '-1', -1, -1, cidr4('10.0.0.0/16'), 'into the VPC'),
  rule('sgr-fresh-https', FRESH, 'ingress', 'tcp', 443, 443, cidr4('0.0.0.0/0'), 'new service'),
  rule('sgr-fresh-internal', FRESH, 'ingress', 'tcp', 8080, 8080, cidr4('10.0.0.0/16'), 'new internal port'),
];

const EXPECTED: ReadonlyMap<string, ExpectedAdvice> = new Map<string, ExpectedAdvice>([
  ['sgr-web-https', { verdict: 'keep', reasons: ['public_service'] }],
  ['sgr-web-https-partner', { verdict: 'remove', reasons: ['shadowed'], shadowedBy: ['sgr-web-https'] }],
  ['sgr-web-icmpv6', { verdict: 'keep', reasons: ['essential'] }],
  [
    'sgr-web-ssh-any',
    { verdict: 'narrow', reasons: ['exposed_admin_port', 'over_broad_peers'], replacement: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '198.51.100.8/29' }] },
  ],
  [
    'sgr-web-all-out',
    {
      verdict: 'narrow',
      reasons: ['over_broad_peers', 'unused_protocols'],
      replacement: [
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.2.10/31' },
        { ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '10.0.2.10/31' },
        { ...ICMP_FRAG, cidrIpv4: '10.0.2.10/31' },
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '52.94.76.10/31' },
        { ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIpv4: '52.94.76.10/31' },
        { ...ICMP_FRAG, cidrIpv4: '52.94.76.10/31' },
      ],
    },
  ],
  ['sgr-app-from-web', { verdict: 'narrow', reasons: ['peers_in_security_group'], replacement: [{ ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, referencedGroupId: WEB }] }],
  [
    'sgr-app-metrics',
    { verdict: 'narrow', reasons: ['peers_in_security_group', 'unused_ports'], replacement: [{ ipProtocol: 'tcp', fromPort: 9100, toPort: 9100, referencedGroupId: BASTION }] },
  ],
  ['sgr-app-old-admin', { verdict: 'remove', reasons: ['unused'] }],
  ['sgr-app-to-db', { verdict: 'narrow', reasons: ['peers_in_security_group'], replacement: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupId: DB }] }],
  ['sgr-app-dns', { verdict: 'keep', reasons: ['essential'] }],
  ['sgr-db-from-app', { verdict: 'keep', reasons: [] }],
  ['sgr-db-mysql-any', { verdict: 'remove', reasons: ['exposed_admin_port', 'unused'] }],
  ['sgr-bastion-ssh', { verdict: 'keep', reasons: [] }],
  ['sgr-bastion-frag', { verdict: 'keep', reasons: ['essential'] }],
  [
    'sgr-bastion-out',
    {
      verdict: 'narrow',
      reasons: ['over_broad_peers', 'unused_protocols'],
      replacement: [
        { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.2.10/31' },
        { ipProtocol: 'tcp', fromPort: 9100, toPort: 9100, cidrIpv4: '10.0.2.10/31' },
        { ...ICMP_FRAG, cidrIpv4: '10.0.2.10/31' },
        { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.3.10/32' },
        { ipProtocol: 'tcp', fromPort: 9100, toPort: 9100, cidrIpv4: '10.0.3.10/32' },
        { ...ICMP_FRAG, cidrIpv4: '10.0.3.10/32' },
      ],
    },
  ],
  ['sgr-fresh-https', { verdict: 'keep', reasons: ['insufficient_evidence'] }],
  ['sgr-fresh-internal', { verdict: 'review', reasons: ['insufficient_evidence'] }],
]);

const HOUR = 3_600;
const DAY = 86_400;
/** 2026-11-01T00:00:00Z. */
const WINDOW_START = 1_793_491_200;

function networkInterface(id: string, groupIds: readonly string[], ipv4: string, ipv6: readonly string[] = []): NetworkInterfaceInfo {
  return {
    interfaceId: id,
    interfaceType: 'interface',
    vpcId: 'vpc-0a1b2c3d',
    ownerId: ACCOUNT,
    securityGroups: groupIds.map((groupId) => ({ groupId })),
    privateIpv4Addresses: [ipv4],
    ipv6Addresses: ipv6,
    delegatedPrefixes: [],
    publicIpv4Addresses: [],
  };
}

export const ADVISOR_INTERFACES: readonly NetworkInterfaceInfo[] = [
  networkInterface('eni-0web0000000000001', [WEB], '10.0.1.10', ['2001:db8:1::10']),
  networkInterface('eni-0web0000000000002', [WEB], '10.0.1.11', ['2001:db8:1::11']),
  networkInterface('eni-0app0000000000001', [APP], '10.0.2.10'),
  networkInterface('eni-0app0000000000002', [APP], '10.0.2.11'),
  networkInterface('eni-0db00000000000001', [DB], '10.0.3.10'),
  networkInterface('eni-0bastion00000001', [BASTION], '10.0.4.10'),
  networkInterface('eni-0fresh0000000001', [FRESH], '10.0.5.10'),
];

export interface AdvisorGroundTruthOptions {
  readonly seed?: number;
  readonly days?: number;
  /** Distinct public HTTPS clients of the web tier. */
  readonly publicClients?: number;
}

/**
 * @example
 * const truth = generateAdvisorGroundTruth({ seed: 1 });
 * const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
 */
export function generateAdvisorGroundTruth(options: AdvisorGroundTruthOptions = {}): AdvisorGroundTruth {
  const random = seededRandom(options.seed ?? 1);
  const days = options.days ?? 21;
  const between = (from: number, to: number): number => from + Math.floor(random() * (to - from + 1));
  const byId = new Map(ADVISOR_INTERFACES.map((info) => [info.interfaceId, info]));
  const documents: FlowLogDocument[] = [];
  const busyHours = new Map<string, Set<number>>();
  let initiatingAccepted = 0;
  const end = WINDOW_START + days * DAY;
  const freshStart = end - 2 * DAY;

  const record = (interfaceId: string, start: number, fields: Partial<FlowLogDocument>): void => {
    const startTime = Math.floor(start);
    documents.push({ version: 5, account_id: ACCOUNT, interface_id: interfaceId, packets: 4, bytes: 600, start: startTime, end: startTime + 30, log_status: 'OK', ...fields });
    let hours = busyHours.get(interfaceId);
    if (hours === undefined) busyHours.set(interfaceId, (hours = new Set()));
    hours.add(Math.floor(startTime / HOUR));
  };
  /** An accepted TCP connection opening (SYN) from `peer` to the interface, seen on the interface. */
  const inbound = (interfaceId: string, peer: string, port: number, start: number, bytes = 600): void => {
    const local = byId.get(interfaceId)?.privateIpv4Addresses[0] ?? '';
    record(interfaceId, start, { srcaddr: peer, dstaddr: local, srcport: between(32_768, 60_999), dstport: port, protocol: 6, tcp_flags: 2, action: 'ACCEPT', bytes });
    initiatingAccepted += 1;
  };
  const outbound = (interfaceId: string, peer: string, protocol: number, port: number, start: number): void => {
    const local = byId.get(interfaceId)?.privateIpv4Addresses[0] ?? '';
    record(interfaceId, start, { srcaddr: local, dstaddr: peer, srcport: between(32_768, 60_999), dstport: port, protocol, ...(protocol === 6 ? { tcp_flags: 2 } : {}), action: 'ACCEPT' });
    initiatingAccepted += 1;
  };
  const rejected = (interfaceId: string, peer: string, port: number, start: number): void => {
    const local = byId.get(interfaceId)?.privateIpv4Addresses[0] ?? '';
    record(interfaceId, start, { srcaddr: peer, dstaddr: local, srcport: between(32_768, 60_999), dstport: port, protocol: 6, tcp_flags: 2, action: 'REJECT' });
  };
  const anytime = (): number => WINDOW_START + random() * (end - WINDOW_START - 60);
  const webInterfaces = ['eni-0web0000000000001', 'eni-0web0000000000002'];
  const appInterfaces = ['eni-0app0000000000001', 'eni-0app0000000000002'];

  // The public web tier: thousands of clients spread over the internet.
  const clients = publicAddresses(options.publicClients ?? 3_000, random);
  for (const client of clients) {
    const visits = between(1, 2);
    for (let visit = 0; visit < visits; visit += 1) inbound(webInterfaces[between(0, 1)] as string, client, 443, anytime(), between(2_000, 90_000));
  }
  // ICMPv6 packet-too-big from a few IPv6 routers.
  for (let index = 0; index < 30; index += 1) {
    const interfaceId = webInterfaces[index % 2] as string;
    const local = byId.get(interfaceId)?.ipv6Addresses[0] ?? '';
    record(interfaceId, anytime(), { srcaddr: `2001:db8:cc::${(index % 5) + 1}`, dstaddr: local, srcport: 0, dstport: 0, protocol: 58, action: 'ACCEPT' });
    initiatingAccepted += 1;
  }
  // SSH from the office (198.51.100.8-15), and scanners the network ACL stopped.
  for (let index = 0; index < 64; index += 1) inbound(webInterfaces[index % 2] as string, `198.51.100.${8 + (index % 8)}`, 22, anytime());
  for (let index = 0; index < 28; index += 1) rejected(webInterfaces[index % 2] as string, `45.${between(1, 250)}.${between(0, 255)}.${between(1, 254)}`, 22, anytime());
  // The web tier calls the app tier and a few AWS endpoints.
  for (let index = 0; index < 400; index += 1) outbound(webInterfaces[index % 2] as string, `10.0.2.${10 + (index % 2)}`, 6, 8080, anytime());
  for (let index = 0; index < 80; index += 1) outbound(webInterfaces[index % 2] as string, `52.94.76.${10 + (index % 2)}`, 6, 443, anytime());
  // ... and the app tier sees those calls arrive.
  for (let index = 0; index < 400; index += 1) inbound(appInterfaces[index % 2] as string, `10.0.1.${10 + (index % 2)}`, 8080, anytime());
  // The bastion scrapes metrics (one port of a 1,000-port range) and logs in to the app and database tiers.
  for (let index = 0; index < 100; index += 1) {
    inbound(appInterfaces[index % 2] as string, '10.0.4.10', 9100, anytime());
    outbound('eni-0bastion00000001', `10.0.2.${10 + (index % 2)}`, 6, 9100, anytime());
  }
  for (let index = 0; index < 40; index += 1) outbound('eni-0bastion00000001', index % 2 === 0 ? '10.0.2.10' : '10.0.3.10', 6, 22, anytime());
  for (let index = 0; index < 50; index += 1) inbound('eni-0bastion00000001', `198.51.100.${20 + (index % 2)}`, 22, anytime());
  // The app tier queries the database; DNS goes to the VPC resolver (not in flow logs, so nothing here).
  for (let index = 0; index < 300; index += 1) {
    outbound(appInterfaces[index % 2] as string, '10.0.3.10', 6, 5432, anytime());
    inbound('eni-0db00000000000001', `10.0.2.${10 + (index % 2)}`, 5432, anytime());
  }
  // MySQL scanners against the database, stopped by the network ACL only.
  for (let index = 0; index < 12; index += 1) rejected('eni-0db00000000000001', `185.${between(1, 250)}.${between(0, 255)}.${between(1, 254)}`, 3306, anytime());
  // The fresh service: two days of a handful of clients.
  for (let index = 0; index < 40; index += 1) inbound('eni-0fresh0000000001', `100.24.7.${(index % 8) + 1}`, 443, freshStart + random() * (2 * DAY - 60));

  // NODATA for every hour an interface saw nothing: the log was running, so the hour is covered.
  for (const info of ADVISOR_INTERFACES) {
    const busy = busyHours.get(info.interfaceId) ?? new Set<number>();
    const from = info.interfaceId === 'eni-0fresh0000000001' ? freshStart : WINDOW_START;
    for (let hour = Math.floor(from / HOUR); hour < Math.floor(end / HOUR); hour += 1) {
      if (!busy.has(hour)) documents.push({ version: 5, account_id: ACCOUNT, interface_id: info.interfaceId, start: hour * HOUR, end: hour * HOUR + 600, log_status: 'NODATA' });
    }
  }
  documents.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));

  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const each of ADVISOR_RULES) rulesByGroup.set(each.group_id, [...(rulesByGroup.get(each.group_id) ?? []), each]);
  const groupMembers = new Map<string, string[]>();
  for (const info of ADVISOR_INTERFACES) {
    for (const { groupId } of info.securityGroups) groupMembers.set(groupId, [...(groupMembers.get(groupId) ?? []), ...info.privateIpv4Addresses, ...info.ipv6Addresses]);
  }
  return { interfaces: ADVISOR_INTERFACES, rules: ADVISOR_RULES, rulesByGroup, groupMembers, documents, expected: EXPECTED, initiatingAccepted };
}

/** Enrichment sources answering from the environment, with rule attribution on. */
export function advisorGroundTruthSources(truth: AdvisorGroundTruth): FlowLogEnrichmentSources {
  const found = <T>(entries: Iterable<readonly [string, T]>): Record<string, LookupOutcome<T>> =>
    Object.fromEntries([...entries].map(([key, value]) => [key, { status: 'found', value } as const]));
  return {
    networkInterfaces: mapLookup(found(truth.interfaces.map((info) => [info.interfaceId, info] as const))),
    securityGroupRules: mapLookup(found(truth.rulesByGroup)),
    securityGroupMembers: mapLookup(found(truth.groupMembers)),
    listRules: false,
    attributeRules: true,
  };
}

/** Distinct public IPv4 addresses spread over many /8 networks. */
function publicAddresses(count: number, random: () => number): string[] {
  const addresses = new Set<string>();
  while (addresses.size < count) {
    const address = `${1 + Math.floor(random() * 222)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
    // Never the office, the partner or the AWS endpoints of the design: their rules' verdicts rest on them.
    if (isPublicAddress(address) && !address.startsWith('198.51.100.') && !address.startsWith('203.0.113.') && !address.startsWith('52.94.76.')) addresses.add(address);
  }
  return [...addresses];
}
