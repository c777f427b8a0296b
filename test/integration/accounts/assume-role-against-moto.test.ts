// Look-ups in three accounts through moto's STS and EC2: moto gives credentials of AssumeRole the
// role's account, and its EC2 answers each account with that account's resources only. The same
// expectations as the loopback organisation of test/wire/account-role-lookups.test.ts. Then
// `snapshot --accounts organization` against moto's Organizations: the organisation created in
// moto's default account, its accounts listed by ListAccounts and each read through its role.
import { existsSync, readFileSync } from 'node:fs';
import { CreateNetworkInterfaceCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccountEc2Clients } from '../../../src/adapters/account-ec2-clients.js';
import { createAccountRoleCredentials } from '../../../src/adapters/account-role-credentials.js';
import { createEc2NetworkInterfaceSource } from '../../../src/adapters/ec2-network-interface-source.js';
import { DEFAULT_LOOKUP_ROLE_ARN_PATTERN, roleArnFor } from '../../../src/config/lookup-accounts-config.js';
import { systemClock } from '../../../src/ports.js';
import { pointClientsAt } from '../../support/loopback-http.js';
import { runCliWith, temporaryDirectory } from '../../unit/cli/cli-harness.js';
import { startMotoServer, type MotoServer } from '../support/moto-server.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const REGION = 'us-east-1';
/** moto's default account: the caller's own. */
const OWN_ACCOUNT = '123456789012';
const MEMBERS = ['111111111111', '222222222222', '333333333333'] as const;

let moto: MotoServer;
const restores: (() => void)[] = [];
/** The interface created in each account. */
const interfaceOf = new Map<string, string>();

/** An interface in a new VPC of the account, created with that account's assumed credentials. */
async function createInterfaceIn(accountId: string): Promise<string> {
  const sts = new STSClient({ region: REGION });
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION }), RoleSessionName: 'setup' }));
  const ec2 = new EC2Client({
    region: REGION,
    credentials: { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretAccessKey ?? '', sessionToken: Credentials?.SessionToken ?? '' },
  });
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId ?? '', CidrBlock: '10.0.1.0/24' }));
  const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnet?.SubnetId ?? '' }));
  ec2.destroy();
  sts.destroy();
  return NetworkInterface?.NetworkInterfaceId ?? '';
}

beforeAll(async () => {
  moto = await startMotoServer();
  restores.push(pointClientsAt('EC2', moto.url), pointClientsAt('STS', moto.url), pointClientsAt('ORGANIZATIONS', moto.url));
  for (const accountId of MEMBERS) interfaceOf.set(accountId, await createInterfaceIn(accountId));
});

afterAll(async () => {
  for (const restore of restores.splice(0).reverse()) restore();
  await moto.stop();
});

describe('look-ups in their own account against moto\'s STS and EC2', () => {
  it('finds each member account\'s interface with that account\'s assumed credentials, and not another account\'s', async () => {
    const credentials = createAccountRoleCredentials({
      sts: new STSClient({ region: REGION }),
      config: { roleArnPattern: DEFAULT_LOOKUP_ROLE_ARN_PATTERN },
      ownCredentials: () => Promise.resolve({ accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '' }),
      clock: systemClock,
    });
    const ec2For = createAccountEc2Clients({ credentials });
    const allInterfaces = [...interfaceOf.values()];

    const found = new Map<string, string[]>();
    for (const accountId of MEMBERS) {
      const outcomes = await createEc2NetworkInterfaceSource({ client: ec2For }).describeNetworkInterfaces({ accountId, region: REGION }, allInterfaces);
      found.set(accountId, allInterfaces.filter((id) => outcomes.get(id)?.status === 'found'));
    }
    await Promise.all(MEMBERS.map((accountId) => credentials.credentialsFor({ accountId, region: REGION })));

    for (const accountId of MEMBERS) expect(found.get(accountId)).toEqual([interfaceOf.get(accountId)]);
    expect(credentials.stats()).toMatchObject({ assumeRoleCalls: 3, callerIdentityCalls: 1 });
    expect(await credentials.isOwnAccount({ accountId: OWN_ACCOUNT, region: REGION })).toBe(true);
  });
});

describe('--accounts organization against moto\'s Organizations, STS and EC2', () => {
  it('snapshot lists the organisation\'s accounts and saves each one, read through its role, in DIR/ACCOUNT/', async () => {
    const organizations = new OrganizationsClient({ region: REGION });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created: string[] = [];
    for (const name of ['workloads', 'sandbox']) {
      const { CreateAccountStatus } = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@example.com` }));
      created.push(CreateAccountStatus?.AccountId ?? '');
    }
    organizations.destroy();
    const output = temporaryDirectory();

    try {
      const run = await runCliWith(['snapshot', '--out', output.path('inventory'), '--role-arn-pattern', DEFAULT_LOOKUP_ROLE_ARN_PATTERN, '--accounts', 'organization']);

      expect(run.stderr).not.toContain('skipped');
      expect(run.status).toBe(0);
      for (const accountId of [OWN_ACCOUNT, ...created]) {
        expect(accountId).toMatch(/^\d{12}$/);
        const saved = JSON.parse(readFileSync(output.path(`inventory/${accountId}/network-interfaces.json`), 'utf8')) as { NetworkInterfaces: unknown[] };
        expect(saved.NetworkInterfaces, accountId).toEqual([]);
      }
      // The members of the first test are accounts moto knows, not of the organisation: not read.
      for (const accountId of MEMBERS) expect(existsSync(output.path(`inventory/${accountId}`)), accountId).toBe(false);
    } finally {
      output.remove();
    }
  });
});
