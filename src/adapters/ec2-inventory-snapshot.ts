/**
 * The whole EC2 inventory of a Region (or of some VPCs) as the AWS CLI prints it: what `snapshot`
 * saves and `report --live` reads once before the first record. Every call is paginated to the end.
 */
import {
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type Filter,
  type NetworkInterface,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { MAX_EC2_PAGE_SIZE, toFilterValueBatches } from './ec2-client.js';

/** The saved inventory, in the AWS CLI's shapes. */
export interface Ec2Snapshot {
  readonly NetworkInterfaces: NetworkInterface[];
  readonly SecurityGroups: SecurityGroup[];
  readonly SecurityGroupRules: SecurityGroupRule[];
}

/**
 * Lists the network interfaces, security groups and security-group rules of the Region (or of
 * the given VPCs), every call paginated to the end. With VPCs, rules are asked for by the ids of
 * those VPCs' groups, 200 a call (DescribeSecurityGroupRules has no VPC filter). An EC2 error
 * (after the SDK's retries) is thrown as the SDK raised it.
 *
 * @example const snapshot = await takeEc2Snapshot(new EC2Client({}), ['vpc-0a1b2c3d4e5f60000']);
 */
export async function takeEc2Snapshot(client: EC2Client, vpcIds: readonly string[]): Promise<Ec2Snapshot> {
  const paging = { client, pageSize: MAX_EC2_PAGE_SIZE, stopOnSameToken: true };
  const vpcFilter: Filter[] = vpcIds.length === 0 ? [] : [{ Name: 'vpc-id', Values: [...vpcIds] }];
  const NetworkInterfaces: NetworkInterface[] = [];
  for await (const page of paginateDescribeNetworkInterfaces(paging, vpcFilter.length === 0 ? {} : { Filters: vpcFilter })) {
    NetworkInterfaces.push(...(page.NetworkInterfaces ?? []));
  }
  const SecurityGroups: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups(paging, vpcFilter.length === 0 ? {} : { Filters: vpcFilter })) {
    SecurityGroups.push(...(page.SecurityGroups ?? []));
  }
  const SecurityGroupRules: SecurityGroupRule[] = [];
  const ruleRequests =
    vpcIds.length === 0
      ? [{}]
      : toFilterValueBatches(SecurityGroups.flatMap((group) => (group.GroupId === undefined ? [] : [group.GroupId]))).map((batch) => ({ Filters: [{ Name: 'group-id', Values: batch }] }));
  for (const request of ruleRequests) {
    for await (const page of paginateDescribeSecurityGroupRules(paging, request)) {
      SecurityGroupRules.push(...(page.SecurityGroupRules ?? []));
    }
  }
  return { NetworkInterfaces, SecurityGroups, SecurityGroupRules };
}
