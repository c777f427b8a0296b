import { describe, expect, it } from 'vitest';
import { FieldType, FLOW_LOG_FIELDS, isKnownField, LATEST_KNOWN_VERSION, lookupField, toDocumentKey } from '../../../src/flow-log/index.js';

/** aws-contracts.md §1.2: every field of versions 2 to 11, its version and its type. */
const EXPECTED: readonly (readonly [name: string, version: number, type: FieldType])[] = [
  ['version', 2, 'integer'], ['account-id', 2, 'string'], ['interface-id', 2, 'string'], ['srcaddr', 2, 'address'],
  ['dstaddr', 2, 'address'], ['srcport', 2, 'integer'], ['dstport', 2, 'integer'], ['protocol', 2, 'integer'],
  ['packets', 2, 'integer'], ['bytes', 2, 'integer'], ['start', 2, 'integer'], ['end', 2, 'integer'],
  ['action', 2, 'string'], ['log-status', 2, 'string'],
  ['vpc-id', 3, 'string'], ['subnet-id', 3, 'string'], ['instance-id', 3, 'string'], ['tcp-flags', 3, 'integer'],
  ['type', 3, 'string'], ['pkt-srcaddr', 3, 'address'], ['pkt-dstaddr', 3, 'address'],
  ['region', 4, 'string'], ['az-id', 4, 'string'], ['sublocation-type', 4, 'string'], ['sublocation-id', 4, 'string'],
  ['pkt-src-aws-service', 5, 'string'], ['pkt-dst-aws-service', 5, 'string'], ['flow-direction', 5, 'string'], ['traffic-path', 5, 'integer'],
  ['ecs-cluster-arn', 7, 'string'], ['ecs-cluster-name', 7, 'string'], ['ecs-container-instance-arn', 7, 'string'],
  ['ecs-container-instance-id', 7, 'string'], ['ecs-container-id', 7, 'string'], ['ecs-second-container-id', 7, 'string'],
  ['ecs-service-name', 7, 'string'], ['ecs-task-definition-arn', 7, 'string'], ['ecs-task-arn', 7, 'string'], ['ecs-task-id', 7, 'string'],
  ['reject-reason', 8, 'string'], ['resource-id', 9, 'string'], ['encryption-status', 10, 'integer'],
  ['instance-tag', 11, 'string'], ['instance-tag-2', 11, 'string'], ['interface-tag', 11, 'string'], ['interface-tag-2', 11, 'string'],
  ['asg-tag', 11, 'string'], ['asg-tag-2', 11, 'string'], ['interface-type', 11, 'string'], ['next-hop-interface-id', 11, 'string'],
  ['next-hop-subnet-id', 11, 'string'], ['next-hop-az-id', 11, 'string'], ['next-hop-vpc-id', 11, 'string'], ['next-hop-interface-type', 11, 'string'],
];

describe('FLOW_LOG_FIELDS', () => {
  it('lists every field of versions 2 to 11 with the version that introduced it and its type, in table order', () => {
    const catalogue = FLOW_LOG_FIELDS.map((field) => [field.name, field.version, field.type]);

    expect(catalogue).toStrictEqual(EXPECTED);
  });

  it('gives each field its document key with - replaced by _', () => {
    const keys = FLOW_LOG_FIELDS.map((field) => field.key);

    expect(keys).toContain('account_id');
    expect(keys).toContain('next_hop_interface_type');
    expect(keys.every((key) => !key.includes('-'))).toBe(true);
  });

  it('knows version 11 as the latest version', () => {
    expect(LATEST_KNOWN_VERSION).toBe(11);
  });
});

describe('lookupField', () => {
  it('returns the catalogue definition of a documented field', () => {
    expect(lookupField('tcp-flags')).toStrictEqual({ name: 'tcp-flags', key: 'tcp_flags', version: 3, type: FieldType.Integer });
  });

  it('keeps an undocumented field as a string field newer than the catalogue', () => {
    expect(lookupField('flow-label')).toStrictEqual({ name: 'flow-label', key: 'flow_label', version: 12, type: FieldType.String });
  });
});

describe('isKnownField', () => {
  it.each([
    ['account-id', true],
    ['next-hop-az-id', true],
    ['account_id', false],
    ['vpc-0a1b2c3d', false],
  ])('says whether %s is documented (%s)', (name, known) => {
    expect(isKnownField(name)).toBe(known);
  });
});

describe('toDocumentKey', () => {
  it('replaces every hyphen', () => {
    expect(toDocumentKey('pkt-src-aws-service')).toBe('pkt_src_aws_service');
  });
});
