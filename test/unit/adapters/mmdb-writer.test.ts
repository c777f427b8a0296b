import { Reader } from 'mmdb-lib';
import { describe, expect, it } from 'vitest';
import { encodeValue, mmdbDouble, mmdbUint16, mmdbUint64, networkBits, writeMmdb, type MmdbValue } from '../../support/mmdb-writer.js';

const recordSizes = [24, 28, 32] as const;

describe('writeMmdb', () => {
  it.each(recordSizes)('writes an IPv4 database with %i-bit records that mmdb-lib reads back', (recordSize) => {
    // Prepare
    const database = writeMmdb({
      ipVersion: 4,
      recordSize,
      databaseType: 'Test-City',
      networks: [
        { network: '192.0.2.0/24', data: { city: 'wide' } },
        { network: '192.0.2.128/25', data: { city: 'narrow' } },
        { network: '203.0.113.7/32', data: { city: 'host' } },
      ],
    });

    // Act
    const reader = new Reader(database);

    // Assess
    expect(reader.metadata).toMatchObject({ ipVersion: 4, recordSize, databaseType: 'Test-City', binaryFormatMajorVersion: 2 });
    // The /25 splits the /24, so the lower half is found one level deeper than 24.
    expect(reader.getWithPrefixLength('192.0.2.1')).toEqual([{ city: 'wide' }, 25]);
    expect(reader.getWithPrefixLength('192.0.2.200')).toEqual([{ city: 'narrow' }, 25]);
    expect(reader.get('203.0.113.7')).toEqual({ city: 'host' });
    expect(reader.get('203.0.113.8')).toBeNull();
    expect(reader.get('198.51.100.1')).toBeNull();
  });

  it.each(recordSizes)('writes an IPv6 database with %i-bit records holding IPv4 and IPv6 networks', (recordSize) => {
    // Prepare
    const database = writeMmdb({
      ipVersion: 6,
      recordSize,
      databaseType: 'Test-City',
      networks: [
        { network: '198.51.100.0/24', data: { city: 'v4' } },
        { network: '2001:db8::/32', data: { city: 'documentation' } },
        { network: '2001:db8:abcd::/48', data: { city: 'site' } },
      ],
    });

    // Act
    const reader = new Reader(database);

    // Assess
    expect(reader.metadata.ipVersion).toBe(6);
    expect(reader.get('198.51.100.77')).toEqual({ city: 'v4' });
    // The /48 splits the /32, so the depth at which the record is found is 33, as with 192.0.2.1 above.
    expect(reader.getWithPrefixLength('2001:db8:1::1')).toEqual([{ city: 'documentation' }, 33]);
    expect(reader.getWithPrefixLength('2001:db8:abcd:ffff::1')).toEqual([{ city: 'site' }, 48]);
    expect(reader.get('2001:db9::1')).toBeNull();
    expect(reader.get('192.0.2.1')).toBeNull();
  });

  it('writes data pointers above 2^24 in the shared nibble of 28-bit records', () => {
    // Prepare: a record past the first 16 MiB of the data section needs the high nibble.
    const filler = 'x'.repeat(2 ** 24);
    const database = writeMmdb({
      ipVersion: 4,
      recordSize: 28,
      databaseType: 'Test',
      networks: [
        { network: '192.0.2.0/24', data: { filler } },
        { network: '198.51.100.0/24', data: { city: 'far' } },
      ],
    });

    // Act
    const reader = new Reader(database);

    // Assess
    expect(reader.get('198.51.100.1')).toEqual({ city: 'far' });
  });

  it('refuses a database its record size cannot address', () => {
    // Prepare
    const options = {
      ipVersion: 4 as const,
      recordSize: 24 as const,
      databaseType: 'Test',
      networks: [{ network: '192.0.2.0/24', data: { filler: 'x'.repeat(2 ** 24) } }],
    };

    // Act
    const write = () => writeMmdb(options);

    // Assess
    expect(write).toThrow(RangeError);
  });

  it('stores the same record once for many networks', () => {
    // Prepare
    const networks = Array.from({ length: 64 }, (_, index) => ({ network: `203.0.113.${index * 4}/30`, data: { country: 'NZ' } }));

    // Act
    const database = writeMmdb({ ipVersion: 4, databaseType: 'Test', networks });

    // Assess
    expect(database.indexOf(Buffer.from('NZ'))).toBe(database.lastIndexOf(Buffer.from('NZ')));
    expect(new Reader(database).get('203.0.113.255')).toEqual({ country: 'NZ' });
  });

  it('writes metadata that mmdb-lib reports', () => {
    // Act
    const reader = new Reader(
      writeMmdb({ ipVersion: 6, databaseType: 'Sample-City', languages: ['en', 'de'], description: { en: 'sample data' }, buildEpoch: 1_767_225_600, networks: [] }),
    );

    // Assess
    expect(reader.metadata).toMatchObject({
      databaseType: 'Sample-City',
      languages: ['en', 'de'],
      description: { en: 'sample data' },
      buildEpoch: new Date(1_767_225_600_000),
    });
  });
});

describe('encodeValue', () => {
  /** Decodes one value with mmdb-lib by placing it as the only record of a database. */
  const roundTrip = (value: MmdbValue): unknown =>
    new Reader(writeMmdb({ ipVersion: 4, databaseType: 'Test', networks: [{ network: '192.0.2.0/24', data: { value } }] })).get('192.0.2.1');

  it.each([0, 1, 28, 29, 284, 285, 65_820, 65_821, 70_000])('round-trips a string of %i bytes across the size encodings', (length) => {
    // Prepare
    const value = 'é'.repeat(Math.floor(length / 2)) + 'a'.repeat(length % 2);

    // Act
    const decoded = roundTrip(value);

    // Assess
    expect(decoded).toEqual({ value });
  });

  it('round-trips maps, arrays, booleans, doubles and unsigned integers', () => {
    // Prepare
    const value: MmdbValue = {
      names: { en: 'Wellington', 'pt-BR': 'Wellington' },
      list: ['a', 1, true, false],
      latitude: mmdbDouble(-41.2866),
      whole: mmdbDouble(40),
      radius: mmdbUint16(1000),
      zero: mmdbUint16(0),
      big: 4_000_000_000,
      fraction: 0.5,
      many: Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, index])),
    };

    // Act
    const decoded = roundTrip(value);

    // Assess
    expect(decoded).toEqual({
      value: { ...value, latitude: -41.2866, whole: 40, radius: 1000, zero: 0 },
    });
  });

  it('writes uint64 values that mmdb-lib decodes as bigint', () => {
    // Act
    const decoded = roundTrip({ epoch: mmdbUint64(1_767_225_600) });

    // Assess
    expect(decoded).toEqual({ value: { epoch: 1_767_225_600n } });
  });

  it('uses the one-byte form for short strings', () => {
    // Act
    const encoded = encodeValue('abc');

    // Assess
    expect([...encoded]).toEqual([0x43, 0x61, 0x62, 0x63]);
  });
});

describe('networkBits', () => {
  it('puts IPv4 networks under ::/96 in an IPv6 tree', () => {
    // Act
    const bits = networkBits('192.0.2.0/24', 6);

    // Assess
    expect(bits).toHaveLength(120);
    expect(bits.slice(0, 96).every((bit) => bit === 0)).toBe(true);
    expect(bits.slice(96, 104)).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('reads IPv6 text with an embedded dotted quad', () => {
    // Act
    const bits = networkBits('::ffff:192.0.2.1/128', 6);

    // Assess
    expect(bits.slice(80, 96).every((bit) => bit === 1)).toBe(true);
    expect(bits.slice(96, 104)).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it.each([['2001:db8::/129'], ['2001:db8::1::/64'], ['2001:db8:zz::/48'], ['192.0.2.0/0'], ['300.0.2.0/24']])('rejects %s', (cidr) => {
    // Act
    const bits = () => networkBits(cidr, 6);

    // Assess
    expect(bits).toThrow(RangeError);
  });

  it('refuses an IPv6 network in an IPv4 database', () => {
    // Act
    const bits = () => networkBits('2001:db8::/32', 4);

    // Assess
    expect(bits).toThrow(RangeError);
  });
});
