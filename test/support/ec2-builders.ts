/**
 * Builders for EC2 inventory in both shapes: the SDK's (`NetworkInterface`, `SecurityGroupRule`
 * as DescribeNetworkInterfaces / DescribeSecurityGroupRules return them) and the ports' shapes
 * the core consumes. Defaults describe one ordinary instance interface; override what a test is
 * about. Private addresses are RFC 1918; public ones come from the documentation ranges.
 */
import { readFileSync } from 'node:fs';
import type { NetworkInterface, SecurityGroupRule as Ec2SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { FlowLogDocument } from '../../src/flow-log/flow-log-document.js';
import type { NetworkInterfaceInfo, SecurityGroupRule } from '../../src/ports.js';
import { CORPUS } from './cloudwatch-builders.js';

/** An EC2 `NetworkInterface` as the SDK returns it: one private IPv4, one group, attached to an instance. */
export function ec2NetworkInterface(overrides: Partial<NetworkInterface> = {}): NetworkInterface {
  const interfaceId = overrides.NetworkInterfaceId ?? 'eni-0a1b2c3d4e5f60718';
  return {
    NetworkInterfaceId: interfaceId,
    InterfaceType: 'interface',
    Status: 'in-use',
    Description: 'Primary network interface',
    VpcId: 'vpc-0a1b2c3d',
    SubnetId: 'subnet-0a1b2c3d',
    AvailabilityZone: 'us-east-1a',
    OwnerId: '123456789012',
    Groups: [{ GroupId: 'sg-0123456789abcdef0', GroupName: 'web' }],
    PrivateIpAddress: '10.0.1.17',
    PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.17', Primary: true }],
    Ipv6Addresses: [],
    Attachment: { InstanceId: 'i-0123456789abcdef0', InstanceOwnerId: '123456789012', DeviceIndex: 0, Status: 'attached' },
    RequesterManaged: false,
    SourceDestCheck: true,
    TagSet: [],
    ...overrides,
  };
}

/** An EC2 `SecurityGroupRule` as the SDK returns it: ingress tcp/443 from a documentation CIDR. */
export function ec2SecurityGroupRule(overrides: Partial<Ec2SecurityGroupRule> = {}): Ec2SecurityGroupRule {
  return {
    SecurityGroupRuleId: 'sgr-0123456789abcdef0',
    GroupId: 'sg-0123456789abcdef0',
    GroupOwnerId: '123456789012',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    CidrIpv4: '203.0.113.0/24',
    Tags: [],
    ...overrides,
  };
}

/** The core's view of the interface `ec2NetworkInterface()` describes. */
export function networkInterfaceInfo(overrides: Partial<NetworkInterfaceInfo> = {}): NetworkInterfaceInfo {
  return {
    interfaceId: 'eni-0a1b2c3d4e5f60718',
    interfaceType: 'interface',
    vpcId: 'vpc-0a1b2c3d',
    subnetId: 'subnet-0a1b2c3d',
    availabilityZone: 'us-east-1a',
    instanceId: 'i-0123456789abcdef0',
    ownerId: '123456789012',
    description: 'Primary network interface',
    securityGroups: [{ groupId: 'sg-0123456789abcdef0', groupName: 'web' }],
    privateIpv4Addresses: ['10.0.1.17'],
    ipv6Addresses: [],
    delegatedPrefixes: [],
    publicIpv4Addresses: [],
    ...overrides,
  };
}

/** The core's view of the rule `ec2SecurityGroupRule()` describes. */
export function securityGroupRule(overrides: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return {
    rule_id: 'sgr-0123456789abcdef0',
    group_id: 'sg-0123456789abcdef0',
    direction: 'ingress',
    protocol: 'tcp',
    from_port: 443,
    to_port: 443,
    peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' },
    ...overrides,
  };
}

/** A parsed v2 record of an HTTPS flow from the internet to the default interface. */
export function flowDocument(overrides: Partial<FlowLogDocument> = {}): FlowLogDocument {
  return {
    version: 2,
    account_id: '123456789012',
    interface_id: 'eni-0a1b2c3d4e5f60718',
    srcaddr: '203.0.113.25',
    dstaddr: '10.0.1.17',
    srcport: 49152,
    dstport: 443,
    protocol: 6,
    packets: 10,
    bytes: 840,
    start: 1_700_000_000,
    end: 1_700_000_060,
    action: 'ACCEPT',
    log_status: 'OK',
    ...overrides,
  };
}

/** `count` distinct, well-formed interface ids (`eni-` and 17 hex digits), in order. */
export function interfaceIds(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, index) => `eni-${(offset + index).toString(16).padStart(17, '0')}`);
}

/** A copy of `value` without `keys`: builders can add a property but not leave a default out. */
export function without<T extends object, K extends keyof T>(value: T, ...keys: readonly K[]): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}

const EC2_CORPUS = new URL('ec2/', CORPUS);

/**
 * A file of the shared EC2 corpus (../shared/corpus/ec2), read in place and parsed. The corpus
 * holds AWS CLI / botocore JSON, which is the SDK's output shape with dates as strings.
 */
export function readEc2Corpus<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, EC2_CORPUS), 'utf8')) as T;
}

/**
 * The rules derived from the AWS CLI documentation's describe-security-groups example group
 * sg-903004f8 (its permissions, in order): the unit tier builds that group, the integration tier
 * reads it from the corpus, and both expect these.
 */
export const SG_903004F8_DERIVED_RULES: readonly SecurityGroupRule[] = [
  { rule_id: 'sg-903004f8/ingress/0', group_id: 'sg-903004f8', direction: 'ingress', protocol: '-1', peer: { kind: 'security_group', group_id: 'sg-903004f8', user_id: '123456789012' } },
  {
    rule_id: 'sg-903004f8/ingress/1',
    group_id: 'sg-903004f8',
    direction: 'ingress',
    protocol: 'tcp',
    from_port: 22,
    to_port: 22,
    peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' },
    description: 'Access from NY office',
  },
  { rule_id: 'sg-903004f8/egress/0', group_id: 'sg-903004f8', direction: 'egress', protocol: '-1', peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } },
];
