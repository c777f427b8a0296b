/**
 * Builds events/sample/geo-sample.mmdb, the offline geolocation database `npm start` uses, from
 * events/sample/geo-sample.json (invented cities on documentation address ranges).
 *
 *   npx tsx scripts/build-sample-geo-db.ts
 *
 * The output is deterministic, and a test checks the committed file matches its source.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { mmdbDouble, writeMmdb, type MmdbValue } from '../test/support/mmdb-writer.js';

export const SAMPLE_GEO_SOURCE = fileURLToPath(new URL('../events/sample/geo-sample.json', import.meta.url));
export const SAMPLE_GEO_DATABASE = fileURLToPath(new URL('../events/sample/geo-sample.mmdb', import.meta.url));

export interface SampleGeoNetwork {
  readonly network: string;
  readonly country_code?: string;
  readonly country_name?: string;
  readonly region_code?: string;
  readonly region_name?: string;
  readonly city?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

export interface SampleGeoSource {
  readonly database_type: string;
  readonly description: string;
  readonly build_epoch: number;
  readonly networks: readonly SampleGeoNetwork[];
}

/** A GeoIP2-City-shaped record holding only what the entry gives. */
function cityRecord(entry: SampleGeoNetwork): MmdbValue {
  const record: Record<string, MmdbValue> = {};
  if (entry.country_code !== undefined) {
    record.country = { iso_code: entry.country_code, names: { en: entry.country_name ?? entry.country_code } };
  }
  if (entry.region_code !== undefined) {
    record.subdivisions = [{ iso_code: entry.region_code, names: { en: entry.region_name ?? entry.region_code } }];
  }
  if (entry.city !== undefined) {
    record.city = { names: { en: entry.city } };
  }
  if (entry.latitude !== undefined && entry.longitude !== undefined) {
    record.location = { latitude: mmdbDouble(entry.latitude), longitude: mmdbDouble(entry.longitude) };
  }
  return record;
}

/** The database bytes for a source document. */
export function buildSampleGeoDatabase(source: SampleGeoSource): Buffer {
  return writeMmdb({
    ipVersion: 6,
    recordSize: 24,
    databaseType: source.database_type,
    description: { en: source.description },
    buildEpoch: source.build_epoch,
    networks: source.networks.map((entry) => ({ network: entry.network, data: cityRecord(entry) })),
  });
}

export async function readSampleGeoSource(path = SAMPLE_GEO_SOURCE): Promise<SampleGeoSource> {
  return JSON.parse(await readFile(path, 'utf8')) as SampleGeoSource;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const database = buildSampleGeoDatabase(await readSampleGeoSource());
  await writeFile(SAMPLE_GEO_DATABASE, database);
  process.stdout.write(`wrote ${SAMPLE_GEO_DATABASE} (${database.length} bytes)\n`);
}
