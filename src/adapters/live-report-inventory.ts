import type { EC2Client } from '@aws-sdk/client-ec2';
// One snapshot of one account: its look-ups need no scope to tell accounts apart.
import { UNNAMED_SCOPE } from '../enrich/enrich-flow-logs.js';
import type { SecurityGroupRule } from '../ports.js';
import type { ReportInventorySource, ScheduledReportInventory } from '../scheduled-report/index.js';
import { takeEc2Snapshot } from './ec2-inventory-snapshot.js';
import { createEc2PrefixListSource } from './ec2-prefix-list-source.js';
import { createInventorySources } from './inventory-directory-source.js';

/**
 * The inventory of a scheduled report, read live as `report --live` reads it: one EC2 snapshot
 * (every interface, group and rule of the Region, or of `vpcIds`), the members of every group, and
 * the entries of every prefix list a rule names. An EC2 refusal rejects (the run fails); a prefix
 * list that cannot be read only leaves its rules unjudged, and is listed.
 *
 * @example const inventory = await createLiveReportInventory({ ec2: new EC2Client({}), vpcIds: [] }).readInventory();
 */
export function createLiveReportInventory({ ec2, vpcIds }: { readonly ec2: EC2Client; readonly vpcIds: readonly string[] }): ReportInventorySource {
  return {
    async readInventory(): Promise<ScheduledReportInventory> {
      const inventory = createInventorySources([await takeEc2Snapshot(ec2, vpcIds)]);
      const rules = [...inventory.rulesByGroup.values()].flat();
      const prefixListIds = [...new Set(rules.flatMap((rule) => (rule.peer.kind === 'prefix_list' ? [rule.peer.prefix_list_id] : [])))].sort();
      const prefixLists = new Map<string, readonly string[]>();
      const unresolvedPrefixLists: { prefixListId: string; reason: string }[] = [];
      for (const [prefixListId, outcome] of await createEc2PrefixListSource({ client: ec2 }).getPrefixListEntries(UNNAMED_SCOPE, prefixListIds)) {
        if (outcome.status === 'found') prefixLists.set(prefixListId, outcome.value);
        else unresolvedPrefixLists.push({ prefixListId, reason: outcome.status === 'failed' ? outcome.reason : 'not found' });
      }
      const groupMembers = new Map<string, readonly string[]>();
      for (const [groupId, outcome] of await inventory.securityGroupMembers.describeSecurityGroupMembers(UNNAMED_SCOPE, [...inventory.rulesByGroup.keys()])) {
        if (outcome.status === 'found') groupMembers.set(groupId, outcome.value);
      }
      return {
        rules,
        // The decorator attributes with the same entries: without them, no flow was attributed to the rule.
        peerResolved: (rule: SecurityGroupRule) => rule.peer.kind !== 'prefix_list' || prefixLists.has(rule.peer.prefix_list_id),
        groupMembers,
        prefixLists,
        interfaces: inventory.interfaceGroups,
        unresolvedPrefixLists,
      };
    },
  };
}
