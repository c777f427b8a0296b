import { ENRICHMENT_DEFAULTS } from '../enrich/enrichment-defaults.js';
import { ENRICHMENT_ONLY_KEYS } from '../enrich/enriched-flow-log.js';
import { parseFormatString, type FlowLogFormat } from '../flow-log/flow-log-format.js';
import { DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES, MAX_TRANSFORMATION_RESPONSE_BYTES } from '../firehose/transformation/firehose-limits.js';
import { resolveEnrichmentPlan, type EnrichmentPlan } from './enrichment-plan.js';
import { OUTPUT_SCHEMAS, OutputSchema } from '../output-schema/output-schema.js';
import { S3_LAYOUTS, S3Layout } from '../firehose/transformation/partition-keys.js';
import { createEnvReader, type Environment } from './env-reader.js';
import { readLookupAccountsConfig, type LookupAccountsConfig } from './lookup-accounts-config.js';
import { readObservabilityConfig, type ObservabilityConfig } from './observability-config.js';

export const GeoProvider = {
  None: 'none',
  Ipstack: 'ipstack',
  Mmdb: 'mmdb',
} as const;
export type GeoProvider = (typeof GeoProvider)[keyof typeof GeoProvider];

export type GeolocationConfig =
  | { readonly provider: 'none' }
  | {
      readonly provider: 'ipstack';
      /** SSM parameter (SecureString) holding the ipstack access key. */
      readonly apiKeyParameterName: string;
      readonly baseUrl: string;
      readonly allowPlainHttp: boolean;
      /** Bulk Lookup (paid ipstack plans): up to 50 addresses a request. */
      readonly bulk: boolean;
      readonly concurrency: number;
      readonly cacheTtlSeconds: number;
      /**
       * How long a batch waits for its look-ups; the rest go out without geolocation (`geo_failed`).
       * Absent (the CLI): every answer is awaited.
       */
      readonly timeBudgetMs?: number;
    }
  | { readonly provider: 'mmdb'; readonly databasePath: string; readonly cacheTtlSeconds: number };

export interface DecoratorConfig extends ObservabilityConfig {
  /** Undefined: the default format. Header lines in the data always take precedence. */
  readonly format?: FlowLogFormat;
  readonly trailingNewline: boolean;
  readonly responseBudgetBytes: number;
  /** The schema documents are written in (OUTPUT_SCHEMA: native, ecs or ocsf; default native). */
  readonly schema: OutputSchema;
  /**
   * S3_LAYOUT: with `security-lake`, `region`, `accountId` and `eventDay` go back with each Ok
   * record for Firehose's dynamic partitioning; default `stack-bucket` (nothing per record).
   */
  readonly s3Layout: S3Layout;
  /**
   * The stages the decorator runs: interfaces always; `listRules` from SECURITY_GROUP_RULES and
   * `attributeRules` from RULE_ATTRIBUTION (defaults in ENRICHMENT_DEFAULTS); the geolocation
   * provider from GEO_PROVIDER and its variables.
   */
  readonly enrichment: EnrichmentPlan;
  readonly interfaceCacheTtlSeconds: number;
  readonly interfaceNegativeCacheTtlSeconds: number;
  readonly rulesCacheTtlSeconds: number;
  /** Look-ups in each record's own account through a role (issue 17); absent: the function's own account only. */
  readonly lookupAccounts?: LookupAccountsConfig;
}

const DAY_SECONDS = 86_400;

/**
 * Reads the decorator's configuration from its environment, listing every problem at once.
 * Every variable is documented in the README and set by template.yaml.
 *
 * @example loadDecoratorConfig(process.env).geolocation.provider // 'none'
 */
export function loadDecoratorConfig(environment: Environment): DecoratorConfig {
  const env = createEnvReader(environment);
  const formatText = env.optionalString('FLOW_LOG_FORMAT');
  let format: FlowLogFormat | undefined;
  if (formatText !== undefined) {
    const parsed = parseFormatString(formatText);
    const reserved = parsed.ok ? parsed.value.fields.find((field) => ENRICHMENT_ONLY_KEYS.has(field.key)) : undefined;
    if (!parsed.ok) env.problem(`FLOW_LOG_FORMAT: ${parsed.error.message}`);
    else if (reserved !== undefined) env.problem(`FLOW_LOG_FORMAT: ${reserved.name} is a field the decorator adds; a record cannot carry it`);
    else format = parsed.value;
  }
  const provider = env.oneOf('GEO_PROVIDER', Object.values(GeoProvider), GeoProvider.None);
  const geoCacheTtlSeconds = env.integer('GEO_CACHE_TTL_SECONDS', { defaultValue: DAY_SECONDS, min: 0 });
  let geolocation: GeolocationConfig = { provider: GeoProvider.None };
  if (provider === GeoProvider.Ipstack) {
    const baseUrl = env.string('IPSTACK_BASE_URL', 'https://api.ipstack.com');
    const allowPlainHttp = env.boolean('IPSTACK_ALLOW_PLAIN_HTTP', false);
    if (!/^https?:\/\/[^/]+/.test(baseUrl)) env.problem(`IPSTACK_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
    else if (baseUrl.startsWith('http://') && !allowPlainHttp) env.problem('IPSTACK_BASE_URL uses plain HTTP; set IPSTACK_ALLOW_PLAIN_HTTP=true to allow it');
    geolocation = {
      provider,
      apiKeyParameterName: env.string('IPSTACK_API_KEY_PARAMETER', 'ipstack-api-key'),
      baseUrl,
      allowPlainHttp,
      bulk: env.boolean('IPSTACK_BULK', false),
      concurrency: env.integer('GEO_CONCURRENCY', { defaultValue: 4, min: 1, max: 64 }),
      cacheTtlSeconds: geoCacheTtlSeconds,
      // A cold cache meeting thousands of new addresses must not take the whole batch past the
      // function's timeout (120 s in the template; Firehose allows a transformation 5 minutes):
      // keep the budget well below it, which the environment alone cannot check.
      timeBudgetMs: env.integer('GEO_TIME_BUDGET_MS', { defaultValue: 20_000, min: 100, max: 240_000 }),
    };
  } else if (provider === GeoProvider.Mmdb) {
    const databasePath = env.optionalString('GEO_DATABASE_PATH');
    if (databasePath === undefined) env.problem('GEO_DATABASE_PATH is required when GEO_PROVIDER is mmdb');
    geolocation = { provider, databasePath: databasePath ?? '', cacheTtlSeconds: geoCacheTtlSeconds };
  }
  const config: DecoratorConfig = {
    ...(format === undefined ? {} : { format }),
    trailingNewline: env.boolean('APPEND_NEWLINE', false),
    responseBudgetBytes: env.integer('RESPONSE_BUDGET_BYTES', {
      defaultValue: DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES,
      min: 100_000,
      max: MAX_TRANSFORMATION_RESPONSE_BYTES,
    }),
    enrichment: resolveEnrichmentPlan({
      interfaces: true,
      listRules: env.boolean('SECURITY_GROUP_RULES', ENRICHMENT_DEFAULTS.listRules),
      attributeRules: env.boolean('RULE_ATTRIBUTION', ENRICHMENT_DEFAULTS.attributeRules),
      geolocation,
    }),
    schema: env.oneOf('OUTPUT_SCHEMA', OUTPUT_SCHEMAS, OutputSchema.Native),
    s3Layout: env.oneOf('S3_LAYOUT', S3_LAYOUTS, S3Layout.StackBucket),
    interfaceCacheTtlSeconds: env.integer('ENI_CACHE_TTL_SECONDS', { defaultValue: 900, min: 0 }),
    interfaceNegativeCacheTtlSeconds: env.integer('ENI_NEGATIVE_CACHE_TTL_SECONDS', { defaultValue: 60, min: 0 }),
    rulesCacheTtlSeconds: env.integer('SG_RULES_CACHE_TTL_SECONDS', { defaultValue: 300, min: 0 }),
    ...readObservabilityConfig(env, 'vpc-flow-log-decorator'),
  };
  // A Security Lake custom source holds one OCSF event class: the layout only makes sense for OCSF.
  if (config.s3Layout === S3Layout.SecurityLake && config.schema !== OutputSchema.Ocsf) {
    env.problem(`S3_LAYOUT security-lake is the layout of a Security Lake custom source, which reads OCSF: set OUTPUT_SCHEMA=ocsf (got ${config.schema})`);
  }
  const lookupAccounts = readLookupAccountsConfig(env);
  env.assertValid();
  return lookupAccounts === undefined ? config : { ...config, lookupAccounts };
}

