import type { EC2Client } from '@aws-sdk/client-ec2';
import type { GeolocationConfig } from '../config/decorator-config.js';
import { createCachedBatchLookup, type CachedBatchLookup } from '../enrich/cached-batch-lookup.js';
import type { FlowLogEnrichmentSources } from '../enrich/enrich-flow-logs.js';
import type { DecorationActivity, LookupActivity, LookupFailureCause } from '../firehose/transformation/report-decoration.js';
import type {
  Clock,
  GeoLocator,
  LookupOutcome,
  Logger,
  NetworkInterfaceSource,
  PrefixListSource,
  SecurityGroupMemberSource,
  SecurityGroupRuleSource,
} from '../ports.js';
import { createCachedGeoLocator } from './cached-geo-locator.js';
import { MAX_EC2_FILTER_VALUES_PER_CALL } from './ec2-client.js';
import { createEc2SecurityGroupMemberSource } from './ec2-group-member-source.js';
import { createEc2NetworkInterfaceSource } from './ec2-network-interface-source.js';
import { createEc2PrefixListSource } from './ec2-prefix-list-source.js';
import { createEc2SecurityGroupRuleSource } from './ec2-security-group-rule-source.js';

export interface EnrichmentCacheSettings {
  readonly interfaceCacheTtlSeconds: number;
  readonly interfaceNegativeCacheTtlSeconds: number;
  readonly rulesCacheTtlSeconds: number;
}

export interface EnrichmentSourceSettings extends EnrichmentCacheSettings {
  /** Emit the full `security_group_rules` list (the rules are read from EC2 for it). */
  readonly securityGroupRules: boolean;
  /**
   * Rule attribution. True: read the rules, prefix lists and referenced groups for it, even when
   * the rules are not listed. False: none. Absent: attribute wherever rules are read anyway.
   */
  readonly ruleAttribution?: boolean;
  readonly geolocation: GeolocationConfig;
}

/** Enrichment sources with caches kept across warm invocations, and their activity counters. */
export interface CachedEnrichment {
  readonly sources: FlowLogEnrichmentSources;
  /** Starts counting; the returned function gives what happened since (one invocation). */
  startActivity(): () => DecorationActivity;
}

/** Entries kept per cache: far above a busy account's interface count, yet bounded in memory. */
const MAX_CACHED_INTERFACES = 20_000;
const MAX_CACHED_GROUPS = 5_000;
const MAX_CACHED_PREFIX_LISTS = 1_000;
/** Prefix lists handed to the source at once; it fetches them one call each, with its own concurrency. */
const PREFIX_LISTS_PER_FETCH = 50;
/** DescribeNetworkInterfaces calls in flight at once: EC2's Describe bucket refills 20 a second. */
const EC2_CONCURRENCY = 2;

interface Counted {
  stats(): { readonly hits: number; readonly misses: number; readonly fetches: number };
}

/**
 * Puts caches in front of the network-interface and security-group sources: one batched look-up
 * per 200 distinct uncached ids, found entries kept for a TTL, unknown ids for a shorter one,
 * failures not at all, and one request in flight per id.
 */
export function createCachedEnrichment(
  settings: EnrichmentCacheSettings & Partial<Pick<EnrichmentSourceSettings, 'securityGroupRules' | 'ruleAttribution'>>,
  sources: {
    networkInterfaces: NetworkInterfaceSource;
    securityGroupRules?: SecurityGroupRuleSource;
    /** For rule attribution: expands prefix lists; without it, prefix-list rules stay undecided. */
    prefixLists?: PrefixListSource;
    /** For rule attribution: finds referenced groups' addresses; without it, those rules stay undecided. */
    securityGroupMembers?: SecurityGroupMemberSource;
    geolocation?: GeoLocator & Counted;
  },
  clock: Clock,
  geoCalls: () => number = () => sources.geolocation?.stats().fetches ?? 0,
): CachedEnrichment {
  /** A cache of EC2 look-up outcomes: found and not-found kept for their TTLs, failures never. */
  const causes = new Map<string, LookupFailureCause>();
  const noteFailure = (source: string, error: unknown): void => {
    if (!causes.has(source)) causes.set(source, failureCauseOf(source, error));
  };
  const ec2Cache = <T>(
    fetchBatch: (keys: readonly string[]) => Promise<ReadonlyMap<string, LookupOutcome<T>>>,
    { maxBatchSize, concurrency, ttlSeconds, negativeTtlSeconds, maxEntries }: { maxBatchSize: number; concurrency: number; ttlSeconds: number; negativeTtlSeconds: number; maxEntries: number },
  ): CachedBatchLookup<LookupOutcome<T>> =>
    createCachedBatchLookup<LookupOutcome<T>>({
      fetchBatch,
      maxBatchSize,
      concurrency,
      ttlMs: ttlSeconds * 1000,
      negativeTtlMs: negativeTtlSeconds * 1000,
      maxEntries,
      clock,
      positiveStatuses: ['found'],
      negativeStatuses: ['not_found'],
      missingOutcome: { status: 'not_found' },
      failureOutcome: (error) => {
        noteFailure('ec2', error);
        return { status: 'failed', reason: error instanceof Error ? error.name : String(error) };
      },
    });
  const rulesTtl = { ttlSeconds: settings.rulesCacheTtlSeconds, negativeTtlSeconds: settings.rulesCacheTtlSeconds };
  const networkInterfaces = ec2Cache((ids) => sources.networkInterfaces.describeNetworkInterfaces(ids), {
    maxBatchSize: MAX_EC2_FILTER_VALUES_PER_CALL,
    concurrency: EC2_CONCURRENCY,
    ttlSeconds: settings.interfaceCacheTtlSeconds,
    negativeTtlSeconds: settings.interfaceNegativeCacheTtlSeconds,
    maxEntries: MAX_CACHED_INTERFACES,
  });
  const ruleSource = sources.securityGroupRules;
  const securityGroupRules =
    ruleSource === undefined
      ? undefined
      : ec2Cache((groupIds) => ruleSource.describeSecurityGroupRules(groupIds), {
          maxBatchSize: MAX_EC2_FILTER_VALUES_PER_CALL,
          concurrency: EC2_CONCURRENCY,
          maxEntries: MAX_CACHED_GROUPS,
          ...rulesTtl,
        });
  const prefixListSource = sources.prefixLists;
  const prefixLists =
    prefixListSource === undefined
      ? undefined
      : ec2Cache((ids) => prefixListSource.getPrefixListEntries(ids), {
          maxBatchSize: PREFIX_LISTS_PER_FETCH,
          concurrency: 1,
          maxEntries: MAX_CACHED_PREFIX_LISTS,
          ...rulesTtl,
        });
  const memberSource = sources.securityGroupMembers;
  // Membership changes as instances come and go: kept as long as the rules, not as the interfaces.
  const securityGroupMembers =
    memberSource === undefined
      ? undefined
      : ec2Cache((groupIds) => memberSource.describeSecurityGroupMembers(groupIds), {
          maxBatchSize: MAX_EC2_FILTER_VALUES_PER_CALL,
          concurrency: EC2_CONCURRENCY,
          maxEntries: MAX_CACHED_GROUPS,
          ...rulesTtl,
        });
  const geoSource = sources.geolocation;
  const geolocation: (GeoLocator & Counted) | undefined =
    geoSource === undefined
      ? undefined
      : {
          locate: async (addresses) => {
            const outcomes = await geoSource.locate(addresses);
            for (const outcome of outcomes.values()) {
              if (outcome.status === 'failed') {
                noteFailure('geolocation', { name: 'GeolocationFailed', message: outcome.reason });
                break;
              }
            }
            return outcomes;
          },
          stats: () => geoSource.stats(),
        };
  const snapshot = (counted: Counted, calls = counted.stats().fetches): LookupActivity => {
    const { hits, misses } = counted.stats();
    return { hits, misses, calls };
  };
  const minus = (after: LookupActivity, before: LookupActivity): LookupActivity => ({
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    calls: after.calls - before.calls,
  });
  const capture = (): DecorationActivity => ({
    networkInterfaces: snapshot(networkInterfaces),
    ...(securityGroupRules === undefined ? {} : { securityGroupRules: snapshot(securityGroupRules) }),
    ...(geolocation === undefined ? {} : { geolocation: snapshot(geolocation, geoCalls()) }),
  });
  return {
    sources: {
      networkInterfaces,
      ...(securityGroupRules === undefined
        ? {}
        : { securityGroupRules, listSecurityGroupRules: settings.securityGroupRules ?? true, attributeRules: settings.ruleAttribution ?? true }),
      ...(prefixLists === undefined ? {} : { prefixLists }),
      ...(securityGroupMembers === undefined ? {} : { securityGroupMembers }),
      ...(geolocation === undefined ? {} : { geolocation }),
    },
    startActivity() {
      causes.clear();
      const before = capture();
      return () => {
        const after = capture();
        return {
          ...(causes.size === 0 ? {} : { failureCauses: [...causes.values()] }),
          networkInterfaces: minus(after.networkInterfaces, before.networkInterfaces),
          ...(after.securityGroupRules === undefined || before.securityGroupRules === undefined
            ? {}
            : { securityGroupRules: minus(after.securityGroupRules, before.securityGroupRules) }),
          ...(after.geolocation === undefined || before.geolocation === undefined
            ? {}
            : { geolocation: minus(after.geolocation, before.geolocation) }),
        };
      };
    },
  };
}

/**
 * The decorator's enrichment from its configuration: EC2 look-ups through the given client, and
 * the configured geolocation provider (the SSM client and the database are only loaded when used).
 */
export async function createDecoratorEnrichment(
  settings: EnrichmentSourceSettings,
  { ec2, clock, logger }: { ec2: EC2Client; clock: Clock; logger: Logger },
): Promise<CachedEnrichment> {
  const geo = await createGeoLocator(settings.geolocation, clock, logger);
  const cachedGeo =
    geo === undefined
      ? undefined
      : createCachedGeoLocator(geo.locator, {
          clock,
          ttlMs: geo.cacheTtlSeconds * 1000,
          ...(settings.geolocation.provider === 'ipstack' && settings.geolocation.timeBudgetMs !== undefined ? { timeBudgetMs: settings.geolocation.timeBudgetMs } : {}),
        });
  const readRules = settings.securityGroupRules || settings.ruleAttribution === true;
  const attribute = readRules && settings.ruleAttribution !== false;
  return createCachedEnrichment(
    settings,
    {
      networkInterfaces: createEc2NetworkInterfaceSource({ client: ec2 }),
      ...(readRules ? { securityGroupRules: createEc2SecurityGroupRuleSource({ client: ec2 }) } : {}),
      ...(attribute
        ? { prefixLists: createEc2PrefixListSource({ client: ec2 }), securityGroupMembers: createEc2SecurityGroupMemberSource({ client: ec2 }) }
        : {}),
      ...(cachedGeo === undefined ? {} : { geolocation: cachedGeo }),
    },
    clock,
    () => geo?.calls() ?? 0,
  );
}

/**
 * The configured geolocation provider without a cache (the SSM client and the database are only
 * loaded when used); undefined for `none`. Shared with the CLI, which puts its own cache in front.
 *
 * @example const geo = await createGeoLocator({ provider: 'mmdb', databasePath: 'GeoLite2-City.mmdb', cacheTtlSeconds: 86_400 }, systemClock, silentLogger);
 */
export async function createGeoLocator(
  config: GeolocationConfig,
  clock: Clock,
  logger: Logger,
): Promise<{ locator: GeoLocator; cacheTtlSeconds: number; calls: () => number } | undefined> {
  switch (config.provider) {
    case 'none':
      return undefined;
    case 'mmdb': {
      const { loadMmdbGeoLocator } = await import('./mmdb-geo-locator.js');
      const locator = await loadMmdbGeoLocator(config.databasePath);
      let calls = 0;
      const counting: GeoLocator = {
        locate: (addresses) => {
          calls += addresses.length;
          return locator.locate(addresses);
        },
      };
      return { locator: counting, cacheTtlSeconds: config.cacheTtlSeconds, calls: () => calls };
    }
    case 'ipstack': {
      // Loaded only when ipstack is configured: the SSM client is not free to import at cold start.
      const [{ SSMClient }, { createSsmSecretProvider }, { createIpstackGeoLocator }] = await Promise.all([
        import('@aws-sdk/client-ssm'),
        import('./ssm-secret-provider.js'),
        import('./ipstack-geo-locator.js'),
      ]);
      const apiKey = createSsmSecretProvider({ client: new SSMClient({}), parameterName: config.apiKeyParameterName, clock, ttlMs: 300_000, logger });
      const locator = createIpstackGeoLocator({
        apiKey,
        baseUrl: config.baseUrl,
        allowPlainHttp: config.allowPlainHttp,
        bulk: config.bulk,
        concurrency: config.concurrency,
        clock,
        logger,
      });
      return { locator, cacheTtlSeconds: config.cacheTtlSeconds, calls: () => locator.stats().requests };
    }
  }
}

/** Query parameters and headers that carry credentials or keys, wherever a message quotes a URL. */
const SECRET_PARAMETERS = /\b(access_key|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=[^&\s"']*/gi;
const MAX_CAUSE_MESSAGE_LENGTH = 300;

/** The name, code and message of a failure, secrets removed and the message shortened. */
export function failureCauseOf(source: string, error: unknown): LookupFailureCause {
  const details = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown };
  const name = typeof details.name === 'string' && details.name !== '' ? details.name : 'UnknownError';
  const code = typeof details.code === 'string' ? details.code : typeof details.Code === 'string' ? details.Code : undefined;
  const raw = typeof details.message === 'string' ? details.message : typeof error === 'string' ? error : 'no message';
  const message = raw.replace(SECRET_PARAMETERS, '$1=[redacted]').slice(0, MAX_CAUSE_MESSAGE_LENGTH);
  return { source, name, ...(code === undefined || code === name ? {} : { code }), message };
}
