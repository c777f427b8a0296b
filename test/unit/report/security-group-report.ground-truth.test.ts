import { describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { cidrContainsCidr, parseCidr } from '../../../src/net/index.js';
import { essentialBecause } from '../../../src/report/advisor.js';
import { buildSecurityGroupReport } from '../../../src/report/security-group-report.js';
import { generateAttributionGroundTruth, groundTruthSources, type AttributionGroundTruth } from '../../support/attribution-ground-truth.js';

async function reportOf(truth: AttributionGroundTruth): Promise<ReturnType<typeof buildSecurityGroupReport>> {
  const documents = await enrichFlowLogs(
    truth.flows.map((flow) => ({ ...flow.document })),
    groundTruthSources(truth),
  );
  // A few thousand records span minutes: judged as if that were enough evidence, to compare with the design.
  return buildSecurityGroupReport(documents, { rules: [...truth.rulesByGroup.values()].flat(), thresholds: { minWindowDays: 0 } });
}

describe('buildSecurityGroupReport on the attribution ground truth', () => {
  it.each([1, 2, 3])('lists exactly the unused rules the ground truth declares (seed %i)', async (seed) => {
    // Prepare
    const truth = generateAttributionGroundTruth({ seed, interfacesPerTier: 20, flows: 3000 });
    // Act
    const report = await reportOf(truth);
    // Assess
    expect(report.unused.flatMap((group) => group.rules.map((rule) => rule.ruleId)).sort()).toEqual([...truth.unusedRuleIds].sort());
    expect(report.notJudged.groupsWithoutRecords).toEqual([]);
  });

  it.each([1, 2, 3])('lists exactly the over-broad rules the ground truth declares, less the essential ICMPv6 rule (seed %i)', async (seed) => {
    // Prepare
    const truth = generateAttributionGroundTruth({ seed, interfacesPerTier: 20, flows: 3000 });
    const essential = new Set(truth.rules.filter(({ rule }) => essentialBecause(rule) !== undefined).map(({ rule }) => rule.rule_id));
    // Act
    const report = await reportOf(truth);
    // Assess
    expect(essential).toContain('sgr-web-icmpv6');
    expect(report.overBroad.map((rule) => rule.ruleId).sort()).toEqual([...truth.overBroadRuleIds].sort());
    expect([...truth.overBroadRuleIds].filter((ruleId) => essential.has(ruleId))).toEqual([]);
  });

  it('suggests CIDRs inside each over-broad rule that overlap its declared traffic only', async () => {
    // Prepare
    const truth = generateAttributionGroundTruth({ seed: 4, interfacesPerTier: 20, flows: 3000 });
    // Act
    const report = await reportOf(truth);
    // Assess
    for (const rule of report.overBroad) {
      const traffic = (truth.rules.find((candidate) => candidate.rule.rule_id === rule.ruleId)?.trafficCidrs ?? []).map((cidr) => parseCidr(cidr));
      const ruleBlock = parseCidr(rule.peer);
      for (const suggestion of rule.suggestedCidrs.map((cidr) => parseCidr(cidr))) {
        expect(suggestion !== undefined && ruleBlock !== undefined && cidrContainsCidr(ruleBlock, suggestion)).toBe(true);
        expect(traffic.some((block) => block !== undefined && suggestion !== undefined && (cidrContainsCidr(block, suggestion) || cidrContainsCidr(suggestion, block)))).toBe(true);
      }
    }
  });

  it('counts every flow the ground truth says a rule allowed', async () => {
    // Prepare
    const truth = generateAttributionGroundTruth({ seed: 5, interfacesPerTier: 20, flows: 3000 });
    const expected = new Map<string, number>();
    for (const flow of truth.flows) {
      if (flow.expected.ruleMatch !== 'matched') continue;
      for (const ruleId of flow.expected.ruleIds) expected.set(ruleId, (expected.get(ruleId) ?? 0) + 1);
    }
    // Act
    const report = await reportOf(truth);
    // Assess
    expect(Object.fromEntries(report.rules.filter((rule) => rule.flows > 0).map((rule) => [rule.ruleId, rule.flows]))).toEqual(Object.fromEntries(expected));
  });
});
