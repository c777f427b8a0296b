import { EC2Client, type NetworkInterface } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { createEc2NetworkInterfaceSource, toNetworkInterfaceInfo } from '../../src/adapters/ec2-network-interface-source.js';
import { ec2NetworkInterface, interfaceIds } from '../support/ec2-builders.js';
import { filterValues, pointEc2ClientsAt, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';
import { TEST_SCOPE } from '../support/lookup-scope.js';

/** What EC2 answers for a NAT gateway's interface (see the corpus), where the SDK's enum says `natGateway`. */
const EC2_NAT_GATEWAY_TYPE = 'nat_gateway' as NetworkInterface['InterfaceType'];

let server: Ec2LoopbackServer | undefined;
let restoreEndpoint: (() => void) | undefined;

/** A real EC2Client reaching a loopback EC2 through AWS_ENDPOINT_URL_EC2, as in production. */
async function sourceAgainst(options: Ec2LoopbackServerOptions) {
  server = await startEc2LoopbackServer(options);
  restoreEndpoint = pointEc2ClientsAt(server.url);
  return { server, source: createEc2NetworkInterfaceSource({ client: new EC2Client({}) }) };
}

afterEach(async () => {
  restoreEndpoint?.();
  await server?.close();
  server = undefined;
  restoreEndpoint = undefined;
});

describe('createEc2NetworkInterfaceSource over the wire', () => {
  it('sends the network-interface-id filter and MaxResults in EC2 query form, never NetworkInterfaceId.N', async () => {
    const { server, source } = await sourceAgainst({ networkInterfaces: [ec2NetworkInterface()] });

    await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718']);

    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.params).toMatchObject({
      Action: 'DescribeNetworkInterfaces',
      'Filter.1.Name': 'network-interface-id',
      'Filter.1.Value.1': 'eni-0a1b2c3d4e5f60718',
      MaxResults: '1000',
    });
    expect(Object.keys(server.calls[0]?.params ?? {}).some((key) => key.startsWith('NetworkInterfaceId'))).toBe(false);
  });

  it('follows nextToken across three pages and finds every interface', async () => {
    const ids = interfaceIds(12);
    const { server, source } = await sourceAgainst({ networkInterfaces: ids.map((id) => ec2NetworkInterface({ NetworkInterfaceId: id })), maxPageSize: 5 });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ids);

    expect(server.calls.map((call) => call.params.NextToken === undefined)).toEqual([true, false, false]);
    expect(ids.map((id) => outcomes.get(id)?.status)).toEqual(ids.map(() => 'found'));
  });

  it('answers not_found for an interface that does not exist, and found for the others of the same call', async () => {
    const { server, source } = await sourceAgainst({ networkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: 'eni-0000000000000aaaa' })] });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0000000000000aaaa', 'eni-00000000000gone1']);

    expect(outcomes.get('eni-0000000000000aaaa')?.status).toBe('found');
    expect(outcomes.get('eni-00000000000gone1')).toEqual({ status: 'not_found' });
    expect(server.calls.map((call) => call.status)).toEqual([200]);
  });

  it('succeeds through the SDK retry after a RequestLimitExceeded answer', async () => {
    const { server, source } = await sourceAgainst({ networkInterfaces: [ec2NetworkInterface()], failFirst: 1 });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718']);

    expect(outcomes.get('eni-0a1b2c3d4e5f60718')?.status).toBe('found');
    expect(server.calls.map((call) => call.status)).toEqual([503, 200]);
  });

  it('throws RequestLimitExceeded once the SDK retries are spent', async () => {
    const { server, source } = await sourceAgainst({ networkInterfaces: [ec2NetworkInterface()], failFirst: 10 });

    await expect(source.describeNetworkInterfaces(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718'])).rejects.toThrow(expect.objectContaining({ name: 'RequestLimitExceeded' }));
    // The SDK's default is three attempts in all.
    expect(server.calls.map((call) => call.status)).toEqual([503, 503, 503]);
  });

  it('stays within the 200 filter values EC2 allows per call for 450 interfaces', async () => {
    const ids = interfaceIds(450);
    const { server, source } = await sourceAgainst({ networkInterfaces: ids.map((id) => ec2NetworkInterface({ NetworkInterfaceId: id })) });

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ids);

    expect(server.calls.map((call) => filterValues(call.params, 'network-interface-id').length)).toEqual([200, 200, 50]);
    expect([...outcomes.values()].filter((outcome) => outcome.status === 'found')).toHaveLength(450);
  });


  // The AWS CLI's and a NAT gateway's own interfaces cross this wire in test/integration/corpus.
  it('reads interfaces of every kind from EC2 XML exactly as from the SDK JSON shape', async () => {
    const interfaces = [
      ec2NetworkInterface({ NetworkInterfaceId: 'eni-000000000000elastic', Association: { PublicIp: '203.0.113.12' } }),
      ec2NetworkInterface({
        NetworkInterfaceId: 'eni-0000000000000nat',
        InterfaceType: EC2_NAT_GATEWAY_TYPE,
        RequesterManaged: true,
        Attachment: { Status: 'attached' },
        PrivateIpAddresses: [
          { PrivateIpAddress: '10.0.124.85', Primary: true, Association: { PublicIp: '198.51.100.85' } },
          { PrivateIpAddress: '10.0.124.86', Primary: false },
        ],
      }),
      ec2NetworkInterface({
        NetworkInterfaceId: 'eni-0000000000000dual',
        Groups: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa1', GroupName: 'web' }, { GroupId: 'sg-0bbbbbbbbbbbbbbb2' }],
        Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1a00::17' }],
        Ipv4Prefixes: [{ Ipv4Prefix: '10.0.3.48/28' }],
        Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:1234:1a00:9::/80' }],
      }),
    ];
    const { source } = await sourceAgainst({ networkInterfaces: interfaces });
    const ids = interfaces.map((item) => item.NetworkInterfaceId ?? '');

    const outcomes = await source.describeNetworkInterfaces(TEST_SCOPE, ids);

    expect(ids.map((id) => outcomes.get(id))).toEqual(interfaces.map((item) => ({ status: 'found', value: toNetworkInterfaceInfo(item) })));
  });
});
