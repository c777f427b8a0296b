/**
 * The composition of the decorator's enrichment, shared by the Lambda root (decorator/), the local
 * pipeline and the CLI: the caches in front of the look-up ports, the EC2 adapters and the EC2
 * client each scope is looked up with, and the geolocation provider, all from one resolved
 * EnrichmentPlan (src/config/enrichment-plan.ts). Adapters stay implementations of ports; this
 * module is the only place that chooses and connects them.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import { createAccountEc2Clients } from '../adapters/account-ec2-clients.js';
import { createAccountRoleCredentials } from '../adapters/account-role-credentials.js';
import { createCachedGeoLocator, type CachedGeoLocator } from '../adapters/cached-geo-locator.js';
import { MAX_EC2_FILTER_VALUES_PER_CALL, type Ec2ClientForScope } from '../adapters/ec2-client.js';
import { createEc2SecurityGroupMemberSource } from '../adapters/ec2-group-member-source.js';
import { createEc2NetworkInterfaceSource } from '../adapters/ec2-network-interface-source.js';
import { createEc2PrefixListSource } from '../adapters/ec2-prefix-list-source.js';
import { createEc2SecurityGroupRuleSource } from '../adapters/ec2-security-group-rule-source.js';
import type { GeolocationConfig } from '../config/decorator-config.js';
import { planReadsRules, type EnrichmentPlan } from '../config/enrichment-plan.js';
import type { LookupAccountsConfig } from '../config/lookup-accounts-config.js';
import type { LookupScope } from '../domain/lookup-scope.js';
import { LookupScopeRefusedError } from '../errors.js';
import { createScopedCachedBatchLookup, type ScopedCachedBatchLookup } from '../enrich/cached-batch-lookup.js';
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

export interface EnrichmentCacheSettings {
  readonly interfaceCacheTtlSeconds: number;
  readonly interfaceNegativeCacheTtlSeconds: number;
  readonly rulesCacheTtlSeconds: number;
}

/** Enrichment sources with caches kept across warm invocations, and their activity counters. */
export interface CachedEnrichment {
  readonly sources: FlowLogEnrichmentSources;
  /** Starts counting; the returned function gives what happened since (one invocation). */
  startActivity(): () => DecorationActivity;
}

/**
 * The EC2 client a record of any account and Region is looked up with, today: the function's own
 * (or the CLI's), as before scopes existed. A record of another account is therefore looked up in
 * the caller's own account, and what it finds (or not) is cached under the record's scope. This is
 * the one decision per-account credentials replace (issue 17): they give another
 * `Ec2ClientForScope` to createEc2Enrichment.
 *
 * @example ownAccountClientForEveryScope(ec2)({ accountId: '210987654321', region: 'eu-west-1' }) === ec2 // true
 */
export function ownAccountClientForEveryScope(ownClient: EC2Client): Ec2ClientForScope {
  return () => ownClient;
}

/**
 * The EC2 client for each scope: with look-up roles configured (LOOKUP_ROLE_ARN_PATTERN,
 * `--role-arn-pattern`), a client per account whose credentials are the assumed role's (the own
 * account keeps its own); without, the own client for every scope. A refused account rejects its
 * calls with an AccountRoleError, which the look-up caches flag `account_role_failed`.
 *
 * @example const clientFor = ec2ClientsForScopes(ec2, config.lookupAccounts, { sts: new STSClient({}), clock: systemClock });
 */
export function ec2ClientsForScopes(
  ownClient: EC2Client,
  lookupAccounts: LookupAccountsConfig | undefined,
  { sts, clock }: { sts: () => STSClient; clock: Clock },
): Ec2ClientForScope {
  if (lookupAccounts === undefined) return ownAccountClientForEveryScope(ownClient);
  const credentials = createAccountRoleCredentials({ sts: sts(), config: lookupAccounts, ownCredentials: () => ownClient.config.credentials(), clock });
  return createAccountEc2Clients({
    credentials,
    // The own client's connection and request timeouts; AWS_ENDPOINT_URL_EC2 applies to every client.
    clientConfig: { requestHandler: ownClient.config.requestHandler },
  });
}

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/;

/**
 * The account and Region a Lambda function runs in, from its ARN (the invoked function ARN of the
 * Lambda context): where the decorator looks up records that name no account or Region.
 *
 * @example scopeOfFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:decorator') // { accountId: '123456789012', region: 'eu-west-1' }
 */
export function scopeOfFunctionArn(functionArn: string): LookupScope | undefined {
  const match = LAMBDA_FUNCTION_ARN.exec(functionArn);
  return match === null ? undefined : { accountId: match[2] as string, region: match[1] as string };
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
 * per 200 distinct uncached ids of one scope, entries kept under `scopedKey(scope, id)`, found
 * entries for a TTL, unknown ids for a shorter one, failures not at all, and one request in
 * flight per id. The plan says what the rules read are for (listed, attributed); a source the
 * plan does not use is left out by the caller.
 */
export function createCachedEnrichment(
  plan: Pick<EnrichmentPlan, 'listRules' | 'attributeRules'>,
  settings: EnrichmentCacheSettings,
  sources: {
    /** Absent when the plan looks no interface up (nowhere to look): then no rule either. */
    networkInterfaces?: NetworkInterfaceSource;
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
    fetchBatch: (scope: LookupScope, ids: readonly string[]) => Promise<ReadonlyMap<string, LookupOutcome<T>>>,
    { maxBatchSize, concurrency, ttlSeconds, negativeTtlSeconds, maxEntries }: { maxBatchSize: number; concurrency: number; ttlSeconds: number; negativeTtlSeconds: number; maxEntries: number },
  ): ScopedCachedBatchLookup<LookupOutcome<T>> =>
    createScopedCachedBatchLookup<LookupOutcome<T>>({
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
        // A refused account is its own cause: logged apart from EC2's, and flagged account_role_failed.
        if (error instanceof LookupScopeRefusedError) {
          noteFailure('account role', error);
          return { status: 'failed', reason: error.name, scopeRefused: true };
        }
        noteFailure('ec2', error);
        return { status: 'failed', reason: error instanceof Error ? error.name : String(error) };
      },
    });
  const rulesTtl = { ttlSeconds: settings.rulesCacheTtlSeconds, negativeTtlSeconds: settings.rulesCacheTtlSeconds };
  const interfaceSource = sources.networkInterfaces;
  const networkInterfaces =
    interfaceSource === undefined
      ? undefined
      : ec2Cache((scope, ids) => interfaceSource.describeNetworkInterfaces(scope, ids), {
          maxBatchSize: MAX_EC2_FILTER_VALUES_PER_CALL,
          concurrency: EC2_CONCURRENCY,
          ttlSeconds: settings.interfaceCacheTtlSeconds,
          negativeTtlSeconds: settings.interfaceNegativeCacheTtlSeconds,
          maxEntries: MAX_CACHED_INTERFACES,
        });
  // Rules are read for the groups of the interfaces found: without interfaces there are none to read.
  const ruleSource = interfaceSource === undefined ? undefined : sources.securityGroupRules;
  const securityGroupRules =
    ruleSource === undefined
      ? undefined
      : ec2Cache((scope, groupIds) => ruleSource.describeSecurityGroupRules(scope, groupIds), {
          maxBatchSize: MAX_EC2_FILTER_VALUES_PER_CALL,
          concurrency: EC2_CONCURRENCY,
          maxEntries: MAX_CACHED_GROUPS,
          ...rulesTtl,
        });
  const prefixListSource = sources.prefixLists;
  const prefixLists =
    prefixListSource === undefined
      ? undefined
      : ec2Cache((scope, ids) => prefixListSource.getPrefixListEntries(scope, ids), {
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
      : ec2Cache((scope, groupIds) => memberSource.describeSecurityGroupMembers(scope, groupIds), {
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
  const snapshot = (counted: Counted | undefined, calls = counted?.stats().fetches ?? 0): LookupActivity => {
    const { hits, misses } = counted?.stats() ?? { hits: 0, misses: 0 };
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
      ...(networkInterfaces === undefined ? {} : { networkInterfaces }),
      ...(securityGroupRules === undefined
        ? {}
        : { securityGroupRules, listRules: plan.listRules, attributeRules: plan.attributeRules }),
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
 * The enrichment a plan asks for, looked up in EC2 as the decorator does: the network-interface
 * source when the plan looks interfaces up, the rule source when it lists or attributes rules,
 * prefix lists and group members when it attributes, and the configured geolocation provider
 * (the SSM client and the database are only loaded when used). Each look-up goes through the
 * client `clientFor` gives its scope.
 *
 * @example const enrichment = await createEc2Enrichment(config.enrichment, config, { clientFor: ownAccountClientForEveryScope(ec2), clock: systemClock, logger });
 */
export async function createEc2Enrichment(
  plan: EnrichmentPlan,
  caches: EnrichmentCacheSettings,
  { clientFor, clock, logger }: { clientFor: Ec2ClientForScope; clock: Clock; logger: Logger },
): Promise<CachedEnrichment> {
  const geo = await createCachedGeolocation(plan.geolocation, clock, logger);
  const cachedGeo = geo?.locator;
  const readRules = planReadsRules(plan);
  return createCachedEnrichment(
    plan,
    caches,
    {
      ...(plan.interfaces ? { networkInterfaces: createEc2NetworkInterfaceSource({ client: clientFor }) } : {}),
      ...(readRules ? { securityGroupRules: createEc2SecurityGroupRuleSource({ client: clientFor }) } : {}),
      ...(readRules && plan.attributeRules
        ? { prefixLists: createEc2PrefixListSource({ client: clientFor }), securityGroupMembers: createEc2SecurityGroupMemberSource({ client: clientFor }) }
        : {}),
      ...(cachedGeo === undefined ? {} : { geolocation: cachedGeo }),
    },
    clock,
    () => geo?.calls() ?? 0,
  );
}

/**
 * The configured geolocation provider behind its cache (TTL and, for ipstack, the batch's time
 * budget from the configuration), with the provider's own call count; undefined for `none`.
 *
 * @example const geo = await createCachedGeolocation({ provider: 'mmdb', databasePath: 'GeoLite2-City.mmdb', cacheTtlSeconds: 86_400 }, clock, logger);
 */
export async function createCachedGeolocation(config: GeolocationConfig, clock: Clock, logger: Logger): Promise<{ locator: CachedGeoLocator; calls: () => number } | undefined> {
  const geo = await createGeoLocator(config, clock, logger);
  if (geo === undefined) return undefined;
  const locator = createCachedGeoLocator(geo.locator, {
    clock,
    ttlMs: geo.cacheTtlSeconds * 1000,
    ...(config.provider === 'ipstack' && config.timeBudgetMs !== undefined ? { timeBudgetMs: config.timeBudgetMs } : {}),
  });
  return { locator, calls: geo.calls };
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
      const { loadMmdbGeoLocator } = await import('../adapters/mmdb-geo-locator.js');
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
        import('../adapters/ssm-secret-provider.js'),
        import('../adapters/ipstack-geo-locator.js'),
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
