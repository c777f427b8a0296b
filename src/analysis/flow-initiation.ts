import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import { IpProtocol } from './rule-protocol.js';

/**
 * Which side of a connection a record's packets come from. Security groups are stateful: the
 * packets of the side that opened the connection need a rule in their direction, the answers
 * (return traffic) are allowed whatever the rules say.
 */
export const FlowInitiation = {
  /** The record's packets go from the side that opened the connection to the other. */
  Initiating: 'initiating',
  /** The record's packets answer a connection the other side opened. */
  Return: 'return',
  /** Neither the TCP flags nor the ports tell. */
  Unknown: 'unknown',
} as const;
export type FlowInitiation = (typeof FlowInitiation)[keyof typeof FlowInitiation];

/** What the classification rests on. */
export const InitiationEvidence = {
  TcpFlags: 'tcp_flags',
  Ports: 'ports',
  None: 'none',
} as const;
export type InitiationEvidence = (typeof InitiationEvidence)[keyof typeof InitiationEvidence];

export interface InitiationClassification {
  readonly initiation: FlowInitiation;
  readonly evidence: InitiationEvidence;
}

/** tcp-flags bits (aws-contracts §1.3). ACK is only ever logged together with SYN. */
const TCP_SYN = 2;
const TCP_ACK = 16;

/** Ports at or below this are IANA well-known ports, which servers listen on. */
export const MAX_WELL_KNOWN_PORT = 1023;

/**
 * The lowest ephemeral (client) port assumed: Linux picks 32768-60999 and Windows and the IANA
 * range 49152-65535, so 32768-65535 covers both.
 */
export const MIN_EPHEMERAL_PORT = 32_768;

/**
 * Server ports above 1023 seen behind security groups: databases, caches, brokers, search,
 * Kubernetes, remote desktop, and the usual alternate HTTP ports. All below MIN_EPHEMERAL_PORT, so a
 * client's ephemeral port is never taken for one.
 */
export const KNOWN_SERVICE_PORTS: ReadonlySet<number> = new Set([
  1433, 1521, 2049, 2379, 2380, 3000, 3306, 3389, 5000, 5432, 5439, 5601, 5671, 5672, 5984, 6379, 6443, 7000, 7001, 8000, 8008, 8080, 8081,
  8443, 8888, 9000, 9042, 9090, 9092, 9200, 9300, 9418, 10250, 11211, 15672, 27017,
]);

const KNOWN = (initiation: FlowInitiation, evidence: InitiationEvidence): InitiationClassification => ({ initiation, evidence });
const BY_FLAGS_INITIATING = KNOWN(FlowInitiation.Initiating, InitiationEvidence.TcpFlags);
const BY_FLAGS_RETURN = KNOWN(FlowInitiation.Return, InitiationEvidence.TcpFlags);
const BY_PORTS_INITIATING = KNOWN(FlowInitiation.Initiating, InitiationEvidence.Ports);
const BY_PORTS_RETURN = KNOWN(FlowInitiation.Return, InitiationEvidence.Ports);
const UNKNOWN = KNOWN(FlowInitiation.Unknown, InitiationEvidence.None);

/**
 * Whether a record carries the initiating side of its connection or return traffic. The answer
 * is relative to the record itself (its source sent the packets), so it holds in either
 * direction; the caller pairs it with the record's direction.
 *
 * 1. TCP flags, when the record has them and SYN is set: SYN without ACK is the opening packet
 *    (initiating); SYN-ACK (18, or 19, 22... with FIN or RST OR-ed in over the interval) is the
 *    answer (return). A record without SYN (a long connection's later interval) says nothing.
 * 2. Otherwise the ports, for any protocol that has them (0 means none, as for ICMP): the side
 *    listening is taken to be
 *    a. the one with a well-known port (<= 1023) when only one side has one;
 *    b. else the one with a port of `KNOWN_SERVICE_PORTS` when only one side has one;
 *    c. else the one below `MIN_EPHEMERAL_PORT` when only the other side is at or above it.
 *    Packets to the listening side are initiating, packets from it are return traffic.
 * 3. Otherwise (ICMP, both ports alike, no ports): unknown.
 *
 * @example classifyFlowInitiation({ protocol: 6, tcp_flags: 18, srcport: 443, dstport: 50123 }) // { initiation: 'return', evidence: 'tcp_flags' }
 * @example classifyFlowInitiation({ protocol: 17, srcport: 50123, dstport: 53 }) // { initiation: 'initiating', evidence: 'ports' }
 */
export function classifyFlowInitiation(flow: Pick<FlowLogDocument, 'protocol' | 'tcp_flags' | 'srcport' | 'dstport'>): InitiationClassification {
  const flags = flow.tcp_flags;
  if (flow.protocol === IpProtocol.Tcp && flags !== undefined && (flags & TCP_SYN) !== 0) {
    return (flags & TCP_ACK) === 0 ? BY_FLAGS_INITIATING : BY_FLAGS_RETURN;
  }
  const source = flow.srcport;
  const destination = flow.dstport;
  if (source === undefined || destination === undefined || source <= 0 || destination <= 0) return UNKNOWN;
  const listening = listeningSide(source, destination);
  if (listening === 'destination') return BY_PORTS_INITIATING;
  if (listening === 'source') return BY_PORTS_RETURN;
  return UNKNOWN;
}

function listeningSide(source: number, destination: number): 'source' | 'destination' | undefined {
  const sourceWellKnown = source <= MAX_WELL_KNOWN_PORT;
  const destinationWellKnown = destination <= MAX_WELL_KNOWN_PORT;
  if (sourceWellKnown !== destinationWellKnown) return destinationWellKnown ? 'destination' : 'source';
  if (sourceWellKnown) return undefined;
  const sourceService = KNOWN_SERVICE_PORTS.has(source);
  const destinationService = KNOWN_SERVICE_PORTS.has(destination);
  if (sourceService !== destinationService) return destinationService ? 'destination' : 'source';
  const sourceEphemeral = source >= MIN_EPHEMERAL_PORT;
  const destinationEphemeral = destination >= MIN_EPHEMERAL_PORT;
  if (sourceEphemeral !== destinationEphemeral) return sourceEphemeral ? 'destination' : 'source';
  return undefined;
}
