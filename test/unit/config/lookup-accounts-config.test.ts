import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkLookupAccountsSettings,
  DEFAULT_LOOKUP_ROLE_ARN_PATTERN,
  loadLookupAccountsConfig,
  LOOKUP_ACCOUNTS_VARIABLES,
  roleArnFor,
} from '../../../src/config/lookup-accounts-config.js';
import type { Environment } from '../../../src/config/env-reader.js';
import { ConfigurationError } from '../../../src/errors.js';

function problemsOf(environment: Environment): readonly string[] {
  try {
    loadLookupAccountsConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
}

describe('loadLookupAccountsConfig', () => {
  it('is absent without a pattern: look-ups stay in the function\'s own account', () => {
    expect(loadLookupAccountsConfig({})).toBeUndefined();
  });

  it('reads the pattern, the ExternalId and the accounts, separated by commas or spaces, each once', () => {
    const config = loadLookupAccountsConfig({
      LOOKUP_ROLE_ARN_PATTERN: DEFAULT_LOOKUP_ROLE_ARN_PATTERN,
      LOOKUP_ROLE_EXTERNAL_ID: 'org-1234:flow-logs',
      LOOKUP_ACCOUNTS: '111111111111, 222222222222 333333333333,111111111111',
    });

    expect(config).toEqual({
      roleArnPattern: DEFAULT_LOOKUP_ROLE_ARN_PATTERN,
      externalId: 'org-1234:flow-logs',
      accounts: ['111111111111', '222222222222', '333333333333'],
    });
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf({ LOOKUP_ROLE_ARN_PATTERN: 'arn:aws:iam::123456789012:role/{account}', LOOKUP_ROLE_EXTERNAL_ID: 'x', LOOKUP_ACCOUNTS: '1234,abc' });

    expect(problems).toEqual([
      'LOOKUP_ROLE_ARN_PATTERN: unknown placeholder {account}; only {accountId} and {region}',
      'LOOKUP_ROLE_ARN_PATTERN: must hold {accountId}: each record is looked up in its own account',
      'LOOKUP_ROLE_EXTERNAL_ID must be 2 to 1224 characters of letters, digits and +=,.@:/-_',
      'LOOKUP_ACCOUNTS: expected twelve-digit account ids, got "1234", "abc"',
    ]);
  });

  it('never repeats a bad ExternalId in its problem', () => {
    const problems = problemsOf({ LOOKUP_ROLE_ARN_PATTERN: DEFAULT_LOOKUP_ROLE_ARN_PATTERN, LOOKUP_ROLE_EXTERNAL_ID: 'secret value with spaces' });

    expect(problems).toHaveLength(1);
    expect(problems.join('\n')).not.toContain('secret value');
  });

  it('refuses an ExternalId or accounts without a pattern, which would silently do nothing', () => {
    expect(problemsOf({ LOOKUP_ROLE_EXTERNAL_ID: 'org-1234', LOOKUP_ACCOUNTS: '111111111111' })).toEqual([
      'LOOKUP_ROLE_EXTERNAL_ID needs LOOKUP_ROLE_ARN_PATTERN: there is no role to assume',
      'LOOKUP_ACCOUNTS needs LOOKUP_ROLE_ARN_PATTERN: other accounts are looked up through a role',
    ]);
  });

  it('refuses a pattern that is not an IAM role ARN once filled', () => {
    expect(problemsOf({ LOOKUP_ROLE_ARN_PATTERN: 'arn:aws:iam::{accountId}:user/lookup' })).toEqual([
      `LOOKUP_ROLE_ARN_PATTERN: expected an IAM role ARN such as ${DEFAULT_LOOKUP_ROLE_ARN_PATTERN}, got "arn:aws:iam::{accountId}:user/lookup"`,
    ]);
  });

  it('accepts other partitions, role paths and a {region} placeholder', () => {
    expect(problemsOf({ LOOKUP_ROLE_ARN_PATTERN: 'arn:aws-us-gov:iam::{accountId}:role/security/lookup-{region}' })).toEqual([]);
    expect(problemsOf({ LOOKUP_ROLE_ARN_PATTERN: 'arn:aws-cn:iam::{accountId}:role/lookup' })).toEqual([]);
  });
});

describe('checkLookupAccountsSettings', () => {
  it('names the command-line options when given them', () => {
    const { problems } = checkLookupAccountsSettings({ accounts: '111111111111' }, { roleArnPattern: '--role-arn-pattern', externalId: '--external-id', accounts: '--accounts' });

    expect(problems).toEqual(['--accounts needs --role-arn-pattern: other accounts are looked up through a role']);
  });

  it('any setting either gives a config or lists problems, never both and never throws', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), fc.option(fc.string()), (roleArnPattern, externalId, accounts) => {
        const { config, problems } = checkLookupAccountsSettings(
          { roleArnPattern: roleArnPattern ?? undefined, externalId: externalId ?? undefined, accounts: accounts ?? undefined },
          LOOKUP_ACCOUNTS_VARIABLES,
        );
        expect(config !== undefined && problems.length > 0).toBe(false);
      }),
    );
  });
});

describe('roleArnFor', () => {
  it('fills the account and the Region of the scope', () => {
    expect(roleArnFor('arn:aws:iam::{accountId}:role/lookup-{region}', { accountId: '111111111111', region: 'eu-west-1' })).toBe('arn:aws:iam::111111111111:role/lookup-eu-west-1');
  });
});
