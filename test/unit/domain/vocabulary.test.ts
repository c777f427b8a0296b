import { describe, expect, it } from 'vitest';
import { FLOW_DIRECTIONS, isFlowDirection } from '../../../src/domain/flow-direction.js';
import { isRuleMatch, RULE_MATCHES } from '../../../src/domain/rule-match.js';

describe('the domain vocabulary', () => {
  it('knows exactly the two directions of a flow and of a rule', () => {
    expect(FLOW_DIRECTIONS).toEqual(['ingress', 'egress']);
    expect(isFlowDirection('ingress') && isFlowDirection('egress')).toBe(true);
    expect([isFlowDirection('Ingress'), isFlowDirection('-'), isFlowDirection(undefined)]).toEqual([false, false, false]);
  });

  it('knows exactly the five rule_match values a document may carry', () => {
    expect(RULE_MATCHES).toEqual(['matched', 'return_traffic', 'unmatched', 'would_allow', 'no_rule']);
    expect(RULE_MATCHES.every(isRuleMatch)).toBe(true);
    expect([isRuleMatch('not_attributed'), isRuleMatch('MATCHED'), isRuleMatch(null)]).toEqual([false, false, false]);
  });
});
