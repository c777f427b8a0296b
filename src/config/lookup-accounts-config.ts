/**
 * Look-ups in other accounts (issue 17): which role to assume in a record's account, with which
 * ExternalId, and which accounts may be looked up at all. The decorator reads it from its
 * environment, the CLI from `--role-arn-pattern`, `--external-id` and `--accounts`; both go
 * through `checkLookupAccountsSettings`, which lists every problem at once.
 */
import type { LookupScope } from '../domain/lookup-scope.js';
import { createEnvReader, type Environment, type EnvReader } from './env-reader.js';

/** The role a member account's template creates (templates/member-lookup-role.yaml). */
export const DEFAULT_LOOKUP_ROLE_NAME = 'vpc-flow-log-appender-lookup';

/** The pattern the README suggests: the member template's role in the record's account. */
export const DEFAULT_LOOKUP_ROLE_ARN_PATTERN = `arn:aws:iam::{accountId}:role/${DEFAULT_LOOKUP_ROLE_NAME}`;

/** The placeholders a pattern may hold; `{accountId}` is required, `{region}` optional. */
export const ROLE_ARN_PLACEHOLDERS = ['accountId', 'region'] as const;

/**
 * STS AssumeRole's ExternalId: 2 to 1224 characters of `[\w+=,.@:/-]`
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** An IAM role ARN once the placeholders are filled: partition, twelve-digit account, path and name. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const ACCOUNT_ID = /^\d{12}$/;

export interface LookupAccountsConfig {
  /** For example `arn:aws:iam::{accountId}:role/vpc-flow-log-appender-lookup`. */
  readonly roleArnPattern: string;
  /** Sent with every AssumeRole when the member roles require one; never logged. */
  readonly externalId?: string;
  /** Only these accounts are looked up (besides the function's own); absent: every account. */
  readonly accounts?: readonly string[];
}

/** The raw settings, as an environment or a command line gives them (trimmed, empty = absent). */
export interface LookupAccountsSettings {
  readonly roleArnPattern?: string | undefined;
  readonly externalId?: string | undefined;
  /** Account ids separated by commas or white space. */
  readonly accounts?: string | undefined;
}

/** Where each setting comes from, to name it in a problem: the variable or the option. */
export interface LookupAccountsSettingNames {
  readonly roleArnPattern: string;
  readonly externalId: string;
  readonly accounts: string;
}

export const LOOKUP_ACCOUNTS_VARIABLES: LookupAccountsSettingNames = {
  roleArnPattern: 'LOOKUP_ROLE_ARN_PATTERN',
  externalId: 'LOOKUP_ROLE_EXTERNAL_ID',
  accounts: 'LOOKUP_ACCOUNTS',
};

/**
 * Checks the settings and lists every problem: undefined config when no pattern is set (look-ups
 * stay in the function's own account), and an ExternalId or accounts without a pattern is a
 * problem (they would silently do nothing).
 *
 * @example checkLookupAccountsSettings({ roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup', accounts: '111111111111,222222222222' }, LOOKUP_ACCOUNTS_VARIABLES)
 * // { config: { roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup', accounts: ['111111111111', '222222222222'] }, problems: [] }
 */
export function checkLookupAccountsSettings(
  settings: LookupAccountsSettings,
  names: LookupAccountsSettingNames,
): { readonly config: LookupAccountsConfig | undefined; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const pattern = present(settings.roleArnPattern);
  const externalId = present(settings.externalId);
  const accountsText = present(settings.accounts);
  if (pattern === undefined) {
    if (externalId !== undefined) problems.push(`${names.externalId} needs ${names.roleArnPattern}: there is no role to assume`);
    if (accountsText !== undefined) problems.push(`${names.accounts} needs ${names.roleArnPattern}: other accounts are looked up through a role`);
    return { config: undefined, problems };
  }
  problems.push(...patternProblems(pattern).map((problem) => `${names.roleArnPattern}: ${problem}`));
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    // The value itself is a shared secret of sorts: say what is wrong, never echo it.
    problems.push(`${names.externalId} must be 2 to 1224 characters of letters, digits and +=,.@:/-_`);
  }
  let accounts: string[] | undefined;
  if (accountsText !== undefined) {
    const listed = accountsText.split(/[\s,]+/).filter((account) => account !== '');
    const bad = listed.filter((account) => !ACCOUNT_ID.test(account));
    if (bad.length > 0) problems.push(`${names.accounts}: expected twelve-digit account ids, got ${bad.map((account) => `"${account}"`).join(', ')}`);
    else accounts = [...new Set(listed)];
  }
  if (problems.length > 0) return { config: undefined, problems };
  return {
    config: { roleArnPattern: pattern, ...(externalId === undefined ? {} : { externalId }), ...(accounts === undefined ? {} : { accounts }) },
    problems,
  };
}

/**
 * The role to assume for a scope: the pattern with its placeholders filled.
 *
 * @example roleArnFor('arn:aws:iam::{accountId}:role/lookup-{region}', { accountId: '111111111111', region: 'eu-west-1' }) // 'arn:aws:iam::111111111111:role/lookup-eu-west-1'
 */
export function roleArnFor(pattern: string, scope: LookupScope): string {
  return pattern.replaceAll('{accountId}', scope.accountId).replaceAll('{region}', scope.region);
}

function patternProblems(pattern: string): string[] {
  const problems: string[] = [];
  const placeholders = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '');
  const unknown = placeholders.filter((name) => !(ROLE_ARN_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) problems.push(`unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')}; only {accountId} and {region}`);
  if (!placeholders.includes('accountId')) problems.push('must hold {accountId}: each record is looked up in its own account');
  // Checked with sample values in place of the placeholders: the result must be a role ARN.
  const example = roleArnFor(pattern, { accountId: '123456789012', region: 'eu-west-1' });
  if (unknown.length === 0 && placeholders.includes('accountId') && !ROLE_ARN.test(example)) {
    problems.push(`expected an IAM role ARN such as ${DEFAULT_LOOKUP_ROLE_ARN_PATTERN}, got "${pattern}"`);
  }
  return problems;
}

/**
 * Reads the look-up role settings from an environment reader, its problems added to the
 * reader's (so the decorator's config lists them with all the others).
 *
 * @example const env = createEnvReader(process.env); const lookupAccounts = readLookupAccountsConfig(env); env.assertValid();
 */
export function readLookupAccountsConfig(env: EnvReader): LookupAccountsConfig | undefined {
  const { config, problems } = checkLookupAccountsSettings(
    {
      // Spelt out (not LOOKUP_ACCOUNTS_VARIABLES.x): test/template/function-variables.ts reads the names here.
      roleArnPattern: env.optionalString('LOOKUP_ROLE_ARN_PATTERN'),
      externalId: env.optionalString('LOOKUP_ROLE_EXTERNAL_ID'),
      accounts: env.optionalString('LOOKUP_ACCOUNTS'),
    },
    LOOKUP_ACCOUNTS_VARIABLES,
  );
  for (const problem of problems) env.problem(problem);
  return config;
}

/**
 * Reads the look-up role settings from an environment on their own, failing with every problem.
 *
 * @example loadLookupAccountsConfig({ LOOKUP_ROLE_ARN_PATTERN: 'arn:aws:iam::{accountId}:role/lookup' }) // { roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup' }
 */
export function loadLookupAccountsConfig(environment: Environment): LookupAccountsConfig | undefined {
  const env = createEnvReader(environment);
  const config = readLookupAccountsConfig(env);
  env.assertValid();
  return config;
}
