import { describe, expect, it } from 'vitest';
import { attributeFlow } from '../../../src/analysis/attribute-flow.js';
import { compileSecurityGroupMatcher, UNRESOLVED_PEERS } from '../../../src/analysis/security-group-matcher.js';
import { flowDocument, securityGroupRule, without } from '../../support/ec2-builders.js';

const HTTPS_FROM_DOCS = securityGroupRule({ rule_id: 'sgr-https', from_port: 443, to_port: 443, peer: { kind: 'ipv4_cidr', cidr: '203.0.113.0/24' } });
const ALL_OUT = securityGroupRule({ rule_id: 'sgr-out', direction: 'egress', protocol: '-1', from_port: -1, to_port: -1, peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' } });
const ingress = compileSecurityGroupMatcher('ingress', [HTTPS_FROM_DOCS, ALL_OUT], UNRESOLVED_PEERS);
const egress = compileSecurityGroupMatcher('egress', [HTTPS_FROM_DOCS, ALL_OUT], UNRESOLVED_PEERS);

describe('attributeFlow', () => {
  it('names the rules that allowed an accepted initiating flow', () => {
    const flow = flowDocument({ tcp_flags: 2, srcport: 50123, dstport: 443 });

    expect(attributeFlow(flow, ingress)).toEqual({ ruleMatch: 'matched', ruleIds: ['sgr-https'], complete: true });
  });

  it('calls an accepted answer return traffic and credits no rule, even one it fits', () => {
    const answer = flowDocument({ srcaddr: '10.0.1.17', dstaddr: '203.0.113.25', srcport: 443, dstport: 50123, tcp_flags: 18 });

    expect(attributeFlow(answer, egress)).toEqual({ ruleMatch: 'return_traffic', ruleIds: [], complete: true });
  });

  it('tells return traffic by the ports when the record has no SYN', () => {
    const answer = flowDocument({ srcaddr: '10.0.1.17', dstaddr: '203.0.113.25', srcport: 443, dstport: 50123, tcp_flags: 0 });

    expect(attributeFlow(answer, egress)?.ruleMatch).toBe('return_traffic');
  });

  it('calls an accepted initiating flow that no current rule allows unmatched', () => {
    const flow = flowDocument({ srcaddr: '198.51.100.7', tcp_flags: 2, dstport: 443 });

    expect(attributeFlow(flow, ingress)).toEqual({ ruleMatch: 'unmatched', ruleIds: [], complete: true });
  });

  it('matches an accepted flow of unknown initiation, such as ICMP, against the rules', () => {
    const ping = flowDocument({ srcaddr: '10.0.1.17', dstaddr: '198.51.100.7', protocol: 1, srcport: 0, dstport: 0 });

    expect(attributeFlow(ping, egress)?.ruleMatch).toBe('matched');
    expect(attributeFlow({ ...ping, srcaddr: '198.51.100.7', dstaddr: '10.0.1.17' }, ingress)?.ruleMatch).toBe('unmatched');
  });

  it('says a rejected flow some rule allows was blocked elsewhere, with the rules', () => {
    const flow = flowDocument({ action: 'REJECT', tcp_flags: 2, dstport: 443 });

    expect(attributeFlow(flow, ingress)).toEqual({ ruleMatch: 'would_allow', ruleIds: ['sgr-https'], complete: true });
  });

  it('says no rule allows a rejected flow, whatever its initiation', () => {
    const answer = flowDocument({ action: 'REJECT', srcport: 443, dstport: 50123, tcp_flags: 18 });

    expect(attributeFlow(answer, ingress)).toEqual({ ruleMatch: 'no_rule', ruleIds: [], complete: true });
  });

  it('leaves out the verdict when no rule matched but some rule could not be evaluated', () => {
    const unresolved = compileSecurityGroupMatcher('ingress', [securityGroupRule({ rule_id: 'sgr-pl', peer: { kind: 'prefix_list', prefix_list_id: 'pl-1' } })], UNRESOLVED_PEERS);

    expect(attributeFlow(flowDocument({ tcp_flags: 2 }), unresolved)).toEqual({ ruleIds: [], complete: false });
  });

  it('attributes nothing to a record without an action', () => {
    const noData = without(flowDocument({ log_status: 'NODATA' }), 'action');

    expect(attributeFlow(noData, ingress)).toBeUndefined();
  });
});
