// The environment variables each Lambda reads, found in its configuration module, for the tests
// that hold template.yaml, events/env.json and the README to them.
import { readFileSync } from 'node:fs';

const OBSERVABILITY_CONFIG = 'src/config/observability-config.ts';
const LOOKUP_ACCOUNTS_CONFIG = 'src/config/lookup-accounts-config.ts';

/** The functions of the stack: logical id in template.yaml and events/env.json, and configuration module. */
export const FUNCTION_CONFIGS = [
  { logicalId: 'IngestorFunction', configPath: 'src/config/ingestor-config.ts' },
  { logicalId: 'DecoratorFunction', configPath: 'src/config/decorator-config.ts' },
  { logicalId: 'ReporterFunction', configPath: 'src/config/reporter-config.ts' },
] as const;

/**
 * Variables the runtime reads rather than the function's code (Node.js options, e.g. heap tuning the
 * decorator benchmark measures with): the template may set them without a configuration module
 * reading them.
 */
export const RUNTIME_VARIABLES: readonly string[] = ['NODE_OPTIONS'];

/**
 * Names a configuration module reads through the env reader (`env.integer('NAME', ...)` and the
 * like), with the shared observability variables when it reads those.
 *
 * @example variablesReadBy('src/config/ingestor-config.ts') // ['DELIVERY_STREAM_NAME', 'POWERTOOLS_LOG_LEVEL', ...]
 */
export function variablesReadBy(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  const names = [...source.matchAll(/\benv\.(?:requiredString|optionalString|string|integer|boolean|oneOf)\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1] ?? '');
  const callsObservability = path !== OBSERVABILITY_CONFIG && /\breadObservabilityConfig\(/.test(source);
  const callsLookupAccounts = path !== LOOKUP_ACCOUNTS_CONFIG && /\breadLookupAccountsConfig\(/.test(source);
  return [
    ...new Set([...names, ...(callsObservability ? variablesReadBy(OBSERVABILITY_CONFIG) : []), ...(callsLookupAccounts ? variablesReadBy(LOOKUP_ACCOUNTS_CONFIG) : [])]),
  ].sort();
}
