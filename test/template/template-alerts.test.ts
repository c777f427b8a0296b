import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT_TEXT } from '../../src/flow-log/index.js';
import { declaredPolicies, describeValue, intrinsicName, isObject, resolveStack, SAMPLE_PSEUDO_PARAMETERS, toRuntimeString, type CfnObject, type CfnValue, type ResolvedStack } from '../support/cloudformation.js';
import { matchSpaceDelimitedPattern, parseSpaceDelimitedPattern } from '../support/cloudwatch-filter-pattern.js';
import { ALL_FIELD_NAMES, DEFAULT_FIELD_NAMES, flowLogLine, formatText } from '../support/flow-log-builders.js';
import { describeStack, resourceOf, SAMPLE_PARAMETER_VALUES, stacks, template } from './template-fixtures.js';

/** Longest filter pattern CloudWatch Logs accepts. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html */
const MAX_FILTER_PATTERN_CHARACTERS = 1024;

/**
 * The four records the flow-logs lab tests its filter pattern with (dest-port-22-rejects), field by
 * field, with documentation addresses and account id in place of the public ones. The first two
 * are rejected TCP flows to port 22; then an accepted one, and a rejected one to port 80.
 */
const LAB_RECORDS: readonly Readonly<Record<string, string>>[] = [
  { srcaddr: '203.0.113.128', srcport: '39611', dstport: '22', packets: '1', bytes: '40', start: '1563108188', end: '1563108227', action: 'REJECT' },
  { srcaddr: '198.51.100.8', srcport: '42227', dstport: '22', packets: '1', bytes: '44', start: '1563109030', end: '1563109067', action: 'REJECT' },
  { srcaddr: '192.0.2.181', srcport: '52417', dstport: '22', packets: '24', bytes: '4065', start: '1563191069', end: '1563191121', action: 'ACCEPT' },
  { srcaddr: '203.0.113.128', srcport: '39611', dstport: '80', packets: '1', bytes: '40', start: '1563108188', end: '1563108227', action: 'REJECT' },
].map((record) => ({ version: '2', 'account-id': '123456789010', 'interface-id': 'eni-0d5d75b41f9befe9e', dstaddr: '172.31.83.158', protocol: '6', 'log-status': 'OK', ...record }));
const LAB_MATCHES = [0, 1];

const LOGS_INSIGHTS_TOP_REJECTED_SOURCES = 'filter action="REJECT" | stats count(*) as numRejections by srcAddr | sort numRejections desc | limit 20';

/** The deployment that takes every default except these, resolved. */
function deploy(overrides: Readonly<Record<string, string>>): ResolvedStack {
  return resolveStack(template, { FlowLogSource: 'VpcToLogGroup', VpcId: SAMPLE_PARAMETER_VALUES['VpcId'] ?? '', AlarmOnSshRejects: 'true', ...overrides });
}

/**
 * What Fn::Join, Fn::Split, Fn::Select and Ref of a parameter give at deployment; Fn::Select past
 * the end of its list throws, as CloudFormation fails the deployment.
 */
function evaluate(value: CfnValue, values: Readonly<Record<string, string>>): string | string[] {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const name = intrinsicName(value);
  const operand = isObject(value) && name !== undefined ? value[name] : undefined;
  const text = (item: CfnValue | undefined): string => {
    const result = evaluate(item ?? null, values);
    if (typeof result !== 'string') throw new Error(`expected a string, got ${JSON.stringify(result)}`);
    return result;
  };
  const list = (item: CfnValue | undefined): string[] => {
    const result = Array.isArray(item) ? item.map(text) : evaluate(item ?? null, values);
    if (!Array.isArray(result)) throw new Error(`expected a list, got ${JSON.stringify(result)}`);
    return result;
  };
  if (name === 'Ref' && typeof operand === 'string') {
    const parameter = values[operand];
    if (parameter === undefined) throw new Error(`no value for ${operand}`);
    return parameter;
  }
  if (name === 'Fn::Join' && Array.isArray(operand)) return list(operand[1]).join(text(operand[0]));
  if (name === 'Fn::Split' && Array.isArray(operand)) return text(operand[1]).split(text(operand[0]));
  if (name === 'Fn::Select' && Array.isArray(operand)) {
    const items = list(operand[1]);
    const index = Number(text(operand[0]));
    const selected = items[index];
    if (selected === undefined) throw new Error(`Fn::Select: no item ${index} in ${JSON.stringify(items)}`);
    return selected;
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

function properties(stack: ResolvedStack, logicalId: string): CfnObject {
  return resourceOf(stack, logicalId).Properties ?? {};
}

function filterPatternOf(stack: ResolvedStack): string {
  const pattern = evaluate(properties(stack, 'SshRejectsMetricFilter')['FilterPattern'] ?? null, stack.values);
  if (typeof pattern !== 'string') throw new Error('the filter pattern is not a string');
  return pattern;
}

/** Indexes of the lab records whose line, written in `fields` order, the pattern matches. */
function matchingLabRecords(pattern: string, fields: readonly string[]): number[] {
  const parsed = parseSpaceDelimitedPattern(pattern);
  return LAB_RECORDS.flatMap((record, index) => (matchSpaceDelimitedPattern(parsed, flowLogLine(record, { fields })) === undefined ? [] : [index]));
}

const SSH_REJECTS_RESOURCES = ['SshRejectsMetricFilter', 'SshRejectsAlarm', 'SshRejectsTopic', 'SshRejectsTopicPolicy'];

describe('template.yaml SSH Rejects alarm', () => {
  it('creates the metric filter, alarm and topic exactly when asked and a flow-log log group exists, in every combination', () => {
    for (const stack of stacks) {
      // Prepare
      const expected = stack.values['AlarmOnSshRejects'] === 'true' && stack.values['FlowLogSource'] !== 'VpcToFirehose';

      // Act
      const present = SSH_REJECTS_RESOURCES.map((id) => stack.resources[id] !== undefined);

      // Assess
      expect(present, describeStack(stack)).toEqual(SSH_REJECTS_RESOURCES.map(() => expected));
    }
    expect(stacks.filter((stack) => stack.resources['SshRejectsAlarm'] !== undefined).map((stack) => stack.values['FlowLogSource']).sort()).toEqual(
      expect.arrayContaining(['ExistingLogGroup', 'VpcToLogGroup']),
    );
  });

  it('filters the log group the ingestor is subscribed to', () => {
    for (const stack of stacks.filter((candidate) => candidate.resources['SshRejectsMetricFilter'] !== undefined)) {
      expect(properties(stack, 'SshRejectsMetricFilter')['LogGroupName'], describeStack(stack)).toEqual(properties(stack, 'FlowLogSubscription')['LogGroupName']);
    }
  });

  it('counts 1 per match into ssh-rejects of VPC Flow Logs, the metric the alarm sums over a minute and alarms on at 1', () => {
    // Prepare
    const stack = deploy({});

    // Act
    const filter = properties(stack, 'SshRejectsMetricFilter');
    const alarm = properties(stack, 'SshRejectsAlarm');

    // Assess
    expect(filter['FilterName']).toBe('dest-port-22-rejects');
    expect(filter['MetricTransformations']).toEqual([{ MetricNamespace: 'VPC Flow Logs', MetricName: 'ssh-rejects', MetricValue: '1' }]);
    expect(alarm).toMatchObject({
      Namespace: 'VPC Flow Logs',
      MetricName: 'ssh-rejects',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: 'SshRejectsTopic' }],
    });
    expect(toRuntimeString(alarm['AlarmName'] ?? null, stack.values)).toBe(`SSH Rejects - ${SAMPLE_PSEUDO_PARAMETERS['AWS::StackName'] ?? ''}`);
  });

  it('matches two of the lab\'s four sample records with the lab\'s pattern for the default format', () => {
    // Prepare
    const pattern = filterPatternOf(deploy({ FlowLogFormat: '' }));

    // Act
    const matched = matchingLabRecords(pattern, DEFAULT_FIELD_NAMES);

    // Assess
    expect(pattern).toContain('destport="22", protocol="6"');
    expect(matched).toEqual(LAB_MATCHES);
  });

  it.each([
    ['the sample custom format', SAMPLE_PARAMETER_VALUES['FlowLogFormat'] ?? ''],
    ['the default format spelt out', DEFAULT_FORMAT_TEXT],
    ['every field, in reverse', formatText([...ALL_FIELD_NAMES].reverse())],
  ])('derives from %s a pattern that matches the same sample records, within the length limit', (_what, format) => {
    // Prepare
    const pattern = filterPatternOf(deploy({ FlowLogFormat: format }));
    const fields = [...format.matchAll(/\$\{([a-z0-9-]+)\}/g)].map((match) => match[1] ?? '');

    // Act
    const matched = matchingLabRecords(pattern, fields);

    // Assess
    expect(matched).toEqual(LAB_MATCHES);
    expect(parseSpaceDelimitedPattern(pattern).terms).toHaveLength(fields.length);
    expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_CHARACTERS);
  });

  it.each(['dstport', 'protocol', 'action'])('fails the deployment for a custom format without %s rather than count other flows', (missing) => {
    // Prepare
    const format = formatText(DEFAULT_FIELD_NAMES.filter((name) => name !== missing));

    // Act / Assess
    expect(() => filterPatternOf(deploy({ FlowLogFormat: format }))).toThrow(/Fn::Select/);
  });

  it('lets only the stack\'s alarm, of this account, publish to the topic, and nothing over plain HTTP', () => {
    // Prepare
    const stack = deploy({});

    // Act
    const statements = declaredPolicies({ SshRejectsTopicPolicy: resourceOf(stack, 'SshRejectsTopicPolicy') }).flatMap((policy) => policy.statements);

    // Assess
    expect(properties(stack, 'SshRejectsTopicPolicy')['Topics']).toEqual([{ Ref: 'SshRejectsTopic' }]);
    expect(statements).toEqual([
      {
        Sid: 'AlarmPublishes',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'SshRejectsTopic' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['SshRejectsAlarm', 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('encrypts the topic with the customer managed key when one is given, and never names aws/sns', () => {
    // Prepare
    const keyArn = SAMPLE_PARAMETER_VALUES['AlarmTopicKmsKeyArn'] ?? '';
    const pattern = new RegExp(`^(?:${template.Parameters['AlarmTopicKmsKeyArn']?.AllowedPattern ?? ''})$`);

    // Act
    const withKey = properties(deploy({ AlarmTopicKmsKeyArn: keyArn }), 'SshRejectsTopic');
    const withoutKey = properties(deploy({ AlarmTopicKmsKeyArn: '' }), 'SshRejectsTopic');

    // Assess
    expect(withKey['KmsMasterKeyId']).toEqual({ Ref: 'AlarmTopicKmsKeyArn' });
    expect(withoutKey['KmsMasterKeyId']).toBeUndefined();
    expect(['alias/aws/sns', keyArn].map((value) => pattern.test(value))).toEqual([false, true]);
  });

  it('subscribes the e-mail address only when one is given and the alarm exists', () => {
    for (const stack of stacks) {
      const expected = stack.resources['SshRejectsTopic'] !== undefined && stack.values['AlarmEmail'] !== '';
      expect(stack.resources['SshRejectsEmailSubscription'] !== undefined, describeStack(stack)).toBe(expected);
    }
    expect(properties(deploy({ AlarmEmail: SAMPLE_PARAMETER_VALUES['AlarmEmail'] ?? '' }), 'SshRejectsEmailSubscription')).toEqual({
      TopicArn: { Ref: 'SshRejectsTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
    });
  });

  it('accepts an e-mail address or nothing for AlarmEmail', () => {
    const pattern = new RegExp(`^(?:${template.Parameters['AlarmEmail']?.AllowedPattern ?? ''})$`);
    expect(['', 'ops@example.com', 'ops', 'ops@example', 'a b@example.com'].map((value) => pattern.test(value))).toEqual([true, true, false, false, false]);
  });
});

describe('template.yaml Logs Insights query', () => {
  it('saves the lab\'s top 20 rejected sources query for the flow-log log group wherever there is one', () => {
    for (const stack of stacks) {
      // Prepare
      const hasLogGroup = stack.resources['FlowLogSubscription'] !== undefined;
      const query = stack.resources['RejectedSourcesQueryDefinition'];

      // Assess
      expect(query !== undefined, describeStack(stack)).toBe(hasLogGroup);
      if (query === undefined) continue;
      expect(describeValue(query.Properties?.['QueryString'] ?? null).replace(/\s+/g, ' ')).toBe(LOGS_INSIGHTS_TOP_REJECTED_SOURCES);
      expect(query.Properties?.['LogGroupNames']).toEqual([properties(stack, 'FlowLogSubscription')['LogGroupName']]);
    }
  });
});
