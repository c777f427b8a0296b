/**
 * `--role-arn-pattern`, `--external-id` and `--accounts` (issue 17): the options of the commands
 * that read EC2 (`snapshot`, `report --live`, `enrich --live`) for reading other accounts
 * through a role in each, parsed once here and checked by the decorator's own rules
 * (src/config/lookup-accounts-config.ts), and the EC2 client of each account they give.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { createAccountEc2Clients, type Ec2ClientForScope } from '../adapters/account-ec2-clients.js';
import { callerAccountId, createAccountRoleCredentials, type AccountRoleCredentials } from '../adapters/account-role-credentials.js';
import { AccountRoleError } from '../adapters/errors.js';
import { listActiveOrganizationAccounts } from '../adapters/organization-accounts.js';
import { checkLookupAccountsSettings, DEFAULT_LOOKUP_ROLE_ARN_PATTERN, type LookupAccountsConfig } from '../config/lookup-accounts-config.js';
import { systemClock } from '../ports.js';
import { requireAwsRegion } from './aws-clients.js';
import { CommandFailure, UsageError } from './cli-io.js';
import type { OptionTable, OptionValues } from './command.js';

/** The options, to spread into a command's option table. */
export const ACCOUNT_OPTIONS = {
  'role-arn-pattern': {
    type: 'string',
    value: 'PATTERN',
    help: `Read each account of --accounts through this role in it, assumed with
STS AssumeRole ({accountId} and {region} are filled in), for example
${DEFAULT_LOOKUP_ROLE_ARN_PATTERN}
(templates/member-lookup-role.yaml creates it). Your own account needs no role.
AWS_ENDPOINT_URL_STS applies.`,
  },
  'external-id': { type: 'string', value: 'ID', help: 'The ExternalId the member roles require (needs --role-arn-pattern).' },
  accounts: {
    type: 'string',
    value: 'A,B,...|organization',
    help: `The twelve-digit accounts to read, separated by commas (needs
--role-arn-pattern); or organization: every ACTIVE account of your AWS
organisation (Organizations ListAccounts: run it in the management account
or a delegated administrator's; AWS_ENDPOINT_URL_ORGANIZATIONS applies).
With organization, an account whose role cannot be assumed is skipped and
named, and the exit status is 1 (see --allow-refused-accounts).`,
  },
  'allow-refused-accounts': {
    type: 'boolean',
    help: `Skip the accounts whose role cannot be assumed (each still named on
standard error) and exit 0 for them: for an organisation where not every
account has the role yet.`,
  },
} as const satisfies OptionTable;

/** `--accounts organization`: the accounts are the organisation's ACTIVE ones, listed at run time. */
export const ORGANIZATION_ACCOUNTS = 'organization';

/** The look-up settings of a command line: the decorator's, plus where the accounts come from. */
export interface CliLookupAccounts extends LookupAccountsConfig {
  /** `--accounts organization`: listed by AWS Organizations when the command runs. */
  readonly organization?: true;
  /** `--allow-refused-accounts`: a refused account is skipped and named, not a failure. */
  readonly allowRefused?: true;
}

const OPTION_NAMES = { roleArnPattern: '--role-arn-pattern', externalId: '--external-id', accounts: '--accounts' };

/**
 * The look-up role settings of a command line, or undefined without `--role-arn-pattern`; a
 * mistake throws one UsageError listing every problem.
 *
 * @example parseAccountOptions({ 'role-arn-pattern': 'arn:aws:iam::{accountId}:role/lookup', accounts: '111111111111,222222222222' })
 * // { roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup', accounts: ['111111111111', '222222222222'] }
 */
export function parseAccountOptions(values: OptionValues<typeof ACCOUNT_OPTIONS>): CliLookupAccounts | undefined {
  const organization = values.accounts?.trim() === ORGANIZATION_ACCOUNTS;
  const checked = checkLookupAccountsSettings(
    { roleArnPattern: values['role-arn-pattern'], externalId: values['external-id'], accounts: organization ? undefined : values.accounts },
    OPTION_NAMES,
  );
  const { config } = checked;
  const problems = [...checked.problems];
  if (organization && values['role-arn-pattern'] === undefined) problems.push('--accounts organization needs --role-arn-pattern: other accounts are read through a role');
  if (values['allow-refused-accounts'] === true && values['role-arn-pattern'] === undefined) problems.push('--allow-refused-accounts needs --role-arn-pattern: only a role can be refused');
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  if (config === undefined) return undefined;
  return { ...config, ...(organization ? { organization: true as const } : {}), ...(values['allow-refused-accounts'] === true ? { allowRefused: true as const } : {}) };
}

/**
 * With `--accounts organization`, the organisation's ACTIVE accounts, listed once; a refusal of
 * Organizations fails the command, saying where ListAccounts answers.
 */
async function listOrganizationAccounts(region: string, needer: string): Promise<readonly string[]> {
  try {
    return await listActiveOrganizationAccounts(new OrganizationsClient({ region }));
  } catch (error) {
    throw new CommandFailure(
      `${needer}: --accounts organization: AWS Organizations ListAccounts failed (it answers in the organisation's management account or a delegated administrator's; needs organizations:ListAccounts)`,
      { cause: error },
    );
  }
}

/** Each account read, in order, and the accounts skipped because their role was refused. */
export interface AccountReads<T> {
  readonly read: readonly (readonly [accountId: string, value: T])[];
  readonly refused: readonly AccountRoleError[];
}

/**
 * Reads every account in turn. A refused role (an AccountRoleError) skips the account when the
 * accounts come from the organisation or `--allow-refused-accounts` is given, and fails the
 * command otherwise; any other error (EC2 refusing an assumed role) always fails it, naming the
 * account: a report that silently left an account out would call its flows' rules unknown.
 *
 * @example const { read, refused } = await readEachAccount(lookupAccounts, accounts, (accountId) => takeEc2Snapshot(ec2For({ accountId, region }), []));
 */
export async function readEachAccount<T>(lookupAccounts: CliLookupAccounts, accounts: readonly string[], readAccount: (accountId: string) => Promise<T>): Promise<AccountReads<T>> {
  const skipRefused = lookupAccounts.organization === true || lookupAccounts.allowRefused === true;
  const read: (readonly [string, T])[] = [];
  const refused: AccountRoleError[] = [];
  for (const accountId of accounts) {
    try {
      read.push([accountId, await readAccount(accountId)]);
    } catch (error) {
      if (skipRefused && error instanceof AccountRoleError) {
        refused.push(error);
        continue;
      }
      // An AccountRoleError names the account, the role and STS's answer; an SDK error its refusal, never credentials.
      throw new CommandFailure(`account ${accountId}: EC2 refused`, { cause: error });
    }
  }
  return { read, refused };
}

/**
 * Says each skipped account on standard error; whether the command fails for them: unless
 * `--allow-refused-accounts` was given.
 *
 * @example if (await sayRefusedAccounts(lookupAccounts, refused, 'snapshot', errors)) return ExitCode.Failure;
 */
export async function sayRefusedAccounts(lookupAccounts: CliLookupAccounts, refused: readonly AccountRoleError[], command: string, errors: { write(text: string): unknown }): Promise<boolean> {
  for (const error of refused) await errors.write(`vpc-flow-log-appender: ${command}: skipped ${error.message}\n`);
  return refused.length > 0 && lookupAccounts.allowRefused !== true;
}

/** The accounts a command reads and the EC2 client of each, in the Region of the default chain. */
export interface CliAccountClients {
  readonly region: string;
  /** The caller's own account (STS GetCallerIdentity), read with its own credentials, no role. */
  readonly ownAccountId: string;
  readonly credentials: AccountRoleCredentials;
  readonly ec2For: Ec2ClientForScope;
  /** The accounts of `--accounts` or the organisation's; undefined: every account a record names (enrich). */
  readonly accounts: readonly string[] | undefined;
  /** The accounts whose role could not be assumed (or that --accounts leaves out), each once. */
  readonly refusals: AccountRoleRefusals;
}

/**
 * The accounts refused so far, each with the AccountRoleError that names its role and STS's
 * answer: a command says each once on standard error and exits 1.
 */
export interface AccountRoleRefusals {
  /** The refusals not yet taken, in the order they happened. */
  takeNew(): AccountRoleError[];
  /** How many accounts were refused in all. */
  count(): number;
}

/**
 * The same credentials, noting each account they refuse (once: a kept refusal is thrown again
 * for every look-up of the account).
 *
 * @example const { credentials: watched, refusals } = watchAccountRoleRefusals(credentials); ...; for (const error of refusals.takeNew()) console.error(error.message);
 */
export function watchAccountRoleRefusals(credentials: AccountRoleCredentials): { readonly credentials: AccountRoleCredentials; readonly refusals: AccountRoleRefusals } {
  const refused = new Map<string, AccountRoleError>();
  let taken = 0;
  return {
    credentials: {
      ...credentials,
      credentialsFor: async (scope) => {
        try {
          return await credentials.credentialsFor(scope);
        } catch (error) {
          if (error instanceof AccountRoleError && !refused.has(error.accountId)) refused.set(error.accountId, error);
          throw error;
        }
      },
    },
    refusals: {
      takeNew: () => {
        const fresh = [...refused.values()].slice(taken);
        taken = refused.size;
        return fresh;
      },
      count: () => refused.size,
    },
  };
}

/**
 * EC2 clients per account for a command: credentials from the assumed roles (the default chain
 * in the caller's own account), in the Region of the default chain, which must be set. The own
 * account is asked of STS first, so records that name no account are read in it and a caller
 * STS does not know fails here, before any record; with `--accounts organization` the
 * organisation's accounts are listed here too, and only they may be looked up.
 *
 * @example const { ec2For, region } = await createCliAccountClients(config, 'report --live'); ec2For({ accountId: '111111111111', region })
 */
export async function createCliAccountClients(
  lookupAccounts: CliLookupAccounts,
  needer: string,
  { createEc2Client }: { createEc2Client?: (config: EC2ClientConfig) => EC2Client } = {},
): Promise<CliAccountClients> {
  const probe = new EC2Client({});
  await requireAwsRegion(probe, needer);
  const region = await probe.config.region();
  const ownCredentials = defaultProvider();
  const sts = new STSClient({ region });
  let ownAccountId: string;
  try {
    ownAccountId = await callerAccountId(sts);
  } catch (error) {
    throw new CommandFailure(`${needer}: cannot tell your own account (STS GetCallerIdentity)`, { cause: error });
  }
  const accounts = lookupAccounts.organization === true ? await listOrganizationAccounts(region, needer) : lookupAccounts.accounts;
  const config: LookupAccountsConfig = {
    roleArnPattern: lookupAccounts.roleArnPattern,
    ...(lookupAccounts.externalId === undefined ? {} : { externalId: lookupAccounts.externalId }),
    ...(accounts === undefined ? {} : { accounts }),
  };
  const { credentials, refusals } = watchAccountRoleRefusals(
    createAccountRoleCredentials({ sts, config, ownCredentials: () => ownCredentials(), ownAccountId, clock: systemClock }),
  );
  return { region, ownAccountId, accounts, credentials, refusals, ec2For: createAccountEc2Clients({ credentials, ...(createEc2Client === undefined ? {} : { createClient: createEc2Client }) }) };
}
