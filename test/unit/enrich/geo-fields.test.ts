import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geoFields, toGeoDocument } from '../../../src/enrich/geo-fields.js';
import { geoLocation, ipstackAnswer } from '../../support/geo-builders.js';

describe('geoFields', () => {
  it('keeps every known value under the document field names', () => {
    // Prepare
    const raw = ipstackAnswer();

    // Act
    const fields = geoFields(raw);

    // Assess
    expect(fields).toEqual(geoLocation());
  });

  it('drops empty, blank, null and non-string names and trims the rest', () => {
    // Act
    const fields = geoFields({ country_code: ' NZ ', country_name: '', region_code: '   ', region_name: null, city: 42 });

    // Assess
    expect(fields).toEqual({ country_code: 'NZ' });
  });

  it('never reports the 0,0 location providers answer when they know nothing', () => {
    // Act
    const fields = geoFields({ country_code: 'US', latitude: 0, longitude: 0 });

    // Assess
    expect(fields).toEqual({ country_code: 'US' });
  });

  it.each([
    [{ latitude: 51.5 }],
    [{ longitude: -0.12 }],
    [{ latitude: 51.5, longitude: null }],
    [{ latitude: Number.NaN, longitude: 1 }],
    [{ latitude: 91, longitude: 1 }],
    [{ latitude: 1, longitude: -181 }],
    [{ latitude: '', longitude: '1' }],
  ])('leaves out a half or impossible location %j', (raw) => {
    // Act
    const fields = geoFields({ country_code: 'GB', ...raw });

    // Assess
    expect(fields).toEqual({ country_code: 'GB' });
  });

  it('keeps a location on the equator or the prime meridian', () => {
    // Act
    const fields = geoFields({ latitude: 0, longitude: 32.58 });

    // Assess
    expect(fields).toEqual({ location: { lat: 0, lon: 32.58 } });
  });

  it('reads coordinates sent as numeric strings', () => {
    // Act
    const fields = geoFields({ latitude: '34.0655', longitude: '-118.2405' });

    // Assess
    expect(fields).toEqual({ location: { lat: 34.0655, lon: -118.2405 } });
  });

  it('answers undefined when nothing is known, so the caller omits the field', () => {
    // Act
    const fields = geoFields({ ip: '203.0.113.9', country_code: null, city: '', latitude: 0, longitude: 0 } as Record<string, unknown>);

    // Assess
    expect(fields).toBeUndefined();
  });

  it('never holds an empty string, a 0,0 or a half location, whatever the input', () => {
    const anyValue = fc.oneof(fc.string(), fc.constant(''), fc.constant(null), fc.double(), fc.constant(0), fc.integer({ min: -200, max: 200 }));
    fc.assert(
      fc.property(
        fc.record({ country_code: anyValue, country_name: anyValue, region_code: anyValue, region_name: anyValue, city: anyValue, latitude: anyValue, longitude: anyValue }, { requiredKeys: [] }),
        (raw) => {
          const fields = geoFields(raw);
          if (fields === undefined) return;
          expect(Object.keys(fields).length).toBeGreaterThan(0);
          for (const [key, value] of Object.entries(fields)) {
            if (key === 'location') {
              const { lat, lon } = value as { lat: number; lon: number };
              expect(Number.isFinite(lat) && Number.isFinite(lon)).toBe(true);
              expect(lat === 0 && lon === 0).toBe(false);
            } else {
              expect(typeof value === 'string' && value.trim() === value && value !== '').toBe(true);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('toGeoDocument', () => {
  it('keeps a clean location as it is', () => {
    // Act
    const document = toGeoDocument(geoLocation());

    // Assess
    expect(document).toEqual(geoLocation());
  });

  it('cleans a provider value that carries a 0,0 location or empty names', () => {
    // Act
    const document = toGeoDocument({ country_code: 'US', city: '', region_name: ' ', location: { lat: 0, lon: 0 } });

    // Assess
    expect(document).toEqual({ country_code: 'US' });
  });

  it('answers undefined when nothing usable is left', () => {
    // Act
    const document = toGeoDocument({ city: '', location: { lat: Number.NaN, lon: 3 } });

    // Assess
    expect(document).toBeUndefined();
  });
});
