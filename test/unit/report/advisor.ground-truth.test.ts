import { describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import type { SecurityGroupReport } from '../../../src/report/report-model.js';
import { proposedRules, type Proposal } from '../../../src/report/safety-check.js';
import { buildSecurityGroupReport } from '../../../src/report/security-group-report.js';
import { advisorGroundTruthSources, generateAdvisorGroundTruth, type AdvisorGroundTruth } from '../../support/advisor-ground-truth.js';
import { referenceAllowingRules } from '../../support/attribution-ground-truth.js';

const truth = generateAdvisorGroundTruth({ seed: 7 });
let cached: Promise<{ report: SecurityGroupReport; documents: Awaited<ReturnType<typeof enrichFlowLogs>> }> | undefined;

async function advise(): Promise<{ report: SecurityGroupReport; documents: Awaited<ReturnType<typeof enrichFlowLogs>> }> {
  cached ??= (async () => {
    const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
    return { report: buildSecurityGroupReport(documents, { rules: truth.rules, groupMembers: truth.groupMembers }), documents };
  })();
  return cached;
}

function proposalsOf(report: SecurityGroupReport, environment: AdvisorGroundTruth): Map<string, Proposal> {
  const rules = new Map(environment.rules.map((rule) => [rule.rule_id, rule]));
  const proposals = new Map<string, Proposal>();
  for (const recommendation of report.recommendations) {
    const rule = rules.get(recommendation.ruleId);
    if (rule !== undefined && (recommendation.verdict === 'remove' || recommendation.verdict === 'narrow')) proposals.set(rule.rule_id, { rule, replacement: recommendation.replacement ?? [] });
  }
  return proposals;
}

describe('the advisor on its ground-truth environment (three weeks, five groups, thousands of public clients)', () => {
  it.each([...truth.expected.keys()])('gives %s the verdict, reasons and replacement of the design', async (ruleId) => {
    // Act
    const { report } = await advise();
    // Assess
    const recommendation = report.recommendations.find((candidate) => candidate.ruleId === ruleId);
    const expected = truth.expected.get(ruleId);
    expect({ verdict: recommendation?.verdict, reasons: recommendation?.reasons, replacement: recommendation?.replacement, shadowedBy: recommendation?.shadowedBy }).toEqual({
      verdict: expected?.verdict,
      reasons: expected?.reasons,
      replacement: expected?.replacement,
      shadowedBy: expected?.shadowedBy,
    });
  });

  it('replays every accepted initiating flow of the window, and the proposed rules still allow all of them', async () => {
    // Act
    const { report } = await advise();
    // Assess
    expect(report.safetyCheck).toEqual({ flowsReplayed: truth.initiatingAccepted, flowsStillAllowed: truth.initiatingAccepted });
    expect(report.safetyCheckDetails).toMatchObject({ flowsNotKept: 0, flowsNotReproduced: 0, withdrawnRuleIds: [] });
  });

  it('leaves every accepted initiating flow allowed by the proposed rules, by an evaluator written apart from src/analysis', async () => {
    // Prepare
    const { report, documents } = await advise();
    const proposed = proposedRules(truth.rulesByGroup, proposalsOf(report, truth));
    const infos = new Map(truth.interfaces.map((info) => [info.interfaceId, info]));
    // Act
    const denied = documents.filter((document) => {
      if (document.rule_match !== 'matched') return false;
      const info = infos.get(document.interface_id ?? '');
      const direction = document.direction;
      if (info === undefined || (direction !== 'ingress' && direction !== 'egress')) return true;
      return referenceAllowingRules({ rulesByGroup: proposed, prefixLists: new Map(), groupMembers: truth.groupMembers }, info, direction, document).length === 0;
    });
    // Assess
    expect(documents.filter((document) => document.rule_match === 'matched')).toHaveLength(truth.initiatingAccepted);
    expect(denied).toEqual([]);
  });

  it('counts SSH and MySQL attempts the network ACL stopped as exposure, apart from accepted ones', async () => {
    // Act
    const { report } = await advise();
    // Assess
    expect(report.exposures.map(({ ruleId, port, reached, publicFlows, blockedAttempts, attempted }) => ({ ruleId, port, reached, publicFlows, blockedAttempts, attempted }))).toEqual([
      { ruleId: 'sgr-web-ssh-any', port: 22, reached: true, publicFlows: 64, blockedAttempts: 28, attempted: true },
      { ruleId: 'sgr-db-mysql-any', port: 3306, reached: false, publicFlows: 0, blockedAttempts: 12, attempted: true },
    ]);
  });

  it('puts exposure first, and says how much evidence each verdict rests on', async () => {
    // Act
    const { report } = await advise();
    // Assess
    expect(report.recommendations.slice(0, 2).map((recommendation) => recommendation.ruleId).sort()).toEqual(['sgr-db-mysql-any', 'sgr-web-ssh-any']);
    const byId = new Map(report.recommendations.map((recommendation) => [recommendation.ruleId, recommendation]));
    expect(byId.get('sgr-web-https')?.evidence.coveredDays).toBe(21);
    expect(byId.get('sgr-fresh-https')?.evidence.coveredDays).toBe(2);
    expect(byId.get('sgr-web-https')?.evidence.distinctPeers).toEqual({ value: 3_000, exact: true });
  });

  it('ranks top talkers exactly: every listed value is the true byte count of that peer', async () => {
    // Prepare
    const { report, documents } = await advise();
    const truthBytes = new Map<string, number>();
    for (const document of documents) {
      if (document.action !== 'ACCEPT' || !document.security_group_ids?.includes('sg-0web0000000000001')) continue;
      const peer = document.direction === 'ingress' ? document.srcaddr : document.dstaddr;
      if (peer !== undefined) truthBytes.set(peer, (truthBytes.get(peer) ?? 0) + (document.bytes ?? 0));
    }
    const trueTop = [...truthBytes].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 10);
    // Act
    const web = report.topTalkers.find((group) => group.groupId === 'sg-0web0000000000001');
    // Assess
    expect(web?.exact).toBe(true);
    expect(web?.items.map((item) => [item.key, item.value])).toEqual(trueTop);
  });
});
