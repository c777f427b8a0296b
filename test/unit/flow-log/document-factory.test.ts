import { describe, expect, it } from 'vitest';
import { createDocumentFactory, documentJsonText, PROTOCOL_NAME_BIT } from '../../../src/flow-log/document-factory.js';

describe('createDocumentFactory', () => {
  it('builds the present fields in order with protocol_name after protocol and @timestamp last', () => {
    const factory = createDocumentFactory(['protocol', 'srcaddr', 'start'], 0);

    const document = factory.build(0b111 + PROTOCOL_NAME_BIT, [6, '192.0.2.1', 1418530010, 'TCP', '2014-12-14T04:06:50.000Z']);

    expect(Object.entries(document)).toStrictEqual([
      ['protocol', 6],
      ['protocol_name', 'TCP'],
      ['srcaddr', '192.0.2.1'],
      ['start', 1418530010],
      ['@timestamp', '2014-12-14T04:06:50.000Z'],
    ]);
  });

  it('leaves out absent fields and builds a fresh object each time', () => {
    const factory = createDocumentFactory(['srcaddr', 'dstaddr'], -1);

    const first = factory.build(0b10, [undefined, '198.51.100.7', undefined, undefined]);
    const second = factory.build(0b10, [undefined, '203.0.113.9', undefined, undefined]);

    expect(first).toStrictEqual({ dstaddr: '198.51.100.7' });
    expect(second).toStrictEqual({ dstaddr: '203.0.113.9' });
  });

  it('builds documents for keys it will not put into generated code', () => {
    const factory = createDocumentFactory(['__proto__', 'Odd"key'], -1);

    const document = factory.build(0b11, ['a', 'b', undefined, undefined]);

    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(document['Odd"key']).toBe('b');
  });

  it('builds documents of formats with more fields than a shape mask holds', () => {
    const keys = Array.from({ length: 60 }, (_, index) => `field_${index}`);
    const factory = createDocumentFactory(keys, -1);
    const values = [...keys.map((key) => `${key}-value`), undefined, undefined];

    const document = factory.build(Number.NaN, values);

    expect(Object.keys(document)).toStrictEqual(keys);
  });

  it('builds documents that behave as object literals: Object constructor, own keys only, equal copies', () => {
    const factory = createDocumentFactory(['srcaddr', 'action'], -1, new Set([0]));

    const document = factory.build(0b11, ['192.0.2.1', 'ACCEPT', undefined, undefined]);

    expect(document.constructor).toBe(Object);
    expect(Reflect.ownKeys(document)).toStrictEqual(['srcaddr', 'action']);
    expect({ ...document }).toStrictEqual(document);
    expect(document).toStrictEqual({ srcaddr: '192.0.2.1', action: 'ACCEPT' });
  });
});

describe('documentJsonText', () => {
  it('writes what JSON.stringify writes for a built document, escaping strings that need it', () => {
    const factory = createDocumentFactory(['version', 'account_id', 'srcaddr', 'protocol', 'start'], 3, new Set([2]));
    const hostile = 'a"b\\c\u0001d\u00e9\ud800';

    const first = factory.build(0b11111 + PROTOCOL_NAME_BIT, [2, hostile, '2001:db8::1', 6, 1418530010, 'TCP', '2014-12-14T04:06:50.000Z']);
    const second = factory.build(0b11111 + PROTOCOL_NAME_BIT, [2, 'plain', '192.0.2.1', 17, 0, 'UDP', '1970-01-01T00:00:00.000Z']);

    expect(documentJsonText(first)).toBe(JSON.stringify(first));
    expect(documentJsonText(second)).toBe('{"version":2,"account_id":"plain","srcaddr":"192.0.2.1","protocol":17,"protocol_name":"UDP","start":0,"@timestamp":"1970-01-01T00:00:00.000Z"}');
  });

  it('writes {} for a document with no field, and a copy or a plain object the ordinary way', () => {
    const factory = createDocumentFactory(['srcaddr'], -1);
    const empty = factory.build(0, [undefined, undefined, undefined]);
    const copy = { ...factory.build(0b1, ['192.0.2.1', undefined, undefined]), direction: 'ingress' };

    expect(documentJsonText(empty)).toBe('{}');
    expect(documentJsonText(copy)).toBe('{"srcaddr":"192.0.2.1","direction":"ingress"}');
  });
});
