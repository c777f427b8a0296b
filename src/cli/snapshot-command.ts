import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { takeEc2Snapshot, type Ec2Snapshot } from '../adapters/ec2-inventory-snapshot.js';
import { ACCOUNT_OPTIONS, createCliAccountClients, parseAccountOptions, readEachAccount, sayRefusedAccounts, type CliLookupAccounts } from './account-options.js';
import { ec2ClientFor } from './aws-clients.js';
import { CommandFailure, ExitCode, UsageError, type CliIo } from './cli-io.js';
import { defineCommand, describeCause, parseCommand, renderUsage } from './command.js';
import { parseVpcIds } from './vpc-ids.js';

export interface SnapshotOptions {
  readonly outDirectory: string;
  /** Only these VPCs; empty: every VPC of the Region. */
  readonly vpcIds: readonly string[];
  /** `--accounts` through `--role-arn-pattern`: one snapshot per account, in DIR/<account>/. */
  readonly lookupAccounts?: CliLookupAccounts;
}

/** What runSnapshot reaches the outside world with, replaceable in tests. */
export interface SnapshotDependencies {
  /** Default `new EC2Client({})`: the default credential chain and Region. */
  readonly ec2?: () => EC2Client;
}

/** The files written, named as a user would name the AWS CLI's output; the inventory reader recognises them by their top-level key, not by name. */
export const SNAPSHOT_FILES = {
  NetworkInterfaces: 'network-interfaces.json',
  SecurityGroups: 'security-groups.json',
  SecurityGroupRules: 'security-group-rules.json',
} as const;

export const snapshotCommand = defineCommand({
  name: 'snapshot',
  arguments: '--out DIR [--vpc-id VPC...]',
  summary: 'Save the account\'s interfaces, security groups and rules for enrich --inventory.',
  description: `Saves the EC2 inventory that enrichment reads, from the account and Region of the default
credential chain (AWS_ENDPOINT_URL_EC2 applies), as the AWS CLI prints it, so that
"enrich --inventory DIR" works offline later with the same results as "enrich --live" now:
  DIR/network-interfaces.json     aws ec2 describe-network-interfaces      (NetworkInterfaces)
  DIR/security-groups.json        aws ec2 describe-security-groups         (SecurityGroups)
  DIR/security-group-rules.json   aws ec2 describe-security-group-rules    (SecurityGroupRules)
Every call is paginated to the end. Files of the same names in DIR are replaced; nothing is
written when a call fails. With --accounts, each account is read through its role and saved
in DIR/ACCOUNT/ (nothing is written when one account fails); with --accounts organization,
every ACTIVE account of the organisation whose role can be assumed is, and the others are
named (exit 1 unless --allow-refused-accounts). Managed prefix lists are not saved: offline, rules that name one stay
undecided (rule_match), as the AWS CLI has no self-describing output for their entries.
Needs ec2:DescribeNetworkInterfaces, ec2:DescribeSecurityGroups, ec2:DescribeSecurityGroupRules.`,
  options: {
    out: { type: 'string', value: 'DIR', help: 'The directory to write (created when missing). Required.' },
    'vpc-id': {
      type: 'string',
      value: 'VPC',
      multiple: true,
      help: 'Only the interfaces and security groups of this VPC, and those groups\' rules.\nRepeat for several VPCs. Default: the whole Region.',
    },
    ...ACCOUNT_OPTIONS,
  },
  positionals: false,
  epilogue: `Exit status: 0 when the snapshot was written; 1 when there is no Region, EC2 refused a call or
a file could not be written, or an account was skipped (unless --allow-refused-accounts); 2 on a
command-line error.`,
  parse(values): SnapshotOptions {
    if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required');
    const lookupAccounts = parseAccountOptions(values);
    if (lookupAccounts !== undefined && lookupAccounts.accounts === undefined && lookupAccounts.organization !== true) throw new UsageError('--role-arn-pattern needs --accounts: the accounts to save');
    return { outDirectory: values.out, vpcIds: parseVpcIds(values['vpc-id']), ...(lookupAccounts === undefined ? {} : { lookupAccounts }) };
  },
  run: (options, io) => runSnapshot(options, io),
});

export const SNAPSHOT_USAGE = renderUsage(snapshotCommand);

/**
 * Reads the arguments of `snapshot`; a mistake throws a UsageError.
 *
 * @example parseSnapshotArguments(['--out', 'inventory', '--vpc-id', 'vpc-0a1b2c3d4e5f60000']) // { outDirectory: 'inventory', vpcIds: ['vpc-0a1b2c3d4e5f60000'] }
 */
export function parseSnapshotArguments(args: readonly string[]): SnapshotOptions | 'help' {
  return parseCommand(snapshotCommand, args);
}

/**
 * Takes the snapshot and writes its three files; a missing Region, an EC2 error (after the SDK's
 * retries, named with its cause) or a failed write is thrown as a CommandFailure (exit 1), with
 * nothing written on an EC2 error.
 *
 * @example await runSnapshot({ outDirectory: 'inventory', vpcIds: [] }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runSnapshot(options: SnapshotOptions, io: CliIo, dependencies: SnapshotDependencies = {}): Promise<ExitCode> {
  if (options.lookupAccounts !== undefined) return runAccountSnapshots(options.lookupAccounts, options, io);
  const client = await ec2ClientFor(dependencies.ec2, 'snapshot');
  let snapshot: Ec2Snapshot;
  try {
    snapshot = await takeEc2Snapshot(client, options.vpcIds);
  } catch (error) {
    // SDK errors name the refusal (UnauthorizedOperation, RequestLimitExceeded ...); their
    // messages never hold credentials.
    throw new CommandFailure('EC2 refused', { cause: error });
  }
  await writeSnapshot(options.outDirectory, snapshot, io);
  return ExitCode.Success;
}

/**
 * `--accounts`: every account's snapshot taken first (nothing written when one fails), then each
 * written to DIR/<account>/; an account skipped for its role (organization, --allow-refused-accounts)
 * is named after the others are written.
 */
async function runAccountSnapshots(lookupAccounts: CliLookupAccounts, options: SnapshotOptions, io: CliIo): Promise<ExitCode> {
  const { ec2For, region, accounts = [] } = await createCliAccountClients(lookupAccounts, 'snapshot');
  const { read, refused } = await readEachAccount(lookupAccounts, accounts, (accountId) => takeEc2Snapshot(ec2For({ accountId, region }), options.vpcIds));
  for (const [accountId, snapshot] of read) await writeSnapshot(join(options.outDirectory, accountId), snapshot, io);
  const failed = await sayRefusedAccounts(lookupAccounts, refused, 'snapshot', io.stderr);
  return failed ? ExitCode.Failure : ExitCode.Success;
}

async function writeSnapshot(outDirectory: string, snapshot: Ec2Snapshot, io: CliIo): Promise<void> {
  try {
    await mkdir(outDirectory, { recursive: true });
    for (const key of Object.keys(SNAPSHOT_FILES) as (keyof typeof SNAPSHOT_FILES)[]) {
      await writeJsonFile(join(outDirectory, SNAPSHOT_FILES[key]), { [key]: snapshot[key] });
    }
  } catch (error) {
    throw new CommandFailure(`cannot write ${outDirectory}: ${describeCause(error)}`, { cause: error });
  }
  io.stderr.write(
    `snapshot: ${snapshot.NetworkInterfaces.length} network interfaces, ${snapshot.SecurityGroups.length} security groups, ` +
      `${snapshot.SecurityGroupRules.length} security group rules written to ${outDirectory}\n`,
  );
}

/** As the AWS CLI prints JSON: four-space indents, times as `2026-06-01T08:00:00+00:00`. Written beside, then renamed, so a reader never sees half a file. */
async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, awsCliTime, 4);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${text}\n`, 'utf8');
  await rename(temporary, path);
}

/** A replacer: the holder still has the Date that toJSON already turned into `...Z`. */
function awsCliTime(this: unknown, key: string, item: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  return original instanceof Date && typeof item === 'string' ? item.replace(/(?:\.000)?Z$/, '+00:00') : item;
}
