import { describe, expect, it } from 'vitest';
import { loadDecoratorConfig } from '../../../src/config/decorator-config.js';
import type { Environment } from '../../../src/config/env-reader.js';
import { DEFAULT_METRICS_NAMESPACE } from '../../../src/config/observability-config.js';
import { ConfigurationError } from '../../../src/errors.js';
import { DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES, MAX_TRANSFORMATION_RESPONSE_BYTES } from '../../../src/firehose/transformation/firehose-limits.js';

/** The problems `loadDecoratorConfig` lists for an environment, or [] when it loads. */
function problemsOf(environment: Environment): readonly string[] {
  try {
    loadDecoratorConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
}

describe('loadDecoratorConfig', () => {
  it('needs no variable at all: the default format, no newline, no rules, no geolocation', () => {
    // Act
    const config = loadDecoratorConfig({});

    // Assess
    expect(config).toEqual({
      trailingNewline: false,
      responseBudgetBytes: DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES,
      schema: 'native',
      s3Layout: 'stack-bucket',
      enrichment: { interfaces: true, listRules: false, attributeRules: true, geolocation: { provider: 'none' } },
      interfaceCacheTtlSeconds: 900,
      interfaceNegativeCacheTtlSeconds: 60,
      rulesCacheTtlSeconds: 300,
      serviceName: 'vpc-flow-log-decorator',
      metricsNamespace: DEFAULT_METRICS_NAMESPACE,
    });
  });

  it('reads every variable it is given', () => {
    const config = loadDecoratorConfig({
      FLOW_LOG_FORMAT: '${version} ${interface-id} ${srcaddr} ${dstaddr} ${flow-direction}',
      APPEND_NEWLINE: 'true',
      RESPONSE_BUDGET_BYTES: '4000000',
      OUTPUT_SCHEMA: 'ocsf',
      S3_LAYOUT: 'security-lake',
      SECURITY_GROUP_RULES: 'yes',
      RULE_ATTRIBUTION: 'false',
      ENI_CACHE_TTL_SECONDS: '600',
      ENI_NEGATIVE_CACHE_TTL_SECONDS: '0',
      SG_RULES_CACHE_TTL_SECONDS: '120',
      GEO_PROVIDER: 'ipstack',
      GEO_CACHE_TTL_SECONDS: '3600',
      IPSTACK_API_KEY_PARAMETER: '/appender/ipstack',
      IPSTACK_BASE_URL: 'https://api.ipstack.example',
      IPSTACK_BULK: 'on',
      GEO_CONCURRENCY: '8',
      GEO_TIME_BUDGET_MS: '5000',
      POWERTOOLS_SERVICE_NAME: 'decorate',
      POWERTOOLS_METRICS_NAMESPACE: 'Flows',
      POWERTOOLS_LOG_LEVEL: 'warn',
    });

    const { format, ...rest } = config;
    expect(format?.text).toBe('${version} ${interface-id} ${srcaddr} ${dstaddr} ${flow-direction}');
    expect(format?.fields.map((field) => field.name)).toEqual(['version', 'interface-id', 'srcaddr', 'dstaddr', 'flow-direction']);
    expect(rest).toEqual({
      trailingNewline: true,
      responseBudgetBytes: 4_000_000,
      schema: 'ocsf',
      s3Layout: 'security-lake',
      enrichment: {
        interfaces: true,
        listRules: true,
        attributeRules: false,
        geolocation: {
          provider: 'ipstack',
          apiKeyParameterName: '/appender/ipstack',
          baseUrl: 'https://api.ipstack.example',
          allowPlainHttp: false,
          bulk: true,
          concurrency: 8,
          cacheTtlSeconds: 3600,
          timeBudgetMs: 5000,
        },
      },
      interfaceCacheTtlSeconds: 600,
      interfaceNegativeCacheTtlSeconds: 0,
      rulesCacheTtlSeconds: 120,
      serviceName: 'decorate',
      metricsNamespace: 'Flows',
      logLevel: 'WARN',
    });
  });

  it('defaults ipstack to HTTPS, the standard parameter name, standard lookups, a day of cache and 20 s a batch', () => {
    const config = loadDecoratorConfig({ GEO_PROVIDER: 'ipstack' });

    expect(config.enrichment.geolocation).toEqual({
      provider: 'ipstack',
      apiKeyParameterName: 'ipstack-api-key',
      baseUrl: 'https://api.ipstack.com',
      allowPlainHttp: false,
      bulk: false,
      concurrency: 4,
      cacheTtlSeconds: 86_400,
      timeBudgetMs: 20_000,
    });
  });

  it('refuses ipstack over plain HTTP unless IPSTACK_ALLOW_PLAIN_HTTP says so', () => {
    const plain = { GEO_PROVIDER: 'ipstack', IPSTACK_BASE_URL: 'http://api.ipstack.com' };

    expect(problemsOf(plain)).toEqual(['IPSTACK_BASE_URL uses plain HTTP; set IPSTACK_ALLOW_PLAIN_HTTP=true to allow it']);
    expect(loadDecoratorConfig({ ...plain, IPSTACK_ALLOW_PLAIN_HTTP: 'true' }).enrichment.geolocation).toMatchObject({ baseUrl: 'http://api.ipstack.com', allowPlainHttp: true });
  });

  it('refuses an ipstack base URL that is not http(s)', () => {
    expect(problemsOf({ GEO_PROVIDER: 'ipstack', IPSTACK_BASE_URL: 'ftp://api.ipstack.com' })).toEqual(['IPSTACK_BASE_URL must be an http(s) URL, got "ftp://api.ipstack.com"']);
  });

  it('ignores the ipstack settings when another provider is chosen', () => {
    const config = loadDecoratorConfig({ IPSTACK_BASE_URL: 'http://api.ipstack.com', IPSTACK_BULK: 'true' });

    expect(config.enrichment.geolocation).toEqual({ provider: 'none' });
  });

  it('reads the database path and cache TTL of the mmdb provider', () => {
    const config = loadDecoratorConfig({ GEO_PROVIDER: 'mmdb', GEO_DATABASE_PATH: '/opt/geo/GeoLite2-City.mmdb', GEO_CACHE_TTL_SECONDS: '60' });

    expect(config.enrichment.geolocation).toEqual({ provider: 'mmdb', databasePath: '/opt/geo/GeoLite2-City.mmdb', cacheTtlSeconds: 60 });
  });

  it('lists a bad SECURITY_GROUP_RULES or RULE_ATTRIBUTION with the other problems, as every boolean', () => {
    expect(problemsOf({ SECURITY_GROUP_RULES: 'maybe', RULE_ATTRIBUTION: '2' })).toEqual([
      'SECURITY_GROUP_RULES must be true or false, got "maybe"',
      'RULE_ATTRIBUTION must be true or false, got "2"',
    ]);
  });

  it('requires GEO_DATABASE_PATH when the provider is mmdb', () => {
    expect(problemsOf({ GEO_PROVIDER: 'mmdb' })).toEqual(['GEO_DATABASE_PATH is required when GEO_PROVIDER is mmdb']);
    expect(problemsOf({ GEO_PROVIDER: 'mmdb', GEO_DATABASE_PATH: '   ' })).toEqual(['GEO_DATABASE_PATH is required when GEO_PROVIDER is mmdb']);
  });

  it('accepts a response budget of exactly the 6,000,000-byte limit and refuses one byte more', () => {
    expect(loadDecoratorConfig({ RESPONSE_BUDGET_BYTES: String(MAX_TRANSFORMATION_RESPONSE_BYTES) }).responseBudgetBytes).toBe(6_000_000);
    expect(problemsOf({ RESPONSE_BUDGET_BYTES: '6000001' })).toEqual(['RESPONSE_BUDGET_BYTES must be between 100000 and 6000000, got 6000001']);
  });

  it('refuses a response budget too small to hold a useful batch', () => {
    expect(problemsOf({ RESPONSE_BUDGET_BYTES: '99999' })).toEqual(['RESPONSE_BUDGET_BYTES must be between 100000 and 6000000, got 99999']);
  });

  it('writes the native schema unless OUTPUT_SCHEMA names ecs or ocsf', () => {
    expect(loadDecoratorConfig({}).schema).toBe('native');
    expect(loadDecoratorConfig({ OUTPUT_SCHEMA: 'ecs' }).schema).toBe('ecs');
    expect(loadDecoratorConfig({ OUTPUT_SCHEMA: 'ocsf' }).schema).toBe('ocsf');
    expect(problemsOf({ OUTPUT_SCHEMA: 'ECS' })).toEqual(['OUTPUT_SCHEMA must be one of native, ecs, ocsf, got "ECS"']);
  });

  it('returns no partition keys unless S3_LAYOUT names the Security Lake layout, which is for OCSF documents only', () => {
    expect(loadDecoratorConfig({}).s3Layout).toBe('stack-bucket');
    expect(loadDecoratorConfig({ OUTPUT_SCHEMA: 'ocsf', S3_LAYOUT: 'security-lake' }).s3Layout).toBe('security-lake');
    expect(problemsOf({ S3_LAYOUT: 'security-lake' })).toEqual([
      'S3_LAYOUT security-lake is the layout of a Security Lake custom source, which reads OCSF: set OUTPUT_SCHEMA=ocsf (got native)',
    ]);
    expect(problemsOf({ S3_LAYOUT: 'hive' })).toEqual(['S3_LAYOUT must be one of stack-bucket, security-lake, got "hive"']);
  });

  it('refuses a format string that does not parse, saying why', () => {
    expect(problemsOf({ FLOW_LOG_FORMAT: '${srcaddr} ${srcaddr}' })).toEqual(['FLOW_LOG_FORMAT: the field "srcaddr" appears twice']);
  });

  it('refuses a FLOW_LOG_FORMAT naming a field the decorator adds, or a misspelt field, suggesting the nearest', () => {
    expect(problemsOf({ FLOW_LOG_FORMAT: '${srcaddr} ${enrichment-issues}' })).toEqual(['FLOW_LOG_FORMAT: "enrichment-issues" is not a flow-log field']);
    expect(problemsOf({ FLOW_LOG_FORMAT: '${srcaddr} ${dst-port}' })).toEqual(['FLOW_LOG_FORMAT: "dst-port" is not a flow-log field; did you mean ${dstport}?']);
  });

  it('lists every problem at once in one ConfigurationError', () => {
    const environment = {
      FLOW_LOG_FORMAT: 'srcaddr dstaddr',
      GEO_PROVIDER: 'maxmind',
      GEO_CACHE_TTL_SECONDS: '-1',
      APPEND_NEWLINE: 'sometimes',
      RESPONSE_BUDGET_BYTES: '6 MB',
      OUTPUT_SCHEMA: 'parquet',
      SECURITY_GROUP_RULES: 'enabled',
      ENI_CACHE_TTL_SECONDS: '15m',
      ENI_NEGATIVE_CACHE_TTL_SECONDS: '-60',
      SG_RULES_CACHE_TTL_SECONDS: '1.5',
      POWERTOOLS_LOG_LEVEL: 'chatty',
    };

    expect(() => loadDecoratorConfig(environment)).toThrow(ConfigurationError);
    expect(problemsOf(environment)).toEqual([
      'FLOW_LOG_FORMAT: "srcaddr" is not a field of the form ${field-name}',
      'GEO_PROVIDER must be one of none, ipstack, mmdb, got "maxmind"',
      'GEO_CACHE_TTL_SECONDS must be between 0 and ∞, got -1',
      'APPEND_NEWLINE must be true or false, got "sometimes"',
      'RESPONSE_BUDGET_BYTES must be an integer, got "6 MB"',
      'SECURITY_GROUP_RULES must be true or false, got "enabled"',
      'OUTPUT_SCHEMA must be one of native, ecs, ocsf, got "parquet"',
      'ENI_CACHE_TTL_SECONDS must be an integer, got "15m"',
      'ENI_NEGATIVE_CACHE_TTL_SECONDS must be between 0 and ∞, got -60',
      'SG_RULES_CACHE_TTL_SECONDS must be an integer, got "1.5"',
      'POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got "CHATTY"',
    ]);
  });

  it('lists the ipstack problems with the others', () => {
    const environment = { GEO_PROVIDER: 'ipstack', IPSTACK_BASE_URL: 'http://api.ipstack.com', IPSTACK_BULK: 'maybe', GEO_CONCURRENCY: '0', GEO_TIME_BUDGET_MS: '900000', APPEND_NEWLINE: '2' };

    expect(problemsOf(environment)).toEqual([
      'IPSTACK_BASE_URL uses plain HTTP; set IPSTACK_ALLOW_PLAIN_HTTP=true to allow it',
      'IPSTACK_BULK must be true or false, got "maybe"',
      'GEO_CONCURRENCY must be between 1 and 64, got 0',
      'GEO_TIME_BUDGET_MS must be between 100 and 240000, got 900000',
      'APPEND_NEWLINE must be true or false, got "2"',
    ]);
  });
});
