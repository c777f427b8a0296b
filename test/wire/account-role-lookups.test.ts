import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccountEc2Clients, type Ec2ClientForScope } from '../../src/adapters/account-ec2-clients.js';
import { createAccountRoleCredentials } from '../../src/adapters/account-role-credentials.js';
import { createEc2NetworkInterfaceSource } from '../../src/adapters/ec2-network-interface-source.js';
import { createEc2SecurityGroupRuleSource } from '../../src/adapters/ec2-security-group-rule-source.js';
import { AccountRoleError } from '../../src/adapters/errors.js';
import { DEFAULT_LOOKUP_ROLE_ARN_PATTERN, roleArnFor } from '../../src/config/lookup-accounts-config.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../support/ec2-builders.js';
import { pointClientsAt } from '../support/loopback-http.js';
import {
  OWN_ACCESS_KEY_ID,
  OWN_SECRET_ACCESS_KEY,
  startOrganisationEc2Server,
  startStsLoopbackServer,
  type OrganisationEc2Server,
  type StsLoopbackServer,
} from '../support/sts-loopback-server.js';

const REGION = 'eu-west-1';
const OWN_ACCOUNT = '999999999999';
const MEMBERS = ['111111111111', '222222222222', '333333333333'] as const;
/** A member account without the look-up role. */
const WITHOUT_ROLE = '444444444444';
const EXTERNAL_ID = 'org-0a1b2c3d:flow-logs';
const MINUTE = 60_000;

/** Each account's EC2 knows one interface and one group of its own, named after the account. */
function inventoryOf(accountId: string) {
  const groupId = `sg-${accountId}00000`;
  return {
    networkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: interfaceOf(accountId), OwnerId: accountId, Groups: [{ GroupId: groupId, GroupName: 'web' }] })],
    securityGroupRules: [ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-${accountId}00000`, GroupId: groupId, GroupOwnerId: accountId })],
  };
}

function interfaceOf(accountId: string): string {
  return `eni-${accountId}00000`;
}

let sts: StsLoopbackServer | undefined;
let ec2: OrganisationEc2Server | undefined;
const restores: (() => void)[] = [];

afterEach(async () => {
  for (const restore of restores.splice(0)) restore();
  await ec2?.close();
  await sts?.close();
  sts = undefined;
  ec2 = undefined;
});

/** An organisation of the function's own account, three members with the role and one without, behind a loopback STS and EC2. */
async function organisation() {
  const clock = { time: Date.UTC(2026, 5, 1, 8), now() { return this.time; } };
  sts = await startStsLoopbackServer({
    ownAccountId: OWN_ACCOUNT,
    roles: Object.fromEntries(MEMBERS.map((accountId) => [accountId, roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })])),
    externalId: EXTERNAL_ID,
    clock,
  });
  ec2 = await startOrganisationEc2Server(sts, Object.fromEntries([OWN_ACCOUNT, ...MEMBERS, WITHOUT_ROLE].map((accountId) => [accountId, inventoryOf(accountId)])));
  restores.push(pointClientsAt('STS', sts.url), pointClientsAt('EC2', ec2.url));
  const own = { accessKeyId: OWN_ACCESS_KEY_ID, secretAccessKey: OWN_SECRET_ACCESS_KEY };
  const credentials = createAccountRoleCredentials({
    sts: new STSClient({ region: REGION, credentials: own }),
    config: { roleArnPattern: DEFAULT_LOOKUP_ROLE_ARN_PATTERN, externalId: EXTERNAL_ID },
    ownCredentials: () => Promise.resolve(own),
    clock,
  });
  const ec2For = createAccountEc2Clients({ credentials });
  return { clock, credentials, ec2For, sts, ec2 };
}

interface BatchOutcome {
  /** Per account: the interface found, or the AccountRoleError that stopped it. */
  readonly byAccount: ReadonlyMap<string, { interfaceId?: string; groupRules?: number; error?: unknown }>;
}

/**
 * One batch as the decorator makes it: for each account, its interfaces and its groups' rules
 * looked up at once (two concurrent EC2 calls wanting the same credentials).
 */
async function lookUpBatch(ec2For: Ec2ClientForScope, accounts: readonly string[]): Promise<BatchOutcome> {
  const byAccount = new Map<string, { interfaceId?: string; groupRules?: number; error?: unknown }>();
  await Promise.all(
    accounts.map(async (accountId) => {
      const scope = { accountId, region: REGION };
      const client = ec2For(scope);
      try {
        const [interfaces, rules] = await Promise.all([
          createEc2NetworkInterfaceSource({ client }).describeNetworkInterfaces(scope, [interfaceOf(accountId)]),
          createEc2SecurityGroupRuleSource({ client }).describeSecurityGroupRules(scope, [`sg-${accountId}00000`]),
        ]);
        const found = interfaces.get(interfaceOf(accountId));
        const groupRules = rules.get(`sg-${accountId}00000`);
        byAccount.set(accountId, {
          ...(found?.status === 'found' ? { interfaceId: found.value.interfaceId } : {}),
          ...(groupRules?.status === 'found' ? { groupRules: groupRules.value.length } : {}),
        });
      } catch (error) {
        byAccount.set(accountId, { error });
      }
    }),
  );
  return { byAccount };
}

function assumeRoleCalls(server: StsLoopbackServer): number {
  return server.calls.filter((call) => call.action === 'AssumeRole').length;
}

describe('look-ups in the record\'s own account over the wire (STS and EC2 on loopback)', () => {
  it('looks up each member account with its own assumed credentials and the function\'s own account with its own', async () => {
    const { ec2For, sts, ec2 } = await organisation();

    const { byAccount } = await lookUpBatch(ec2For, [OWN_ACCOUNT, ...MEMBERS]);

    for (const accountId of [OWN_ACCOUNT, ...MEMBERS]) expect(byAccount.get(accountId)).toEqual({ interfaceId: interfaceOf(accountId), groupRules: 1 });
    // Each account's EC2 was reached (so signed with that account's key) and no request was refused.
    for (const accountId of [OWN_ACCOUNT, ...MEMBERS]) expect(ec2.accounts[accountId]?.calls.map((call) => call.action).sort()).toEqual(['DescribeNetworkInterfaces', 'DescribeSecurityGroupRules']);
    expect(ec2.refusals).toEqual([]);
    expect(sts.calls.filter((call) => call.action === 'AssumeRole').map((call) => [call.params.RoleArn, call.params.ExternalId, call.params.RoleSessionName])).toEqual(
      expect.arrayContaining(MEMBERS.map((accountId) => [`arn:aws:iam::${accountId}:role/vpc-flow-log-appender-lookup`, EXTERNAL_ID, 'vpc-flow-log-appender-lookup'])),
    );
  });

  it('refuses an account without the role with a typed, explained error, never calling its EC2, and remembers it', async () => {
    const { ec2For, sts, ec2, credentials } = await organisation();

    const first = await lookUpBatch(ec2For, [WITHOUT_ROLE]);
    const second = await lookUpBatch(ec2For, [WITHOUT_ROLE]);

    const error = first.byAccount.get(WITHOUT_ROLE)?.error;
    expect(error).toBeInstanceOf(AccountRoleError);
    expect(error).toMatchObject({ accountId: WITHOUT_ROLE, failure: 'denied' });
    expect((error as Error).message).toContain(`cannot assume arn:aws:iam::${WITHOUT_ROLE}:role/vpc-flow-log-appender-lookup: AccessDenied: User: arn:aws:sts::${OWN_ACCOUNT}`);
    expect((error as Error).message).not.toContain(EXTERNAL_ID);
    expect(second.byAccount.get(WITHOUT_ROLE)?.error).toBe(error);
    expect(assumeRoleCalls(sts)).toBe(1);
    expect(credentials.stats().rememberedFailures).toBeGreaterThanOrEqual(2);
    expect(ec2.accounts[WITHOUT_ROLE]?.calls).toEqual([]);
  });

  it('assumes each role once per cold batch and never in warm batches, until the credentials near their expiry', async () => {
    const { clock, ec2For, sts, ec2 } = await organisation();
    const accounts = [OWN_ACCOUNT, ...MEMBERS, WITHOUT_ROLE];
    const perBatch: number[] = [];
    const measure = async (): Promise<void> => {
      const before = assumeRoleCalls(sts);
      const { byAccount } = await lookUpBatch(ec2For, accounts);
      for (const accountId of [OWN_ACCOUNT, ...MEMBERS]) expect(byAccount.get(accountId)?.interfaceId).toBe(interfaceOf(accountId));
      perBatch.push(assumeRoleCalls(sts) - before);
    };

    await measure(); // cold: three members and the refused one
    clock.time += 5 * MINUTE;
    await measure(); // warm
    clock.time += 5 * MINUTE;
    await measure(); // warm; the refusal is kept ten minutes, so it is asked again
    clock.time += 45 * MINUTE;
    await measure(); // 55 minutes: within the five-minute margin of the one-hour credentials
    clock.time += 3 * MINUTE;
    await measure(); // warm again

    expect(perBatch).toEqual([4, 0, 1, 4, 0]);
    // Refreshed before expiry: EC2 never saw an expired key; and never the GetCallerIdentity twice.
    expect(ec2.refusals).toEqual([]);
    expect(sts.calls.filter((call) => call.action === 'GetCallerIdentity')).toHaveLength(1);
    expect(new Set(sts.issued.map((key) => key.accessKeyId)).size).toBe(6);
  });
});
