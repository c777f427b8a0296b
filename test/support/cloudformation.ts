// Offline reading of CloudFormation (SAM) templates for tests: YAML with CloudFormation's short-form
// tags, intrinsic functions, conditions evaluated for given parameter values, references, and the
// IAM policy statements a template declares. No AWS call, no CloudFormation service: what the
// service would reject at deploy time (a reference to a resource its condition removes, a bad
// condition) is caught here, for every combination of parameter values that matters.
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Tags } from 'yaml';

export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };
export type CfnObject = { [key: string]: CfnValue };

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: string | number;
  readonly Description?: string;
  readonly AllowedValues?: readonly (string | number)[];
  readonly AllowedPattern?: string;
  readonly MinValue?: number;
  readonly MaxValue?: number;
  readonly MinLength?: number;
  readonly MaxLength?: number;
  readonly NoEcho?: boolean;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: CfnObject;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
  readonly Metadata?: CfnObject;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnOutput {
  readonly Value: CfnValue;
  readonly Description?: string;
  readonly Condition?: string;
  readonly Export?: { readonly Name: CfnValue };
}

export interface CfnTemplate {
  readonly AWSTemplateFormatVersion?: string;
  readonly Transform?: string | string[];
  readonly Description?: string;
  readonly Metadata?: CfnObject;
  readonly Parameters: Readonly<Record<string, CfnParameter>>;
  readonly Rules?: Readonly<Record<string, CfnValue>>;
  readonly Mappings?: CfnObject;
  readonly Conditions: Readonly<Record<string, CfnValue>>;
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs: Readonly<Record<string, CfnOutput>>;
}

/** Short-form tags CloudFormation's YAML accepts; each stands for Fn::<Name>, except !Ref and !Condition. */
export const CLOUDFORMATION_SHORT_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'Join',
  'FindInMap', 'ImportValue', 'Condition', 'Base64', 'Cidr', 'GetAZs',
] as const;

/** Pseudo parameters: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html */
export const PSEUDO_PARAMETERS = [
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
] as const;

const yamlTags: Tags = CLOUDFORMATION_SHORT_TAGS.flatMap((name) => [
  // Identity resolvers: the tag stays on the node and toIntrinsic() below builds the JSON form.
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
]);

/**
 * Parses a CloudFormation YAML template into its JSON form (`!Ref X` becomes `{ Ref: 'X' }`,
 * `!GetAtt A.Arn` becomes `{ 'Fn::GetAtt': ['A', 'Arn'] }`). Throws on YAML errors and on any tag
 * CloudFormation does not know.
 *
 * @example parseCloudFormationYaml('Value: !Sub "${AWS::Region}"') // { Value: { 'Fn::Sub': '${AWS::Region}' } }
 */
export function parseCloudFormationYaml(text: string): CfnValue {
  const document = parseDocument(text, { customTags: yamlTags, uniqueKeys: true });
  const problems = [...document.errors, ...document.warnings].map((problem) => problem.message);
  if (problems.length > 0) throw new Error(`template YAML: ${problems.join('; ')}`);
  return toJson(document.contents, document);
}

function toJson(node: unknown, document: Document): CfnValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toJson(node.resolve(document), document);
  let value: CfnValue;
  if (isScalar(node)) value = node.value as CfnValue;
  else if (isSeq(node)) value = node.items.map((item) => toJson(item, document));
  else if (isMap(node)) {
    const object: CfnObject = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      object[key] = toJson(pair.value, document);
    }
    value = object;
  } else throw new Error(`unexpected YAML node of type ${typeof node}`);
  const tag = (node as YamlNode).tag;
  return tag !== undefined && tag.startsWith('!') ? toIntrinsic(tag.slice(1), value) : value;
}

function toIntrinsic(name: string, value: CfnValue): CfnValue {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** Reads and parses a template file (default: the project's template.yaml). */
export function loadTemplate(path = 'template.yaml'): CfnTemplate {
  const parsed = parseCloudFormationYaml(readFileSync(path, 'utf8'));
  if (!isObject(parsed) || !isObject(parsed['Resources'])) throw new Error(`${path} has no Resources`);
  return { Parameters: {}, Conditions: {}, Outputs: {}, ...parsed } as unknown as CfnTemplate;
}

export function isObject(value: unknown): value is CfnObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object, or an error naming `what` it should have been (for tests reading a template). */
export function objectAt(value: CfnValue | undefined, what: string): CfnObject {
  if (!isObject(value)) throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  return value;
}

/** The intrinsic function a value is (`Ref`, `Fn::If`, `Condition`...), or undefined for plain data. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined) return undefined;
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

export function isNoValue(value: unknown): boolean {
  return isObject(value) && value['Ref'] === 'AWS::NoValue';
}

/** Calls visit on the value and on every value nested in it, depth first. */
export function walkValues(value: CfnValue, visit: (value: CfnValue) => void): void {
  visit(value);
  if (Array.isArray(value)) for (const item of value) walkValues(item, visit);
  else if (isObject(value)) for (const item of Object.values(value)) walkValues(item, visit);
}

/** A name an intrinsic points at: Ref X, Fn::GetAtt [X, Attr], or ${X} / ${X.Attr} inside Fn::Sub. */
export interface Reference {
  readonly kind: 'Ref' | 'GetAtt' | 'Sub';
  readonly target: string;
  readonly attribute?: string;
}

/** Variables of an Fn::Sub string: `${Name}` and `${Name.Attr}`, not the `${!Literal}` escapes. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((match) => match[1] ?? '');
}

/** Every Ref, GetAtt and Sub variable in a value, Sub variables bound by its own map excluded. */
export function collectReferences(value: CfnValue): Reference[] {
  const references: Reference[] = [];
  walkValues(value, (node) => {
    if (!isObject(node)) return;
    if (typeof node['Ref'] === 'string' && intrinsicName(node) === 'Ref') references.push({ kind: 'Ref', target: node['Ref'] });
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      references.push({ kind: 'GetAtt', target: getAtt[0], attribute: describeValue(getAtt[1] ?? null) });
    }
    const sub = node['Fn::Sub'];
    const { text, bindings } = subParts(sub);
    if (sub !== undefined && text !== undefined) {
      const bound = Object.keys(bindings);
      for (const variable of subVariables(text)) {
        const [target = '', ...attribute] = variable.split('.');
        if (bound.includes(variable)) continue;
        references.push(attribute.length === 0 ? { kind: 'Sub', target } : { kind: 'Sub', target, attribute: attribute.join('.') });
      }
    }
  });
  return references;
}

/** The template string of an Fn::Sub operand and the variables its map form binds. */
export function subParts(operand: CfnValue | undefined): { text: string | undefined; bindings: CfnObject } {
  if (typeof operand === 'string') return { text: operand, bindings: {} };
  if (Array.isArray(operand) && typeof operand[0] === 'string') return { text: operand[0], bindings: isObject(operand[1]) ? operand[1] : {} };
  return { text: undefined, bindings: {} };
}

/** A value as text for messages and stand-ins: strings as they are, anything else as JSON. */
export function describeValue(value: CfnValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Names of conditions a value uses, through Fn::If and Condition. */
export function collectConditionNames(value: CfnValue): string[] {
  const names: string[] = [];
  walkValues(value, (node) => {
    if (!isObject(node)) return;
    const fnIf = node['Fn::If'];
    if (Array.isArray(fnIf) && typeof fnIf[0] === 'string') names.push(fnIf[0]);
    if (intrinsicName(node) === 'Condition' && typeof node['Condition'] === 'string') names.push(node['Condition']);
  });
  return names;
}

export type ParameterValues = Readonly<Record<string, string>>;

/** The parameter values of a deployment that takes every default, overridden by `overrides`. */
export function parameterValues(template: CfnTemplate, overrides: ParameterValues = {}): ParameterValues {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(template.Parameters)) {
    if (parameter.Default !== undefined) values[name] = String(parameter.Default);
  }
  return { ...values, ...overrides };
}

/** Evaluates every condition of the template for the given parameter values. */
export function evaluateConditions(template: CfnTemplate, values: ParameterValues): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const evaluating = new Set<string>();
  const scalar = (value: CfnValue): string => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isObject(value) && typeof value['Ref'] === 'string') {
      const name = value['Ref'];
      const parameterValue = values[name];
      if (parameterValue !== undefined) return parameterValue;
      if ((PSEUDO_PARAMETERS as readonly string[]).includes(name)) return `<${name}>`;
      throw new Error(`condition refers to ${name}, which is not a parameter`);
    }
    throw new Error(`unsupported value in a condition: ${JSON.stringify(value)}`);
  };
  const evaluate = (expression: CfnValue): boolean => {
    const name = intrinsicName(expression);
    const operand = isObject(expression) && name !== undefined ? expression[name] : undefined;
    if (name === 'Condition' && typeof operand === 'string') return evaluateNamed(operand);
    if (name === 'Fn::Equals' && Array.isArray(operand) && operand.length === 2) return scalar(operand[0] ?? null) === scalar(operand[1] ?? null);
    if (name === 'Fn::Not' && Array.isArray(operand) && operand.length === 1) return !evaluate(operand[0] ?? null);
    if (name === 'Fn::And' && Array.isArray(operand) && operand.length >= 2) return operand.every(evaluate);
    if (name === 'Fn::Or' && Array.isArray(operand) && operand.length >= 2) return operand.some(evaluate);
    throw new Error(`unsupported condition expression ${JSON.stringify(expression)}`);
  };
  const evaluateNamed = (conditionName: string): boolean => {
    const known = results[conditionName];
    if (known !== undefined) return known;
    const expression = template.Conditions[conditionName];
    if (expression === undefined) throw new Error(`unknown condition ${conditionName}`);
    if (evaluating.has(conditionName)) throw new Error(`condition ${conditionName} depends on itself`);
    evaluating.add(conditionName);
    const result = evaluate(expression);
    evaluating.delete(conditionName);
    results[conditionName] = result;
    return result;
  };
  for (const conditionName of Object.keys(template.Conditions)) evaluateNamed(conditionName);
  return results;
}

/**
 * The template's Rules that refuse these parameter values (a rule whose RuleCondition holds and one
 * of whose assertions fails), by name: CloudFormation rejects such a change set before any resource,
 * so no stack ever has them. [] when every rule allows them.
 */
export function rulesRefusing(template: CfnTemplate, values: ParameterValues): string[] {
  const refusing: string[] = [];
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (!isObject(rule)) throw new Error(`rule ${name} is not an object`);
    const assertions = asList(rule['Assertions']).map((assertion) => (isObject(assertion) ? assertion['Assert'] : undefined));
    if (assertions.some((assertion) => assertion === undefined)) throw new Error(`rule ${name} has an assertion without Assert`);
    // The rule's expressions evaluated as named conditions next to the template's own.
    const probes: Record<string, CfnValue> = {};
    if (rule['RuleCondition'] !== undefined) probes['__RuleCondition'] = rule['RuleCondition'];
    assertions.forEach((assertion, index) => (probes[`__Assert${index}`] = assertion ?? null));
    // Rules may not use named conditions, so the probes are evaluated alone (fast for large enumerations).
    const results = evaluateConditions({ ...template, Conditions: probes }, values);
    if (results['__RuleCondition'] === false) continue;
    if (assertions.some((_, index) => results[`__Assert${index}`] === false)) refusing.push(name);
  }
  return refusing;
}

const REMOVED = Symbol('AWS::NoValue');

/** Replaces each Fn::If by the branch its condition selects; AWS::NoValue removes the key or item. */
export function resolveIfs(value: CfnValue, conditions: Readonly<Record<string, boolean>>): CfnValue | undefined {
  const resolved = resolveIfsInner(value, conditions);
  return resolved === REMOVED ? undefined : resolved;
}

function resolveIfsInner(value: CfnValue, conditions: Readonly<Record<string, boolean>>): CfnValue | typeof REMOVED {
  if (isNoValue(value)) return REMOVED;
  if (Array.isArray(value)) {
    return value.map((item) => resolveIfsInner(item, conditions)).filter((item): item is CfnValue => item !== REMOVED);
  }
  if (!isObject(value)) return value;
  const fnIf = value['Fn::If'];
  if (intrinsicName(value) === 'Fn::If' && Array.isArray(fnIf) && fnIf.length === 3 && typeof fnIf[0] === 'string') {
    const chosen = conditions[fnIf[0]];
    if (chosen === undefined) throw new Error(`Fn::If uses unknown condition ${fnIf[0]}`);
    return resolveIfsInner((chosen ? fnIf[1] : fnIf[2]) ?? null, conditions);
  }
  const object: CfnObject = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveIfsInner(item, conditions);
    if (resolved !== REMOVED) object[key] = resolved;
  }
  return object;
}

/** The stack a deployment with these parameter values gets: its conditions, resources and outputs. */
export interface ResolvedStack {
  readonly values: ParameterValues;
  readonly conditions: Readonly<Record<string, boolean>>;
  readonly resources: Readonly<Record<string, CfnResource>>;
  readonly outputs: Readonly<Record<string, CfnOutput>>;
}

/** Keeps the resources and outputs whose condition holds, with every Fn::If resolved. */
export function resolveStack(template: CfnTemplate, overrides: ParameterValues = {}): ResolvedStack {
  const values = parameterValues(template, overrides);
  const conditions = evaluateConditions(template, values);
  const holds = (condition: string | undefined): boolean => condition === undefined || conditions[condition] === true;
  const resources: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (holds(resource.Condition)) resources[id] = resolveIfs(resource as unknown as CfnValue, conditions) as unknown as CfnResource;
  }
  const outputs: Record<string, CfnOutput> = {};
  for (const [id, output] of Object.entries(template.Outputs)) {
    if (holds(output.Condition)) outputs[id] = resolveIfs(output as unknown as CfnValue, conditions) as unknown as CfnOutput;
  }
  return { values, conditions, resources, outputs };
}

/**
 * Every combination of the values of the parameters the conditions look at: a parameter's allowed
 * values, or else its default, the literals conditions compare it with, and a sample value (so an
 * empty-means-off parameter is tried both empty and set). Samples must be given for parameters
 * without allowed values, so a new condition cannot slip by untried.
 */
export function conditionParameterCombinations(template: CfnTemplate, samples: ParameterValues): ParameterValues[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [name, values] of conditionParameterCandidates(template, samples)) {
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })));
  }
  return combinations;
}

/**
 * The values conditionParameterCombinations tries for each parameter the conditions or the Rules
 * look at (a parameter only a rule compares, such as one a choice requires, is tried set and empty
 * too, so that the choice is tried with it set).
 */
export function conditionParameterCandidates(template: CfnTemplate, samples: ParameterValues): ReadonlyMap<string, readonly string[]> {
  const candidates = new Map<string, Set<string>>();
  for (const expression of [...Object.values(template.Conditions), ...Object.values(template.Rules ?? {})]) {
    walkValues(expression, (node) => {
      if (!isObject(node)) return;
      const equals = node['Fn::Equals'];
      if (!Array.isArray(equals)) return;
      const [left, right] = equals;
      for (const [side, other] of [[left, right], [right, left]] as const) {
        if (!isObject(side) || typeof side['Ref'] !== 'string') continue;
        const name = side['Ref'];
        const parameter = template.Parameters[name];
        if (parameter === undefined) continue;
        const set = candidates.get(name) ?? new Set<string>();
        candidates.set(name, set);
        if (parameter.AllowedValues !== undefined) {
          for (const allowed of parameter.AllowedValues) set.add(String(allowed));
          continue;
        }
        if (parameter.Default !== undefined) set.add(String(parameter.Default));
        if (typeof other === 'string' || typeof other === 'number') set.add(String(other));
        const sample = samples[name];
        if (sample === undefined) throw new Error(`give a sample value for parameter ${name}: a condition compares it`);
        set.add(sample);
      }
    });
  }
  return new Map([...candidates].map(([name, set]) => [name, [...set]]));
}

/** Plausible run-time values of pseudo parameters, for turning intrinsics into strings. */
export const SAMPLE_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'vpc-flow-log-appender',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/vpc-flow-log-appender/0',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * The string an intrinsic would become at run time, with stand-ins for what only a deployment
 * knows: a resource's Ref is its logical id (a valid name for every resource this project names),
 * an attribute is `arn:aws:sample:<Resource>.<Attribute>`.
 */
export function toRuntimeString(value: CfnValue, values: ParameterValues): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const name = intrinsicName(value);
  const operand = isObject(value) && name !== undefined ? value[name] : undefined;
  const lookup = (variable: string): string => {
    const [target = '', ...attribute] = variable.split('.');
    if (attribute.length > 0) return `arn:aws:sample:${variable}`;
    return values[target] ?? SAMPLE_PSEUDO_PARAMETERS[target] ?? target;
  };
  if (name === 'Ref' && typeof operand === 'string') return lookup(operand);
  if (name === 'Fn::GetAtt' && Array.isArray(operand)) return `arn:aws:sample:${operand.map(describeValue).join('.')}`;
  if (name === 'Fn::Sub') {
    const { text, bindings } = subParts(operand);
    if (text === undefined) throw new Error(`malformed Fn::Sub ${JSON.stringify(value)}`);
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, variable: string) => {
      const bound = bindings[variable];
      return bound === undefined ? lookup(variable) : toRuntimeString(bound, values);
    });
  }
  if (name === 'Fn::Join' && Array.isArray(operand) && typeof operand[0] === 'string' && operand[1] !== undefined) {
    return toRuntimeList(operand[1], values).join(operand[0]);
  }
  if (name === 'Fn::Select' && Array.isArray(operand) && operand[1] !== undefined) {
    const item = toRuntimeList(operand[1], values)[Number(toRuntimeString(operand[0] ?? '', values))];
    if (item === undefined) throw new Error(`Fn::Select out of range in ${JSON.stringify(value)}`);
    return item;
  }
  throw new Error(`no run-time stand-in for ${JSON.stringify(value)}`);
}

/** The list an intrinsic (a literal list or Fn::Split) would become at run time. */
export function toRuntimeList(value: CfnValue, values: ParameterValues): string[] {
  if (Array.isArray(value)) return value.map((item) => toRuntimeString(item, values));
  const operand = isObject(value) ? value['Fn::Split'] : undefined;
  if (Array.isArray(operand) && typeof operand[0] === 'string' && operand[1] !== undefined) return toRuntimeString(operand[1], values).split(operand[0]);
  throw new Error(`no run-time list for ${JSON.stringify(value)}`);
}

/** An IAM policy statement with Action, Resource and Principal kept as written. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: CfnValue;
  readonly NotAction?: CfnValue;
  readonly Resource?: CfnValue;
  readonly NotResource?: CfnValue;
  readonly Principal?: CfnValue;
  readonly Condition?: CfnObject;
}

/** A policy document declared in the template, and where. */
export interface DeclaredPolicy {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly kind: 'identity' | 'trust' | 'resource';
  readonly statements: readonly PolicyStatement[];
}

/** Policy documents of a resolved stack: roles' inline and trust policies, bucket, topic, queue and domain policies. */
export function declaredPolicies(resources: Readonly<Record<string, CfnResource>>): DeclaredPolicy[] {
  const policies: DeclaredPolicy[] = [];
  const add = (resourceId: string, resourceType: string, kind: DeclaredPolicy['kind'], document: CfnValue | undefined) => {
    if (document === undefined) return;
    if (!isObject(document)) throw new Error(`${resourceId}: policy document is not an object`);
    const statement = document['Statement'];
    const statements = (Array.isArray(statement) ? statement : [statement]) as unknown as PolicyStatement[];
    policies.push({ resourceId, resourceType, kind, statements });
  };
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role': {
        add(id, resource.Type, 'trust', properties['AssumeRolePolicyDocument']);
        const inline = properties['Policies'];
        for (const policy of Array.isArray(inline) ? inline : []) add(id, resource.Type, 'identity', isObject(policy) ? policy['PolicyDocument'] : undefined);
        break;
      }
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add(id, resource.Type, 'identity', properties['PolicyDocument']);
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
        add(id, resource.Type, 'resource', properties['PolicyDocument']);
        break;
      case 'AWS::OpenSearchService::Domain':
        add(id, resource.Type, 'resource', properties['AccessPolicies']);
        break;
      default:
        break;
    }
  }
  return policies;
}

/** A value written as one item or a list of them, as a list. */
export function asList(value: CfnValue | undefined): CfnValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
