import { protocolNumber } from '../flow-log/protocol-names.js';
import type { SecurityGroupRule } from '../ports.js';

/** IANA protocol numbers that security groups treat specially. */
export const IpProtocol = {
  Icmp: 1,
  Tcp: 6,
  Udp: 17,
  Icmpv6: 58,
} as const;
export type IpProtocol = (typeof IpProtocol)[keyof typeof IpProtocol];

/** `IpProtocol: "-1"` in a rule: every protocol, every port. */
export const ALL_PROTOCOLS = -1;

/**
 * A rule's protocol as a number: `-1` (all), a name EC2 uses (`tcp`, `udp`, `icmp`, `icmpv6`, any
 * IANA keyword, case-insensitively) or a number as text (`"6"`, `"50"`). Undefined for anything
 * else, and such a rule matches nothing rather than everything.
 *
 * @example ruleProtocolNumber('tcp') // 6
 * @example ruleProtocolNumber('58') // 58
 * @example ruleProtocolNumber('-1') // -1 (ALL_PROTOCOLS)
 */
export function ruleProtocolNumber(protocol: string): number | undefined {
  const text = protocol.trim();
  if (/^-?[0-9]+$/.test(text)) {
    const value = Number(text);
    if (value === ALL_PROTOCOLS) return ALL_PROTOCOLS;
    return value >= 0 && value <= 255 ? value : undefined;
  }
  return text === '' ? undefined : protocolNumber(text);
}

/** The destination ports a rule allows, inclusive; absent when it allows every port. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The destination-port range a rule restricts a flow to, or undefined when the rule allows every
 * port. Only TCP and UDP rules restrict ports: with `-1` or any other protocol number EC2 allows
 * all ports whatever range was given.
 *
 * ICMP and ICMPv6 rules hold a type (FromPort) and a code (ToPort), `-1` for any. Flow logs do not
 * carry the ICMP type or code (they log ports `0 0` for ICMP), so a type/code restriction cannot
 * be checked against a record: attribution treats an ICMP rule as matching on protocol and peer
 * alone, and this function returns undefined for it.
 *
 * @example destinationPortRange(securityGroupRule({ protocol: 'tcp', from_port: 8000, to_port: 8099 })) // { from: 8000, to: 8099 }
 * @example destinationPortRange(securityGroupRule({ protocol: '-1', from_port: -1, to_port: -1 })) // undefined
 */
export function destinationPortRange(rule: Pick<SecurityGroupRule, 'protocol' | 'from_port' | 'to_port'>): PortRange | undefined {
  const protocol = ruleProtocolNumber(rule.protocol);
  if (protocol !== IpProtocol.Tcp && protocol !== IpProtocol.Udp) return undefined;
  const from = rule.from_port;
  const to = rule.to_port;
  if (from === undefined || to === undefined || from < 0 || to < 0) return undefined;
  if (from <= 0 && to >= 65_535) return undefined;
  return { from, to };
}
