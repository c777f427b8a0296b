import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { samePartition, securityLakePartitionKeys } from '../../../../src/firehose/transformation/partition-keys.js';
import { toOcsfDocument } from '../../../../src/output-schema/ocsf-mapping.js';

const OWN = { accountId: '210987654321', region: 'eu-west-1' } as const;
/** 2023-11-14T22:13:20Z */
const START = 1_700_000_000;

describe('securityLakePartitionKeys', () => {
  it("names the record's own account and Region, and the UTC day its flow started", () => {
    const keys = securityLakePartitionKeys({ account_id: '123456789012', region: 'us-east-2', start: START, end: START + 60 }, OWN);

    expect(keys).toEqual({ region: 'us-east-2', accountId: '123456789012', eventDay: '20231114' });
  });

  it("falls back on the function's own account and Region when the record's format carries neither", () => {
    expect(securityLakePartitionKeys({ start: START }, OWN)).toEqual({ region: 'eu-west-1', accountId: '210987654321', eventDay: '20231114' });
  });

  it('takes the day of the end when the format has no start, and of the arrival when it has neither', () => {
    expect(securityLakePartitionKeys({ end: START + 7_200 }, OWN)?.eventDay).toBe('20231115');
    expect(securityLakePartitionKeys({}, OWN, Date.parse('2026-12-06T10:00:00Z'))?.eventDay).toBe('20261206');
  });

  it('counts days in UTC: a flow that starts one second before midnight belongs to the day before', () => {
    const beforeMidnight = Date.parse('2026-12-06T23:59:59Z') / 1000;

    expect(securityLakePartitionKeys({ start: beforeMidnight }, OWN)?.eventDay).toBe('20261206');
    expect(securityLakePartitionKeys({ start: beforeMidnight + 1 }, OWN)?.eventDay).toBe('20261207');
  });

  it.each([
    ['a path', '../../evil'],
    ['a Region with a slash', 'us-east-1/x'],
    ['an upper-case Region', 'US-EAST-1'],
    ['an empty string', ''],
  ])('never puts %s the record claims as its Region into an S3 key: the own Region is used', (_what, region) => {
    expect(securityLakePartitionKeys({ region, start: START }, OWN)?.region).toBe('eu-west-1');
  });

  it('uses the own account for an account id that is not twelve digits', () => {
    expect(securityLakePartitionKeys({ account_id: '12345678901/', start: START }, OWN)?.accountId).toBe('210987654321');
  });

  it('names no partition when neither the record nor the function has an account and a Region', () => {
    expect(securityLakePartitionKeys({ start: START }, undefined)).toBeUndefined();
    expect(securityLakePartitionKeys({ start: START, account_id: '123456789012' }, { accountId: '', region: '' })).toBeUndefined();
  });

  it('names no day for a time beyond year 9999 and no arrival to fall back on', () => {
    expect(securityLakePartitionKeys({ start: 1e13 }, OWN)).toBeUndefined();
  });

  it('only ever returns twelve-digit accounts, Region names and eight-digit days, whatever the record holds', () => {
    const anyText = fc.oneof(fc.string(), fc.constantFrom('123456789012', 'us-west-2', 'ap-southeast-5', 'us-gov-west-1', '-'));
    const anyTime = fc.oneof(fc.double(), fc.integer(), fc.integer({ min: 0, max: 4_102_444_800 }));
    fc.assert(
      fc.property(
        fc.record({ account_id: anyText, region: anyText, start: anyTime, end: anyTime }, { requiredKeys: [] }),
        fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined }),
        (document, arrival) => {
          const keys = securityLakePartitionKeys(document, OWN, arrival);
          if (keys === undefined) return;
          expect(keys.accountId).toMatch(/^\d{12}$/);
          expect(keys.region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/);
          expect(keys.eventDay).toMatch(/^\d{8}$/);
        },
      ),
    );
  });

  it("puts every flow with a start or an end under the UTC day of its OCSF document's time", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 4_102_444_800 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 4_102_444_800 }), { nil: undefined }),
        (start, end) => {
          fc.pre(start !== undefined || end !== undefined);
          const document = { version: 2, ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
          const time = toOcsfDocument(document)['time'] as number;

          expect(securityLakePartitionKeys(document, OWN)?.eventDay).toBe(new Date(time).toISOString().slice(0, 10).replaceAll('-', ''));
        },
      ),
    );
  });
});

describe('samePartition', () => {
  it('compares all three keys, and two unknown partitions as the same', () => {
    const keys = { region: 'eu-west-1', accountId: '123456789012', eventDay: '20261206' };

    expect(samePartition(keys, { ...keys })).toBe(true);
    expect(samePartition(keys, { ...keys, eventDay: '20261207' })).toBe(false);
    expect(samePartition(keys, undefined)).toBe(false);
    expect(samePartition(undefined, undefined)).toBe(true);
  });
});
