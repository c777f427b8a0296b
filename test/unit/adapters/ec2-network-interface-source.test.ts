import {
  DescribeNetworkInterfacesCommand,
  EC2Client,
  EC2ServiceException,
  type DescribeNetworkInterfacesCommandInput,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_EC2_FILTER_VALUES_PER_CALL } from '../../../src/adapters/ec2-client.js';
import { createEc2NetworkInterfaceSource, toNetworkInterfaceInfo } from '../../../src/adapters/ec2-network-interface-source.js';
import { ConfigurationError } from '../../../src/errors.js';
import { ec2NetworkInterface, interfaceIds } from '../../support/ec2-builders.js';
import { TEST_SCOPE } from '../../support/lookup-scope.js';

/** What EC2 answers for a NAT gateway's interface (see the corpus), where the SDK's enum says `natGateway`. */
const EC2_NAT_GATEWAY_TYPE = 'nat_gateway' as NetworkInterface['InterfaceType'];

const ec2 = mockClient(EC2Client);

/** Answers like EC2 does: every interface of `inventory` whose id is among the filter's values. */
function answerFrom(inventory: readonly NetworkInterface[]) {
  return (input: DescribeNetworkInterfacesCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'network-interface-id')?.Values ?? []);
    return { NetworkInterfaces: inventory.filter((item) => wanted.has(item.NetworkInterfaceId ?? '')) };
  };
}

function filterValuesOfCall(index: number): readonly string[] {
  const input = ec2.commandCalls(DescribeNetworkInterfacesCommand)[index]?.args[0].input;
  return input?.Filters?.[0]?.Values ?? [];
}

describe('createEc2NetworkInterfaceSource', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('asks with the network-interface-id filter and a page size, never by NetworkInterfaceIds', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([ec2NetworkInterface()]));
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718']);

    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeNetworkInterfacesCommand, {
      Filters: [{ Name: 'network-interface-id', Values: ['eni-0a1b2c3d4e5f60718'] }],
      MaxResults: 1000,
    });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).not.toHaveProperty('NetworkInterfaceIds');
  });

  it('answers found for the interfaces EC2 returns and not_found for the others', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([ec2NetworkInterface({ NetworkInterfaceId: 'eni-0000000000000aaaa' })]));
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0000000000000aaaa', 'eni-00000000000gone1']);

    expect(outcomes.get('eni-0000000000000aaaa')).toMatchObject({ status: 'found', value: { interfaceId: 'eni-0000000000000aaaa' } });
    expect(outcomes.get('eni-00000000000gone1')).toEqual({ status: 'not_found' });
    expect(outcomes.size).toBe(2);
  });

  it(`puts at most ${MAX_EC2_FILTER_VALUES_PER_CALL} ids in one call and asks for each id once`, async () => {
    const ids = interfaceIds(450);
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom(ids.map((id) => ec2NetworkInterface({ NetworkInterfaceId: id }))));
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, [...ids, ...ids.slice(0, 10)]);

    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 3);
    expect([0, 1, 2].map((call) => filterValuesOfCall(call).length)).toEqual([200, 200, 50]);
    expect([0, 1, 2].flatMap((call) => filterValuesOfCall(call))).toEqual(ids);
    expect([...outcomes.values()].every((outcome) => outcome.status === 'found')).toBe(true);
  });

  it('makes one call for exactly 200 ids and two for 201', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    await source.describeNetworkInterfaces(TEST_SCOPE, interfaceIds(200));
    const callsFor200 = ec2.commandCalls(DescribeNetworkInterfacesCommand).length;
    await source.describeNetworkInterfaces(TEST_SCOPE, interfaceIds(201));

    expect(callsFor200).toBe(1);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).length - callsFor200).toBe(2);
  });

  it('makes no call at all for no ids, since a filter without values would list every interface', async () => {
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, []);

    expect(outcomes.size).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
  });

  it('follows NextToken to the last page', async () => {
    const pages = [
      { NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0000000000000aaaa' })], NextToken: 'page-2' },
      { NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0000000000000bbbb' })] },
    ];
    // The SDK paginator reuses one input object and sets its NextToken before each page, so the
    // mock's call history shows the last token on every call; copy each input as it is sent.
    const sent: DescribeNetworkInterfacesCommandInput[] = [];
    ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: DescribeNetworkInterfacesCommandInput) => {
      sent.push(structuredClone(input));
      return pages[sent.length - 1] ?? { NetworkInterfaces: [] };
    });
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}), pageSize: 5 });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0000000000000aaaa', 'eni-0000000000000bbbb']);

    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 2);
    expect(sent.map((input) => [input.NextToken, input.MaxResults])).toEqual([
      [undefined, 5],
      ['page-2', 5],
    ]);
    expect([...outcomes.values()].map((outcome) => outcome.status)).toEqual(['found', 'found']);
  });

  it('ignores interfaces it did not ask for', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0000000000000cccc' })] });
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0000000000000aaaa']);

    expect([...outcomes.keys()]).toEqual(['eni-0000000000000aaaa']);
    expect(outcomes.get('eni-0000000000000aaaa')).toEqual({ status: 'not_found' });
  });

  it('answers not_found for an id too long to be a filter value, without sending it', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerFrom([ec2NetworkInterface()]));
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });
    const overLong = `eni-${'0'.repeat(300)}`;

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, [overLong, 'eni-0a1b2c3d4e5f60718']);

    expect(outcomes.get(overLong)).toEqual({ status: 'not_found' });
    expect(filterValuesOfCall(0)).toEqual(['eni-0a1b2c3d4e5f60718']);
  });

  it('throws the SDK error that is left after the retries', async () => {
    const throttled = new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: { httpStatusCode: 503 }, message: 'Request limit exceeded.' });
    ec2.on(DescribeNetworkInterfacesCommand).rejects(throttled);
    const source = createEc2NetworkInterfaceSource({ client: new EC2Client({}) });

    await expect(source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718'])).rejects.toThrow(EC2ServiceException);
  });

  it('refuses a page size EC2 would refuse', () => {
    expect(() => createEc2NetworkInterfaceSource({ client: new EC2Client({}), pageSize: 1001 })).toThrow(ConfigurationError);
    expect(() => createEc2NetworkInterfaceSource({ client: new EC2Client({}), pageSize: 4 })).toThrow(ConfigurationError);
  });
});

describe('toNetworkInterfaceInfo', () => {
  // The AWS CLI's, botocore's and a NAT gateway's own interfaces are mapped in test/integration/corpus (they need the corpus).
  it('maps an attached interface with an Elastic IP to every field of the core\'s view', () => {
    const networkInterface = ec2NetworkInterface({ Description: 'my network interface', Association: { PublicIp: '203.0.113.12' } });

    expect(toNetworkInterfaceInfo(networkInterface)).toEqual({
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      interfaceType: 'interface',
      vpcId: 'vpc-0a1b2c3d',
      subnetId: 'subnet-0a1b2c3d',
      availabilityZone: 'us-east-1a',
      instanceId: 'i-0123456789abcdef0',
      ownerId: '123456789012',
      description: 'my network interface',
      securityGroups: [{ groupId: 'sg-0123456789abcdef0', groupName: 'web' }],
      privateIpv4Addresses: ['10.0.1.17'],
      ipv6Addresses: [],
      delegatedPrefixes: [],
      publicIpv4Addresses: ['203.0.113.12'],
    });
  });

  it('maps a requester-managed NAT gateway interface, which has no instance', () => {
    const networkInterface = ec2NetworkInterface({ InterfaceType: EC2_NAT_GATEWAY_TYPE, RequesterManaged: true, Attachment: { Status: 'attached' }, Description: 'Interface for NAT Gateway nat-0a8b0e0d28266841f' });

    const info = toNetworkInterfaceInfo(networkInterface);

    expect(info).toMatchObject({ interfaceType: 'nat_gateway', description: 'Interface for NAT Gateway nat-0a8b0e0d28266841f' });
    expect(info).not.toHaveProperty('instanceId');
  });

  it('puts the primary private address first wherever EC2 lists it', () => {
    const networkInterface = ec2NetworkInterface({
      PrivateIpAddress: '10.0.1.20',
      PrivateIpAddresses: [
        { PrivateIpAddress: '10.0.1.21', Primary: false },
        { PrivateIpAddress: '10.0.1.20', Primary: true },
        { PrivateIpAddress: '10.0.1.22', Primary: false },
      ],
    });

    expect(toNetworkInterfaceInfo(networkInterface)?.privateIpv4Addresses).toEqual(['10.0.1.20', '10.0.1.21', '10.0.1.22']);
  });

  it('collects IPv6 addresses, delegated prefixes and the public IPs of secondary addresses', () => {
    const networkInterface = ec2NetworkInterface({
      PrivateIpAddresses: [
        { PrivateIpAddress: '10.0.1.17', Primary: true, Association: { PublicIp: '203.0.113.17' } },
        { PrivateIpAddress: '10.0.1.18', Primary: false, Association: { PublicIp: '203.0.113.18' } },
      ],
      Association: { PublicIp: '203.0.113.17' },
      Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1a00::17', IsPrimaryIpv6: true }, { Ipv6Address: '2001:db8:1234:1a00::18' }],
      Ipv4Prefixes: [{ Ipv4Prefix: '10.0.3.48/28' }],
      Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:1234:1a00:9::/80' }],
    });

    const info = toNetworkInterfaceInfo(networkInterface);

    expect(info).toMatchObject({
      ipv6Addresses: ['2001:db8:1234:1a00::17', '2001:db8:1234:1a00::18'],
      delegatedPrefixes: ['10.0.3.48/28', '2001:db8:1234:1a00:9::/80'],
      publicIpv4Addresses: ['203.0.113.17', '203.0.113.18'],
    });
  });

  it('keeps every security group in order, with its name when EC2 gives one', () => {
    const networkInterface = ec2NetworkInterface({ Groups: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa1', GroupName: 'web' }, { GroupId: 'sg-0bbbbbbbbbbbbbbb2' }] });

    expect(toNetworkInterfaceInfo(networkInterface)?.securityGroups).toEqual([{ groupId: 'sg-0aaaaaaaaaaaaaaa1', groupName: 'web' }, { groupId: 'sg-0bbbbbbbbbbbbbbb2' }]);
  });

  it('gives nothing for an interface without an id', () => {
    expect(toNetworkInterfaceInfo({ VpcId: 'vpc-0a1b2c3d' })).toBeUndefined();
  });
});
