import { describe, expect, it } from 'vitest';
import { replayProposals, type Proposal } from '../../../src/report/safety-check.js';
import type { ReplayLedger } from '../../../src/report/rule-ledger.js';
import { reportRule } from '../../support/report-builders.js';

const SSH = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa2', from_port: 22, to_port: 22 });
const HTTPS = reportRule();
const GROUP = HTTPS.group_id;

function replayOf(tuples: { peer: string; port: number; flows: number }[]): ReplayLedger {
  return { groupSets: [[GROUP]], tuples: tuples.map(({ peer, port, flows }) => ({ groups: 0, direction: 'ingress', peer, protocol: 6, port, flows })), flowsNotKept: 0 };
}

describe('replayProposals', () => {
  it('keeps a proposal under which every replayed flow is still allowed', () => {
    // Prepare
    const proposals = new Map<string, Proposal>([[SSH.rule_id, { rule: SSH, replacement: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '198.51.100.0/29' }] }]]);
    // Act
    const result = replayProposals(replayOf([{ peer: '198.51.100.3', port: 22, flows: 5 }, { peer: '203.0.113.9', port: 443, flows: 2 }]), [HTTPS, SSH], proposals, {});
    // Assess
    expect(result).toEqual({ flowsReplayed: 7, flowsStillAllowed: 7, tuplesReplayed: 2, flowsNotReproduced: 0, withdrawnRuleIds: [] });
  });

  it('withdraws a proposal that would deny a replayed flow, and then counts that flow as still allowed', () => {
    // Prepare: a narrowing that forgets one office address, and a removal that would cut HTTPS.
    const proposals = new Map<string, Proposal>([
      [SSH.rule_id, { rule: SSH, replacement: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '198.51.100.0/30' }] }],
      [HTTPS.rule_id, { rule: HTTPS, replacement: [] }],
    ]);
    // Act
    const result = replayProposals(replayOf([{ peer: '198.51.100.3', port: 22, flows: 5 }, { peer: '198.51.100.6', port: 22, flows: 1 }, { peer: '203.0.113.9', port: 443, flows: 2 }]), [HTTPS, SSH], proposals, {});
    // Assess
    expect(result.withdrawnRuleIds).toEqual([HTTPS.rule_id, SSH.rule_id]);
    expect(result).toMatchObject({ flowsReplayed: 8, flowsStillAllowed: 8 });
  });

  it('withholds every change to a group whose flow the current rules no longer allow', () => {
    // Prepare
    const proposals = new Map<string, Proposal>([[SSH.rule_id, { rule: SSH, replacement: [] }]]);
    // Act: port 8443 fits no current rule (the rules changed since the record).
    const result = replayProposals(replayOf([{ peer: '198.51.100.3', port: 8443, flows: 3 }]), [HTTPS, SSH], proposals, {});
    // Assess
    expect(result).toEqual({ flowsReplayed: 0, flowsStillAllowed: 0, tuplesReplayed: 0, flowsNotReproduced: 3, withdrawnRuleIds: [SSH.rule_id] });
  });

  it('resolves a replacement that references a group through its members', () => {
    // Prepare
    const internal = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa3', from_port: 8080, to_port: 8080, peer: { kind: 'ipv4_cidr', cidr: '10.0.0.0/16' } });
    const proposals = new Map<string, Proposal>([[internal.rule_id, { rule: internal, replacement: [{ ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, referencedGroupId: 'sg-0web' }] }]]);
    const replay = replayOf([{ peer: '10.0.1.10', port: 8080, flows: 4 }]);
    // Act
    const withMembers = replayProposals(replay, [internal], proposals, { groupMembers: new Map([['sg-0web', ['10.0.1.10/32']]]) });
    const withoutMembers = replayProposals(replay, [internal], proposals, {});
    // Assess
    expect(withMembers.withdrawnRuleIds).toEqual([]);
    expect(withoutMembers.withdrawnRuleIds).toEqual([internal.rule_id]);
  });
});
