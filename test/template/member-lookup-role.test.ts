// templates/member-lookup-role.yaml (issue 17): the role member accounts deploy for the central
// stack's look-ups, held to the EC2 calls the code makes; and the central stack's log destination.
import { describe, expect, it } from 'vitest';
import { intrinsicName, loadTemplate, toRuntimeList, toRuntimeString, type CfnValue } from '../support/cloudformation.js';
import { sdkActionsReachableFrom } from './sdk-calls.js';
import { resourceOf, stacks } from './template-fixtures.js';

const member = loadTemplate('templates/member-lookup-role.yaml');

/** The code paths that read a member account through its role: the decorator, `report --live --accounts`, `snapshot --accounts`. */
const LOOKUP_ENTRIES = ['decorator/index.ts', 'src/cli/live-accounts-inventory.ts', 'src/cli/snapshot-command.ts'];

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: CfnValue;
  readonly NotResource?: CfnValue;
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

  /** Whether IAM would let the decorator assume `roleArn` under these statements: an Allow matches and no Deny does. */
  const assumable = (statements: readonly Statement[], values: Readonly<Record<string, string>>, roleArn: string): boolean => {
    const matches = (pattern: string): boolean => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(roleArn);
    const resourcesOf = (value: CfnValue | undefined): string[] => (value === undefined ? [] : typeof value === 'string' || intrinsicName(value) !== 'Fn::Split' ? [toRuntimeString(value, values)] : toRuntimeList(value, values));
    const applies = (statement: Statement): boolean =>
      statement.Action === 'sts:AssumeRole' && (statement.NotResource === undefined ? resourcesOf(statement.Resource).some(matches) : !resourcesOf(statement.NotResource).some(matches));
    return statements.some((statement) => statement.Effect === 'Allow' && applies(statement)) && !statements.some((statement) => statement.Effect === 'Deny' && applies(statement));
  };
  const decoratorStatementsOf = (stack: (typeof stacks)[number]): Statement[] => {
    const policy = resourceOf(stack, 'DecoratorLookupRolePolicy').Properties as { Roles: CfnValue; PolicyDocument: CfnValue };
    expect(policy.Roles).toEqual([{ Ref: 'DecoratorRole' }]);
    return statementsOf(policy.PolicyDocument);
  };
  const roleIn = (accountId: string, name = 'vpc-flow-log-appender-lookup'): string => `arn:aws:iam::${accountId}:role/${name}`;

  it('lets the decorator assume exactly the roles the pattern names, in every account when LookupAccounts is empty', () => {
    const stack = stacks.find((candidate) => candidate.values['LookupRoleArnPattern'] !== '' && candidate.values['LookupAccounts'] === '');
    if (stack === undefined) throw new Error('no combination sets LookupRoleArnPattern without LookupAccounts');

    const statements = decoratorStatementsOf(stack);

    expect(statements).toEqual([
      {
        Sid: 'AssumeLookupRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Join': ['*', { 'Fn::Split': ['{region}', { 'Fn::Join': ['*', { 'Fn::Split': ['{accountId}', { Ref: 'LookupRoleArnPattern' }] }] }] }] },
      },
    ]);
    for (const accountId of ['111111111111', '222222222222', '333333333333']) expect(assumable(statements, stack.values, roleIn(accountId)), accountId).toBe(true);
    expect(assumable(statements, stack.values, roleIn('111111111111', 'admin'))).toBe(false);
  });

  it('lets the decorator assume the pattern\'s roles in the LookupAccounts only when they are listed', () => {
    const stack = stacks.find((candidate) => candidate.values['LookupRoleArnPattern'] !== '' && candidate.values['LookupAccounts'] !== '');
    if (stack === undefined) throw new Error('no combination sets LookupRoleArnPattern with LookupAccounts');
    const listed = (stack.values['LookupAccounts'] ?? '').split(',');

    const statements = decoratorStatementsOf(stack);

    expect(listed.length).toBeGreaterThan(1);
    for (const accountId of listed) expect(assumable(statements, stack.values, roleIn(accountId)), accountId).toBe(true);
    for (const accountId of ['333333333333', '123456789012']) expect(assumable(statements, stack.values, roleIn(accountId)), accountId).toBe(false);
    for (const accountId of listed) expect(assumable(statements, stack.values, roleIn(accountId, 'admin')), `${accountId} admin`).toBe(false);
    // One account listed: no delimiter to split on, still exactly that account.
    const single = { ...stack.values, LookupAccounts: '444444444444' };
    expect(assumable(statements, single, roleIn('444444444444'))).toBe(true);
    expect(assumable(statements, single, roleIn(listed[0] ?? ''))).toBe(false);
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
