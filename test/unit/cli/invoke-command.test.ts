import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_LIMITS, functionEnvironment, parseInvokeArguments } from '../../../src/cli/invoke-command.js';
import { UsageError } from '../../../src/cli/cli-io.js';

describe('functionEnvironment', () => {
  it('takes the function section of events/env.json by its logical id', () => {
    const envVars = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, Record<string, string>>;

    expect(functionEnvironment(envVars, 'decorator')).toEqual(envVars.DecoratorFunction);
  });

  it('applies Parameters to every function, the function section over it, numbers and booleans as text', () => {
    const environment = functionEnvironment({ Parameters: { A: 'global', B: 1 }, IngestorFunction: { A: 'own', C: true } }, 'ingestor');

    expect(environment).toEqual({ A: 'own', B: '1', C: 'true' });
  });

  it('refuses a value that is an object', () => {
    expect(() => functionEnvironment({ IngestorFunction: { A: { nested: 1 } } }, 'ingestor')).toThrow(UsageError);
  });
});

describe('parseInvokeArguments', () => {
  it('reads the function, the event, --env-vars, --timeout and --bundle', () => {
    expect(parseInvokeArguments(['ingestor', 'event.json', '--env-vars', 'env.json', '--timeout', '30', '--bundle', '.aws-sam/build/IngestorFunction/index.js'])).toEqual({
      functionName: 'ingestor',
      eventPath: 'event.json',
      envVarsPath: 'env.json',
      timeoutSeconds: 30,
      bundlePath: '.aws-sam/build/IngestorFunction/index.js',
    });
  });

  it('defaults the timeout to the function\'s own and the bundle to the one npm run build writes', () => {
    expect(parseInvokeArguments(['decorator', 'event.json'])).toMatchObject({ timeoutSeconds: FUNCTION_LIMITS.decorator.timeoutSeconds, envVarsPath: undefined, bundlePath: undefined });
    expect(parseInvokeArguments(['ingestor', 'event.json'])).toMatchObject({ timeoutSeconds: FUNCTION_LIMITS.ingestor.timeoutSeconds });
    expect(FUNCTION_LIMITS.decorator.timeoutSeconds).not.toBe(FUNCTION_LIMITS.ingestor.timeoutSeconds);
  });

  it.each([[['enricher', 'event.json']], [['ingestor']], [['ingestor', 'event.json', '--timeout', '0']]])('refuses %j', (args) => {
    expect(() => parseInvokeArguments(args)).toThrow(UsageError);
  });
});
