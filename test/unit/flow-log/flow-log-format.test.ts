import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, DEFAULT_FORMAT_TEXT, formatFromHeaderLine, parseFormatString } from '../../../src/flow-log/index.js';
import { DEFAULT_FIELD_NAMES } from '../../support/flow-log-builders.js';

describe('DEFAULT_FORMAT', () => {
  it('holds the fourteen version 2 fields in order', () => {
    expect(DEFAULT_FORMAT.fields.map((field) => field.name)).toStrictEqual([
      'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
    ]);
    expect(DEFAULT_FORMAT.text).toBe(DEFAULT_FORMAT_TEXT);
  });
});

describe('parseFormatString', () => {
  it('parses a LogFormat string into its fields', () => {
    const result = parseFormatString('${version} ${vpc-id} ${srcaddr}');

    expect(result.ok && result.value.fields.map((field) => field.key)).toStrictEqual(['version', 'vpc_id', 'srcaddr']);
  });

  it('accepts runs of whitespace and surrounding whitespace', () => {
    const result = parseFormatString('  ${version}\t\t${srcaddr}   ');

    expect(result.ok && result.value.text).toBe('${version} ${srcaddr}');
  });

  it('refuses a field AWS does not document, suggesting the nearest one when it looks like a typo', () => {
    // Issue 12: `${dst-port}` was taken for a new field and turned every port into a string.
    expect([parseFormatString('${version} ${dst-port}'), parseFormatString('${flow-label}')].map((result) => (result.ok ? 'ok' : result.error.message))).toEqual([
      '"dst-port" is not a flow-log field; did you mean ${dstport}?',
      '"flow-label" is not a flow-log field',
    ]);
  });

  it('keeps a field newer than the catalogue that a header line names, as a string field', () => {
    const format = formatFromHeaderLine('version srcaddr flow-label');

    expect(format?.fields[2]).toMatchObject({ name: 'flow-label', key: 'flow_label', type: 'string' });
  });

  it.each([
    ['', 'has no fields'],
    ['   ', 'has no fields'],
    ['version srcaddr', '"version" is not a field of the form ${field-name}'],
    ['${version}${srcaddr}', 'is not a field of the form'],
    ['${Version}', '"Version" is not a valid field name'],
    ['${account_id}', '"account_id" is not a valid field name'],
    ['${}', '"" is not a valid field name'],
    ['${version} ${version}', 'the field "version" appears twice'],
  ])('rejects %j because it %s', (text, reason) => {
    const result = parseFormatString(text);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toContain(reason);
  });
});

describe('formatFromHeaderLine', () => {
  it('reads the format of an S3 header line', () => {
    const format = formatFromHeaderLine(DEFAULT_FIELD_NAMES.join(' '));

    expect(format?.text).toBe(DEFAULT_FORMAT_TEXT);
  });

  it('reads a header separated by tabs and runs of spaces', () => {
    const format = formatFromHeaderLine('instance-id\tinterface-id   srcaddr');

    expect(format?.fields.map((field) => field.name)).toStrictEqual(['instance-id', 'interface-id', 'srcaddr']);
  });

  it('keeps an unknown future field of a header when most fields are documented', () => {
    const format = formatFromHeaderLine('version srcaddr flow-label');

    expect(format?.fields.map((field) => field.key)).toStrictEqual(['version', 'srcaddr', 'flow_label']);
  });

  it.each([
    ['a record', '2 123456789010 eni-0a1b2c3d4e5f60001 - - - - - - - 1418530010 1418530070 - NODATA'],
    ['record values that look like names', 'vpc-0a1b2c3d subnet-0a1b2c3d use1-az1'],
    ['mostly unknown names', 'version alpha beta'],
    ['a repeated name', 'version srcaddr srcaddr'],
    ['an empty line', ''],
  ])('is undefined for %s', (_, line) => {
    expect(formatFromHeaderLine(line)).toBeUndefined();
  });
});
