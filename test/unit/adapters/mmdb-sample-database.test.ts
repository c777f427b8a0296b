import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadMmdbGeoLocator } from '../../../src/adapters/mmdb-geo-locator.js';
import { geoFields } from '../../../src/enrich/geo-fields.js';
import { buildSampleGeoDatabase, readSampleGeoSource, SAMPLE_GEO_DATABASE, SAMPLE_GEO_SOURCE } from '../../../scripts/build-sample-geo-db.js';

describe('events/sample/geo-sample.mmdb', () => {
  it('is what scripts/build-sample-geo-db.ts builds from geo-sample.json', async () => {
    // Prepare
    const source = await readSampleGeoSource();

    // Act
    const built = buildSampleGeoDatabase(source);

    // Assess
    expect(built.equals(await readFile(SAMPLE_GEO_DATABASE))).toBe(true);
  });

  it('says in its source and its metadata that it is sample data', async () => {
    // Prepare
    const source = JSON.parse(await readFile(SAMPLE_GEO_SOURCE, 'utf8')) as { _notice: string };

    // Act
    const locator = await loadMmdbGeoLocator(SAMPLE_GEO_DATABASE);

    // Assess
    expect(source._notice).toMatch(/^SAMPLE DATA, NOT REAL GEOLOCATION/);
    expect(locator.info.databaseType).toBe('VpcFlowLogAppender-Sample-City');
  });

  it('locates the first address of every network in the source as the source says', async () => {
    // Prepare
    const source = await readSampleGeoSource();
    const locator = await loadMmdbGeoLocator(SAMPLE_GEO_DATABASE);
    const firstAddresses = source.networks.map((entry) => entry.network.split('/')[0] as string);

    // Act
    const outcomes = await locator.locate(firstAddresses);

    // Assess
    source.networks.forEach((entry, index) => {
      expect(outcomes.get(firstAddresses[index] as string)).toEqual({ status: 'found', value: geoFields(entry) });
    });
  });

  it.each([['192.0.2.255'], ['198.51.100.255'], ['203.0.113.255'], ['2001:db8:7fff:ffff::1'], ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff']])(
    'covers the documentation address %s',
    async (address) => {
      // Prepare
      const locator = await loadMmdbGeoLocator(SAMPLE_GEO_DATABASE);

      // Act
      const outcomes = await locator.locate([address]);

      // Assess
      expect(outcomes.get(address)?.status).toBe('found');
    },
  );

  it.each([['192.0.3.1'], ['8.8.8.8'], ['2001:db9::1']])('does not know %s, outside the documentation ranges', async (address) => {
    // Prepare
    const locator = await loadMmdbGeoLocator(SAMPLE_GEO_DATABASE);

    // Act
    const outcomes = await locator.locate([address]);

    // Assess
    expect(outcomes.get(address)).toEqual({ status: 'not_found' });
  });
});
