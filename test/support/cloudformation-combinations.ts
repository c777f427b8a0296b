// Parameter combinations for template tests that stay affordable as opt-in features are added.
// Each new on/off parameter would double the product of every condition parameter; a feature whose
// resources depend on few of the others is enumerated as an independent dimension instead: the
// product of the other parameters once (the feature at its defaults), plus every combination of the
// feature's parameters with the few parameters its resources also depend on. dimensionProblems()
// checks that claim against the template, so a later edit that couples the feature to another
// parameter fails a test instead of going untried.
import {
  collectConditionNames,
  collectReferences,
  conditionParameterCandidates,
  isObject,
  parameterValues,
  rulesRefusing,
  walkValues,
  type CfnTemplate,
  type CfnValue,
  type ParameterValues,
} from './cloudformation.js';

/** Parameters enumerated apart from the product of the others. */
export interface IndependentDimension {
  /** The feature's parameters: every combination of their candidate values is tried. */
  readonly parameters: readonly string[];
  /** Parameters of the main product that the feature's resources also depend on: crossed with the feature in full. */
  readonly crossedWith: readonly string[];
}

function product(candidates: ReadonlyMap<string, readonly string[]>, names: readonly string[]): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const name of names) {
    const values = candidates.get(name) ?? [];
    combinations = combinations.flatMap((combination) => values.map((value) => ({ ...combination, [name]: value })));
  }
  return combinations;
}

/**
 * Every combination of the condition parameters outside the dimensions (dimension parameters at
 * their defaults), then each dimension's parameters crossed with its `crossedWith` parameters (the
 * rest at their defaults), without duplicates and without those the template's Rules refuse.
 *
 * @example
 * combinationsWithIndependentDimensions(template, samples, [{ parameters: ['AlarmOnSshRejects'], crossedWith: ['FlowLogSource'] }])
 * // the full product with AlarmOnSshRejects 'false', plus 2 x 3 combinations of AlarmOnSshRejects and FlowLogSource
 */
export function combinationsWithIndependentDimensions(
  template: CfnTemplate,
  samples: ParameterValues,
  dimensions: readonly IndependentDimension[],
): ParameterValues[] {
  const candidates = conditionParameterCandidates(template, samples);
  const inDimensions = new Set(dimensions.flatMap((dimension) => dimension.parameters));
  for (const name of [...inDimensions, ...dimensions.flatMap((dimension) => dimension.crossedWith)]) {
    if (!candidates.has(name)) throw new Error(`${name} is not a parameter any condition looks at`);
  }
  const main = product(candidates, [...candidates.keys()].filter((name) => !inDimensions.has(name)));
  const extra = dimensions.flatMap((dimension) => product(candidates, [...dimension.parameters, ...dimension.crossedWith]));
  const seen = new Set<string>();
  return [...main, ...extra].filter((combination) => {
    const values = parameterValues(template, combination);
    // A combination the Rules refuse never becomes a stack: CloudFormation rejects its change set.
    if (rulesRefusing(template, values).length > 0) return false;
    const key = JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parameters a named condition tests, through the conditions it refers to. */
function conditionParameters(template: CfnTemplate, conditionName: string, visiting = new Set<string>()): Set<string> {
  const expression = template.Conditions[conditionName];
  if (expression === undefined || visiting.has(conditionName)) return new Set();
  visiting.add(conditionName);
  const found = new Set<string>();
  walkValues(expression, (node) => {
    if (isObject(node) && typeof node['Ref'] === 'string' && template.Parameters[node['Ref']] !== undefined) found.add(node['Ref']);
  });
  for (const nested of collectConditionNames(expression)) {
    if (nested !== conditionName) for (const name of conditionParameters(template, nested, visiting)) found.add(name);
  }
  return found;
}

/**
 * Why a dimension is not independent, or [] if it is: every resource or output whose deployment or
 * shape depends on a dimension parameter (its condition, the conditions in its body, the conditions
 * of the resources it refers to) may depend on no condition parameter outside the dimension and its
 * `crossedWith` list.
 *
 * @example dimensionProblems(template, { parameters: ['AlarmOnSshRejects'], crossedWith: [] })
 * // ['SshRejectsMetricFilter depends on FlowLogSource, FlowLogFormat as well as AlarmOnSshRejects']
 */
export function dimensionProblems(template: CfnTemplate, dimension: IndependentDimension): string[] {
  const allowed = new Set([...dimension.parameters, ...dimension.crossedWith]);
  const parametersOf = (conditions: readonly string[]): Set<string> => new Set(conditions.flatMap((name) => [...conditionParameters(template, name)]));
  const problems: string[] = [];
  const entries: [string, { readonly Condition?: string }, CfnValue][] = [
    ...Object.entries(template.Resources).map(([id, resource]): [string, { readonly Condition?: string }, CfnValue] => [id, resource, (resource.Properties ?? {}) as CfnValue]),
    ...Object.entries(template.Outputs).map(([id, output]): [string, { readonly Condition?: string }, CfnValue] => [`Outputs.${id}`, output, output as unknown as CfnValue]),
  ];
  for (const [id, entry, body] of entries) {
    const referencedConditions = collectReferences(body)
      .map((reference) => template.Resources[reference.target]?.Condition)
      .filter((condition): condition is string => condition !== undefined);
    const conditions = [...(entry.Condition === undefined ? [] : [entry.Condition]), ...collectConditionNames(body), ...referencedConditions];
    const parameters = parametersOf(conditions);
    if (!dimension.parameters.some((name) => parameters.has(name))) continue;
    const outside = [...parameters].filter((name) => !allowed.has(name));
    if (outside.length > 0) problems.push(`${id} depends on ${outside.join(', ')} as well as ${dimension.parameters.filter((name) => parameters.has(name)).join(', ')}`);
  }
  return problems;
}
