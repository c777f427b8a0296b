import { describe, expect, it } from 'vitest';
import {
  asList,
  collectConditionNames,
  collectReferences,
  conditionParameterCombinations,
  describeValue,
  isObject,
  PSEUDO_PARAMETERS,
  resolveStack,
  walkValues,
  type CfnTemplate,
  type CfnValue,
  type ResolvedStack,
} from '../support/cloudformation.js';
import { describeStack, SAMPLE_PARAMETER_VALUES, stacks, template } from './template-fixtures.js';

/** References of a resolved stack that point at nothing it deploys. */
function danglingReferences(stack: ResolvedStack): string[] {
  const known = new Set<string>([...Object.keys(stack.values), ...PSEUDO_PARAMETERS, ...Object.keys(stack.resources)]);
  const problems: string[] = [];
  const check = (owner: string, value: CfnValue | undefined) => {
    if (value === undefined) return;
    for (const reference of collectReferences(value)) {
      if (!known.has(reference.target)) problems.push(`${owner} -> ${reference.kind} ${reference.target}`);
    }
  };
  for (const [id, resource] of Object.entries(stack.resources)) {
    check(id, resource.Properties);
    for (const dependency of asList(resource.DependsOn)) {
      if (typeof dependency !== 'string' || stack.resources[dependency] === undefined) problems.push(`${id} -> DependsOn ${describeValue(dependency)}`);
    }
  }
  for (const [id, output] of Object.entries(stack.outputs)) check(`Outputs.${id}`, output as unknown as CfnValue);
  return problems;
}

/** The resources each resource waits for: its references and DependsOn. */
function dependencyCycle(stack: ResolvedStack): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(stack.resources)) {
    const targets = collectReferences(resource.Properties ?? {}).map((reference) => reference.target);
    edges.set(id, [...targets, ...asList(resource.DependsOn).map(describeValue)].filter((target) => stack.resources[target] !== undefined));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path, id];
    state.set(id, 'visiting');
    for (const target of edges.get(id) ?? []) {
      const cycle = visit(target, [...path, id]);
      if (cycle !== undefined) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

function withResource(base: CfnTemplate, id: string, resource: CfnTemplate['Resources'][string]): CfnTemplate {
  return { ...base, Resources: { ...base.Resources, [id]: resource } };
}

describe('template.yaml references', () => {
  it('tries every combination of the parameters its conditions test', () => {
    // 2 destinations x 3 flow-log sources x 3 geolocation providers at least.
    expect(stacks.length).toBeGreaterThanOrEqual(18);
    expect(new Set(stacks.map((stack) => `${stack.values['DestinationType']}/${stack.values['FlowLogSource']}/${stack.values['GeoProvider']}`)).size).toBe(18);
  });

  it('refers only to parameters, pseudo parameters and resources the deployment has, in every combination', () => {
    // Act
    const problems = stacks.flatMap((stack) => danglingReferences(stack).map((problem) => `${problem} with ${describeStack(stack)}`));

    // Assess
    expect([...new Set(problems)]).toEqual([]);
  });

  it('finds a reference to a resource the deployment leaves out', () => {
    // Prepare: an unconditional resource pointing at the conditional domain.
    const broken = withResource(template, 'Probe', { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::GetAtt': ['OpenSearchDomain', 'Arn'] } } });

    // Act
    const problems = danglingReferences(resolveStack(broken, { DestinationType: 'S3' }));

    // Assess
    expect(problems).toEqual(['Probe -> GetAtt OpenSearchDomain']);
  });

  it('has no dependency cycle in any combination', () => {
    expect(stacks.map(dependencyCycle).filter((cycle) => cycle !== undefined)).toEqual([]);
  });

  it('finds a dependency cycle', () => {
    // Prepare
    const broken = withResource(template, 'DeliveryBucketPolicy', {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'DeliveryBucket' }, PolicyDocument: { Statement: [{ Resource: { 'Fn::GetAtt': ['DeliveryStream', 'Arn'] } }] } },
      DependsOn: 'DeliveryStream',
    });
    const cyclic = withResource(broken, 'DeliveryBucket', { Type: 'AWS::S3::Bucket', DependsOn: 'DeliveryBucketPolicy' });

    // Act
    const cycle = dependencyCycle(resolveStack(cyclic));

    // Assess
    expect(cycle).toEqual(expect.arrayContaining(['DeliveryBucket', 'DeliveryBucketPolicy']));
  });

  it('uses only conditions it defines, and uses every condition it defines', () => {
    // Prepare
    const used = new Set<string>([
      ...Object.values(template.Resources).flatMap((resource) => [
        ...(resource.Condition === undefined ? [] : [resource.Condition]),
        ...collectConditionNames((resource.Properties ?? {}) as CfnValue),
      ]),
      ...Object.values(template.Outputs).flatMap((output) => [
        ...(output.Condition === undefined ? [] : [output.Condition]),
        ...collectConditionNames(output as unknown as CfnValue),
      ]),
      ...Object.values(template.Conditions).flatMap(collectConditionNames),
    ]);
    const defined = Object.keys(template.Conditions);

    // Assess
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
    expect(defined.filter((name) => !used.has(name))).toEqual([]);
  });

  it('tests only parameters in its conditions, and asks for a sample of a free-text one', () => {
    // Prepare
    const broken: CfnTemplate = { ...template, Conditions: { ...template.Conditions, Probe: { 'Fn::Equals': [{ Ref: 'OpenSearchDomainName' }, 'x'] } } };

    // Act / Assess
    expect(() => conditionParameterCombinations(broken, SAMPLE_PARAMETER_VALUES)).toThrow(/sample value for parameter OpenSearchDomainName/);
  });

  it('references every parameter it declares', () => {
    // Prepare
    const referenced = new Set<string>();
    for (const section of [template.Resources, template.Outputs, template.Conditions]) {
      for (const reference of collectReferences(section as unknown as CfnValue)) referenced.add(reference.target);
    }

    // Assess
    expect(Object.keys(template.Parameters).filter((name) => !referenced.has(name))).toEqual([]);
  });

  it('writes ${...} only inside Fn::Sub, where CloudFormation substitutes it', () => {
    // Prepare
    const stray: string[] = [];
    const visit = (value: CfnValue, insideSub: boolean): void => {
      if (typeof value === 'string' && !insideSub && value.includes('${')) stray.push(value);
      if (Array.isArray(value)) value.forEach((item) => visit(item, insideSub));
      if (isObject(value)) for (const [key, item] of Object.entries(value)) visit(item, insideSub || key === 'Fn::Sub');
    };

    // Act
    visit(template.Resources as unknown as CfnValue, false);
    visit(template.Outputs as unknown as CfnValue, false);

    // Assess
    expect(stray).toEqual([]);
  });

  it('leaves no Fn::If unresolved and no AWS::NoValue behind once conditions are applied', () => {
    const leftovers = stacks.flatMap((stack) => {
      const found: string[] = [];
      walkValues(stack.resources as unknown as CfnValue, (node) => {
        if (isObject(node) && ('Fn::If' in node || node['Ref'] === 'AWS::NoValue')) found.push(JSON.stringify(node));
      });
      return found;
    });
    expect(leftovers).toEqual([]);
  });
});
