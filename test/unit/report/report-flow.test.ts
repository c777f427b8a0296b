import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFlowDirection } from '../../../src/domain/flow-direction.js';
import { isRuleMatch } from '../../../src/domain/rule-match.js';
import { toReportFlow } from '../../../src/report/report-flow.js';

describe('toReportFlow', () => {
  it('keeps the enrichment fields the report reads when they have the type the document schema gives them', () => {
    const flow = toReportFlow({
      security_group_ids: ['sg-1', 'sg-2'],
      security_group_names: ['web', ''],
      security_group_rule_ids: ['sgr-1'],
      direction: 'ingress',
      rule_match: 'would_allow',
      src_geo: { country_code: 'DE' },
    });

    expect(flow).toEqual({
      security_group_ids: ['sg-1', 'sg-2'],
      security_group_names: ['web', ''],
      security_group_rule_ids: ['sgr-1'],
      direction: 'ingress',
      rule_match: 'would_allow',
    });
  });

  it('drops a keyword outside its values or of another type, and the non-strings of a keyword list', () => {
    const flow = toReportFlow({
      security_group_ids: ['sg-1', 7, null, { id: 'sg-2' }],
      security_group_names: 'web',
      direction: 'sideways',
      rule_match: ['matched'],
    });

    expect(flow).toEqual({ security_group_ids: ['sg-1'] });
  });

  it('keeps only values of the types the decorator writes, whatever an untrusted line holds (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('security_group_ids', 'security_group_rule_ids', 'direction', 'rule_match', 'other'), fc.jsonValue()), (document) => {
        const flow = toReportFlow(document);

        expect('other' in flow).toBe(false);
        for (const key of ['security_group_ids', 'security_group_rule_ids'] as const) {
          const value = flow[key];
          if (value !== undefined) expect(value.every((item) => typeof item === 'string')).toBe(true);
        }
        if (flow.direction !== undefined) expect(isFlowDirection(flow.direction)).toBe(true);
        if (flow.rule_match !== undefined) expect(isRuleMatch(flow.rule_match)).toBe(true);
      }),
    );
  });
});
