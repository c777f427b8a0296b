/**
 * IANA "Assigned Internet Protocol Numbers" keywords, indexed by protocol number.
 * https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml
 * Numbers without a keyword (61, 63, 68, 99, 114, unassigned 147-252, experimental 253-254,
 * reserved 255) are left out, so the document omits `protocol_name` for them.
 */
const KEYWORDS: readonly (string | undefined)[] = [
  'HOPOPT', 'ICMP', 'IGMP', 'GGP', 'IPv4', 'ST', 'TCP', 'CBT', 'EGP', 'IGP',
  'BBN-RCC-MON', 'NVP-II', 'PUP', 'ARGUS', 'EMCON', 'XNET', 'CHAOS', 'UDP', 'MUX', 'DCN-MEAS',
  'HMP', 'PRM', 'XNS-IDP', 'TRUNK-1', 'TRUNK-2', 'LEAF-1', 'LEAF-2', 'RDP', 'IRTP', 'ISO-TP4',
  'NETBLT', 'MFE-NSP', 'MERIT-INP', 'DCCP', '3PC', 'IDPR', 'XTP', 'DDP', 'IDPR-CMTP', 'TP++',
  'IL', 'IPv6', 'SDRP', 'IPv6-Route', 'IPv6-Frag', 'IDRP', 'RSVP', 'GRE', 'DSR', 'BNA',
  'ESP', 'AH', 'I-NLSP', 'SWIPE', 'NARP', 'Min-IPv4', 'TLSP', 'SKIP', 'IPv6-ICMP', 'IPv6-NoNxt',
  'IPv6-Opts', undefined, 'CFTP', undefined, 'SAT-EXPAK', 'KRYPTOLAN', 'RVD', 'IPPC', undefined, 'SAT-MON',
  'VISA', 'IPCV', 'CPNX', 'CPHB', 'WSN', 'PVP', 'BR-SAT-MON', 'SUN-ND', 'WB-MON', 'WB-EXPAK',
  'ISO-IP', 'VMTP', 'SECURE-VMTP', 'VINES', 'TTP', 'NSFNET-IGP', 'DGP', 'TCF', 'EIGRP', 'OSPFIGP',
  'Sprite-RPC', 'LARP', 'MTP', 'AX.25', 'IPIP', 'MICP', 'SCC-SP', 'ETHERIP', 'ENCAP', undefined,
  'GMTP', 'IFMP', 'PNNI', 'PIM', 'ARIS', 'SCPS', 'QNX', 'A/N', 'IPComp', 'SNP',
  'Compaq-Peer', 'IPX-in-IP', 'VRRP', 'PGM', undefined, 'L2TP', 'DDX', 'IATP', 'STP', 'SRP',
  'UTI', 'SMP', 'SM', 'PTP', 'ISIS over IPv4', 'FIRE', 'CRTP', 'CRUDP', 'SSCOPMCE', 'IPLT',
  'SPS', 'PIPE', 'SCTP', 'FC', 'RSVP-E2E-IGNORE', 'Mobility Header', 'UDPLite', 'MPLS-in-IP', 'manet', 'HIP',
  'Shim6', 'WESP', 'ROHC', 'Ethernet', 'AGGFRAG', 'NSH', 'Homa',
];

/**
 * The IANA keyword of an IP protocol number, or undefined when IANA assigns it none.
 *
 * @example protocolName(6) // 'TCP'
 * @example protocolName(58) // 'IPv6-ICMP'
 */
export function protocolName(protocolNumber: number): string | undefined {
  return KEYWORDS[protocolNumber];
}

const NUMBERS_BY_KEYWORD: ReadonlyMap<string, number> = new Map(
  KEYWORDS.flatMap((keyword, number) => (keyword === undefined ? [] : [[keyword.toLowerCase(), number] as const])),
);

/**
 * The protocol number of an IANA keyword, case-insensitively (security-group rules say `tcp`,
 * `udp`, `icmp`, `icmpv6`; `icmpv6` is EC2's name for IPv6-ICMP).
 */
export function protocolNumber(keyword: string): number | undefined {
  const lower = keyword.toLowerCase();
  return lower === 'icmpv6' ? 58 : NUMBERS_BY_KEYWORD.get(lower);
}
