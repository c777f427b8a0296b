import { describe, expect, it } from 'vitest';
import {
  FilterPatternSyntaxError,
  matchSpaceDelimitedPattern,
  parseSpaceDelimitedPattern,
  splitLogEvent,
} from '../support/cloudwatch-filter-pattern.js';

const matches = (pattern: string, event: string): boolean => matchSpaceDelimitedPattern(parseSpaceDelimitedPattern(pattern), event) !== undefined;

describe('parseSpaceDelimitedPattern', () => {
  it('reads named fields, conditions on strings, words and numbers, and the ellipsis', () => {
    // Act
    const pattern = parseSpaceDelimitedPattern('[ip, user="fr*", status=404, method != GET, ...]');

    // Assess
    expect(pattern.terms).toEqual([
      { kind: 'field', name: 'ip' },
      { kind: 'field', name: 'user', condition: { operator: '=', value: { kind: 'text', text: 'fr*' } } },
      { kind: 'field', name: 'status', condition: { operator: '=', value: { kind: 'number', value: 404 } } },
      { kind: 'field', name: 'method', condition: { operator: '!=', value: { kind: 'text', text: 'GET' } } },
      { kind: 'ellipsis' },
    ]);
  });

  it('keeps a comma inside a quoted value', () => {
    expect(parseSpaceDelimitedPattern('[a="x,y", b]').terms).toHaveLength(2);
  });

  it.each([
    ['no brackets', 'a, b'],
    ['a numeric range', '[a, bytes>1000]'],
    ['a conjunction', '[a, b=1 && b=2]'],
    ['a name that is no identifier', '[a-b]'],
    ['an unterminated string', '[a="x]'],
    ['a field named twice', '[a, a]'],
  ])('refuses %s', (_what, pattern) => {
    expect(() => parseSpaceDelimitedPattern(pattern)).toThrow(FilterPatternSyntaxError);
  });
});

describe('splitLogEvent', () => {
  it('splits at spaces, keeps quoted and bracketed text as one field, and skips runs of spaces', () => {
    expect(splitLogEvent('127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0"  404')).toEqual([
      '127.0.0.1',
      '-',
      'frank',
      '[10/Oct/2000:13:25:15 -0700]',
      'GET /index.html HTTP/1.0',
      '404',
    ]);
  });
});

describe('matchSpaceDelimitedPattern', () => {
  it('captures every named field of a matching event', () => {
    expect(matchSpaceDelimitedPattern(parseSpaceDelimitedPattern('[a, b="x*"]'), '1 xyz')).toEqual({ a: '1', b: 'xyz' });
  });

  it('compares a quoted value as text, exactly', () => {
    expect([matches('[a, port="22"]', 'x 22'), matches('[a, port="22"]', 'x 220'), matches('[a, port="22"]', 'x 022')]).toEqual([true, false, false]);
  });

  it('compares a bare number as a number, and never matches text with it', () => {
    expect([matches('[a, port=22]', 'x 22'), matches('[a, port=22]', 'x 22.0'), matches('[a, port=22]', 'x -')]).toEqual([true, true, false]);
  });

  it('reads * in a value as any run of characters', () => {
    expect([matches('[a="REJ*"]', 'REJECT'), matches('[a="*JEC*"]', 'REJECT'), matches('[a="REJ*"]', 'ACCEPT')]).toEqual([true, true, false]);
  });

  it('inverts the comparison with !=', () => {
    expect([matches('[a, b!="OK"]', 'x NODATA'), matches('[a, b!="OK"]', 'x OK')]).toEqual([true, false]);
  });

  it('needs exactly as many fields as the pattern names, unless it has an ellipsis', () => {
    expect([matches('[a, b]', 'x'), matches('[a, b]', 'x y z'), matches('[a, ..., c="z"]', 'x y w z'), matches('[..., c="z"]', 'z')]).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});
