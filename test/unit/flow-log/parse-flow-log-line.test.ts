import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMAT, formatFromFieldNames, parseFlowLogLine, ParseErrorCode, type FlowLogDocument, type FlowLogFormat, type FlowLogParseError } from '../../../src/flow-log/index.js';
import { MAX_RECORD_SPAN_SECONDS } from '../../../src/flow-log/parse-flow-log-line.js';
import { ALL_FIELD_NAMES, flowLogLine, formatOf, noDataLine } from '../../support/flow-log-builders.js';

function parsed(line: string, format: FlowLogFormat = DEFAULT_FORMAT): FlowLogDocument {
  const result = parseFlowLogLine(line, format);
  if (!result.ok) throw new Error(`expected a document, got ${result.error.message}`);
  return result.value;
}

function failure(line: string, format: FlowLogFormat = DEFAULT_FORMAT): FlowLogParseError {
  const result = parseFlowLogLine(line, format);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseFlowLogLine', () => {
  describe('default format', () => {
    it('turns a default-format record into a document with every field under its underscored name', () => {
      // Prepare
      const line = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';

      // Act
      const document = parsed(line);

      // Assess
      expect(document).toStrictEqual({
        version: 2,
        account_id: '123456789010',
        interface_id: 'eni-1235b8ca123456789',
        srcaddr: '172.31.16.139',
        dstaddr: '172.31.16.21',
        srcport: 20641,
        dstport: 22,
        protocol: 6,
        protocol_name: 'TCP',
        packets: 20,
        bytes: 4249,
        start: 1418530010,
        end: 1418530070,
        action: 'ACCEPT',
        log_status: 'OK',
        '@timestamp': '2014-12-14T04:06:50.000Z',
      });
    });

    it('keeps the fields in format order with protocol_name after protocol and @timestamp last', () => {
      const document = parsed(flowLogLine());

      expect(Object.keys(document)).toStrictEqual([
        'version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'protocol_name',
        'packets', 'bytes', 'start', 'end', 'action', 'log_status', '@timestamp',
      ]);
    });
  });

  describe('integer fields', () => {
    it.each([
      ['version', '2', 'version', 2],
      ['srcport', '0', 'srcport', 0],
      ['dstport', '65535', 'dstport', 65535],
      ['protocol', '17', 'protocol', 17],
      ['packets', '15774', 'packets', 15774],
      ['bytes', '23294588', 'bytes', 23294588],
      ['start', '1418529933', 'start', 1418529933],
      ['end', '1418530113', 'end', 1418530113],
    ])('emits %s %s as the JSON number', (field, text, key, value) => {
      const document = parsed(flowLogLine({ [field]: text }));

      expect(document[key]).toBe(value);
    });

    it.each([
      ['tcp-flags', '18', 'tcp_flags', 18],
      ['traffic-path', '8', 'traffic_path', 8],
      ['encryption-status', '3', 'encryption_status', 3],
    ])('emits the later integer field %s as a number', (field, text, key, value) => {
      const format = formatOf(['version', field]);

      const document = parsed(flowLogLine({ version: '11', [field]: text }, { fields: ['version', field] }), format);

      expect(document[key]).toBe(value);
    });

    it('reads a byte count up to 2^53 - 1 exactly', () => {
      const document = parsed(flowLogLine({ bytes: '9007199254740991' }));

      expect(document.bytes).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('rejects a byte count past 2^53, which a JSON number cannot hold exactly', () => {
      const error = failure(flowLogLine({ bytes: '9007199254740993' }));

      expect(error).toMatchObject({ code: ParseErrorCode.InvalidInteger, field: 'bytes', value: '9007199254740993' });
    });

    it.each(['-1', '1.5', '0x10', '+3', 'six', '1e3', '٣'])('rejects %j in an integer field, naming the field', (text) => {
      const error = failure(flowLogLine({ packets: text }));

      expect(error.code).toBe(ParseErrorCode.InvalidInteger);
      expect(error.field).toBe('packets');
      expect(error.message).toContain('packets');
      expect(error.message).toContain(JSON.stringify(text));
    });

    it('rejects a port above 65535 as out of range', () => {
      const error = failure(flowLogLine({ dstport: '65536' }));

      expect(error).toMatchObject({ code: ParseErrorCode.OutOfRange, field: 'dstport', value: '65536' });
    });

    it('rejects a protocol number above 255 as out of range', () => {
      const error = failure(flowLogLine({ protocol: '256' }));

      expect(error).toMatchObject({ code: ParseErrorCode.OutOfRange, field: 'protocol' });
    });

    it('rejects a start time past the last date JavaScript can represent', () => {
      const error = failure(flowLogLine({ start: '8640000000001' }));

      expect(error).toMatchObject({ code: ParseErrorCode.InvalidTime, field: 'start' });
    });

    it('fails a record whose start is decades before its end, naming both times: its @timestamp would misfile the document', () => {
      const error = failure(flowLogLine({ start: '164000066', end: '1640000297' }));

      expect(error).toStrictEqual({
        code: ParseErrorCode.InvalidTime,
        field: 'start',
        value: '164000066',
        message:
          'fields start 164000066 (1975-03-14T03:34:26.000Z) and end 1640000297 (2021-12-20T11:38:17.000Z) are 46 years apart: ' +
          'a record covers one aggregation interval (at most 10 minutes), so one of its times is wrong',
      });
    });

    it('fails a record whose end is more than a day before its start', () => {
      const error = failure(flowLogLine({ start: '1640000297', end: String(1640000297 - MAX_RECORD_SPAN_SECONDS - 1) }));

      expect(error).toMatchObject({ code: ParseErrorCode.InvalidTime, field: 'start' });
      expect(error.message).toContain('are 1 days apart');
    });

    it('keeps a record whose times are exactly a day apart, and one before the service launched, as AWS documentation examples are', () => {
      const document = parsed(flowLogLine({ start: '1418530010', end: String(1418530010 + MAX_RECORD_SPAN_SECONDS) }));

      expect(document).toMatchObject({ start: 1418530010, '@timestamp': '2014-12-14T04:06:50.000Z' });
    });

    it('keeps a record with only one of its times', () => {
      expect(parsed(flowLogLine({ start: '164000066', end: '-' }))['@timestamp']).toBe('1975-03-14T03:34:26.000Z');
    });
  });

  describe('account-id', () => {
    it('stays a string with its leading zeros', () => {
      const document = parsed(flowLogLine({ 'account-id': '012345678901' }));

      expect(document.account_id).toBe('012345678901');
    });

    it('stays the string unknown for AWS-created interfaces', () => {
      const document = parsed(flowLogLine({ 'account-id': 'unknown' }));

      expect(document.account_id).toBe('unknown');
    });

    it('keeps a masked account id as it is', () => {
      const document = parsed(flowLogLine({ 'account-id': '29nnnnnnnn55' }));

      expect(document.account_id).toBe('29nnnnnnnn55');
    });
  });

  describe('absent fields', () => {
    it('omits every field whose value is -: no null, no "-", no 0', () => {
      const document = parsed(noDataLine('NODATA'));

      expect(document).toStrictEqual({
        version: 2,
        account_id: '123456789010',
        interface_id: 'eni-0a1b2c3d4e5f60001',
        start: 1418530010,
        end: 1418530070,
        log_status: 'NODATA',
        '@timestamp': '2014-12-14T04:06:50.000Z',
      });
    });

    it('parses a SKIPDATA record the same way', () => {
      const document = parsed(noDataLine('SKIPDATA'));

      expect(document.log_status).toBe('SKIPDATA');
      expect(document).not.toHaveProperty('action');
    });

    it('omits protocol_name when the protocol is absent', () => {
      const document = parsed(flowLogLine({ protocol: '-' }));

      expect(document).not.toHaveProperty('protocol');
      expect(document).not.toHaveProperty('protocol_name');
    });

    it('treats a value that merely starts with - as a value, not as absent', () => {
      const fields = ['version', 'region'];

      const document = parsed(flowLogLine({ region: '-x' }, { fields }), formatOf(fields));

      expect(document.region).toBe('-x');
    });

    it.each([
      ['action', 'ALLOW'],
      ['log-status', 'OK\ufffd'],
      ['interface-id', 'vpc-0a1b2c3d'],
    ])('fails a line whose %s is not of its documented syntax (%j)', (field, value) => {
      const result = parseFlowLogLine(flowLogLine({ [field]: value }), DEFAULT_FORMAT);

      expect(result.ok ? undefined : [result.error.field, result.error.code]).toEqual([field, value.includes('\ufffd') ? 'control_character' : 'invalid_value']);
    });

    it('fails a line with NUL inside action, naming the field', () => {
      const result = parseFlowLogLine(flowLogLine({ action: 'ACC\u0000EPT' }), DEFAULT_FORMAT);

      expect(result.ok ? undefined : result.error).toMatchObject({ code: 'control_character', field: 'action', message: 'field action holds the control character U+0000' });
    });
  });

  describe('@timestamp', () => {
    it('is the ISO-8601 UTC time of start', () => {
      const document = parsed(flowLogLine({ start: '1616729292', end: '1616729349' }));

      expect(document['@timestamp']).toBe('2021-03-26T03:28:12.000Z');
    });

    it('is the time of end when the format has no start', () => {
      const fields = ['version', 'srcaddr', 'end'];

      const document = parsed(flowLogLine({ end: '1616729349' }, { fields }), formatOf(fields));

      expect(document['@timestamp']).toBe('2021-03-26T03:29:09.000Z');
    });

    it('is the time of end when start is -', () => {
      const document = parsed(flowLogLine({ start: '-', end: '1616729349' }));

      expect(document['@timestamp']).toBe('2021-03-26T03:29:09.000Z');
    });

    it('is omitted when the record has neither start nor end', () => {
      const fields = ['instance-id', 'interface-id', 'srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr'];

      const document = parsed(flowLogLine({}, { fields }), formatOf(fields));

      expect(document).not.toHaveProperty('@timestamp');
    });
  });

  describe('protocol_name', () => {
    it.each([
      ['1', 'ICMP'],
      ['6', 'TCP'],
      ['17', 'UDP'],
      ['47', 'GRE'],
      ['50', 'ESP'],
      ['58', 'IPv6-ICMP'],
      ['132', 'SCTP'],
    ])('names protocol %s %s', (protocol, name) => {
      const document = parsed(flowLogLine({ protocol }));

      expect(document.protocol_name).toBe(name);
    });

    it.each(['61', '253', '255'])('is omitted for protocol %s, which IANA gives no keyword', (protocol) => {
      const document = parsed(flowLogLine({ protocol }));

      expect(document.protocol).toBe(Number(protocol));
      expect(document).not.toHaveProperty('protocol_name');
    });

    it('does not overwrite a protocol-name field of a future format', () => {
      const fields = ['protocol', 'protocol-name'];

      const document = parsed('6 tcp-from-the-source', formatOf(fields));

      expect(document).toStrictEqual({ protocol: 6, protocol_name: 'tcp-from-the-source' });
    });
  });

  describe('addresses', () => {
    it.each([
      ['srcaddr', 'srcaddr', '2001:db8:1234:a100:8d6e:3477:df66:f105'],
      ['dstaddr', 'dstaddr', '2a02:cf40::'],
      ['srcaddr', 'srcaddr', '::ffff:198.51.100.7'],
      ['dstaddr', 'dstaddr', '198.51.100.7'],
    ])('keeps %s %s as the address text', (field, key, address) => {
      const document = parsed(flowLogLine({ [field]: address }));

      expect(document[key]).toBe(address);
    });

    it('validates pkt-srcaddr and pkt-dstaddr as addresses too', () => {
      const fields = ['pkt-srcaddr', 'pkt-dstaddr'];

      const error = failure('203.0.113.5 10.0.0.', formatOf(fields));

      expect(error).toMatchObject({ code: ParseErrorCode.InvalidAddress, field: 'pkt-dstaddr', value: '10.0.0.' });
    });

    it.each(['256.1.1.1', '10.0.0.01', '10.0.0', 'localhost', '2001:db8::1::2', 'fe80::1%eth0', '2001:db8:g::1'])(
      'rejects %j as an address, naming the field',
      (address) => {
        const error = failure(flowLogLine({ srcaddr: address }));

        expect(error.code).toBe(ParseErrorCode.InvalidAddress);
        expect(error.field).toBe('srcaddr');
        expect(error.message).toContain('srcaddr');
      },
    );
  });

  describe('custom formats', () => {
    it('parses a format without version, as the NAT gateway example has', () => {
      const format = formatOf(['instance-id', 'interface-id', 'srcaddr', 'dstaddr', 'pkt-srcaddr', 'pkt-dstaddr']);

      const document = parsed('- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5', format);

      expect(document).toStrictEqual({
        interface_id: 'eni-1235b8ca123456789',
        srcaddr: '10.0.1.5',
        dstaddr: '10.0.0.220',
        pkt_srcaddr: '10.0.1.5',
        pkt_dstaddr: '203.0.113.5',
      });
    });

    it('parses every field of versions 2 to 11 in one format', () => {
      const format = formatOf(ALL_FIELD_NAMES);

      const document = parsed(flowLogLine({ version: '11' }, { fields: ALL_FIELD_NAMES }), format);

      expect(Object.keys(document)).toHaveLength(ALL_FIELD_NAMES.length + 2);
      expect(document).toMatchObject({
        version: 11,
        ecs_task_arn: 'arn:aws:ecs:us-east-1:123456789010:task/web/0a1b2c3d',
        reject_reason: 'BPA',
        resource_id: 'nat-0a1b2c3d4e5f60001',
        encryption_status: 1,
        interface_tag_2: 'team%20a',
        next_hop_interface_type: 'network_load_balancer',
      });
    });

    it('omits absent fields in a format with every field', () => {
      const values = Object.fromEntries(ALL_FIELD_NAMES.map((name) => [name, '-']));

      const document = parsed(flowLogLine({ ...values, 'log-status': 'NODATA' }, { fields: ALL_FIELD_NAMES }), formatOf(ALL_FIELD_NAMES));

      expect(document).toStrictEqual({ log_status: 'NODATA' });
    });

    it('keeps an unknown future field as a string under its underscored name', () => {
      // As a header line written by a newer AWS would name it.
      const document = parsed('12 192.0.2.1 0042 7', formatFromFieldNames(['version', 'srcaddr', 'quantum-entanglement-id', 'packets']));

      expect(document).toStrictEqual({ version: 12, srcaddr: '192.0.2.1', quantum_entanglement_id: '0042', packets: 7 });
    });

    it('gives documents of many shapes of one format the same fields as a fresh parse would', () => {
      // More shapes than a format caches: every combination of absent fields over nine fields.
      const fields = ['srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
      const format = formatOf(fields);
      const documents: FlowLogDocument[] = [];

      for (let mask = 0; mask < 2 ** fields.length; mask += 1) {
        const values = Object.fromEntries(fields.map((name, index) => [name, (mask >> index) % 2 === 1 ? '-' : (SAMPLE[name] ?? '1')]));
        documents.push(parsed(flowLogLine(values, { fields }), format));
      }

      documents.forEach((document, mask) => {
        const absent = fields.filter((_, index) => (mask >> index) % 2 === 1).map((name) => name.replaceAll('-', '_'));
        for (const key of absent) expect(document).not.toHaveProperty(key);
        expect(Object.keys(document).filter((key) => key !== '@timestamp' && key !== 'protocol_name')).toHaveLength(fields.length - absent.length);
      });
    });
  });

  describe('whitespace', () => {
    it('accepts runs of spaces between fields, as in an AWS example', () => {
      const document = parsed(flowLogLine({}, { separator: '  ' }));

      expect(document.srcaddr).toBe('203.0.113.12');
      expect(document.log_status).toBe('OK');
    });

    it('accepts tabs and mixed runs of spaces and tabs', () => {
      const document = parsed(flowLogLine({}, { separator: ' \t ' }));

      expect(document).toStrictEqual(parsed(flowLogLine()));
    });

    it('ignores leading and trailing whitespace and a trailing carriage return', () => {
      const document = parsed(`  \t${flowLogLine()} \r`);

      expect(document).toStrictEqual(parsed(flowLogLine()));
    });

    it('keeps a no-break space inside a value, since AWS never separates with one', () => {
      const fields = ['version', 'instance-tag'];

      const document = parsed('11 web\u00a0server', formatOf(fields));

      expect(document.instance_tag).toBe('web\u00a0server');
    });
  });

  describe('field count', () => {
    it('reports too few fields, naming the first missing field', () => {
      const line = '2 12345678910 eni-0eb1e4178af74336c - - - - - - - 1742570089 1742570142 -';

      const error = failure(line);

      expect(error).toMatchObject({ code: ParseErrorCode.FieldCount, field: 'log-status' });
      expect(error.message).toBe('expected 14 fields for the format, found 13: log-status and any after it are missing');
    });

    it('reports too many fields, naming the last field of the format', () => {
      const line = '2 12345678910 eni-0eb1e4178af74336c - - - - - - - 1742570089 1742570142 - NODATA one-too-many';

      const error = failure(line);

      expect(error).toMatchObject({ code: ParseErrorCode.FieldCount, field: 'log-status' });
      expect(error.message).toContain('found 15');
    });

    it('reports an empty line as having no fields', () => {
      const error = failure('   ');

      expect(error).toMatchObject({ code: ParseErrorCode.FieldCount, field: 'version' });
      expect(error.message).toContain('found 0');
    });

    it('reports a JSON object that is not a message wrapper as not a flow-log record', () => {
      const error = failure('{"msg":"2 123456789010 eni-0a1b2c3d4e5f60001"}');

      expect(error.code).toBe(ParseErrorCode.NotAFlowLogRecord);
      expect(error.message).toContain('"message"');
    });
  });

  describe('errors', () => {
    it('shortens a long offending value in the message', () => {
      const error = failure(flowLogLine({ srcaddr: 'x'.repeat(500) }));

      expect(error.message.length).toBeLessThan(120);
      expect(error.value).toBe(`${'x'.repeat(60)}…`);
    });

    it('reports the first bad field of a line with several', () => {
      const error = failure(flowLogLine({ srcport: 'http', dstaddr: 'nowhere' }));

      expect(error.field).toBe('dstaddr');
    });
  });
});

const SAMPLE: Readonly<Record<string, string>> = {
  srcport: '443',
  dstport: '49152',
  protocol: '6',
  packets: '3',
  bytes: '180',
  start: '1418530010',
  end: '1418530070',
  action: 'REJECT',
  'log-status': 'OK',
};
