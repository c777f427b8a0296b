import { describe, expect, it } from 'vitest';
import type { FlowLogEnrichmentSources } from '../../../src/enrich/enrich-flow-logs.js';
import { decorateFirehoseRecords } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { FieldType, FLOW_LOG_FIELDS, type FlowLogFieldDefinition } from '../../../src/flow-log/field-catalogue.js';
import { parseFormatString } from '../../../src/flow-log/flow-log-format.js';
import {
  DERIVED_DOCUMENT_FIELD_MAPPINGS,
  ENRICHMENT_FIELD_MAPPINGS,
  flowLogMappingProperties,
  INTEGER_FIELD_OVERRIDES,
  mappedLeafFields,
  type LeafMapping,
} from '../../../src/opensearch/field-mappings.js';
import type { GeoLocator } from '../../../src/ports.js';
import { networkInterfaceInfo, securityGroupRule } from '../../support/ec2-builders.js';
import { documentsOf, mapLookup, transformationRecord } from '../../support/firehose-builders.js';
import { geoLocation } from '../../support/geo-builders.js';
import { acceptsValue, leafValues } from '../../support/opensearch-leaf-values.js';

const LEAVES = mappedLeafFields(flowLogMappingProperties());

/** A value for every catalogue field, so one record carries all of them. */
function sampleValue(field: FlowLogFieldDefinition): string {
  const specific: Readonly<Record<string, string>> = {
    version: '11',
    'account-id': '123456789012',
    'interface-id': 'eni-0a1b2c3d4e5f60718',
    srcaddr: '203.0.113.25',
    dstaddr: '10.0.1.17',
    'pkt-srcaddr': '203.0.113.25',
    'pkt-dstaddr': '10.0.1.17',
    srcport: '49152',
    dstport: '443',
    protocol: '6',
    packets: '10',
    bytes: '840',
    start: '1700000000',
    end: '1700000060',
    action: 'ACCEPT',
    'log-status': 'OK',
    'flow-direction': 'ingress',
    // Fields of a documented syntax: a sample-... value would fail the line.
    'vpc-id': 'vpc-0a1b2c3d4e5f60001',
    'subnet-id': 'subnet-0a1b2c3d4e5f60001',
    'instance-id': 'i-0a1b2c3d4e5f60001',
    type: 'IPv4',
    'sublocation-type': 'outpost',
    'next-hop-interface-id': 'eni-0a1b2c3d4e5f60002',
    'next-hop-subnet-id': 'subnet-0a1b2c3d4e5f60002',
    'next-hop-vpc-id': 'vpc-0a1b2c3d4e5f60002',
  };
  const byType: Readonly<Record<FieldType, string>> = { integer: '1', address: '198.51.100.1', string: `sample-${field.name}` };
  return specific[field.name] ?? byType[field.type];
}

const ALL_FIELDS_FORMAT = (() => {
  const parsed = parseFormatString(FLOW_LOG_FIELDS.map((field) => `\${${field.name}}`).join(' '));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
})();

/** One record with every catalogue field; `overrides` by field name. */
function allFieldsLine(overrides: Readonly<Record<string, string>> = {}): string {
  return FLOW_LOG_FIELDS.map((field) => overrides[field.name] ?? sampleValue(field)).join(' ');
}

function fixedGeoLocator(): GeoLocator {
  return { locate: (addresses) => Promise.resolve(new Map(addresses.map((address) => [address, { status: 'found' as const, value: geoLocation() }]))) };
}

/** Everything the decorator can add: interface, groups, every kind of rule peer, geolocation. */
const FULL_SOURCES: FlowLogEnrichmentSources = {
  networkInterfaces: mapLookup({ 'eni-0a1b2c3d4e5f60718': { status: 'found', value: networkInterfaceInfo() } }),
  securityGroupRules: mapLookup({
    'sg-0123456789abcdef0': {
      status: 'found',
      value: [
        securityGroupRule({ description: 'HTTPS from the documentation range' }),
        securityGroupRule({ rule_id: 'sgr-0000000000000000b', peer: { kind: 'ipv6_cidr', cidr: '2001:db8::/32' } }),
        securityGroupRule({ rule_id: 'sgr-0000000000000000c', protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'prefix_list', prefix_list_id: 'pl-0a1b2c3d' } }),
        securityGroupRule({
          rule_id: 'sgr-0000000000000000d',
          peer: { kind: 'security_group', group_id: 'sg-0fedcba9876543210', user_id: '123456789012', vpc_id: 'vpc-0a1b2c3d', vpc_peering_connection_id: 'pcx-0a1b2c3d' },
        }),
      ],
    },
  }),
  geolocation: fixedGeoLocator(),
  // Both default to true; spelt out so that a changed default cannot quietly shrink what is tested.
  listRules: true,
  attributeRules: true,
  prefixLists: mapLookup({ 'pl-0a1b2c3d': { status: 'found', value: ['192.0.2.0/24'] } }),
  securityGroupMembers: mapLookup({ 'sg-0fedcba9876543210': { status: 'found', value: ['10.0.2.0/24'] } }),
};

/**
 * What the decorator emits with every source and option on: every catalogue field, then the
 * default format, whose records lack the fields the inventory fills in (interface_type, vpc_id,
 * subnet_id, instance_id).
 */
async function decoratedDocuments(): Promise<Record<string, unknown>[]> {
  const allFields = [
    // From the internet to the interface: src_geo, ingress rules, a matching rule.
    transformationRecord({ text: allFieldsLine() }),
    // From the interface to the internet: dst_geo, egress.
    transformationRecord({ text: allFieldsLine({ srcaddr: '10.0.1.17', dstaddr: '198.51.100.9', 'pkt-srcaddr': '10.0.1.17', 'pkt-dstaddr': '198.51.100.9', 'flow-direction': 'egress' }) }),
    // An interface EC2 does not know: enrichment_issues.
    transformationRecord({ text: allFieldsLine({ 'interface-id': 'eni-00000000000000404' }) }),
  ];
  const defaultFormat = [transformationRecord({ text: '2 123456789012 eni-0a1b2c3d4e5f60718 203.0.113.25 10.0.1.17 49152 443 6 10 840 1700000000 1700000060 ACCEPT OK' })];
  const options = { trailingNewline: false, responseBudgetBytes: 5_000_000 };
  const outputs = [
    await decorateFirehoseRecords(allFields, FULL_SOURCES, { ...options, format: ALL_FIELDS_FORMAT }),
    await decorateFirehoseRecords(defaultFormat, FULL_SOURCES, options),
  ];
  return outputs.flatMap(({ records }) => records.flatMap((record) => documentsOf(record)));
}

describe('flowLogMappingProperties', () => {
  it('maps every catalogue field by its catalogue type: addresses ip, text keyword, numbers integer, long or epoch-second date', () => {
    const expected: Readonly<Record<FieldType, readonly string[]>> = { address: ['ip'], string: ['keyword'], integer: ['integer', 'long', 'date'] };

    const wrong = FLOW_LOG_FIELDS.filter((field) => !expected[field.type].includes(LEAVES.get(field.key)?.type ?? 'missing'));

    expect(wrong.map((field) => field.key)).toEqual([]);
  });

  it('maps every address field of the catalogue as ip', () => {
    const addressKeys = FLOW_LOG_FIELDS.filter((field) => field.type === FieldType.Address).map((field) => field.key);

    expect(addressKeys.map((key) => [key, LEAVES.get(key)?.type])).toEqual(addressKeys.map((key) => [key, 'ip']));
    expect(addressKeys).toEqual(expect.arrayContaining(['srcaddr', 'dstaddr', 'pkt_srcaddr', 'pkt_dstaddr']));
  });

  it('maps bytes and packets as long, ports and other counters as integer, start and end as epoch-second dates', () => {
    expect(Object.fromEntries(['bytes', 'packets', 'srcport', 'dstport', 'protocol', 'tcp_flags', 'traffic_path', 'start', 'end'].map((key) => [key, LEAVES.get(key)]))).toEqual({
      bytes: { type: 'long' },
      packets: { type: 'long' },
      srcport: { type: 'integer' },
      dstport: { type: 'integer' },
      protocol: { type: 'integer' },
      tcp_flags: { type: 'integer' },
      traffic_path: { type: 'integer' },
      start: { type: 'date', format: 'epoch_second' },
      end: { type: 'date', format: 'epoch_second' },
    });
  });

  it('overrides only integer fields that the catalogue knows', () => {
    const integerKeys = FLOW_LOG_FIELDS.filter((field) => field.type === FieldType.Integer).map((field) => field.key);

    expect(Object.keys(INTEGER_FIELD_OVERRIDES).filter((key) => !integerKeys.includes(key))).toEqual([]);
  });

  it('maps @timestamp as a date and protocol_name, ids, action, status and direction as keywords', () => {
    const keywords = ['protocol_name', 'account_id', 'interface_id', 'vpc_id', 'subnet_id', 'instance_id', 'action', 'log_status', 'flow_direction', 'direction'];

    expect(LEAVES.get('@timestamp')).toEqual({ type: 'date' });
    expect(keywords.filter((key) => LEAVES.get(key)?.type !== 'keyword')).toEqual([]);
  });

  it('maps every enrichment and derived field, security groups, issues and the rule-attribution fields as keywords', () => {
    const topLevel = Object.keys(flowLogMappingProperties());

    expect(topLevel).toEqual(expect.arrayContaining([...Object.keys(ENRICHMENT_FIELD_MAPPINGS), ...Object.keys(DERIVED_DOCUMENT_FIELD_MAPPINGS)]));
    for (const key of ['security_group_ids', 'security_group_names', 'enrichment_issues', 'interface_type', 'security_group_rule_ids', 'rule_match']) {
      expect([key, LEAVES.get(key)?.type]).toEqual([key, 'keyword']);
    }
  });

  it('maps src_geo.location and dst_geo.location as geo_point and the place names as keywords', () => {
    expect(LEAVES.get('src_geo.location')).toEqual({ type: 'geo_point' });
    expect(LEAVES.get('dst_geo.location')).toEqual({ type: 'geo_point' });
    expect(['country_code', 'country_name', 'region_code', 'region_name', 'city'].map((key) => LEAVES.get(`src_geo.${key}`)?.type)).toEqual(Array(5).fill('keyword'));
  });

  it('maps security_group_rules as an object with a peer object, ports as integers', () => {
    expect(LEAVES.get('security_group_rules.from_port')).toEqual({ type: 'integer' });
    expect(LEAVES.get('security_group_rules.peer.cidr')?.type).toBe('keyword');
    expect(LEAVES.get('security_group_rules.peer.vpc_peering_connection_id')?.type).toBe('keyword');
    expect(flowLogMappingProperties().security_group_rules).not.toHaveProperty('type', 'nested');
  });

  it('gives interface_type, both a v11 field and an enrichment field, one mapping', () => {
    expect(FLOW_LOG_FIELDS.some((field) => field.key === 'interface_type')).toBe(true);
    expect(LEAVES.get('interface_type')).toEqual(ENRICHMENT_FIELD_MAPPINGS.interface_type);
  });
});

describe('flowLogMappingProperties against decorated documents', () => {
  it('has a mapping for every leaf path of documents the decorator emits with every field and every enrichment', async () => {
    const documents = await decoratedDocuments();

    const unmapped = [...new Set(documents.flatMap((document) => leafValues(document, LEAVES).map(([path]) => path)))].filter((path) => !LEAVES.has(path));

    expect(documents).toHaveLength(4);
    expect(unmapped).toEqual([]);
  });

  it('emits documents that exercise every mapped field: the mapping holds nothing the decorator never writes', async () => {
    const documents = await decoratedDocuments();

    const emitted = new Set(documents.flatMap((document) => leafValues(document, LEAVES).map(([path]) => path)));

    expect([...LEAVES.keys()].filter((path) => !emitted.has(path))).toEqual([]);
  });

  it('emits every enrichment field, the rule attribution included, and the interface fields the inventory fills in', async () => {
    const documents = await decoratedDocuments();

    const keys = new Set(documents.flatMap((document) => Object.keys(document)));
    const filledIn = documents.at(-1) ?? {};

    expect(FLOW_LOG_FIELDS.filter((field) => !keys.has(field.key)).map((field) => field.key)).toEqual([]);
    expect(Object.keys(ENRICHMENT_FIELD_MAPPINGS).filter((key) => !keys.has(key))).toEqual([]);
    expect(filledIn).toMatchObject({ version: 2, interface_type: 'interface', vpc_id: 'vpc-0a1b2c3d', subnet_id: 'subnet-0a1b2c3d', instance_id: 'i-0123456789abcdef0', rule_match: 'matched' });
  });

  it('maps every emitted value to a type that accepts it', async () => {
    const documents = await decoratedDocuments();

    const rejected = documents.flatMap((document) => leafValues(document, LEAVES)).filter(([path, value]) => !acceptsValue(LEAVES.get(path) as LeafMapping, value));

    expect(rejected).toEqual([]);
  });

  it('leaves a field newer than the catalogue to the dynamic template as a string value', async () => {
    const { records } = await decorateFirehoseRecords(
      [transformationRecord({ text: 'version srcaddr future-field\n12 203.0.113.25 something-new' })],
      {},
      { trailingNewline: false, responseBudgetBytes: 5_000_000 },
    );

    const document = documentsOf(records[0]!)[0];

    expect(LEAVES.has('future_field')).toBe(false);
    expect(document).toMatchObject({ future_field: 'something-new' });
  });
});
