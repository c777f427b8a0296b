import { describe, expect, it } from 'vitest';
import { decorateFirehoseRecords, type DecorationOptions } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { documentsOf, transformationRecord } from '../../support/firehose-builders.js';
import { fixedGeoLocator, geoLocation } from '../../support/geo-builders.js';

const OPTIONS: DecorationOptions = { trailingNewline: true, responseBudgetBytes: 5_000_000 };

describe('decorateFirehoseRecords in an output schema', () => {
  it('writes ECS documents when the schema is ecs, every record still answered in order', async () => {
    const inputs = [transformationRecord(), transformationRecord({ text: 'not a flow log' }), transformationRecord()];

    const { records } = await decorateFirehoseRecords(inputs, {}, { ...OPTIONS, schema: 'ecs' });

    expect(records.map((record) => [record.recordId, record.result])).toEqual(inputs.map((input, index) => [input.recordId, index === 1 ? 'ProcessingFailed' : 'Ok']));
    expect(records[1]?.data).toBe(inputs[1]?.data);
    expect(documentsOf(records[0]!)[0]).toMatchObject({ source: { ip: '203.0.113.25' }, destination: { port: 443 }, network: { transport: 'tcp' }, event: { category: ['network'] } });
  });

  it('writes OCSF Network Activity events when the schema is ocsf', async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord()], {}, { ...OPTIONS, schema: 'ocsf' });

    expect(documentsOf(records[0]!)[0]).toMatchObject({ class_uid: 4001, src_endpoint: { ip: '203.0.113.25' }, dst_endpoint: { port: 443 }, connection_info: { protocol_num: 6 } });
  });

  it('sheds geolocation over budget in ECS too, and says so under aws.vpcflow.enrichment_issues', async () => {
    const inputs = Array.from({ length: 40 }, () => transformationRecord());
    const geo = fixedGeoLocator({ '203.0.113.25': { status: 'found', value: geoLocation({ city: 'A city with a rather long name to weigh on the response' }) } });
    const options: DecorationOptions = { ...OPTIONS, schema: 'ecs' };
    const full = await decorateFirehoseRecords(inputs.map((input) => ({ ...input })), { geolocation: geo }, options);
    const bare = await decorateFirehoseRecords(inputs.map((input) => ({ ...input })), {}, options);
    const budget = Math.floor((full.summary.responseBytes + bare.summary.responseBytes) / 2);

    const { records, summary } = await decorateFirehoseRecords(inputs, { geolocation: geo }, { ...options, responseBudgetBytes: budget });

    expect(records.every((record) => record.result === 'Ok')).toBe(true);
    expect(documentsOf(records[0]!)[0]).not.toHaveProperty('source.geo');
    expect(documentsOf(records[0]!)[0]).toMatchObject({ aws: { vpcflow: { enrichment_issues: ['size_budget'] } } });
    expect(summary.shedRecords).toBe(40);
    expect(JSON.stringify({ records }).length).toBeLessThanOrEqual(budget);
  });
});
