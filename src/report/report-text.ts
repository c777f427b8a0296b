import type { CountValue, ReplacementRule, ReportThresholds, SecurityGroupReport } from './report-model.js';
import type { LedgerLimits } from './rule-ledger.js';

/** Section titles, shared by every format so a reader finds the same words everywhere. */
export const REPORT_SECTIONS = {
  title: 'Security-group report',
  summary: 'Summary',
  recommendations: 'Recommendations, riskiest first',
  safetyCheck: 'Safety check',
  exposures: 'Exposure: administration and database ports open to the internet',
  unused: 'Unused rules',
  overBroad: 'Over-broad rules',
  rejected: 'Top rejected sources',
  talkers: 'Top talkers per security group',
  usage: 'Rule usage',
  notJudged: 'Not judged',
  definitions: 'Definitions',
} as const;

/**
 * What every verdict, figure and bound means, with the thresholds and limits in force; printed in
 * every format so that a report explains itself.
 *
 * @example reportDefinitions(DEFAULT_REPORT_THRESHOLDS, DEFAULT_LEDGER_LIMITS)[0] // 'Used: ...'
 */
export function reportDefinitions(thresholds: ReportThresholds, limits: LedgerLimits): string[] {
  const margin = thresholds.overBroadMarginBits;
  return [
    'Used: an accepted initiating record (rule_match "matched") lists the rule among the rules that allow it. Return traffic uses no rule; a rejected record the rule would have allowed (would_allow: stopped by the network ACL) does not make it used.',
    `Evidence: an interface is covered for every UTC hour in which it has a record (any action; NODATA and SKIPDATA records count). A rule's covered days are those of the least-covered interface of its group (of the inventory: an interface without any record counts 0 days, so a group is never judged on some of its interfaces' records). Below ${thresholds.minWindowDays} days (--min-window) no rule is called unused or narrowed: the verdict is "insufficient evidence".`,
    'Verdicts: keep, remove, narrow (authorize the replacement rules, then revoke the old rule) or review (a person decides; nothing is proposed).',
    'Essential (keep): ICMPv6 (neighbour discovery, path MTU discovery), ICMP of every type or type 3 (fragmentation needed), DNS on port 53 and the VPC resolver. Narrowing an all-traffic rule keeps ICMP type 3 code 4 and ICMPv6.',
    'Shadowed (remove): another rule of the same group and direction, itself kept, allows everything this one allows (protocol, ports, peer); of two identical rules the later id goes.',
    `Unused (remove): no accepted flow in at least ${thresholds.minWindowDays} covered days, its peer resolved.`,
    `Public service (keep): an ingress rule from the whole internet on at most ${thresholds.publicServiceMaxPorts} ports, not an administration or database port, used by at least ${thresholds.publicServiceMinPeers} distinct public peers in at least ${thresholds.publicServiceMinNetworks} distinct /8 (IPv4) or /32 (IPv6) networks (--public-min-peers, --public-min-networks).`,
    `Over-broad peers (narrow): a used CIDR rule whose peers fit at most ${thresholds.maxSuggestedCidrs} blocks (--max-cidrs) each at least ${margin} bits (${2 ** margin} times) narrower than the rule, counting blocks narrower than /${thresholds.ipv4GranularityPrefix} (IPv4) or /${thresholds.ipv6GranularityPrefix} (IPv6) as that wide. Peers are exact up to ${limits.peerBlockLimit} per rule, then covered by coarser blocks (marked).`,
    'Peers in a security group (narrow): every peer of a private CIDR rule is an address of the interfaces of one group; the rule is replaced by a reference to that group.',
    `Unused ports / protocols (narrow): a port range or all-traffic rule of which at most ${thresholds.maxNarrowedPorts} ports (--max-ports) were used, or only some protocols. A proposal never has more than ${thresholds.maxReplacementRules} rules.`,
    `Exposure: an ingress rule open to 0.0.0.0/0 or ::/0 whose protocol and ports include ${thresholds.exposedPorts.map(({ port, service }) => `${port} (${service})`).join(', ')}. Reached: accepted records from public addresses to that port. Blocked attempts: rejected records from public addresses the rule would have allowed (the network ACL stopped them): the rule is open all the same.`,
    'Safety check: the proposed rules of every group (current rules, removals left out, narrowed rules replaced) are matched against every distinct accepted initiating flow of the window, with the matcher attribution uses. A proposal that would deny one is withdrawn (verdict review). Flows the ledger could not keep, or the current rules no longer allow, withhold every change to the rules they touch.',
    `Memory bounds: distinct peers exact up to ${limits.exactDistinctLimit} per rule, then a HyperLogLog estimate (about 3% standard error) marked "~"; ports exact up to ${limits.serviceLimit} (protocol, port) pairs per rule; ${limits.replayTuplesPerRule} distinct flows per rule and ${limits.replayTuplesTotal} in all kept for the safety check (past that, the rule is left unchanged).`,
    `Rankings: exact up to ${limits.rankingExactLimit} keys per ranking, then Space-Saving with ${limits.rankingCounters} counters: a value is never under-counted and over-counted by at most its overcount, itself at most the ranking's error bound (total / counters). Rejected sources are ranked apart by direction: ingress sources knock from outside, egress sources are your own hosts.`,
  ];
}

/** A count as text, `~` in front of an estimate. */
export function formatCount(count: CountValue): string {
  return `${count.exact ? '' : '~'}${formatInteger(count.value)}`;
}

export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Bytes in binary units: "512 B", "1.5 MiB". */
export function formatBytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let scaled = value;
  let index = 0;
  while (scaled >= 1024 && index < units.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  return index === 0 ? `${Math.round(scaled)} B` : `${scaled.toFixed(1)} ${units[index]}`;
}

/**
 * A replacement rule in a few words.
 *
 * @example describeReplacement({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '198.51.100.0/28' }) // 'tcp 22 198.51.100.0/28'
 */
export function describeReplacement(rule: ReplacementRule): string {
  const ports = rule.ipProtocol === '-1' ? 'all' : rule.fromPort === -1 ? (rule.ipProtocol === 'icmp' || rule.ipProtocol === 'icmpv6' ? 'all types' : 'all') : rule.ipProtocol === 'icmp' || rule.ipProtocol === 'icmpv6' ? `type ${rule.fromPort}${rule.toPort === -1 ? '' : ` code ${rule.toPort}`}` : rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`;
  const peer = rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedGroupId ?? rule.prefixListId ?? '';
  return `${rule.ipProtocol === '-1' ? 'all' : rule.ipProtocol} ${ports} ${peer}`;
}

/** The safety check in a sentence. */
export function describeSafetyCheck(report: Pick<SecurityGroupReport, 'safetyCheck' | 'safetyCheckDetails'>): string {
  const { safetyCheck, safetyCheckDetails: details } = report;
  const parts = [
    `Replayed ${formatInteger(safetyCheck.flowsReplayed)} accepted initiating flows (${formatInteger(details.tuplesReplayed)} distinct) against the proposed rules: ${formatInteger(safetyCheck.flowsStillAllowed)} still allowed.`,
  ];
  if (details.withdrawnRuleIds.length > 0) parts.push(`Proposals withdrawn because they would have denied a flow: ${details.withdrawnRuleIds.join(', ')}.`);
  if (details.flowsNotKept > 0) parts.push(`${formatInteger(details.flowsNotKept)} flows exceeded the replay's memory bound; the rules they used are left unchanged.`);
  if (details.flowsNotReproduced > 0) parts.push(`${formatInteger(details.flowsNotReproduced)} flows are not allowed by the current rules any more (rules changed, or a peer is unresolved); changes to their groups are withheld.`);
  return parts.join(' ');
}
