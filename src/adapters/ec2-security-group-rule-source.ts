import {
  paginateDescribeSecurityGroupRules,
  type SecurityGroupRule as Ec2SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { LookupOutcome, SecurityGroupRule, SecurityGroupRulePeer, SecurityGroupRuleSource } from '../ports.js';
import { MAX_EC2_PAGE_SIZE, checkPageSize, ec2ClientForScope, toFilterValueBatches, type Ec2ClientOption } from './ec2-client.js';

export interface Ec2SecurityGroupRuleSourceOptions {
  /**
   * Built once per container (its retry settings decide how hard a throttled call is retried),
   * or the choice of client per look-up scope.
   */
  readonly client: Ec2ClientOption;
  /** `MaxResults` per page, 5 to 1000; default 1000. */
  readonly pageSize?: number;
}

/**
 * A `SecurityGroupRuleSource` backed by DescribeSecurityGroupRules, which returns one flat rule
 * per item (unlike DescribeSecurityGroups' nested permissions).
 *
 * Groups are asked for with the `group-id` filter, at most 200 per call, paginated. A group with
 * no rule is `found` with `[]`. The filter cannot tell a group without rules from one that does
 * not exist, so there is no `not_found` here; a deleted group simply contributes no rule.
 * Errors left after the SDK's own retries are thrown for the whole batch.
 *
 * @example
 * const rules = createEc2SecurityGroupRuleSource({ client: new EC2Client({}) });
 * const outcomes = await rules.describeSecurityGroupRules(scope, ['sg-0123456789abcdef0']);
 */
export function createEc2SecurityGroupRuleSource(options: Ec2SecurityGroupRuleSourceOptions): SecurityGroupRuleSource {
  const clientFor = ec2ClientForScope(options.client);
  const pageSize = checkPageSize(options.pageSize ?? MAX_EC2_PAGE_SIZE);

  return {
    async describeSecurityGroupRules(scope, groupIds) {
      const client = clientFor(scope);
      const rulesByGroup = new Map<string, SecurityGroupRule[]>();
      for (const batch of toFilterValueBatches(groupIds)) {
        for (const groupId of batch) rulesByGroup.set(groupId, []);
        const pages = paginateDescribeSecurityGroupRules(
          { client, pageSize, stopOnSameToken: true },
          { Filters: [{ Name: 'group-id', Values: batch }] },
        );
        for await (const page of pages) {
          for (const ec2Rule of page.SecurityGroupRules ?? []) {
            const rule = toSecurityGroupRule(ec2Rule);
            if (rule !== undefined) rulesByGroup.get(rule.group_id)?.push(rule);
          }
        }
      }
      const outcomes = new Map<string, LookupOutcome<readonly SecurityGroupRule[]>>();
      for (const groupId of groupIds) {
        outcomes.set(groupId, { status: 'found', value: rulesByGroup.get(groupId) ?? [] });
      }
      return outcomes;
    },
  };
}

/**
 * One EC2 `SecurityGroupRule` (the SDK's shape, also the AWS CLI's
 * `describe-security-group-rules` JSON) as the core's rule. The protocol is kept as EC2 gives it
 * (`-1`, `tcp`, `6`): matching normalises it, the output shows what the console shows.
 * Undefined when the rule lacks an id, a group, a direction or a peer, which EC2 always sends:
 * a rule the core cannot describe is left out rather than guessed.
 *
 * @example
 * const rules = output.SecurityGroupRules.flatMap((rule) => toSecurityGroupRule(rule) ?? []);
 */
export function toSecurityGroupRule(rule: Ec2SecurityGroupRule): SecurityGroupRule | undefined {
  const peer = toPeer(rule);
  if (!rule.SecurityGroupRuleId || !rule.GroupId || rule.IsEgress === undefined || rule.IpProtocol === undefined || peer === undefined) {
    return undefined;
  }
  return {
    rule_id: rule.SecurityGroupRuleId,
    group_id: rule.GroupId,
    direction: rule.IsEgress ? 'egress' : 'ingress',
    protocol: rule.IpProtocol,
    ...(rule.FromPort !== undefined && { from_port: rule.FromPort }),
    ...(rule.ToPort !== undefined && { to_port: rule.ToPort }),
    peer,
    ...(rule.Description !== undefined && rule.Description !== '' && { description: rule.Description }),
  };
}

function toPeer(rule: Ec2SecurityGroupRule): SecurityGroupRulePeer | undefined {
  if (rule.CidrIpv4) return { kind: 'ipv4_cidr', cidr: rule.CidrIpv4 };
  if (rule.CidrIpv6) return { kind: 'ipv6_cidr', cidr: rule.CidrIpv6 };
  if (rule.PrefixListId) return { kind: 'prefix_list', prefix_list_id: rule.PrefixListId };
  const referenced = rule.ReferencedGroupInfo;
  if (referenced?.GroupId) {
    return {
      kind: 'security_group',
      group_id: referenced.GroupId,
      ...(referenced.UserId && { user_id: referenced.UserId }),
      ...(referenced.VpcId && { vpc_id: referenced.VpcId }),
      ...(referenced.VpcPeeringConnectionId && { vpc_peering_connection_id: referenced.VpcPeeringConnectionId }),
    };
  }
  return undefined;
}
