import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameScope, scopedKey, type LookupScope } from '../../../src/domain/index.js';

const scopes = fc.record({ accountId: fc.stringMatching(/^\d{12}$/), region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2') });

describe('a look-up scope', () => {
  it('keys the same id apart in two accounts or Regions, and together in one', () => {
    fc.assert(
      fc.property(scopes, scopes, fc.stringMatching(/^eni-[0-9a-f]{8,17}$/), (left: LookupScope, right: LookupScope, id) => {
        expect(scopedKey(left, id) === scopedKey(right, id)).toBe(sameScope(left, right));
      }),
    );
  });

  it('writes account, Region and id in that order', () => {
    expect(scopedKey({ accountId: '123456789012', region: 'eu-west-1' }, 'sg-0a1b2c3d')).toBe('123456789012/eu-west-1/sg-0a1b2c3d');
  });
});
