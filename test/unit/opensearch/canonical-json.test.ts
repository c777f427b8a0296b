import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintOf } from '../../../src/opensearch/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }, 1] })).toBe('{"a":[{"c":3,"d":2},1],"b":1}');
  });
});

describe('fingerprintOf', () => {
  it('is the same for values that differ only in key order and differs otherwise', () => {
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1, b: 2 })).not.toBe(fingerprintOf({ a: 1, b: 3 }));
    expect(fingerprintOf({ a: 1 })).toMatch(/^sha256:[0-9a-f]{16}$/);
  });
});
