// The domain's vocabulary, shared by every layer: flow directions, what the rules say about a
// record, and the security concepts every engine asks about. Pure values and types; of ours it
// imports only src/net (the non-public networks).
export { FLOW_DIRECTIONS, FlowDirection, isFlowDirection } from './flow-direction.js';
export { isRuleMatch, RULE_MATCHES, RuleMatch } from './rule-match.js';
export {
  EXPOSED_SERVICE_PORTS,
  EXPOSURE_FLOWS,
  NON_PUBLIC_SOURCE_CIDRS,
  TOP_REJECTED_SOURCES,
  WHOLE_INTERNET_CIDRS,
  type ExposedServicePort,
} from './security-concepts.js';
export { sameScope, scopedKey, type LookupScope } from './lookup-scope.js';
