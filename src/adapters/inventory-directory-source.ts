import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  IpPermission,
  NetworkInterface,
  SecurityGroup,
  SecurityGroupRule as Ec2SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { FlowDirection } from '../domain/flow-direction.js';
import type { LookupScope } from '../domain/lookup-scope.js';
import type {
  LookupOutcome,
  NetworkInterfaceInfo,
  NetworkInterfaceSource,
  SecurityGroupMemberSource,
  SecurityGroupRule,
  SecurityGroupRulePeer,
  SecurityGroupRuleSource,
} from '../ports.js';
import { toNetworkInterfaceInfo } from './ec2-network-interface-source.js';
import { toSecurityGroupRule } from './ec2-security-group-rule-source.js';
import { InventoryError } from './errors.js';
export { InventoryError } from './errors.js';

/** How much an inventory holds, for a one-line summary. */
export interface InventorySummary {
  readonly networkInterfaces: number;
  /** Groups with rules, from DescribeSecurityGroupRules or derived from DescribeSecurityGroups. */
  readonly securityGroups: number;
  readonly securityGroupRules: number;
}

/** In-memory sources answering from saved AWS CLI output instead of EC2. */
export interface Inventory {
  readonly networkInterfaces: NetworkInterfaceSource;
  /** Members of groups, from the inventory's interfaces: what a group-referencing rule allows. */
  readonly securityGroupMembers: SecurityGroupMemberSource;
  /** Absent when the inventory holds neither rules nor security groups. */
  readonly securityGroupRules?: SecurityGroupRuleSource;
  /** Every group's rules, for a report that must also list the rules no flow used. */
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  /** Every interface's groups: the report needs each interface of a group covered by records before it judges the group's rules. */
  readonly interfaceGroups: ReadonlyMap<string, readonly string[]>;
  readonly summary: InventorySummary;
}

/** A directory's inventory, with the JSON files that held nothing it recognises. */
export interface InventoryDirectory extends Inventory {
  readonly ignoredFiles: readonly string[];
}

/**
 * Builds in-memory sources from parsed AWS CLI output: `describe-network-interfaces`
 * (`NetworkInterfaces`), `describe-security-group-rules` (`SecurityGroupRules`) and
 * `describe-security-groups` (`SecurityGroups`). The CLI prints the SDK's shapes, so the EC2
 * adapters' mappers read them.
 *
 * A group's rules come from DescribeSecurityGroupRules when any file lists rules of that group;
 * otherwise they are derived from its `IpPermissions` / `IpPermissionsEgress`, one rule per peer.
 * DescribeSecurityGroups gives no rule ids, so derived rules are named `<group>/<direction>/<n>`.
 * A group the inventory does not know is `not_found`, and so is an interface. An inventory is one
 * snapshot of saved output: it answers the same for every look-up scope (the scope is ignored).
 *
 * @example
 * const inventory = createInventorySources([JSON.parse(readFileSync('enis.json', 'utf8'))]);
 * await inventory.networkInterfaces.describeNetworkInterfaces(scope, ['eni-0a1b2c3d4e5f60001']);
 */
export function createInventorySources(outputs: readonly unknown[]): Inventory {
  const interfaces = new Map<string, NetworkInterfaceInfo>();
  const listedRules = new Map<string, SecurityGroupRule[]>();
  const derivedRules = new Map<string, SecurityGroupRule[]>();
  for (const output of outputs) {
    for (const networkInterface of arrayAt<NetworkInterface>(output, 'NetworkInterfaces')) {
      const info = toNetworkInterfaceInfo(networkInterface);
      if (info !== undefined) interfaces.set(info.interfaceId, info);
    }
    for (const ec2Rule of arrayAt<Ec2SecurityGroupRule>(output, 'SecurityGroupRules')) {
      const rule = toSecurityGroupRule(ec2Rule);
      if (rule === undefined) continue;
      const rules = listedRules.get(rule.group_id) ?? [];
      // The same rule in two files (overlapping exports) counts once.
      if (!rules.some((known) => known.rule_id === rule.rule_id)) rules.push(rule);
      listedRules.set(rule.group_id, rules);
    }
    for (const group of arrayAt<SecurityGroup>(output, 'SecurityGroups')) {
      if (group.GroupId !== undefined && group.GroupId !== '') derivedRules.set(group.GroupId, toSecurityGroupRules(group.GroupId, group));
    }
  }
  const rulesByGroup = new Map([...derivedRules, ...listedRules]);
  const members = groupMembers(interfaces.values());
  return {
    networkInterfaces: {
      describeNetworkInterfaces: (_scope, interfaceIds) => Promise.resolve(outcomesOf(interfaceIds, interfaces)),
    },
    securityGroupMembers: {
      // Like EC2's group-id filter: a group no interface is in has no member, which is not an error.
      describeSecurityGroupMembers: (_scope, groupIds) =>
        Promise.resolve(new Map(groupIds.map((groupId) => [groupId, { status: 'found', value: members.get(groupId) ?? [] }] as const))),
    },
    ...(rulesByGroup.size === 0
      ? {}
      : { securityGroupRules: { describeSecurityGroupRules: (_scope: LookupScope, groupIds: readonly string[]) => Promise.resolve(outcomesOf(groupIds, rulesByGroup)) } }),
    rulesByGroup,
    interfaceGroups: new Map([...interfaces.values()].map((info) => [info.interfaceId, info.securityGroups.map((group) => group.groupId)])),
    summary: {
      networkInterfaces: interfaces.size,
      securityGroups: rulesByGroup.size,
      securityGroupRules: [...rulesByGroup.values()].reduce((total, rules) => total + rules.length, 0),
    },
  };
}

/**
 * Reads every `*.json` file of a directory (any name) as AWS CLI output and builds the
 * inventory; files without `NetworkInterfaces`, `SecurityGroups` or `SecurityGroupRules` are
 * listed in `ignoredFiles`. A path to one such file reads that file. Rejects with an
 * InventoryError naming the directory or file that cannot be read or parsed, and when no file
 * holds any inventory (an empty directory would otherwise flag every record silently).
 *
 * @example
 * const inventory = await loadInventoryDirectory('events/sample/inventory');
 */
export async function loadInventoryDirectory(directory: string): Promise<InventoryDirectory> {
  let paths: string[];
  try {
    paths = (await readdir(directory, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
      .map((entry) => entry.name)
      .sort()
      .map((name) => join(directory, name));
  } catch (error) {
    // One saved output is an inventory too: `--inventory interfaces.json` reads that file.
    if (isErrorWithCode(error, 'ENOTDIR')) paths = [directory];
    else throw new InventoryError(`cannot read the inventory directory ${directory}`, { cause: error });
  }
  const outputs: unknown[] = [];
  const ignoredFiles: string[] = [];
  for (const path of paths) {
    let output: unknown;
    try {
      output = JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (error) {
      throw new InventoryError(`${path} is not readable JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    if (!INVENTORY_KEYS.some((key) => propertyOf(output, key) !== undefined)) {
      ignoredFiles.push(path);
      continue;
    }
    // An entry the mappers cannot read would be dropped without a word, and every record of its
    // interface or group flagged as if the inventory never held it: name the entry instead.
    const problem = inventoryShapeProblem(output);
    if (problem !== undefined) throw new InventoryError(`${path}: ${problem}`);
    outputs.push(output);
  }
  if (outputs.length === 0) {
    // Enriching from nothing would flag every record as if its interface were unknown: say so instead.
    throw new InventoryError(
      `${directory}: no AWS CLI EC2 output in it (no *.json file holding NetworkInterfaces, SecurityGroups or SecurityGroupRules); "snapshot --out DIR" writes one`,
    );
  }
  return { ...createInventorySources(outputs), ignoredFiles };
}

function isErrorWithCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

const INVENTORY_KEYS = ['NetworkInterfaces', 'SecurityGroups', 'SecurityGroupRules'] as const;

/** What the AWS CLI command behind each key prints, for a message that says which output was meant. */
const INVENTORY_COMMANDS: Readonly<Record<(typeof INVENTORY_KEYS)[number], string>> = {
  NetworkInterfaces: 'aws ec2 describe-network-interfaces',
  SecurityGroups: 'aws ec2 describe-security-groups',
  SecurityGroupRules: 'aws ec2 describe-security-group-rules',
};

/**
 * The first entry of parsed AWS CLI output that is not what its command prints (an interface
 * without NetworkInterfaceId, a rule without its group, direction, protocol or peer), as
 * `PATH: what is wrong (expected ... output)`, or undefined when every entry reads.
 *
 * @example inventoryShapeProblem({ NetworkInterfaces: [{ foo: 1 }] }) // 'NetworkInterfaces[0] has no NetworkInterfaceId (expected aws ec2 describe-network-interfaces output)'
 */
export function inventoryShapeProblem(output: unknown): string | undefined {
  for (const key of INVENTORY_KEYS) {
    const items = propertyOf(output, key);
    if (items === undefined) continue;
    const expected = ` (expected ${INVENTORY_COMMANDS[key]} output)`;
    if (!Array.isArray(items)) return `${key} is not a list${expected}`;
    for (const [index, item] of items.entries()) {
      const problem = isRecord(item) ? ENTRY_PROBLEMS[key](item) : 'is not an object';
      if (problem !== undefined) return `${key}[${index}] ${problem}${expected}`;
    }
  }
  return undefined;
}

const ENTRY_PROBLEMS: Readonly<Record<(typeof INVENTORY_KEYS)[number], (entry: Record<string, unknown>) => string | undefined>> = {
  NetworkInterfaces: (entry) => missingString(entry, 'NetworkInterfaceId') ?? listOfIds(entry, 'Groups', 'GroupId'),
  SecurityGroups: (entry) => missingString(entry, 'GroupId') ?? listProblem(entry, 'IpPermissions') ?? listProblem(entry, 'IpPermissionsEgress'),
  SecurityGroupRules: (entry) => {
    const missing = missingString(entry, 'SecurityGroupRuleId') ?? missingString(entry, 'GroupId') ?? missingString(entry, 'IpProtocol');
    if (missing !== undefined) return missing;
    if (typeof entry.IsEgress !== 'boolean') return 'has no IsEgress true or false';
    const referenced = entry.ReferencedGroupInfo;
    const hasPeer =
      ['CidrIpv4', 'CidrIpv6', 'PrefixListId'].some((key) => isNonEmptyString(entry[key])) || (isRecord(referenced) && isNonEmptyString(referenced.GroupId));
    return hasPeer ? undefined : 'has no peer (CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo.GroupId)';
  },
};

function missingString(entry: Record<string, unknown>, key: string): string | undefined {
  return isNonEmptyString(entry[key]) ? undefined : `has no ${key}`;
}

function listProblem(entry: Record<string, unknown>, key: string): string | undefined {
  return entry[key] === undefined || Array.isArray(entry[key]) ? undefined : `has ${key} that is not a list`;
}

function listOfIds(entry: Record<string, unknown>, key: string, idKey: string): string | undefined {
  const listed = listProblem(entry, key);
  if (listed !== undefined) return listed;
  const items = (entry[key] ?? []) as unknown[];
  const index = items.findIndex((item) => !isRecord(item) || !isNonEmptyString(item[idKey]));
  return index === -1 ? undefined : `has ${key}[${index}] without ${idKey}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The objects of a top-level array; the CLI prints the SDK's shape, so they are read as that. */
function arrayAt<T>(output: unknown, key: string): T[] {
  const items = propertyOf(output, key);
  return Array.isArray(items) ? (items.filter((item) => typeof item === 'object' && item !== null) as T[]) : [];
}

function outcomesOf<T>(keys: readonly string[], known: ReadonlyMap<string, T>): Map<string, LookupOutcome<T>> {
  const outcomes = new Map<string, LookupOutcome<T>>();
  for (const key of keys) {
    const value = known.get(key);
    outcomes.set(key, value === undefined ? { status: 'not_found' } : { status: 'found', value });
  }
  return outcomes;
}

function groupMembers(interfaces: Iterable<NetworkInterfaceInfo>): Map<string, string[]> {
  const members = new Map<string, Set<string>>();
  for (const info of interfaces) {
    for (const group of info.securityGroups) {
      const addresses = members.get(group.groupId) ?? new Set<string>();
      for (const address of [...info.privateIpv4Addresses, ...info.ipv6Addresses, ...info.delegatedPrefixes]) addresses.add(address);
      members.set(group.groupId, addresses);
    }
  }
  return new Map([...members].map(([groupId, addresses]) => [groupId, [...addresses]]));
}

/** A DescribeSecurityGroups group's permissions as flat rules, one per peer, as DescribeSecurityGroupRules would list them. */
function toSecurityGroupRules(groupId: string, group: SecurityGroup): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const add = (direction: FlowDirection, permissions: readonly IpPermission[] | undefined): void => {
    for (const permission of permissions ?? []) {
      if (permission.IpProtocol === undefined) continue;
      const peers: { peer: SecurityGroupRulePeer; description: string | undefined }[] = [];
      for (const range of permission.IpRanges ?? []) {
        if (range.CidrIp) peers.push({ peer: { kind: 'ipv4_cidr', cidr: range.CidrIp }, description: range.Description });
      }
      for (const range of permission.Ipv6Ranges ?? []) {
        if (range.CidrIpv6) peers.push({ peer: { kind: 'ipv6_cidr', cidr: range.CidrIpv6 }, description: range.Description });
      }
      for (const list of permission.PrefixListIds ?? []) {
        if (list.PrefixListId) peers.push({ peer: { kind: 'prefix_list', prefix_list_id: list.PrefixListId }, description: list.Description });
      }
      for (const pair of permission.UserIdGroupPairs ?? []) {
        if (!pair.GroupId) continue;
        const peer: SecurityGroupRulePeer = {
          kind: 'security_group',
          group_id: pair.GroupId,
          ...(pair.UserId && { user_id: pair.UserId }),
          ...(pair.VpcId && { vpc_id: pair.VpcId }),
          ...(pair.VpcPeeringConnectionId && { vpc_peering_connection_id: pair.VpcPeeringConnectionId }),
        };
        peers.push({ peer, description: pair.Description });
      }
      for (const { peer, description } of peers) {
        rules.push({
          rule_id: `${groupId}/${direction}/${rules.filter((rule) => rule.direction === direction).length}`,
          group_id: groupId,
          direction,
          protocol: permission.IpProtocol,
          ...(permission.FromPort !== undefined && { from_port: permission.FromPort }),
          ...(permission.ToPort !== undefined && { to_port: permission.ToPort }),
          peer,
          ...(description !== undefined && description !== '' && { description }),
        });
      }
    }
  };
  add('ingress', group.IpPermissions);
  add('egress', group.IpPermissionsEgress);
  return rules;
}
