import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUDFORMATION_SHORT_TAGS, parseCloudFormationYaml } from '../support/cloudformation.js';
import { loadResourceSpecification, type ResourceSpecification } from './resource-specification.js';
import { template } from './template-fixtures.js';

let specification: ResourceSpecification;
beforeAll(() => {
  specification = loadResourceSpecification();
});

describe('parseCloudFormationYaml', () => {
  it('turns every short-form tag into its JSON intrinsic', () => {
    // Prepare
    const text = CLOUDFORMATION_SHORT_TAGS.map((tag) => `${tag}: !${tag} [a, b]`).join('\n');

    // Act
    const parsed = parseCloudFormationYaml(text) as Record<string, unknown>;

    // Assess
    expect(parsed['Ref']).toEqual({ Ref: ['a', 'b'] });
    expect(parsed['Condition']).toEqual({ Condition: ['a', 'b'] });
    expect(parsed['If']).toEqual({ 'Fn::If': ['a', 'b'] });
    expect(parsed['GetAZs']).toEqual({ 'Fn::GetAZs': ['a', 'b'] });
  });

  it('splits a dotted !GetAtt at its first dot', () => {
    expect(parseCloudFormationYaml('v: !GetAtt Domain.ServiceSoftwareOptions.NewVersion')).toEqual({
      v: { 'Fn::GetAtt': ['Domain', 'ServiceSoftwareOptions.NewVersion'] },
    });
  });

  it('refuses a tag CloudFormation does not know', () => {
    expect(() => parseCloudFormationYaml('v: !Reference Bucket')).toThrow(/Unresolved tag/);
  });

  it('refuses a key given twice', () => {
    expect(() => parseCloudFormationYaml('a: 1\na: 2')).toThrow(/unique/i);
  });
});

describe('template.yaml resources', () => {
  it('parses with CloudFormation tags and is a SAM template', () => {
    // Act
    const parsed = parseCloudFormationYaml(readFileSync('template.yaml', 'utf8'));

    // Assess
    expect(parsed).toMatchObject({ AWSTemplateFormatVersion: '2010-09-09', Transform: 'AWS::Serverless-2016-10-31' });
  });

  it('has only the top-level sections CloudFormation and SAM know', () => {
    const sections = ['AWSTemplateFormatVersion', 'Transform', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Resources', 'Outputs', 'Globals'];
    expect(Object.keys(template).filter((key) => !sections.includes(key))).toEqual([]);
  });

  it('uses only resource types of the resource specification, SAM types included', () => {
    const types = [...new Set(Object.values(template.Resources).map((resource) => resource.Type))];
    expect(types.filter((type) => !specification.hasResourceType(type))).toEqual([]);
    expect(types).toContain('AWS::Serverless::Function');
  });

  it('gives every resource only specified properties of the specified shape, required ones included', () => {
    // Act
    const problems = Object.entries(template.Resources).flatMap(([id, resource]) => specification.validateResource(id, resource));

    // Assess
    expect(problems).toEqual([]);
  });

  it('reports a misspelt property, a missing required one and a value outside the allowed ones', () => {
    // Prepare
    const stream = template.Resources['DeliveryStream'];
    if (stream === undefined) throw new Error('DeliveryStream missing');
    const broken = { ...stream, Properties: { ...stream.Properties, DeliveryStreamType: 'DirectPutt', BufferingHint: {} } };
    const role = { Type: 'AWS::IAM::Role', Properties: { Policies: [] } };

    // Act
    const problems = [...specification.validateResource('DeliveryStream', broken), ...specification.validateResource('Role', role)];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining('DeliveryStream.Properties.DeliveryStreamType: "DirectPutt" is not one of'),
      'DeliveryStream.Properties.BufferingHint: no such property of AWS::KinesisFirehose::DeliveryStream',
      'Role.Properties: AWS::IAM::Role requires AssumeRolePolicyDocument',
    ]);
  });

  it('checks both branches of Fn::If against the specification', () => {
    // Prepare
    const resource = { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: { 'Fn::If': ['C', true, 'sometimes'] } } };

    // Act
    const problems = specification.validateResource('Queue', resource);

    // Assess
    expect(problems).toEqual(['Queue.Properties.SqsManagedSseEnabled: expected a boolean, got "sometimes"']);
  });

  it('reads every attribute through Fn::GetAtt that the resource type has', () => {
    // Prepare
    const missing: string[] = [];

    // Act
    for (const [id, resource] of Object.entries(template.Resources)) {
      for (const reference of collectGetAtts(resource)) {
        const target = template.Resources[reference.target];
        const names = target === undefined ? undefined : specification.attributeNames(target.Type);
        if (names === undefined || !names.includes(reference.attribute)) missing.push(`${id} -> ${reference.target}.${reference.attribute}`);
      }
    }
    for (const [id, output] of Object.entries(template.Outputs)) {
      for (const reference of collectGetAtts(output)) {
        const target = template.Resources[reference.target];
        const names = target === undefined ? undefined : specification.attributeNames(target.Type);
        if (names === undefined || !names.includes(reference.attribute)) missing.push(`Outputs.${id} -> ${reference.target}.${reference.attribute}`);
      }
    }

    // Assess
    expect(missing).toEqual([]);
  });
});

function collectGetAtts(value: unknown): { target: string; attribute: string }[] {
  const found: { target: string; attribute: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const getAtt = record['Fn::GetAtt'];
      if (Array.isArray(getAtt)) found.push({ target: String(getAtt[0]), attribute: String(getAtt[1]) });
      const sub = record['Fn::Sub'];
      const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
      for (const match of text?.matchAll(/\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}/g) ?? []) {
        found.push({ target: match[1] ?? '', attribute: match[2] ?? '' });
      }
      Object.values(record).forEach(visit);
    }
  };
  visit(value);
  return found;
}
