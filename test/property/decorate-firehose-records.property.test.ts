import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowLogEnrichmentSources } from '../../src/enrich/enrich-flow-logs.js';
import {
  decorateFirehoseRecords,
  TransformationResult,
  type TransformationInputRecord,
  type TransformationOutputRecord,
} from '../../src/firehose/transformation/decorate-firehose-records.js';
import type { GeoOutcome, NetworkInterfaceInfo, SecurityGroupRule } from '../../src/ports.js';
import { controlPayload, encodeSubscriptionData, logEvent, subscriptionPayload } from '../support/cloudwatch-builders.js';
import { networkInterfaceInfo, securityGroupRule } from '../support/ec2-builders.js';
import { base64, mapLookup } from '../support/firehose-builders.js';
import { geoLocation } from '../support/geo-builders.js';

const FOUND_ENI = 'eni-0a1b2c3d4e5f60718';
const UNKNOWN_ENI = 'eni-00000000000000001';
const FAILING_ENI = 'eni-00000000000000002';
const PRIVATE_ADDRESS = '10.0.1.17';
const PUBLIC_ADDRESSES = ['203.0.113.25', '198.51.100.7', '192.0.2.200'] as const;

const DEFAULT_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A well-formed default-format record line. */
const goodLine = fc
  .record({
    interfaceId: fc.constantFrom(FOUND_ENI, UNKNOWN_ENI, FAILING_ENI),
    peer: fc.constantFrom(...PUBLIC_ADDRESSES, '10.0.2.9'),
    inbound: fc.boolean(),
    srcport: fc.integer({ min: 0, max: 65_535 }),
    dstport: fc.integer({ min: 0, max: 65_535 }),
    protocol: fc.constantFrom(1, 6, 17),
    packets: fc.integer({ min: 1, max: 1_000_000 }),
    bytes: fc.integer({ min: 40, max: 100_000_000 }),
    start: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
    duration: fc.integer({ min: 0, max: 600 }),
    action: fc.constantFrom('ACCEPT', 'REJECT'),
  })
  .map((r) => {
    const [src, dst] = r.inbound ? [r.peer, PRIVATE_ADDRESS] : [PRIVATE_ADDRESS, r.peer];
    return `2 123456789012 ${r.interfaceId} ${src} ${dst} ${r.srcport} ${r.dstport} ${r.protocol} ${r.packets} ${r.bytes} ${r.start} ${r.start + r.duration} ${r.action} OK`;
  });

/** A line that is meant to be a record but is not one. */
const badLine = fc.oneof(
  goodLine.map((line) => line.replace(PRIVATE_ADDRESS, 'not-an-address')),
  goodLine.map((line) => line.split(' ').slice(0, 9).join(' ')),
  goodLine.map((line) => `${line} surplus`),
  fc.constant('Hello World'),
  fc.constant('{"Hello": "World"}'),
);

/** A header line: the default format's, or a custom one that changes how later lines parse. */
const headerLine = fc.constantFrom(DEFAULT_HEADER, 'srcaddr dstaddr action', 'version interface-id srcaddr dstaddr flow-direction');

const anyLine = fc.oneof({ weight: 5, arbitrary: goodLine }, { weight: 2, arbitrary: badLine }, { weight: 1, arbitrary: headerLine });

/** The bytes of one Firehose record, in every shape the decorator may be handed. */
const recordBytes: fc.Arbitrary<Buffer> = fc.oneof(
  // Lines as the ingestor or a file delivers them, with optional CRLF and trailing newline.
  fc
    .tuple(fc.array(anyLine, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([lines, separator, trailing]) => Buffer.from(lines.join(separator) + (trailing ? separator : ''))),
  // Flow logs delivered straight to Firehose.
  anyLine.map((line) => Buffer.from(JSON.stringify({ message: line }))),
  // A CloudWatch Logs subscription sending straight to Firehose.
  fc
    .array(anyLine, { maxLength: 5 })
    .map((messages) => Buffer.from(encodeSubscriptionData(subscriptionPayload({ logEvents: messages.map((message, sequence) => logEvent({ sequence, message })) })), 'base64')),
  fc.constant(Buffer.from(encodeSubscriptionData(controlPayload()), 'base64')),
  // Anything at all.
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'grapheme', maxLength: 100 }).map((text) => Buffer.from(text)),
);

/** A batch of records with distinct ids, as Firehose sends; ids are any text, to stress the response accounting. */
const batch: fc.Arbitrary<TransformationInputRecord[]> = fc
  .uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 70 }), recordBytes), { maxLength: 25, selector: ([recordId]) => recordId })
  .map((records) => records.map(([recordId, bytes]) => ({ recordId, data: base64(bytes) })));

/** Enrichment that finds one interface with its rules and locates the public addresses, with long names to shed. */
function enrichmentSources(): FlowLogEnrichmentSources {
  const info = networkInterfaceInfo({ interfaceId: FOUND_ENI, privateIpv4Addresses: [PRIVATE_ADDRESS] });
  const rules = [securityGroupRule({ direction: 'ingress' }), securityGroupRule({ rule_id: 'sgr-00000000000000002', direction: 'egress' })];
  const locations = new Map<string, GeoOutcome>(
    PUBLIC_ADDRESSES.map((address, index) => [address, index === 2 ? { status: 'failed', reason: 'timeout' } : { status: 'found', value: geoLocation({ city: `A city of a rather long name, number ${index}` }) }]),
  );
  return {
    networkInterfaces: mapLookup<NetworkInterfaceInfo>({ [FOUND_ENI]: { status: 'found', value: info }, [FAILING_ENI]: { status: 'failed', reason: 'RequestLimitExceeded' } }),
    securityGroupRules: mapLookup<readonly SecurityGroupRule[]>({ 'sg-0123456789abcdef0': { status: 'found', value: rules } }),
    geolocation: { locate: (addresses) => Promise.resolve(new Map(addresses.map((address) => [address, locations.get(address) ?? { status: 'not_found' }]))) },
  };
}

function responseBytes(records: readonly TransformationOutputRecord[]): number {
  return Buffer.byteLength(JSON.stringify({ records }));
}

/** The response if every record that is not Dropped were handed back as ProcessingFailed. */
function allFailed(inputs: readonly TransformationInputRecord[], records: readonly TransformationOutputRecord[]): TransformationOutputRecord[] {
  return inputs.map((input, index) => ({
    recordId: input.recordId,
    result: records[index]?.result === TransformationResult.Dropped ? TransformationResult.Dropped : TransformationResult.ProcessingFailed,
    data: input.data,
  }));
}

describe('decorateFirehoseRecords (property)', () => {
  it('returns every recordId once, in input order; failed and dropped records keep their data; Ok records hold one JSON object per line', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.boolean(), async (inputs, trailingNewline) => {
        // Act
        const { records, summary } = await decorateFirehoseRecords(inputs, enrichmentSources(), { trailingNewline, responseBudgetBytes: 6_000_000 });

        // Assess
        expect(records.map((record) => record.recordId)).toEqual(inputs.map((input) => input.recordId));
        records.forEach((record, index) => {
          if (record.result === TransformationResult.Ok) {
            const text = Buffer.from(record.data, 'base64').toString('utf8');
            expect(text.endsWith('\n')).toBe(trailingNewline);
            const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n');
            for (const line of lines) {
              const document: unknown = JSON.parse(line);
              expect(document).toBeTypeOf('object');
              expect(Array.isArray(document) || document === null).toBe(false);
            }
          } else {
            expect([TransformationResult.Dropped, TransformationResult.ProcessingFailed]).toContain(record.result);
            expect(record.data).toBe(inputs[index]?.data);
          }
        });
        expect(summary.results.Ok + summary.results.Dropped + summary.results.ProcessingFailed).toBe(inputs.length);
      }),
    );
  });

  it('keeps the response within a tiny budget, unless even handing every record back as ProcessingFailed would not fit', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.integer({ min: 14, max: 4000 }), async (inputs, budget) => {
        // Act
        const { records, summary } = await decorateFirehoseRecords(inputs, enrichmentSources(), { trailingNewline: false, responseBudgetBytes: budget });

        // Assess
        const bytes = responseBytes(records);
        expect(records.map((record) => record.recordId)).toEqual(inputs.map((input) => input.recordId));
        if (bytes > budget) {
          expect(records).toEqual(allFailed(inputs, records));
        }
        if (responseBytes(allFailed(inputs, records)) <= budget) {
          expect(bytes).toBeLessThanOrEqual(budget);
        }
        // The size it reports is what it returns, give or take the last comma.
        expect(summary.responseBytes - bytes).toBeGreaterThanOrEqual(0);
        expect(summary.responseBytes - bytes).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('turns every record of well-formed lines into Ok, one document per line, when nothing else is in the batch', async () => {
    const wellFormed = fc.oneof(
      fc.array(goodLine, { minLength: 1, maxLength: 4 }).map((lines) => ({ lines, bytes: Buffer.from(`${lines.join('\n')}\n`) })),
      goodLine.map((line) => ({ lines: [line], bytes: Buffer.from(JSON.stringify({ message: line })) })),
      fc.array(goodLine, { minLength: 1, maxLength: 4 }).map((lines) => ({
        lines,
        bytes: Buffer.from(encodeSubscriptionData(subscriptionPayload({ logEvents: lines.map((message, sequence) => logEvent({ sequence, message })) })), 'base64'),
      })),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(wellFormed, { maxLength: 20 }), async (records) => {
        const inputs = records.map((record, index) => ({ recordId: String(index), data: base64(record.bytes) }));

        const output = await decorateFirehoseRecords(inputs, enrichmentSources(), { trailingNewline: false, responseBudgetBytes: 6_000_000 });

        expect(output.records.map((record) => record.result)).toEqual(inputs.map(() => TransformationResult.Ok));
        expect(output.records.map((record) => Buffer.from(record.data, 'base64').toString('utf8').split('\n').length)).toEqual(records.map((record) => record.lines.length));
        expect(output.summary.flows).toBe(records.reduce((sum, record) => sum + record.lines.length, 0));
      }),
    );
  });
});
