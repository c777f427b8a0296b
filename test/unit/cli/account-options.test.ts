import { describe, expect, it } from 'vitest';
import type { AccountCredentials, AccountRoleCredentials } from '../../../src/adapters/account-role-credentials.js';
import { AccountRoleError, AccountRoleFailure } from '../../../src/adapters/errors.js';
import { watchAccountRoleRefusals } from '../../../src/cli/account-options.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import { ENRICH_USAGE, parseEnrichArguments } from '../../../src/cli/enrich-command.js';
import { watchLookupFailures } from '../../../src/cli/lookup-failures.js';
import type { LookupScope } from '../../../src/domain/lookup-scope.js';

const PATTERN = 'arn:aws:iam::{accountId}:role/vpc-flow-log-appender-lookup';
const REGION = 'eu-west-1';
const OWN: AccountCredentials = { accessKeyId: 'AKIAOWN', secretAccessKey: 'own-secret' };

/** Credentials that refuse the accounts given (with a new error each time, as a kept refusal is thrown again) and give OWN to the others. */
function refusing(...refused: string[]): AccountRoleCredentials {
  return {
    credentialsFor: (scope: LookupScope) =>
      refused.includes(scope.accountId)
        ? Promise.reject(new AccountRoleError(scope.accountId, AccountRoleFailure.Denied, 'AccessDenied: not authorized', { roleArn: PATTERN.replace('{accountId}', scope.accountId) }))
        : Promise.resolve(OWN),
    isOwnAccount: () => Promise.resolve(false),
    stats: () => ({ assumeRoleCalls: 0, callerIdentityCalls: 0, rememberedFailures: 0 }),
  };
}

describe('parseEnrichArguments with look-up roles', () => {
  it('reads --live with --role-arn-pattern, --external-id and --accounts as the decorator\'s settings', () => {
    const options = parseEnrichArguments(['--live', '--role-arn-pattern', PATTERN, '--external-id', 'org-0a1b2c3d', '--accounts', '111111111111, 222222222222', 'a.log']);

    expect(options).toStrictEqual({
      files: ['a.log'],
      live: true,
      lookupAccounts: { roleArnPattern: PATTERN, externalId: 'org-0a1b2c3d', accounts: ['111111111111', '222222222222'] },
    });
  });

  it('reads --role-arn-pattern without --accounts: every account a record names is looked up', () => {
    expect(parseEnrichArguments(['--live', '--role-arn-pattern', PATTERN])).toMatchObject({ lookupAccounts: { roleArnPattern: PATTERN } });
  });

  it.each([
    [['--inventory', 'inv', '--role-arn-pattern', PATTERN], '--role-arn-pattern needs --live'],
    [['--role-arn-pattern', PATTERN], '--role-arn-pattern needs --live'],
    [['--live', '--accounts', '111111111111'], '--accounts needs --role-arn-pattern'],
    [['--live', '--external-id', 'org-0a1b2c3d'], '--external-id needs --role-arn-pattern'],
    [['--live', '--role-arn-pattern', 'arn:aws:iam::123456789012:role/lookup'], 'must hold {accountId}'],
    [['--live', '--role-arn-pattern', PATTERN, '--accounts', '1111'], 'expected twelve-digit account ids'],
  ])('rejects %j as a usage error saying %s', (args, message) => {
    expect(() => parseEnrichArguments(args)).toThrow(UsageError);
    expect(() => parseEnrichArguments(args)).toThrow(message);
  });

  it('documents the account options and the account_role_failed flag in the help', () => {
    for (const text of ['--role-arn-pattern PATTERN', '--external-id ID', '--accounts A,B,...', 'account_role_failed']) expect(ENRICH_USAGE).toContain(text);
  });
});

describe('watchAccountRoleRefusals', () => {
  it('gives each refused account once, in the order refused, however often it is refused', async () => {
    const { credentials, refusals } = watchAccountRoleRefusals(refusing('222222222222', '333333333333'));

    for (const accountId of ['111111111111', '333333333333', '222222222222', '333333333333']) {
      await credentials.credentialsFor({ accountId, region: REGION }).catch(() => undefined);
    }
    const first = refusals.takeNew();
    await credentials.credentialsFor({ accountId: '222222222222', region: REGION }).catch(() => undefined);

    expect(first.map((error) => error.accountId)).toEqual(['333333333333', '222222222222']);
    expect(refusals.takeNew()).toEqual([]);
    expect(refusals.count()).toBe(2);
  });

  it('hands the credentials and the refusal through unchanged', async () => {
    const { credentials } = watchAccountRoleRefusals(refusing('222222222222'));

    await expect(credentials.credentialsFor({ accountId: '111111111111', region: REGION })).resolves.toBe(OWN);
    await expect(credentials.credentialsFor({ accountId: '222222222222', region: REGION })).rejects.toThrow(AccountRoleError);
  });
});

describe('watchLookupFailures with refused accounts', () => {
  it('leaves a refused account to the command (it names the account) and still notes a failure of EC2', async () => {
    const refused = { status: 'failed', reason: 'AccountRoleError', scopeRefused: true } as const;
    const failed = { status: 'failed', reason: 'RequestLimitExceeded' } as const;
    const answers = [new Map([['eni-1', refused]]), new Map([['eni-2', failed]])];
    const watched = watchLookupFailures({ networkInterfaces: { lookup: () => Promise.resolve(answers.shift() ?? new Map()) } });

    await watched.sources.networkInterfaces?.lookup({ accountId: '222222222222', region: REGION }, ['eni-1']);
    const afterRefusal = watched.failed();
    await watched.sources.networkInterfaces?.lookup({ accountId: '111111111111', region: REGION }, ['eni-2']);

    expect(afterRefusal).toBe(false);
    expect(watched.takeNew()).toEqual([{ label: 'network interface', reason: 'RequestLimitExceeded' }]);
  });
});

describe('parseEnrichArguments with --accounts organization', () => {
  it('reads organization as the organisation\'s accounts, listed at run time, and --allow-refused-accounts', () => {
    expect(parseEnrichArguments(['--live', '--role-arn-pattern', PATTERN, '--accounts', 'organization', '--allow-refused-accounts'])).toMatchObject({
      lookupAccounts: { roleArnPattern: PATTERN, organization: true, allowRefused: true },
    });
  });

  it.each([
    [['--live', '--accounts', 'organization'], '--accounts organization needs --role-arn-pattern'],
    [['--live', '--allow-refused-accounts'], '--allow-refused-accounts needs --role-arn-pattern'],
    [['--live', '--role-arn-pattern', PATTERN, '--accounts', 'organisation'], 'expected twelve-digit account ids'],
  ])('rejects %j as a usage error saying %s', (args, message) => {
    expect(() => parseEnrichArguments(args)).toThrow(UsageError);
    expect(() => parseEnrichArguments(args)).toThrow(message);
  });
});
