// Checks template resources against the CloudFormation resource specification as packaged by
// @aws-cdk/aws-service-spec (the database the AWS CDK generates its L1 constructs from). That
// database also carries the SAM resource types (AWS::Serverless::*, from the SAM specification),
// so SAM resources are checked the same way, with the corrections listed in SPEC_CORRECTIONS.
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import { intrinsicName, isNoValue, isObject, type CfnResource, type CfnValue } from '../support/cloudformation.js';

/**
 * Where the packaged SAM specification disagrees with the SAM documentation, the documentation wins.
 * Keys are `<resource type>/<type definition>.<property>`.
 */
const SPEC_CORRECTIONS: Readonly<Record<string, { readonly required: boolean; readonly source: string }>> = {
  // Either destination may be given alone.
  'AWS::Serverless::Function/EventInvokeDestinationConfig.OnFailure': {
    required: false,
    source: 'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventinvokedestinationconfiguration.html',
  },
  'AWS::Serverless::Function/EventInvokeDestinationConfig.OnSuccess': {
    required: false,
    source: 'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventinvokedestinationconfiguration.html',
  },
};

/** Resource attributes (keys beside Type and Properties) CloudFormation accepts on a resource. */
export const RESOURCE_ATTRIBUTES = ['Type', 'Properties', 'Condition', 'DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];

/** The CloudFormation resource a SAM resource becomes, whose attributes GetAtt can read. */
const SAM_GENERATED_TYPES: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::LayerVersion': 'AWS::Lambda::LayerVersion',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
};

export interface ResourceSpecification {
  /** Problems with one resource: unknown type or property, missing required property, wrong shape or value. */
  validateResource(logicalId: string, resource: CfnResource): string[];
  /** Attribute names Fn::GetAtt may read from a resource type, or undefined for an unknown type. */
  attributeNames(resourceType: string): string[] | undefined;
  hasResourceType(resourceType: string): boolean;
}

/**
 * Loads the packaged specification (a few seconds) and returns a validator over it.
 *
 * @example
 * const spec = loadResourceSpecification();
 * spec.validateResource('Bucket', { Type: 'AWS::S3::Bucket', Properties: { BucketNam: 'x' } });
 * // ['Bucket.Properties.BucketNam: no such property of AWS::S3::Bucket']
 */
export function loadResourceSpecification(): ResourceSpecification {
  const db: SpecDatabase = loadAwsServiceSpecSync();
  const resourceOf = (resourceType: string): Resource | undefined =>
    db.lookup('resource', 'cloudFormationType', 'equals', resourceType)[0];

  const validateProperties = (
    resourceType: string,
    owner: string,
    properties: Record<string, { required?: boolean; type: PropertyType; previousTypes?: PropertyType[] }>,
    value: CfnValue,
    path: string,
  ): string[] => {
    if (!isObject(value)) return [`${path}: expected an object of ${owner} properties, got ${JSON.stringify(value)}`];
    const problems: string[] = [];
    for (const [name, item] of Object.entries(value)) {
      const property = properties[name];
      if (property === undefined) {
        problems.push(`${path}.${name}: no such property of ${owner}`);
        continue;
      }
      const types = [property.type, ...(property.previousTypes ?? [])];
      const attempts = types.map((type) => validateValue(resourceType, item, type, `${path}.${name}`));
      if (!attempts.some((attempt) => attempt.length === 0)) problems.push(...(attempts[0] ?? []));
    }
    for (const [name, property] of Object.entries(properties)) {
      const correction = SPEC_CORRECTIONS[`${resourceType}/${owner}.${name}`];
      const required = correction?.required ?? property.required === true;
      if (required && !(name in value)) problems.push(`${path}: ${owner} requires ${name}`);
    }
    return problems;
  };

  const validateValue = (resourceType: string, value: CfnValue, type: PropertyType, path: string): string[] => {
    const intrinsic = intrinsicName(value);
    if (intrinsic === 'Fn::If' && isObject(value)) {
      const branches = value['Fn::If'];
      if (!Array.isArray(branches) || branches.length !== 3) return [`${path}: Fn::If takes [condition, then, else]`];
      return branches.slice(1).flatMap((branch) => (isNoValue(branch) ? [] : validateValue(resourceType, branch, type, path)));
    }
    // Other intrinsics yield values only a deployment knows; their references are checked elsewhere.
    if (intrinsic !== undefined) return [];
    switch (type.type) {
      case 'string': {
        if (!['string', 'number', 'boolean'].includes(typeof value)) return [`${path}: expected a string, got ${JSON.stringify(value)}`];
        const allowed = type.allowedValues;
        return allowed !== undefined && typeof value === 'string' && !allowed.includes(value)
          ? [`${path}: "${value}" is not one of ${allowed.join(', ')}`]
          : [];
      }
      case 'number':
      case 'integer':
        return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
      case 'json':
        return [];
      case 'date-time':
        return typeof value === 'string' ? [] : [`${path}: expected a date-time string`];
      case 'null':
        return value === null ? [] : [`${path}: expected null`];
      case 'tag':
        return isObject(value) && 'Key' in value && 'Value' in value ? [] : [`${path}: expected a { Key, Value } tag`];
      case 'array':
        if (!Array.isArray(value)) return [`${path}: expected a list, got ${JSON.stringify(value)}`];
        return value.flatMap((item, index) => (isNoValue(item) ? [] : validateValue(resourceType, item, type.element, `${path}[${index}]`)));
      case 'map':
        if (!isObject(value)) return [`${path}: expected a map, got ${JSON.stringify(value)}`];
        return Object.entries(value).flatMap(([key, item]) => validateValue(resourceType, item, type.element, `${path}.${key}`));
      case 'ref': {
        const definition: TypeDefinition = db.get('typeDefinition', type.reference);
        return validateProperties(resourceType, definition.name, definition.properties, value, path);
      }
      case 'union': {
        const attempts = type.types.map((member) => validateValue(resourceType, value, member, path));
        if (attempts.some((attempt) => attempt.length === 0)) return [];
        // Report against the member of the same shape (object, list or scalar), the likeliest intent.
        const shapeOf = (member: PropertyType): string => (member.type === 'ref' || member.type === 'map' ? 'object' : member.type === 'array' ? 'list' : 'scalar');
        const shape = isObject(value) ? 'object' : Array.isArray(value) ? 'list' : 'scalar';
        const index = type.types.findIndex((member) => shapeOf(member) === shape);
        return attempts[Math.max(index, 0)] ?? [];
      }
      default:
        return [`${path}: unknown specification type ${JSON.stringify(type)}`];
    }
  };

  return {
    validateResource(logicalId, resource) {
      const problems = Object.keys(resource)
        .filter((key) => !RESOURCE_ATTRIBUTES.includes(key))
        .map((key) => `${logicalId}.${key}: not a resource attribute`);
      const specified = resourceOf(resource.Type);
      if (specified === undefined) return [...problems, `${logicalId}: no resource type ${resource.Type} in the specification`];
      return [...problems, ...validateProperties(resource.Type, resource.Type, specified.properties, resource.Properties ?? {}, `${logicalId}.Properties`)];
    },
    attributeNames(resourceType) {
      const specified = resourceOf(SAM_GENERATED_TYPES[resourceType] ?? resourceType);
      return specified === undefined ? undefined : Object.keys(specified.attributes);
    },
    hasResourceType(resourceType) {
      return resourceOf(resourceType) !== undefined;
    },
  };
}
