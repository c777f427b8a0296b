import { paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import type { LookupOutcome, SecurityGroupMemberSource } from '../ports.js';
import { MAX_EC2_PAGE_SIZE, checkPageSize, ec2ClientForScope, toFilterValueBatches, type Ec2ClientOption } from './ec2-client.js';
import { toNetworkInterfaceInfo } from './ec2-network-interface-source.js';

export interface Ec2SecurityGroupMemberSourceOptions {
  /**
   * Built once per container (its retry settings decide how hard a throttled call is retried),
   * or the choice of client per look-up scope.
   */
  readonly client: Ec2ClientOption;
  /** `MaxResults` per page, 5 to 1000; default 1000. */
  readonly pageSize?: number;
}

/**
 * A `SecurityGroupMemberSource` backed by DescribeNetworkInterfaces with the `group-id` filter
 * (aws-contracts §7: a rule that references a group allows the private addresses of the
 * interfaces associated with it). At most 200 groups go in one call, every call paginated.
 *
 * A group's members are the private IPv4 addresses, the IPv6 addresses and the delegated
 * prefixes of each interface that lists it; public and Elastic IPs are not members. Every
 * requested group is `found`, with no member when no interface of this account and Region is in
 * it (a group of a peered VPC in another account is one). Errors left after the SDK's retries
 * are thrown for the whole request; the caller's cache turns them into `failed` outcomes.
 *
 * @example
 * const members = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });
 * const outcomes = await members.describeSecurityGroupMembers(scope, ['sg-0123456789abcdef0']);
 * // Map { 'sg-0123456789abcdef0' => { status: 'found', value: ['10.0.1.17', '2001:db8::17'] } }
 */
export function createEc2SecurityGroupMemberSource(options: Ec2SecurityGroupMemberSourceOptions): SecurityGroupMemberSource {
  const clientFor = ec2ClientForScope(options.client);
  const pageSize = checkPageSize(options.pageSize ?? MAX_EC2_PAGE_SIZE);

  return {
    async describeSecurityGroupMembers(scope, groupIds) {
      const client = clientFor(scope);
      const members = new Map<string, Set<string>>();
      for (const batch of toFilterValueBatches(groupIds)) {
        for (const groupId of batch) members.set(groupId, new Set());
        const pages = paginateDescribeNetworkInterfaces({ client, pageSize, stopOnSameToken: true }, { Filters: [{ Name: 'group-id', Values: batch }] });
        for await (const page of pages) {
          for (const networkInterface of page.NetworkInterfaces ?? []) {
            const info = toNetworkInterfaceInfo(networkInterface);
            if (info === undefined) continue;
            for (const group of info.securityGroups) {
              const addresses = members.get(group.groupId);
              if (addresses === undefined) continue;
              for (const address of info.privateIpv4Addresses) addresses.add(address);
              for (const address of info.ipv6Addresses) addresses.add(address);
              for (const prefix of info.delegatedPrefixes) addresses.add(prefix);
            }
          }
        }
      }
      const outcomes = new Map<string, LookupOutcome<readonly string[]>>();
      for (const groupId of groupIds) {
        outcomes.set(groupId, { status: 'found', value: [...(members.get(groupId) ?? [])] });
      }
      return outcomes;
    },
  };
}
