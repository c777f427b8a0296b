import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFlowLogLineParser,
  DEFAULT_FORMAT,
  FieldType,
  FLOW_LOG_FIELDS,
  formatFromFieldNames,
  formatFromHeaderLine,
  parseFlowLogLine,
  parseFormatString,
  protocolName,
  splitRecordText,
  type FlowLogFieldDefinition,
} from '../../src/flow-log/index.js';
import { documentJsonText } from '../../src/flow-log/document-factory.js';

/** Field names AWS has not documented, for formats of future versions. */
const futureFieldName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(?:-[a-z0-9]{1,5}){0,2}$/).filter((name) => !FLOW_LOG_FIELDS.some((field) => field.name === name) && name !== 'protocol-name');

/** A format: some catalogue fields and maybe future ones, in any order, each once. */
const fieldNames = fc
  .tuple(fc.subarray(FLOW_LOG_FIELDS.map((field) => field.name), { minLength: 1 }), fc.uniqueArray(futureFieldName, { maxLength: 3 }))
  .chain(([known, future]) => fc.shuffledSubarray([...known, ...future], { minLength: known.length + future.length }));

const SEPARATOR_CHARACTERS = new Set([' ', '\t', '\r', '\n']);
/** Text a string field can hold: anything but separators, and not the lone `-` that means absent. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_OR_REPLACEMENT = /[\u0000-\u001f\u007f-\u009f\ufffd]/;
const textValue = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 20 })
  .filter((text) => text !== '-' && ![...text].some((character) => SEPARATOR_CHARACTERS.has(character)) && !CONTROL_OR_REPLACEMENT.test(text));

function integerValue(name: string): fc.Arbitrary<number> {
  switch (name) {
    case 'srcport':
    case 'dstport':
      return fc.integer({ min: 0, max: 65_535 });
    case 'protocol':
      return fc.integer({ min: 0, max: 255 });
    case 'start':
    case 'end':
      return fc.integer({ min: 0, max: 8.64e12 });
    default:
      return fc.maxSafeNat();
  }
}

/** Values of the fields whose syntax AWS documents; any other text fails the line. */
const DOCUMENTED_VALUES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  action: fc.constantFrom('ACCEPT', 'REJECT'),
  'log-status': fc.constantFrom('OK', 'NODATA', 'SKIPDATA'),
  'interface-id': fc.stringMatching(/^eni-[0-9a-f]{8,17}$/),
  'flow-direction': fc.constantFrom('ingress', 'egress'),
  'account-id': fc.oneof(fc.stringMatching(/^[0-9]{12}$/), fc.constant('unknown')),
  'vpc-id': fc.stringMatching(/^vpc-[0-9a-f]{8,17}$/),
  'subnet-id': fc.stringMatching(/^subnet-[0-9a-f]{8,17}$/),
  'instance-id': fc.stringMatching(/^i-[0-9a-f]{8,17}$/),
  'next-hop-interface-id': fc.stringMatching(/^eni-[0-9a-f]{8,17}$/),
  'next-hop-subnet-id': fc.stringMatching(/^subnet-[0-9a-f]{8,17}$/),
  'next-hop-vpc-id': fc.stringMatching(/^vpc-[0-9a-f]{8,17}$/),
  type: fc.constantFrom('IPv4', 'IPv6', 'EFA'),
  'sublocation-type': fc.constantFrom('wavelength', 'outpost', 'localzone'),
};

function valueOf(field: FlowLogFieldDefinition): fc.Arbitrary<string | number | undefined> {
  const present: fc.Arbitrary<string | number> =
    field.type === FieldType.Integer
      ? integerValue(field.name)
      : field.type === FieldType.Address
        ? fc.oneof(fc.ipV4(), fc.ipV6())
        : (DOCUMENTED_VALUES[field.name] ?? textValue);
  return fc.option(present, { nil: undefined, freq: 4 });
}

/** The most seconds a generated end lies from its start: the parser fails records further apart than a day. */
const PLAUSIBLE_SPAN_SECONDS = 86_400;

/** A record: a format, a value per field (undefined when absent) and the separators between them. */
const record = fieldNames.chain((names) => {
  const format = formatFromFieldNames(names);
  const startIndex = format.fields.findIndex((field) => field.name === 'start');
  const endIndex = format.fields.findIndex((field) => field.name === 'end');
  return fc.record({
    format: fc.constant(format),
    // With both times present, end lies within a day of start, before or after, as a record's can.
    values: fc.tuple(fc.tuple(...format.fields.map(valueOf)), fc.integer({ min: -PLAUSIBLE_SPAN_SECONDS, max: PLAUSIBLE_SPAN_SECONDS })).map(([values, span]) => {
      const start = values[startIndex];
      if (typeof start === 'number' && typeof values[endIndex] === 'number') values[endIndex] = Math.min(Math.max(start + span, 0), 8.64e12);
      return values;
    }),
    separators: fc.array(fc.stringMatching(/^[ \t]{1,3}$/), { minLength: format.fields.length + 1, maxLength: format.fields.length + 1 }),
  });
});

describe('parseFlowLogLine (property)', () => {
  it('reads back every value a record was written with, whatever the format and separators', () => {
    fc.assert(
      fc.property(record, ({ format, values, separators }) => {
        // Prepare: the line AWS would write, with '-' for absent values, and the document it stands for.
        const texts = values.map((value) => (value === undefined ? '-' : String(value)));
        const line = `${separators[0] === ' ' ? '' : (separators[0] ?? '')}${texts.map((text, index) => `${text}${index === texts.length - 1 ? '' : (separators[index + 1] ?? ' ')}`).join('')}`;
        const expected: Record<string, unknown> = {};
        format.fields.forEach((field, index) => {
          const value = values[index];
          if (value === undefined) return;
          expected[field.key] = value;
          if (field.name === 'protocol' && typeof value === 'number' && protocolName(value) !== undefined) expected.protocol_name = protocolName(value);
        });
        const time = expected.start ?? expected.end;
        if (typeof time === 'number') expected['@timestamp'] = new Date(time * 1000).toISOString();

        // Act
        const result = parseFlowLogLine(line, format);

        // Assess
        expect(result).toStrictEqual({ ok: true, value: expected });
      }),
      { numRuns: 500 },
    );
  });

  it('writes the JSON text of every parsed document exactly as JSON.stringify does, whatever the format and values', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
        // Prepare: each record twice, so a shape is met both when it is generated and when it is reused.
        const lines = records.flatMap(({ format, values }) => {
          const line = values.map((value) => (value === undefined ? '-' : String(value))).join(' ');
          return [{ format, line }, { format, line }];
        });
        for (const { format, line } of lines) {
          // Act
          const result = parseFlowLogLine(line, format);
          // Assess
          if (!result.ok) throw new Error(`a written record did not parse: ${result.error.message}`);
          expect(documentJsonText(result.value)).toBe(JSON.stringify(result.value));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every record whose end lies within a day of its start, and fails every one whose times lie further apart', () => {
    const line = (start: number, end: number): string => `2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 49152 6 10 840 ${start} ${end} ACCEPT OK`;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: -PLAUSIBLE_SPAN_SECONDS, max: PLAUSIBLE_SPAN_SECONDS }), fc.integer({ min: 1, max: 2_000_000_000 }), (start, span, beyond) => {
        const plausible = parseFlowLogLine(line(start, Math.max(0, start + span)), DEFAULT_FORMAT);
        const apart = parseFlowLogLine(line(start, start + PLAUSIBLE_SPAN_SECONDS + beyond), DEFAULT_FORMAT);

        expect(plausible).toMatchObject({ ok: true, value: { start, '@timestamp': new Date(start * 1000).toISOString() } });
        expect(apart).toMatchObject({ ok: false, error: { code: 'invalid_time', field: 'start', value: String(start) } });
      }),
    );
  });

  it('fails with a field-count error naming the last field when the last value is dropped or one is added', () => {
    fc.assert(
      fc.property(record, fc.boolean(), ({ format, values }, drop) => {
        const texts = values.map((value) => (value === undefined ? '-' : String(value)));
        const line = (drop ? texts.slice(0, -1) : [...texts, 'extra']).join(' ');

        const result = parseFlowLogLine(line, format);

        expect(result).toMatchObject({ ok: false, error: { code: 'field_count', field: format.fields.at(-1)?.name } });
      }),
    );
  });
});

const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.json(),
  // Lines of flow-log-like tokens reach the parser's deeper paths.
  fc.array(fc.oneof(fc.constantFrom('-', '{', '"message"', '${version}', 'version', 'srcaddr', '\t', '  ', '\r\n'), fc.ipV4(), fc.ipV6(), fc.nat().map(String), fc.string()), { maxLength: 30 }).map((tokens) => tokens.join(' ')),
);

describe('the flow-log parser on any text (property)', () => {
  it('gives parseFlowLogLine a document or a typed error, never an exception', () => {
    fc.assert(
      fc.property(fieldNames, anyText, (names, text) => {
        const result = parseFlowLogLine(text, formatFromFieldNames(names));

        expect(result.ok ? typeof result.value : result.error.code).toMatch(/^(object|field_count|invalid_integer|out_of_range|invalid_address|invalid_time|invalid_value|control_character|not_a_flow_log_record)$/);
        expect(result.ok || result.error.message.length > 0).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('fails every line with a control character or U+FFFD in it, naming a field of the format', () => {
    fc.assert(
      fc.property(fieldNames, anyText, fc.constantFrom('\u0000', '\u001b', '\u007f', '\u0085', '\ufffd'), fc.nat(), (names, text, control, at) => {
        const position = text.length === 0 ? 0 : at % text.length;
        const line = `${text.slice(0, position)}${control}${text.slice(position)}`;

        const result = parseFlowLogLine(line, formatFromFieldNames(names));

        expect(result.ok ? 'ok' : result.error.code).toBe('control_character');
        expect(result.ok ? undefined : result.error.field).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('gives the line parser an outcome for every line, never an exception', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 10 }), (lines) => {
        const parser = createFlowLogLineParser();

        const outcomes = lines.flatMap((text) => splitRecordText(text)).map((line) => parser.parse(line));

        for (const outcome of outcomes) expect(['flow', 'header', 'blank', 'invalid']).toContain(outcome.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('gives parseFormatString a format or an error, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fieldNames.map((names) => names.map((name) => `\${${name}}`).join(' '))), (text) => {
        const result = parseFormatString(text);

        expect(result.ok ? result.value.fields.length > 0 : result.error.message.length > 0).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives formatFromHeaderLine a format or undefined, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fieldNames.map((names) => names.join(' '))), (text) => {
        const format = formatFromHeaderLine(text);

        expect(format === undefined || format.fields.length > 0).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back the format of any header line naming documented fields', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...FLOW_LOG_FIELDS.map((field) => field.name)), { minLength: 1 }), (names) => {
        const format = formatFromHeaderLine(names.join(' '));

        expect(format?.fields.map((field) => field.name)).toStrictEqual(names);
      }),
    );
  });

  it('gives splitRecordText lines without line breaks, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, anyText.map((text) => JSON.stringify({ message: text }))), (text) => {
        const lines = splitRecordText(text);

        for (const line of lines) expect(line).not.toMatch(/\n/);
      }),
      { numRuns: 1000 },
    );
  });
});
