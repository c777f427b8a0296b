import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowLogEnrichmentSources } from '../../../../src/enrich/enrich-flow-logs.js';
import { decorateFirehoseRecords, type DecorationOptions } from '../../../../src/firehose/transformation/decorate-firehose-records.js';
import { S3Layout } from '../../../../src/firehose/transformation/partition-keys.js';
import { OutputSchema } from '../../../../src/output-schema/output-schema.js';
import { documentsOf, transformationRecord } from '../../../support/firehose-builders.js';
import { flowLogLine, headerLine, noDataLine } from '../../../support/flow-log-builders.js';

const OWN_SCOPE = { accountId: '210987654321', region: 'eu-west-1' } as const;
const SOURCES: FlowLogEnrichmentSources = { ownScope: OWN_SCOPE };
const SECURITY_LAKE: DecorationOptions = {
  trailingNewline: true,
  responseBudgetBytes: 5_000_000,
  schema: OutputSchema.Ocsf,
  s3Layout: S3Layout.SecurityLake,
};
/** 2023-11-14T22:13:20Z */
const START = 1_700_000_000;

function line(account: string, start: number): string {
  return flowLogLine({ 'account-id': account, start: String(start), end: String(start + 60) });
}

describe('decorateFirehoseRecords with the Security Lake partition layout', () => {
  it("returns each Ok record's region, account and event day as Firehose partition keys, beside an OCSF document that says the same", async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord({ text: `${line('123456789012', START)}\n` })], SOURCES, SECURITY_LAKE);

    expect(records[0]?.metadata).toEqual({ partitionKeys: { region: 'eu-west-1', accountId: '123456789012', eventDay: '20231114' } });
    const [document] = documentsOf(records[0]!);
    expect(document).toMatchObject({ cloud: { account: { uid: '123456789012' } }, time: START * 1000 });
  });

  it('gives Dropped and ProcessingFailed records no partition keys', async () => {
    const inputs = [transformationRecord({ text: `${headerLine()}\n` }), transformationRecord({ text: 'not a flow log' })];

    const { records } = await decorateFirehoseRecords(inputs, SOURCES, SECURITY_LAKE);

    expect(records.map((record) => [record.result, record.metadata])).toEqual([
      ['Dropped', undefined],
      ['ProcessingFailed', undefined],
    ]);
  });

  it('adds nothing to the response without a layout', async () => {
    const { records, summary } = await decorateFirehoseRecords([transformationRecord()], SOURCES, { ...SECURITY_LAKE, s3Layout: S3Layout.StackBucket });

    expect(records[0]).not.toHaveProperty('metadata');
    expect(summary).not.toHaveProperty('mixedPartitionRecords');
  });

  it('keys a NODATA record, which has times but no addresses, like any other', async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord({ text: noDataLine('NODATA', { start: String(START), end: String(START + 60) }) })], SOURCES, SECURITY_LAKE);

    expect(records[0]?.metadata?.partitionKeys.eventDay).toBe('20231114');
  });

  it("writes a record whose lines belong to different accounts or days under its first line's partition, and counts it", async () => {
    const mixed = [line('123456789012', START), line('111111111111', START), line('123456789012', START + 86_400)].join('\n');
    const inputs = [transformationRecord({ text: mixed }), transformationRecord({ text: `${line('123456789012', START)}\n${line('123456789012', START + 5)}` })];

    const { records, summary } = await decorateFirehoseRecords(inputs, SOURCES, SECURITY_LAKE);

    expect(records.map((record) => record.metadata?.partitionKeys.accountId)).toEqual(['123456789012', '123456789012']);
    expect(summary.mixedPartitionRecords).toBe(1);
    expect(summary.unpartitionedRecords).toBe(0);
  });

  it('returns a record it cannot place Ok without keys, so that Firehose writes it under the error prefix, and counts it', async () => {
    const { records, summary } = await decorateFirehoseRecords([transformationRecord({ text: flowLogLine({ 'account-id': '-' }) })], {}, SECURITY_LAKE);

    expect(records[0]).toMatchObject({ result: 'Ok' });
    expect(records[0]).not.toHaveProperty('metadata');
    expect(summary.unpartitionedRecords).toBe(1);
  });

  it('counts the partition keys in the response budget: the response never exceeds it and its size is reported exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.3, max: 1.1, noNaN: true }), async (count, fraction) => {
        const inputs = Array.from({ length: count }, (_, index) => transformationRecord({ text: `${line('123456789012', START + index * 3_600)}\n` }));
        const unlimited = await decorateFirehoseRecords(inputs, SOURCES, SECURITY_LAKE);
        const budget = Math.max(100, Math.floor(unlimited.summary.responseBytes * fraction));

        const { records, summary } = await decorateFirehoseRecords(inputs, SOURCES, { ...SECURITY_LAKE, responseBudgetBytes: budget });

        const actual = JSON.stringify({ records }).length;
        expect(actual).toBeLessThanOrEqual(budget);
        expect(summary.responseBytes - actual).toBeGreaterThanOrEqual(0);
        expect(summary.responseBytes - actual).toBeLessThanOrEqual(1);
        expect(records.every((record) => (record.result === 'Ok') === (record.metadata !== undefined))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
