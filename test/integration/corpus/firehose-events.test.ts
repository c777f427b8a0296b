// The Firehose transformation events of the public corpus (../shared/corpus/events), read in place,
// decorated as the Lambda would, and checked against the corpus's own decoded/ views.
import { existsSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decorateFirehoseRecords, TransformationResult, type DecorationOptions } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { DEFAULT_FORMAT_TEXT } from '../../../src/flow-log/flow-log-format.js';
import type { NetworkInterfaceInfo } from '../../../src/ports.js';
import { CORPUS, readCorpusJson } from '../../support/cloudwatch-builders.js';
import { networkInterfaceInfo } from '../../support/ec2-builders.js';
import { documentsOf, mapLookup } from '../../support/firehose-builders.js';

const EVENTS = new URL('events/', CORPUS);
if (!existsSync(EVENTS)) {
  // Fail the suite, never skip it: a missing corpus must not pass for a conforming decorator.
  throw new Error(`The public test corpus is missing: no ${EVENTS.pathname}. Put ../shared/corpus beside the repository.`);
}

const OPTIONS: DecorationOptions = { trailingNewline: false, responseBudgetBytes: 5_000_000 };

/** A record of a decoded/ view: the text of plain records, the JSON of compressed ones. */
interface DecodedRecord {
  readonly recordId?: string;
  readonly compression: 'none' | 'gzip' | 'zlib';
  readonly decoded_utf8?: string;
  readonly decoded_data?: { readonly messageType: string; readonly logEvents: readonly { readonly message: string }[] };
}

interface DecodedView {
  readonly source_file: string;
  readonly records: readonly DecodedRecord[];
}

/** Every decoded/ view of a Firehose event, by the event file it decodes. */
const decodedViews = new Map(
  readdirSync(new URL('decoded/', EVENTS))
    .filter((file) => file.endsWith('.decoded.json'))
    .map((file) => readCorpusJson(`events/decoded/${file}`) as DecodedView)
    .filter((view) => Array.isArray(view.records))
    .map((view) => [view.source_file, view]),
);

function decodedView(file: string): DecodedView {
  const view = decodedViews.get(file);
  if (view === undefined) throw new Error(`the corpus has no decoded/ view of ${file}`);
  return view;
}

function firehoseEvent(file: string): FirehoseTransformationEvent {
  return readCorpusJson(`events/${file}`) as FirehoseTransformationEvent;
}

/** Every corpus file shaped like a Firehose transformation event, found by shape so new samples are covered. */
function corpusFirehoseEvents(): string[] {
  return readdirSync(EVENTS, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json') && !file.startsWith('decoded'))
    .sort()
    .filter((file) => {
      const content = readCorpusJson(`events/${file}`) as { invocationId?: unknown; records?: unknown };
      return (
        typeof content.invocationId === 'string' &&
        Array.isArray(content.records) &&
        content.records.every((record: { recordId?: unknown; data?: unknown }) => typeof record.recordId === 'string' && typeof record.data === 'string')
      );
    });
}

/** The document a default-format line should become: each value under its field name, `-` in names as `_`. */
function expectedFields(line: string): Record<string, string> {
  const names = [...DEFAULT_FORMAT_TEXT.matchAll(/\$\{([^}]+)\}/g)].map((match) => (match[1] ?? '').replaceAll('-', '_'));
  const values = line.split(' ');
  expect(values).toHaveLength(names.length);
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
}

/** The document's values as text, for comparison with the line's. */
function asText(document: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, String(document[key])]));
}

describe('decorateFirehoseRecords on the corpus Firehose events', () => {
  it('finds the Firehose events this suite is about', () => {
    expect(corpusFirehoseEvents()).toEqual(
      expect.arrayContaining([
        'aws-vpc-flow-log-appender/decorator-event.json',
        'splunk-firehose-flowlogs-processor/firehose-direct-put-vpcflow-event.json',
        'sam-cli/KinesisFirehoseCloudwatchLogsProcessor.rendered-defaults.json',
        'aws-lambda-go/kinesis-firehose-event.json',
        'powertools-typescript/firehose-put.json',
      ]),
    );
  });

  it.each(corpusFirehoseEvents())('answers every record of %s once, in order, keeping the data of what it does not turn Ok', async (file) => {
    const event = firehoseEvent(file);

    const { records } = await decorateFirehoseRecords(event.records, {}, OPTIONS);

    expect(records.map((record) => record.recordId)).toEqual(event.records.map((record) => record.recordId));
    records.forEach((record, index) => {
      if (record.result !== TransformationResult.Ok) expect(record.data).toBe(event.records[index]?.data);
    });
  });

  it('turns the original appender’s event into Ok documents holding the values of its decoded lines', async () => {
    const file = 'aws-vpc-flow-log-appender/decorator-event.json';
    const event = firehoseEvent(file);
    const lines = decodedView(file).records.map((record) => record.decoded_utf8 ?? '');

    const { records } = await decorateFirehoseRecords(event.records, {}, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(lines.map(() => TransformationResult.Ok));
    records.forEach((record, index) => {
      const documents = documentsOf(record);
      const expected = expectedFields(lines[index] ?? '');
      expect(documents).toHaveLength(1);
      expect(asText(documents[0] ?? {}, Object.keys(expected))).toEqual(expected);
    });
  });

  it('adds the interface’s groups and the direction to the original appender’s event when its interface is known', async () => {
    const file = 'aws-vpc-flow-log-appender/decorator-event.json';
    const [line] = decodedView(file).records.map((record) => expectedFields(record.decoded_utf8 ?? ''));
    const info = networkInterfaceInfo({ interfaceId: line?.interface_id ?? '', privateIpv4Addresses: [line?.dstaddr ?? ''] });

    const { records } = await decorateFirehoseRecords(firehoseEvent(file).records, { networkInterfaces: mapLookup<NetworkInterfaceInfo>({ [info.interfaceId]: { status: 'found', value: info } }) }, OPTIONS);

    expect(records.map((record) => documentsOf(record)[0])).toEqual([
      expect.objectContaining({ direction: 'ingress', security_group_ids: info.securityGroups.map((group) => group.groupId) }),
      expect.objectContaining({ direction: 'ingress', security_group_ids: info.securityGroups.map((group) => group.groupId) }),
    ]);
  });

  it('unwraps the direct-to-Firehose {"message"} records into Ok documents holding the values of their messages', async () => {
    const file = 'splunk-firehose-flowlogs-processor/firehose-direct-put-vpcflow-event.json';
    const event = firehoseEvent(file);
    const messages = decodedView(file).records.map((record) => (JSON.parse(record.decoded_utf8 ?? '') as { message: string }).message);

    const { records } = await decorateFirehoseRecords(event.records, {}, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(messages.map(() => TransformationResult.Ok));
    records.forEach((record, index) => {
      const expected = expectedFields(messages[index] ?? '');
      expect(asText(documentsOf(record)[0] ?? {}, Object.keys(expected))).toEqual(expected);
    });
  });

  it('drops the CloudWatch Logs control message and hands back the non-flow log events as ProcessingFailed with their original gzip', async () => {
    const file = 'sam-cli/KinesisFirehoseCloudwatchLogsProcessor.rendered-defaults.json';
    const event = firehoseEvent(file);
    const decoded = decodedView(file).records;

    const { records, summary } = await decorateFirehoseRecords(event.records, {}, OPTIONS);

    expect(records.map((record) => record.result)).toEqual(
      decoded.map((record) => (record.decoded_data?.messageType === 'CONTROL_MESSAGE' ? TransformationResult.Dropped : TransformationResult.ProcessingFailed)),
    );
    records.forEach((record, index) => {
      expect(record.recordId).toBe(decoded[index]?.recordId);
      expect(JSON.parse(gunzipSync(Buffer.from(record.data, 'base64')).toString('utf8'))).toEqual(decoded[index]?.decoded_data);
    });
    expect(summary.flows).toBe(0);
    // Every log event of the data messages is a line that is not a flow log.
    // Reading a record stops at its first bad line: one per data message with events.
    expect(summary.invalidLines).toBe(decoded.reduce((sum, record) => sum + (record.decoded_data?.messageType === 'DATA_MESSAGE' && record.decoded_data.logEvents.length > 0 ? 1 : 0), 0));
  });

  it.each(['aws-lambda-go/kinesis-firehose-event.json', 'powertools-typescript/firehose-put.json', 'powertools-python/kinesisFirehoseKinesisEvent.json', 'sam-cli/KinesisFirehose.rendered-defaults.json'])(
    'hands the "Hello World" records of %s back as ProcessingFailed with their original data',
    async (file) => {
      const event = firehoseEvent(file);

      const { records } = await decorateFirehoseRecords(event.records, {}, OPTIONS);

      expect(records).toEqual(event.records.map((record) => ({ recordId: record.recordId, result: TransformationResult.ProcessingFailed, data: record.data })));
      const view = decodedViews.get(file);
      if (view !== undefined) {
        expect(records.map((record) => Buffer.from(record.data, 'base64').toString('utf8'))).toEqual(view.records.map((record) => record.decoded_utf8));
      }
    },
  );
});
