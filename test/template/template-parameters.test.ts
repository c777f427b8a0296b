import { FLOW_LOG_FIELDS } from '../../src/flow-log/field-catalogue.js';
import { describe, expect, it } from 'vitest';
import { describeValue, evaluateConditions, intrinsicName, isObject, parameterValues, walkValues, type CfnParameter, type CfnValue, type ParameterValues } from '../support/cloudformation.js';
import { SAMPLE_PARAMETER_VALUES, template } from './template-fixtures.js';

/** Why CloudFormation would refuse a parameter value, or [] if it accepts it. */
function parameterValueProblems(parameter: CfnParameter, value: string): string[] {
  const problems: string[] = [];
  if (parameter.AllowedValues !== undefined && !parameter.AllowedValues.map(String).includes(value)) problems.push(`"${value}" is not an allowed value`);
  // CloudFormation matches AllowedPattern against the whole value.
  if (parameter.AllowedPattern !== undefined && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value)) problems.push(`"${value}" does not match ${parameter.AllowedPattern}`);
  if (parameter.Type === 'Number') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) problems.push(`"${value}" is not a number`);
    if (parameter.MinValue !== undefined && number < parameter.MinValue) problems.push(`${value} < ${parameter.MinValue}`);
    if (parameter.MaxValue !== undefined && number > parameter.MaxValue) problems.push(`${value} > ${parameter.MaxValue}`);
  }
  return problems;
}

const parameters = Object.entries(template.Parameters);

describe('template.yaml parameters', () => {
  it.each(parameters)('describes %s', (_name, parameter) => {
    expect(parameter.Description?.trim().length ?? 0).toBeGreaterThan(20);
    expect(parameter.Description?.length ?? 0).toBeLessThanOrEqual(4000);
    expect(['String', 'Number']).toContain(parameter.Type);
  });

  it.each(parameters)('constrains %s: allowed values, a pattern or a range', (_name, parameter) => {
    const constrained =
      parameter.AllowedValues !== undefined ||
      (parameter.Type === 'String' && parameter.AllowedPattern !== undefined) ||
      (parameter.Type === 'Number' && parameter.MinValue !== undefined && parameter.MaxValue !== undefined);
    expect(constrained).toBe(true);
  });

  it.each(parameters)('defaults %s to a value CloudFormation accepts', (_name, parameter) => {
    expect(parameter.Default).toBeDefined();
    expect(parameterValueProblems(parameter, String(parameter.Default))).toEqual([]);
  });

  it.each(Object.entries(SAMPLE_PARAMETER_VALUES))('accepts the sample value of %s the tests deploy with', (name, value) => {
    const parameter = template.Parameters[name];
    if (parameter === undefined) throw new Error(`no parameter ${name}`);
    expect(parameterValueProblems(parameter, value)).toEqual([]);
  });

  it('refuses values outside allowed values, pattern or range', () => {
    expect(parameterValueProblems({ Type: 'String', AllowedValues: ['S3'] }, 's3')).toEqual(['"s3" is not an allowed value']);
    expect(parameterValueProblems({ Type: 'String', AllowedPattern: '[a-z]+' }, 'ab1')).toEqual(['"ab1" does not match [a-z]+']);
    expect(parameterValueProblems({ Type: 'Number', MinValue: 1, MaxValue: 10 }, '11')).toEqual(['11 > 10']);
  });

  it('refuses flow-log formats that CreateFlowLogs would not take', () => {
    const format = template.Parameters['FlowLogFormat'];
    if (format === undefined) throw new Error('no FlowLogFormat');
    expect(['${version} ${srcaddr}', '${version},${srcaddr}', 'version srcaddr', '${version}  ${srcaddr}'].map((value) => parameterValueProblems(format, value).length)).toEqual([0, 1, 1, 1]);
  });

  it('accepts in FlowLogFormat only the field names the parser knows, so a misspelt one cannot deploy', () => {
    const format = template.Parameters['FlowLogFormat'];
    if (format === undefined) throw new Error('no FlowLogFormat');
    const every = FLOW_LOG_FIELDS.map((field) => `\${${field.name}}`).join(' ');

    expect([every, '${version} ${dst-port}', '${version} ${srcadr}'].map((value) => parameterValueProblems(format, value).length)).toEqual([0, 1, 1]);
  });

  it('lists every parameter in exactly one group of the console interface', () => {
    // Prepare
    const metadata = template.Metadata?.['AWS::CloudFormation::Interface'];
    const groups = isObject(metadata) && Array.isArray(metadata['ParameterGroups']) ? metadata['ParameterGroups'] : [];

    // Act
    const grouped = groups.flatMap((group) => (isObject(group) && Array.isArray(group['Parameters']) ? group['Parameters'] : []));

    // Assess
    expect([...grouped].sort()).toEqual(Object.keys(template.Parameters).sort());
  });

  it('labels every group with one default text (a comma in a YAML flow mapping once split a label: cfn-lint E4001)', () => {
    // Prepare
    const metadata = template.Metadata?.['AWS::CloudFormation::Interface'];
    const groups = isObject(metadata) && Array.isArray(metadata['ParameterGroups']) ? metadata['ParameterGroups'] : [];

    // Act
    const labels = groups.map((group) => (isObject(group) ? group['Label'] : undefined));

    // Assess
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(isObject(label) ? Object.keys(label) : label).toEqual(['default']);
      expect(typeof (isObject(label) ? label['default'] : undefined)).toBe('string');
    }
    expect(labels).toContainEqual({ default: 'Alerts, Logs Insights and Athena' });
  });
});

/** Intrinsic functions CloudFormation accepts in Rules. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html */
const RULE_FUNCTIONS = ['Fn::And', 'Fn::Contains', 'Fn::EachMemberEquals', 'Fn::EachMemberIn', 'Fn::Equals', 'Fn::Not', 'Fn::Or', 'Fn::RefAll', 'Fn::ValueOf', 'Fn::ValueOfAll', 'Ref'];

const rules = Object.entries(template.Rules ?? {});

/**
 * The AssertDescription of every rule assertion that fails for these parameter values, as
 * CloudFormation would report it when creating the change set.
 */
function failedRuleAssertions(values: ParameterValues): string[] {
  return rules.flatMap(([, rule]) => {
    const { RuleCondition, Assertions } = isObject(rule) ? rule : {};
    const assertions = (Array.isArray(Assertions) ? Assertions : []).filter(isObject);
    // Rule conditions and assertions use the conditions' functions: evaluate them as conditions.
    const conditions: Record<string, CfnValue> = { applies: RuleCondition ?? { 'Fn::Equals': ['x', 'x'] } };
    assertions.forEach((assertion, index) => (conditions[`holds${String(index)}`] = assertion['Assert'] ?? null));
    const results = evaluateConditions({ ...template, Conditions: conditions }, values);
    return results['applies'] === true ? assertions.filter((_assertion, index) => results[`holds${String(index)}`] !== true).map((assertion) => describeValue(assertion['AssertDescription'] ?? null)) : [];
  });
}

describe('template.yaml rules', () => {
  it('gives every rule assertions with a description, in the functions Rules allow', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const [name, rule] of rules) {
      const assertions = isObject(rule) && Array.isArray(rule['Assertions']) ? rule['Assertions'] : [];
      expect(assertions.length, name).toBeGreaterThan(0);
      for (const assertion of assertions) expect(isObject(assertion) && typeof assertion['AssertDescription'] === 'string' ? assertion['AssertDescription'].length : 0, name).toBeGreaterThan(20);
      const used: string[] = [];
      walkValues(rule, (value) => {
        const intrinsic = intrinsicName(value);
        if (intrinsic !== undefined) used.push(intrinsic);
      });
      expect(used.filter((intrinsic) => !RULE_FUNCTIONS.includes(intrinsic)), name).toEqual([]);
    }
  });

  it.each([
    ['the defaults (no log group named)', {}, ['ExistingLogGroupName']],
    ['an existing log group', { ExistingLogGroupName: '/vpc/flow-logs' }, []],
    ['a flow log into a new log group without a VPC', { FlowLogSource: 'VpcToLogGroup' }, ['VpcId']],
    ['a flow log straight to Firehose for a VPC', { FlowLogSource: 'VpcToFirehose', VpcId: 'vpc-0123456789abcdef0' }, []],
    ['mmdb geolocation without a layer', { ExistingLogGroupName: '/vpc/flow-logs', GeoProvider: 'mmdb' }, ['GeoDatabaseLayerArn']],
    ['mmdb geolocation with a layer', { ExistingLogGroupName: '/vpc/flow-logs', GeoProvider: 'mmdb', GeoDatabaseLayerArn: SAMPLE_PARAMETER_VALUES['GeoDatabaseLayerArn'] ?? '' }, []],
  ] as const)('with %s (%j), fails the rules naming exactly %j', (_case, overrides, named) => {
    // Act
    const failures = failedRuleAssertions(parameterValues(template, overrides));

    // Assess
    expect(failures).toHaveLength(named.length);
    named.forEach((parameter, index) => expect(failures[index]).toContain(parameter));
  });
});
