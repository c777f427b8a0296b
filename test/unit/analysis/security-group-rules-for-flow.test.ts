import { describe, expect, it } from 'vitest';
import { securityGroupRulesForFlow } from '../../../src/analysis/interface-rules.js';
import { securityGroupRule } from '../../support/ec2-builders.js';

const sshIn = securityGroupRule({ rule_id: 'sgr-0000000000000ssh', direction: 'ingress', from_port: 22, to_port: 22 });
const httpsIn = securityGroupRule({ rule_id: 'sgr-00000000000https', direction: 'ingress' });
const allOut = securityGroupRule({
  rule_id: 'sgr-00000000000allout',
  direction: 'egress',
  protocol: '-1',
  from_port: -1,
  to_port: -1,
  peer: { kind: 'ipv4_cidr', cidr: '0.0.0.0/0' },
});
const selfIn = securityGroupRule({
  rule_id: 'sgr-0000000000000self',
  group_id: 'sg-0bbbbbbbbbbbbbbb2',
  direction: 'ingress',
  protocol: '-1',
  peer: { kind: 'security_group', group_id: 'sg-0bbbbbbbbbbbbbbb2', user_id: '123456789012' },
});

describe('securityGroupRulesForFlow', () => {
  it('keeps the ingress rules of every group for an ingress flow, in order', () => {
    const rules = securityGroupRulesForFlow('ingress', [sshIn, allOut, httpsIn, selfIn]);

    expect(rules).toEqual([sshIn, httpsIn, selfIn]);
  });

  it('keeps only the egress rules for an egress flow', () => {
    const rules = securityGroupRulesForFlow('egress', [sshIn, allOut, httpsIn]);

    expect(rules).toEqual([allOut]);
  });

  it('keeps every rule when the direction is unknown', () => {
    const rules = securityGroupRulesForFlow(undefined, [sshIn, allOut]);

    expect(rules).toEqual([sshIn, allOut]);
  });

  it('lists a rule once when it is passed twice', () => {
    const rules = securityGroupRulesForFlow('ingress', [sshIn, httpsIn, sshIn]);

    expect(rules.map((rule) => rule.rule_id)).toEqual(['sgr-0000000000000ssh', 'sgr-00000000000https']);
  });

  it('returns no rule for a direction the groups have no rule for', () => {
    expect(securityGroupRulesForFlow('egress', [sshIn, httpsIn])).toEqual([]);
  });
});
