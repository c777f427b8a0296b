import { describe, expect, it } from 'vitest';
import { isoTimestampFromUnixSeconds } from '../../../src/flow-log/unix-time.js';

describe('isoTimestampFromUnixSeconds', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [1418530010, '2014-12-14T04:06:50.000Z'],
    [951782400, '2000-02-29T00:00:00.000Z'],
    [4107542399, '2100-02-28T23:59:59.000Z'],
    [-1, '1969-12-31T23:59:59.000Z'],
    [253402300799, '9999-12-31T23:59:59.000Z'],
    [-62167219200, '0000-01-01T00:00:00.000Z'],
  ])('prints %d as %s', (seconds, text) => {
    expect(isoTimestampFromUnixSeconds(seconds)).toBe(text);
  });

  it('prints years past 9999 in the extended form, as Date does', () => {
    expect(isoTimestampFromUnixSeconds(253402300800)).toBe('+010000-01-01T00:00:00.000Z');
  });

  it('keeps milliseconds of a fractional time, as Date does', () => {
    expect(isoTimestampFromUnixSeconds(1418530010.25)).toBe('2014-12-14T04:06:50.250Z');
  });

  it('gives the right text for times in turn within one minute and across days', () => {
    const texts = [1418530010, 1418530011, 1418616410, 1418530070].map(isoTimestampFromUnixSeconds);

    expect(texts).toStrictEqual(['2014-12-14T04:06:50.000Z', '2014-12-14T04:06:51.000Z', '2014-12-15T04:06:50.000Z', '2014-12-14T04:07:50.000Z']);
  });
});
