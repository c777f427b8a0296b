import { describe, expect, it } from 'vitest';
import {
  MAX_EC2_FILTER_VALUE_LENGTH,
  MAX_EC2_FILTER_VALUES_PER_CALL,
  checkPageSize,
  toFilterValueBatches,
} from '../../../src/adapters/ec2-client.js';
import { ConfigurationError } from '../../../src/errors.js';
import { interfaceIds } from '../../support/ec2-builders.js';

describe('toFilterValueBatches', () => {
  it.each([
    [199, [199]],
    [200, [200]],
    [201, [200, 1]],
    [401, [200, 200, 1]],
  ])('splits %i values into batches of %j', (count, sizes) => {
    const batches = toFilterValueBatches(interfaceIds(count));

    expect(batches.map((batch) => batch.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(interfaceIds(count));
  });

  it('gives no batch for no values, never an empty one', () => {
    expect(toFilterValueBatches([])).toEqual([]);
  });

  it('keeps the first of duplicate values, in order', () => {
    expect(toFilterValueBatches(['eni-b', 'eni-a', 'eni-b'])).toEqual([['eni-b', 'eni-a']]);
  });

  it(`leaves out empty values and values over ${MAX_EC2_FILTER_VALUE_LENGTH} characters`, () => {
    const longest = 'x'.repeat(MAX_EC2_FILTER_VALUE_LENGTH);

    expect(toFilterValueBatches(['', longest, `${longest}x`])).toEqual([[longest]]);
  });

  it('never puts more values in a batch than EC2 allows per call', () => {
    expect(Math.max(...toFilterValueBatches(interfaceIds(1000)).map((batch) => batch.length))).toBe(MAX_EC2_FILTER_VALUES_PER_CALL);
  });
});

describe('checkPageSize', () => {
  it('accepts the bounds EC2 accepts', () => {
    expect(checkPageSize(5)).toBe(5);
    expect(checkPageSize(1000)).toBe(1000);
  });

  it('refuses a size outside 5 to 1000 or not an integer', () => {
    expect(() => checkPageSize(4)).toThrow(ConfigurationError);
    expect(() => checkPageSize(1001)).toThrow(ConfigurationError);
    expect(() => checkPageSize(50.5)).toThrow(ConfigurationError);
  });
});
