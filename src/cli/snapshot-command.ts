import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type Filter,
  type NetworkInterface,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { MAX_EC2_PAGE_SIZE, toFilterValueBatches } from '../adapters/ec2-client.js';
import { ExitCode, parseCommandArguments, UsageError, type CliIo } from './cli-io.js';

export const SNAPSHOT_USAGE = `Usage: vpc-flow-log-appender snapshot --out DIR [--vpc-id VPC...]

Saves the EC2 inventory that enrichment reads, from the account and Region of the default
credential chain (AWS_ENDPOINT_URL_EC2 applies), as the AWS CLI prints it, so that
"enrich --inventory DIR" works offline later with the same results as "enrich --live" now:
  DIR/network-interfaces.json     aws ec2 describe-network-interfaces      (NetworkInterfaces)
  DIR/security-groups.json        aws ec2 describe-security-groups         (SecurityGroups)
  DIR/security-group-rules.json   aws ec2 describe-security-group-rules    (SecurityGroupRules)
Every call is paginated to the end. Files of the same names in DIR are replaced; nothing is
written when a call fails. Managed prefix lists are not saved: offline, rules that name one stay
undecided (rule_match), as the AWS CLI has no self-describing output for their entries.
Needs ec2:DescribeNetworkInterfaces, ec2:DescribeSecurityGroups, ec2:DescribeSecurityGroupRules.

Options:
  --out DIR        The directory to write (created when missing). Required.
  --vpc-id VPC     Only the interfaces and security groups of this VPC, and those groups' rules.
                   Repeat for several VPCs. Default: the whole Region.
  -h, --help       Show this help.

Exit status: 0 when the snapshot was written; 1 when EC2 refused a call or a file could not be
written; 2 on a command-line error.`;

export interface SnapshotOptions {
  readonly outDirectory: string;
  /** Only these VPCs; empty: every VPC of the Region. */
  readonly vpcIds: readonly string[];
}

/** What runSnapshot reaches the outside world with, replaceable in tests. */
export interface SnapshotDependencies {
  /** Default `new EC2Client({})`: the default credential chain and Region. */
  readonly ec2?: () => EC2Client;
}

/** The saved inventory, in the AWS CLI's shapes. */
export interface Ec2Snapshot {
  readonly NetworkInterfaces: NetworkInterface[];
  readonly SecurityGroups: SecurityGroup[];
  readonly SecurityGroupRules: SecurityGroupRule[];
}

/** The files written, named as a user would name the AWS CLI's output; the inventory reader recognises them by their top-level key, not by name. */
export const SNAPSHOT_FILES = {
  NetworkInterfaces: 'network-interfaces.json',
  SecurityGroups: 'security-groups.json',
  SecurityGroupRules: 'security-group-rules.json',
} as const;

/**
 * Reads the arguments of `snapshot`; a mistake throws a UsageError carrying the snapshot usage.
 *
 * @example parseSnapshotArguments(['--out', 'inventory', '--vpc-id', 'vpc-0a1b2c3d4e5f60000']) // { outDirectory: 'inventory', vpcIds: ['vpc-0a1b2c3d4e5f60000'] }
 */
export function parseSnapshotArguments(args: readonly string[]): SnapshotOptions | 'help' {
  const { values } = parseCommandArguments(
    args,
    { out: { type: 'string' }, 'vpc-id': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    SNAPSHOT_USAGE,
    false,
  );
  if (values.help === true) return 'help';
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required', SNAPSHOT_USAGE);
  const vpcIds = values['vpc-id'] ?? [];
  const malformed = vpcIds.find((vpcId) => !/^vpc-[0-9a-f]+$/.test(vpcId));
  if (malformed !== undefined) throw new UsageError(`--vpc-id: "${malformed}" is not a VPC id (vpc-...)`, SNAPSHOT_USAGE);
  return { outDirectory: values.out, vpcIds };
}

/**
 * Lists the network interfaces, security groups and security-group rules of the Region (or of
 * the given VPCs), every call paginated to the end. With VPCs, rules are asked for by the ids of
 * those VPCs' groups, 200 a call (DescribeSecurityGroupRules has no VPC filter).
 *
 * @example const snapshot = await takeEc2Snapshot(new EC2Client({}), ['vpc-0a1b2c3d4e5f60000']);
 */
export async function takeEc2Snapshot(client: EC2Client, vpcIds: readonly string[]): Promise<Ec2Snapshot> {
  const paging = { client, pageSize: MAX_EC2_PAGE_SIZE, stopOnSameToken: true };
  const vpcFilter: Filter[] = vpcIds.length === 0 ? [] : [{ Name: 'vpc-id', Values: [...vpcIds] }];
  const NetworkInterfaces: NetworkInterface[] = [];
  for await (const page of paginateDescribeNetworkInterfaces(paging, vpcFilter.length === 0 ? {} : { Filters: vpcFilter })) {
    NetworkInterfaces.push(...(page.NetworkInterfaces ?? []));
  }
  const SecurityGroups: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups(paging, vpcFilter.length === 0 ? {} : { Filters: vpcFilter })) {
    SecurityGroups.push(...(page.SecurityGroups ?? []));
  }
  const SecurityGroupRules: SecurityGroupRule[] = [];
  const ruleRequests =
    vpcIds.length === 0
      ? [{}]
      : toFilterValueBatches(SecurityGroups.flatMap((group) => (group.GroupId === undefined ? [] : [group.GroupId]))).map((batch) => ({ Filters: [{ Name: 'group-id', Values: batch }] }));
  for (const request of ruleRequests) {
    for await (const page of paginateDescribeSecurityGroupRules(paging, request)) {
      SecurityGroupRules.push(...(page.SecurityGroupRules ?? []));
    }
  }
  return { NetworkInterfaces, SecurityGroups, SecurityGroupRules };
}

/**
 * Takes the snapshot and writes its three files; EC2 errors (after the SDK's retries) are
 * reported on stderr by name and exit 1, with nothing written.
 *
 * @example await runSnapshot({ outDirectory: 'inventory', vpcIds: [] }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runSnapshot(options: SnapshotOptions, io: CliIo, dependencies: SnapshotDependencies = {}): Promise<ExitCode> {
  const client = (dependencies.ec2 ?? (() => new EC2Client({})))();
  try {
    await client.config.region();
  } catch (error) {
    throw new UsageError('snapshot needs an AWS Region: set AWS_REGION or a region in the profile', SNAPSHOT_USAGE, { cause: error });
  }
  let snapshot: Ec2Snapshot;
  try {
    snapshot = await takeEc2Snapshot(client, options.vpcIds);
  } catch (error) {
    // SDK errors name the refusal (UnauthorizedOperation, RequestLimitExceeded ...); their
    // messages never hold credentials.
    io.stderr.write(`vpc-flow-log-appender: snapshot: EC2 refused: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return ExitCode.BadInput;
  }
  try {
    await mkdir(options.outDirectory, { recursive: true });
    for (const key of Object.keys(SNAPSHOT_FILES) as (keyof typeof SNAPSHOT_FILES)[]) {
      await writeJsonFile(join(options.outDirectory, SNAPSHOT_FILES[key]), { [key]: snapshot[key] });
    }
  } catch (error) {
    io.stderr.write(`vpc-flow-log-appender: snapshot: cannot write ${options.outDirectory}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.BadInput;
  }
  io.stderr.write(
    `snapshot: ${snapshot.NetworkInterfaces.length} network interfaces, ${snapshot.SecurityGroups.length} security groups, ` +
      `${snapshot.SecurityGroupRules.length} security group rules written to ${options.outDirectory}\n`,
  );
  return ExitCode.Success;
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
