// Security-group analysis: which rule allowed each flow. Pure; the look-ups it needs (rules,
// prefix-list entries, group members) are done by the caller through ports.
export { attributeFlow, type FlowToAttribute, type RuleAttribution } from './attribute-flow.js';
export { RuleMatch } from '../domain/rule-match.js';
export {
  classifyFlowInitiation,
  FlowInitiation,
  InitiationEvidence,
  KNOWN_SERVICE_PORTS,
  MAX_WELL_KNOWN_PORT,
  MIN_EPHEMERAL_PORT,
  type InitiationClassification,
} from './flow-initiation.js';
export { rulePeerReferences, type RulePeerReferences } from './rule-peer-references.js';
export { ALL_PROTOCOLS, destinationPortRange, IpProtocol, ruleProtocolNumber, type PortRange } from './rule-protocol.js';
export {
  compileSecurityGroupMatcher,
  flowPeerAddress,
  matchSecurityGroupRules,
  UNRESOLVED_PEERS,
  type FlowToMatch,
  type PeerResolvers,
  type RuleMatchResult,
  type SecurityGroupMatcher,
} from './security-group-matcher.js';
export {
  createInterfaceRuleMatchers,
  peerResolversFrom,
  type InterfaceRuleMatcher,
  type InterfaceRuleMatchers,
} from './interface-rule-matchers.js';
export { createInterfaceRules, securityGroupRulesForFlow, type InterfaceRules, type InterfaceRulesOf, type RulesByGroup } from './interface-rules.js';
