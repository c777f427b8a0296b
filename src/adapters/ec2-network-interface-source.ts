import { paginateDescribeNetworkInterfaces, type NetworkInterface } from '@aws-sdk/client-ec2';
import type { LookupOutcome, NetworkInterfaceInfo, NetworkInterfaceSource, SecurityGroupReference } from '../ports.js';
import { MAX_EC2_PAGE_SIZE, checkPageSize, ec2ClientForScope, toFilterValueBatches, type Ec2ClientOption } from './ec2-client.js';

export interface Ec2NetworkInterfaceSourceOptions {
  /**
   * Built once per container (its retry settings decide how hard a throttled call is retried),
   * or the choice of client per look-up scope.
   */
  readonly client: Ec2ClientOption;
  /** `MaxResults` per page, 5 to 1000; default 1000. */
  readonly pageSize?: number;
}

/**
 * A `NetworkInterfaceSource` backed by DescribeNetworkInterfaces.
 *
 * Ids are asked for with the `network-interface-id` filter, never with `NetworkInterfaceIds`:
 * that parameter fails the whole call with `InvalidNetworkInterfaceID.NotFound` when one id no
 * longer exists, and a flow log outlives the interfaces it mentions. With the filter, an unknown
 * id is simply absent from the answer and becomes `not_found`. At most 200 ids go in one call
 * (`MAX_EC2_FILTER_VALUES_PER_CALL`), calls of a batch run one after another, and every call is
 * paginated. Never an unfiltered listing: an empty request makes no call.
 *
 * Errors left after the SDK's own retries (throttling, network) are thrown for the whole batch;
 * the caller's cache turns them into `failed` outcomes.
 *
 * @example
 * const interfaces = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });
 * const outcomes = await interfaces.describeNetworkInterfaces(scope, ['eni-0a1b2c3d4e5f60718']);
 */
export function createEc2NetworkInterfaceSource(options: Ec2NetworkInterfaceSourceOptions): NetworkInterfaceSource {
  const clientFor = ec2ClientForScope(options.client);
  const pageSize = checkPageSize(options.pageSize ?? MAX_EC2_PAGE_SIZE);

  return {
    async describeNetworkInterfaces(scope, interfaceIds) {
      const client = clientFor(scope);
      const found = new Map<string, NetworkInterfaceInfo>();
      for (const batch of toFilterValueBatches(interfaceIds)) {
        const requested = new Set(batch);
        const pages = paginateDescribeNetworkInterfaces(
          { client, pageSize, stopOnSameToken: true },
          { Filters: [{ Name: 'network-interface-id', Values: batch }] },
        );
        for await (const page of pages) {
          for (const networkInterface of page.NetworkInterfaces ?? []) {
            const info = toNetworkInterfaceInfo(networkInterface);
            if (info !== undefined && requested.has(info.interfaceId)) found.set(info.interfaceId, info);
          }
        }
      }
      const outcomes = new Map<string, LookupOutcome<NetworkInterfaceInfo>>();
      for (const interfaceId of interfaceIds) {
        const info = found.get(interfaceId);
        outcomes.set(interfaceId, info === undefined ? { status: 'not_found' } : { status: 'found', value: info });
      }
      return outcomes;
    },
  };
}

/**
 * What enrichment needs from an EC2 `NetworkInterface` (the SDK's shape, which is also the
 * AWS CLI's `describe-network-interfaces` JSON). Undefined when it has no id.
 *
 * Private IPv4 addresses are listed primary first, then the others in EC2's order. Public IPv4
 * addresses come from the interface's association and from each private address's own one (an
 * Elastic IP on a secondary address).
 *
 * @example
 * const infos = output.NetworkInterfaces.map(toNetworkInterfaceInfo);
 */
export function toNetworkInterfaceInfo(networkInterface: NetworkInterface): NetworkInterfaceInfo | undefined {
  const interfaceId = networkInterface.NetworkInterfaceId;
  if (interfaceId === undefined || interfaceId === '') return undefined;
  const privateAddresses = networkInterface.PrivateIpAddresses ?? [];
  const primaryFirst = [...privateAddresses.filter((address) => address.Primary === true), ...privateAddresses.filter((address) => address.Primary !== true)];
  return {
    interfaceId,
    ...optional('interfaceType', networkInterface.InterfaceType),
    ...optional('vpcId', networkInterface.VpcId),
    ...optional('subnetId', networkInterface.SubnetId),
    ...optional('availabilityZone', networkInterface.AvailabilityZone),
    ...optional('instanceId', networkInterface.Attachment?.InstanceId),
    ...optional('ownerId', networkInterface.OwnerId),
    ...optional('description', networkInterface.Description),
    securityGroups: (networkInterface.Groups ?? []).flatMap((group): SecurityGroupReference[] =>
      group.GroupId === undefined ? [] : [{ groupId: group.GroupId, ...optional('groupName', group.GroupName) }],
    ),
    privateIpv4Addresses: distinctPresent([networkInterface.PrivateIpAddress, ...primaryFirst.map((address) => address.PrivateIpAddress)]),
    ipv6Addresses: distinctPresent([networkInterface.Ipv6Address, ...(networkInterface.Ipv6Addresses ?? []).map((address) => address.Ipv6Address)]),
    delegatedPrefixes: distinctPresent([
      ...(networkInterface.Ipv4Prefixes ?? []).map((prefix) => prefix.Ipv4Prefix),
      ...(networkInterface.Ipv6Prefixes ?? []).map((prefix) => prefix.Ipv6Prefix),
    ]),
    publicIpv4Addresses: distinctPresent([networkInterface.Association?.PublicIp, ...primaryFirst.map((address) => address.Association?.PublicIp)]),
  };
}

/** `{ [key]: value }` when the value is a non-empty string, else nothing: optional properties stay absent. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]: string });
}

function distinctPresent(values: readonly (string | undefined)[]): string[] {
  const present = new Set<string>();
  for (const value of values) {
    if (value !== undefined && value !== '') present.add(value);
  }
  return [...present];
}
