import { ALL_PROTOCOLS, destinationPortRange, IpProtocol, ruleProtocolNumber } from '../analysis/rule-protocol.js';
import { ADDRESS_BITS, cidrContainsCidr, cidrFamily, formatCidr, isPublicAddress, parseCidr, sameAddress, type Cidr } from '../net/index.js';
import type { SecurityGroupRule } from '../ports.js';
import { EXPOSED_SERVICE_PORTS } from './exposure-ports.js';
import { exactCidrSize, mergeSiblingBlocks, suggestCidrBlocks } from './peer-prefix-summary.js';
import {
  REPORT_SCHEMA,
  Verdict,
  VerdictReason,
  type Exposure,
  type InterfaceCoverage,
  type OverBroadRule,
  type Ranking,
  type Recommendation,
  type RecommendationEvidence,
  type ReplacementRule,
  type ReportThresholds,
  type RuleSummary,
  type RuleUsage,
  type SecurityGroupReport,
  type UnusedRulesOfGroup,
} from './report-model.js';
import type { RankingLedger, ReportLedger, RuleLedger } from './rule-ledger.js';
import { emptyRuleLedger } from './rule-ledger.js';
import { exposedPortsOf, isWholeInternet, summarizeRule } from './rule-summary.js';
import { replayProposals, type Proposal } from './safety-check.js';

/**
 * The thresholds behind every verdict; each is a `report` option and printed in every report.
 * Why these values: 14 days spans two weekly cycles (batch jobs, backups, weekend traffic); a
 * public service is seen from at least 100 addresses in 16 /8 networks (a handful of partners or
 * offices never spreads that wide); a narrowed rule keeps at most 8 ports and a proposal at most
 * 8 rules, so that what a reviewer must read stays short.
 */
export const DEFAULT_REPORT_THRESHOLDS: ReportThresholds = {
  minWindowDays: 14,
  maxSuggestedCidrs: 4,
  overBroadMarginBits: 8,
  ipv4GranularityPrefix: 24,
  ipv6GranularityPrefix: 64,
  publicServiceMinPeers: 100,
  publicServiceMinNetworks: 16,
  publicServiceMaxPorts: 16,
  maxNarrowedPorts: 8,
  maxReplacementRules: 8,
  topRejectedSources: 20,
  topTalkers: 10,
  exposedPorts: EXPOSED_SERVICE_PORTS.map(({ port, service }) => ({ port, service })),
};

/** What the advisor knows besides the ledger: the rules, and what their peers refer to. */
export interface AdvisorInventory {
  /** Every rule of every group in scope. */
  readonly rules: readonly SecurityGroupRule[];
  /**
   * Whether a rule's peer could be resolved when the records were attributed (a prefix list's
   * entries, a referenced group's members); an unresolved rule is never called unused. Default: all.
   */
  readonly peerResolved?: (rule: SecurityGroupRule) => boolean;
  /** Addresses and prefixes of each group's interfaces: for "peers are one group's members" and the replay of group references. */
  readonly groupMembers?: ReadonlyMap<string, readonly string[]>;
  /** Entries of the prefix lists rules name, for the replay. */
  readonly prefixLists?: ReadonlyMap<string, readonly string[]>;
  /**
   * Every interface in scope and its groups. An interface without any record then counts as
   * covered for 0 days, so a group with an interface whose flow log is missing is never judged on
   * the others' records. Without it, only the interfaces seen in the records count.
   */
  readonly interfaces?: ReadonlyMap<string, readonly string[]>;
}

const SECONDS_PER_DAY = 86_400;
const HOURS_PER_DAY = 24;
/** Addresses of the VPC resolver seen from an instance (Route 53 Resolver). */
const RESOLVER_ADDRESSES = ['169.254.169.253/32', 'fd00:ec2::253/128'];
const DNS_PORT = 53;
/** ICMP type 3 (destination unreachable), code 4 (fragmentation needed): path MTU discovery over IPv4. */
const ICMP_FRAGMENTATION_NEEDED: ReplacementRule = { ipProtocol: 'icmp', fromPort: 3, toPort: 4 };

/**
 * The security-group report and its recommendations, from a ledger and the inventory alone: pure,
 * whatever produced the ledger (the local stream, OpenSearch, Athena). Verdicts per rule:
 *
 * - *essential* (keep): ICMPv6 (neighbour discovery, path MTU), ICMP of every type or type 3
 *   (fragmentation needed), DNS (port 53) and the VPC resolver. Never narrowed or removed.
 * - *shadowed* (remove): another rule of the same group and direction, itself kept, allows
 *   everything this one does (protocol, ports, peer); of two equal rules the later id goes. Or
 *   every interface carrying the group also carries another group with such a kept rule.
 * - *unused* (remove): no flow over a window in which every interface of the group was covered
 *   for `minWindowDays`; with less, *insufficient_evidence* (review), never remove.
 * - *public_service* (keep): an ingress rule from the whole internet on at most
 *   `publicServiceMaxPorts` ports, not an administration port, used by at least
 *   `publicServiceMinPeers` public peers in `publicServiceMinNetworks` networks.
 * - *narrow*, after `minWindowDays` of coverage: *peers_in_security_group* (every peer a member
 *   of one group: reference it), *over_broad_peers* (peers fit `maxSuggestedCidrs` blocks
 *   `overBroadMarginBits` narrower), *unused_ports* / *unused_protocols* (a range or
 *   all-traffic rule of which at most `maxNarrowedPorts` ports or a few protocols were used).
 * - *exposed_admin_port*: an administration or database port open to the internet; narrowed
 *   when its peers allow it, else review.
 *
 * Every proposal is then replayed (`replayProposals`) against the ledger's accepted initiating
 * flows; one that would deny any of them is withdrawn, and so is any change to a rule whose flows
 * the ledger could not all keep.
 *
 * @example
 * const report = adviseSecurityGroups(builder.ledger(), { rules });
 * report.recommendations[0] // { ruleId, verdict: 'narrow', reasons: ['exposed_admin_port', 'over_broad_peers'], replacement: [...], ... }
 */
export function adviseSecurityGroups(ledger: ReportLedger, inventory: AdvisorInventory, thresholdOverrides: Partial<ReportThresholds> = {}): SecurityGroupReport {
  const thresholds: ReportThresholds = { ...DEFAULT_REPORT_THRESHOLDS, ...thresholdOverrides };
  const ledgerByRule = new Map(ledger.rules.map((entry) => [entry.ruleId, entry]));
  const rules = uniqueRules(inventory.rules);
  const peerResolved = inventory.peerResolved ?? (() => true);
  const groupsSeen = new Set(ledger.groups.map((group) => group.groupId));
  for (const entry of ledger.interfaces) for (const groupId of entry.groupIds) groupsSeen.add(groupId);
  const groupNames = new Map(ledger.groups.flatMap((group) => (group.groupName === null ? [] : [[group.groupId, group.groupName] as const])));
  const coverage: InterfaceCoverage[] = ledger.interfaces.map((entry) => ({
    interfaceId: entry.interfaceId,
    groupIds: entry.groupIds,
    coveredDays: round2(entry.coveredHours.reduce((sum, [from, to]) => sum + (to - from + 1), 0) / HOURS_PER_DAY),
  }));
  const seenInterfaces = new Set(coverage.map((entry) => entry.interfaceId));
  for (const [interfaceId, groupIds] of inventory.interfaces ?? []) {
    if (!seenInterfaces.has(interfaceId)) coverage.push({ interfaceId, groupIds: [...groupIds].sort(compareText), coveredDays: 0 });
  }
  coverage.sort((a, b) => compareText(a.interfaceId, b.interfaceId));
  const groupCoverage = new Map<string, { days: number; interfaceId: string }>();
  for (const entry of coverage) {
    for (const groupId of entry.groupIds) {
      const known = groupCoverage.get(groupId);
      if (known === undefined || entry.coveredDays < known.days) groupCoverage.set(groupId, { days: entry.coveredDays, interfaceId: entry.interfaceId });
    }
  }
  const ledgerOf = (rule: SecurityGroupRule): RuleLedger => ledgerByRule.get(rule.rule_id) ?? emptyRuleLedger(rule.rule_id);
  const context: JudgeContext = {
    thresholds,
    inventory,
    coveredDays: (rule) => groupCoverage.get(rule.group_id)?.days ?? 0,
    leastCovered: (rule) => groupCoverage.get(rule.group_id)?.interfaceId,
    groupSeen: (rule) => groupsSeen.has(rule.group_id),
    peerResolved,
  };

  // First every rule on its own, then shadowing among the rules judged worth keeping as they are.
  const judged = new Map(rules.map((rule) => [rule.rule_id, judgeRule(rule, ledgerOf(rule), context)]));
  for (const rule of rules) {
    const judgement = judged.get(rule.rule_id) as Judgement;
    if (judgement.reasons.includes(VerdictReason.Essential)) continue;
    const coverers = rules.filter((other) => other !== rule && covers(other, rule) && (!covers(rule, other) || other.rule_id < rule.rule_id));
    const keptCoverers = coverers.filter((other) => (judged.get(other.rule_id) as Judgement).verdict === Verdict.Keep && !isShadowedSoFar(judged, other, rules));
    if (keptCoverers.length === 0) continue;
    judged.set(rule.rule_id, {
      verdict: Verdict.Remove,
      reasons: [...(judgement.reasons.includes(VerdictReason.ExposedAdminPort) ? [VerdictReason.ExposedAdminPort] : []), VerdictReason.Shadowed],
      shadowedBy: keptCoverers.map((other) => other.rule_id).sort(),
      explanation: `Everything it allows is also allowed by ${keptCoverers.map((other) => other.rule_id).sort().join(', ')} of the same group, which stays.`,
      replayNeeded: false,
    });
  }

  shadowAcrossGroups(rules, judged, inventory.interfaces);

  // The safety proof: proposals withdrawn until every replayed flow is still allowed.
  const proposals = new Map<string, Proposal>();
  for (const rule of rules) {
    const judgement = judged.get(rule.rule_id) as Judgement;
    if (judgement.verdict === Verdict.Remove || judgement.verdict === Verdict.Narrow) proposals.set(rule.rule_id, { rule, replacement: judgement.replacement ?? [] });
  }
  const replay = replayProposals(ledger.replay, rules, proposals, inventory);
  for (const ruleId of replay.withdrawnRuleIds) {
    const judgement = judged.get(ruleId) as Judgement;
    judged.set(ruleId, {
      verdict: Verdict.Review,
      reasons: judgement.reasons,
      explanation: `${judgement.explanation} Withdrawn: replaying the window's accepted flows against the proposed rules found one this change would deny, or could not reproduce one.`,
      replayNeeded: false,
    });
  }

  const recommendations: Recommendation[] = rules.map((rule) => {
    const judgement = judged.get(rule.rule_id) as Judgement;
    const entry = ledgerOf(rule);
    return {
      ruleId: rule.rule_id,
      groupId: rule.group_id,
      direction: rule.direction,
      verdict: judgement.verdict,
      reasons: judgement.reasons,
      ...(judgement.verdict === Verdict.Narrow && judgement.replacement !== undefined ? { replacement: judgement.replacement } : {}),
      ...(judgement.shadowedBy === undefined ? {} : { shadowedBy: judgement.shadowedBy }),
      evidence: evidenceOf(entry, context.coveredDays(rule)),
      explanation: judgement.explanation,
    };
  });
  recommendations.sort((a, b) => riskRank(a) - riskRank(b) || b.evidence.flows - a.evidence.flows || compareText(a.ruleId, b.ruleId));

  const summaries = new Map(rules.map((rule) => [rule.rule_id, summarizeRule(rule)]));
  const unused = new Map<string, RuleSummary[]>();
  const groupsWithoutRecords = new Set<string>();
  const unresolvedPeerRules: RuleSummary[] = [];
  for (const rule of rules) {
    if (ledgerOf(rule).flows > 0) continue;
    const summary = summaries.get(rule.rule_id) as RuleSummary;
    if (!groupsSeen.has(rule.group_id)) groupsWithoutRecords.add(rule.group_id);
    else if (!peerResolved(rule)) unresolvedPeerRules.push(summary);
    else unused.set(rule.group_id, [...(unused.get(rule.group_id) ?? []), summary]);
  }
  // The over-broad table shows the rules the verdicts call over-broad, never a public service, an
  // essential rule or a rule whose evidence is too short (its suggested blocks would read as advice).
  const judgedOverBroad = new Set(
    rules.filter((rule) => (judged.get(rule.rule_id) as Judgement).reasons.some((reason) => reason === VerdictReason.OverBroadPeers || reason === VerdictReason.PeersInSecurityGroup)).map((rule) => rule.rule_id),
  );

  return {
    schema: REPORT_SCHEMA,
    window: { ...(ledger.window.first === null ? {} : { first: isoTime(ledger.window.first) }), ...(ledger.window.last === null ? {} : { last: isoTime(ledger.window.last) }) },
    totals: ledger.totals,
    thresholds,
    limits: ledger.limits,
    recommendations,
    safetyCheck: { flowsReplayed: replay.flowsReplayed, flowsStillAllowed: replay.flowsStillAllowed },
    safetyCheckDetails: {
      tuplesReplayed: replay.tuplesReplayed,
      flowsNotKept: ledger.replay.flowsNotKept,
      flowsNotReproduced: replay.flowsNotReproduced,
      withdrawnRuleIds: replay.withdrawnRuleIds,
    },
    coverage,
    rules: rules.map((rule) => toRuleUsage(summaries.get(rule.rule_id) as RuleSummary, ledgerOf(rule))).sort((a, b) => b.flows - a.flows || compareText(a.ruleId, b.ruleId)),
    unused: [...unused]
      .sort(([a], [b]) => compareText(a, b))
      .map(([groupId, groupRules]): UnusedRulesOfGroup => {
        const name = groupNames.get(groupId);
        return { groupId, ...(name === undefined ? {} : { groupName: name }), rules: groupRules };
      }),
    notJudged: { groupsWithoutRecords: [...groupsWithoutRecords].sort(compareText), unresolvedPeerRules },
    overBroad: rules
      .filter((rule) => judgedOverBroad.has(rule.rule_id))
      .flatMap((rule) => overBroadOf(rule, summaries.get(rule.rule_id) as RuleSummary, ledgerOf(rule), thresholds))
      .sort((a, b) => b.reductionBits - a.reductionBits || compareText(a.ruleId, b.ruleId)),
    exposures: rules.flatMap((rule) => exposuresOf(rule, summaries.get(rule.rule_id) as RuleSummary, ledgerOf(rule))),
    topRejectedSources: rankingOf(ledger.rejectedSources.ingress, thresholds.topRejectedSources),
    topRejectedEgressSources: rankingOf(ledger.rejectedSources.egress, thresholds.topRejectedSources),
    topTalkers: ledger.groups
      .filter((group) => group.talkers.total > 0)
      .map((group) => ({ groupId: group.groupId, ...(group.groupName === null ? {} : { groupName: group.groupName }), ...rankingOf(group.talkers, thresholds.topTalkers) })),
    unknownRuleIds: ledger.unknownRuleIds,
  };
}

interface JudgeContext {
  readonly thresholds: ReportThresholds;
  readonly inventory: AdvisorInventory;
  readonly coveredDays: (rule: SecurityGroupRule) => number;
  /** The interface of the rule's group with the least coverage, if any. */
  readonly leastCovered: (rule: SecurityGroupRule) => string | undefined;
  readonly groupSeen: (rule: SecurityGroupRule) => boolean;
  readonly peerResolved: (rule: SecurityGroupRule) => boolean;
}

interface Judgement {
  readonly verdict: Verdict;
  readonly reasons: readonly VerdictReason[];
  readonly replacement?: readonly ReplacementRule[];
  readonly shadowedBy?: readonly string[];
  readonly explanation: string;
  /** A change whose safety the replay must prove. */
  readonly replayNeeded: boolean;
}

function judgeRule(rule: SecurityGroupRule, entry: RuleLedger, context: JudgeContext): Judgement {
  const { thresholds } = context;
  const essential = essentialBecause(rule);
  if (essential !== undefined) return keep([VerdictReason.Essential], `Essential: ${essential}. Kept whatever the traffic shows.`);
  const exposedPorts = exposedPortsOf(rule);
  const exposed = exposedPorts.length > 0;
  const exposure: VerdictReason[] = exposed ? [VerdictReason.ExposedAdminPort] : [];
  const exposedText = exposed ? `Opens ${exposedPorts.map(({ port, service }) => `${port} (${service})`).join(', ')} to the internet. ` : '';
  const days = context.coveredDays(rule);
  const enough = days >= thresholds.minWindowDays;
  const leastCovered = context.leastCovered(rule);
  const evidenceText = `${formatDays(days)} of coverage${leastCovered === undefined ? '' : ` on ${leastCovered}, the least-covered interface of the group`}, ${thresholds.minWindowDays} needed`;

  if (entry.flows === 0) {
    if (!context.groupSeen(rule)) return review([...exposure, VerdictReason.InsufficientEvidence], `${exposedText}No record was seen on any interface of its group: no evidence either way.`);
    if (!context.peerResolved(rule)) return review([...exposure, VerdictReason.InsufficientEvidence], `${exposedText}Its peer (a prefix list or group) could not be resolved, so flows it allowed may have been credited elsewhere.`);
    if (!enough) return review([...exposure, VerdictReason.InsufficientEvidence], `${exposedText}No flow used it, but the evidence is too short to call it unused (${evidenceText}).`);
    return { verdict: Verdict.Remove, reasons: [...exposure, VerdictReason.Unused], explanation: `${exposedText}No flow used it in ${formatDays(days)} of coverage of every interface of its group.`, replayNeeded: true };
  }

  if (!exposed && isPublicService(rule, entry, thresholds)) {
    return keep(
      [VerdictReason.PublicService],
      `Public service: ${formatCountText(entry.publicPeers)} distinct public peers from ${entry.publicPeerNetworks} different networks used it. Narrowing it to the addresses that happened to visit would cut off the rest of the internet.`,
    );
  }
  if (!enough) {
    const text = `${exposedText}Used by ${entry.flows} flows, but the evidence is too short to narrow it (${evidenceText}).`;
    return exposed ? review([...exposure, VerdictReason.InsufficientEvidence], text) : keep([VerdictReason.InsufficientEvidence], text);
  }

  const narrowing = narrowingOf(rule, entry, context);
  if (narrowing === undefined) {
    return exposed
      ? review(exposure, `${exposedText}Reached by ${entry.publicPeers.value} public peers; their addresses do not fit a few small blocks, so no narrower rule is proposed: restrict it by hand (a VPN, Session Manager, a bastion).`)
      : keep([], `Used by ${entry.flows} flows from ${formatCountText(entry.distinctPeers)} peers; its peers and ports are no broader than its traffic by the thresholds.`);
  }
  const reasons = [...exposure, ...narrowing.reasons];
  if (!entry.replayComplete) {
    return review(reasons, `${exposedText}${narrowing.text} Not proposed: the rule saw more distinct flows than the ledger keeps for the safety check (limits.replayTuplesPerRule), so the change cannot be proven safe.`);
  }
  return { verdict: Verdict.Narrow, reasons, replacement: narrowing.replacement, explanation: `${exposedText}${narrowing.text}`, replayNeeded: true };
}

function keep(reasons: readonly VerdictReason[], explanation: string): Judgement {
  return { verdict: Verdict.Keep, reasons, explanation, replayNeeded: false };
}

function review(reasons: readonly VerdictReason[], explanation: string): Judgement {
  return { verdict: Verdict.Review, reasons, explanation, replayNeeded: false };
}

/**
 * Why a rule is needed whatever the traffic shows, or undefined.
 *
 * @example essentialBecause(securityGroupRule({ protocol: 'icmpv6', from_port: -1, to_port: -1 })) // 'ICMPv6 carries neighbour discovery and path MTU discovery'
 */
export function essentialBecause(rule: SecurityGroupRule): string | undefined {
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol === IpProtocol.Icmpv6) return 'ICMPv6 carries neighbour discovery and path MTU discovery';
  if (protocol === IpProtocol.Icmp && (rule.from_port === undefined || rule.from_port === -1 || rule.from_port === 3)) {
    return 'ICMP destination-unreachable (fragmentation needed) carries path MTU discovery';
  }
  const cidr = cidrOf(rule);
  if (cidr !== undefined && RESOLVER_ADDRESSES.some((resolver) => sameBlock(cidr, resolver))) return 'it reaches the VPC resolver';
  const range = destinationPortRange(rule);
  if ((protocol === IpProtocol.Tcp || protocol === IpProtocol.Udp) && range?.from === DNS_PORT && range.to === DNS_PORT) return 'DNS (port 53): resolvers are not always in the flow logs';
  return undefined;
}

function isPublicService(rule: SecurityGroupRule, entry: RuleLedger, thresholds: ReportThresholds): boolean {
  if (rule.direction !== 'ingress') return false;
  const cidr = cidrOf(rule);
  if (cidr === undefined || !isWholeInternet(cidr)) return false;
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol !== IpProtocol.Tcp && protocol !== IpProtocol.Udp) return false;
  const range = destinationPortRange(rule);
  if (range === undefined || range.to - range.from + 1 > thresholds.publicServiceMaxPorts) return false;
  return entry.publicPeers.value >= thresholds.publicServiceMinPeers && entry.publicPeerNetworks >= thresholds.publicServiceMinNetworks;
}

interface Narrowing {
  readonly reasons: readonly VerdictReason[];
  readonly replacement: readonly ReplacementRule[];
  readonly text: string;
}

type PeerTarget = Pick<ReplacementRule, 'cidrIpv4' | 'cidrIpv6' | 'referencedGroupId' | 'prefixListId'>;
type ServiceTarget = Pick<ReplacementRule, 'ipProtocol' | 'fromPort' | 'toPort'>;

function narrowingOf(rule: SecurityGroupRule, entry: RuleLedger, context: JudgeContext): Narrowing | undefined {
  const { thresholds } = context;
  const peers = narrowerPeers(rule, entry, context);
  const services = narrowerServices(rule, entry, thresholds);
  const currentPeer = peerTargetOf(rule);
  const currentService = serviceTargetOf(rule);
  const candidates: { peers: readonly PeerTarget[]; services: readonly ServiceTarget[]; reasons: VerdictReason[]; texts: string[] }[] = [];
  if (peers !== undefined && services !== undefined) candidates.push({ peers: peers.targets, services: services.targets, reasons: [peers.reason, services.reason], texts: [peers.text, services.text] });
  if (peers !== undefined) candidates.push({ peers: peers.targets, services: [currentService], reasons: [peers.reason], texts: [peers.text] });
  if (services !== undefined) candidates.push({ peers: [currentPeer], services: services.targets, reasons: [services.reason], texts: [services.text] });
  const chosen = candidates.find((candidate) => candidate.peers.length * candidate.services.length <= thresholds.maxReplacementRules);
  if (chosen === undefined) return undefined;
  const replacement = chosen.peers.flatMap((peer) => chosen.services.map((service): ReplacementRule => ({ ...service, ...peer })));
  return { reasons: chosen.reasons, replacement, text: chosen.texts.join(' ') };
}

function narrowerPeers(rule: SecurityGroupRule, entry: RuleLedger, context: JudgeContext): { targets: PeerTarget[]; reason: VerdictReason; text: string } | undefined {
  const { thresholds } = context;
  const ruleBlock = cidrOf(rule) === undefined ? undefined : parseCidr(cidrOf(rule) as string);
  if (ruleBlock === undefined || entry.peerBlocks.cidrs.length === 0) return undefined;
  const blocks = entry.peerBlocks.cidrs.map((cidr) => parseCidr(cidr)).filter((block): block is Cidr => block !== undefined);
  // Egress to many public destinations spread over the internet (updates, APIs, CDNs) is not narrowed by address.
  if (rule.direction === 'egress' && entry.publicPeers.value >= thresholds.publicServiceMinPeers && entry.publicPeerNetworks >= thresholds.publicServiceMinNetworks) return undefined;

  const members = context.inventory.groupMembers;
  if (members !== undefined && entry.peerBlocks.exact && ruleBlock.prefixLength < ADDRESS_BITS[cidrFamily(ruleBlock)]) {
    const peerTexts = entry.peerBlocks.cidrs.map((cidr) => cidr.slice(0, cidr.indexOf('/')));
    if (peerTexts.every((peer) => !isPublicAddress(peer))) {
      const group = [...members]
        .filter(([, addresses]) => addresses.length > 0 && blocks.every((block) => addresses.some((address) => { const member = parseCidr(address); return member !== undefined && cidrContainsCidr(member, block); })))
        .sort(([a, x], [b, y]) => x.length - y.length || compareText(a, b))[0];
      if (group !== undefined) {
        return {
          targets: [{ referencedGroupId: group[0] }],
          reason: VerdictReason.PeersInSecurityGroup,
          text: `${blocks.length === 1 ? 'Its one peer is' : `Every one of its ${blocks.length} peers is`} an address of an interface in ${group[0]}: reference that group instead of ${cidrOf(rule) as string}.`,
        };
      }
    }
  }

  const suggested = mergeSiblingBlocks(suggestCidrBlocks(blocks, thresholds.maxSuggestedCidrs));
  if (suggested.length === 0) return undefined;
  const widest = Math.min(...suggested.map((block) => block.prefixLength));
  const granularity = cidrFamily(ruleBlock) === 4 ? thresholds.ipv4GranularityPrefix : thresholds.ipv6GranularityPrefix;
  if (ruleBlock.prefixLength + thresholds.overBroadMarginBits > Math.min(widest, granularity)) return undefined;
  const cidrs = suggested.map(formatCidr);
  return {
    targets: cidrs.map((cidr) => (cidrFamily(ruleBlock) === 4 ? { cidrIpv4: cidr } : { cidrIpv6: cidr })),
    reason: VerdictReason.OverBroadPeers,
    text: `Its ${formatCountText(entry.distinctPeers)} peers fit ${cidrs.join(', ')}${entry.peerBlocks.exact ? '' : ' (blocks widened to cover every peer in bounded memory)'}, a small part of ${cidrOf(rule) as string}.`,
  };
}

function narrowerServices(rule: SecurityGroupRule, entry: RuleLedger, thresholds: ReportThresholds): { targets: ServiceTarget[]; reason: VerdictReason; text: string } | undefined {
  if (!entry.services.exact || entry.services.used.length === 0) return undefined;
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol === IpProtocol.Tcp || protocol === IpProtocol.Udp) {
    const range = destinationPortRange(rule) ?? { from: 0, to: 65_535 };
    const ports = portsUsed(entry, protocol);
    if (ports.length === 0 || ports.length > thresholds.maxNarrowedPorts || ports.length >= range.to - range.from + 1) return undefined;
    const name = protocol === IpProtocol.Tcp ? 'tcp' : 'udp';
    const runs = portRuns(ports);
    return {
      targets: runs.map(([from, to]) => ({ ipProtocol: name, fromPort: from, toPort: to })),
      reason: VerdictReason.UnusedPorts,
      text: `Of the ${(range.to - range.from + 1).toLocaleString('en-US')} ports it opens, only ${ports.join(', ')} ${ports.length === 1 ? 'was' : 'were'} used.`,
    };
  }
  if (protocol !== ALL_PROTOCOLS) return undefined;
  const protocols = [...new Set(entry.services.used.map((use) => use.protocol))].sort((a, b) => a - b);
  const targets: ServiceTarget[] = [];
  for (const used of protocols) {
    if (used === IpProtocol.Tcp || used === IpProtocol.Udp) {
      const ports = portsUsed(entry, used);
      const name = used === IpProtocol.Tcp ? 'tcp' : 'udp';
      if (ports.length === 0 || ports.length > thresholds.maxNarrowedPorts) targets.push({ ipProtocol: name, fromPort: 0, toPort: 65_535 });
      else targets.push(...portRuns(ports).map(([from, to]) => ({ ipProtocol: name, fromPort: from, toPort: to })));
    } else if (used === IpProtocol.Icmp) targets.push({ ipProtocol: 'icmp', fromPort: -1, toPort: -1 });
    else if (used === IpProtocol.Icmpv6) targets.push({ ipProtocol: 'icmpv6', fromPort: -1, toPort: -1 });
    else targets.push({ ipProtocol: String(used), fromPort: -1, toPort: -1 });
  }
  // Path MTU discovery must survive any narrowing of an all-traffic rule.
  const family = cidrOf(rule) === undefined ? undefined : parseCidr(cidrOf(rule) as string)?.network.family;
  if (family !== 6 && !protocols.includes(IpProtocol.Icmp)) targets.push(ICMP_FRAGMENTATION_NEEDED);
  if (family !== 4 && !protocols.includes(IpProtocol.Icmpv6)) targets.push({ ipProtocol: 'icmpv6', fromPort: -1, toPort: -1 });
  return {
    targets,
    reason: VerdictReason.UnusedProtocols,
    text: `It allows every protocol; only ${protocols.map(protocolName).join(', ')} ${protocols.length === 1 ? 'was' : 'were'} used (ICMP for path MTU discovery is kept).`,
  };
}

function portsUsed(entry: RuleLedger, protocol: number): number[] {
  return [...new Set(entry.services.used.filter((use) => use.protocol === protocol).map((use) => use.port))].sort((a, b) => a - b);
}

function portRuns(ports: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const port of ports) {
    const last = runs[runs.length - 1];
    if (last !== undefined && port === last[1] + 1) last[1] = port;
    else runs.push([port, port]);
  }
  return runs;
}

function peerTargetOf(rule: SecurityGroupRule): PeerTarget {
  const { peer } = rule;
  switch (peer.kind) {
    case 'ipv4_cidr':
      return { cidrIpv4: peer.cidr };
    case 'ipv6_cidr':
      return { cidrIpv6: peer.cidr };
    case 'prefix_list':
      return { prefixListId: peer.prefix_list_id };
    case 'security_group':
      return { referencedGroupId: peer.group_id };
  }
}

/** A rule's protocol and ports in the EC2 API's terms. */
export function serviceTargetOf(rule: Pick<SecurityGroupRule, 'protocol' | 'from_port' | 'to_port'>): ServiceTarget {
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol === ALL_PROTOCOLS) return { ipProtocol: '-1', fromPort: -1, toPort: -1 };
  const name = protocol === undefined ? rule.protocol : protocolName(protocol);
  if (protocol === IpProtocol.Tcp || protocol === IpProtocol.Udp) {
    const range = destinationPortRange(rule) ?? { from: 0, to: 65_535 };
    return { ipProtocol: name, fromPort: range.from, toPort: range.to };
  }
  return { ipProtocol: name, fromPort: rule.from_port ?? -1, toPort: rule.to_port ?? -1 };
}

function protocolName(protocol: number): string {
  return protocol === IpProtocol.Tcp ? 'tcp' : protocol === IpProtocol.Udp ? 'udp' : protocol === IpProtocol.Icmp ? 'icmp' : protocol === IpProtocol.Icmpv6 ? 'icmpv6' : String(protocol);
}

/**
 * Whether `outer` allows every flow `inner` allows: same group and direction, a protocol that is
 * all or the same, a port range (or ICMP type and code) that holds inner's, and a peer that holds
 * inner's (a CIDR of the same family holding the other CIDR, or the very same reference).
 */
export function covers(outer: SecurityGroupRule, inner: SecurityGroupRule): boolean {
  return outer.group_id === inner.group_id && allowsEverythingOf(outer, inner);
}

/**
 * Rules shadowed by other groups: an interface allows what any of its groups allows, so a rule is
 * redundant when every interface that carries its group today also carries another group with a
 * kept rule allowing everything it allows. Only today's attachments count, and the explanation says
 * so: attach the group alone to a new interface and the rule matters again. Without the inventory's
 * interfaces nothing is said. A rule already shadowed, or essential, is left as judged; a coverer must
 * itself be kept, so two rules of two groups never remove each other.
 */
function shadowAcrossGroups(rules: readonly SecurityGroupRule[], judged: Map<string, Judgement>, interfaces: ReadonlyMap<string, readonly string[]> | undefined): void {
  if (interfaces === undefined) return;
  // Appended in place: a default group can sit on thousands of interfaces.
  const carriers = new Map<string, (readonly string[])[]>();
  for (const groupIds of interfaces.values()) {
    for (const groupId of new Set(groupIds)) {
      const carrying = carriers.get(groupId);
      if (carrying === undefined) carriers.set(groupId, [groupIds]);
      else carrying.push(groupIds);
    }
  }
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) {
    const groupRules = rulesByGroup.get(rule.group_id);
    if (groupRules === undefined) rulesByGroup.set(rule.group_id, [rule]);
    else groupRules.push(rule);
  }
  const isKept = (rule: SecurityGroupRule): boolean => (judged.get(rule.rule_id) as Judgement).verdict === Verdict.Keep;
  for (const rule of rules) {
    const judgement = judged.get(rule.rule_id) as Judgement;
    if (judgement.reasons.includes(VerdictReason.Shadowed) || judgement.reasons.includes(VerdictReason.Essential)) continue;
    const carrying = carriers.get(rule.group_id) ?? [];
    if (carrying.length === 0) continue;
    const coverers = new Set<string>();
    const everyInterfaceCovered = carrying.every((groupIds) => {
      const found = groupIds
        .filter((groupId) => groupId !== rule.group_id)
        .flatMap((groupId) => rulesByGroup.get(groupId) ?? [])
        .filter((other) => allowsEverythingOf(other, rule) && isKept(other));
      for (const other of found) coverers.add(other.rule_id);
      return found.length > 0;
    });
    if (!everyInterfaceCovered) continue;
    const shadowedBy = [...coverers].sort();
    judged.set(rule.rule_id, {
      verdict: Verdict.Remove,
      reasons: [...(judgement.reasons.includes(VerdictReason.ExposedAdminPort) ? [VerdictReason.ExposedAdminPort] : []), VerdictReason.Shadowed],
      shadowedBy,
      explanation:
        `Each of the ${carrying.length} interface${carrying.length === 1 ? '' : 's'} carrying ${rule.group_id} also carries another group whose rule ` +
        `(${shadowedBy.join(', ')}) allows everything it allows, and stays. This holds for today's attachments: an interface given ${rule.group_id} alone would need it.`,
      replayNeeded: false,
    });
  }
}

/** Whether `outer` allows every flow `inner` allows (same direction, protocol, ports, peer), whatever their groups. */
function allowsEverythingOf(outer: SecurityGroupRule, inner: SecurityGroupRule): boolean {
  if (outer.direction !== inner.direction) return false;
  const outerProtocol = ruleProtocolNumber(outer.protocol);
  const innerProtocol = ruleProtocolNumber(inner.protocol);
  if (outerProtocol === undefined || innerProtocol === undefined) return false;
  if (outerProtocol !== ALL_PROTOCOLS && outerProtocol !== innerProtocol) return false;
  if (outerProtocol !== ALL_PROTOCOLS) {
    if (outerProtocol === IpProtocol.Tcp || outerProtocol === IpProtocol.Udp) {
      const outerRange = destinationPortRange(outer) ?? { from: 0, to: 65_535 };
      const innerRange = destinationPortRange(inner) ?? { from: 0, to: 65_535 };
      if (outerRange.from > innerRange.from || outerRange.to < innerRange.to) return false;
    } else if (outerProtocol === IpProtocol.Icmp || outerProtocol === IpProtocol.Icmpv6) {
      const wildcard = (value: number | undefined): boolean => value === undefined || value === -1;
      if (!wildcard(outer.from_port) && outer.from_port !== inner.from_port) return false;
      if (!wildcard(outer.to_port) && outer.to_port !== inner.to_port) return false;
    }
  }
  const outerCidr = cidrOf(outer);
  const innerCidr = cidrOf(inner);
  if (outerCidr !== undefined && innerCidr !== undefined) {
    const outerBlock = parseCidr(outerCidr);
    const innerBlock = parseCidr(innerCidr);
    return outerBlock !== undefined && innerBlock !== undefined && cidrContainsCidr(outerBlock, innerBlock);
  }
  const a = outer.peer;
  const b = inner.peer;
  if (a.kind === 'prefix_list' && b.kind === 'prefix_list') return a.prefix_list_id === b.prefix_list_id;
  if (a.kind === 'security_group' && b.kind === 'security_group') return a.group_id === b.group_id;
  return false;
}

function isShadowedSoFar(judged: ReadonlyMap<string, Judgement>, rule: SecurityGroupRule, rules: readonly SecurityGroupRule[]): boolean {
  // A coverer that is itself covered by a stricter-ordered rule goes too; only the last one standing counts.
  return rules.some((other) => other !== rule && covers(other, rule) && (!covers(rule, other) || other.rule_id < rule.rule_id) && (judged.get(other.rule_id) as Judgement).verdict === Verdict.Keep);
}

function riskRank(recommendation: Recommendation): number {
  const exposed = recommendation.reasons.includes(VerdictReason.ExposedAdminPort);
  if (exposed && recommendation.verdict !== Verdict.Keep) return 0;
  switch (recommendation.verdict) {
    case Verdict.Narrow:
      return 1;
    case Verdict.Remove:
      return 2;
    case Verdict.Review:
      return 3;
    case Verdict.Keep:
      return 4;
  }
}

function evidenceOf(entry: RuleLedger, coveredDays: number): RecommendationEvidence {
  return {
    flows: entry.flows,
    bytes: entry.bytes,
    distinctPeers: entry.distinctPeers,
    firstSeen: entry.firstSeen === null ? null : isoTime(entry.firstSeen),
    lastSeen: entry.lastSeen === null ? null : isoTime(entry.lastSeen),
    coveredDays,
  };
}

function toRuleUsage(summary: RuleSummary, entry: RuleLedger): RuleUsage {
  return {
    ...summary,
    flows: entry.flows,
    bytes: entry.bytes,
    packets: entry.packets,
    distinctPeers: entry.distinctPeers,
    ...(entry.firstSeen === null ? {} : { firstSeen: isoTime(entry.firstSeen) }),
    ...(entry.lastSeen === null ? {} : { lastSeen: isoTime(entry.lastSeen) }),
    rejectedWouldAllow: entry.rejectedWouldAllow,
    hitsByDay: entry.hitsByDay.map(([day, flows]) => [isoTime(day * SECONDS_PER_DAY).slice(0, 10), flows] as const),
  };
}

function overBroadOf(rule: SecurityGroupRule, summary: RuleSummary, entry: RuleLedger, thresholds: ReportThresholds): OverBroadRule[] {
  const cidr = cidrOf(rule);
  const ruleBlock = cidr === undefined ? undefined : parseCidr(cidr);
  if (entry.flows === 0 || ruleBlock === undefined || entry.peerBlocks.cidrs.length === 0) return [];
  const blocks = entry.peerBlocks.cidrs.map((text) => parseCidr(text)).filter((block): block is Cidr => block !== undefined);
  const suggested = mergeSiblingBlocks(suggestCidrBlocks(blocks, thresholds.maxSuggestedCidrs));
  if (suggested.length === 0) return [];
  const widest = Math.min(...suggested.map((block) => block.prefixLength));
  const granularity = cidrFamily(ruleBlock) === 4 ? thresholds.ipv4GranularityPrefix : thresholds.ipv6GranularityPrefix;
  if (ruleBlock.prefixLength + thresholds.overBroadMarginBits > Math.min(widest, granularity)) return [];
  const suggestedSize = suggested.reduce((sum, block) => sum + exactCidrSize(block), 0n);
  return [
    {
      ...summary,
      flows: entry.flows,
      distinctPeers: entry.distinctPeers,
      suggestedCidrs: suggested.map(formatCidr),
      suggestionsExact: entry.peerBlocks.exact,
      reductionBits: ADDRESS_BITS[cidrFamily(ruleBlock)] - ruleBlock.prefixLength - (suggestedSize.toString(2).length - 1),
    },
  ];
}

function exposuresOf(rule: SecurityGroupRule, summary: RuleSummary, entry: RuleLedger): Exposure[] {
  const services = new Map(EXPOSED_SERVICE_PORTS.map(({ port, service }) => [port, service]));
  const byPort = new Map(entry.exposures.map((exposure) => [exposure.port, exposure]));
  return exposedPortsOf(rule).map(({ port }) => {
    const exposure = byPort.get(port);
    const acceptedFlows = exposure?.acceptedFlows ?? 0;
    const blockedAttempts = exposure?.blockedAttempts ?? 0;
    return {
      ...summary,
      port,
      service: services.get(port) ?? String(port),
      publicFlows: acceptedFlows,
      publicSources: exposure?.acceptedSources ?? { value: 0, exact: true },
      reached: acceptedFlows > 0,
      ...(exposure?.lastAccepted == null ? {} : { lastReached: isoTime(exposure.lastAccepted) }),
      blockedAttempts,
      blockedSources: exposure?.blockedSources ?? { value: 0, exact: true },
      ...(exposure?.lastBlocked == null ? {} : { lastBlocked: isoTime(exposure.lastBlocked) }),
      attempted: acceptedFlows > 0 || blockedAttempts > 0,
    };
  });
}

function rankingOf(ranking: RankingLedger, limit: number): Ranking {
  return { items: ranking.items.slice(0, limit), total: ranking.total, exact: ranking.exact, errorBound: ranking.errorBound };
}

function uniqueRules(rules: readonly SecurityGroupRule[]): SecurityGroupRule[] {
  const seen = new Set<string>();
  return rules.filter((rule) => (seen.has(rule.rule_id) ? false : (seen.add(rule.rule_id), true)));
}

function cidrOf(rule: SecurityGroupRule): string | undefined {
  return rule.peer.kind === 'ipv4_cidr' || rule.peer.kind === 'ipv6_cidr' ? rule.peer.cidr : undefined;
}

function sameBlock(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && sameAddress(x.network, y.network) && x.prefixLength === y.prefixLength;
}

function formatCountText(count: { value: number; exact: boolean }): string {
  return `${count.exact ? '' : '~'}${count.value.toLocaleString('en-US')}`;
}

function formatDays(days: number): string {
  return `${days} day${days === 1 ? '' : 's'}`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function isoTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace('.000Z', 'Z');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
