import type { CountValue, ReportThresholds } from './report-model.js';

/** Section titles, shared by every format so a reader finds the same words everywhere. */
export const REPORT_SECTIONS = {
  title: 'Security-group report',
  summary: 'Summary',
  unused: 'Unused rules',
  overBroad: 'Over-broad rules',
  exposures: 'Exposure: administration and database ports open to the internet',
  rejected: 'Top rejected sources',
  talkers: 'Top talkers per security group',
  usage: 'Rule usage',
  notJudged: 'Not judged',
  definitions: 'Definitions',
} as const;

/**
 * What "unused", "over-broad", "exposure" and the rankings mean, with the thresholds in force;
 * printed in every format so a report explains itself.
 *
 * @example reportDefinitions(DEFAULT_REPORT_THRESHOLDS)[0] // 'Used: ...'
 */
export function reportDefinitions(thresholds: ReportThresholds): string[] {
  const margin = thresholds.overBroadMarginBits;
  return [
    'Used: an ACCEPT record attributed "matched" lists the rule among the rules that allow it. Return traffic uses no rule; a REJECT the rule would have allowed ("would_allow", blocked by the network ACL) does not make it used.',
    'Unused: no record in the window used the rule, although records were seen on interfaces of its security group and its peer (prefix list, referenced group) could be resolved. Other rules without traffic are listed under "Not judged".',
    `Suggested CIDRs: at most ${thresholds.maxSuggestedCidrs} blocks inside the rule's CIDR covering every observed peer, merged greedily (fewest extra addresses first) from a summary that is exact up to ${thresholds.peerBlockLimit} distinct peers and coarser, still covering, past that. Review them: traffic outside the window is not seen.`,
    `Over-broad: a used rule with a CIDR peer whose prefix is at least ${margin} bits (${2 ** margin} times) shorter than the widest suggested block, counting blocks narrower than /${thresholds.ipv4GranularityPrefix} (IPv4) or /${thresholds.ipv6GranularityPrefix} (IPv6) as that wide.`,
    `Exposure: an ingress rule open to 0.0.0.0/0 or ::/0 whose protocol and ports include ${thresholds.exposedPorts.map(({ port, service }) => `${port} (${service})`).join(', ')}. Reached: some record the rule allowed came from a public address to that port.`,
    `Rankings: Space-Saving summaries (${thresholds.rejectedSourceCounters} counters for rejected sources, ${thresholds.talkerCounters} per group for talkers). A value is never under-counted and is over-counted by at most its "overcount", itself at most the ranking's error bound (total / counters).`,
    `Distinct peers: exact up to ${thresholds.exactDistinctLimit}, then a HyperLogLog estimate (about 3% standard error), marked "~".`,
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
