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
});
