import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decorateFirehoseRecords, type DecorationOptions } from '../../../../src/firehose/transformation/decorate-firehose-records.js';
import { toDeliveryRecords } from '../../../../src/firehose/delivery/delivery-record.js';
import type { FlowLogEnrichmentSources } from '../../../../src/enrich/enrich-flow-logs.js';
import { ENRICHMENT_ONLY_KEYS } from '../../../../src/enrich/enriched-flow-log.js';
import { FLOW_LOG_FIELDS } from '../../../../src/flow-log/field-catalogue.js';
import { parseFormatString } from '../../../../src/flow-log/flow-log-format.js';
import type { NetworkInterfaceInfo } from '../../../../src/ports.js';
import { controlPayload, logEvent, subscriptionPayload } from '../../../support/cloudwatch-builders.js';
import { networkInterfaceInfo, securityGroupRule } from '../../../support/ec2-builders.js';
import { base64, defaultFormatLine, documentsOf, mapLookup, transformationRecord } from '../../../support/firehose-builders.js';
import { geoLocation, fixedGeoLocator } from '../../../support/geo-builders.js';

const OPTIONS: DecorationOptions = { trailingNewline: false, responseBudgetBytes: 5_000_000 };
const NO_SOURCES: FlowLogEnrichmentSources = {};

function gzipEnvelope(payload: unknown): string {
  return base64(gzipSync(Buffer.from(JSON.stringify(payload))));
}


describe('decorateFirehoseRecords', () => {
  it('returns every recordId exactly once, in input order, whatever each record holds', async () => {
    const inputs = [
      transformationRecord(),
      transformationRecord({ text: 'not a flow log' }),
      transformationRecord({ text: 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' }),
      transformationRecord({ data: gzipEnvelope(controlPayload()) }),
      transformationRecord(),
    ];

    const { records } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    expect(records.map((record) => record.recordId)).toEqual(inputs.map((input) => input.recordId));
    expect(records.map((record) => record.result)).toEqual(['Ok', 'ProcessingFailed', 'Dropped', 'Dropped', 'Ok']);
  });

  it('turns a bare line into one single-line JSON document with no trailing newline by default', async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord({ text: defaultFormatLine() })], NO_SOURCES, OPTIONS);

    const text = Buffer.from(records[0]?.data ?? '', 'base64').toString('utf8');
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toMatchObject({ version: 2, account_id: '123456789012', srcaddr: '203.0.113.25', dstport: 443, protocol_name: 'TCP' });
  });

  it('appends a newline after each document when configured for S3 delivery', async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord()], NO_SOURCES, { ...OPTIONS, trailingNewline: true });

    expect(Buffer.from(records[0]?.data ?? '', 'base64').toString('utf8')).toMatch(/^\{.*\}\n$/);
  });

  it('unwraps {"message": ...} records as flow logs delivered straight to Firehose arrive', async () => {
    const { records } = await decorateFirehoseRecords([transformationRecord({ text: JSON.stringify({ message: defaultFormatLine({ action: 'REJECT' }) }) })], NO_SOURCES, OPTIONS);

    expect(records[0]?.result).toBe('Ok');
    expect(documentsOf(records[0]!)[0]).toMatchObject({ action: 'REJECT' });
  });

  it('turns a gzipped CloudWatch Logs envelope into newline-delimited documents, one per log event', async () => {
    const payload = subscriptionPayload({
      logEvents: [0, 1, 2].map((sequence) => logEvent({ sequence, message: defaultFormatLine({ srcport: 1000 + sequence }) })),
    });

    const { records } = await decorateFirehoseRecords([transformationRecord({ data: gzipEnvelope(payload) })], NO_SOURCES, OPTIONS);

    expect(records[0]?.result).toBe('Ok');
    expect(documentsOf(records[0]!).map((document) => document.srcport)).toEqual([1000, 1001, 1002]);
  });

  it('drops a record of only a header line, and parses the lines after a header in its own record with the format it declares', async () => {
    const inputs = [transformationRecord({ text: 'srcaddr dstaddr action' }), transformationRecord({ text: 'srcaddr dstaddr action\n198.51.100.1 10.0.0.1 REJECT' })];

    const { records } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(['Dropped', 'Ok']);
    expect(documentsOf(records[1]!)[0]).toEqual({ srcaddr: '198.51.100.1', dstaddr: '10.0.0.1', action: 'REJECT' });
  });

  it('fails a record whose header names a field enrichment adds, and never throws, for every such field', async () => {
    // Issue 12: `enrichment-issues` in a header made enrichment push onto a string and throw for the batch.
    const interfaces = mapLookup<NetworkInterfaceInfo>({ 'eni-0a1b2c3d4e5f60718': { status: 'not_found' } });
    for (const key of ENRICHMENT_ONLY_KEYS) {
      const field = key.replaceAll('_', '-');
      const inputs = [
        transformationRecord({ text: `interface-id srcaddr dstaddr ${field}\neni-0a1b2c3d4e5f60718 10.0.0.1 198.51.100.9 spoofed` }),
        transformationRecord({ text: defaultFormatLine() }),
      ];

      const { records, summary } = await decorateFirehoseRecords(inputs, { networkInterfaces: interfaces }, OPTIONS);

      expect(records.map((record) => record.result)).toEqual(['ProcessingFailed', 'Ok']);
      expect(records[0]?.data).toBe(inputs[0]?.data);
      expect(summary.failureExamples[0]).toContain(`the header names ${field}`);
    }
  });

  it('reserves every key enrichment can add that no flow-log field has: the set comes from what enrichment writes', async () => {
    // Prepare: every look-up answers, every option on, so enrichment adds all it can.
    const info = networkInterfaceInfo({ interfaceId: 'eni-0a1b2c3d4e5f60718', privateIpv4Addresses: ['10.0.0.1'] });
    const sources: FlowLogEnrichmentSources = {
      networkInterfaces: mapLookup<NetworkInterfaceInfo>({ 'eni-0a1b2c3d4e5f60718': { status: 'found', value: info } }),
      securityGroupRules: mapLookup({ [info.securityGroups[0]?.groupId ?? '']: { status: 'found', value: [securityGroupRule()] } }),
      prefixLists: mapLookup<readonly string[]>({}),
      geolocation: fixedGeoLocator({ '198.51.100.9': { status: 'failed', reason: 'x' } }),
    };
    const line = defaultFormatLine({ interfaceId: 'eni-0a1b2c3d4e5f60718', srcaddr: '10.0.0.1', dstaddr: '198.51.100.9' });

    // Act
    const { records } = await decorateFirehoseRecords([transformationRecord({ text: line })], sources, OPTIONS);
    const parsed = (await decorateFirehoseRecords([transformationRecord({ text: line })], NO_SOURCES, OPTIONS)).records;

    // Assess: what enrichment added, less the flow-log fields it may fill, is reserved.
    const added = Object.keys(documentsOf(records[0]!)[0] ?? {}).filter((key) => !(key in (documentsOf(parsed[0]!)[0] ?? {})));
    const addedOnlyByEnrichment = added.filter((key) => !FLOW_LOG_FIELDS.some((field) => field.key === key));
    expect(addedOnlyByEnrichment).toEqual(expect.arrayContaining(['security_group_ids', 'direction', 'rule_match', 'enrichment_issues']));
    for (const key of addedOnlyByEnrichment) expect(ENRICHMENT_ONLY_KEYS).toContain(key);
  });

  it('keeps a field newer than the catalogue that a header names, and lists it once in the summary', async () => {
    const inputs = [transformationRecord({ text: 'version srcaddr future-field\n12 203.0.113.25 new' }), transformationRecord({ text: 'version srcaddr future-field\n12 203.0.113.26 new' })];

    const { records, summary } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(['Ok', 'Ok']);
    expect(summary.unknownHeaderFields).toEqual(['future-field']);
  });

  it('lets a header line govern only the lines after it in its own record, never the later records of the batch', async () => {
    // Prepare: an attacker's record re-declares the format; 500 good records follow it.
    const good = Array.from({ length: 500 }, (_, index) => transformationRecord({ text: defaultFormatLine({ srcport: index }) }));
    const inputs = [transformationRecord({ text: 'srcaddr dstaddr action' }), ...good];

    // Act
    const { records } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    // Assess
    expect(records[0]?.result).toBe('Dropped');
    expect(records.slice(1).every((record) => record.result === 'Ok')).toBe(true);
    expect(documentsOf(records[500]!)[0]).toMatchObject({ version: 2, srcport: 499 });
  });

  it('parses records with the configured custom format', async () => {
    const format = parseFormatString('${interface-id} ${srcaddr} ${dstaddr} ${flow-direction}');
    if (!format.ok) throw new Error(format.error.message);

    const { records } = await decorateFirehoseRecords([transformationRecord({ text: 'eni-0a1b2c3d4e5f60718 10.0.0.1 198.51.100.9 egress' })], NO_SOURCES, {
      ...OPTIONS,
      format: format.value,
    });

    expect(documentsOf(records[0]!)[0]).toEqual({ interface_id: 'eni-0a1b2c3d4e5f60718', srcaddr: '10.0.0.1', dstaddr: '198.51.100.9', flow_direction: 'egress', direction: 'egress' });
  });

  it('hands a record with a bad line back as ProcessingFailed with its original data, even when other lines are good', async () => {
    const input = transformationRecord({ text: `${defaultFormatLine()}\n2 123456789012 eni-0a1b 10.0.0.1 not-an-address 1 2 6 1 1 1 2 ACCEPT OK\n` });

    const { records, summary } = await decorateFirehoseRecords([input], NO_SOURCES, OPTIONS);

    expect(records[0]).toEqual({ recordId: input.recordId, result: 'ProcessingFailed', data: input.data });
    expect(summary.invalidLines).toBe(1);
    expect(summary.failureExamples[0]).toContain('dstaddr');
  });

  it('hands a corrupt gzip record back as ProcessingFailed with its original data', async () => {
    const corrupt = base64(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('definitely not deflate')]));

    const { records } = await decorateFirehoseRecords([transformationRecord({ data: corrupt })], NO_SOURCES, OPTIONS);

    expect(records[0]).toMatchObject({ result: 'ProcessingFailed', data: corrupt });
  });

  it('adds the interface, its security groups and the direction, looking each distinct interface up once', async () => {
    const interfaces = mapLookup<NetworkInterfaceInfo>({
      'eni-0a1b2c3d4e5f60718': { status: 'found', value: networkInterfaceInfo({ interfaceId: 'eni-0a1b2c3d4e5f60718', privateIpv4Addresses: ['10.0.1.17'] }) },
    });
    const inputs = [transformationRecord(), transformationRecord(), transformationRecord()];

    const { records } = await decorateFirehoseRecords(inputs, { networkInterfaces: interfaces }, OPTIONS);

    expect(interfaces.requested).toEqual([['eni-0a1b2c3d4e5f60718']]);
    const document = documentsOf(records[0]!)[0];
    expect(document).toMatchObject({ direction: 'ingress', security_group_ids: expect.any(Array) as unknown });
    expect(document?.security_group_ids).toHaveLength(networkInterfaceInfo().securityGroups.length);
    expect(document).not.toHaveProperty('enrichment_issues');
  });

  it('keeps records Ok without interface fields when the interface is unknown or EC2 fails, and says why', async () => {
    const interfaces = mapLookup<NetworkInterfaceInfo>({
      'eni-00000000000000001': { status: 'not_found' },
      'eni-00000000000000002': { status: 'failed', reason: 'RequestLimitExceeded' },
    });
    const inputs = [transformationRecord({ text: defaultFormatLine({ interfaceId: 'eni-00000000000000001' }) }), transformationRecord({ text: defaultFormatLine({ interfaceId: 'eni-00000000000000002' }) })];

    const { records, summary } = await decorateFirehoseRecords(inputs, { networkInterfaces: interfaces }, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(['Ok', 'Ok']);
    expect(documentsOf(records[0]!)[0]).toMatchObject({ enrichment_issues: ['eni_not_found'] });
    expect(documentsOf(records[1]!)[0]).toMatchObject({ enrichment_issues: ['eni_lookup_failed'] });
    expect(documentsOf(records[1]!)[0]).not.toHaveProperty('security_group_ids');
    expect(summary.issues).toEqual({ eni_not_found: 1, eni_lookup_failed: 1 });
  });

  it('lists the security-group rules of the record direction when rules are enabled', async () => {
    const info = networkInterfaceInfo({ interfaceId: 'eni-0a1b2c3d4e5f60718', privateIpv4Addresses: ['10.0.1.17'], securityGroups: [{ groupId: 'sg-0123456789abcdef0', groupName: 'web' }] });
    const ingress = securityGroupRule({ rule_id: 'sgr-00000000000000001', group_id: 'sg-0123456789abcdef0', direction: 'ingress' });
    const egress = securityGroupRule({ rule_id: 'sgr-00000000000000002', group_id: 'sg-0123456789abcdef0', direction: 'egress' });
    const sources: FlowLogEnrichmentSources = {
      networkInterfaces: mapLookup({ 'eni-0a1b2c3d4e5f60718': { status: 'found', value: info } }),
      securityGroupRules: mapLookup({ 'sg-0123456789abcdef0': { status: 'found', value: [ingress, egress] } }),
      listRules: true,
    };

    const { records } = await decorateFirehoseRecords([transformationRecord()], sources, OPTIONS);

    expect(documentsOf(records[0]!)[0]?.security_group_rules).toEqual([ingress]);
  });

  it('geolocates public addresses only, once per distinct address, and flags a used-up quota', async () => {
    const geo = fixedGeoLocator({ '203.0.113.25': { status: 'found', value: geoLocation({ city: 'Sampleton' }) }, '198.51.100.3': { status: 'quota_exceeded' } });
    const inputs = [
      transformationRecord(),
      transformationRecord(),
      transformationRecord({ text: defaultFormatLine({ srcaddr: '198.51.100.3' }) }),
      transformationRecord({ text: defaultFormatLine({ srcaddr: '10.9.9.9' }) }),
    ];

    const { records } = await decorateFirehoseRecords(inputs, { geolocation: geo }, OPTIONS);

    expect(geo.asked).toEqual([['203.0.113.25', '198.51.100.3']]);
    expect(documentsOf(records[0]!)[0]).toMatchObject({ src_geo: { city: 'Sampleton' } });
    expect(documentsOf(records[0]!)[0]).not.toHaveProperty('dst_geo');
    expect(documentsOf(records[2]!)[0]).toMatchObject({ enrichment_issues: ['geo_quota_exceeded'] });
    expect(documentsOf(records[3]!)[0]).not.toHaveProperty('enrichment_issues');
  });

  it('sheds geolocation to stay within the response budget before failing any record, and flags it', async () => {
    const inputs = Array.from({ length: 40 }, () => transformationRecord());
    const geo = fixedGeoLocator({ '203.0.113.25': { status: 'found', value: geoLocation({ city: 'A city with a rather long name to weigh on the response' }) } });
    const full = await decorateFirehoseRecords(inputs.map((input) => ({ ...input })), { geolocation: geo }, OPTIONS);
    const bare = await decorateFirehoseRecords(inputs.map((input) => ({ ...input })), NO_SOURCES, OPTIONS);
    const budget = Math.floor((full.summary.responseBytes + bare.summary.responseBytes) / 2);

    const { records, summary } = await decorateFirehoseRecords(inputs, { geolocation: geo }, { ...OPTIONS, responseBudgetBytes: budget });

    expect(records.every((record) => record.result === 'Ok')).toBe(true);
    expect(documentsOf(records[0]!)[0]).not.toHaveProperty('src_geo');
    expect(documentsOf(records[0]!)[0]).toMatchObject({ enrichment_issues: ['size_budget'] });
    expect(summary.shedRecords).toBe(40);
    expect(JSON.stringify({ records }).length).toBeLessThanOrEqual(budget);
  });

  it('hands the last records back as ProcessingFailed with their original data when even shed documents do not fit', async () => {
    const inputs = Array.from({ length: 50 }, () => transformationRecord());
    const unlimited = await decorateFirehoseRecords(inputs.map((input) => ({ ...input })), NO_SOURCES, OPTIONS);
    const budget = Math.floor(unlimited.summary.responseBytes * 0.8);

    const { records, summary } = await decorateFirehoseRecords(inputs, NO_SOURCES, { ...OPTIONS, responseBudgetBytes: budget });

    const results = records.map((record) => record.result);
    const firstFailed = results.indexOf('ProcessingFailed');
    expect(firstFailed).toBeGreaterThan(0);
    expect(results.slice(firstFailed).every((result) => result === 'ProcessingFailed')).toBe(true);
    expect(records.slice(firstFailed).map((record) => record.data)).toEqual(inputs.slice(firstFailed).map((input) => input.data));
    expect(summary.overBudgetRecords).toBe(records.length - firstFailed);
    expect(JSON.stringify({ records }).length).toBeLessThanOrEqual(budget);
  });

  it('reports the exact size of the response it returns, give or take the last comma', async () => {
    const inputs = [transformationRecord(), transformationRecord({ text: 'bad' }), transformationRecord({ data: gzipEnvelope(controlPayload()) })];

    const { records, summary } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    const actual = JSON.stringify({ records }).length;
    expect(summary.responseBytes - actual).toBeGreaterThanOrEqual(0);
    expect(summary.responseBytes - actual).toBeLessThanOrEqual(1);
  });

  it('counts results, flows, bad lines and enrichment issues in its summary', async () => {
    const interfaces = mapLookup<NetworkInterfaceInfo>({ 'eni-00000000000000001': { status: 'not_found' } });
    const inputs = [
      transformationRecord({ text: `${defaultFormatLine({ interfaceId: 'eni-00000000000000001' })}\n${defaultFormatLine({ interfaceId: 'eni-00000000000000001', srcport: 1 })}` }),
      transformationRecord({ text: 'not a flow log\nnor this' }),
      transformationRecord({ data: gzipEnvelope(controlPayload()) }),
    ];

    const { summary } = await decorateFirehoseRecords(inputs, { networkInterfaces: interfaces }, OPTIONS);

    expect(summary).toMatchObject({
      records: 3,
      results: { Ok: 1, Dropped: 1, ProcessingFailed: 1 },
      flows: 2,
      // Reading a record stops at its first bad line: the record goes back whole either way.
      invalidLines: 1,
      issues: { eni_not_found: 2 },
      shedRecords: 0,
      overBudgetRecords: 0,
    });
  });

  it('keeps at most three failure examples, the first ones, each naming its record', async () => {
    const inputs = Array.from({ length: 5 }, () => transformationRecord({ text: 'not a flow log' }));

    const { summary } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    expect(summary.failureExamples).toHaveLength(3);
    expect(summary.failureExamples.map((example) => example.split(' (')[0])).toEqual(['record 1', 'record 2', 'record 3']);
    expect(summary.failureExamples[0]).toContain(inputs[0]?.recordId);
  });

  it('drops a record of blank lines and a CloudWatch Logs envelope without log events, keeping their data', async () => {
    const inputs = [transformationRecord({ text: '\n  \r\n' }), transformationRecord({ data: gzipEnvelope(subscriptionPayload({ logEvents: [] })) })];

    const { records } = await decorateFirehoseRecords(inputs, NO_SOURCES, OPTIONS);

    expect(records).toEqual(inputs.map((input) => ({ recordId: input.recordId, result: 'Dropped', data: input.data })));
  });

  it('parses the lines after a header with the header format inside the same record', async () => {
    const input = transformationRecord({ text: 'srcaddr dstaddr action\n198.51.100.1 10.0.0.1 REJECT\n198.51.100.2 10.0.0.1 ACCEPT\n' });

    const { records } = await decorateFirehoseRecords([input], NO_SOURCES, OPTIONS);

    expect(records[0]?.result).toBe('Ok');
    expect(documentsOf(records[0]!)).toEqual([
      { srcaddr: '198.51.100.1', dstaddr: '10.0.0.1', action: 'REJECT' },
      { srcaddr: '198.51.100.2', dstaddr: '10.0.0.1', action: 'ACCEPT' },
    ]);
  });

  it('ends every document of a multi-flow record with a newline when configured for S3 delivery', async () => {
    const payload = subscriptionPayload({ logEvents: [0, 1].map((sequence) => logEvent({ sequence, message: defaultFormatLine({ srcport: sequence }) })) });

    const { records } = await decorateFirehoseRecords([transformationRecord({ data: gzipEnvelope(payload) })], NO_SOURCES, { ...OPTIONS, trailingNewline: true });

    expect(Buffer.from(records[0]?.data ?? '', 'base64').toString('utf8')).toMatch(/^\{[^\n]*\}\n\{[^\n]*\}\n$/);
  });

  it('turns a record of lines the ingestor packed for S3 into one newline-ended document per line, in order', async () => {
    // Prepare: twelve lines packed as the ingestor packs them for S3.
    const events = Array.from({ length: 12 }, (_, sequence) => logEvent({ sequence, message: defaultFormatLine({ srcport: 1000 + sequence }) }));
    const [packed] = toDeliveryRecords(events, 5_120);
    if (packed === undefined) throw new Error('nothing packed');

    // Act
    const { records } = await decorateFirehoseRecords([transformationRecord({ data: Buffer.from(packed.data).toString('base64') })], NO_SOURCES, { ...OPTIONS, trailingNewline: true });

    // Assess
    const text = Buffer.from(records[0]?.data ?? '', 'base64').toString('utf8');
    expect(records[0]?.result).toBe('Ok');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { srcport: number }).srcport)).toEqual(events.map((_, sequence) => 1000 + sequence));
  });

  it('fails only flow records for size: Dropped and ProcessingFailed records keep their result', async () => {
    const inputs = [transformationRecord({ data: gzipEnvelope(controlPayload()) }), transformationRecord({ text: 'bad' }), transformationRecord()];

    const { records, summary } = await decorateFirehoseRecords(inputs, NO_SOURCES, { ...OPTIONS, responseBudgetBytes: 100 });

    expect(records).toEqual([
      { recordId: inputs[0]?.recordId, result: 'Dropped', data: inputs[0]?.data },
      { recordId: inputs[1]?.recordId, result: 'ProcessingFailed', data: inputs[1]?.data },
      { recordId: inputs[2]?.recordId, result: 'ProcessingFailed', data: inputs[2]?.data },
    ]);
    expect(summary.overBudgetRecords).toBe(1);
  });

  it('answers an empty batch with an empty response', async () => {
    const { records, summary } = await decorateFirehoseRecords([], NO_SOURCES, OPTIONS);

    expect(records).toEqual([]);
    expect(summary.responseBytes).toBe(JSON.stringify({ records: [] }).length);
  });
});
