import { describe, expect, it } from 'vitest';
import { splitRecordText } from '../../../src/flow-log/index.js';
import { flowLogLine, noDataLine } from '../../support/flow-log-builders.js';

describe('splitRecordText', () => {
  it('returns a bare line as it is', () => {
    expect(splitRecordText(flowLogLine())).toStrictEqual([flowLogLine()]);
  });

  it('unwraps the {"message":"..."} wrapper of flow logs delivered straight to Firehose', () => {
    const text = JSON.stringify({ message: noDataLine() });

    expect(splitRecordText(text)).toStrictEqual([noDataLine()]);
  });

  it('unwraps a wrapper with spaces around the JSON and other keys beside message', () => {
    const text = ` { "timestamp": 1, "message": "${flowLogLine()}" } `;

    expect(splitRecordText(text)).toStrictEqual([flowLogLine()]);
  });

  it('splits several lines in one record and drops blank lines and carriage returns', () => {
    const text = `${flowLogLine()}\r\n\r\n${noDataLine()}\n`;

    expect(splitRecordText(text)).toStrictEqual([flowLogLine(), noDataLine()]);
  });

  it('splits the lines inside a wrapper', () => {
    const text = JSON.stringify({ message: `${flowLogLine()}\n${noDataLine()}` });

    expect(splitRecordText(text)).toStrictEqual([flowLogLine(), noDataLine()]);
  });

  it.each([
    ['JSON without message', '{"msg":"x"}'],
    ['a message that is not a string', '{"message":5}'],
    ['broken JSON', '{"message":"2 1'],
  ])('returns %s as a line for the parser to report', (_, text) => {
    expect(splitRecordText(text)).toStrictEqual([text]);
  });

  it('returns nothing for empty text', () => {
    expect(splitRecordText('')).toStrictEqual([]);
  });
});
