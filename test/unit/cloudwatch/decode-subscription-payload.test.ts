import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSubscriptionPayload, type CloudWatchLogsPayload } from '../../../src/cloudwatch/decode-subscription-payload.js';
import {
  controlPayload,
  encodeSubscriptionData,
  logEvent,
  subscriptionPayload,
} from '../../support/cloudwatch-builders.js';

function decodedOk(data: string | Uint8Array): CloudWatchLogsPayload {
  const decoded = decodeSubscriptionPayload(data);
  if (!decoded.ok) throw new Error(`expected a decoded payload, got ${decoded.error.message}`);
  return decoded.value;
}

function reasonFor(data: string | Uint8Array): string {
  const decoded = decodeSubscriptionPayload(data);
  return decoded.ok ? 'decoded' : decoded.error.reason;
}

describe('decodeSubscriptionPayload', () => {
  it('decodes base64 gzip JSON into the payload', () => {
    // Prepare
    const payload = subscriptionPayload({ logEvents: [logEvent({ sequence: 1 }), logEvent({ sequence: 2 })] });

    // Act
    const decoded = decodedOk(encodeSubscriptionData(payload, 'gzip'));

    // Assess
    expect(decoded).toEqual(payload);
  });

  it('decodes zlib-compressed data as well as gzip', () => {
    const payload = subscriptionPayload();

    const decoded = decodedOk(encodeSubscriptionData(payload, 'zlib'));

    expect(decoded).toEqual(payload);
  });

  it('accepts compressed bytes as well as base64 text', () => {
    const payload = subscriptionPayload();
    const bytes = Buffer.from(encodeSubscriptionData(payload), 'base64');

    const decoded = decodedOk(new Uint8Array(bytes));

    expect(decoded).toEqual(payload);
  });

  it('keeps a 56-digit log event id exactly, as text', () => {
    const id = '31953106606966983378809025079804211143289615424298221568';

    const decoded = decodedOk(encodeSubscriptionData(subscriptionPayload({ logEvents: [logEvent({ id })] })));

    expect(decoded.logEvents[0]?.id).toBe(id);
  });

  it('decodes a control message and reports its type', () => {
    const decoded = decodedOk(encodeSubscriptionData(controlPayload()));

    expect(decoded.messageType).toBe('CONTROL_MESSAGE');
  });

  it('tolerates extra top-level and per-event keys such as policyLevel', () => {
    const payload = { ...subscriptionPayload(), policyLevel: 'ACCOUNT_LEVEL_POLICY', emitted: { '@aws.region': 'us-east-1' } };

    const decoded = decodedOk(encodeSubscriptionData(payload));

    expect(decoded.policyLevel).toBe('ACCOUNT_LEVEL_POLICY');
  });

  it('accepts a payload without log events', () => {
    const decoded = decodedOk(encodeSubscriptionData(subscriptionPayload({ logEvents: [] })));

    expect(decoded.logEvents).toEqual([]);
  });

  it.each([
    ['text that is not base64', 'not base64!', 'not_base64'],
    ['base64 with a bad length', 'H4sIAAA', 'not_base64'],
    ['base64 of plain text', Buffer.from('{"messageType":"DATA_MESSAGE"}').toString('base64'), 'not_compressed'],
    ['an empty string', '', 'not_compressed'],
    ['truncated gzip', encodeSubscriptionData(subscriptionPayload()).slice(0, 40), 'not_compressed'],
    ['gzip of text that is not JSON', gzipSync('not json').toString('base64'), 'not_json'],
  ])('refuses %s with reason %s', (_case, data, reason) => {
    expect(reasonFor(data)).toBe(reason);
  });

  it.each([
    ['a JSON array', [], 'the payload must be a JSON object, got array'],
    ['an unknown messageType', { ...subscriptionPayload(), messageType: 'DATA' }, 'messageType must be DATA_MESSAGE or CONTROL_MESSAGE, got "DATA"'],
    ['a missing logGroup', { ...subscriptionPayload(), logGroup: undefined }, 'logGroup must be a string, got undefined'],
    ['a numeric owner', { ...subscriptionPayload(), owner: 123456789012 }, 'owner must be a string, got number'],
    ['subscriptionFilters of numbers', { ...subscriptionPayload(), subscriptionFilters: [1] }, 'subscriptionFilters[0] must be a string, got number'],
    ['logEvents that is an object', { ...subscriptionPayload(), logEvents: {} }, 'logEvents must be an array, got object'],
    ['a numeric event id', subscriptionPayload({ logEvents: [logEvent(), { ...logEvent(), id: 1 as unknown as string }] }), 'logEvents[1].id must be a string, got number'],
    ['a text timestamp', subscriptionPayload({ logEvents: [{ ...logEvent(), timestamp: '1' as unknown as number }] }), 'logEvents[0].timestamp must be a number, got string'],
    ['a null message', subscriptionPayload({ logEvents: [{ ...logEvent(), message: null as unknown as string }] }), 'logEvents[0].message must be a string, got null'],
    ['a numeric policyLevel', { ...subscriptionPayload(), policyLevel: 1 }, 'policyLevel must be a string when present, got number'],
  ])('refuses %s, saying where', (_case, payload, message) => {
    const decoded = decodeSubscriptionPayload(encodeSubscriptionData(payload));

    expect(decoded).toEqual({ ok: false, error: { reason: 'invalid_shape', message } });
  });

  it('refuses a payload that decompresses beyond the limit', () => {
    const data = encodeSubscriptionData(subscriptionPayload({ logEvents: [logEvent({ message: 'x'.repeat(10_000) })] }));

    const decoded = decodeSubscriptionPayload(data, { maxDecodedBytes: 1_000 });

    expect(decoded.ok ? 'decoded' : decoded.error.reason).toBe('too_large');
  });

  it('never throws, whatever it is given', () => {
    const inputs: unknown[] = [undefined, null, 42, {}, new Uint8Array([0x1f, 0x8b]), new Uint8Array(0)];

    const reasons = inputs.map((input) => reasonFor(input as string));

    expect(reasons).toEqual(['not_base64', 'not_base64', 'not_base64', 'not_base64', 'not_compressed', 'not_compressed']);
  });
});
