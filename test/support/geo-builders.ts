import type { Clock, GeoLocation, GeoLocator, GeoOutcome, Logger, SecretProvider } from '../../src/ports.js';
import { mmdbDouble, mmdbUint16, mmdbUint32, type MmdbValue } from './mmdb-writer.js';

/** A key shaped like ipstack's 32-hex-digit access keys; tests assert it never leaks. */
export const TEST_IPSTACK_KEY = '0123456789abcdef0123456789abcdef';

/** One successful ipstack answer, with only the fields the locator asks for. */
export function ipstackAnswer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ip: '203.0.113.7',
    country_code: 'NZ',
    country_name: 'New Zealand',
    region_code: 'WGN',
    region_name: 'Wellington',
    city: 'Wellington',
    latitude: -41.2866,
    longitude: 174.7756,
    ...overrides,
  };
}

/** ipstack's error body, `{ success: false, error: { code, type, info } }`. */
export function ipstackError(code: number, type: string, info = 'Sample error information.'): Record<string, unknown> {
  return { success: false, error: { code, type, info } };
}

/** The GeoLocation that `ipstackAnswer()` maps to, with overrides. */
export function geoLocation(overrides: Partial<GeoLocation> = {}): GeoLocation {
  return {
    country_code: 'NZ',
    country_name: 'New Zealand',
    region_code: 'WGN',
    region_name: 'Wellington',
    city: 'Wellington',
    location: { lat: -41.2866, lon: 174.7756 },
    ...overrides,
  };
}

export interface CityRecordValues {
  readonly countryCode?: string;
  readonly countryName?: string;
  readonly regionCode?: string;
  readonly regionName?: string;
  readonly city?: string;
  readonly latitude?: number;
  readonly longitude?: number;
}

/** A GeoIP2-City-shaped record (country, subdivisions, city, location) for the MMDB writer. */
export function cityRecord(values: CityRecordValues = {}): MmdbValue {
  const v = {
    countryCode: 'NZ',
    countryName: 'New Zealand',
    regionCode: 'WGN',
    regionName: 'Wellington',
    city: 'Wellington',
    latitude: -41.2866,
    longitude: 174.7756,
    ...values,
  };
  return {
    city: { geoname_id: mmdbUint32(2179537), names: { en: v.city } },
    country: { geoname_id: mmdbUint32(2186224), iso_code: v.countryCode, names: { en: v.countryName } },
    location: { accuracy_radius: mmdbUint16(20), latitude: mmdbDouble(v.latitude), longitude: mmdbDouble(v.longitude) },
    subdivisions: [{ geoname_id: mmdbUint32(2179538), iso_code: v.regionCode, names: { en: v.regionName } }],
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): Clock & { advance(milliseconds: number): void } {
  let now = start;
  return {
    now: () => now,
    advance(milliseconds) {
      now += milliseconds;
    },
  };
}

/** A secret provider answering a fixed value, counting calls. */
export function fixedSecret(value = TEST_IPSTACK_KEY): SecretProvider & { readonly calls: () => number } {
  let calls = 0;
  return {
    getSecret() {
      calls += 1;
      return Promise.resolve(value);
    },
    calls: () => calls,
  };
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
}

/** A logger that keeps every line; `text()` is everything logged, serialised, for leak checks. */
export function recordingLogger(): Logger & { readonly lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const record = (level: LogLine['level']) => (message: string, attributes?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, attributes });
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    text: () => JSON.stringify(lines),
  };
}

/** A GeoLocator answered from a table (not_found otherwise), recording every call's addresses. */
export function fixedGeoLocator(answers: Readonly<Record<string, GeoOutcome>>): GeoLocator & { readonly asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    locate(addresses) {
      asked.push([...addresses]);
      return Promise.resolve(new Map(addresses.map((address) => [address, answers[address] ?? { status: 'not_found' }])));
    },
  };
}
