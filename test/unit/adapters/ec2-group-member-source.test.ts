import { DescribeNetworkInterfacesCommand, EC2Client, EC2ServiceException, type DescribeNetworkInterfacesCommandInput, type NetworkInterface } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2SecurityGroupMemberSource } from '../../../src/adapters/ec2-group-member-source.js';
import { ec2NetworkInterface } from '../../support/ec2-builders.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

const ec2 = mockClient(EC2Client);

/** Answers like EC2 does: every interface of `inventory` in one of the filter's groups. */
function answerFrom(inventory: readonly NetworkInterface[]) {
  return (input: DescribeNetworkInterfacesCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'group-id')?.Values ?? []);
    return { NetworkInterfaces: inventory.filter((networkInterface) => (networkInterface.Groups ?? []).some((group) => wanted.has(group.GroupId ?? ''))) };
  };
}

function groupIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `sg-${index.toString(16).padStart(17, '0')}`);
}

describe('createEc2SecurityGroupMemberSource', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('asks with the group-id filter and a page size', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([]));
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    await source.describeSecurityGroupMembers(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeNetworkInterfacesCommand, {
      Filters: [{ Name: 'group-id', Values: ['sg-0123456789abcdef0'] }],
      MaxResults: 1000,
    });
  });

  it('gives every private IPv4 address, IPv6 address and delegated prefix of the group interfaces, and no public address', async () => {
    const inventory = [
      ec2NetworkInterface({
        NetworkInterfaceId: 'eni-00000000000000001',
        Groups: [{ GroupId: 'sg-app' }],
        PrivateIpAddress: '10.0.2.30',
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.2.30', Primary: true, Association: { PublicIp: '203.0.113.30' } },
          { PrivateIpAddress: '10.0.2.31', Primary: false },
        ],
        Ipv6Addresses: [{ Ipv6Address: '2001:db8:2::30' }],
        Ipv4Prefixes: [{ Ipv4Prefix: '10.0.2.64/28' }],
      }),
      ec2NetworkInterface({ NetworkInterfaceId: 'eni-00000000000000002', Groups: [{ GroupId: 'sg-app' }, { GroupId: 'sg-db' }], PrivateIpAddress: '10.0.3.40', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.3.40', Primary: true }] }),
      ec2NetworkInterface({ NetworkInterfaceId: 'eni-00000000000000003', Groups: [{ GroupId: 'sg-other' }], PrivateIpAddress: '10.0.4.50', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.4.50', Primary: true }] }),
    ];
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom(inventory));
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupMembers(TEST_SCOPE, ['sg-app', 'sg-db']);

    expect(outcomes.get('sg-app')).toEqual({ status: 'found', value: ['10.0.2.30', '10.0.2.31', '2001:db8:2::30', '10.0.2.64/28', '10.0.3.40'] });
    expect(outcomes.get('sg-db')).toEqual({ status: 'found', value: ['10.0.3.40'] });
  });

  it('finds a group without interfaces here, such as one of a peered account, with no member', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([]));
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupMembers(TEST_SCOPE, ['sg-elsewhere']);

    expect(outcomes.get('sg-elsewhere')).toEqual({ status: 'found', value: [] });
  });

  it('follows NextToken and keeps the members of every page', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [ec2NetworkInterface({ Groups: [{ GroupId: 'sg-app' }], PrivateIpAddress: '10.0.2.30', PrivateIpAddresses: [] })], NextToken: 'page-2' })
      .resolvesOnce({ NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-00000000000000002', Groups: [{ GroupId: 'sg-app' }], PrivateIpAddress: '10.0.2.31', PrivateIpAddresses: [] })] });
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupMembers(TEST_SCOPE, ['sg-app']);

    expect(outcomes.get('sg-app')).toEqual({ status: 'found', value: ['10.0.2.30', '10.0.2.31'] });
  });

  it('puts at most 200 groups in one call', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([]));
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    const outcomes = await source.describeSecurityGroupMembers(TEST_SCOPE, groupIds(201));

    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 2);
    expect(outcomes.size).toBe(201);
  });

  it('throws what the SDK could not retry away, for the cache to turn into failed outcomes', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejects(new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: {}, message: 'Request limit exceeded.' }));
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({ maxAttempts: 1 }) });

    await expect(source.describeSecurityGroupMembers(TEST_SCOPE, ['sg-app'])).rejects.toThrow(EC2ServiceException);
  });

  it('makes no call for no group', async () => {
    const source = createEc2SecurityGroupMemberSource({ client: new EC2Client({}) });

    await source.describeSecurityGroupMembers(TEST_SCOPE, []);

    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
  });
});
