// templates/member-lookup-role.yaml (issue 17): the role member accounts deploy for the central
// stack's look-ups, held to the EC2 calls the code makes; and the central stack's log destination.
import { describe, expect, it } from 'vitest';
import { loadTemplate, type CfnValue } from '../support/cloudformation.js';
import { sdkActionsReachableFrom } from './sdk-calls.js';
import { resourceOf, stacks } from './template-fixtures.js';

const member = loadTemplate('templates/member-lookup-role.yaml');

/** The code paths that read a member account through its role: the decorator, `report --live --accounts`, `snapshot --accounts`. */
const LOOKUP_ENTRIES = ['decorator/index.ts', 'src/cli/live-accounts-inventory.ts', 'src/cli/snapshot-command.ts'];

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Principal?: CfnValue;
  readonly Condition?: CfnValue;
}

function statementsOf(document: CfnValue): Statement[] {
  return (document as unknown as { Statement: Statement[] }).Statement;
}

const role = member.Resources['LookupRole'];
const properties = role?.Properties as { AssumeRolePolicyDocument: CfnValue; Policies: { PolicyDocument: CfnValue }[] };

describe('templates/member-lookup-role.yaml', () => {
  it('allows exactly the EC2 read actions the decorator and the report call, and nothing else', () => {
    const allowed = properties.Policies.flatMap((policy) => statementsOf(policy.PolicyDocument)).flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    });
    const called = [...new Set(LOOKUP_ENTRIES.flatMap((entry) => sdkActionsReachableFrom(entry)).filter((action) => action.startsWith('ec2:')))].sort();

    expect(called).toEqual(expect.arrayContaining(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:GetManagedPrefixListEntries']));
    expect([...allowed].sort()).toEqual(called);
  });

  it('trusts only the central account\'s decorator role and the report principals, by aws:PrincipalArn, with the ExternalId when one is set', () => {
    const [trust, ...others] = statementsOf(properties.AssumeRolePolicyDocument);

    expect(others).toEqual([]);
    expect(trust?.Action).toBe('sts:AssumeRole');
    expect(trust?.Principal).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${CentralAccountId}:root' } });
    const [conditionName, withExternalId, withoutExternalId] = (trust?.Condition as { 'Fn::If': [string, Record<string, CfnValue>, Record<string, CfnValue>] })['Fn::If'];
    expect(conditionName).toBe('RequireExternalId');
    expect(Object.keys(withExternalId)).toEqual(['ArnEquals', 'StringEquals']);
    expect(withExternalId['StringEquals']).toEqual({ 'sts:ExternalId': { Ref: 'ExternalId' } });
    expect(Object.keys(withoutExternalId)).toEqual(['ArnEquals']);
    for (const branch of [withExternalId, withoutExternalId]) expect(JSON.stringify(branch['ArnEquals'])).toContain('"aws:PrincipalArn"');
    expect(JSON.stringify(withoutExternalId['ArnEquals'])).toContain('DecoratorRoleArn');
  });
});

describe('template.yaml across accounts', () => {
  it('creates no look-up policy and no log destination unless asked', () => {
    const plain = stacks.filter((stack) => stack.values['LookupRoleArnPattern'] === '' && stack.values['LogDestinationOrganizationId'] === '' && stack.values['LogDestinationAccounts'] === '');

    expect(plain.length).toBeGreaterThan(0);
    for (const stack of plain) for (const id of ['DecoratorLookupRolePolicy', 'LogDestination', 'LogDestinationRole']) expect(stack.resources[id]).toBeUndefined();
  });

  it('lets the decorator assume exactly the roles the pattern names', () => {
    const stack = stacks.find((candidate) => candidate.values['LookupRoleArnPattern'] !== '');
    if (stack === undefined) throw new Error('no combination sets LookupRoleArnPattern');

    const policy = resourceOf(stack, 'DecoratorLookupRolePolicy').Properties as { Roles: CfnValue; PolicyDocument: CfnValue };

    expect(policy.Roles).toEqual([{ Ref: 'DecoratorRole' }]);
    expect(statementsOf(policy.PolicyDocument)).toEqual([
      {
        Sid: 'AssumeLookupRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Join': ['*', { 'Fn::Split': ['{region}', { 'Fn::Join': ['*', { 'Fn::Split': ['{accountId}', { Ref: 'LookupRoleArnPattern' }] }] }] }] },
      },
    ]);
  });

  it('admits to the log destination only the organisation or only the listed accounts', () => {
    const withOrganisation = stacks.find((stack) => stack.values['LogDestinationOrganizationId'] !== '');
    const withAccounts = stacks.find((stack) => stack.values['LogDestinationAccounts'] !== '');
    if (withOrganisation === undefined || withAccounts === undefined) throw new Error('no combination sets the log destination');

    const policyOf = (stack: typeof withOrganisation): string => JSON.stringify((resourceOf(stack, 'LogDestination').Properties as { DestinationPolicy: CfnValue }).DestinationPolicy);

    const organisation = policyOf(withOrganisation);
    const accounts = policyOf(withAccounts);
    expect(organisation).toContain('\\"Principal\\":\\"*\\"');
    expect(organisation).toContain('\\"aws:PrincipalOrgID\\":\\"${LogDestinationOrganizationId}\\"');
    expect(organisation).toContain('logs:PutSubscriptionFilter');
    expect(accounts).toContain('\\"Principal\\":{\\"AWS\\":[\\"${Accounts}\\"]}');
    expect(accounts).toContain('{"Fn::Split":[",",{"Ref":"LogDestinationAccounts"}]}');
    expect(accounts).not.toContain('\\"Principal\\":\\"*\\"');
  });
});
