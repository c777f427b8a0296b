import { SSMClient } from '@aws-sdk/client-ssm';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSsmSecretProvider, SecretUnavailableError } from '../../src/adapters/ssm-secret-provider.js';
import { systemClock } from '../../src/ports.js';
import { TEST_IPSTACK_KEY } from '../support/geo-builders.js';
import { listenOnLoopback, pointClientsAt } from '../support/loopback-http.js';

/** One request as the loopback SSM received it. */
interface SsmCall {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

interface SsmLoopback {
  readonly url: string;
  readonly calls: SsmCall[];
  close(): Promise<void>;
}

/**
 * Answers SSM's JSON 1.1 protocol: POST / with `X-Amz-Target: AmazonSSM.<Operation>`, a JSON body,
 * and errors as HTTP 400 with `{"__type": "<Code>", "message": ...}`.
 */
async function startSsmLoopback(parameters: Readonly<Record<string, string>>, options: { throttleFirst?: number } = {}): Promise<SsmLoopback> {
  const calls: SsmCall[] = [];
  let throttlesLeft = options.throttleFirst ?? 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const target = request.headers['x-amz-target'] as string | undefined;
      calls.push({ target, contentType: request.headers['content-type'], body });
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` });
        response.end(JSON.stringify(payload));
      };
      if (throttlesLeft > 0) {
        throttlesLeft -= 1;
        reply(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
        return;
      }
      if (target !== 'AmazonSSM.GetParameter') {
        reply(400, { __type: 'UnknownOperationException' });
        return;
      }
      const name = typeof body.Name === 'string' ? body.Name : '';
      const value = parameters[name];
      if (value === undefined) {
        reply(400, { __type: 'ParameterNotFound', message: '' });
        return;
      }
      reply(200, {
        Parameter: {
          ARN: `arn:aws:ssm:us-east-1:123456789012:parameter/${name}`,
          DataType: 'text',
          LastModifiedDate: 1_767_225_600,
          Name: name,
          Type: 'SecureString',
          Value: value,
          Version: 3,
        },
      });
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    close,
  };
}

let loopback: SsmLoopback | undefined;
let restoreEndpoint: (() => void) | undefined;

/** A real SSMClient that finds the loopback through AWS_ENDPOINT_URL_SSM, as in production. */
async function providerAgainst(parameters: Readonly<Record<string, string>>, parameterName: string, options: { throttleFirst?: number } = {}) {
  loopback = await startSsmLoopback(parameters, options);
  restoreEndpoint = pointClientsAt('SSM', loopback.url);
  const secrets = createSsmSecretProvider({ client: new SSMClient({}), parameterName, clock: systemClock, ttlMs: 60_000 });
  return { secrets, loopback };
}

afterEach(async () => {
  restoreEndpoint?.();
  restoreEndpoint = undefined;
  await loopback?.close();
  loopback = undefined;
});

describe('createSsmSecretProvider over the wire', () => {
  it('sends GetParameter with decryption in the JSON 1.1 protocol and returns the value', async () => {
    // Prepare
    const { secrets, loopback } = await providerAgainst({ 'ipstack-api-key': TEST_IPSTACK_KEY }, 'ipstack-api-key');

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe(TEST_IPSTACK_KEY);
    expect(loopback.calls).toEqual([
      { target: 'AmazonSSM.GetParameter', contentType: 'application/x-amz-json-1.1', body: { Name: 'ipstack-api-key', WithDecryption: true } },
    ]);
  });

  it('turns ParameterNotFound into SecretUnavailableError naming the parameter', async () => {
    // Prepare
    const { secrets } = await providerAgainst({}, '/appender/ipstack-key');

    // Act
    const secret = secrets.getSecret();

    // Assess
    await expect(secret).rejects.toThrow(SecretUnavailableError);
    await expect(secret).rejects.toThrow('cannot read SSM parameter "/appender/ipstack-key": ParameterNotFound');
  });

  it('lets the SDK retry a throttled call and then succeeds', async () => {
    // Prepare
    const { secrets, loopback } = await providerAgainst({ 'ipstack-api-key': TEST_IPSTACK_KEY }, 'ipstack-api-key', { throttleFirst: 1 });

    // Act
    const secret = await secrets.getSecret();

    // Assess
    expect(secret).toBe(TEST_IPSTACK_KEY);
    expect(loopback.calls).toHaveLength(2);
  });

  it('asks SSM once while the value is fresh', async () => {
    // Prepare
    const { secrets, loopback } = await providerAgainst({ 'ipstack-api-key': TEST_IPSTACK_KEY }, 'ipstack-api-key');

    // Act
    await Promise.all([secrets.getSecret(), secrets.getSecret()]);
    await secrets.getSecret();

    // Assess
    expect(loopback.calls).toHaveLength(1);
  });
});
