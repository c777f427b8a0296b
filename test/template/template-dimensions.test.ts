import { describe, expect, it } from 'vitest';
import { conditionParameterCandidates, type CfnTemplate } from '../support/cloudformation.js';
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

const product = (counts: readonly number[]): number => counts.reduce((total, count) => total * count, 1);

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

  it('tries every combination of each dimension with the parameters it is crossed with', () => {
    // Prepare
    const candidates = conditionParameterCandidates(template, SAMPLE_PARAMETER_VALUES);
    for (const dimension of INDEPENDENT_DIMENSIONS) {
      const names = [...dimension.parameters, ...dimension.crossedWith];

      // Act
      const tried = new Set(stacks.map((stack) => JSON.stringify(names.map((name) => stack.values[name]))));

      // Assess
      expect(tried.size).toBe(product(names.map((name) => candidates.get(name)?.length ?? 0)));
    }
  });

  it('adds a dimension\'s combinations to the product of the other parameters instead of multiplying it', () => {
    // Prepare
    const candidates = conditionParameterCandidates(template, SAMPLE_PARAMETER_VALUES);
    const inDimensions = new Set(INDEPENDENT_DIMENSIONS.flatMap((dimension) => dimension.parameters));
    const count = (names: readonly string[]): number => product(names.map((name) => candidates.get(name)?.length ?? 0));
    const main = count([...candidates.keys()].filter((name) => !inDimensions.has(name)));
    // Each dimension's combinations at its defaults are already in the main product.
    const added = INDEPENDENT_DIMENSIONS.map((dimension) => count([...dimension.parameters, ...dimension.crossedWith]) - count(dimension.crossedWith));

    // Assess
    expect(stacks.length).toBe(main + added.reduce((total, value) => total + value, 0));
  });
});
