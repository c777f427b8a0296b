import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { Reader, type CityResponse } from 'mmdb-lib';
import { geoFields } from '../enrich/geo-fields.js';
import type { GeoLocator, GeoOutcome } from '../ports.js';
import { GeoDatabaseError } from './errors.js';
export { GeoDatabaseError } from './errors.js';

export interface MmdbGeoLocatorOptions {
  /** The whole database file (GeoLite2-City, GeoIP2-City, DB-IP City Lite or the bundled sample). */
  readonly database: Buffer;
  /** Which entry of the `names` maps to use; English when the record lacks it. Default `en`. */
  readonly language?: string;
}

/** What the database says about itself, for the start-up log. */
export interface MmdbDatabaseInfo {
  readonly databaseType: string;
  readonly ipVersion: number;
  readonly buildEpoch: Date;
}

export interface MmdbGeoLocator extends GeoLocator {
  readonly info: MmdbDatabaseInfo;
}

/**
 * Geolocates addresses offline from a MaxMind-format City database held in memory, with mmdb-lib.
 * An address the database does not cover is `not_found`; the locator never touches the network.
 *
 * @example
 * const locator = createMmdbGeoLocator({ database: await readFile('events/sample/geo-sample.mmdb') });
 * await locator.locate(['203.0.113.10']); // Map { '203.0.113.10' => { status: 'found', value: { country_code: ... } } }
 */
export function createMmdbGeoLocator(options: MmdbGeoLocatorOptions): MmdbGeoLocator {
  let reader: Reader<CityResponse>;
  try {
    reader = new Reader<CityResponse>(options.database);
  } catch (error) {
    throw new GeoDatabaseError('the geolocation database is not a readable MaxMind DB file', { cause: error });
  }
  const language = options.language ?? 'en';
  const ipv4Only = reader.metadata.ipVersion === 4;

  const locateOne = (address: string): GeoOutcome => {
    const family = isIP(address);
    if (family === 0) return { status: 'failed', reason: 'not an IP address' };
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
    // Our trees, like MaxMind's, hold IPv4 under ::/96; look mapped addresses up by their IPv4 part.
    const key = mapped ?? address;
    if (ipv4Only && isIP(key) === 6) return { status: 'not_found' };
    let record: CityResponse | null;
    try {
      record = reader.get(key);
    } catch (error) {
      return { status: 'failed', reason: `database lookup failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const value = record === null ? undefined : toGeoLocation(record, language);
    return value === undefined ? { status: 'not_found' } : { status: 'found', value };
  };

  return {
    info: {
      databaseType: reader.metadata.databaseType,
      ipVersion: reader.metadata.ipVersion,
      buildEpoch: reader.metadata.buildEpoch,
    },
    locate(addresses) {
      const outcomes = new Map<string, GeoOutcome>();
      for (const address of addresses) {
        if (!outcomes.has(address)) outcomes.set(address, locateOne(address));
      }
      return Promise.resolve(outcomes);
    },
  };
}

/**
 * Reads a database file and builds the locator; for composition roots.
 *
 * @example
 * const geo = await loadMmdbGeoLocator(config.geoDatabasePath);
 */
export async function loadMmdbGeoLocator(path: string, options: Omit<MmdbGeoLocatorOptions, 'database'> = {}): Promise<MmdbGeoLocator> {
  let database: Buffer;
  try {
    database = await readFile(path);
  } catch (error) {
    throw new GeoDatabaseError(`cannot read the geolocation database ${path}`, { cause: error });
  }
  try {
    return createMmdbGeoLocator({ ...options, database });
  } catch (error) {
    throw new GeoDatabaseError(`${path} is not a readable MaxMind DB file`, { cause: error });
  }
}

function toGeoLocation(record: CityResponse, language: string) {
  const name = (names: object | undefined): unknown => {
    const byLanguage = names as Readonly<Record<string, unknown>> | undefined;
    return byLanguage?.[language] ?? byLanguage?.en;
  };
  const subdivision = record.subdivisions?.[0];
  return geoFields({
    country_code: record.country?.iso_code,
    country_name: name(record.country?.names),
    region_code: subdivision?.iso_code,
    region_name: name(subdivision?.names),
    city: name(record.city?.names),
    latitude: record.location?.latitude,
    longitude: record.location?.longitude,
  });
}
