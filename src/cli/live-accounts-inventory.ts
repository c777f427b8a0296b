/**
 * `report --live --accounts A,B,...` (issue 17): one snapshot per account through its role (as
 * `snapshot --accounts` takes them), each account's prefix lists read in that account, merged
 * for the advisor by src/report/account-inventories.ts. Cross-account group references are said
 * on standard error, and a rule whose peer group lives in an account not read is left unjudged.
 */
import { takeEc2Snapshot, type Ec2Snapshot } from '../adapters/ec2-inventory-snapshot.js';
import { createEc2PrefixListSource } from '../adapters/ec2-prefix-list-source.js';
import { createInventorySources, type Inventory } from '../adapters/inventory-directory-source.js';
import type { SecurityGroupRule } from '../ports.js';
import { describeCrossAccountReference, mergeAccountInventories, type AccountInventory } from '../report/account-inventories.js';
import { createCliAccountClients, readEachAccount, sayRefusedAccounts, type CliLookupAccounts } from './account-options.js';
import type { MessageWriter } from './read-flow-log-inputs.js';

export interface AccountsLiveInventory {
  /** Every account's interfaces, groups and rules in one set of sources, for attribution. */
  readonly inventory: Inventory;
  readonly prefixLists: ReadonlyMap<string, readonly string[]>;
  /** False for a rule whose peer group belongs to an account that was not read. */
  readonly peerResolved: (rule: SecurityGroupRule) => boolean;
  /** Accounts were skipped for their role (named on standard error) and that fails the command. */
  readonly accountsRefused: boolean;
}

/**
 * Reads every account of `--accounts` (or the organisation's), all before the first record; an
 * account whose EC2 refuses fails the command (exit 1), naming the account: a report that
 * silently left an account out would call its flows' rules unknown. An account whose role cannot
 * be assumed does too, unless the accounts are the organisation's or --allow-refused-accounts is
 * given: then it is skipped and named (see readEachAccount).
 *
 * @example const { inventory, prefixLists, peerResolved } = await loadAccountsLiveInventory(config, [], errors);
 */
export async function loadAccountsLiveInventory(config: CliLookupAccounts, vpcIds: readonly string[], errors: MessageWriter): Promise<AccountsLiveInventory> {
  const { ec2For, region, accounts = [] } = await createCliAccountClients(config, 'report --live');
  const prefixLists = new Map<string, readonly string[]>();
  const { read, refused } = await readEachAccount(config, accounts, async (accountId) => {
    const scope = { accountId, region };
    const client = ec2For(scope);
    const snapshot = await takeEc2Snapshot(client, vpcIds);
    const inventory = createInventorySources([snapshot]);
    const rules = [...inventory.rulesByGroup.values()].flat();
    const listIds = [...new Set(rules.flatMap((rule) => (rule.peer.kind === 'prefix_list' ? [rule.peer.prefix_list_id] : [])))].sort();
    for (const [id, outcome] of await createEc2PrefixListSource({ client }).getPrefixListEntries(scope, listIds)) {
      if (outcome.status === 'found') prefixLists.set(id, outcome.value);
      else await errors.write(`vpc-flow-log-appender: report: account ${accountId}: prefix list ${id}: ${outcome.status === 'failed' ? `failed (${outcome.reason})` : 'not found'}; its rules are not judged\n`);
    }
    const members = await inventory.securityGroupMembers.describeSecurityGroupMembers(scope, [...inventory.rulesByGroup.keys()]);
    const accountInventory: AccountInventory = {
      accountId,
      rulesByGroup: inventory.rulesByGroup,
      interfaceGroups: inventory.interfaceGroups,
      groupMembers: new Map([...members].flatMap(([groupId, outcome]) => (outcome.status === 'found' ? [[groupId, outcome.value] as const] : []))),
    };
    return { snapshot, accountInventory };
  });
  const snapshots: Ec2Snapshot[] = read.map(([, value]) => value.snapshot);
  const accountInventories = read.map(([, value]) => value.accountInventory);
  const accountsRefused = await sayRefusedAccounts(config, refused, 'report', errors);
  const merged = mergeAccountInventories(accountInventories);
  for (const id of merged.conflicts) await errors.write(`vpc-flow-log-appender: report: ${id} is in more than one account's inventory; the first account's is used\n`);
  for (const reference of merged.crossAccountReferences) await errors.write(`vpc-flow-log-appender: report: cross-account reference: ${describeCrossAccountReference(reference)}\n`);
  return { inventory: createInventorySources(snapshots), prefixLists, peerResolved: merged.peerResolved, accountsRefused };
}
