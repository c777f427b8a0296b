/**
 * One inventory per account, merged for the advisor (issue 17: `report --live --accounts A,B`).
 * Interface, group and rule ids are unique within a partition, so the merged maps stay keyed by
 * id; what the merge adds is the account of each group and interface, the rules that name a
 * group of another account (through VPC peering or a transit gateway) said as such, and whether
 * such a peer's members are known at all: a rule whose peer group lives in an account that was
 * not read is never called unused or narrowed (its flows could not be attributed).
 */
import type { SecurityGroupRule } from '../ports.js';

/** What one account's snapshot gives the report. */
export interface AccountInventory {
  readonly accountId: string;
  /** Every group of the account with its rules. */
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  /** Every interface of the account with its groups. */
  readonly interfaceGroups: ReadonlyMap<string, readonly string[]>;
  /** The addresses of each group's interfaces, in this account. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
}

/** A rule whose peer is a security group of another account. */
export interface CrossAccountGroupReference {
  readonly ruleId: string;
  readonly groupId: string;
  readonly accountId: string;
  readonly peerGroupId: string;
  /** The peer's account as the rule names it (`user_id`), else the account whose inventory holds the group. */
  readonly peerAccountId?: string;
  /** `pcx-...` when the reference goes through a VPC peering connection. */
  readonly peeringConnectionId?: string;
  /** Whether the peer group's account was read, so its members are known. */
  readonly peerKnown: boolean;
}

export interface MergedAccountInventory {
  readonly rules: readonly SecurityGroupRule[];
  readonly rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>;
  readonly interfaceGroups: ReadonlyMap<string, readonly string[]>;
  /** Members per group, from every account read: a peer group of another account has its own account's members. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
  readonly accountOfGroup: ReadonlyMap<string, string>;
  readonly accountOfInterface: ReadonlyMap<string, string>;
  readonly crossAccountReferences: readonly CrossAccountGroupReference[];
  /** Ids found in more than one account's inventory (never from AWS; kept from the first account, said here). */
  readonly conflicts: readonly string[];
  /** False for a rule whose peer group belongs to an account that was not read. */
  readonly peerResolved: (rule: SecurityGroupRule) => boolean;
}

/**
 * Merges the inventories of several accounts, in the order given (the first holder of an id
 * keeps it).
 *
 * @example
 * const merged = mergeAccountInventories([inventoryOf('111111111111'), inventoryOf('222222222222')]);
 * merged.crossAccountReferences // rules of one account allowing a group of the other
 */
export function mergeAccountInventories(inventories: readonly AccountInventory[]): MergedAccountInventory {
  const rulesByGroup = new Map<string, readonly SecurityGroupRule[]>();
  const interfaceGroups = new Map<string, readonly string[]>();
  const groupMembers = new Map<string, readonly string[]>();
  const accountOfGroup = new Map<string, string>();
  const accountOfInterface = new Map<string, string>();
  const conflicts = new Set<string>();
  for (const inventory of inventories) {
    for (const [groupId, rules] of inventory.rulesByGroup) {
      const holder = accountOfGroup.get(groupId);
      if (holder !== undefined && holder !== inventory.accountId) {
        conflicts.add(groupId);
        continue;
      }
      accountOfGroup.set(groupId, inventory.accountId);
      rulesByGroup.set(groupId, rules);
    }
    for (const [interfaceId, groups] of inventory.interfaceGroups) {
      const holder = accountOfInterface.get(interfaceId);
      if (holder !== undefined && holder !== inventory.accountId) {
        conflicts.add(interfaceId);
        continue;
      }
      accountOfInterface.set(interfaceId, inventory.accountId);
      interfaceGroups.set(interfaceId, groups);
    }
    for (const [groupId, members] of inventory.groupMembers) {
      // A group's members are the interfaces of its own account (a peer account lists none of them).
      if (accountOfGroup.get(groupId) === inventory.accountId || !groupMembers.has(groupId)) groupMembers.set(groupId, members);
    }
  }
  const crossAccountReferences: CrossAccountGroupReference[] = [];
  const unresolved = new Set<string>();
  for (const [groupId, rules] of rulesByGroup) {
    const accountId = accountOfGroup.get(groupId) as string;
    for (const rule of rules) {
      if (rule.peer.kind !== 'security_group') continue;
      const peerHolder = accountOfGroup.get(rule.peer.group_id);
      const peerAccountId = rule.peer.user_id ?? peerHolder;
      if (peerAccountId === undefined || peerAccountId === accountId) continue;
      const peerKnown = peerHolder !== undefined;
      if (!peerKnown) unresolved.add(rule.rule_id);
      crossAccountReferences.push({
        ruleId: rule.rule_id,
        groupId,
        accountId,
        peerGroupId: rule.peer.group_id,
        peerAccountId,
        ...(rule.peer.vpc_peering_connection_id === undefined ? {} : { peeringConnectionId: rule.peer.vpc_peering_connection_id }),
        peerKnown,
      });
    }
  }
  return {
    rules: [...rulesByGroup.values()].flat(),
    rulesByGroup,
    interfaceGroups,
    groupMembers,
    accountOfGroup,
    accountOfInterface,
    crossAccountReferences,
    conflicts: [...conflicts],
    peerResolved: (rule) => !unresolved.has(rule.rule_id),
  };
}

/**
 * One line per cross-account reference, for the report's notes and the CLI's standard error.
 *
 * @example describeCrossAccountReference({ ruleId: 'sgr-1', groupId: 'sg-a', accountId: '111111111111', peerGroupId: 'sg-b', peerAccountId: '222222222222', peerKnown: false })
 * // 'sgr-1 (sg-a, account 111111111111) allows group sg-b of account 222222222222, not read: the rule is not judged'
 */
export function describeCrossAccountReference(reference: CrossAccountGroupReference): string {
  const through = reference.peeringConnectionId === undefined ? '' : ` through ${reference.peeringConnectionId}`;
  const peer = `group ${reference.peerGroupId} of account ${reference.peerAccountId ?? 'unknown'}${through}`;
  return `${reference.ruleId} (${reference.groupId}, account ${reference.accountId}) allows ${peer}${reference.peerKnown ? ', read' : ', not read: the rule is not judged'}`;
}
