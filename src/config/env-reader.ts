import { ConfigurationError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads environment variables and collects every problem instead of stopping at the first, so a
 * misconfigured function says everything that is wrong in one cold start.
 *
 * @example
 * const env = createEnvReader(process.env);
 * const config = { stream: env.requiredString('DELIVERY_STREAM_NAME'), retries: env.integer('MAX_RETRIES', { defaultValue: 3, min: 0 }) };
 * env.assertValid(); // throws ConfigurationError listing every problem
 */
export function createEnvReader(environment: Environment) {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = environment[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    requiredString(name: string): string {
      const value = raw(name);
      if (value === undefined) {
        problems.push(`${name} is required`);
        return '';
      }
      return value;
    },
    optionalString(name: string): string | undefined {
      return raw(name);
    },
    string(name: string, defaultValue: string): string {
      return raw(name) ?? defaultValue;
    },
    integer(name: string, { defaultValue, min, max }: { defaultValue: number; min?: number; max?: number }): number {
      const value = raw(name);
      if (value === undefined) {
        return defaultValue;
      }
      const parsed = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
        problems.push(`${name} must be an integer, got "${value}"`);
        return defaultValue;
      }
      if ((min !== undefined && parsed < min) || (max !== undefined && parsed > max)) {
        problems.push(`${name} must be between ${min ?? '-∞'} and ${max ?? '∞'}, got ${parsed}`);
        return defaultValue;
      }
      return parsed;
    },
    boolean(name: string, defaultValue: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return defaultValue;
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      problems.push(`${name} must be true or false, got "${value}"`);
      return defaultValue;
    },
    oneOf<const T extends string>(name: string, allowed: readonly T[], defaultValue: T): T {
      const value = raw(name);
      if (value === undefined) return defaultValue;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return defaultValue;
    },
    /** Records a problem found by a check of its own (a value that parses but does not make sense). */
    problem(message: string): void {
      problems.push(message);
    },
    assertValid(): void {
      if (problems.length > 0) {
        throw new ConfigurationError(problems);
      }
    },
  };
}

export type EnvReader = ReturnType<typeof createEnvReader>;
