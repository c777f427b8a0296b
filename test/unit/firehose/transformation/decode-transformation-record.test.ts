import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeTransformationRecord, type TransformationRecordPayload } from '../../../../src/firehose/transformation/decode-transformation-record.js';
import { visitRecordLines } from '../../../../src/flow-log/split-record-text.js';
import { controlPayload, encodeSubscriptionData, logEvent, subscriptionPayload } from '../../../support/cloudwatch-builders.js';
import { base64, defaultFormatLine } from '../../../support/firehose-builders.js';

/** The payload with its texts read into lines, as the decorator reads them. */
function withLines(payload: TransformationRecordPayload): unknown {
  if (payload.kind !== 'text') return payload;
  const lines: string[] = [];
  for (const text of payload.texts) visitRecordLines(text, (line) => lines.push(line) > 0);
  return { kind: 'lines', lines };
}

describe('decodeTransformationRecord', () => {
  it('gives a bare line, as the ingestor writes it, without its newline', () => {
    // Prepare
    const line = defaultFormatLine();

    // Act
    const payload = decodeTransformationRecord(base64(`${line}\n`));

    // Assess
    expect(withLines(payload)).toEqual({ kind: 'lines', lines: [line] });
  });

  it('splits several lines, dropping carriage returns and blank lines', () => {
    const first = defaultFormatLine({ srcport: 1 });
    const second = defaultFormatLine({ srcport: 2 });

    const payload = decodeTransformationRecord(base64(`${first}\r\n\n   \n${second}`));

    expect(withLines(payload)).toEqual({ kind: 'lines', lines: [first, second] });
  });

  it('unwraps {"message": ...} as flow logs delivered straight to Firehose arrive', () => {
    const line = defaultFormatLine({ action: 'REJECT' });

    const payload = decodeTransformationRecord(base64(JSON.stringify({ message: line })));

    expect(withLines(payload)).toEqual({ kind: 'lines', lines: [line] });
  });

  it('keeps JSON without a string message as a line, for the parser to refuse', () => {
    const text = '{"Hello": "World"}';

    expect(withLines(decodeTransformationRecord(base64(text)))).toEqual({ kind: 'lines', lines: [text] });
  });

  it('gives the message of every log event of a gzipped CloudWatch Logs envelope, in order', () => {
    const messages = [0, 1, 2].map((sequence) => defaultFormatLine({ srcport: 2000 + sequence }));
    const data = encodeSubscriptionData(subscriptionPayload({ logEvents: messages.map((message, sequence) => logEvent({ sequence, message })) }));

    expect(withLines(decodeTransformationRecord(data))).toEqual({ kind: 'lines', lines: messages });
  });

  it('unwraps {"message": ...} inside log events too', () => {
    const line = defaultFormatLine();
    const data = encodeSubscriptionData(subscriptionPayload({ logEvents: [logEvent({ message: JSON.stringify({ message: line }) })] }));

    expect(withLines(decodeTransformationRecord(data))).toEqual({ kind: 'lines', lines: [line] });
  });

  it('gives no line for an envelope without log events', () => {
    expect(withLines(decodeTransformationRecord(encodeSubscriptionData(subscriptionPayload({ logEvents: [] }))))).toEqual({ kind: 'lines', lines: [] });
  });

  it('recognises the CloudWatch Logs control message', () => {
    expect(decodeTransformationRecord(encodeSubscriptionData(controlPayload()))).toEqual({ kind: 'control' });
  });

  it('calls gzip that does not inflate undecodable, saying so', () => {
    const corrupt = base64(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('definitely not deflate')]));

    const payload = decodeTransformationRecord(corrupt);

    expect(payload).toMatchObject({ kind: 'undecodable', reason: expect.stringMatching(/neither gzip nor zlib/) as unknown });
  });

  it('calls gzipped text that is not JSON undecodable', () => {
    expect(decodeTransformationRecord(base64(gzipSync('not json')))).toMatchObject({ kind: 'undecodable', reason: expect.stringMatching(/not JSON/) as unknown });
  });

  it('calls a gzipped JSON document that is not a subscription payload undecodable, naming the problem', () => {
    const data = encodeSubscriptionData({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/vpc', logStream: 'eni', subscriptionFilters: [], logEvents: 'none' });

    expect(decodeTransformationRecord(data)).toEqual({ kind: 'undecodable', reason: 'logEvents must be an array, got string' });
  });

  it('decodes records one after another whatever their sizes: a large one, then gzip, then a short one', () => {
    // Prepare: more lines than the first decoding buffer holds, then records that reuse it.
    const many = Array.from({ length: 2_000 }, (_, index) => defaultFormatLine({ srcport: index }));
    const envelope = encodeSubscriptionData(subscriptionPayload({ logEvents: [logEvent({ sequence: 1, message: defaultFormatLine({ srcport: 7 }) })] }));
    const short = defaultFormatLine({ srcport: 9 });

    // Act
    const decoded = [decodeTransformationRecord(base64(`${many.join('\n')}\n`)), decodeTransformationRecord(envelope), decodeTransformationRecord(base64(`${short}\n`))];

    // Assess
    expect(Buffer.byteLength(many.join('\n'))).toBeGreaterThan(64 * 1024);
    expect(decoded.map(withLines)).toEqual([
      { kind: 'lines', lines: many },
      { kind: 'lines', lines: [defaultFormatLine({ srcport: 7 })] },
      { kind: 'lines', lines: [short] },
    ]);
  });

  it('takes a lone 0x1f byte for text, not gzip', () => {
    expect(withLines(decodeTransformationRecord(base64(Buffer.from([0x1f]))))).toEqual({ kind: 'lines', lines: ['\u001f'] });
  });

  it('calls bytes that are not UTF-8 undecodable instead of passing U+FFFD on as data', () => {
    const line = Buffer.concat([Buffer.from(defaultFormatLine().replace(/OK$/, 'OK')), Buffer.from([0xc3, 0x28])]);

    expect(decodeTransformationRecord(base64(line))).toEqual({ kind: 'undecodable', reason: 'the record is not valid UTF-8' });
  });

  it('calls a gzipped envelope whose text is not UTF-8 undecodable', () => {
    const json = Buffer.from(JSON.stringify(subscriptionPayload({ logEvents: [logEvent({ message: 'MARK' })] })));
    const broken = Buffer.from(json.toString('latin1').replace('MARK', 'MA\u0000'), 'latin1');
    broken[broken.indexOf('MA') + 2] = 0xff;

    expect(decodeTransformationRecord(base64(gzipSync(broken)))).toMatchObject({ kind: 'undecodable', reason: expect.stringMatching(/not valid UTF-8/) as unknown });
  });

  it('refuses an ambiguous wrapper that names "message" twice, whatever the spelling', () => {
    const line = defaultFormatLine();
    for (const text of [`{"message":"${line}","message":"${line}"}`, `{"message":"${line}", "mess\u0061ge" :"x"}`]) {
      expect(decodeTransformationRecord(base64(text))).toEqual({ kind: 'undecodable', reason: 'the {"message": ...} wrapper names "message" 2 times' });
    }
  });

  it('keeps a wrapper whose nested objects or values mention "message"', () => {
    const line = defaultFormatLine();
    const text = JSON.stringify({ meta: { message: 'x' }, note: '"message":"y"', message: line });

    expect(withLines(decodeTransformationRecord(base64(text)))).toEqual({ kind: 'lines', lines: [line] });
  });

  it('gives no line for empty data', () => {
    expect(withLines(decodeTransformationRecord(''))).toEqual({ kind: 'lines', lines: [] });
  });
});
