/**
 * The collaborators the core needs, as interfaces. Adapters in src/adapters implement them with
 * AWS SDK clients, HTTP or files; tests pass plain fakes. Nothing here imports an SDK.
 */
import type { FlowDirection } from './domain/flow-direction.js';
import type { LookupScope } from './domain/lookup-scope.js';

/** Milliseconds since the Unix epoch; injected so caches and retries are testable. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Waits; injected so retry back-off is testable without real time passing. */
export type Sleep = (milliseconds: number) => Promise<void>;

/** Structured logging. Attributes become JSON keys; never pass secrets. */
export interface Logger {
  debug(message: string, attributes?: Readonly<Record<string, unknown>>): void;
  info(message: string, attributes?: Readonly<Record<string, unknown>>): void;
  warn(message: string, attributes?: Readonly<Record<string, unknown>>): void;
  error(message: string, attributes?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const MetricUnit = {
  Count: 'Count',
  Bytes: 'Bytes',
  Milliseconds: 'Milliseconds',
} as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Metrics of one invocation, published once at its end (EMF in Lambda). */
export interface Metrics {
  add(name: string, unit: MetricUnit, value: number): void;
}

export const discardMetrics: Metrics = { add: () => {} };

/** What became of one record of a PutRecordBatch call, at the same index as in the request. */
export type PutRecordOutcome = { readonly ok: true } | { readonly ok: false; readonly errorCode: string; readonly errorMessage?: string };

/** A Firehose delivery stream taking Direct PUT records in batches. */
export interface DeliveryStream {
  /**
   * Sends one PutRecordBatch call (at most 500 records and 4 MiB; the caller chunks). Resolves
   * with one outcome per record, in request order, whenever the call itself was answered, even
   * if some records failed. Rejects with `DeliveryCallError` (src/firehose/delivery/delivery-errors.ts)
   * when the call as a whole failed, saying whether trying again may help.
   */
  putRecordBatch(records: readonly Uint8Array[]): Promise<readonly PutRecordOutcome[]>;
}

/** The result of looking one key up in a remote inventory. */
export type LookupOutcome<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'not_found' }
  /** `scopeRefused`: no credentials for the record's account (a LookupScopeRefusedError), so EC2 was never asked. */
  | { readonly status: 'failed'; readonly reason: string; readonly scopeRefused?: true };

/** A security group as a network interface lists it. */
export interface SecurityGroupReference {
  readonly groupId: string;
  readonly groupName?: string;
}

/** What enrichment needs to know about one elastic network interface (DescribeNetworkInterfaces). */
export interface NetworkInterfaceInfo {
  readonly interfaceId: string;
  readonly interfaceType?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly availabilityZone?: string;
  readonly instanceId?: string;
  readonly ownerId?: string;
  readonly description?: string;
  readonly securityGroups: readonly SecurityGroupReference[];
  /** Every private IPv4 address, primary first. */
  readonly privateIpv4Addresses: readonly string[];
  /** Every IPv6 address assigned to the interface. */
  readonly ipv6Addresses: readonly string[];
  /** Delegated prefixes (`Ipv4Prefixes`, `Ipv6Prefixes`) in CIDR notation. */
  readonly delegatedPrefixes: readonly string[];
  /** Public IPv4 addresses associated with the interface. */
  readonly publicIpv4Addresses: readonly string[];
}

/** Looks network interfaces up by id, many at once, in one account and Region. */
export interface NetworkInterfaceSource {
  /** One outcome per requested id; an id EC2 does not know in `scope` is `not_found`, not an error. */
  describeNetworkInterfaces(scope: LookupScope, interfaceIds: readonly string[]): Promise<ReadonlyMap<string, LookupOutcome<NetworkInterfaceInfo>>>;
}

/** The other side of a security-group rule. Exactly one kind per rule, as DescribeSecurityGroupRules returns. */
export type SecurityGroupRulePeer =
  | { readonly kind: 'ipv4_cidr'; readonly cidr: string }
  | { readonly kind: 'ipv6_cidr'; readonly cidr: string }
  | { readonly kind: 'prefix_list'; readonly prefix_list_id: string }
  | {
      readonly kind: 'security_group';
      readonly group_id: string;
      readonly user_id?: string;
      readonly vpc_id?: string;
      readonly vpc_peering_connection_id?: string;
    };

/**
 * One security-group rule, flat, as DescribeSecurityGroupRules returns it. Snake-case keys because
 * it is emitted as-is in enriched documents (`security_group_rules`).
 */
export interface SecurityGroupRule {
  readonly rule_id: string;
  readonly group_id: string;
  readonly direction: FlowDirection;
  /** `-1` for all protocols, a name (`tcp`, `udp`, `icmp`, `icmpv6`) or a protocol number as text. */
  readonly protocol: string;
  /** For TCP/UDP the port range; for ICMP the type (from) and code (to); -1 means all. */
  readonly from_port?: number;
  readonly to_port?: number;
  readonly peer: SecurityGroupRulePeer;
  readonly description?: string;
}

/** Looks the rules of security groups up, many groups at once, in one account and Region. */
export interface SecurityGroupRuleSource {
  /** One outcome per requested group id: its ingress and egress rules. */
  describeSecurityGroupRules(scope: LookupScope, groupIds: readonly string[]): Promise<ReadonlyMap<string, LookupOutcome<readonly SecurityGroupRule[]>>>;
}

/** Expands managed prefix lists (customer- or AWS-managed) into their CIDRs, many lists at once, in one account and Region. */
export interface PrefixListSource {
  /** One outcome per requested prefix-list id: its entries' CIDRs (IPv4 or IPv6, as the list's family). */
  getPrefixListEntries(scope: LookupScope, prefixListIds: readonly string[]): Promise<ReadonlyMap<string, LookupOutcome<readonly string[]>>>;
}

/**
 * Finds the members of security groups as a referencing rule sees them: the private IPv4
 * addresses, IPv6 addresses and delegated prefixes of every network interface in the group,
 * in one account and Region.
 */
export interface SecurityGroupMemberSource {
  /** One outcome per requested group id: the addresses and prefixes (CIDR text) of its interfaces in `scope`. */
  describeSecurityGroupMembers(scope: LookupScope, groupIds: readonly string[]): Promise<ReadonlyMap<string, LookupOutcome<readonly string[]>>>;
}

/** Where a public address is, with only the values the provider knows. */
export interface GeoLocation {
  readonly country_code?: string;
  readonly country_name?: string;
  readonly region_code?: string;
  readonly region_name?: string;
  readonly city?: string;
  readonly location?: { readonly lat: number; readonly lon: number };
}

export type GeoOutcome =
  | { readonly status: 'found'; readonly value: GeoLocation }
  | { readonly status: 'not_found' }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'quota_exceeded' };

/** Geolocates public IP addresses, many at once. */
export interface GeoLocator {
  /** One outcome per requested address. */
  locate(addresses: readonly string[]): Promise<ReadonlyMap<string, GeoOutcome>>;
}

/** Supplies a secret (an API key) that may change while a container lives; callers never log it. */
export interface SecretProvider {
  /** The current value; rejects with an error that names where the secret lives, never the value. */
  getSecret(): Promise<string>;
}
