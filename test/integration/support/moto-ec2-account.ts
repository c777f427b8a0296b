// A small account made in moto through the EC2 API, as a user's would be: one VPC and subnet, a web
// group open on 443 to the internet and on 22 to an office range, a database group open on 5432 to
// the web group, and one interface in each. moto picks the ids; the builder returns them, with
// flow-log lines (default format) that name those interfaces and addresses.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { flowLogLine } from '../../support/flow-log-builders.js';

export interface MotoEc2Account {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly webGroupId: string;
  readonly databaseGroupId: string;
  readonly webInterfaceId: string;
  readonly databaseInterfaceId: string;
  /** Raw flow-log records (default format) of the two interfaces, one per line. */
  readonly flowLogLines: readonly string[];
}

export const WEB_ADDRESS = '10.0.1.5';
export const DATABASE_ADDRESS = '10.0.1.6';
/** Documentation addresses (RFC 5737) as the internet peers. */
export const CLIENT_ADDRESS = '203.0.113.12';
export const OFFICE_ADDRESS = '198.51.100.7';
export const SCANNER_ADDRESS = '192.0.2.44';

const required = (value: string | undefined, what: string): string => {
  if (value === undefined || value === '') throw new Error(`moto returned no ${what}`);
  return value;
};

/** Creates the account in the EC2 endpoint `ec2` talks to (moto). */
export async function createMotoEc2Account(ec2: EC2Client): Promise<MotoEc2Account> {
  const vpcId = required((await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId, 'VPC id');
  const subnetId = required((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet?.SubnetId, 'subnet id');
  const webGroupId = required((await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web servers' }))).GroupId, 'group id');
  const databaseGroupId = required((await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'database', Description: 'databases' }))).GroupId, 'group id');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: webGroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.0/24' }] },
      ],
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: databaseGroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: webGroupId }] }],
    }),
  );
  const webInterfaceId = required(
    (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [webGroupId], PrivateIpAddress: WEB_ADDRESS }))).NetworkInterface?.NetworkInterfaceId,
    'interface id',
  );
  const databaseInterfaceId = required(
    (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [databaseGroupId], PrivateIpAddress: DATABASE_ADDRESS }))).NetworkInterface?.NetworkInterfaceId,
    'interface id',
  );
  const record = (values: Readonly<Record<string, string>>): string =>
    flowLogLine({ 'account-id': '123456789012', start: '1780300800', end: '1780300860', ...values });
  const flowLogLines = [
    // HTTPS from the internet to the web server, and its reply.
    record({ 'interface-id': webInterfaceId, srcaddr: CLIENT_ADDRESS, dstaddr: WEB_ADDRESS, srcport: '49152', dstport: '443', action: 'ACCEPT' }),
    record({ 'interface-id': webInterfaceId, srcaddr: WEB_ADDRESS, dstaddr: CLIENT_ADDRESS, srcport: '443', dstport: '49152', action: 'ACCEPT' }),
    // SSH from the office, allowed; SSH from a scanner, rejected.
    record({ 'interface-id': webInterfaceId, srcaddr: OFFICE_ADDRESS, dstaddr: WEB_ADDRESS, srcport: '50000', dstport: '22', action: 'ACCEPT' }),
    record({ 'interface-id': webInterfaceId, srcaddr: SCANNER_ADDRESS, dstaddr: WEB_ADDRESS, srcport: '40000', dstport: '22', action: 'REJECT' }),
    // The web server's query to the database, seen on the database's interface.
    record({ 'interface-id': databaseInterfaceId, srcaddr: WEB_ADDRESS, dstaddr: DATABASE_ADDRESS, srcport: '51000', dstport: '5432', action: 'ACCEPT' }),
  ];
  return { vpcId, subnetId, webGroupId, databaseGroupId, webInterfaceId, databaseInterfaceId, flowLogLines };
}
