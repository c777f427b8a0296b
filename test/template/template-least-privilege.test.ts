import { describe, expect, it } from 'vitest';
import { asList, declaredPolicies, describeValue, isObject, toRuntimeList, toRuntimeString, type CfnValue, type DeclaredPolicy, type PolicyStatement, type ResolvedStack } from '../support/cloudformation.js';
import { sdkActionsIn, sdkActionsReachableFrom } from './sdk-calls.js';
import { describeStack, resourceOf, stacks, template } from './template-fixtures.js';

/** Actions that take no resource-level permission, so "*" is their only resource (EC2 Describe*). */
const RESOURCELESS_ACTIONS = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroupRules',
  // Firehose's to a domain in a VPC.
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcs',
];

const allows = (statement: PolicyStatement) => statement.Effect === 'Allow';

/** Problems with the Allow statements of a policy: wildcards, Not* elements, open principals. */
function leastPrivilegeProblems(policy: DeclaredPolicy): string[] {
  const problems: string[] = [];
  for (const statement of policy.statements.filter(allows)) {
    const where = `${policy.resourceId} ${statement.Sid ?? '(no Sid)'}`;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) problems.push(`${where}: NotAction/NotResource in an Allow`);
    const actions = asList(statement.Action);
    for (const action of actions) {
      if (typeof action !== 'string' || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) problems.push(`${where}: action ${JSON.stringify(action)} is not one named action`);
    }
    if (policy.kind !== 'trust' && asList(statement.Resource).includes('*') && !actions.every((action) => RESOURCELESS_ACTIONS.includes(describeValue(action)))) {
      problems.push(`${where}: Resource "*" for ${actions.map(describeValue).join(', ')}`);
    }
    const principals = statement.Principal === undefined ? [] : isObject(statement.Principal) ? Object.values(statement.Principal).flatMap(asList) : [statement.Principal];
    // A trust open to every principal of one organisation (aws:PrincipalOrgID) is how IAM admits an organisation.
    const organisationOnly = isObject(statement.Condition) && isObject(statement.Condition['StringEquals']) && statement.Condition['StringEquals']['aws:PrincipalOrgID'] !== undefined;
    if (principals.includes('*') && !(policy.kind === 'trust' && organisationOnly)) problems.push(`${where}: open to every principal`);
  }
  return problems;
}

/** A role's identity policies: its inline ones, and the AWS::IAM::Policy resources attached to it (`Roles: [!Ref Role]`). */
function policiesOf(stack: ResolvedStack, resourceId: string): DeclaredPolicy[] {
  const attached = new Set(
    Object.entries(stack.resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' && asList(resource.Properties?.['Roles']).some((role) => describeValue(role) === JSON.stringify({ Ref: resourceId })))
      .map(([id]) => id),
  );
  return declaredPolicies(stack.resources).filter((policy) => (policy.resourceId === resourceId || attached.has(policy.resourceId)) && policy.kind === 'identity');
}

function allowedActions(stack: ResolvedStack, resourceId: string): string[] {
  return policiesOf(stack, resourceId)
    .flatMap((policy) => policy.statements.filter(allows))
    .flatMap((statement) => asList(statement.Action).map(describeValue))
    .sort();
}

function statementsFor(stack: ResolvedStack, resourceId: string, action: string): PolicyStatement[] {
  return policiesOf(stack, resourceId)
    .flatMap((policy) => policy.statements)
    .filter((statement) => allows(statement) && asList(statement.Action).includes(action));
}

describe('template.yaml least privilege', () => {
  it('allows named actions only, "*" resources only for the EC2 Describe calls, and no open principal, in every combination', () => {
    // Act
    const problems = stacks.flatMap((stack) => declaredPolicies(stack.resources).flatMap(leastPrivilegeProblems));

    // Assess
    expect([...new Set(problems)]).toEqual([]);
  });

  it('spots a wildcard action, a "*" resource and an open principal', () => {
    // Prepare
    const policy: DeclaredPolicy = {
      resourceId: 'Probe',
      resourceType: 'AWS::IAM::Role',
      kind: 'identity',
      statements: [
        { Sid: 'A', Effect: 'Allow', Action: 'es:ESHttp*', Resource: 'arn:aws:es:us-east-1:123456789012:domain/d/*' },
        { Sid: 'B', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 's3:GetObject'], Resource: '*' },
        { Sid: 'C', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:q', Principal: { AWS: '*' } },
      ],
    };

    // Act
    const problems = leastPrivilegeProblems(policy);

    // Assess
    expect(problems).toEqual([
      'Probe A: action "es:ESHttp*" is not one named action',
      'Probe B: Resource "*" for ec2:DescribeNetworkInterfaces, s3:GetObject',
      'Probe C: open to every principal',
    ]);
  });

  it('attaches no managed policy and gives each function its own role', () => {
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.resources)) {
        if (resource.Type === 'AWS::IAM::Role') expect(resource.Properties?.['ManagedPolicyArns'], id).toBeUndefined();
        if (resource.Type === 'AWS::Serverless::Function') {
          expect(resource.Properties?.['Policies'], id).toBeUndefined();
          expect(resource.Properties?.['Role'], id).toEqual({ 'Fn::GetAtt': [`${id.replace(/Function$/, '')}Role`, 'Arn'] });
        }
      }
    }
  });

  it('lets the ingestor only write its logs, PutRecordBatch to the stream and send to its failure queue', () => {
    const stack = stacks.find((candidate) => candidate.resources['IngestorRole'] !== undefined);
    if (stack === undefined) throw new Error('no deployment has an ingestor');
    expect(allowedActions(stack, 'IngestorRole')).toEqual(['firehose:PutRecordBatch', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage']);
    expect(statementsFor(stack, 'IngestorRole', 'firehose:PutRecordBatch').map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': ['DeliveryStream', 'Arn'] }]);
    expect(statementsFor(stack, 'IngestorRole', 'sqs:SendMessage').map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': ['IngestorFailureQueue', 'Arn'] }]);
    expect(statementsFor(stack, 'IngestorRole', 'logs:PutLogEvents').map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': ['IngestorLogGroup', 'Arn'] }]);
  });

  it('gives the decorator DescribeSecurityGroupRules only when it lists or attributes rules, prefix-list entries only to attribute them', () => {
    for (const stack of stacks) {
      // Prepare
      const attributes = stack.values['RuleAttribution'] === 'true';
      const readsRules = attributes || stack.values['SecurityGroupRules'] === 'true';

      // Act
      const actions = allowedActions(stack, 'DecoratorRole');

      // Assess
      expect(actions.includes('ec2:DescribeSecurityGroupRules'), describeStack(stack)).toBe(readsRules);
      expect(statementsFor(stack, 'DecoratorRole', 'ec2:GetManagedPrefixListEntries').map((statement) => statement.Resource), describeStack(stack)).toEqual(
        attributes ? [{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:*:prefix-list/*' }] : [],
      );
      expect(actions, describeStack(stack)).toContain('ec2:DescribeNetworkInterfaces');
    }
  });

  it('gives the decorator GetParameter on its one parameter with ipstack only, and Decrypt only for a customer key', () => {
    for (const stack of stacks) {
      // Prepare
      const ipstack = stack.values['GeoProvider'] === 'ipstack';
      const customerKey = ipstack && stack.values['IpstackApiKeyKmsKeyArn'] !== '';

      // Act
      const getParameter = statementsFor(stack, 'DecoratorRole', 'ssm:GetParameter');
      const decrypt = statementsFor(stack, 'DecoratorRole', 'kms:Decrypt');

      // Assess
      expect(getParameter.map((statement) => statement.Resource), describeStack(stack)).toEqual(
        ipstack ? [{ 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${IpstackApiKeyParameterName}' }] : [],
      );
      expect(decrypt.map((statement) => [statement.Resource, statement.Condition]), describeStack(stack)).toEqual(
        customerKey ? [[{ Ref: 'IpstackApiKeyKmsKeyArn' }, { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } }]] : [],
      );
    }
  });

  it('requires the ipstack parameter name to be fully qualified, so its ARN is parameter/<path>', () => {
    const pattern = new RegExp(template.Parameters['IpstackApiKeyParameterName']?.AllowedPattern ?? '');
    expect(['/vpc-flow-log-appender/ipstack-api-key', 'ipstack-api-key'].map((name) => pattern.test(name))).toEqual([true, false]);
  });

  it('builds a created domain that is HTTPS-only with TLS 1.2, encrypted at rest and between nodes', () => {
    const created = stacks.filter((stack) => stack.resources['OpenSearchDomain'] !== undefined);
    expect(created.length).toBeGreaterThan(0);
    for (const stack of created) {
      expect(resourceOf(stack, 'OpenSearchDomain').Properties).toMatchObject({
        DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: expect.stringMatching(/^Policy-Min-TLS-1-2-/) as unknown },
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: true },
      });
    }
  });

  it('opens the created domain to the Firehose role, the scheduled reporter when it searches there, and the admin principal only', () => {
    for (const stack of stacks.filter((candidate) => candidate.resources['OpenSearchDomain'] !== undefined)) {
      // Act
      const principals = declaredPolicies({ OpenSearchDomain: resourceOf(stack, 'OpenSearchDomain') })
        .flatMap((policy) => policy.statements)
        .map((statement) => statement.Principal);

      // Assess
      // Firehose twice: POST/PUT for indexing, GET for the state it reads first.
      const expected: CfnValue[] = [{ AWS: { 'Fn::GetAtt': ['DeliveryStreamRole', 'Arn'] } }, { AWS: { 'Fn::GetAtt': ['DeliveryStreamRole', 'Arn'] } }];
      // The reporter's statement is held to its search API by template-scheduled-report.test.ts.
      if (stack.resources['ReporterFunction'] !== undefined) expected.push({ AWS: { 'Fn::GetAtt': ['ReporterRole', 'Arn'] } });
      if (stack.values['OpenSearchAdminPrincipalArn'] !== '') expected.push({ AWS: { Ref: 'OpenSearchAdminPrincipalArn' } });
      expect(principals, describeStack(stack)).toEqual(expected);
    }
  });

  // The Firehose developer guide, "Grant Firehose access to a public OpenSearch Service destination":
  // the configuration API on the domain; POST/PUT (narrowed from domain/* to the bulk API and the
  // stack's indices); GET on exactly these paths.
  const FIREHOSE_GET_PATHS = ['_all/_settings', '_cluster/stats', 'cwl*/_mapping', 'cwl*/_mapping/*', '_nodes', '_nodes/stats', '_nodes/*/stats', '_stats', 'cwl*/_stats'];
  const resourcesOf = (statement: PolicyStatement, values: Readonly<Record<string, string>>): string[] =>
    isObject(statement.Resource) && statement.Resource['Fn::Split'] !== undefined ? toRuntimeList(statement.Resource, values) : asList(statement.Resource).map((resource) => toRuntimeString(resource, values));
  const domainArnOf = (stack: ResolvedStack): string =>
    stack.values['ExistingOpenSearchDomainArn'] === '' ? `arn:aws:es:us-east-1:123456789012:domain/${stack.values['OpenSearchDomainName'] ?? ''}` : (stack.values['ExistingOpenSearchDomainArn'] ?? '');

  it('gives the Firehose role the documented domain actions on the documented paths only, for a created or an existing domain', () => {
    const indexing = stacks.filter((stack) => stack.values['DestinationType'] === 'OpenSearch');
    expect(new Set(indexing.map(domainArnOf)).size).toBe(2);
    for (const stack of indexing) {
      // Prepare
      const domain = domainArnOf(stack);
      const esStatements = policiesOf(stack, 'DeliveryStreamRole')
        .flatMap((policy) => policy.statements)
        .filter((statement) => asList(statement.Action).some((action) => describeValue(action).startsWith('es:')));

      // Act
      const granted = esStatements.map((statement) => ({ actions: asList(statement.Action).map(describeValue).sort(), resources: resourcesOf(statement, stack.values) }));

      // Assess
      expect(granted, describeStack(stack)).toEqual([
        { actions: ['es:DescribeDomain', 'es:DescribeDomainConfig', 'es:DescribeDomains'], resources: [domain] },
        { actions: ['es:ESHttpPost', 'es:ESHttpPut'], resources: [`${domain}/_bulk`, `${domain}/cwl*`] },
        { actions: ['es:ESHttpGet'], resources: FIREHOSE_GET_PATHS.map((path) => `${domain}/${path}`) },
      ]);
    }
  });

  it('lets the Firehose role into the created domain on the same paths, and no further', () => {
    for (const stack of stacks.filter((candidate) => candidate.resources['OpenSearchDomain'] !== undefined)) {
      const domain = domainArnOf(stack);
      const firehose = declaredPolicies({ OpenSearchDomain: resourceOf(stack, 'OpenSearchDomain') })
        .flatMap((policy) => policy.statements)
        .filter((statement) => statement.Sid?.startsWith('Firehose') === true)
        .map((statement) => ({ actions: asList(statement.Action).map(describeValue).sort(), resources: resourcesOf(statement, stack.values) }));
      expect(firehose, describeStack(stack)).toEqual([
        { actions: ['es:ESHttpPost', 'es:ESHttpPut'], resources: [`${domain}/_bulk`, `${domain}/cwl*`] },
        { actions: ['es:ESHttpGet'], resources: FIREHOSE_GET_PATHS.map((path) => `${domain}/${path}`) },
      ]);
    }
  });

  it('puts the created domain in a VPC only with subnets and security groups, Firehose then reaching it through its own interfaces', () => {
    const vpcActions = ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DescribeVpcs'];
    let inVpc = 0;
    for (const stack of stacks.filter((candidate) => candidate.values['DestinationType'] === 'OpenSearch')) {
      const domain = stack.resources['OpenSearchDomain']?.Properties ?? {};
      const destination = resourceOf(stack, 'DeliveryStream').Properties?.['AmazonopensearchserviceDestinationConfiguration'];
      const actions = allowedActions(stack, 'DeliveryStreamRole');
      if (stack.conditions['CreateOpenSearchDomainInVpc'] === true) {
        inVpc += 1;
        const subnets = { 'Fn::Split': [',', { Ref: 'OpenSearchDomainSubnetIds' }] };
        const groups = { 'Fn::Split': [',', { Ref: 'OpenSearchDomainSecurityGroupIds' }] };
        expect(domain['VPCOptions']).toEqual({ SubnetIds: subnets, SecurityGroupIds: groups });
        expect(destination).toMatchObject({ VpcConfiguration: { RoleARN: { 'Fn::GetAtt': ['DeliveryStreamRole', 'Arn'] }, SubnetIds: subnets, SecurityGroupIds: groups } });
        expect(actions).toEqual(expect.arrayContaining(vpcActions));
        const interfaces = statementsFor(stack, 'DeliveryStreamRole', 'ec2:CreateNetworkInterface').flatMap((statement) => resourcesOf(statement, stack.values));
        expect(interfaces).toEqual(['network-interface/*', 'subnet/*', 'security-group/*'].map((resource) => `arn:aws:ec2:us-east-1:123456789012:${resource}`));
      } else {
        expect(domain['VPCOptions'], describeStack(stack)).toBeUndefined();
        expect(isObject(destination) ? destination['VpcConfiguration'] : undefined, describeStack(stack)).toBeUndefined();
        expect(actions.filter((action) => action.startsWith('ec2:')), describeStack(stack)).toEqual([]);
      }
    }
    expect(inVpc).toBeGreaterThan(0);
  });

  it('gives the flow-log delivery role the VPC guide\'s actions on its log group, DescribeLogGroups in this account and Region', () => {
    const withRole = stacks.filter((stack) => stack.resources['FlowLogDeliveryRole'] !== undefined);
    expect(withRole.length).toBeGreaterThan(0);
    for (const stack of withRole) {
      const granted = policiesOf(stack, 'FlowLogDeliveryRole')
        .flatMap((policy) => policy.statements)
        .map((statement) => ({ actions: asList(statement.Action).map(describeValue).sort(), resources: resourcesOf(statement, stack.values) }));
      expect(granted).toEqual([
        { actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: ['arn:aws:sample:FlowLogLogGroup.Arn'] },
        { actions: ['logs:DescribeLogGroups'], resources: ['arn:aws:logs:us-east-1:123456789012:log-group:*'] },
      ]);
      // Confused deputy: VPC Flow Logs may assume it only for this account's flow logs.
      const trust = declaredPolicies(stack.resources).find((policy) => policy.resourceId === 'FlowLogDeliveryRole' && policy.kind === 'trust');
      expect(trust?.statements[0]?.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*' } },
      });
    }
  });

  it('keeps what holds data when the stack is deleted or a resource replaced: bucket, domain, flow-log group, failure queue', () => {
    for (const logicalId of ['DeliveryBucket', 'OpenSearchDomain', 'FlowLogLogGroup', 'IngestorFailureQueue']) {
      expect(template.Resources[logicalId], logicalId).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('blocks public access to the bucket, encrypts it, expires objects and refuses plain HTTP', () => {
    // Prepare
    const [stack] = stacks;
    if (stack === undefined) throw new Error('no deployment');
    const bucket = resourceOf(stack, 'DeliveryBucket').Properties;

    // Act
    const denials = declaredPolicies({ DeliveryBucketPolicy: resourceOf(stack, 'DeliveryBucketPolicy') }).flatMap((policy) => policy.statements);

    // Assess
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/^(AES256|aws:kms)$/) as unknown } }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ Status: 'Enabled', ExpirationInDays: { Ref: 'BucketRetentionInDays' } })] },
    });
    expect(denials).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Resource: [{ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] }, { 'Fn::Sub': '${DeliveryBucket.Arn}/*' }],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  it('encrypts the failure queue and refuses plain HTTP to it', () => {
    const stack = stacks.find((candidate) => candidate.resources['IngestorFailureQueue'] !== undefined);
    if (stack === undefined) throw new Error('no deployment has a failure queue');
    expect(resourceOf(stack, 'IngestorFailureQueue').Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(declaredPolicies({ Q: resourceOf(stack, 'IngestorFailureQueuePolicy') }).flatMap((policy) => policy.statements)).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('lets each role be assumed by its one service, Firehose only for this account', () => {
    const [stack] = stacks.filter((candidate) => candidate.resources['FlowLogDeliveryRole'] !== undefined && candidate.resources['IngestorRole'] !== undefined);
    if (stack === undefined) throw new Error('no deployment has every role');
    const trusted = Object.fromEntries(
      declaredPolicies(stack.resources)
        .filter((policy) => policy.kind === 'trust')
        .map((policy) => [policy.resourceId, policy.statements.map((statement) => statement.Principal)]),
    );
    expect(trusted).toEqual({
      DeliveryStreamRole: [{ Service: 'firehose.amazonaws.com' }],
      DecoratorRole: [{ Service: 'lambda.amazonaws.com' }],
      IngestorRole: [{ Service: 'lambda.amazonaws.com' }],
      FlowLogDeliveryRole: [{ Service: 'vpc-flow-logs.amazonaws.com' }],
    });
    const firehoseTrust = declaredPolicies(stack.resources).find((policy) => policy.resourceId === 'DeliveryStreamRole' && policy.kind === 'trust');
    expect(firehoseTrust?.statements[0]?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } });
  });

  it('lets CloudWatch Logs invoke the ingestor only for the subscribed log group of this account', () => {
    for (const stack of stacks.filter((candidate) => candidate.resources['IngestorLogsPermission'] !== undefined)) {
      const permission = resourceOf(stack, 'IngestorLogsPermission').Properties ?? {};
      const subscription = resourceOf(stack, 'FlowLogSubscription').Properties ?? {};
      expect(permission['SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      expect(permission['Principal']).toEqual({ 'Fn::Sub': 'logs.${AWS::Region}.amazonaws.com' });
      expect(permission['SourceArn']).toEqual({
        'Fn::Sub': ['arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroupName}:*', { LogGroupName: subscription['LogGroupName'] ?? null }],
      });
    }
  });
});

/** Actions a role needs besides the SDK calls of its code: its log stream, and what AWS does on its behalf. */
const PLATFORM_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // Lambda writes the function's logs, and sends failed asynchronous events to the on-failure queue, with the role.
  IngestorRole: ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'],
  // SSM decrypts a SecureString under a customer key with the caller's kms:Decrypt.
  DecoratorRole: ['logs:CreateLogStream', 'logs:PutLogEvents', 'kms:Decrypt'],
};

/** Calls IAM cannot deny, so no policy names them: STS answers GetCallerIdentity for every principal. */
const NEEDS_NO_PERMISSION: readonly string[] = ['sts:GetCallerIdentity'];

describe('template.yaml roles against the code', () => {
  it('finds the SDK commands and paginators of a module under its client\'s service', () => {
    const source = "import { DescribeVpcsCommand, paginateDescribeSubnets } from '@aws-sdk/client-ec2';\nnew DescribeVpcsCommand({}); paginateDescribeSubnets(config, {});";
    expect(sdkActionsIn(source)).toEqual(['ec2:DescribeVpcs', 'ec2:DescribeSubnets']);
  });

  it('refuses to guess the service of a call in a module with no client import', () => {
    expect(() => sdkActionsIn('new GetParameterCommand({ Name });')).toThrow(/no @aws-sdk clients/);
  });

  it.each([
    ['IngestorRole', 'ingestor/index.ts'],
    ['DecoratorRole', 'decorator/index.ts'],
  ])('allows %s, over all combinations, exactly the AWS calls its handler can make', (roleId, entry) => {
    // Prepare
    const platform = PLATFORM_ACTIONS[roleId] ?? [];

    // Act
    const allowed = [...new Set(stacks.filter((stack) => stack.resources[roleId] !== undefined).flatMap((stack) => allowedActions(stack, roleId)))]
      .filter((action) => !platform.includes(action))
      .sort();

    // Assess
    expect(allowed).toEqual(sdkActionsReachableFrom(entry).filter((action) => !NEEDS_NO_PERMISSION.includes(action)));
  });
});
