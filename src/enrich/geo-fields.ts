import type { GeoLocation } from '../ports.js';

/**
 * Geolocation values as a provider hands them over: any of them may be missing, null, empty or of
 * the wrong type (they come from JSON or a database record we did not write).
 */
export interface RawGeoValues {
  readonly country_code?: unknown;
  readonly country_name?: unknown;
  readonly region_code?: unknown;
  readonly region_name?: unknown;
  readonly city?: unknown;
  readonly latitude?: unknown;
  readonly longitude?: unknown;
}

/**
 * The geolocation object of a document (`src_geo`, `dst_geo`) holding only the values known:
 * strings are trimmed and dropped when empty; `location` is kept only when both coordinates are
 * finite, in range and not the 0,0 that providers answer when they know nothing. Undefined when
 * nothing is known, so the caller leaves the field out.
 *
 * @example
 * geoFields({ country_code: 'US', city: '', latitude: 0, longitude: 0 }); // { country_code: 'US' }
 * geoFields({ city: null }); // undefined
 */
export function geoFields(raw: RawGeoValues): GeoLocation | undefined {
  const fields: {
    country_code?: string;
    country_name?: string;
    region_code?: string;
    region_name?: string;
    city?: string;
    location?: { lat: number; lon: number };
  } = {};
  const countryCode = text(raw.country_code);
  if (countryCode !== undefined) fields.country_code = countryCode;
  const countryName = text(raw.country_name);
  if (countryName !== undefined) fields.country_name = countryName;
  const regionCode = text(raw.region_code);
  if (regionCode !== undefined) fields.region_code = regionCode;
  const regionName = text(raw.region_name);
  if (regionName !== undefined) fields.region_name = regionName;
  const city = text(raw.city);
  if (city !== undefined) fields.city = city;
  const location = coordinates(raw.latitude, raw.longitude);
  if (location !== undefined) fields.location = location;
  return Object.keys(fields).length === 0 ? undefined : fields;
}

/**
 * Re-shapes a provider's GeoLocation for a document, so a provider that slips a 0,0, a half
 * location or an empty name through still yields a clean `src_geo` / `dst_geo`. Undefined when
 * nothing usable is left.
 *
 * @example
 * toGeoDocument({ country_code: 'US', city: '', location: { lat: 0, lon: 0 } }); // { country_code: 'US' }
 */
export function toGeoDocument(location: GeoLocation): GeoLocation | undefined {
  const { location: point, ...names } = location;
  return geoFields({ ...names, latitude: point?.lat, longitude: point?.lon });
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function coordinates(latitude: unknown, longitude: unknown): { lat: number; lon: number } | undefined {
  const lat = number(latitude);
  const lon = number(longitude);
  if (lat === undefined || lon === undefined) return undefined;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return undefined;
  if (lat === 0 && lon === 0) return undefined;
  return { lat, lon };
}

function number(value: unknown): number | undefined {
  // Some providers send coordinates as strings ("34.0655"); accept those, nothing looser.
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}
