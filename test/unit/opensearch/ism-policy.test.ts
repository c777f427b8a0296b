import { describe, expect, it } from 'vitest';
import { buildRetentionPolicy } from '../../../src/opensearch/ism-policy.js';

describe('buildRetentionPolicy', () => {
  it('deletes an index once it is the given number of days old', () => {
    const { policy } = buildRetentionPolicy({ indexPattern: 'cwl-*', retentionDays: 7 });

    const start = policy.states.find((state) => state.name === policy.default_state);
    const target = policy.states.find((state) => state.name === start?.transitions[0]?.state_name);

    expect(start?.transitions).toEqual([{ state_name: 'delete', conditions: { min_index_age: '7d' } }]);
    expect(target?.actions).toEqual([{ delete: {} }]);
  });

  it('attaches itself to new indices of the pattern through ism_template', () => {
    const { policy } = buildRetentionPolicy({ indexPattern: 'flows-*', retentionDays: 30 });

    expect(policy.ism_template).toEqual([{ index_patterns: ['flows-*'], priority: 100 }]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %s days', (retentionDays) => {
    expect(() => buildRetentionPolicy({ indexPattern: 'cwl-*', retentionDays })).toThrow(RangeError);
  });
});
