/**
 * `--role-arn-pattern`, `--external-id` and `--accounts` (issue 17): the options of the commands
 * that read EC2 (`snapshot`, `report --live`, `enrich --live`) for reading other accounts
 * through a role in each, parsed once here and checked by the decorator's own rules
 * (src/config/lookup-accounts-config.ts), and the EC2 client of each account they give.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createAccountEc2Clients, type Ec2ClientForScope } from '../adapters/account-ec2-clients.js';
import { createAccountRoleCredentials, type AccountRoleCredentials } from '../adapters/account-role-credentials.js';
import { checkLookupAccountsSettings, DEFAULT_LOOKUP_ROLE_ARN_PATTERN, type LookupAccountsConfig } from '../config/lookup-accounts-config.js';
import { systemClock } from '../ports.js';
import { requireAwsRegion } from './aws-clients.js';
import { UsageError } from './cli-io.js';
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
  readonly credentials: AccountRoleCredentials;
  readonly ec2For: Ec2ClientForScope;
}

/**
 * EC2 clients per account for a command: credentials from the assumed roles (the default chain
 * in the caller's own account), in the Region of the default chain, which must be set.
 *
 * @example const { ec2For, region } = await createCliAccountClients(config, 'report --live'); ec2For({ accountId: '111111111111', region })
 */
export async function createCliAccountClients(config: LookupAccountsConfig, needer: string): Promise<CliAccountClients> {
  const probe = new EC2Client({});
  await requireAwsRegion(probe, needer);
  const region = await probe.config.region();
  const ownCredentials = defaultProvider();
  const credentials = createAccountRoleCredentials({ sts: new STSClient({ region }), config, ownCredentials: () => ownCredentials(), clock: systemClock });
  return { region, credentials, ec2For: createAccountEc2Clients({ credentials }) };
}
