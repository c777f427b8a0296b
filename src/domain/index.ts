// The domain's vocabulary, shared by every layer: flow directions and what the rules say about a
// record. Pure values and types; imports nothing.
export { FLOW_DIRECTIONS, FlowDirection, isFlowDirection } from './flow-direction.js';
export { isRuleMatch, RULE_MATCHES, RuleMatch } from './rule-match.js';
