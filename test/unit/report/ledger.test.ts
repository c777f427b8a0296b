import { describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { adviseSecurityGroups } from '../../../src/report/advisor.js';
import { createLedgerBuilder } from '../../../src/report/ledger-builder.js';
import { LEDGER_FIELDS, RULE_LEDGER_FIELDS } from '../../../src/report/rule-ledger.js';
import { advisorGroundTruthSources, generateAdvisorGroundTruth } from '../../support/advisor-ground-truth.js';
import { generateAttributionGroundTruth, groundTruthSources } from '../../support/attribution-ground-truth.js';
import { handBuiltLedger, reportFlow, reportRule } from '../../support/report-builders.js';

describe('the ledger', () => {
  it('gives the same report whether built by the stream or by hand, on the advisor ground truth', async () => {
    // Prepare
    const truth = generateAdvisorGroundTruth({ seed: 3, publicClients: 500 });
    const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
    const builder = createLedgerBuilder({ rules: truth.rules });
    for (const document of documents) builder.add(document);
    const inventory = { rules: truth.rules, groupMembers: truth.groupMembers };
    // Act
    const fromStream = adviseSecurityGroups(builder.ledger(), inventory);
    const byHand = adviseSecurityGroups(handBuiltLedger(documents, truth.rules), inventory);
    // Assess
    expect(fromStream.recommendations.some((recommendation) => recommendation.verdict === 'narrow')).toBe(true);
    expect(fromStream).toEqual(byHand);
  });

  it('gives the same report whether built by the stream or by hand, on the attribution ground truth', async () => {
    // Prepare
    const truth = generateAttributionGroundTruth({ seed: 11, interfacesPerTier: 10, flows: 2_000 });
    const rules = [...truth.rulesByGroup.values()].flat();
    const documents = await enrichFlowLogs(truth.flows.map((flow) => ({ ...flow.document })), groundTruthSources(truth));
    const builder = createLedgerBuilder({ rules });
    for (const document of documents) builder.add(document);
    const inventory = { rules, groupMembers: truth.groupMembers, prefixLists: truth.prefixLists };
    // Act / Assess
    expect(adviseSecurityGroups(builder.ledger(), inventory, { minWindowDays: 0 })).toEqual(adviseSecurityGroups(handBuiltLedger(documents, rules), inventory, { minWindowDays: 0 }));
  });

  it('survives JSON: the advisor gives the same report from the serialised ledger', async () => {
    // Prepare
    const truth = generateAdvisorGroundTruth({ seed: 4, publicClients: 300 });
    const documents = await enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth));
    const builder = createLedgerBuilder({ rules: truth.rules });
    for (const document of documents) builder.add(document);
    const ledger = builder.ledger();
    // Act
    const revived = JSON.parse(JSON.stringify(ledger)) as typeof ledger;
    // Assess
    expect(revived).toEqual(ledger);
    expect(adviseSecurityGroups(revived, { rules: truth.rules, groupMembers: truth.groupMembers })).toEqual(adviseSecurityGroups(ledger, { rules: truth.rules, groupMembers: truth.groupMembers }));
  });

  it('names every field of a rule entry and of the ledger once, in the order it writes them', () => {
    // Prepare
    const builder = createLedgerBuilder({ rules: [reportRule()] });
    builder.add(reportFlow());
    // Act
    const ledger = builder.ledger();
    // Assess
    expect(Object.keys(ledger)).toEqual([...LEDGER_FIELDS]);
    expect(Object.keys(ledger.rules[0] ?? {})).toEqual([...RULE_LEDGER_FIELDS]);
  });

  it('counts NODATA and SKIPDATA records as coverage of their interface', () => {
    // Prepare
    const builder = createLedgerBuilder({ rules: [reportRule()] });
    const quiet = { interface_id: 'eni-0aaaaaaaaaaaaaaa1', start: 7_200, end: 7_260 } as const;
    // Act
    builder.add({ ...quiet, start: 0, end: 60 });
    builder.add({ ...quiet, start: 3_600, end: 3_660 });
    builder.add(quiet);
    builder.add({ interface_id: 'eni-0aaaaaaaaaaaaaaa1', start: 36_000, end: 36_060 });
    // Assess
    expect(builder.ledger().interfaces).toEqual([{ interfaceId: 'eni-0aaaaaaaaaaaaaaa1', groupIds: [], coveredHours: [[0, 2], [10, 10]] }]);
  });

  it('marks a rule whose distinct flows pass the replay bound as not replayable, and the advisor proposes no change to it', () => {
    // Prepare
    const rule = reportRule({ from_port: 22, to_port: 22 });
    const builder = createLedgerBuilder({ rules: [rule], limits: { replayTuplesPerRule: 3 } });
    // 20 days of SSH from five addresses of one /24: a narrowing the advisor would otherwise propose.
    for (let day = 0; day < 20; day += 1) {
      for (let hour = 0; hour < 24; hour += 1) {
        const start = day * 86_400 + hour * 3_600;
        builder.add(reportFlow({ srcaddr: `198.51.100.${(hour % 5) + 1}`, dstport: 22, start, end: start + 60, security_group_rule_ids: [rule.rule_id] }));
      }
    }
    // Act
    const ledger = builder.ledger();
    const report = adviseSecurityGroups(ledger, { rules: [rule] });
    // Assess
    expect(ledger.rules[0]?.replayComplete).toBe(false);
    // The first three peers fill the bound; the flows of the other two are not kept.
    const hoursOfLastTwoPeers = Array.from({ length: 24 }, (_, hour) => hour % 5).filter((peer) => peer >= 3).length;
    expect(ledger.replay.flowsNotKept).toBe(20 * hoursOfLastTwoPeers);
    expect(report.recommendations[0]).toMatchObject({ verdict: 'review', reasons: ['exposed_admin_port', 'over_broad_peers'] });
    expect(report.recommendations[0]?.replacement).toBeUndefined();
  });
});
