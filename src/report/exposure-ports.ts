/**
 * Ports that should never be open to the whole internet: remote administration and databases.
 * A rule is an exposure when it is an ingress rule whose peer is `0.0.0.0/0` or `::/0` and whose
 * protocol and port range include one of these ports (TCP; RDP also over UDP; `-1` includes all).
 * The list follows the services' registered default ports.
 */
export const EXPOSED_SERVICE_PORTS: readonly { readonly port: number; readonly service: string; readonly protocols: readonly number[] }[] = [
  { port: 22, service: 'SSH', protocols: [6] },
  { port: 3389, service: 'RDP', protocols: [6, 17] },
  { port: 1433, service: 'Microsoft SQL Server', protocols: [6] },
  { port: 1521, service: 'Oracle Database', protocols: [6] },
  { port: 3306, service: 'MySQL / MariaDB / Aurora MySQL', protocols: [6] },
  { port: 5432, service: 'PostgreSQL / Aurora PostgreSQL', protocols: [6] },
  { port: 5439, service: 'Amazon Redshift', protocols: [6] },
  { port: 6379, service: 'Redis / Valkey', protocols: [6] },
  { port: 9042, service: 'Cassandra / Amazon Keyspaces', protocols: [6] },
  { port: 9200, service: 'OpenSearch / Elasticsearch', protocols: [6] },
  { port: 11211, service: 'Memcached', protocols: [6] },
  { port: 27017, service: 'MongoDB / Amazon DocumentDB', protocols: [6] },
];

/** The peers that mean "the whole internet" for each family. */
export const WHOLE_INTERNET_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];
