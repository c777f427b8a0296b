import { describe, expect, it } from 'vitest';
import { parseHiveType, valueFits } from '../../support/hive-types.js';

describe('valueFits (the golden documents\' check against the Glue columns)', () => {
  const type = parseHiveType('struct<port:int,bytes:bigint,ip:string,ids:array<string>,geo:struct<lat:double>>');

  it('finds a value of another type, a key without a column and an int past 2^31, by path', () => {
    expect(valueFits({ port: '443', ip: 7, ids: ['a', 1], geo: { lat: 'x', planet: 'mars' }, bytes: 2 ** 40, extra: true }, type, [])).toEqual([
      'port: "443" is no int',
      'ip: 7 is no string',
      'ids: 1 is no string',
      'geo.lat: "x" is no double',
      'geo.planet: no column',
      'extra: no column',
    ]);
    expect(valueFits({ port: 2 ** 31 }, type, [])).toEqual(['port: 2147483648 is no int']);
  });

  it('lets a document fit with nulls, absent fields, integers as doubles and listed paths skipped', () => {
    expect(valueFits({ port: 443, bytes: null, geo: { lat: 1 }, skipped: 'x' }, type, [], new Set(['skipped']))).toEqual([]);
  });
});
