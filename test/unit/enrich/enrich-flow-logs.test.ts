import { describe, expect, it } from 'vitest';
import { enrichFlowLogs, lookupScopeOf, UNNAMED_SCOPE } from '../../../src/enrich/enrich-flow-logs.js';
import type { NetworkInterfaceInfo, SecurityGroupRule } from '../../../src/ports.js';
import { flowDocument, networkInterfaceInfo, securityGroupRule, without } from '../../support/ec2-builders.js';
import { mapLookup } from '../../support/firehose-builders.js';
import { geoLocation, fixedGeoLocator } from '../../support/geo-builders.js';
import { ENRICHMENT_DEFAULTS } from '../../../src/enrich/enrichment-defaults.js';
import { OTHER_ACCOUNT_SCOPE, TEST_SCOPE } from '../../support/lookup-scope.js';

const ENI = 'eni-0a1b2c3d4e5f60718';
const GROUP = 'sg-0123456789abcdef0';

/** The default interface, found, with the address flowDocument() sends to. */
function knownInterface(overrides: Parameters<typeof networkInterfaceInfo>[0] = {}) {
  return mapLookup({ [ENI]: { status: 'found', value: networkInterfaceInfo(overrides) } });
}


describe('enrichFlowLogs', () => {
  it('enriches the documents in place and returns them', async () => {
    // Prepare
    const documents = [flowDocument()];

    // Act
    const enriched = await enrichFlowLogs(documents, { networkInterfaces: knownInterface() });

    // Assess
    expect(enriched[0]).toBe(documents[0]);
    expect(documents[0]).toHaveProperty('security_group_ids', [GROUP]);
  });

  it('leaves documents as parsed when no source is configured', async () => {
    const documents = [flowDocument()];

    await enrichFlowLogs(documents, {});

    expect(documents).toEqual([flowDocument()]);
  });

  it('adds the groups, interface type, VPC, subnet and instance of a found interface, and the direction', async () => {
    const documents = [flowDocument()];

    await enrichFlowLogs(documents, { networkInterfaces: knownInterface({ securityGroups: [{ groupId: GROUP, groupName: 'web' }, { groupId: 'sg-0fedcba9876543210' }] }) });

    expect(documents[0]).toEqual({
      ...flowDocument(),
      security_group_ids: [GROUP, 'sg-0fedcba9876543210'],
      security_group_names: ['web', ''],
      interface_type: 'interface',
      vpc_id: 'vpc-0a1b2c3d',
      subnet_id: 'subnet-0a1b2c3d',
      instance_id: 'i-0123456789abcdef0',
      direction: 'ingress',
    });
  });

  it('keeps the VPC, subnet and instance a record carries rather than today’s inventory', async () => {
    const documents = [flowDocument({ vpc_id: 'vpc-0000000a', subnet_id: 'subnet-0000000a', instance_id: 'i-0000000000000000a' })];

    await enrichFlowLogs(documents, { networkInterfaces: knownInterface() });

    expect(documents[0]).toMatchObject({ vpc_id: 'vpc-0000000a', subnet_id: 'subnet-0000000a', instance_id: 'i-0000000000000000a' });
  });

  it('looks every distinct interface up once per batch, and not at all when no record names one', async () => {
    const interfaces = mapLookup<NetworkInterfaceInfo>({});
    const documents = [flowDocument(), flowDocument({ interface_id: 'eni-00000000000000002' }), flowDocument()];
    const noInterface = mapLookup<NetworkInterfaceInfo>({});
    const withoutInterface = without(flowDocument(), 'interface_id');

    await enrichFlowLogs(documents, { networkInterfaces: interfaces });
    await enrichFlowLogs([withoutInterface], { networkInterfaces: noInterface });

    expect(interfaces.requested).toEqual([[ENI, 'eni-00000000000000002']]);
    expect(noInterface.requested).toEqual([]);
  });

  it('infers egress from a secondary private address of the interface', async () => {
    const documents = [flowDocument({ srcaddr: '10.0.1.99', dstaddr: '198.51.100.7' })];

    await enrichFlowLogs(documents, { networkInterfaces: knownInterface({ privateIpv4Addresses: ['10.0.1.17', '10.0.1.99'] }) });

    expect(documents[0]).toHaveProperty('direction', 'egress');
  });

  it('omits the direction when neither address is the interface’s', async () => {
    const documents = [flowDocument({ srcaddr: '198.51.100.7', dstaddr: '10.9.9.9' })];

    await enrichFlowLogs(documents, { networkInterfaces: knownInterface() });

    expect(documents[0]).not.toHaveProperty('direction');
  });

  it('flags an unknown interface with eni_not_found and a failed look-up with eni_lookup_failed, adding no interface fields', async () => {
    const documents = [flowDocument({ interface_id: 'eni-00000000000000001' }), flowDocument({ interface_id: 'eni-00000000000000002' })];
    const interfaces = mapLookup<NetworkInterfaceInfo>({ 'eni-00000000000000001': { status: 'not_found' }, 'eni-00000000000000002': { status: 'failed', reason: 'RequestLimitExceeded' } });

    await enrichFlowLogs(documents, { networkInterfaces: interfaces });

    expect(documents).toEqual([
      { ...flowDocument({ interface_id: 'eni-00000000000000001' }), enrichment_issues: ['eni_not_found'] },
      { ...flowDocument({ interface_id: 'eni-00000000000000002' }), enrichment_issues: ['eni_lookup_failed'] },
    ]);
  });

  it('takes the direction from the record’s flow-direction when no interface source is configured', async () => {
    const documents = [flowDocument({ flow_direction: 'egress' })];

    await enrichFlowLogs(documents, {});

    expect(documents[0]).toHaveProperty('direction', 'egress');
  });

  it('keeps the record’s own flow-direction as the direction when the interface look-up fails or finds nothing', async () => {
    const documents = [flowDocument({ interface_id: 'eni-00000000000000001', flow_direction: 'ingress' }), flowDocument({ interface_id: 'eni-00000000000000002', flow_direction: 'egress' })];
    const interfaces = mapLookup<NetworkInterfaceInfo>({ 'eni-00000000000000001': { status: 'failed', reason: 'RequestLimitExceeded' }, 'eni-00000000000000002': { status: 'not_found' } });

    await enrichFlowLogs(documents, { networkInterfaces: interfaces });

    expect(documents.map((document) => [document.direction, document.enrichment_issues])).toEqual([
      ['ingress', ['eni_lookup_failed']],
      ['egress', ['eni_not_found']],
    ]);
  });

  it('prefers the record’s flow-direction to the inferred one', async () => {
    const documents = [flowDocument({ flow_direction: 'egress' })];

    await enrichFlowLogs(documents, { networkInterfaces: knownInterface() });

    expect(documents[0]).toHaveProperty('direction', 'egress');
  });

  it('ignores a flow-direction value that is not a direction', async () => {
    const documents = [{ ...without(flowDocument(), 'interface_id'), flow_direction: 'sideways' }];

    await enrichFlowLogs(documents, {});

    expect(documents[0]).not.toHaveProperty('direction');
  });

  describe('with security-group rules', () => {
    it('adds the rules of the record’s direction from every group of the interface, asking for each group once', async () => {
      const otherGroup = 'sg-0fedcba9876543210';
      const ingressWeb = securityGroupRule({ rule_id: 'sgr-00000000000000001', group_id: GROUP, direction: 'ingress' });
      const egressWeb = securityGroupRule({ rule_id: 'sgr-00000000000000002', group_id: GROUP, direction: 'egress' });
      const ingressOther = securityGroupRule({ rule_id: 'sgr-00000000000000003', group_id: otherGroup, direction: 'ingress', peer: { kind: 'prefix_list', prefix_list_id: 'pl-0a1b2c3d' } });
      const rules = mapLookup<readonly SecurityGroupRule[]>({ [GROUP]: { status: 'found', value: [ingressWeb, egressWeb] }, [otherGroup]: { status: 'found', value: [ingressOther] } });
      const documents = [flowDocument(), flowDocument({ srcaddr: '10.0.1.17', dstaddr: '198.51.100.7' })];

      await enrichFlowLogs(documents, { networkInterfaces: knownInterface({ securityGroups: [{ groupId: GROUP }, { groupId: otherGroup }] }), securityGroupRules: rules, listRules: true });

      expect(rules.requested).toEqual([[GROUP, otherGroup]]);
      expect(documents.map((document) => document.security_group_rules)).toEqual([[ingressWeb, ingressOther], [egressWeb]]);
    });

    it('lists no rule unless asked to: the one default of listRules', async () => {
      const rules = mapLookup<readonly SecurityGroupRule[]>({ [GROUP]: { status: 'found', value: [securityGroupRule()] } });
      const documents = [flowDocument()];

      await enrichFlowLogs(documents, { networkInterfaces: knownInterface(), securityGroupRules: rules, attributeRules: false });

      expect(ENRICHMENT_DEFAULTS.listRules).toBe(false);
      expect(documents[0]).not.toHaveProperty('security_group_rules');
    });

    it('leaves the field out when no rule applies to the direction', async () => {
      const rules = mapLookup<readonly SecurityGroupRule[]>({ [GROUP]: { status: 'found', value: [securityGroupRule({ direction: 'egress' })] } });
      const documents = [flowDocument()];

      await enrichFlowLogs(documents, { networkInterfaces: knownInterface(), securityGroupRules: rules, listRules: true });

      expect(documents[0]).not.toHaveProperty('security_group_rules');
      expect(documents[0]).not.toHaveProperty('enrichment_issues');
    });

    it('flags sg_rules_lookup_failed when a group’s rules could not be read, keeping the rules of the others', async () => {
      const otherGroup = 'sg-0fedcba9876543210';
      const readable = securityGroupRule({ group_id: otherGroup });
      const rules = mapLookup<readonly SecurityGroupRule[]>({ [GROUP]: { status: 'failed', reason: 'RequestLimitExceeded' }, [otherGroup]: { status: 'found', value: [readable] } });
      const documents = [flowDocument()];

      await enrichFlowLogs(documents, { networkInterfaces: knownInterface({ securityGroups: [{ groupId: GROUP }, { groupId: otherGroup }] }), securityGroupRules: rules, listRules: true });

      expect(documents[0]).toMatchObject({ security_group_rules: [readable], enrichment_issues: ['sg_rules_lookup_failed'] });
    });

    it('asks for no rules when no interface was found', async () => {
      const rules = mapLookup<readonly SecurityGroupRule[]>({});
      const documents = [flowDocument()];

      await enrichFlowLogs(documents, { networkInterfaces: mapLookup<NetworkInterfaceInfo>({}), securityGroupRules: rules });

      expect(rules.requested).toEqual([]);
      expect(documents[0]).not.toHaveProperty('security_group_rules');
    });
  });

  describe('with geolocation', () => {
    it('locates public addresses only, each distinct address once per batch', async () => {
      const geo = fixedGeoLocator({});
      const documents = [
        flowDocument({ srcaddr: '203.0.113.25', dstaddr: '10.0.1.17' }),
        flowDocument({ srcaddr: '10.0.1.17', dstaddr: '203.0.113.25' }),
        flowDocument({ srcaddr: '100.64.0.1', dstaddr: '2001:db8::1' }),
        flowDocument({ srcaddr: 'fd00::1', dstaddr: '169.254.169.254' }),
      ];

      await enrichFlowLogs(documents, { geolocation: geo });

      expect(geo.asked).toEqual([['203.0.113.25', '2001:db8::1']]);
    });

    it('does not call the locator when no address is public', async () => {
      const geo = fixedGeoLocator({});

      await enrichFlowLogs([flowDocument({ srcaddr: '10.0.0.1', dstaddr: '192.168.0.1' })], { geolocation: geo });

      expect(geo.asked).toEqual([]);
    });

    it('adds src_geo and dst_geo with the known values only', async () => {
      const geo = fixedGeoLocator({
        '203.0.113.25': { status: 'found', value: geoLocation({ city: '' }) },
        '198.51.100.7': { status: 'found', value: { country_code: 'US', location: { lat: 0, lon: 0 } } },
      });
      const documents = [flowDocument({ srcaddr: '203.0.113.25', dstaddr: '198.51.100.7' })];

      await enrichFlowLogs(documents, { geolocation: geo });

      const withoutCity = without(geoLocation(), 'city');
      expect(documents[0]).toMatchObject({ src_geo: withoutCity, dst_geo: { country_code: 'US' } });
      expect(documents[0]?.dst_geo).toEqual({ country_code: 'US' });
    });

    it('leaves the field out when the location holds nothing usable or the address is unknown', async () => {
      const geo = fixedGeoLocator({ '203.0.113.25': { status: 'found', value: { city: '  ', location: { lat: 0, lon: 0 } } } });
      const documents = [flowDocument({ srcaddr: '203.0.113.25', dstaddr: '198.51.100.7' })];

      await enrichFlowLogs(documents, { geolocation: geo });

      expect(documents[0]).not.toHaveProperty('src_geo');
      expect(documents[0]).not.toHaveProperty('dst_geo');
      expect(documents[0]).not.toHaveProperty('enrichment_issues');
    });

    it('flags geo_failed and geo_quota_exceeded once each, keeping the record otherwise whole', async () => {
      const geo = fixedGeoLocator({ '203.0.113.25': { status: 'failed', reason: 'timeout' }, '198.51.100.7': { status: 'quota_exceeded' }, '198.51.100.8': { status: 'failed', reason: 'timeout' } });
      const documents = [flowDocument({ srcaddr: '203.0.113.25', dstaddr: '198.51.100.7' }), flowDocument({ srcaddr: '203.0.113.25', dstaddr: '198.51.100.8' })];

      await enrichFlowLogs(documents, { geolocation: geo });

      expect(documents.map((document) => document.enrichment_issues)).toEqual([['geo_failed', 'geo_quota_exceeded'], ['geo_failed']]);
    });
  });
});

describe('enrichFlowLogs with a deadline for look-ups', () => {
  const never = <T>(): Promise<T> => new Promise<T>(() => {});

  it('answers every look-up still unanswered when the deadline passes as failed, flagged, whatever hangs', async () => {
    // Prepare: EC2 answers the interface, then the rules and the geolocation hang forever.
    const deadline = new AbortController();
    const documents = [flowDocument({ srcaddr: '198.51.100.7' })];
    const enrichment = enrichFlowLogs(documents, {
      networkInterfaces: knownInterface(),
      securityGroupRules: { lookup: () => never() },
      geolocation: { locate: () => never() },
      lookupsUntil: deadline.signal,
    });

    // Act
    setTimeout(() => deadline.abort(), 20);
    const [document] = await enrichment;

    // Assess
    expect(document).toMatchObject({ security_group_ids: [GROUP], enrichment_issues: ['sg_rules_lookup_failed', 'geo_failed'] });
  });

  it('asks nothing once the deadline has passed: every interface is flagged eni_lookup_failed', async () => {
    const deadline = new AbortController();
    deadline.abort();
    const interfaces = knownInterface();

    const [document] = await enrichFlowLogs([flowDocument()], { networkInterfaces: interfaces, lookupsUntil: deadline.signal });

    expect(interfaces.requested).toEqual([]);
    expect(document).toMatchObject({ enrichment_issues: ['eni_lookup_failed'] });
  });

  describe('look-up scopes', () => {
    it('looks each record up in the account it names, in the own Region when it names none', async () => {
      const interfaces = knownInterface();
      const rules = mapLookup<readonly SecurityGroupRule[]>({ [GROUP]: { status: 'found', value: [securityGroupRule()] } });
      const documents = [
        flowDocument({ account_id: TEST_SCOPE.accountId }),
        flowDocument({ account_id: OTHER_ACCOUNT_SCOPE.accountId }),
        flowDocument({ account_id: TEST_SCOPE.accountId }),
      ];

      await enrichFlowLogs(documents, { networkInterfaces: interfaces, securityGroupRules: rules, ownScope: TEST_SCOPE });

      expect(interfaces.scopes).toEqual([TEST_SCOPE, OTHER_ACCOUNT_SCOPE]);
      expect(interfaces.requested).toEqual([[ENI], [ENI]]);
      expect(rules.scopes).toEqual([TEST_SCOPE, OTHER_ACCOUNT_SCOPE]);
      expect(documents.map((document) => document.rule_match)).toEqual(['matched', 'matched', 'matched']);
    });

    it('looks a record that names no account up in the own account, and in the unnamed scope when none is given', async () => {
      const withOwn = knownInterface();
      const withoutOwn = knownInterface();

      await enrichFlowLogs([without(flowDocument(), 'account_id')], { networkInterfaces: withOwn, ownScope: TEST_SCOPE });
      await enrichFlowLogs([without(flowDocument(), 'account_id')], { networkInterfaces: withoutOwn });

      expect(withOwn.scopes).toEqual([TEST_SCOPE]);
      expect(withoutOwn.scopes).toEqual([UNNAMED_SCOPE]);
    });

    it('keeps the records in their order whatever the mix of accounts', async () => {
      const documents = [0, 1, 2, 3, 4, 5].map((index) => flowDocument({ account_id: index % 2 === 0 ? TEST_SCOPE.accountId : OTHER_ACCOUNT_SCOPE.accountId, srcport: 40_000 + index }));
      const interfaces = mapLookup<NetworkInterfaceInfo>({});

      const enriched = await enrichFlowLogs(documents, { networkInterfaces: interfaces, ownScope: TEST_SCOPE });

      expect(enriched.map((document) => document.srcport)).toEqual([40_000, 40_001, 40_002, 40_003, 40_004, 40_005]);
      expect(enriched.every((document) => document.enrichment_issues?.includes('eni_not_found') === true)).toBe(true);
    });

    it('takes the account and Region a record names only when they are well formed', () => {
      expect(lookupScopeOf({ account_id: '210987654321', region: 'eu-west-1' }, TEST_SCOPE)).toEqual({ accountId: '210987654321', region: 'eu-west-1' });
      expect(lookupScopeOf({ account_id: 'unknown' }, TEST_SCOPE)).toBe(TEST_SCOPE);
      expect(lookupScopeOf({ account_id: TEST_SCOPE.accountId, region: '' }, TEST_SCOPE)).toBe(TEST_SCOPE);
      expect(lookupScopeOf({}, TEST_SCOPE)).toBe(TEST_SCOPE);
    });
  });
});
