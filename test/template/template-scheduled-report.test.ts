import { describe, expect, it } from 'vitest';
import { asList, declaredPolicies, describeValue, isObject, toRuntimeString, type PolicyStatement, type ResolvedStack } from '../support/cloudformation.js';
import { sdkActionsReachableFrom } from './sdk-calls.js';
import { describeStack, resourceOf, stacks } from './template-fixtures.js';

const reporting = stacks.filter((stack) => stack.resources['ReporterFunction'] !== undefined);

/** IAM actions that authorise an SDK operation of another name (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). */
const IAM_ACTION_OF_OPERATION: Readonly<Record<string, string>> = { 's3:ListObjectsV2': 's3:ListBucket' };
/** Lambda writes the function's logs, and sends failed asynchronous events to the on-failure queue, with the role. */
const REPORTER_PLATFORM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];

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

  it('is only deployed over the S3 destination with rule attribution (the Rules refuse the rest)', () => {
    for (const stack of reporting) expect([stack.values['DestinationType'], stack.values['RuleAttribution']]).toEqual(['S3', 'true']);
  });

  it('allows the reporter, over all combinations, exactly the AWS calls its handler can make', () => {
    const allowed = [...new Set(reporting.flatMap((stack) => allowStatements(stack, 'ReporterRole').flatMap((statement) => asList(statement.Action).map(describeValue))))]
      .filter((action) => !REPORTER_PLATFORM_ACTIONS.includes(action))
      .sort();
    const called = sdkActionsReachableFrom('reporter/index.ts').map((action) => IAM_ACTION_OF_OPERATION[action] ?? action);
    expect(allowed).toEqual([...new Set(called)].sort());
  });

  it('lets the reporter list and read flow-logs/ only, write reports/ only, publish to its topic and send to its queue', () => {
    const [stack] = reporting;
    if (stack === undefined) throw new Error('no deployment has a reporter');
    expect(grants(stack, 'ReporterRole')).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReporterLogGroup', 'Arn'] })] },
      { actions: ['s3:ListBucket'], resources: [JSON.stringify({ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] })], condition: { StringLike: { 's3:prefix': 'flow-logs/*' } } },
      { actions: ['s3:GetObject'], resources: [JSON.stringify({ 'Fn::Sub': '${DeliveryBucket.Arn}/flow-logs/*' })] },
      { actions: ['s3:PutObject'], resources: [JSON.stringify({ 'Fn::Sub': '${DeliveryBucket.Arn}/reports/*' })] },
      {
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups'],
        resources: ['"*"'],
        condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
      },
      { actions: ['ec2:GetManagedPrefixListEntries'], resources: [JSON.stringify({ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:*:prefix-list/*' })] },
      { actions: ['sns:Publish'], resources: [JSON.stringify({ Ref: 'ReportTopic' })] },
      { actions: ['sqs:SendMessage'], resources: [JSON.stringify({ 'Fn::GetAtt': ['ReportFailureQueue', 'Arn'] })] },
    ]);
  });

  it('points the reporter at the prefixes its role allows, the stack\'s bucket and topic', () => {
    for (const stack of reporting) {
      const environment = resourceOf(stack, 'ReporterFunction').Properties?.['Environment'];
      const variables = isObject(environment) && isObject(environment['Variables']) ? environment['Variables'] : {};
      expect(variables['REPORT_BUCKET']).toEqual({ Ref: 'DeliveryBucket' });
      expect(variables['REPORT_TOPIC_ARN']).toEqual({ 'Fn::GetAtt': ['ReportTopic', 'TopicArn'] });
      expect([variables['FLOW_LOGS_PREFIX'], variables['REPORT_PREFIX'], variables['REPORT_ENGINE']]).toEqual(['flow-logs/', 'reports/', 's3']);
      expect(toRuntimeString(variables['REPORT_WINDOW_DAYS'] ?? null, stack.values)).toBe(stack.values['ReportWindowInDays']);
    }
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
