// Fuzzing the decorator Lambda's input (issue 12): arbitrary Firehose transformation events, good
// records mixed with every kind of damage an adversary or a broken producer can send, against the
// real handler with EC2 mocked (no network). Whatever arrives, the batch comes back: every
// recordId once, in order; a known result; ProcessingFailed with the original data; Ok data made
// of JSON documents, one a line; and a record of good lines only is Ok with one document a line.
import { isUtf8 } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { DescribeNetworkInterfacesCommand, EC2Client, type DescribeNetworkInterfacesCommandInput } from '@aws-sdk/client-ec2';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { controlPayload, subscriptionPayload } from '../../support/cloudwatch-builders.js';
import { ec2NetworkInterface } from '../../support/ec2-builders.js';
import { defaultFormatLine, transformationEvent } from '../../support/firehose-builders.js';
import { DEFAULT_FORMAT_TEXT } from '../../../src/flow-log/index.js';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

const KNOWN_INTERFACES = ['eni-0a1b2c3d4e5f60718', 'eni-00000000000000001', 'eni-0ffffffffffffffff'];
const ec2 = mockClient(EC2Client);
let handler: Handler;

beforeAll(async () => {
  ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: DescribeNetworkInterfacesCommandInput) => {
    const wanted = new Set([...(input.NetworkInterfaceIds ?? []), ...(input.Filters ?? []).flatMap((filter) => filter.Values ?? [])]);
    return { NetworkInterfaces: KNOWN_INTERFACES.filter((id) => wanted.has(id)).map((id) => ec2NetworkInterface({ NetworkInterfaceId: id })) };
  });
  // The summary log and EMF go to stdout and stderr: not this test's subject.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.resetModules();
  ({ handler } = (await import('../../../decorator/index.js')));
});

afterAll(() => {
  vi.restoreAllMocks();
  ec2.restore();
});

// What a record carries, as bytes, and whether it is made of good flow-log lines only.
interface FuzzRecord {
  readonly bytes: Uint8Array;
  readonly goodLines?: number;
}

const text = (value: string, goodLines?: number): FuzzRecord => ({ bytes: Buffer.from(value), ...(goodLines === undefined ? {} : { goodLines }) });

const goodLine = fc
  .record({
    interfaceId: fc.oneof(fc.constantFrom(...KNOWN_INTERFACES), fc.stringMatching(/^eni-[0-9a-f]{17}$/)),
    srcaddr: fc.oneof(fc.ipV4(), fc.ipV6()),
    dstaddr: fc.oneof(fc.ipV4(), fc.ipV6()),
    action: fc.constantFrom('ACCEPT', 'REJECT'),
    srcport: fc.integer({ min: 0, max: 65_535 }),
  })
  .map((values) => defaultFormatLine(values));

/** Characters that do not belong in a flow-log line, and a few that do but in the wrong place. */
const hostileCharacter = fc.constantFrom('\u0000', '\u001b', '\u007f', '\u0085', '\ufffd', '\u2028', '"', '\\', '{', '}', '\t', '\r', '\n', '-', ' ', 'é', '😀');

/** A good line with characters inserted, replaced or cut away. */
const damagedLine = fc.tuple(goodLine, fc.array(fc.tuple(fc.nat(), hostileCharacter, fc.boolean()), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { nil: undefined })).map(([line, edits, cut]) => {
  let damaged = line;
  for (const [at, character, replace] of edits) {
    const position = at % (damaged.length + 1);
    damaged = `${damaged.slice(0, position)}${character}${damaged.slice(position + (replace ? 1 : 0))}`;
  }
  return cut === undefined ? damaged : damaged.slice(0, cut % (damaged.length + 1));
});

const headerLine = fc.oneof(
  fc.constant(DEFAULT_FORMAT_TEXT.replaceAll('${', '').replaceAll('}', '')),
  fc.constant('version account-id interface-id srcaddr dstaddr enrichment-issues'),
  fc.constant('version interface-id srcaddr dstaddr security-group-ids direction'),
  fc.constant('version srcaddr dstaddr some-future-field'),
  fc.constant('version srcaddr dstaddr'),
);

const anyLine = fc.oneof({ weight: 4, arbitrary: goodLine }, { weight: 3, arbitrary: damagedLine }, { weight: 1, arbitrary: headerLine }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) });

const lineSeparator = fc.constantFrom('\n', '\r\n', '\n\n', '\n \n');

const fuzzRecord: fc.Arbitrary<FuzzRecord> = fc.oneof(
  // The ingestor's shape: one good line and its newline, or several.
  { weight: 4, arbitrary: fc.tuple(fc.array(goodLine, { minLength: 1, maxLength: 4 }), lineSeparator).map(([lines, separator]) => text(`${lines.join(separator)}\n`, lines.length)) },
  // Several lines of anything.
  { weight: 3, arbitrary: fc.tuple(fc.array(anyLine, { minLength: 1, maxLength: 5 }), lineSeparator).map(([lines, separator]) => text(lines.join(separator))) },
  // {"message": ...} wrappers: good, of anything, ambiguous, or not a wrapper at all.
  {
    weight: 2,
    arbitrary: fc.oneof(
      goodLine.map((line) => text(JSON.stringify({ message: line }), 1)),
      anyLine.map((line) => text(JSON.stringify({ message: line }))),
      fc.tuple(goodLine, anyLine).map(([first, second]) => text(`{"message":${JSON.stringify(first)},"message":${JSON.stringify(second)}}`)),
      fc.tuple(goodLine, fc.constantFrom('\\u006dessage', 'message')).map(([line, key]) => text(`{"${key}":${JSON.stringify(line)},"m\\u0065ssage":"x"}`)),
      fc.jsonValue().map((value) => text(JSON.stringify(value))),
      fc.jsonValue().map((value) => text(JSON.stringify({ message: value }))),
    ),
  },
  // Gzipped CloudWatch Logs envelopes: good, with bad lines, control messages, truncated, or not an envelope.
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.array(goodLine, { minLength: 1, maxLength: 5 }).map((lines) => ({ bytes: gzipSync(JSON.stringify(subscriptionPayload({ logEvents: lines.map((message, index) => ({ id: String(index), timestamp: 1_700_000_000_000, message })) }))), goodLines: lines.length })),
      fc.array(anyLine, { minLength: 1, maxLength: 5 }).map((lines) => ({ bytes: gzipSync(JSON.stringify(subscriptionPayload({ logEvents: lines.map((message, index) => ({ id: String(index), timestamp: 1_700_000_000_000, message })) }))) })),
      fc.constant({ bytes: gzipSync(JSON.stringify(controlPayload())) }),
      fc.tuple(fc.array(goodLine, { minLength: 1, maxLength: 3 }), fc.nat()).map(([lines, cut]) => {
        const whole = gzipSync(JSON.stringify(subscriptionPayload({ logEvents: lines.map((message, index) => ({ id: String(index), timestamp: 0, message })) })));
        return { bytes: whole.subarray(0, 2 + (cut % (whole.length - 2))) };
      }),
      fc.jsonValue().map((value) => ({ bytes: gzipSync(JSON.stringify(value)) })),
      fc.uint8Array({ maxLength: 64 }).map((tail) => ({ bytes: Buffer.concat([Buffer.from([0x1f, 0x8b]), tail]) })),
    ),
  },
  // Bytes that are not UTF-8, and nothing at all.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }).map((bytes) => ({ bytes })) },
  // A line far longer than any flow-log line.
  { weight: 1, arbitrary: fc.tuple(goodLine, fc.integer({ min: 10_000, max: 300_000 })).map(([line, length]) => text(`${line} ${'x'.repeat(length)}\n`)) },
);

/** The data field as Firehose sends it: base64, or (rarely) base64 a producer broke. */
const encodedRecord = fc.tuple(fuzzRecord, fc.constantFrom('clean', 'clean', 'clean', 'clean', 'broken')).map(([record, encoding]) => {
  const data = Buffer.from(record.bytes).toString('base64');
  return encoding === 'clean' ? { data, goodLines: record.goodLines } : { data: `${data.slice(0, Math.floor(data.length / 2))}*%${data.slice(Math.floor(data.length / 2))}=`, goodLines: undefined };
});

describe('decorator handler (fuzzed input)', () => {
  it('answers every record once, in order, Ok with JSON lines or ProcessingFailed with the original data, whatever the batch holds', async () => {
    const seen = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(encodedRecord, { minLength: 1, maxLength: 24 }), async (records) => {
        // Prepare
        const event = transformationEvent(records.map(({ data }, index) => ({ recordId: `record-${index}`, approximateArrivalTimestamp: 1_700_000_065_000, data })));

        // Act
        const response = await handler(event);

        // Assess
        expect(response.records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
        response.records.forEach((result, index) => {
          const input = event.records[index];
          const expected = records[index];
          expect(['Ok', 'Dropped', 'ProcessingFailed']).toContain(result.result);
          seen[result.result] += 1;
          if (result.result === 'ProcessingFailed') expect(result.data).toBe(input?.data);
          if (result.result === 'Ok') {
            const bytes = Buffer.from(result.data ?? '', 'base64');
            expect(isUtf8(bytes)).toBe(true);
            const documents = bytes.toString('utf8').split('\n').filter((line) => line !== '');
            for (const document of documents) expect(JSON.parse(document)).toBeTypeOf('object');
            if (expected?.goodLines !== undefined) expect(documents).toHaveLength(expected.goodLines);
          }
          // A record of good lines only is not failed because of the others in its batch.
          if (expected?.goodLines !== undefined) expect(result.result).toBe('Ok');
        });
        expect(JSON.stringify(response).length).toBeLessThanOrEqual(6_000_000);
      }),
      { numRuns: 100 },
    );
    // The property held over every kind of answer, not only over failures.
    expect(seen.Ok).toBeGreaterThan(0);
    expect(seen.ProcessingFailed).toBeGreaterThan(0);
    expect(seen.Dropped).toBeGreaterThan(0);
  }, 120_000);
});
