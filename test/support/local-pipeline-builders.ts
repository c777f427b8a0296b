// Builders for the local pipeline's tests: an in-memory object store, stream options with small
// defaults, and transformation functions that answer as told.
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { createInProcessDeliveryStream, type InProcessDeliveryStream, type InProcessDeliveryStreamOptions } from '../../src/local-pipeline/in-process-delivery-stream.js';
import type { ObjectStore } from '../../src/local-pipeline/object-store.js';
import { manualClock } from './geo-builders.js';

/** An ObjectStore keeping objects in a map, in write order. */
export function memoryObjectStore(): ObjectStore & { readonly objects: Map<string, Buffer>; keysUnder(prefix: string): string[]; textUnder(prefix: string): string } {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    putObject(key, body) {
      objects.set(key, typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body));
      return Promise.resolve();
    },
    keysUnder: (prefix) => [...objects.keys()].filter((key) => key.startsWith(prefix)),
    textUnder: (prefix) =>
      [...objects.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .map(([, body]) => body.toString('utf8'))
        .join(''),
  };
}

/** A failed record as Firehose writes it under processing-failed/. */
export interface FailedRecordLine {
  readonly attemptsMade: number;
  readonly arrivalTimestamp: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attemptEndingTimestamp: number;
  readonly rawData: string;
  readonly lambdaArn: string;
}

/** The failed records of every processing-failed object of the store. */
export function failedRecordsIn(store: ReturnType<typeof memoryObjectStore>, prefix = 'processing-failed/'): FailedRecordLine[] {
  return store
    .textUnder(prefix)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FailedRecordLine);
}

/** A transformation that answers every record with `result` and its own data, recording each event. */
export function echoTransform(result: 'Ok' | 'Dropped' | 'ProcessingFailed' = 'Ok'): ((event: FirehoseTransformationEvent) => Promise<unknown>) & { readonly events: FirehoseTransformationEvent[] } {
  const events: FirehoseTransformationEvent[] = [];
  const transform = (event: FirehoseTransformationEvent): Promise<unknown> => {
    events.push(event);
    return Promise.resolve({ records: event.records.map((record) => ({ recordId: record.recordId, result, data: record.data })) });
  };
  return Object.assign(transform, { events });
}

/** A transformation that answers with whatever `answer` makes of the event. */
export function scriptedTransform(answer: (event: FirehoseTransformationEvent) => unknown): ((event: FirehoseTransformationEvent) => Promise<unknown>) & { readonly calls: () => number } {
  let calls = 0;
  const transform = (event: FirehoseTransformationEvent): Promise<unknown> => {
    calls += 1;
    return Promise.resolve(answer(event));
  };
  return Object.assign(transform, { calls: () => calls });
}

/** 2026-06-01T08:00:00Z. */
export const PIPELINE_TEST_START = Date.UTC(2026, 5, 1, 8, 0, 0);

/** An in-process stream with test defaults (large buffers, so nothing flushes until told), its store and clock. */
export function inProcessStream(overrides: Partial<InProcessDeliveryStreamOptions> = {}): {
  readonly stream: InProcessDeliveryStream;
  readonly store: ReturnType<typeof memoryObjectStore>;
  readonly clock: ReturnType<typeof manualClock>;
} {
  const store = memoryObjectStore();
  const clock = manualClock(PIPELINE_TEST_START);
  const stream = createInProcessDeliveryStream({
    deliveryStreamName: 'test-stream',
    region: 'us-east-1',
    accountId: '123456789012',
    lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-decorator',
    transform: echoTransform(),
    processorBuffering: { sizeBytes: 64 * 1024 * 1024, intervalMs: 60_000 },
    destinationBuffering: { sizeBytes: 64 * 1024 * 1024, intervalMs: 300_000 },
    numberOfRetries: 3,
    clock,
    objectStore: store,
    deliveredPrefix: 'delivered/',
    processingFailedPrefix: 'processing-failed/',
    ...overrides,
  });
  return { stream, store, clock };
}

/** `count` records of `bytes` bytes each (the letter x, then the index, padded). */
export function records(count: number, bytes = 100): Uint8Array[] {
  return Array.from({ length: count }, (_, index) => Buffer.from(`${index}`.padStart(bytes, 'x')));
}
