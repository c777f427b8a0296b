import { describe, expect, it } from 'vitest';
import { countFieldTokens, isBlankLine, splitFieldTokens } from '../../../src/flow-log/field-separator.js';

describe('splitFieldTokens', () => {
  it('splits on runs of spaces, tabs, carriage returns and line feeds', () => {
    expect(splitFieldTokens(' a \t b\r\nc  ')).toStrictEqual(['a', 'b', 'c']);
  });

  it('keeps a no-break space inside a token', () => {
    expect(splitFieldTokens('a\u00a0b c')).toStrictEqual(['a\u00a0b', 'c']);
  });

  it('returns no tokens for whitespace', () => {
    expect(splitFieldTokens(' \t ')).toStrictEqual([]);
  });
});

describe('countFieldTokens', () => {
  it('counts what splitFieldTokens returns', () => {
    expect(countFieldTokens('  2 - -\t- OK ')).toBe(5);
  });
});

describe('isBlankLine', () => {
  it.each([
    ['', true],
    [' \t\r', true],
    [' x ', false],
  ])('says whether %j is blank', (text, blank) => {
    expect(isBlankLine(text)).toBe(blank);
  });
});
