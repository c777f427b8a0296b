import { ALL_PROTOCOLS, destinationPortRange, IpProtocol, ruleProtocolNumber } from '../analysis/rule-protocol.js';
import type { SecurityGroupRule } from '../ports.js';
import { cidrFamily, parseCidr } from '../net/index.js';
import { EXPOSED_SERVICE_PORTS, WHOLE_INTERNET_CIDRS } from './exposure-ports.js';
import type { RuleSummary } from './report-model.js';

/**
 * The EXPOSED_SERVICE_PORTS an ingress rule opens to the whole internet.
 *
 * @example exposedPortsOf({ ..., direction: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } }) // [{ port: 22, service: 'SSH', ... }]
 */
export function exposedPortsOf(rule: SecurityGroupRule): (typeof EXPOSED_SERVICE_PORTS)[number][] {
  if (rule.direction !== 'ingress') return [];
  if ((rule.peer.kind !== 'ipv4_cidr' && rule.peer.kind !== 'ipv6_cidr') || !isWholeInternet(rule.peer.cidr)) return [];
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol === undefined) return [];
  const range = destinationPortRange(rule);
  return EXPOSED_SERVICE_PORTS.filter(
    ({ port, protocols }) => (protocol === ALL_PROTOCOLS || protocols.includes(protocol)) && (range === undefined || (port >= range.from && port <= range.to)),
  );
}

export function isWholeInternet(cidr: string): boolean {
  const block = parseCidr(cidr);
  return block !== undefined && block.prefixLength === 0 && WHOLE_INTERNET_CIDRS.some((text) => parseCidr(text)?.network.family === cidrFamily(block));
}

/**
 * A rule in a few words of text: protocol, ports and peer.
 *
 * @example summarizeRule({ rule_id: 'sgr-1', group_id: 'sg-1', direction: 'ingress', protocol: 'tcp', from_port: 22, to_port: 22, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } })
 * // { ruleId: 'sgr-1', groupId: 'sg-1', direction: 'ingress', protocol: 'tcp', ports: '22', peer: '0.0.0.0/0' }
 */
export function summarizeRule(rule: SecurityGroupRule): RuleSummary {
  const number = ruleProtocolNumber(rule.protocol);
  const protocol = number === ALL_PROTOCOLS ? 'all' : number === IpProtocol.Tcp ? 'tcp' : number === IpProtocol.Udp ? 'udp' : number === IpProtocol.Icmp ? 'icmp' : number === IpProtocol.Icmpv6 ? 'icmpv6' : rule.protocol;
  let ports = 'all';
  if (number === IpProtocol.Tcp || number === IpProtocol.Udp) {
    const range = destinationPortRange(rule);
    if (range !== undefined) ports = range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
  } else if ((number === IpProtocol.Icmp || number === IpProtocol.Icmpv6) && rule.from_port !== undefined && rule.from_port >= 0) {
    ports = `type ${rule.from_port}${rule.to_port !== undefined && rule.to_port >= 0 ? ` code ${rule.to_port}` : ''}`;
  }
  const { peer } = rule;
  const peerText = peer.kind === 'ipv4_cidr' || peer.kind === 'ipv6_cidr' ? peer.cidr : peer.kind === 'prefix_list' ? peer.prefix_list_id : peer.group_id;
  return {
    ruleId: rule.rule_id,
    groupId: rule.group_id,
    direction: rule.direction,
    protocol,
    ports,
    peer: peerText,
    ...(rule.description === undefined || rule.description === '' ? {} : { description: rule.description }),
  };
}

