import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, parseFlowLogLine, type FlowLogParseError } from '../../../src/flow-log/index.js';
import { flowLogLine, formatOf } from '../../support/flow-log-builders.js';

/** Fields with a documented syntax, a value AWS writes for each, and values that are not of it. */
const DOCUMENTED: readonly (readonly [field: string, valid: readonly string[], invalid: readonly string[]])[] = [
  // 11 digits and masked digits: published samples (OpenTelemetry, Elastic, czsergio) carry them.
  ['account-id', ['123456789012', '000000000001', 'unknown', '29nnnnnnnn55', '12345678910'], ['1234567890123', '12345678901a', 'UNKNOWN', '-12345678901', 'arn:aws:iam::123456789012']],
  ['vpc-id', ['vpc-0a1b2c3d', 'vpc-0123456789abcdef0'], ['vpc-', 'subnet-0a1b2c3d', 'vpc_0a1b2c3d', 'vpc-0a1b-2c3d', `vpc-${'a'.repeat(33)}`, 'VPC-0A1B2C3D']],
  ['subnet-id', ['subnet-0a1b2c3d', 'subnet-0123456789abcdef0'], ['subnet-', 'vpc-0a1b2c3d', 'subnet-0a1b2c3d"}']],
  ['instance-id', ['i-0a1b2c3d', 'i-0123456789abcdef0'], ['i-', 'eni-0a1b2c3d', 'i-0a1b2c3d;rm']],
  ['interface-id', ['eni-0a1b2c3d', 'eni-0123456789abcdef0'], ['eni-', 'vpc-0a1b2c3d', 'eni-0a1b\\u0022']],
  ['next-hop-interface-id', ['eni-0a1b2c3d'], ['vpc-0a1b2c3d']],
  ['next-hop-subnet-id', ['subnet-0a1b2c3d'], ['eni-0a1b2c3d']],
  ['next-hop-vpc-id', ['vpc-0a1b2c3d'], ['subnet-0a1b2c3d']],
  ['type', ['IPv4', 'IPv6', 'EFA'], ['ipv4', 'IPv5', 'TCP']],
  ['sublocation-type', ['wavelength', 'outpost', 'localzone'], ['Outpost', 'region']],
  ['action', ['ACCEPT', 'REJECT'], ['ALLOW', 'accept']],
  ['log-status', ['OK', 'NODATA', 'SKIPDATA'], ['ok', 'FAILED']],
  ['flow-direction', ['ingress', 'egress'], ['Ingress', 'both']],
];

function parseOne(field: string, value: string) {
  const fields = ['version', field, 'start'];
  return parseFlowLogLine(flowLogLine({ [field]: value, start: '1616729292' }, { fields }), formatOf(fields));
}

function errorOf(result: ReturnType<typeof parseOne>): FlowLogParseError | undefined {
  return result.ok ? undefined : result.error;
}

describe('fields with a documented syntax', () => {
  describe.each(DOCUMENTED)('%s', (field, valid, invalid) => {
    const key = field.replaceAll('-', '_');

    it.each(valid)('keeps %j as the value of the field', (value) => {
      const result = parseOne(field, value);

      expect(result.ok ? result.value[key] : result.error.message).toBe(value);
    });

    it('keeps - as absent', () => {
      const result = parseOne(field, '-');

      expect(result.ok ? key in result.value : result.error.message).toBe(false);
    });

    it.each(invalid)('fails the line for %j, naming the field and the value', (value) => {
      const error = errorOf(parseOne(field, value));

      expect(error).toMatchObject({ code: 'invalid_value', field, value });
      expect(error?.message).toContain(`field ${field}: ${JSON.stringify(value)} is not `);
    });
  });

  it('fails a default-format line whose account-id is not an account id', () => {
    const result = parseFlowLogLine(flowLogLine({ 'account-id': 'admin' }), DEFAULT_FORMAT);

    expect(errorOf(result)).toMatchObject({ code: 'invalid_value', field: 'account-id' });
  });

  it('reports values out of place rather than a wrong value when one is missing before the field', () => {
    const fields = ['version', 'vpc-id', 'subnet-id'];

    const result = parseFlowLogLine('2 subnet-0a1b2c3d', formatOf(fields));

    expect(errorOf(result)).toMatchObject({ code: 'field_count' });
  });
});

describe('control characters and separators, whichever field holds them', () => {
  const fields = ['version', 'region', 'vpc-id', 'start'];
  const format = formatOf(fields);
  const controlCharacter = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.constant(0xfffd)).map((code) => String.fromCharCode(code));

  it('fails a line with a control character or U+FFFD anywhere in a value, naming the field, as the first error', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2, 3), controlCharacter, fc.nat(), (fieldIndex, character, at) => {
        // Tab, CR and LF separate values: they are tested below.
        fc.pre(!['\t', '\r', '\n'].includes(character));
        const values = ['2', 'us-east-1', 'vpc-0a1b2c3d', '1616729292'];
        const value = values[fieldIndex] as string;
        const position = at % (value.length + 1);
        values[fieldIndex] = `${value.slice(0, position)}${character}${value.slice(position)}`;

        const error = errorOf(parseFlowLogLine(values.join(' '), format));

        expect(error).toMatchObject({ code: 'control_character', field: fields[fieldIndex] });
      }),
      { numRuns: 300 },
    );
  });

  it('reads a line whose values are separated by tabs, carriage returns or line feeds as if by spaces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '\t', '\r', '\n', '  ', ' \t'), { minLength: 3, maxLength: 3 }), (separators) => {
        const line = ['2', 'us-east-1', 'vpc-0a1b2c3d', '1616729292'].map((value, index) => (index === 0 ? value : `${separators[index - 1] ?? ' '}${value}`)).join('');

        const result = parseFlowLogLine(line, format);

        expect(result).toEqual({
          ok: true,
          value: { version: 2, region: 'us-east-1', vpc_id: 'vpc-0a1b2c3d', start: 1616729292, '@timestamp': '2021-03-26T03:28:12.000Z' },
        });
      }),
      { numRuns: 100 },
    );
  });
});
