import { describe, expect, it } from 'vitest';
import { createFlowLogLineParser, DEFAULT_FORMAT, type LineOutcome } from '../../../src/flow-log/index.js';
import { flowLogLine, formatOf, headerLine, noDataLine } from '../../support/flow-log-builders.js';

const NAT_FIELDS = ['instance-id', 'interface-id', 'srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr'];

function kinds(outcomes: readonly LineOutcome[]): string[] {
  return outcomes.map((outcome) => outcome.kind);
}

describe('createFlowLogLineParser', () => {
  it('parses records in the default format when no header or format is given', () => {
    const parser = createFlowLogLineParser();

    const outcome = parser.parse(flowLogLine());

    expect(outcome.kind).toBe('flow');
    expect(parser.format).toBe(DEFAULT_FORMAT);
  });

  it('parses records in the format it is given', () => {
    const parser = createFlowLogLineParser({ format: formatOf(NAT_FIELDS) });

    const outcome = parser.parse(flowLogLine({ 'instance-id': '-' }, { fields: NAT_FIELDS }));

    expect(outcome).toMatchObject({ kind: 'flow', document: { interface_id: 'eni-0a1b2c3d4e5f60001' } });
  });

  it('detects a header line and parses the records after it in the format it names', () => {
    const parser = createFlowLogLineParser();

    const header = parser.parse(headerLine(NAT_FIELDS));
    const record = parser.parse(flowLogLine({}, { fields: NAT_FIELDS }));

    expect(header.kind).toBe('header');
    expect(record).toMatchObject({ kind: 'flow', document: { instance_id: 'i-0a1b2c3d4e5f60001', pkt_dstaddr: '10.0.1.5' } });
  });

  it('lets a header override the configured format', () => {
    const parser = createFlowLogLineParser({ format: formatOf(NAT_FIELDS) });

    const outcomes = [parser.parse(headerLine()), parser.parse(flowLogLine())];

    expect(kinds(outcomes)).toStrictEqual(['header', 'flow']);
  });

  it('tolerates a header repeated before each record, as concatenated S3 files have', () => {
    const parser = createFlowLogLineParser();
    const lines = [headerLine(), flowLogLine(), headerLine(), noDataLine('SKIPDATA'), headerLine(), noDataLine('NODATA')];

    const outcomes = lines.map((line) => parser.parse(line));

    expect(kinds(outcomes)).toStrictEqual(['header', 'flow', 'header', 'flow', 'header', 'flow']);
  });

  it('switches format when a later header names other fields', () => {
    const parser = createFlowLogLineParser();
    const lines = [headerLine(), flowLogLine(), headerLine(NAT_FIELDS), flowLogLine({}, { fields: NAT_FIELDS })];

    const outcomes = lines.map((line) => parser.parse(line));

    expect(kinds(outcomes)).toStrictEqual(['header', 'flow', 'header', 'flow']);
    expect(parser.format.fields).toHaveLength(NAT_FIELDS.length);
  });

  it('detects a header indented or separated by tabs', () => {
    const parser = createFlowLogLineParser();

    const outcome = parser.parse(`  ${NAT_FIELDS.join('\t')}`);

    expect(outcome.kind).toBe('header');
  });

  it('calls a line of whitespace blank', () => {
    const parser = createFlowLogLineParser();

    expect(parser.parse(' \t ').kind).toBe('blank');
    expect(parser.parse('').kind).toBe('blank');
  });

  it('reports a bad record and keeps parsing the next ones', () => {
    const parser = createFlowLogLineParser();

    const outcomes = [parser.parse(flowLogLine({ srcport: 'ssh' })), parser.parse(flowLogLine())];

    expect(outcomes[0]).toMatchObject({ kind: 'invalid', error: { code: 'invalid_integer', field: 'srcport' } });
    expect(outcomes[1]?.kind).toBe('flow');
  });

  it('does not take a record whose first value is a field name for a header when the rest are not names', () => {
    const parser = createFlowLogLineParser({ format: formatOf(['instance-tag', 'srcaddr']) });

    const outcome = parser.parse('start 192.0.2.1');

    expect(outcome).toMatchObject({ kind: 'flow', document: { instance_tag: 'start', srcaddr: '192.0.2.1' } });
  });
});

describe('createFlowLogLineParser format reuse', () => {
  it('returns the same format object for a repeated header and for the configured format', () => {
    const parser = createFlowLogLineParser();

    const first = parser.parse(headerLine(NAT_FIELDS));
    const again = parser.parse(headerLine(NAT_FIELDS));
    const defaultAgain = parser.parse(headerLine());

    expect(first.kind === 'header' && again.kind === 'header' && first.format === again.format).toBe(true);
    expect(defaultAgain.kind === 'header' && defaultAgain.format).toBe(DEFAULT_FORMAT);
  });
});
