import { describe, expect, it } from 'vitest';
import { deterministicUuid, firehoseObjectKey } from '../../../src/local-pipeline/firehose-object-key.js';

describe('firehoseObjectKey', () => {
  it('puts the UTC hour of the oldest arrival in the prefix and the second in the name', () => {
    const key = firehoseObjectKey('delivered/', 'flows', Date.UTC(2026, 11, 31, 23, 59, 58), 1);

    expect(key).toMatch(/^delivered\/2026\/12\/31\/23\/flows-1-2026-12-31-23-59-58-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
  });

  it('names the objects of one stream differently, and the same on every run', () => {
    const time = Date.UTC(2026, 5, 1, 8);

    expect(firehoseObjectKey('delivered/', 'flows', time, 1)).not.toBe(firehoseObjectKey('delivered/', 'flows', time, 2));
    expect(firehoseObjectKey('delivered/', 'flows', time, 1)).toBe(firehoseObjectKey('delivered/', 'flows', time, 1));
  });
});

describe('deterministicUuid', () => {
  it('has the shape of a version 4 UUID', () => {
    for (const seed of ['a', 'b', 'stream|1', '']) expect(deterministicUuid(seed)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
