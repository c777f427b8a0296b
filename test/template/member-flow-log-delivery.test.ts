// Cross-account flow-log delivery straight to the stream (issue 17), as the VPC User Guide's "IAM
// roles for cross account delivery" describes it: the central stack's destination-account role
// and templates/member-flow-log-delivery.yaml's source-account role and flow log.
import { describe, expect, it } from 'vitest';
import { asList, loadTemplate, SAMPLE_PSEUDO_PARAMETERS, toRuntimeString, type CfnValue } from '../support/cloudformation.js';
import { resourceOf, stacks } from './template-fixtures.js';

const member = loadTemplate('templates/member-flow-log-delivery.yaml');
/** The name the central role's trust names and the member template gives its role. */
const MEMBER_ROLE_NAME = 'vpc-flow-log-appender-flow-log-delivery';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: CfnValue;
  readonly Principal?: CfnValue;
  readonly Condition?: Record<string, Record<string, CfnValue>>;
}

function statementsOf(document: CfnValue | undefined): Statement[] {
  return (document as unknown as { Statement: Statement[] }).Statement;
}

function centralRoleOf(stack: (typeof stacks)[number]) {
  return resourceOf(stack, 'CrossAccountFirehoseDeliveryRole').Properties as { RoleName: CfnValue; AssumeRolePolicyDocument: CfnValue; Policies: { PolicyDocument: CfnValue }[] };
}

describe('template.yaml cross-account Firehose delivery', () => {
  const withDelivery = stacks.filter((stack) => stack.values['CrossAccountFirehoseDelivery'] === 'true');

  it('creates the destination role only when asked, always with an audience', () => {
    expect(withDelivery.length).toBeGreaterThan(0);
    for (const stack of stacks) expect(stack.resources['CrossAccountFirehoseDeliveryRole'] !== undefined).toBe(stack.values['CrossAccountFirehoseDelivery'] === 'true');
    for (const stack of withDelivery) expect(`${stack.values['LogDestinationOrganizationId'] ?? ''}${stack.values['LogDestinationAccounts'] ?? ''}`).not.toBe('');
  });

  it('names the role with the prefix VPC Flow Logs requires, within IAM\'s 64 characters', () => {
    const [stack] = withDelivery;
    if (stack === undefined) throw new Error('no combination sets CrossAccountFirehoseDelivery');

    const name = toRuntimeString(centralRoleOf(stack).RoleName, stack.values);

    expect(name).toMatch(/^AWSLogDeliveryFirehoseCrossAccountRole-[0-9a-f]+$/);
    expect(SAMPLE_PSEUDO_PARAMETERS['AWS::StackId']).toBeDefined();
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('trusts only the member template\'s role, of the organisation or of the listed accounts', () => {
    const byOrganisation = withDelivery.find((stack) => stack.values['LogDestinationOrganizationId'] !== '');
    const byAccounts = withDelivery.find((stack) => stack.values['LogDestinationAccounts'] !== '');
    if (byOrganisation === undefined || byAccounts === undefined) throw new Error('no combination admits the organisation and the accounts');

    const [organisationTrust, ...moreForOrganisation] = statementsOf(centralRoleOf(byOrganisation).AssumeRolePolicyDocument);
    const [accountsTrust, ...moreForAccounts] = statementsOf(centralRoleOf(byAccounts).AssumeRolePolicyDocument);

    expect([moreForOrganisation, moreForAccounts]).toEqual([[], []]);
    for (const [stack, trust] of [[byOrganisation, organisationTrust], [byAccounts, accountsTrust]] as const) {
      expect(trust?.Action).toBe('sts:AssumeRole');
      expect(toRuntimeString(trust?.Condition?.['ArnLike']?.['aws:PrincipalArn'] ?? '', stack.values)).toBe(`arn:aws:iam::*:role/${MEMBER_ROLE_NAME}`);
    }
    expect(organisationTrust?.Principal).toEqual({ AWS: '*' });
    expect(organisationTrust?.Condition?.['StringEquals']).toEqual({ 'aws:PrincipalOrgID': { Ref: 'LogDestinationOrganizationId' } });
    expect(accountsTrust?.Principal).toEqual({ AWS: { 'Fn::Split': [',', { Ref: 'LogDestinationAccounts' }] } });
    expect(accountsTrust?.Condition?.['StringEquals']).toBeUndefined();
  });

  it('allows the guide\'s two actions only, on this stream and the log delivery service\'s linked role', () => {
    const [stack] = withDelivery;
    if (stack === undefined) throw new Error('no combination sets CrossAccountFirehoseDelivery');

    const statements = centralRoleOf(stack).Policies.flatMap((policy) => statementsOf(policy.PolicyDocument));

    expect(statements.map((statement) => [statement.Effect, statement.Action, toRuntimeString(statement.Resource ?? '', stack.values)])).toEqual([
      ['Allow', 'firehose:TagDeliveryStream', 'arn:aws:sample:DeliveryStream.Arn'],
      ['Allow', 'iam:CreateServiceLinkedRole', 'arn:aws:iam::123456789012:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery*'],
    ]);
  });
});

describe('templates/member-flow-log-delivery.yaml', () => {
  const role = member.Resources['FlowLogDeliveryRole']?.Properties as { RoleName: string; AssumeRolePolicyDocument: CfnValue; Policies: { PolicyDocument: CfnValue }[] };
  const statements = role.Policies.flatMap((policy) => statementsOf(policy.PolicyDocument));

  it('names its role as the central trust does, trusted by the log delivery service only', () => {
    expect(role.RoleName).toBe(MEMBER_ROLE_NAME);
    expect(statementsOf(role.AssumeRolePolicyDocument).map((statement) => [statement.Action, statement.Principal])).toEqual([['sts:AssumeRole', { Service: 'delivery.logs.amazonaws.com' }]]);
  });

  it('passes itself to the log delivery service only, for this account\'s VPC resources, and assumes only the central role', () => {
    const pass = statements.find((statement) => statement.Action === 'iam:PassRole');
    const assume = statements.filter((statement) => asList(statement.Action as CfnValue).includes('sts:AssumeRole'));

    expect(toRuntimeString(pass?.Resource ?? '', {})).toBe(`arn:aws:iam::123456789012:role/${MEMBER_ROLE_NAME}`);
    expect(pass?.Condition?.['StringEquals']).toEqual({ 'iam:PassedToService': 'delivery.logs.amazonaws.com' });
    expect(toRuntimeString(pass?.Condition?.['StringLike']?.['iam:AssociatedResourceARN'] ?? '', {})).toBe('arn:aws:ec2:us-east-1:123456789012:*');
    expect(assume.map((statement) => statement.Resource)).toEqual([{ Ref: 'DestinationRoleArn' }]);
    expect(statements.flatMap((statement) => asList(statement.Action as CfnValue)).sort()).toEqual(
      ['iam:PassRole', 'logs:CreateLogDelivery', 'logs:DeleteLogDelivery', 'logs:GetLogDelivery', 'logs:ListLogDeliveries', 'sts:AssumeRole'].sort(),
    );
  });

  it('creates a flow log that delivers to the central stream through both roles, only for a given VPC', () => {
    const flowLog = member.Resources['FlowLog'];

    expect(flowLog?.Condition).toBe('CreateFlowLog');
    expect(flowLog?.Properties).toMatchObject({
      LogDestinationType: 'kinesis-data-firehose',
      LogDestination: { Ref: 'DeliveryStreamArn' },
      DeliverLogsPermissionArn: { 'Fn::GetAtt': ['FlowLogDeliveryRole', 'Arn'] },
      DeliverCrossAccountRole: { Ref: 'DestinationRoleArn' },
      TrafficType: 'ALL',
    });
  });
});
