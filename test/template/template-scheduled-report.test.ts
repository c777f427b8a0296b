import { describe, expect, it } from 'vitest';
import { asList, declaredPolicies, describeValue, isObject, parameterValues, rulesRefusing, toRuntimeString, type PolicyStatement, type ResolvedStack } from '../support/cloudformation.js';
import { openSearchActionsReachableFrom, sdkActionsReachableFrom } from './sdk-calls.js';
import { describeStack, resourceOf, stacks, template } from './template-fixtures.js';

const reporting = stacks.filter((stack) => stack.resources['ReporterFunction'] !== undefined);

/** IAM actions that authorise an SDK operation of another name (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). */
const IAM_ACTION_OF_OPERATION: Readonly<Record<string, string>> = { 's3:ListObjectsV2': 's3:ListBucket' };
/** Lambda writes the function's logs, and sends failed asynchronous events to the on-failure queue, with the role. */
const REPORTER_PLATFORM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];
/**
 * What Athena does with the caller's permissions while running its queries ("Identity and access
 * management in Athena", https://docs.aws.amazon.com/athena/latest/ug/access.html): reads the
 * table's definition in Glue, lists and reads the documents, writes and reads the results in the
 * workgroup's location. The reporter's code never calls these itself.
 */
const ATHENA_CALLER_ACTIONS = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions', 's3:GetBucketLocation', 's3:ListBucket', 's3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

const variablesOf = (stack: ResolvedStack): Record<string, unknown> => {
  const environment = resourceOf(stack, 'ReporterFunction').Properties?.['Environment'];
  return isObject(environment) && isObject(environment['Variables']) ? environment['Variables'] : {};
};
/** The engine a deployment's reporter runs. */
const engineOf = (stack: ResolvedStack): string => toRuntimeString((variablesOf(stack)['REPORT_ENGINE'] ?? '') as never, stack.values);
const actionsOf = (stack: ResolvedStack): string[] =>
  [...new Set(allowStatements(stack, 'ReporterRole').flatMap((statement) => asList(statement.Action).map(describeValue)))].filter((action) => !REPORTER_PLATFORM_ACTIONS.includes(action)).sort();
const sub = (text: string) => JSON.stringify({ 'Fn::Sub': text });
const BASE_GRANTS = [
  { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReporterLogGroup', 'Arn'] })] },
];
const SHARED_GRANTS = [
  { actions: ['s3:PutObject'], resources: [sub('${DeliveryBucket.Arn}/reports/*')] },
  {
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups'],
    resources: ['"*"'],
    condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
  },
  { actions: ['ec2:GetManagedPrefixListEntries'], resources: [sub('arn:${AWS::Partition}:ec2:${AWS::Region}:*:prefix-list/*')] },
  { actions: ['sns:Publish'], resources: [JSON.stringify({ Ref: 'ReportTopic' })] },
  { actions: ['sqs:SendMessage'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReportFailureQueue', 'Arn'] })] },
];
const stackOfEngine = (engine: string): ResolvedStack => {
  const stack = reporting.find((candidate) => engineOf(candidate) === engine);
  if (stack === undefined) throw new Error(`no deployment reports over ${engine}`);
  return stack;
};

function allowStatements(stack: ResolvedStack, roleId: string): PolicyStatement[] {
  return declaredPolicies(stack.resources)
    .filter((policy) => policy.resourceId === roleId && policy.kind === 'identity')
    .flatMap((policy) => policy.statements.filter((statement) => statement.Effect === 'Allow'));
}

function grants(stack: ResolvedStack, roleId: string): { actions: string[]; resources: string[]; condition?: unknown }[] {
  return allowStatements(stack, roleId).map((statement) => ({
    actions: asList(statement.Action).map(describeValue).sort(),
    resources: asList(statement.Resource).map((resource) => JSON.stringify(resource)),
    ...(statement.Condition === undefined ? {} : { condition: statement.Condition }),
  }));
}

describe('template.yaml scheduled report', () => {
  it('deploys the reporter, its schedule, topic and queue exactly when ReportSchedule is weekly or monthly', () => {
    const scheduleIds = ['ReporterFunction', 'ReporterRole', 'ReporterLogGroup', 'ReportTopic', 'ReportTopicPolicy', 'ReportFailureQueue', 'ReportFailureQueuePolicy', 'ReportSchedulerRole', 'ScheduledReport'];
    expect(reporting.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      const scheduled = stack.values['ReportSchedule'] !== 'none';
      for (const id of scheduleIds) expect(stack.resources[id] !== undefined, `${id} ${describeStack(stack)}`).toBe(scheduled);
      expect(stack.resources['ReportEmailSubscription'] !== undefined).toBe(scheduled && stack.values['ReportEmail'] !== '');
    }
  });

  it('is deployed with rule attribution over S3 or the public domain the stack creates (the Rules refuse the rest)', () => {
    for (const stack of reporting) {
      expect(stack.values['RuleAttribution']).toBe('true');
      if (stack.values['DestinationType'] === 'OpenSearch') expect([stack.values['ExistingOpenSearchDomainArn'], stack.values['OpenSearchDomainSubnetIds']], describeStack(stack)).toEqual(['', '']);
    }
  });

  it('runs OpenSearch over the domain, s3 over the bucket by default, and Athena when ReportEngine asks for it', () => {
    const engines = new Set<string>();
    for (const stack of reporting) {
      const expected = stack.values['DestinationType'] === 'OpenSearch' ? 'opensearch' : stack.values['ReportEngine'] === 'athena' ? 'athena' : 's3';
      expect(engineOf(stack), JSON.stringify(stack.values)).toBe(expected);
      engines.add(expected);
    }
    expect([...engines].sort()).toEqual(['athena', 'opensearch', 's3']);
  });

  it('allows the reporter, over all combinations, exactly the AWS calls its handler can make and those Athena makes for it', () => {
    const allowed = [...new Set(reporting.flatMap(actionsOf))].sort();
    const called = [...sdkActionsReachableFrom('reporter/index.ts').map((action) => IAM_ACTION_OF_OPERATION[action] ?? action), ...openSearchActionsReachableFrom('reporter/index.ts'), ...ATHENA_CALLER_ACTIONS];
    expect(allowed).toEqual([...new Set(called)].sort());
    expect(openSearchActionsReachableFrom('reporter/index.ts')).toEqual(['es:ESHttpPost']);
  });

  it('gives each engine\'s actions to the deployments of that engine only', () => {
    for (const stack of reporting) {
      const actions = actionsOf(stack);
      const engine = engineOf(stack);
      expect(actions.some((action) => action.startsWith('es:')), describeStack(stack)).toBe(engine === 'opensearch');
      expect(actions.some((action) => action.startsWith('athena:') || action.startsWith('glue:')), describeStack(stack)).toBe(engine === 'athena');
      expect(actions.includes('s3:GetObject'), describeStack(stack)).toBe(engine !== 'opensearch');
    }
  });

  it('lets the s3 engine list and read flow-logs/ only, write reports/ only, publish to its topic and send to its queue', () => {
    expect(grants(stackOfEngine('s3'), 'ReporterRole')).toEqual([
      ...BASE_GRANTS,
      { actions: ['s3:ListBucket'], resources: [JSON.stringify({ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] })], condition: { StringLike: { 's3:prefix': 'flow-logs/*' } } },
      { actions: ['s3:GetObject'], resources: [sub('${DeliveryBucket.Arn}/flow-logs/*')] },
      ...SHARED_GRANTS,
    ]);
  });

  it('lets the athena engine query in the stack\'s workgroup only, read its table and documents, and write the workgroup\'s results only', () => {
    expect(grants(stackOfEngine('athena'), 'ReporterRole')).toEqual([
      ...BASE_GRANTS,
      {
        actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution'],
        resources: [sub('arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AthenaWorkGroup}')],
      },
      {
        actions: ['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable'],
        resources: [
          sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog'),
          sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${AthenaDatabaseName}'),
          sub('arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${AthenaDatabaseName}/flow_logs'),
        ],
      },
      { actions: ['s3:GetBucketLocation'], resources: [JSON.stringify({ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] })] },
      { actions: ['s3:ListBucket'], resources: [JSON.stringify({ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] })], condition: { StringLike: { 's3:prefix': ['flow-logs/*', 'athena-results/*'] } } },
      { actions: ['s3:GetObject'], resources: [sub('${DeliveryBucket.Arn}/flow-logs/*')] },
      { actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], resources: [sub('${DeliveryBucket.Arn}/athena-results/*')] },
      ...SHARED_GRANTS,
    ]);
  });

  it('lets the opensearch engine send only the search API of the stack\'s indices, and the domain\'s access policy admits the reporter for exactly that', () => {
    const search = sub('arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/${OpenSearchDomainName}/${OpenSearchIndexName}*/_search');
    for (const stack of reporting.filter((candidate) => engineOf(candidate) === 'opensearch')) {
      expect(grants(stack, 'ReporterRole')).toEqual([...BASE_GRANTS, { actions: ['es:ESHttpPost'], resources: [search] }, ...SHARED_GRANTS]);
      const domainStatements = declaredPolicies({ D: resourceOf(stack, 'OpenSearchDomain') }).flatMap((policy) => policy.statements);
      const reporterStatements = domainStatements.filter((statement) => JSON.stringify(statement.Principal).includes('ReporterRole'));
      expect(reporterStatements.map((statement) => [statement.Effect, statement.Action, JSON.stringify(statement.Resource)])).toEqual([['Allow', 'es:ESHttpPost', search]]);
    }
    for (const stack of stacks.filter((candidate) => candidate.resources['OpenSearchDomain'] !== undefined && candidate.resources['ReporterFunction'] === undefined)) {
      expect(JSON.stringify(resourceOf(stack, 'OpenSearchDomain').Properties?.['AccessPolicies'])).not.toContain('ReporterRole');
    }
  });

  it('points the reporter at the prefixes its role allows, the stack\'s bucket and topic, and its engine\'s domain or workgroup', () => {
    for (const stack of reporting) {
      const variables = variablesOf(stack);
      const runtime = (name: string) => toRuntimeString((variables[name] ?? '') as never, stack.values);
      expect(variables['REPORT_BUCKET']).toEqual({ Ref: 'DeliveryBucket' });
      expect(variables['REPORT_TOPIC_ARN']).toEqual({ 'Fn::GetAtt': ['ReportTopic', 'TopicArn'] });
      expect([variables['FLOW_LOGS_PREFIX'], variables['REPORT_PREFIX']]).toEqual(['flow-logs/', 'reports/']);
      expect(runtime('REPORT_WINDOW_DAYS')).toBe(stack.values['ReportWindowInDays']);
      const engine = engineOf(stack);
      expect(variables['OPENSEARCH_ENDPOINT'], describeStack(stack)).toEqual(engine === 'opensearch' ? { 'Fn::Sub': 'https://${OpenSearchDomain.DomainEndpoint}' } : '');
      expect([runtime('OPENSEARCH_INDEX_PATTERN'), runtime('OPENSEARCH_AUTH')]).toEqual(engine === 'opensearch' ? [`${stack.values['OpenSearchIndexName']}*`, 'sigv4'] : ['', '']);
      expect(variables['ATHENA_WORKGROUP']).toEqual(engine === 'athena' ? { Ref: 'AthenaWorkGroup' } : '');
      expect([runtime('ATHENA_DATABASE'), runtime('ATHENA_TABLE')]).toEqual(engine === 'athena' ? [stack.values['AthenaDatabaseName'], 'flow_logs'] : ['', '']);
      expect(runtime('ATHENA_SCHEMA'), describeStack(stack)).toBe(engine === 'athena' ? stack.values['OutputSchema'] : '');
    }
  });

  it('refuses a scheduled report over ECS, OCSF or Parquet documents with any engine but Athena, which reads the table of that schema', () => {
    const scheduled = { ReportSchedule: 'weekly', RuleAttribution: 'true', DestinationType: 'S3' };
    const refuses = (overrides: Record<string, string>) =>
      rulesRefusing(template, parameterValues(template, { ...scheduled, ...overrides })).includes('ScheduledReportReadsTheDocumentsWritten');
    for (const documents of [{ OutputSchema: 'ecs' }, { OutputSchema: 'ocsf' }, { S3RecordFormat: 'parquet' }]) {
      expect([refuses({ ...documents, ReportEngine: 's3' }), refuses({ ...documents, ReportEngine: 'auto' }), refuses({ ...documents, ReportEngine: 'athena' })], JSON.stringify(documents)).toEqual([true, true, false]);
    }
    expect(refuses({ DestinationType: 'OpenSearch', OutputSchema: 'ecs' })).toBe(true);
    expect([refuses({ OutputSchema: 'native' }), refuses({ ReportSchedule: 'none', OutputSchema: 'ecs', ReportEngine: 'auto' })]).toEqual([false, false]);
  });

  it('lets the scheduler invoke the reporter only, and dead-letter to its queue, assumed by EventBridge Scheduler of this account', () => {
    for (const stack of reporting) {
      expect(grants(stack, 'ReportSchedulerRole')).toEqual([
        { actions: ['lambda:InvokeFunction'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReporterFunction', 'Arn'] })] },
        { actions: ['sqs:SendMessage'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReportFailureQueue', 'Arn'] })] },
      ]);
      const trust = declaredPolicies(stack.resources).filter((policy) => policy.resourceId === 'ReportSchedulerRole' && policy.kind === 'trust').flatMap((policy) => policy.statements);
      expect(trust.map((statement) => [statement.Principal, statement.Condition])).toEqual([[{ Service: 'scheduler.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }]]);
      const reporterTrust = declaredPolicies(stack.resources).filter((policy) => policy.resourceId === 'ReporterRole' && policy.kind === 'trust').flatMap((policy) => policy.statements);
      expect(reporterTrust.map((statement) => statement.Principal)).toEqual([{ Service: 'lambda.amazonaws.com' }]);
    }
  });

  it('schedules Mondays or the 1st at 06:00 UTC, with retries and a dead-letter queue, and retries a failed run once into the same queue', () => {
    for (const stack of reporting) {
      const schedule = resourceOf(stack, 'ScheduledReport').Properties ?? {};
      expect(schedule['ScheduleExpression'], describeStack(stack)).toBe(stack.values['ReportSchedule'] === 'weekly' ? 'cron(0 6 ? * MON *)' : 'cron(0 6 1 * ? *)');
      expect(schedule['ScheduleExpressionTimezone']).toBe('UTC');
      expect(schedule['Target']).toMatchObject({
        Arn: { 'Fn::GetAtt': ['ReporterFunction', 'Arn'] },
        RoleArn: { 'Fn::GetAtt': ['ReportSchedulerRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ReportFailureQueue', 'Arn'] } },
      });
      expect(resourceOf(stack, 'ReporterFunction').Properties?.['EventInvokeConfig']).toMatchObject({
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['ReportFailureQueue', 'Arn'] } } },
      });
    }
  });

  it('encrypts the topic and the queue, lets only the reporter publish, and refuses plain HTTP to both', () => {
    for (const stack of reporting) {
      expect(resourceOf(stack, 'ReportTopic').Properties?.['KmsMasterKeyId']).toBe('alias/aws/sns');
      expect(resourceOf(stack, 'ReportFailureQueue').Properties).toMatchObject({ SqsManagedSseEnabled: true });
      const topicStatements = declaredPolicies({ T: resourceOf(stack, 'ReportTopicPolicy') }).flatMap((policy) => policy.statements);
      expect(topicStatements.filter((statement) => statement.Effect === 'Allow').map((statement) => [statement.Principal, statement.Action])).toEqual([
        [{ AWS: { 'Fn::GetAtt': ['ReporterRole', 'Arn'] } }, 'sns:Publish'],
      ]);
      for (const policyId of ['ReportTopicPolicy', 'ReportFailureQueuePolicy']) {
        const denials = declaredPolicies({ P: resourceOf(stack, policyId) }).flatMap((policy) => policy.statements.filter((statement) => statement.Effect === 'Deny'));
        expect(denials.map((statement) => statement.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }]);
      }
    }
  });
});
