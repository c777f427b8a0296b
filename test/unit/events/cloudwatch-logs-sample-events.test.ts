import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { controlMessage, dataMessage, gzipBase64, isSameEvent, sampleLogEventId, subscriptionEventFile } from '../../../scripts/cloudwatch-logs-sample-events.js';
import { decodeSubscriptionPayload } from '../../../src/cloudwatch/decode-subscription-payload.js';

describe('subscriptionEventFile', () => {
  it('encodes a payload the ingestor decodes back to the same log events', () => {
    // Prepare
    const logEvents = [{ id: sampleLogEventId(1), timestamp: 1_780_300_800_000, message: '2 123456789012 eni-1 198.51.100.7 10.0.1.10 443 51234 6 4 600 1780300800 1780300860 ACCEPT OK' }];

    // Act
    const event = JSON.parse(subscriptionEventFile(dataMessage({ logGroup: '/vpc/flow-logs', logStream: 'eni-1-all', logEvents }))) as { awslogs: { data: string } };
    const decoded = decodeSubscriptionPayload(event.awslogs.data);

    // Assess
    expect(decoded).toMatchObject({ ok: true, value: { messageType: 'DATA_MESSAGE', logGroup: '/vpc/flow-logs', logEvents } });
  });
});

describe('sampleLogEventId', () => {
  it('gives 56-digit ids, distinct per sequence number', () => {
    expect([sampleLogEventId(1), sampleLogEventId(2)].map((id) => /^\d{56}$/.test(id))).toEqual([true, true]);
    expect(sampleLogEventId(1)).not.toBe(sampleLogEventId(2));
  });
});

describe('isSameEvent', () => {
  it('compares gzipped fields by their payload, not their bytes', () => {
    // Prepare
    const payload = controlMessage(1_780_300_800_000);
    const generated = subscriptionEventFile(payload);

    // Act: another compression level writes other gzip bytes for the same payload.
    const otherData = gzipSync(Buffer.from(JSON.stringify(payload), 'utf8'), { level: 9 }).toString('base64');
    const otherBytes = JSON.stringify({ awslogs: { data: otherData } });

    // Assess
    expect(otherData).not.toBe(gzipBase64(payload));
    expect(isSameEvent(otherBytes, generated)).toBe(true);
    expect(isSameEvent(subscriptionEventFile(controlMessage(0)), generated)).toBe(false);
  });
});
