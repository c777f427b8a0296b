import { describe, expect, it } from 'vitest';
import { isObject, type CfnParameter } from '../support/cloudformation.js';
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

  it('lists every parameter in exactly one group of the console interface', () => {
    // Prepare
    const metadata = template.Metadata?.['AWS::CloudFormation::Interface'];
    const groups = isObject(metadata) && Array.isArray(metadata['ParameterGroups']) ? metadata['ParameterGroups'] : [];

    // Act
    const grouped = groups.flatMap((group) => (isObject(group) && Array.isArray(group['Parameters']) ? group['Parameters'] : []));

    // Assess
    expect([...grouped].sort()).toEqual(Object.keys(template.Parameters).sort());
  });
});
