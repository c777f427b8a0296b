/**
 * `--role-arn-pattern`, `--external-id` and `--accounts` (issue 17): the options of the commands
 * that read EC2 (`snapshot`, `report --live`, `enrich --live`) for reading other accounts
 * through a role in each, parsed once here and checked by the decorator's own rules
 * (src/config/lookup-accounts-config.ts), and the EC2 client of each account they give.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createAccountEc2Clients, type Ec2ClientForScope } from '../adapters/account-ec2-clients.js';
import { createAccountRoleCredentials, type AccountRoleCredentials } from '../adapters/account-role-credentials.js';
import { AccountRoleError } from '../adapters/errors.js';
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
  accounts: { type: 'string', value: 'A,B,...', help: 'The twelve-digit accounts to read, separated by commas (needs\n--role-arn-pattern).' },
} as const satisfies OptionTable;

const OPTION_NAMES = { roleArnPattern: '--role-arn-pattern', externalId: '--external-id', accounts: '--accounts' };

/**
 * The look-up role settings of a command line, or undefined without `--role-arn-pattern`; a
 * mistake throws one UsageError listing every problem.
 *
 * @example parseAccountOptions({ 'role-arn-pattern': 'arn:aws:iam::{accountId}:role/lookup', accounts: '111111111111,222222222222' })
 * // { roleArnPattern: 'arn:aws:iam::{accountId}:role/lookup', accounts: ['111111111111', '222222222222'] }
 */
export function parseAccountOptions(values: OptionValues<typeof ACCOUNT_OPTIONS>): LookupAccountsConfig | undefined {
  const { config, problems } = checkLookupAccountsSettings(
    { roleArnPattern: values['role-arn-pattern'], externalId: values['external-id'], accounts: values.accounts },
    OPTION_NAMES,
  );
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return config;
}

/** The accounts a command reads and the EC2 client of each, in the Region of the default chain. */
export interface CliAccountClients {
  readonly region: string;
  /** The caller's own account (STS GetCallerIdentity), read with its own credentials, no role. */
  readonly ownAccountId: string;
  readonly credentials: AccountRoleCredentials;
  readonly ec2For: Ec2ClientForScope;
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
 * STS does not know fails here, before any record.
 *
 * @example const { ec2For, region } = await createCliAccountClients(config, 'report --live'); ec2For({ accountId: '111111111111', region })
 */
export async function createCliAccountClients(
  config: LookupAccountsConfig,
  needer: string,
  { createEc2Client }: { createEc2Client?: (config: EC2ClientConfig) => EC2Client } = {},
): Promise<CliAccountClients> {
  const probe = new EC2Client({});
  await requireAwsRegion(probe, needer);
  const region = await probe.config.region();
  const ownCredentials = defaultProvider();
  const sts = new STSClient({ region });
  let ownAccountId: string | undefined;
  try {
    ownAccountId = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw new CommandFailure(`${needer}: cannot tell your own account (STS GetCallerIdentity)`, { cause: error });
  }
  if (ownAccountId === undefined) throw new CommandFailure(`${needer}: STS GetCallerIdentity answered without an account`);
  const { credentials, refusals } = watchAccountRoleRefusals(
    createAccountRoleCredentials({ sts, config, ownCredentials: () => ownCredentials(), ownAccountId, clock: systemClock }),
  );
  return { region, ownAccountId, credentials, refusals, ec2For: createAccountEc2Clients({ credentials, ...(createEc2Client === undefined ? {} : { createClient: createEc2Client }) }) };
}
