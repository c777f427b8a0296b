import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GeoProvider, loadDecoratorConfig } from '../../src/config/decorator-config.js';
import { loadIngestorConfig } from '../../src/config/ingestor-config.js';
import { loadReporterConfig } from '../../src/config/reporter-config.js';
import { isObject, SAMPLE_PSEUDO_PARAMETERS, toRuntimeString, type CfnValue, type ResolvedStack } from '../support/cloudformation.js';
import { FUNCTION_CONFIGS, RUNTIME_VARIABLES, variablesReadBy } from './function-variables.js';
import { describeStack, resourceOf, stacks, template } from './template-fixtures.js';

const LOADERS = { IngestorFunction: loadIngestorConfig, DecoratorFunction: loadDecoratorConfig, ReporterFunction: loadReporterConfig } as const;
const FUNCTIONS = FUNCTION_CONFIGS.map((fn) => ({ ...fn, load: LOADERS[fn.logicalId] }));

function environmentOf(stack: ResolvedStack, logicalId: string): Record<string, CfnValue> {
  const environment = resourceOf(stack, logicalId).Properties?.['Environment'];
  const variables = isObject(environment) ? environment['Variables'] : undefined;
  if (!isObject(variables)) throw new Error(`${logicalId} has no Environment.Variables`);
  return variables;
}

function runtimeEnvironment(stack: ResolvedStack, logicalId: string): Record<string, string> {
  return Object.fromEntries(Object.entries(environmentOf(stack, logicalId)).map(([name, value]) => [name, toRuntimeString(value, stack.values)]));
}

/** Variables Lambda sets in every function's environment (reserved: a template may not set them). */
const LAMBDA_RESERVED_VARIABLES = { AWS_REGION: SAMPLE_PSEUDO_PARAMETERS['AWS::Region'] ?? 'us-east-1' };

const withIngestor = stacks.filter((stack) => stack.resources['IngestorFunction'] !== undefined);
const localEnvironment = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, unknown>>;

describe('template.yaml function environment', () => {
  it('finds the variables a config module reads, shared observability settings included', () => {
    expect(variablesReadBy('src/config/ingestor-config.ts')).toEqual(
      expect.arrayContaining(['DELIVERY_STREAM_NAME', 'RETRY_TIME_MARGIN_MS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']),
    );
  });

  it.each(FUNCTIONS)('sets exactly the variables $logicalId reads, runtime options aside, in every combination', ({ logicalId, configPath }) => {
    // Prepare
    const read = variablesReadBy(configPath);
    const deploying = stacks.filter((stack) => stack.resources[logicalId] !== undefined);
    expect(deploying.length).toBeGreaterThan(0);

    for (const stack of deploying) {
      // Act
      const set = Object.keys(environmentOf(stack, logicalId))
        .filter((name) => !RUNTIME_VARIABLES.includes(name))
        .sort();

      // Assess
      expect(set, describeStack(stack)).toEqual(read);
    }
  });

  it.each(FUNCTIONS)('gives $logicalId values its own configuration loader accepts, in every combination', ({ logicalId, load }) => {
    const deploying = stacks.filter((stack) => stack.resources[logicalId] !== undefined);
    for (const stack of deploying) {
      // Lambda adds its reserved variables (the Region the reporter signs OpenSearch requests for).
      expect(() => load({ ...LAMBDA_RESERVED_VARIABLES, ...runtimeEnvironment(stack, logicalId) }), describeStack(stack)).not.toThrow();
    }
  });

  it('writes every value as a string or an intrinsic, never a bare YAML number or boolean', () => {
    for (const { logicalId } of FUNCTIONS) {
      const environment = template.Resources[logicalId]?.Properties?.['Environment'];
      const variables = isObject(environment) && isObject(environment['Variables']) ? environment['Variables'] : {};
      const bare = Object.entries(variables).filter(([, value]) => typeof value !== 'string' && !isObject(value));
      expect(bare, logicalId).toEqual([]);
    }
  });

  it('appends a newline to each document exactly when documents go to S3', () => {
    for (const stack of stacks) {
      const environment = runtimeEnvironment(stack, 'DecoratorFunction');
      expect(environment['APPEND_NEWLINE'], describeStack(stack)).toBe(stack.values['DestinationType'] === 'S3' ? 'true' : 'false');
    }
  });

  it('packs lines into 5 KB records exactly when documents go to S3, never for OpenSearch', () => {
    for (const stack of withIngestor) {
      const environment = runtimeEnvironment(stack, 'IngestorFunction');
      expect(environment['RECORD_PACKING_BYTES'], describeStack(stack)).toBe(stack.values['DestinationType'] === 'S3' ? '5120' : '0');
    }
  });

  it('sends the ingestor to the stack\'s own stream and the decorator the flow-log format of the flow log', () => {
    const [stack] = withIngestor;
    if (stack === undefined) throw new Error('no deployment has an ingestor');
    expect(environmentOf(stack, 'IngestorFunction')['DELIVERY_STREAM_NAME']).toEqual({ Ref: 'DeliveryStream' });
    expect(environmentOf(stack, 'DecoratorFunction')['FLOW_LOG_FORMAT']).toEqual({ Ref: 'FlowLogFormat' });
  });

  it('offers exactly the geolocation providers the decorator knows', () => {
    expect([...(template.Parameters['GeoProvider']?.AllowedValues ?? [])].sort()).toEqual(Object.values(GeoProvider).sort());
  });

  it('offers only log levels both functions accept', () => {
    for (const level of template.Parameters['LogLevel']?.AllowedValues ?? []) {
      const [stack] = withIngestor;
      if (stack === undefined) throw new Error('no deployment has an ingestor');
      const overrides = { POWERTOOLS_LOG_LEVEL: String(level) };
      expect(() => loadIngestorConfig({ ...runtimeEnvironment(stack, 'IngestorFunction'), ...overrides })).not.toThrow();
      expect(() => loadDecoratorConfig({ ...runtimeEnvironment(stack, 'DecoratorFunction'), ...overrides })).not.toThrow();
    }
  });
});

describe('events/env.json', () => {
  it('names only functions of the template', () => {
    expect(Object.keys(localEnvironment).sort()).toEqual(FUNCTIONS.map((fn) => fn.logicalId).sort());
  });

  // sam local invoke only overrides variables the template declares; giving all of them keeps a
  // local run independent of how SAM resolves the template's intrinsics.
  it.each(FUNCTIONS)('sets, as strings, every variable $logicalId reads and nothing else but runtime options', ({ logicalId, configPath }) => {
    const local = localEnvironment[logicalId] ?? {};
    expect(
      Object.keys(local)
        .filter((name) => !RUNTIME_VARIABLES.includes(name))
        .sort(),
    ).toEqual(variablesReadBy(configPath));
    expect(Object.values(local).filter((value) => typeof value !== 'string')).toEqual([]);
  });

  it.each(FUNCTIONS)('gives $logicalId a configuration its loader accepts', ({ logicalId, load }) => {
    expect(() => load(localEnvironment[logicalId] as Record<string, string>)).not.toThrow();
  });
});
