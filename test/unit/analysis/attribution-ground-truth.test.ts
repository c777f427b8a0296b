import { describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { generateAttributionGroundTruth, groundTruthSources, Scenario, type AttributionGroundTruth } from '../../support/attribution-ground-truth.js';

/** Each flow's disagreement with the ground truth, as text; empty when attribution agrees on every flow. */
async function disagreements(truth: AttributionGroundTruth): Promise<string[]> {
  const documents = await enrichFlowLogs(
    truth.flows.map((flow) => ({ ...flow.document })),
    groundTruthSources(truth),
  );
  return truth.flows.flatMap((flow, index) => {
    const document = documents[index];
    const actual = { ruleMatch: document?.rule_match, ruleIds: [...(document?.security_group_rule_ids ?? [])].sort(), direction: document?.direction };
    const expected = { ...flow.expected, direction: flow.direction };
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${flow.scenario}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)} for ${JSON.stringify(flow.document)}`];
  });
}

const environments = new Map<number, AttributionGroundTruth>();
/** Each environment once: the reference evaluator behind the ground truth is slow on purpose (plain and obviously right). */
function environment(seed: number): AttributionGroundTruth {
  let truth = environments.get(seed);
  if (truth === undefined) environments.set(seed, (truth = generateAttributionGroundTruth({ seed, interfacesPerTier: 24, flows: 2500 })));
  return truth;
}

describe('rule attribution against the generated ground truth', () => {
  it.each([1, 2, 3])('agrees on every flow of environment %i', async (seed) => {
    const truth = environment(seed);

    expect(await disagreements(truth)).toEqual([]);
  });

  it('covers every scenario and every verdict, with overlaps, IPv6, prefix lists and group references', () => {
    const truth = environment(1);
    const scenarios = new Set(truth.flows.map((flow) => flow.scenario));
    const verdicts = new Set(truth.flows.map((flow) => flow.expected.ruleMatch));
    const usedRules = new Set(truth.flows.filter((flow) => flow.expected.ruleMatch === 'matched').flatMap((flow) => flow.expected.ruleIds));

    expect([...scenarios].sort()).toEqual(Object.values(Scenario).sort());
    expect([...verdicts].sort()).toEqual(['matched', 'no_rule', 'return_traffic', 'unmatched', 'would_allow']);
    expect(truth.flows.some((flow) => flow.expected.ruleIds.length > 1)).toBe(true);
    expect(truth.flows.some((flow) => flow.expected.ruleMatch === 'matched' && flow.document.srcaddr?.includes(':') === true)).toBe(true);
    expect([...usedRules].sort()).toEqual(truth.rules.filter((rule) => !rule.unused).map((rule) => rule.rule.rule_id).sort());
  });

  it('declares the unused and over-broad rules of its design', () => {
    const truth = generateAttributionGroundTruth({ seed: 1, interfacesPerTier: 6, flows: 300 });

    expect([...truth.unusedRuleIds].sort()).toEqual(['sgr-app-unused-snmp', 'sgr-web-unused-range']);
    expect([...truth.overBroadRuleIds].sort()).toEqual([
      'sgr-app-esp',
      'sgr-app-range-vpc',
      'sgr-app-udp-range',
      'sgr-mgmt-https-out',
      'sgr-web-all-out-v4',
      'sgr-web-all-out-v6',
      'sgr-web-https-any-v4',
      'sgr-web-https-any-v6',
      // Not sgr-web-icmpv6: ICMPv6 is essential (neighbour discovery, path MTU), never over-broad.
      'sgr-web-ping',
    ]);
  });
});
