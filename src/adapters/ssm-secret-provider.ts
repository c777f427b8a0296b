import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { silentLogger, type Clock, type Logger, type SecretProvider } from '../ports.js';
import { SecretUnavailableError } from './errors.js';
export { SecretUnavailableError } from './errors.js';

export interface SsmSecretProviderOptions {
  /** Built once per container by the composition root; its endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_SSM). */
  readonly client: SSMClient;
  readonly parameterName: string;
  readonly clock: Clock;
  /** How long a value read is reused: a rotated key is picked up within this time. */
  readonly ttlMs: number;
  /** Told once if the parameter is not a SecureString. */
  readonly logger?: Logger;
}

/**
 * Reads a secret from an SSM Parameter Store parameter (decrypted when it is a SecureString) and
 * keeps it for `ttlMs` across warm invocations. Concurrent callers share one GetParameter; a failure
 * is not kept, so the next call tries again.
 *
 * @example
 * const apiKey = createSsmSecretProvider({ client: new SSMClient({}), parameterName: 'ipstack-api-key', clock: systemClock, ttlMs: 300_000 });
 * const key = await apiKey.getSecret();
 */
export function createSsmSecretProvider(options: SsmSecretProviderOptions): SecretProvider {
  const logger = options.logger ?? silentLogger;
  let cached: { readonly value: string; readonly expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let warnedPlainText = false;

  const fetchSecret = async (): Promise<string> => {
    let output;
    try {
      output = await options.client.send(new GetParameterCommand({ Name: options.parameterName, WithDecryption: true }));
    } catch (error) {
      // SDK errors describe the request, not the parameter's value; keep only their name as detail.
      const detail = error instanceof Error ? error.name : 'unknown error';
      throw new SecretUnavailableError(options.parameterName, detail, { cause: error });
    }
    const value = output.Parameter?.Value;
    if (value === undefined || value.trim() === '') {
      throw new SecretUnavailableError(options.parameterName, 'the parameter has no value');
    }
    if (output.Parameter?.Type !== 'SecureString' && !warnedPlainText) {
      warnedPlainText = true;
      logger.warn('secret parameter is not a SecureString; store API keys encrypted', {
        parameterName: options.parameterName,
        parameterType: output.Parameter?.Type,
      });
    }
    cached = { value: value.trim(), expiresAt: options.clock.now() + options.ttlMs };
    return cached.value;
  };

  return {
    getSecret() {
      if (cached !== undefined && cached.expiresAt > options.clock.now()) {
        return Promise.resolve(cached.value);
      }
      if (inFlight === undefined) {
        inFlight = fetchSecret().finally(() => {
          inFlight = undefined;
        });
      }
      return inFlight;
    },
  };
}
