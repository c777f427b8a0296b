import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  EC2ServiceException,
  type DescribeNetworkInterfacesCommandInput,
  type DescribeSecurityGroupRulesCommandInput,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { readSampleGeoSource, SAMPLE_GEO_DATABASE } from '../../../scripts/build-sample-geo-db.js';
import { MAX_EC2_FILTER_VALUES_PER_CALL } from '../../../src/adapters/ec2-client.js';
import { GeoDatabaseError } from '../../../src/adapters/mmdb-geo-locator.js';
import { STSClient } from '@aws-sdk/client-sts';
import { AccountRoleError, AccountRoleFailure } from '../../../src/adapters/errors.js';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { createCachedEnrichment, createEc2Enrichment, ec2ClientsForScopes, ownAccountClientForEveryScope, scopeOfFunctionArn, type EnrichmentCacheSettings } from '../../../src/composition/enrichment.js';
import { resolveEnrichmentPlan, type EnrichmentPlan } from '../../../src/config/enrichment-plan.js';
import { OTHER_ACCOUNT_SCOPE, TEST_SCOPE } from '../../support/lookup-scope.js';
import type { GeoOutcome, LookupOutcome, NetworkInterfaceInfo, NetworkInterfaceSource, SecurityGroupRule, SecurityGroupRuleSource } from '../../../src/ports.js';
import { silentLogger } from '../../../src/ports.js';
import { ec2NetworkInterface, ec2SecurityGroupRule, flowDocument, interfaceIds, networkInterfaceInfo, securityGroupRule } from '../../support/ec2-builders.js';
import { manualClock } from '../../support/geo-builders.js';

const ec2 = mockClient(EC2Client);

const CACHES: EnrichmentCacheSettings = {
  interfaceCacheTtlSeconds: 900,
  interfaceNegativeCacheTtlSeconds: 60,
  rulesCacheTtlSeconds: 300,
};

/** Interfaces only: no rule is listed or attributed. */
const PLAN: EnrichmentPlan = resolveEnrichmentPlan({ attributeRules: false });

/** Answers DescribeNetworkInterfaces like EC2: the inventory's interfaces among the filter's values. */
function answerInterfacesFrom(inventory: readonly NetworkInterface[]) {
  return (input: DescribeNetworkInterfacesCommandInput) => {
    const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'network-interface-id')?.Values ?? []);
    return { NetworkInterfaces: inventory.filter((item) => wanted.has(item.NetworkInterfaceId ?? '')) };
  };
}

function throttled(): EC2ServiceException {
  return new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: { httpStatusCode: 503 }, message: 'Request limit exceeded.' });
}

/** A NetworkInterfaceSource that knows the given ids, counting calls. */
function fakeInterfaceSource(known: readonly string[]): NetworkInterfaceSource & { readonly calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    describeNetworkInterfaces(_scope, ids) {
      calls.push([...ids]);
      return Promise.resolve(
        new Map(ids.map((id): [string, LookupOutcome<NetworkInterfaceInfo>] => [id, known.includes(id) ? { status: 'found', value: networkInterfaceInfo({ interfaceId: id }) } : { status: 'not_found' }])),
      );
    },
  };
}

function fakeRuleSource(): SecurityGroupRuleSource & { readonly calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    describeSecurityGroupRules(_scope, groupIds) {
      calls.push([...groupIds]);
      return Promise.resolve(new Map(groupIds.map((groupId): [string, LookupOutcome<readonly SecurityGroupRule[]>] => [groupId, { status: 'found', value: [securityGroupRule({ group_id: groupId })] }])));
    },
  };
}

describe('createCachedEnrichment', () => {
  it('reports the hits, misses and calls of each invocation, not the running totals', async () => {
    // Prepare
    const source = fakeInterfaceSource(['eni-00000000000000001', 'eni-00000000000000002']);
    const enrichment = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: source }, manualClock());
    const ids = ['eni-00000000000000001', 'eni-00000000000000002'];

    // Act
    const first = enrichment.startActivity();
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    const firstActivity = first();
    const second = enrichment.startActivity();
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, [...ids, 'eni-00000000000000003']);
    const secondActivity = second();

    // Assess
    expect(firstActivity).toEqual({ networkInterfaces: { hits: 0, misses: 2, calls: 1 } });
    expect(secondActivity).toEqual({ networkInterfaces: { hits: 2, misses: 1, calls: 1 } });
  });

  it('keeps a found interface for the TTL and an unknown one for the shorter negative TTL', async () => {
    const source = fakeInterfaceSource(['eni-00000000000000001']);
    const clock = manualClock();
    const enrichment = createCachedEnrichment(PLAN, { ...CACHES, interfaceCacheTtlSeconds: 900, interfaceNegativeCacheTtlSeconds: 60 }, { networkInterfaces: source }, clock);
    const ids = ['eni-00000000000000001', 'eni-0000000000000gone'];

    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    clock.advance(59_999);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    clock.advance(1);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    clock.advance(900_000);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-00000000000000001']);

    expect(source.calls).toEqual([ids, ['eni-0000000000000gone'], ['eni-00000000000000001']]);
  });

  it('does not keep a failed look-up, naming the error in the outcome', async () => {
    let calls = 0;
    const source: NetworkInterfaceSource = {
      describeNetworkInterfaces: (scope, ids) => {
        calls += 1;
        return calls === 1 ? Promise.reject(throttled()) : fakeInterfaceSource(ids).describeNetworkInterfaces(scope, ids);
      },
    };
    const enrichment = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: source }, manualClock());

    const failed = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-00000000000000001']);
    const retried = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-00000000000000001']);

    expect(failed?.get('eni-00000000000000001')).toEqual({ status: 'failed', reason: 'RequestLimitExceeded' });
    expect(retried?.get('eni-00000000000000001')).toMatchObject({ status: 'found' });
  });

  it('offers rules and geolocation only when given their sources, with their own activity', async () => {
    const rules = fakeRuleSource();
    let geoFetches = 0;
    const geolocation = {
      locate: (addresses: readonly string[]) => {
        geoFetches += 1;
        return Promise.resolve(new Map(addresses.map((address): [string, GeoOutcome] => [address, { status: 'not_found' }])));
      },
      stats: () => ({ hits: 0, misses: geoFetches, fetches: geoFetches }),
    };
    const bare = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: fakeInterfaceSource([]) }, manualClock());
    const full = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: fakeInterfaceSource([]), securityGroupRules: rules, geolocation }, manualClock(), () => geoFetches * 10);

    const activity = full.startActivity();
    await full.sources.securityGroupRules?.lookup(TEST_SCOPE, ['sg-0123456789abcdef0']);
    await full.sources.securityGroupRules?.lookup(TEST_SCOPE, ['sg-0123456789abcdef0']);
    await full.sources.geolocation?.locate(['203.0.113.25']);

    expect(Object.keys(bare.sources)).toEqual(['networkInterfaces']);
    expect(bare.startActivity()()).toEqual({ networkInterfaces: { hits: 0, misses: 0, calls: 0 } });
    expect(activity()).toEqual({
      networkInterfaces: { hits: 0, misses: 0, calls: 0 },
      securityGroupRules: { hits: 1, misses: 1, calls: 1 },
      geolocation: { hits: 0, misses: 1, calls: 10 },
    });
    expect(rules.calls).toEqual([['sg-0123456789abcdef0']]);
  });
});

describe('createEc2Enrichment', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('calls DescribeNetworkInterfaces once per 200 distinct ids on a cold batch, and not at all on a warm repeat', async () => {
    // Prepare
    const ids = interfaceIds(450);
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerInterfacesFrom(ids.map((id) => ec2NetworkInterface({ NetworkInterfaceId: id }))));
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });
    const batch = [...ids, ...ids.slice(0, 100)];

    // Act
    const cold = enrichment.startActivity();
    const outcomes = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, batch);
    const coldActivity = cold();
    const coldCalls = ec2.commandCalls(DescribeNetworkInterfacesCommand).length;
    const warm = enrichment.startActivity();
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, batch);
    const warmActivity = warm();

    // Assess
    expect(coldCalls).toBe(Math.ceil(ids.length / MAX_EC2_FILTER_VALUES_PER_CALL));
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(coldCalls);
    expect([...(outcomes?.values() ?? [])].every((outcome) => outcome.status === 'found')).toBe(true);
    expect(coldActivity.networkInterfaces).toEqual({ hits: 0, misses: 450, calls: coldCalls });
    expect(warmActivity.networkInterfaces).toEqual({ hits: 450, misses: 0, calls: 0 });
  });

  it('asks again for an unknown interface once the negative TTL has passed, but not before', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerInterfacesFrom([ec2NetworkInterface()]));
    const clock = manualClock();
    const enrichment = await createEc2Enrichment(PLAN, { ...CACHES, interfaceNegativeCacheTtlSeconds: 30 }, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock, logger: silentLogger });
    const ids = ['eni-0a1b2c3d4e5f60718', 'eni-0000000000000gone'];

    const first = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    clock.advance(29_000);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);
    clock.advance(1_000);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ids);

    expect(first?.get('eni-0000000000000gone')).toEqual({ status: 'not_found' });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).map((call) => call.args[0].input.Filters?.[0]?.Values)).toEqual([ids, ['eni-0000000000000gone']]);
  });

  it('answers eni lookups failed while EC2 throttles, and asks again on the next batch', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejectsOnce(throttled()).callsFake(answerInterfacesFrom([ec2NetworkInterface()]));
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });

    const throttledOutcomes = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718']);
    const later = await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-0a1b2c3d4e5f60718']);

    expect(throttledOutcomes?.get('eni-0a1b2c3d4e5f60718')).toEqual({ status: 'failed', reason: 'RequestLimitExceeded' });
    expect(later?.get('eni-0a1b2c3d4e5f60718')).toMatchObject({ status: 'found' });
  });

  it('reads security-group rules only when enabled, caching them per group', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input: DescribeSecurityGroupRulesCommandInput) => {
      const wanted = new Set(input.Filters?.find((filter) => filter.Name === 'group-id')?.Values ?? []);
      return { SecurityGroupRules: [ec2SecurityGroupRule()].filter((rule) => wanted.has(rule.GroupId ?? '')) };
    });
    const disabled = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });
    const enabled = await createEc2Enrichment({ ...PLAN, listRules: true }, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });

    const activity = enabled.startActivity();
    const rules = await enabled.sources.securityGroupRules?.lookup(TEST_SCOPE, ['sg-0123456789abcdef0']);
    await enabled.sources.securityGroupRules?.lookup(TEST_SCOPE, ['sg-0123456789abcdef0']);

    expect(disabled.sources).not.toHaveProperty('securityGroupRules');
    expect(rules?.get('sg-0123456789abcdef0')).toEqual({ status: 'found', value: [securityGroupRule()] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 1);
    expect(activity().securityGroupRules).toEqual({ hits: 1, misses: 1, calls: 1 });
  });

  it('geolocates from the configured MaxMind database, caching each address and counting look-ups', async () => {
    const source = await readSampleGeoSource();
    const entry = source.networks.find((network) => network.city !== undefined && network.network.startsWith('203.0.113.'));
    const address = entry?.network.split('/')[0] ?? '';
    const enrichment = await createEc2Enrichment(
      { ...PLAN, geolocation: { provider: 'mmdb', databasePath: SAMPLE_GEO_DATABASE, cacheTtlSeconds: 3600 } },
      CACHES,
      { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger },
    );

    const cold = enrichment.startActivity();
    const outcomes = await enrichment.sources.geolocation?.locate([address, '198.18.0.1']);
    const coldActivity = cold();
    const warm = enrichment.startActivity();
    await enrichment.sources.geolocation?.locate([address]);
    const warmActivity = warm();

    expect(outcomes?.get(address)).toMatchObject({ status: 'found', value: { city: entry?.city, country_code: entry?.country_code } });
    expect(outcomes?.get('198.18.0.1')).toEqual({ status: 'not_found' });
    expect(coldActivity.geolocation).toEqual({ hits: 0, misses: 2, calls: 2 });
    expect(warmActivity.geolocation).toEqual({ hits: 1, misses: 0, calls: 0 });
  });

  it('fails to start when the MaxMind database cannot be read', async () => {
    const start = createEc2Enrichment(
      { ...PLAN, geolocation: { provider: 'mmdb', databasePath: '/nonexistent/geo.mmdb', cacheTtlSeconds: 3600 } },
      CACHES,
      { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger },
    );

    await expect(start).rejects.toThrow(GeoDatabaseError);
  });

  it('makes no EC2 call until asked, and none for an empty batch', async () => {
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor: ownAccountClientForEveryScope(new EC2Client({})), clock: manualClock(), logger: silentLogger });

    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, []);

    expect(ec2).not.toHaveReceivedCommand(DescribeNetworkInterfacesCommand);
  });
});

describe('look-up scopes', () => {
  beforeEach(() => {
    ec2.reset();
  });

  it('keeps the same id of two accounts apart: each scope is asked, and cached, on its own', async () => {
    const source = fakeInterfaceSource(['eni-00000000000000001']);
    const scopes: string[] = [];
    const scoped: NetworkInterfaceSource = {
      describeNetworkInterfaces: (scope, ids) => {
        scopes.push(scope.accountId);
        return source.describeNetworkInterfaces(scope, ids);
      },
    };
    const enrichment = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: scoped }, manualClock());

    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-00000000000000001']);
    await enrichment.sources.networkInterfaces?.lookup(OTHER_ACCOUNT_SCOPE, ['eni-00000000000000001']);
    await enrichment.sources.networkInterfaces?.lookup(TEST_SCOPE, ['eni-00000000000000001']);
    await enrichment.sources.networkInterfaces?.lookup(OTHER_ACCOUNT_SCOPE, ['eni-00000000000000001']);

    expect(scopes).toEqual([TEST_SCOPE.accountId, OTHER_ACCOUNT_SCOPE.accountId]);
  });

  it('looks a record of another account up with the own account\'s EC2 client, until per-account credentials exist', async () => {
    // The one explicit decision: every scope gets the caller's own client, as before scopes existed.
    const own = new EC2Client({});
    const clientFor = ownAccountClientForEveryScope(own);
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerInterfacesFrom([ec2NetworkInterface()]));
    const enrichment = await createEc2Enrichment(PLAN, CACHES, { clientFor, clock: manualClock(), logger: silentLogger });

    const outcomes = await enrichment.sources.networkInterfaces?.lookup(OTHER_ACCOUNT_SCOPE, ['eni-0a1b2c3d4e5f60718', 'eni-0000000000000gone']);

    expect(clientFor(OTHER_ACCOUNT_SCOPE)).toBe(own);
    expect(clientFor(TEST_SCOPE)).toBe(own);
    // What the own account knows, flagged as today: found, or not_found for an id it does not hold.
    expect(outcomes?.get('eni-0a1b2c3d4e5f60718')).toMatchObject({ status: 'found' });
    expect(outcomes?.get('eni-0000000000000gone')).toEqual({ status: 'not_found' });
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 1);
  });

  it('asks the client the injected choice gives the record\'s scope, so per-account clients plug in there', async () => {
    const chosen: string[] = [];
    const client = new EC2Client({});
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(answerInterfacesFrom([ec2NetworkInterface()]));
    const enrichment = await createEc2Enrichment(PLAN, CACHES, {
      clientFor: (scope) => {
        chosen.push(`${scope.accountId}/${scope.region}`);
        return client;
      },
      clock: manualClock(),
      logger: silentLogger,
    });

    await enrichment.sources.networkInterfaces?.lookup(OTHER_ACCOUNT_SCOPE, ['eni-0a1b2c3d4e5f60718']);

    expect(chosen).toEqual([`${OTHER_ACCOUNT_SCOPE.accountId}/${OTHER_ACCOUNT_SCOPE.region}`]);
  });

  it('flags the records of an account whose role cannot be assumed account_role_failed, and names that cause apart from EC2\'s', async () => {
    const refused = new AccountRoleError(OTHER_ACCOUNT_SCOPE.accountId, AccountRoleFailure.Denied, 'AccessDenied: not authorized to perform sts:AssumeRole', {
      roleArn: `arn:aws:iam::${OTHER_ACCOUNT_SCOPE.accountId}:role/vpc-flow-log-appender-lookup`,
    });
    const own = fakeInterfaceSource(['eni-00000000000000001']);
    const source: NetworkInterfaceSource = {
      describeNetworkInterfaces: (scope, ids) => (scope.accountId === OTHER_ACCOUNT_SCOPE.accountId ? Promise.reject(refused) : own.describeNetworkInterfaces(scope, ids)),
    };
    const enrichment = createCachedEnrichment(PLAN, CACHES, { networkInterfaces: source }, manualClock());
    const activity = enrichment.startActivity();
    const documents = [
      flowDocument({ account_id: TEST_SCOPE.accountId, interface_id: 'eni-00000000000000001' }),
      flowDocument({ account_id: OTHER_ACCOUNT_SCOPE.accountId, interface_id: 'eni-00000000000000001' }),
    ];

    const enriched = await enrichFlowLogs(documents, { ...enrichment.sources, ownScope: TEST_SCOPE });

    expect(enriched.map((document) => document.enrichment_issues ?? [])).toEqual([[], ['account_role_failed']]);
    expect(activity().failureCauses?.map((cause) => cause.source)).toEqual(['account role']);
  });

  it('gives every scope the own client without look-up roles, and each other account a client of its own with them', () => {
    const own = new EC2Client({ region: TEST_SCOPE.region });
    const sts = (): STSClient => new STSClient({ region: TEST_SCOPE.region });
    const lookupAccounts = { roleArnPattern: 'arn:aws:iam::{accountId}:role/vpc-flow-log-appender-lookup' };

    const withoutRoles = ec2ClientsForScopes(own, undefined, { sts, clock: manualClock() });
    const withRoles = ec2ClientsForScopes(own, lookupAccounts, { sts, clock: manualClock() });

    expect(withoutRoles(OTHER_ACCOUNT_SCOPE)).toBe(own);
    expect(withRoles(OTHER_ACCOUNT_SCOPE)).not.toBe(own);
    expect(withRoles(OTHER_ACCOUNT_SCOPE)).toBe(withRoles(OTHER_ACCOUNT_SCOPE));
    expect(withRoles(TEST_SCOPE)).not.toBe(withRoles(OTHER_ACCOUNT_SCOPE));
  });

  it('reads the function\'s own account and Region from its ARN, and nothing from anything else', () => {
    expect(scopeOfFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:decorator')).toEqual({ accountId: '123456789012', region: 'eu-west-1' });
    expect(scopeOfFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:decorator:live')).toEqual({ accountId: '123456789012', region: 'eu-west-1' });
    expect(scopeOfFunctionArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:decorator')).toEqual({ accountId: '123456789012', region: 'cn-north-1' });
    expect(scopeOfFunctionArn('arn:aws:firehose:eu-west-1:123456789012:deliverystream/vpc')).toBeUndefined();
    expect(scopeOfFunctionArn('')).toBeUndefined();
  });

  it('builds no interface or rule look-up when the plan has nowhere to look interfaces up', async () => {
    const enrichment = await createEc2Enrichment(resolveEnrichmentPlan({ interfaces: false, listRules: true }), CACHES, {
      clientFor: ownAccountClientForEveryScope(new EC2Client({})),
      clock: manualClock(),
      logger: silentLogger,
    });

    expect(enrichment.sources).toEqual({});
    expect(enrichment.startActivity()()).toEqual({ networkInterfaces: { hits: 0, misses: 0, calls: 0 } });
  });
});
