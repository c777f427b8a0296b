import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSsmSecretProvider, SecretUnavailableError } from '../../../src/adapters/ssm-secret-provider.js';
import { manualClock, recordingLogger, TEST_IPSTACK_KEY } from '../../support/geo-builders.js';

const ssm = mockClient(SSMClient);

function provider(overrides: Partial<Parameters<typeof createSsmSecretProvider>[0]> = {}) {
  const clock = manualClock();
  const logger = recordingLogger();
  const secrets = createSsmSecretProvider({ client: new SSMClient({}), parameterName: 'ipstack-api-key', clock, ttlMs: 60_000, logger, ...overrides });
  return { secrets, clock, logger };
}

function answerWith(value: string, type: 'SecureString' | 'String' = 'SecureString'): void {
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: 'ipstack-api-key', Type: type, Value: value, Version: 1 } });
}

describe('createSsmSecretProvider', () => {
  afterEach(() => {
    ssm.reset();
  });

  it('reads the parameter with decryption', async () => {
    // Prepare
    answerWith(TEST_IPSTACK_KEY);
    const { secrets } = provider();

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe(TEST_IPSTACK_KEY);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([{ Name: 'ipstack-api-key', WithDecryption: true }]);
  });

  it('reuses the value within the TTL', async () => {
    // Prepare
    answerWith(TEST_IPSTACK_KEY);
    const { secrets, clock } = provider();
    await secrets.getSecret();
    clock.advance(59_999);

    // Act
    await secrets.getSecret();

    // Assess
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('reads again once the TTL has passed, picking up a rotated key', async () => {
    // Prepare
    answerWith('old-key');
    const { secrets, clock } = provider();
    await secrets.getSecret();
    answerWith('new-key');
    clock.advance(60_000);

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe('new-key');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('makes one request for concurrent callers', async () => {
    // Prepare
    answerWith(TEST_IPSTACK_KEY);
    const { secrets } = provider();

    // Act
    const secrets3 = await Promise.all([secrets.getSecret(), secrets.getSecret(), secrets.getSecret()]);

    // Assess
    expect(secrets3).toEqual([TEST_IPSTACK_KEY, TEST_IPSTACK_KEY, TEST_IPSTACK_KEY]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('rejects with SecretUnavailableError naming the parameter when it does not exist', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const { secrets } = provider();

    // Act
    const secret = secrets.getSecret();

    // Assess
    await expect(secret).rejects.toThrow(SecretUnavailableError);
    await expect(secret).rejects.toThrow('cannot read SSM parameter "ipstack-api-key": ParameterNotFound');
  });

  it('does not keep a failure: the next call asks again', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejectsOnce(new Error('throttled')).resolves({ Parameter: { Type: 'SecureString', Value: TEST_IPSTACK_KEY } });
    const { secrets } = provider();
    await expect(secrets.getSecret()).rejects.toThrow(SecretUnavailableError);

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe(TEST_IPSTACK_KEY);
  });

  it('rejects an empty parameter without echoing anything of it', async () => {
    // Prepare
    answerWith('   ');
    const { secrets } = provider();

    // Act
    const secret = secrets.getSecret();

    // Assess
    await expect(secret).rejects.toThrow('cannot read SSM parameter "ipstack-api-key": the parameter has no value');
  });

  it('warns once, without the value, when the parameter is not a SecureString', async () => {
    // Prepare
    answerWith(TEST_IPSTACK_KEY, 'String');
    const { secrets, clock, logger } = provider();
    await secrets.getSecret();
    clock.advance(60_000);

    // Act
    await secrets.getSecret();

    // Assess
    expect(logger.lines.map((line) => [line.level, line.attributes])).toEqual([['warn', { parameterName: 'ipstack-api-key', parameterType: 'String' }]]);
    expect(logger.text()).not.toContain(TEST_IPSTACK_KEY);
  });

  it('trims the whitespace a console paste leaves around the key', async () => {
    // Prepare
    answerWith(`${TEST_IPSTACK_KEY}\n`);
    const { secrets } = provider();

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe(TEST_IPSTACK_KEY);
  });
});
