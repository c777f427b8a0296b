import { describe, expect, it } from 'vitest';
import { rulePeerReferences } from '../../../src/analysis/rule-peer-references.js';
import { securityGroupRule } from '../../support/ec2-builders.js';

describe('rulePeerReferences', () => {
  it('collects each prefix list and referenced group once, leaving CIDR peers out', () => {
    const rules = [
      securityGroupRule({ rule_id: 'sgr-1', peer: { kind: 'prefix_list', prefix_list_id: 'pl-1' } }),
      securityGroupRule({ rule_id: 'sgr-2', peer: { kind: 'security_group', group_id: 'sg-a' } }),
      securityGroupRule({ rule_id: 'sgr-3', peer: { kind: 'prefix_list', prefix_list_id: 'pl-1' } }),
      securityGroupRule({ rule_id: 'sgr-4', peer: { kind: 'ipv6_cidr', cidr: '::/0' } }),
    ];

    const references = rulePeerReferences(rules);

    expect([...references.prefixListIds]).toEqual(['pl-1']);
    expect([...references.securityGroupIds]).toEqual(['sg-a']);
  });
});
