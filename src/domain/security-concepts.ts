import { NON_PUBLIC_NETWORKS } from '../net/special-networks.js';
import { FlowDirection } from './flow-direction.js';

/**
 * The security questions the project asks, defined once for every engine that answers them: the
 * report (src/report), the OpenSearch dashboards (src/opensearch/saved-objects.ts) and the Athena
 * named queries (src/athena, written into template.yaml by scripts/generate-athena-named-queries.ts).
 */

/** A port that should never be open to the whole internet, and the protocols it is served over. */
export interface ExposedServicePort {
  readonly port: number;
  readonly service: string;
  /** IANA protocol numbers: 6 TCP, 17 UDP. */
  readonly protocols: readonly number[];
}

const TCP = 6;
const UDP = 17;

/**
 * Ports that should never be open to the whole internet: remote administration (plain-text FTP
 * and Telnet included) and databases, at the services' registered default ports. A rule is an
 * exposure when it is an ingress rule whose peer is the whole internet and whose protocol and
 * port range include one of these ports; a flow is an exposure when it was accepted inbound from a
 * public source to one of them.
 */
export const EXPOSED_SERVICE_PORTS: readonly ExposedServicePort[] = [
  { port: 21, service: 'FTP', protocols: [TCP] },
  { port: 22, service: 'SSH', protocols: [TCP] },
  { port: 23, service: 'Telnet', protocols: [TCP] },
  { port: 3389, service: 'RDP', protocols: [TCP, UDP] },
  { port: 1433, service: 'Microsoft SQL Server', protocols: [TCP] },
  { port: 1521, service: 'Oracle Database', protocols: [TCP] },
  { port: 3306, service: 'MySQL / MariaDB / Aurora MySQL', protocols: [TCP] },
  { port: 5432, service: 'PostgreSQL / Aurora PostgreSQL', protocols: [TCP] },
  { port: 5439, service: 'Amazon Redshift', protocols: [TCP] },
  { port: 6379, service: 'Redis / Valkey', protocols: [TCP] },
  { port: 9042, service: 'Cassandra / Amazon Keyspaces', protocols: [TCP] },
  { port: 9200, service: 'OpenSearch / Elasticsearch', protocols: [TCP] },
  { port: 11211, service: 'Memcached', protocols: [TCP] },
  { port: 27017, service: 'MongoDB / Amazon DocumentDB', protocols: [TCP] },
];

/** The rule peers that mean "the whole internet", one per family. */
export const WHOLE_INTERNET_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

/**
 * Source networks that are not "the internet" (src/net/special-networks.ts), as CIDR text for
 * query engines, which cannot call `isPublicAddress`. IPv4-mapped IPv6 sources need no entry:
 * OpenSearch's `ip` type and Athena's `IPADDRESS` store them as the IPv4 address they carry.
 */
export const NON_PUBLIC_SOURCE_CIDRS: readonly string[] = NON_PUBLIC_NETWORKS.map(({ cidr }) => cidr);

/**
 * "Top rejected sources": records whose action is REJECT, counted per source address, the most
 * first. Every engine ranks every rejected record today; issue 19's split by direction (your own
 * hosts' egress rejects apart from the internet's) is to be made here, once, for all of them.
 */
export const TOP_REJECTED_SOURCES = {
  action: 'REJECT',
  groupBy: 'srcaddr',
  /** How many sources the dashboards, Athena and Logs Insights list. */
  limit: 20,
} as const;

/** "Exposure reached": accepted inbound flows from a public source to an exposed port. */
export const EXPOSURE_FLOWS = {
  action: 'ACCEPT',
  direction: FlowDirection.Ingress,
} as const;
