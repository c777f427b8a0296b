import { describe, expect, it } from 'vitest';
import { adviseSecurityGroups } from '../../../src/report/advisor.js';
import { createLedgerBuilder } from '../../../src/report/ledger-builder.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';

const HTTPS = reportRule();
const UNUSED = reportRule({ rule_id: 'sgr-0aaaaaaaaaaaaaaa3', from_port: 8443, to_port: 8443 });

/** Fifteen days of hourly HTTPS records on one interface of the group. */
function fifteenDays() {
  const builder = createLedgerBuilder({ rules: [HTTPS, UNUSED] });
  for (let hour = 0; hour < 15 * 24; hour += 1) builder.add(reportFlow({ start: hour * 3_600, end: hour * 3_600 + 60 }));
  return builder.ledger();
}

describe('adviseSecurityGroups', () => {
  it('removes a rule no flow used in fifteen covered days', () => {
    // Act
    const report = adviseSecurityGroups(fifteenDays(), { rules: [HTTPS, UNUSED] });
    // Assess
    expect(report.recommendations.find((recommendation) => recommendation.ruleId === UNUSED.rule_id)).toMatchObject({ verdict: 'remove', reasons: ['unused'], evidence: { coveredDays: 15 } });
  });

  it('never removes a rule while an interface of its group has no record at all: its flow log may be missing', () => {
    // Prepare
    const interfaces = new Map([
      ['eni-0aaaaaaaaaaaaaaa1', [HTTPS.group_id]],
      ['eni-0aaaaaaaaaaaaaaa2', [HTTPS.group_id]],
    ]);
    // Act
    const report = adviseSecurityGroups(fifteenDays(), { rules: [HTTPS, UNUSED], interfaces });
    // Assess
    const recommendation = report.recommendations.find((candidate) => candidate.ruleId === UNUSED.rule_id);
    expect(recommendation).toMatchObject({ verdict: 'review', reasons: ['insufficient_evidence'], evidence: { coveredDays: 0 } });
    expect(recommendation?.explanation).toContain('eni-0aaaaaaaaaaaaaaa2');
    expect(report.coverage.map(({ interfaceId, coveredDays }) => [interfaceId, coveredDays])).toEqual([
      ['eni-0aaaaaaaaaaaaaaa1', 15],
      ['eni-0aaaaaaaaaaaaaaa2', 0],
    ]);
  });

  it('does not narrow HTTPS from anywhere after one hour of a few visitors: not enough evidence, and said so', () => {
    // Prepare
    const builder = createLedgerBuilder({ rules: [HTTPS] });
    for (let index = 0; index < 40; index += 1) builder.add(reportFlow({ srcaddr: `203.0.113.${index}`, start: index * 60, end: index * 60 + 30 }));
    // Act
    const report = adviseSecurityGroups(builder.ledger(), { rules: [HTTPS] });
    // Assess
    expect(report.recommendations[0]).toMatchObject({ verdict: 'keep', reasons: ['insufficient_evidence'] });
    expect(report.overBroad).toEqual([]);
  });

  it('removes a rule that another group on every interface of its group already allows, naming the covering rule and saying it holds for today\'s attachments', () => {
    // Prepare: the web group allows HTTPS from the partner's /29, which it uses; the legacy group, on the same two interfaces, allows a /30 inside it.
    const web = reportRule({ peer: { kind: 'ipv4_cidr', cidr: '203.0.113.8/29' } });
    const partner = reportRule({ rule_id: 'sgr-0bbbbbbbbbbbbbbb1', group_id: 'sg-0bbbbbbbbbbbbbbb1', peer: { kind: 'ipv4_cidr', cidr: '203.0.113.8/30' } });
    const interfaces = new Map([
      ['eni-0aaaaaaaaaaaaaaa1', [web.group_id, partner.group_id]],
      ['eni-0aaaaaaaaaaaaaaa2', [partner.group_id, web.group_id]],
    ]);
    const builder = createLedgerBuilder({ rules: [web, partner] });
    for (let hour = 0; hour < 15 * 24; hour += 1) {
      for (const interfaceId of interfaces.keys()) builder.add(reportFlow({ interface_id: interfaceId, security_group_ids: [...(interfaces.get(interfaceId) ?? [])], start: hour * 3_600, end: hour * 3_600 + 60 }));
    }
    // Act
    const report = adviseSecurityGroups(builder.ledger(), { rules: [web, partner], interfaces });
    // Assess
    const recommendation = report.recommendations.find((candidate) => candidate.ruleId === partner.rule_id);
    expect(recommendation).toMatchObject({ verdict: 'remove', reasons: ['shadowed'], shadowedBy: [web.rule_id] });
    expect(recommendation?.explanation).toContain("today's attachments");
    expect(report.recommendations.find((candidate) => candidate.ruleId === web.rule_id)?.verdict).toBe('keep');
    expect(report.safetyCheck.flowsStillAllowed).toBe(report.safetyCheck.flowsReplayed);
  });

  it('keeps a rule when one interface of its group carries no other group that allows it', () => {
    // Prepare: as above, but the second interface carries the legacy group alone.
    const web = reportRule({ peer: { kind: 'ipv4_cidr', cidr: '203.0.113.8/29' } });
    const partner = reportRule({ rule_id: 'sgr-0bbbbbbbbbbbbbbb1', group_id: 'sg-0bbbbbbbbbbbbbbb1', peer: { kind: 'ipv4_cidr', cidr: '203.0.113.8/30' } });
    const interfaces = new Map([
      ['eni-0aaaaaaaaaaaaaaa1', [web.group_id, partner.group_id]],
      ['eni-0aaaaaaaaaaaaaaa2', [partner.group_id]],
    ]);
    const builder = createLedgerBuilder({ rules: [web, partner] });
    for (let hour = 0; hour < 15 * 24; hour += 1) {
      for (const interfaceId of interfaces.keys()) builder.add(reportFlow({ interface_id: interfaceId, security_group_ids: [...(interfaces.get(interfaceId) ?? [])], start: hour * 3_600, end: hour * 3_600 + 60 }));
    }
    // Act
    const report = adviseSecurityGroups(builder.ledger(), { rules: [web, partner], interfaces });
    // Assess
    expect(report.recommendations.find((candidate) => candidate.ruleId === partner.rule_id)?.reasons).not.toContain('shadowed');
    expect(report.recommendations.find((candidate) => candidate.ruleId === web.rule_id)?.verdict).toBe('keep');
  });
});
