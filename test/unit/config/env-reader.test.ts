import { describe, expect, it } from 'vitest';
import { createEnvReader } from '../../../src/config/env-reader.js';
import { ConfigurationError } from '../../../src/errors.js';

/** The problems a reader collected, or [] when it is valid. */
function problemsOf(reader: ReturnType<typeof createEnvReader>): readonly string[] {
  try {
    reader.assertValid();
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
}

describe('createEnvReader', () => {
  describe('requiredString', () => {
    it('returns the value without surrounding white space', () => {
      const env = createEnvReader({ STREAM: '  vpc-flow-logs \n' });

      expect(env.requiredString('STREAM')).toBe('vpc-flow-logs');
      expect(problemsOf(env)).toEqual([]);
    });

    it('counts an empty or blank value as missing', () => {
      const env = createEnvReader({ EMPTY: '', BLANK: '   ' });

      env.requiredString('EMPTY');
      env.requiredString('BLANK');
      env.requiredString('ABSENT');

      expect(problemsOf(env)).toEqual(['EMPTY is required', 'BLANK is required', 'ABSENT is required']);
    });
  });

  describe('optionalString', () => {
    it('gives undefined for a missing or blank value and the trimmed value otherwise', () => {
      const env = createEnvReader({ BLANK: ' ', SET: ' x ' });

      expect([env.optionalString('ABSENT'), env.optionalString('BLANK'), env.optionalString('SET')]).toEqual([undefined, undefined, 'x']);
    });
  });

  describe('string', () => {
    it('falls back to the default only when the value is missing or blank', () => {
      const env = createEnvReader({ SET: 'given', BLANK: '' });

      expect([env.string('SET', 'default'), env.string('BLANK', 'default'), env.string('ABSENT', 'default')]).toEqual(['given', 'default', 'default']);
    });
  });

  describe('integer', () => {
    it('reads negative, zero and positive integers', () => {
      const env = createEnvReader({ A: '-3', B: '0', C: ' 42 ' });

      expect([env.integer('A', { defaultValue: 1 }), env.integer('B', { defaultValue: 1 }), env.integer('C', { defaultValue: 1 })]).toEqual([-3, 0, 42]);
      expect(problemsOf(env)).toEqual([]);
    });

    it('uses the default when the variable is missing', () => {
      expect(createEnvReader({}).integer('A', { defaultValue: 7, min: 10 })).toBe(7);
    });

    it.each(['1.5', '1e3', '0x10', '+5', 'ten', '9007199254740993'])('refuses %j as an integer and answers the default', (value) => {
      const env = createEnvReader({ N: value });

      const read = env.integer('N', { defaultValue: 5 });

      expect(read).toBe(5);
      expect(problemsOf(env)).toEqual([`N must be an integer, got "${value}"`]);
    });

    it('accepts the bounds themselves and refuses one past each', () => {
      const env = createEnvReader({ LOW: '1', HIGH: '20', UNDER: '0', OVER: '21' });
      const bounds = { defaultValue: 4, min: 1, max: 20 };

      const values = ['LOW', 'HIGH', 'UNDER', 'OVER'].map((name) => env.integer(name, bounds));

      expect(values).toEqual([1, 20, 4, 4]);
      expect(problemsOf(env)).toEqual(['UNDER must be between 1 and 20, got 0', 'OVER must be between 1 and 20, got 21']);
    });

    it('names an open bound as infinite', () => {
      const env = createEnvReader({ LOW: '-1', HIGH: '11' });

      env.integer('LOW', { defaultValue: 0, min: 0 });
      env.integer('HIGH', { defaultValue: 0, max: 10 });

      expect(problemsOf(env)).toEqual(['LOW must be between 0 and ∞, got -1', 'HIGH must be between -∞ and 10, got 11']);
    });
  });

  describe('boolean', () => {
    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['On', true],
      ['false', false],
      ['0', false],
      ['NO', false],
      ['off', false],
    ])('reads %j as %s', (value, expected) => {
      const env = createEnvReader({ FLAG: value });

      expect(env.boolean('FLAG', !expected)).toBe(expected);
      expect(problemsOf(env)).toEqual([]);
    });

    it('uses the default when missing and refuses anything else', () => {
      const env = createEnvReader({ FLAG: 'maybe' });

      expect([env.boolean('ABSENT', true), env.boolean('FLAG', false)]).toEqual([true, false]);
      expect(problemsOf(env)).toEqual(['FLAG must be true or false, got "maybe"']);
    });
  });

  describe('oneOf', () => {
    it('accepts an allowed value exactly as spelt and refuses others, listing the choices', () => {
      const env = createEnvReader({ GOOD: 'mmdb', BAD: 'MMDB' });
      const allowed = ['none', 'ipstack', 'mmdb'] as const;

      expect([env.oneOf('GOOD', allowed, 'none'), env.oneOf('BAD', allowed, 'none'), env.oneOf('ABSENT', allowed, 'none')]).toEqual(['mmdb', 'none', 'none']);
      expect(problemsOf(env)).toEqual(['BAD must be one of none, ipstack, mmdb, got "MMDB"']);
    });
  });

  describe('assertValid', () => {
    it('throws one ConfigurationError listing every problem, its own checks included, in the order found', () => {
      const env = createEnvReader({ N: 'x', FLAG: 'perhaps' });
      env.integer('N', { defaultValue: 1 });
      env.requiredString('NAME');
      env.problem('URL must be https');
      env.boolean('FLAG', false);

      expect(() => env.assertValid()).toThrow(ConfigurationError);
      expect(problemsOf(env)).toEqual(['N must be an integer, got "x"', 'NAME is required', 'URL must be https', 'FLAG must be true or false, got "perhaps"']);
    });

    it('names every problem in the error message, one per line', () => {
      const env = createEnvReader({});
      env.requiredString('A');
      env.requiredString('B');

      expect(() => env.assertValid()).toThrow('invalid configuration:\n- A is required\n- B is required');
    });

    it('does not throw when nothing is wrong', () => {
      const env = createEnvReader({ A: 'a' });
      env.requiredString('A');

      expect(() => env.assertValid()).not.toThrow();
    });
  });
});
