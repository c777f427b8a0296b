import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMmdbGeoLocator, GeoDatabaseError, loadMmdbGeoLocator } from '../../../src/adapters/mmdb-geo-locator.js';
import { cityRecord, geoLocation } from '../../support/geo-builders.js';
import { writeMmdb, type MmdbNetwork } from '../../support/mmdb-writer.js';

function cityDatabase(networks: readonly MmdbNetwork[], ipVersion: 4 | 6 = 6): Buffer {
  return writeMmdb({ ipVersion, databaseType: 'Test-City', networks });
}

describe('createMmdbGeoLocator', () => {
  it('maps a City record to a GeoLocation', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }]) });

    // Act
    const outcomes = await locator.locate(['203.0.113.7']);

    // Assess
    expect(outcomes.get('203.0.113.7')).toEqual({ status: 'found', value: geoLocation() });
  });

  it('locates IPv6 addresses', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({
      database: cityDatabase([{ network: '2001:db8:4::/48', data: cityRecord({ city: 'Christchurch', regionCode: 'CAN', regionName: 'Canterbury', latitude: -43.53, longitude: 172.63 }) }]),
    });

    // Act
    const outcomes = await locator.locate(['2001:db8:4::25']);

    // Assess
    expect(outcomes.get('2001:db8:4::25')).toEqual({
      status: 'found',
      value: geoLocation({ city: 'Christchurch', region_code: 'CAN', region_name: 'Canterbury', location: { lat: -43.53, lon: 172.63 } }),
    });
  });

  it('answers not_found for an address the database does not cover', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }]) });

    // Act
    const outcomes = await locator.locate(['198.51.100.1', '2001:db8::1']);

    // Assess
    expect(outcomes).toEqual(new Map([['198.51.100.1', { status: 'not_found' }], ['2001:db8::1', { status: 'not_found' }]]));
  });

  it('answers not_found for an IPv6 address in an IPv4-only database', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }], 4) });

    // Act
    const outcomes = await locator.locate(['2001:db8::1']);

    // Assess
    expect(outcomes.get('2001:db8::1')).toEqual({ status: 'not_found' });
  });

  it('looks an IPv4-mapped address up by its IPv4 part', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }]) });

    // Act
    const outcomes = await locator.locate(['::ffff:203.0.113.7']);

    // Assess
    expect(outcomes.get('::ffff:203.0.113.7')).toEqual({ status: 'found', value: geoLocation() });
  });

  it('keeps only the values a country-level record has', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({
      database: cityDatabase([{ network: '192.0.2.0/24', data: { country: { iso_code: 'AU', names: { en: 'Australia' } }, location: { latitude: 0, longitude: 0 } } }]),
    });

    // Act
    const outcomes = await locator.locate(['192.0.2.1']);

    // Assess
    expect(outcomes.get('192.0.2.1')).toEqual({ status: 'found', value: { country_code: 'AU', country_name: 'Australia' } });
  });

  it('answers not_found for a record that holds nothing usable', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '192.0.2.0/24', data: { traits: { is_anycast: true } } }]) });

    // Act
    const outcomes = await locator.locate(['192.0.2.1']);

    // Assess
    expect(outcomes.get('192.0.2.1')).toEqual({ status: 'not_found' });
  });

  it('uses names in the configured language, falling back to English', async () => {
    // Prepare
    const record = { country: { iso_code: 'DE', names: { en: 'Germany', de: 'Deutschland' } }, city: { names: { en: 'Munich' } } };
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '198.51.100.0/24', data: record }]), language: 'de' });

    // Act
    const outcomes = await locator.locate(['198.51.100.9']);

    // Assess
    expect(outcomes.get('198.51.100.9')).toEqual({ status: 'found', value: { country_code: 'DE', country_name: 'Deutschland', city: 'Munich' } });
  });

  it('answers failed for text that is not an address', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([]) });

    // Act
    const outcomes = await locator.locate(['-']);

    // Assess
    expect(outcomes.get('-')).toEqual({ status: 'failed', reason: 'not an IP address' });
  });

  it('answers once per distinct address', async () => {
    // Prepare
    const locator = createMmdbGeoLocator({ database: cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }]) });

    // Act
    const outcomes = await locator.locate(['203.0.113.7', '203.0.113.7', '203.0.113.8']);

    // Assess
    expect([...outcomes.keys()]).toEqual(['203.0.113.7', '203.0.113.8']);
  });

  it('reports what the database says about itself', () => {
    // Act
    const locator = createMmdbGeoLocator({ database: writeMmdb({ ipVersion: 6, databaseType: 'Sample-City', buildEpoch: 1_767_225_600, networks: [] }) });

    // Assess
    expect(locator.info).toEqual({ databaseType: 'Sample-City', ipVersion: 6, buildEpoch: new Date(1_767_225_600_000) });
  });

  it('throws GeoDatabaseError for bytes that are not a MaxMind DB', () => {
    // Act
    const create = () => createMmdbGeoLocator({ database: Buffer.from('not a database') });

    // Assess
    expect(create).toThrow(GeoDatabaseError);
  });
});

describe('loadMmdbGeoLocator', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mmdb-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads a database file', async () => {
    // Prepare
    const path = join(directory, 'city.mmdb');
    await writeFile(path, cityDatabase([{ network: '203.0.113.0/24', data: cityRecord() }]));

    // Act
    const locator = await loadMmdbGeoLocator(path);

    // Assess
    expect((await locator.locate(['203.0.113.1'])).get('203.0.113.1')).toEqual({ status: 'found', value: geoLocation() });
  });

  it('rejects with GeoDatabaseError naming a missing file', async () => {
    // Prepare
    const path = join(directory, 'missing.mmdb');

    // Act
    const load = loadMmdbGeoLocator(path);

    // Assess
    await expect(load).rejects.toThrow(GeoDatabaseError);
    await expect(load).rejects.toThrow(path);
  });

  it('rejects with GeoDatabaseError for a file that is not a database', async () => {
    // Prepare
    const path = join(directory, 'broken.mmdb');
    await writeFile(path, 'garbage');

    // Act
    const load = loadMmdbGeoLocator(path);

    // Assess
    await expect(load).rejects.toThrow(GeoDatabaseError);
  });
});
