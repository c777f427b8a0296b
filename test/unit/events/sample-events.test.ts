// The `sam local invoke` payloads in events/: current with their generator, and what each function makes of them.
import { readFileSync } from 'node:fs';
import type { CloudWatchLogsEvent, FirehoseTransformationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SAMPLE_EVENT_PATHS, sampleLinesByInterface, staleSampleEvents } from '../../../scripts/generate-sample-events.js';
import { decorateFirehoseRecords } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import { deliverSubscriptionPayload, IngestOutcome } from '../../../src/firehose/delivery/deliver-subscription-payload.js';
import { documentsOf } from '../../support/firehose-builders.js';
import { fakeTime, recordingLogger, recordingMetrics, scriptedDeliveryStream } from '../../support/firehose-delivery-fakes.js';

const OPTIONS = { trailingNewline: false, responseBudgetBytes: 5_000_000 };

function readEvent<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

async function ingest(path: string) {
  const time = fakeTime();
  const stream = scriptedDeliveryStream();
  const summary = await deliverSubscriptionPayload(readEvent<CloudWatchLogsEvent>(path).awslogs.data, {
    deliveryStream: stream.deliveryStream,
    logger: recordingLogger().logger,
    metrics: recordingMetrics().metrics,
    concurrency: 4,
    maxAttempts: 3,
    deadline: time.clock.now() + 60_000,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  return { summary, puts: stream.calls.flat() };
}

async function decorate(path: string) {
  const output = await decorateFirehoseRecords(readEvent<FirehoseTransformationEvent>(path).records, {}, OPTIONS);
  const lines = output.records.flatMap((record) => (record.result === 'Ok' ? documentsOf(record) : []));
  return { results: output.summary.results, documents: lines };
}

/** The sample's first `count` lines of every interface, parsed into the fields a document keeps as they are. */
function expectedFlows(count: number): { interface_id: string; srcaddr: string; dstaddr: string }[] {
  return [...sampleLinesByInterface().entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, lines]) => lines.slice(0, count))
    .map((line) => {
      const [, , interfaceId = '', srcaddr = '', dstaddr = ''] = line.split(' ');
      return { interface_id: interfaceId, srcaddr, dstaddr };
    });
}

describe('sample events', () => {
  it('are what scripts/generate-sample-events.ts writes', () => {
    expect(staleSampleEvents()).toEqual([]);
  });

  it('the data message puts each of its log events into Firehose as its line and a newline', async () => {
    const { summary, puts } = await ingest(SAMPLE_EVENT_PATHS.cloudWatchLogsData);

    const firstInterfaceLines = [...sampleLinesByInterface().entries()].sort(([a], [b]) => a.localeCompare(b))[0]?.[1] ?? [];
    expect(summary.outcome).toBe(IngestOutcome.Delivered);
    expect(puts).toEqual(firstInterfaceLines.slice(0, 4).map((line) => `${line}\n`));
  });

  it('the control message puts nothing', async () => {
    const { summary, puts } = await ingest(SAMPLE_EVENT_PATHS.cloudWatchLogsControl);

    expect(summary.outcome).toBe(IngestOutcome.ControlMessage);
    expect(puts).toEqual([]);
  });

  it.each([SAMPLE_EVENT_PATHS.firehoseFromIngestor, SAMPLE_EVENT_PATHS.firehoseDirectPut])('%s decorates every record Ok, one document per line of all six interfaces', async (path) => {
    const { results, documents } = await decorate(path);

    expect(results).toEqual({ Ok: 12, Dropped: 0, ProcessingFailed: 0 });
    expect(documents.map(({ interface_id, srcaddr, dstaddr }) => ({ interface_id, srcaddr, dstaddr }))).toEqual(expectedFlows(2));
    expect(new Set(documents.map((document) => document.interface_id)).size).toBe(6);
  });

  it('the CloudWatch Logs envelopes decorate Ok per log stream and drop the control message', async () => {
    const { results, documents } = await decorate(SAMPLE_EVENT_PATHS.firehoseCloudWatchLogsEnvelopes);

    expect(results).toEqual({ Ok: 6, Dropped: 1, ProcessingFailed: 0 });
    expect(documents.map(({ interface_id, srcaddr, dstaddr }) => ({ interface_id, srcaddr, dstaddr }))).toEqual(expectedFlows(2));
  });
});
