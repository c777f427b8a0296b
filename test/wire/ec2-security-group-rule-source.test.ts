import { EC2Client, type SecurityGroupRule as Ec2SecurityGroupRule } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { createEc2SecurityGroupRuleSource, toSecurityGroupRule } from '../../src/adapters/ec2-security-group-rule-source.js';
import { ec2SecurityGroupRule } from '../support/ec2-builders.js';
import { pointEc2ClientsAt, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';
import { TEST_SCOPE } from '../support/lookup-scope.js';

let server: Ec2LoopbackServer | undefined;
let restoreEndpoint: (() => void) | undefined;

async function sourceAgainst(options: Ec2LoopbackServerOptions) {
  server = await startEc2LoopbackServer(options);
  restoreEndpoint = pointEc2ClientsAt(server.url);
  return { server, source: createEc2SecurityGroupRuleSource({ client: new EC2Client({}) }) };
}

afterEach(async () => {
  restoreEndpoint?.();
  await server?.close();
  server = undefined;
  restoreEndpoint = undefined;
});

describe('createEc2SecurityGroupRuleSource over the wire', () => {
  it('follows nextToken and sends the group-id filter on every page', async () => {
    const rules = Array.from({ length: 7 }, (_, index) => ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-${index}`, FromPort: 8000 + index, ToPort: 8000 + index }));
    const { server, source } = await sourceAgainst({ securityGroupRules: rules, maxPageSize: 5 });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(server.calls.map((call) => [call.params['Filter.1.Name'], call.params['Filter.1.Value.1'], call.params.NextToken !== undefined])).toEqual([
      ['group-id', 'sg-0123456789abcdef0', false],
      ['group-id', 'sg-0123456789abcdef0', true],
    ]);
    const found = outcomes.get('sg-0123456789abcdef0');
    expect(found?.status === 'found' ? found.value.map((rule) => rule.rule_id) : []).toEqual(rules.map((rule) => rule.SecurityGroupRuleId));
  });

  it('answers found with no rule for a group without rules, after a RequestLimitExceeded retry', async () => {
    const { server, source } = await sourceAgainst({ securityGroupRules: [], failFirst: 1 });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0bbbbbbbbbbbbbbb2']);

    expect(outcomes.get('sg-0bbbbbbbbbbbbbbb2')).toEqual({ status: 'found', value: [] });
    expect(server.calls.map((call) => call.status)).toEqual([503, 200]);
  });

  // The AWS CLI's own authorize examples cross this wire in test/integration/corpus.
  it('reads rules of every peer kind from EC2 XML exactly as from the SDK JSON shape', async () => {
    const rules: Ec2SecurityGroupRule[] = [
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0000000000000ipv4' }),
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0000000000000ipv6', CidrIpv4: undefined, CidrIpv6: '2001:db8:1234:1a00::/64', Description: 'RDP access from NY office' }),
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-0000000000000icmp', IpProtocol: 'icmp', FromPort: 3, ToPort: 4, CidrIpv4: '0.0.0.0/0' }),
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-000000000000plist', IsEgress: true, CidrIpv4: undefined, PrefixListId: 'pl-0721453c7ac4ec009' }),
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-000000000000group', CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: 'sg-0aad1c26bbeec5c22', UserId: '123456789012' } }),
      ec2SecurityGroupRule({ SecurityGroupRuleId: 'sgr-00000000000000all', IpProtocol: '-1', FromPort: -1, ToPort: -1 }),
    ];
    const { source } = await sourceAgainst({ securityGroupRules: rules });

    const outcomes = await source.describeSecurityGroupRules(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(outcomes.get('sg-0123456789abcdef0')).toEqual({ status: 'found', value: rules.map(toSecurityGroupRule) });
  });
});
