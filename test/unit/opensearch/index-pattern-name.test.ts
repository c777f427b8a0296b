import { describe, expect, it } from 'vitest';
import { indexPatternProblems } from '../../../src/opensearch/index-pattern-name.js';

describe('indexPatternProblems', () => {
  it.each(['cwl-*', 'cwl', 'vpc-flow-logs-2026*', '0flows-*'])('accepts %s', (pattern) => {
    expect(indexPatternProblems(pattern)).toEqual([]);
  });

  it.each(['*', '*-cwl', '.opendistro*', '_all', '-cwl', '', 'cwl-*,other-*', 'cwl *', 'CWL-*'])('refuses %j', (pattern) => {
    expect(indexPatternProblems(pattern)).not.toEqual([]);
  });
});
