import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountRoleCredentials, type AccountCredentials } from '../../../src/adapters/account-role-credentials.js';
import { AccountRoleError } from '../../../src/adapters/errors.js';
import type { LookupAccountsConfig } from '../../../src/config/lookup-accounts-config.js';

const sts = mockClient(STSClient);
const OWN_ACCOUNT = '999999999999';
const REGION = 'eu-west-1';
const PATTERN = 'arn:aws:iam::{accountId}:role/vpc-flow-log-appender-lookup';
const MINUTE = 60_000;

function scope(accountId: string) {
  return { accountId, region: REGION };
}

function stsError(name: string, message = name): STSServiceException {
  return new STSServiceException({ name, $fault: 'client', $metadata: {}, message });
}

/** AssumeRole answers with keys named after the role's account, valid for `validMs` from `clock`. */
function answerPerAccount(clock: { now(): number }, validMs = 60 * MINUTE): void {
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = /::(\d{12}):/.exec(input.RoleArn)?.[1] ?? 'unknown';
    return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: `secret-${account}`, SessionToken: `token-${account}`, Expiration: new Date(clock.now() + validMs) } };
  });
}

function setUp(config: Partial<LookupAccountsConfig> = {}, options: { ownAccountId?: string; refreshMarginMs?: number; failureTtlMs?: number } = {}) {
  const clock = { time: 1_800_000_000_000, now() { return this.time; } };
  const ownCalls = { count: 0 };
  const own: AccountCredentials = { accessKeyId: 'AKIAOWN', secretAccessKey: 'own-secret' };
  const credentials = createAccountRoleCredentials({
    sts: new STSClient({ region: REGION }),
    config: { roleArnPattern: PATTERN, ...config },
    ownCredentials: () => {
      ownCalls.count += 1;
      return Promise.resolve(own);
    },
    ownAccountId: OWN_ACCOUNT,
    clock,
    ...options,
  });
  return { clock, credentials, ownCalls };
}

describe('createAccountRoleCredentials', () => {
  beforeEach(() => {
    sts.reset();
  });

  it('assumes the role the pattern names in the record\'s account, with the ExternalId and a one-hour session', async () => {
    const { clock, credentials } = setUp({ externalId: 'org-1234' });
    answerPerAccount(clock);

    const issued = await credentials.credentialsFor(scope('111111111111'));

    expect(issued.accessKeyId).toBe('ASIA111111111111');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::111111111111:role/vpc-flow-log-appender-lookup',
      ExternalId: 'org-1234',
      RoleSessionName: 'vpc-flow-log-appender-lookup',
      DurationSeconds: 3600,
    });
  });

  it('uses the function\'s own credentials in its own account, without any STS call', async () => {
    const { credentials } = setUp();

    const issued = await credentials.credentialsFor(scope(OWN_ACCOUNT));

    expect(issued.accessKeyId).toBe('AKIAOWN');
    expect(sts).not.toHaveReceivedAnyCommand();
  });

  it('asks STS who it is once when its own account is not given', async () => {
    const { clock } = setUp();
    answerPerAccount(clock);
    sts.on(GetCallerIdentityCommand).resolves({ Account: OWN_ACCOUNT });
    const credentials = createAccountRoleCredentials({
      sts: new STSClient({ region: REGION }),
      config: { roleArnPattern: PATTERN },
      ownCredentials: () => Promise.resolve({ accessKeyId: 'AKIAOWN', secretAccessKey: 'own-secret' }),
      clock,
    });

    await Promise.all([credentials.credentialsFor(scope(OWN_ACCOUNT)), credentials.credentialsFor(scope('111111111111')), credentials.credentialsFor(scope('222222222222'))]);

    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    expect(credentials.stats().callerIdentityCalls).toBe(1);
  });

  it('keeps credentials until the refresh margin before they expire, then assumes the role again', async () => {
    const { clock, credentials } = setUp({}, { refreshMarginMs: 5 * MINUTE });
    answerPerAccount(clock, 60 * MINUTE);
    await credentials.credentialsFor(scope('111111111111'));

    clock.time += 54 * MINUTE;
    await credentials.credentialsFor(scope('111111111111'));
    const callsBeforeMargin = credentials.stats().assumeRoleCalls;
    clock.time += 1 * MINUTE;
    await credentials.credentialsFor(scope('111111111111'));

    expect(callsBeforeMargin).toBe(1);
    expect(credentials.stats().assumeRoleCalls).toBe(2);
  });

  it('shares one AssumeRole among concurrent callers of the same account', async () => {
    const { clock, credentials } = setUp();
    answerPerAccount(clock);

    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => credentials.credentialsFor(scope(index % 2 === 0 ? '111111111111' : '222222222222'))));

    expect(new Set(answers.map((answer) => answer.accessKeyId))).toEqual(new Set(['ASIA111111111111', 'ASIA222222222222']));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('remembers a refusal for the failure TTL, answering with the same error, then asks again', async () => {
    const { clock, credentials } = setUp({}, { failureTtlMs: 10 * MINUTE });
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', 'User: arn:aws:sts::999999999999:assumed-role/decorator/fn is not authorized to perform: sts:AssumeRole'));

    const first = await credentials.credentialsFor(scope('444444444444')).catch((error: unknown) => error);
    clock.time += 9 * MINUTE;
    const second = await credentials.credentialsFor(scope('444444444444')).catch((error: unknown) => error);
    const callsWhileKept = credentials.stats().assumeRoleCalls;
    clock.time += 2 * MINUTE;
    await expect(credentials.credentialsFor(scope('444444444444'))).rejects.toThrow(AccountRoleError);

    expect(first).toBeInstanceOf(AccountRoleError);
    expect(second).toBe(first);
    expect(first).toMatchObject({ accountId: '444444444444', failure: 'denied', roleArn: 'arn:aws:iam::444444444444:role/vpc-flow-log-appender-lookup' });
    expect((first as Error).message).toBe(
      'account 444444444444: cannot assume arn:aws:iam::444444444444:role/vpc-flow-log-appender-lookup: AccessDenied: User: arn:aws:sts::999999999999:assumed-role/decorator/fn is not authorized to perform: sts:AssumeRole',
    );
    expect(callsWhileKept).toBe(1);
    expect(credentials.stats().assumeRoleCalls).toBe(2);
  });

  it('calls a throttled or unreachable STS a failure, not a refusal, and redacts access key ids from its message', async () => {
    const { credentials } = setUp({ externalId: 'org-1234' });
    sts.on(AssumeRoleCommand).rejects(stsError('Throttling', 'Rate exceeded for ASIAABCDEFGHIJKLMNOP'));

    const error = await credentials.credentialsFor(scope('111111111111')).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'AccountRoleError', failure: 'failed' });
    expect((error as Error).message).toContain('Throttling: Rate exceeded for [redacted]');
    expect((error as Error).message).not.toContain('org-1234');
  });

  it('refuses an account outside the allow-list without asking STS, yet serves its own account', async () => {
    const { clock, credentials } = setUp({ accounts: ['111111111111'] });
    answerPerAccount(clock);

    await expect(credentials.credentialsFor(scope('222222222222'))).rejects.toMatchObject({ name: 'AccountRoleError', failure: 'not_allowed', accountId: '222222222222' });
    await expect(credentials.credentialsFor(scope('111111111111'))).resolves.toMatchObject({ accessKeyId: 'ASIA111111111111' });
    await expect(credentials.credentialsFor(scope(OWN_ACCOUNT))).resolves.toMatchObject({ accessKeyId: 'AKIAOWN' });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('assumes one role per Region when the pattern names the Region', async () => {
    const { clock, credentials } = setUp({ roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup-{region}' });
    answerPerAccount(clock);

    await credentials.credentialsFor({ accountId: '111111111111', region: 'eu-west-1' });
    await credentials.credentialsFor({ accountId: '111111111111', region: 'us-east-1' });
    await credentials.credentialsFor({ accountId: '111111111111', region: 'us-east-1' });

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::111111111111:role/lookup-us-east-1' });
  });
});
