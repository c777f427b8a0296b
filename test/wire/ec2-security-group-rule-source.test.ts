import { EC2Client, type SecurityGroupRule as Ec2SecurityGroupRule } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { createEc2SecurityGroupRuleSource, toSecurityGroupRule } from '../../src/adapters/ec2-security-group-rule-source.js';
import { ec2SecurityGroupRule, readEc2Corpus } from '../support/ec2-builders.js';
import { pointEc2ClientsAt, startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from '../support/ec2-loopback-server.js';

interface CliRuleExamples {
  readonly examples: readonly { readonly output: { readonly SecurityGroupRules: Ec2SecurityGroupRule[] } }[];
}

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
  it('reads the corpus rules of every peer kind from EC2 XML exactly as from the SDK JSON shape', async () => {
    // The authorize examples all belong to sg-1234567890abcdef0 and cover CIDRs, IPv6, ICMP,
    // a prefix list, group references and a description.
    const rules = [
      ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-ingress.json').examples,
      ...readEc2Corpus<CliRuleExamples>('aws-cli-examples/authorize-security-group-egress.json').examples,
    ].flatMap((example) => example.output.SecurityGroupRules);
    const { source } = await sourceAgainst({ securityGroupRules: rules });

    const outcomes = await source.describeSecurityGroupRules(['sg-1234567890abcdef0']);

    expect(outcomes.get('sg-1234567890abcdef0')).toEqual({ status: 'found', value: rules.map(toSecurityGroupRule) });
  });

  it('follows nextToken and sends the group-id filter on every page', async () => {
    const rules = Array.from({ length: 7 }, (_, index) => ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-${index}`, FromPort: 8000 + index, ToPort: 8000 + index }));
    const { server, source } = await sourceAgainst({ securityGroupRules: rules, maxPageSize: 5 });

    const outcomes = await source.describeSecurityGroupRules(['sg-0123456789abcdef0']);

    expect(server.calls.map((call) => [call.params['Filter.1.Name'], call.params['Filter.1.Value.1'], call.params.NextToken !== undefined])).toEqual([
      ['group-id', 'sg-0123456789abcdef0', false],
      ['group-id', 'sg-0123456789abcdef0', true],
    ]);
    const found = outcomes.get('sg-0123456789abcdef0');
    expect(found?.status === 'found' ? found.value.map((rule) => rule.rule_id) : []).toEqual(rules.map((rule) => rule.SecurityGroupRuleId));
  });

  it('answers found with no rule for a group without rules, after a RequestLimitExceeded retry', async () => {
    const { server, source } = await sourceAgainst({ securityGroupRules: [], failFirst: 1 });

    const outcomes = await source.describeSecurityGroupRules(['sg-0bbbbbbbbbbbbbbb2']);

    expect(outcomes.get('sg-0bbbbbbbbbbbbbbb2')).toEqual({ status: 'found', value: [] });
    expect(server.calls.map((call) => call.status)).toEqual([503, 200]);
  });
});
