import { describe, expect, it } from 'vitest';
import { conditionParameterCandidates, parameterValues, rulesRefusing, type CfnTemplate } from '../support/cloudformation.js';
import { combinationsWithIndependentDimensions, dimensionProblems } from '../support/cloudformation-combinations.js';
import { INDEPENDENT_DIMENSIONS, SAMPLE_PARAMETER_VALUES, stacks, template } from './template-fixtures.js';

const toy: CfnTemplate = {
  Parameters: {
    Color: { Type: 'String', Default: 'red', AllowedValues: ['red', 'blue'] },
    Size: { Type: 'String', Default: 's', AllowedValues: ['s', 'm', 'l'] },
    Extra: { Type: 'String', Default: 'off', AllowedValues: ['off', 'on'] },
  },
  Conditions: {
    Blue: { 'Fn::Equals': [{ Ref: 'Color' }, 'blue'] },
    Large: { 'Fn::Equals': [{ Ref: 'Size' }, 'l'] },
    WithExtra: { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'Extra' }, 'on'] }, { Condition: 'Blue' }] },
  },
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket', Condition: 'Large' },
    Queue: { Type: 'AWS::SQS::Queue', Condition: 'WithExtra' },
  },
  Outputs: {},
};

describe('combinationsWithIndependentDimensions', () => {
  it('tries the product of the other parameters once, then the dimension crossed with its parameters only', () => {
    // Act
    const combinations = combinationsWithIndependentDimensions(toy, {}, [{ parameters: ['Extra'], crossedWith: ['Color'] }]);

    // Assess: 2 colours x 3 sizes, plus Extra on with each colour (Extra off is among the first six).
    expect(combinations).toEqual([
      { Color: 'red', Size: 's' },
      { Color: 'red', Size: 'm' },
      { Color: 'red', Size: 'l' },
      { Color: 'blue', Size: 's' },
      { Color: 'blue', Size: 'm' },
      { Color: 'blue', Size: 'l' },
      { Extra: 'on', Color: 'red' },
      { Extra: 'on', Color: 'blue' },
    ]);
  });

  it('leaves out the combinations a rule refuses, as CloudFormation rejects their change sets', () => {
    // Prepare: a large size needs blue.
    const ruled: CfnTemplate = {
      ...toy,
      Rules: { LargeIsBlue: { RuleCondition: { 'Fn::Equals': [{ Ref: 'Size' }, 'l'] }, Assertions: [{ Assert: { 'Fn::Equals': [{ Ref: 'Color' }, 'blue'] }, AssertDescription: 'large needs blue' }] } },
    };

    // Act
    const combinations = combinationsWithIndependentDimensions(ruled, {}, []);

    // Assess: 2 colours x 3 sizes x 2 extras, less red and large with either extra.
    expect(combinations).toHaveLength(10);
    expect(combinations.filter((combination) => combination['Color'] === 'red' && combination['Size'] === 'l')).toEqual([]);
    expect(rulesRefusing(ruled, { Color: 'red', Size: 'l', Extra: 'off' })).toEqual(['LargeIsBlue']);
  });

  it('refuses a parameter no condition looks at', () => {
    expect(() => combinationsWithIndependentDimensions(toy, {}, [{ parameters: ['Extra'], crossedWith: ['Shape'] }])).toThrow(/Shape/);
  });
});

describe('dimensionProblems', () => {
  it('accepts a dimension crossed with every parameter its resources depend on', () => {
    expect(dimensionProblems(toy, { parameters: ['Extra'], crossedWith: ['Color'] })).toEqual([]);
  });

  it('names a resource that couples the dimension to a parameter it is not crossed with', () => {
    // Prepare: the queue now also depends on Size, through a property.
    const coupled: CfnTemplate = {
      ...toy,
      Resources: { ...toy.Resources, Queue: { Type: 'AWS::SQS::Queue', Condition: 'WithExtra', Properties: { DelaySeconds: { 'Fn::If': ['Large', 5, 0] } } } },
    };

    // Act / Assess
    expect(dimensionProblems(coupled, { parameters: ['Extra'], crossedWith: ['Color'] })).toEqual(['Queue depends on Size as well as Extra']);
  });

  it('follows references to resources of other conditions', () => {
    // Prepare
    const referring: CfnTemplate = { ...toy, Outputs: { QueueOfBucket: { Condition: 'WithExtra', Value: { Ref: 'Bucket' } } } };

    // Act / Assess
    expect(dimensionProblems(referring, { parameters: ['Extra'], crossedWith: ['Color'] })).toEqual(['Outputs.QueueOfBucket depends on Size as well as Extra']);
  });
});

describe('template.yaml independent dimensions', () => {
  it.each(INDEPENDENT_DIMENSIONS)('keeps $parameters independent of every parameter but $crossedWith', (dimension) => {
    expect(dimensionProblems(template, dimension)).toEqual([]);
  });

  // A combination of some parameters, the rest at their defaults, that the Rules allow.
  const candidates = conditionParameterCandidates(template, SAMPLE_PARAMETER_VALUES);
  const allowedCombinations = (names: readonly string[]): Record<string, string>[] =>
    names
      .reduce<Record<string, string>[]>((combinations, name) => combinations.flatMap((combination) => (candidates.get(name) ?? []).map((value) => ({ ...combination, [name]: value }))), [{}])
      .filter((combination) => rulesRefusing(template, parameterValues(template, combination)).length === 0);

  it('tries every combination of each dimension with the parameters it is crossed with that the Rules allow', () => {
    for (const dimension of INDEPENDENT_DIMENSIONS) {
      // Prepare
      const names = [...dimension.parameters, ...dimension.crossedWith];
      const expected = new Set(allowedCombinations(names).map((combination) => JSON.stringify(names.map((name) => combination[name]))));

      // Act
      const tried = new Set(stacks.map((stack) => JSON.stringify(names.map((name) => stack.values[name]))));

      // Assess
      expect(expected.size).toBeGreaterThan(1);
      expect(tried).toEqual(expected);
    }
  });

  it('adds a dimension\'s combinations to the product of the other parameters instead of multiplying it', () => {
    // Prepare
    const inDimensions = new Set(INDEPENDENT_DIMENSIONS.flatMap((dimension) => dimension.parameters));
    const main = allowedCombinations([...candidates.keys()].filter((name) => !inDimensions.has(name)));
    const key = (combination: Record<string, string>): string => JSON.stringify(Object.entries(parameterValues(template, combination)).sort(([a], [b]) => a.localeCompare(b)));
    const distinct = new Set([...main, ...INDEPENDENT_DIMENSIONS.flatMap((dimension) => allowedCombinations([...dimension.parameters, ...dimension.crossedWith]))].map(key));

    // Assess: every dimension adds its own combinations (the ones at its defaults are already in the main product).
    expect(stacks.length).toBe(distinct.size);
    expect(stacks.length).toBeLessThan(main.length * 2);
  }, 120_000);

  it('tries no combination the Rules refuse, and tries each choice that needs a value with it set', () => {
    expect(stacks.filter((stack) => rulesRefusing(template, stack.values).length > 0)).toEqual([]);
    for (const source of ['ExistingLogGroup', 'VpcToLogGroup', 'VpcToFirehose']) expect(stacks.some((stack) => stack.values['FlowLogSource'] === source)).toBe(true);
    expect(stacks.some((stack) => stack.conditions['CreateOpenSearchDomainInVpc'] === true)).toBe(true);
  });
});
