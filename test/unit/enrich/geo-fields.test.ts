import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geoEnrichment, geoFields } from '../../../src/enrich/geo-fields.js';
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

describe('geoEnrichment', () => {
  it('places found locations under src_geo and dst_geo with no issue', () => {
    // Act
    const enrichment = geoEnrichment({ src: { status: 'found', value: geoLocation() }, dst: { status: 'found', value: geoLocation({ city: 'Auckland' }) } });

    // Assess
    expect(enrichment).toEqual({ src_geo: geoLocation(), dst_geo: geoLocation({ city: 'Auckland' }), issues: [] });
  });

  it('adds nothing for an address that was not looked up or not found', () => {
    // Act
    const enrichment = geoEnrichment({ dst: { status: 'not_found' } });

    // Assess
    expect(enrichment).toEqual({ issues: [] });
  });

  it('flags geo_failed and geo_quota_exceeded once each, failures first', () => {
    // Act
    const enrichment = geoEnrichment({ src: { status: 'quota_exceeded' }, dst: { status: 'failed', reason: 'timeout' } });

    // Assess
    expect(enrichment).toEqual({ issues: ['geo_failed', 'geo_quota_exceeded'] });
  });

  it('cleans a found value that carries a 0,0 location or empty names', () => {
    // Act
    const enrichment = geoEnrichment({ src: { status: 'found', value: { country_code: 'US', city: '', location: { lat: 0, lon: 0 } } } });

    // Assess
    expect(enrichment).toEqual({ src_geo: { country_code: 'US' }, issues: [] });
  });
});
