import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import { parseReportArguments } from '../../../src/cli/report-command.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import type { SecurityGroupReport } from '../../../src/report/report-model.js';
import { generateAttributionGroundTruth, groundTruthSources, type AttributionGroundTruth } from '../../support/attribution-ground-truth.js';
import { existsSync } from 'node:fs';
import { rollbackPathOf } from '../../../src/cli/report-command.js';
import { generateAdvisorGroundTruth } from '../../support/advisor-ground-truth.js';
import { groundTruthLogLine, GROUND_TRUTH_HEADER_LINE, groundTruthLogText, prefixListRuleIds, writeGroundTruthInventory } from '../../support/report-builders.js';
import { runCliWith, temporaryDirectory } from './cli-harness.js';

const truth: AttributionGroundTruth = generateAttributionGroundTruth({ seed: 11, interfacesPerTier: 12, flows: 2500 });

function unusedIds(report: SecurityGroupReport): string[] {
  return report.unused.flatMap((group) => group.rules.map((rule) => rule.ruleId)).sort();
}

describe('report command', () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    directory = temporaryDirectory();
    writeGroundTruthInventory(truth, directory.path('inventory'));
  });
  afterEach(() => directory.remove());

  it('writes the apply and rollback scripts of three weeks of records, and proposes nothing with a longer --min-window', async () => {
    // Prepare
    const advisorTruth = generateAdvisorGroundTruth({ seed: 2, publicClients: 300 });
    writeGroundTruthInventory({ ...advisorTruth, prefixLists: new Map() }, directory.path('advisor-inventory'));
    const logs = directory.write('advisor.log', `${GROUND_TRUTH_HEADER_LINE}\n${advisorTruth.documents.map(groundTruthLogLine).join('\n')}\n`);
    const out = directory.path('changes.sh');
    // Act
    const scripted = await runCliWith(['report', logs, '--inventory', directory.path('advisor-inventory'), '--format', 'cli', '--out', out]);
    const strict = await runCliWith(['report', logs, '--inventory', directory.path('advisor-inventory'), '--format', 'json', '--min-window', '30']);
    // Assess
    expect(scripted.stderr).toBe(`report: ${out} written (cli): 3,837 records, 17 rules, 9 changes proposed, 6 unused, 6 over-broad, 2 exposures\n`);
    expect(scripted.status).toBe(0);
    const apply = readFileSync(out, 'utf8');
    expect(apply).toContain('run aws ec2 revoke-security-group-ingress --group-id sg-0web0000000000001 --security-group-rule-ids sgr-web-ssh-any');
    expect(apply).toContain('"CidrIp":"198.51.100.8/29","Description":"SSH (temporary) (narrowed from sgr-web-ssh-any)"');
    expect(existsSync(rollbackPathOf(out))).toBe(true);
    const report = JSON.parse(strict.stdout) as SecurityGroupReport;
    expect(report.thresholds.minWindowDays).toBe(30);
    expect(report.recommendations.filter((recommendation) => recommendation.verdict === 'narrow' || recommendation.verdict === 'remove').map((recommendation) => recommendation.ruleId)).toEqual(['sgr-web-https-partner']);
  });

  it('lists exactly the unused and over-broad rules of the ground truth from raw flow logs', async () => {
    // Prepare
    const logs = directory.write('flows.log.gz', groundTruthLogText(truth), { gzip: true });
    // Act
    const run = await runCliWith(['report', logs, '--inventory', directory.path('inventory'), '--format', 'json', '--min-window', '0']);
    // Assess
    const report = JSON.parse(run.stdout) as SecurityGroupReport;
    expect(run.status).toBe(0);
    expect(unusedIds(report)).toEqual([...truth.unusedRuleIds].sort());
    expect(report.overBroad.map((rule) => rule.ruleId).sort()).toEqual([...truth.overBroadRuleIds].sort());
    expect(report.notJudged.unresolvedPeerRules.map((rule) => rule.ruleId).sort()).toEqual(prefixListRuleIds(truth));
  });

  it('takes enriched NDJSON as it is and gives the same answer', async () => {
    // Prepare
    const documents = await enrichFlowLogs(truth.flows.map((flow) => ({ ...flow.document })), groundTruthSources(truth));
    const input = directory.write('enriched.ndjson', documents.map((document) => JSON.stringify(document)).join('\n'));
    // Act
    const run = await runCliWith(['report', input, '--inventory', directory.path('inventory'), '--format', 'json', '--min-window', '0']);
    // Assess
    const report = JSON.parse(run.stdout) as SecurityGroupReport;
    expect(unusedIds(report)).toEqual([...truth.unusedRuleIds].sort());
    expect(report.overBroad.map((rule) => rule.ruleId).sort()).toEqual([...truth.overBroadRuleIds].sort());
    expect(report.totals.records).toBe(truth.flows.length);
  });

  it('attributes enriched documents that carry no rule_match', async () => {
    // Prepare
    const documents = truth.flows.map((flow) => ({ ...flow.document, security_group_ids: ['sg-stale'], security_group_rule_ids: ['sgr-stale'] }));
    const input = directory.write('enriched.ndjson', documents.map((document) => JSON.stringify(document)).join('\n'));
    const raw = directory.write('flows.log', groundTruthLogText(truth));
    // Act
    const run = await runCliWith(['report', input, '--inventory', directory.path('inventory'), '--format', 'json', '--min-window', '0']);
    // Assess
    const report = JSON.parse(run.stdout) as SecurityGroupReport;
    const fromRaw = JSON.parse((await runCliWith(['report', raw, '--inventory', directory.path('inventory'), '--format', 'json', '--min-window', '0'])).stdout) as SecurityGroupReport;
    expect(report.overBroad.map((rule) => rule.ruleId).sort()).toEqual([...truth.overBroadRuleIds].sort());
    expect(report.totals.byRuleMatch).toEqual(fromRaw.totals.byRuleMatch);
    expect(report.unknownRuleIds).toEqual([]);
  });

  it('reads raw records from standard input and writes Markdown by default', async () => {
    // Act
    const run = await runCliWith(['report', '--inventory', directory.path('inventory')], groundTruthLogText(truth));
    // Assess
    expect(run.stdout.startsWith('# Security-group report\n')).toBe(true);
    for (const ruleId of truth.unusedRuleIds) expect(run.stdout).toContain(ruleId);
  });

  it('writes the report to --out, nothing to standard output, and says where it went with a one-line summary', async () => {
    // Prepare
    const logs = directory.write('flows.log', groundTruthLogText(truth));
    const out = directory.path('report.html');
    // Act
    const run = await runCliWith(['report', logs, '--inventory', directory.path('inventory'), '--format', 'html', '--out', out]);
    // Assess
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`report: ${out} written (html): `)).toBe(true);
    expect(run.stderr).toMatch(/ [\d,]+ records, \d+ rules, \d+ changes? proposed, \d+ unused, \d+ over-broad, \d+ exposures\n$/);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('reports bad lines as INPUT:LINE, exits 1 and still writes the report', async () => {
    // Prepare
    const logs = directory.write('flows.log', `${groundTruthLogText(truth)}not a record\n`);
    // Act
    const run = await runCliWith(['report', logs, '--inventory', directory.path('inventory'), '--format', 'json', '--min-window', '0']);
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${logs}:${truth.flows.length + 2}:`);
    expect((JSON.parse(run.stdout) as SecurityGroupReport).totals.records).toBe(truth.flows.length);
  });

  it('keeps hostile values from enriched input out of the HTML markup', async () => {
    // Prepare
    const hostile = '<img src=x onerror="alert(1)">';
    const input = directory.write('hostile.ndjson', JSON.stringify({ action: 'REJECT', srcaddr: hostile, interface_id: 'eni-x', rule_match: 'no_rule' }));
    // Act
    const run = await runCliWith(['report', input, '--inventory', directory.path('inventory'), '--format', 'html']);
    // Assess
    expect(run.stdout).not.toContain(hostile);
    expect(run.stdout).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('exits 1 with one line, no usage, when the inventory directory cannot be read', async () => {
    // Act
    const run = await runCliWith(['report', '--inventory', directory.path('missing')], '');
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('vpc-flow-log-appender report: cannot read the inventory directory');
    expect(run.stderr).not.toContain('Usage:');
  });
});

describe('parseReportArguments', () => {
  it('defaults to Markdown on standard input', () => {
    // Act
    const options = parseReportArguments(['--inventory', 'inv']);
    // Assess
    expect(options).toEqual({ inputs: ['-'], inventory: 'inv', format: 'md' });
  });

  it('requires --inventory', () => {
    // Act / Assess
    expect(() => parseReportArguments(['a.log'])).toThrow(UsageError);
  });

  it('reads the advisor thresholds as numbers, and refuses anything else', () => {
    // Act / Assess
    expect(parseReportArguments(['--inventory', 'inv', '--min-window', '7', '--public-min-peers', '50', '--public-min-networks', '8', '--max-cidrs', '2', '--max-ports', '4'])).toMatchObject({
      thresholds: { minWindowDays: 7, publicServiceMinPeers: 50, publicServiceMinNetworks: 8, maxSuggestedCidrs: 2, maxNarrowedPorts: 4 },
    });
    expect(() => parseReportArguments(['--inventory', 'inv', '--min-window', 'two weeks'])).toThrow(/--min-window: expected a number/);
    expect(() => parseReportArguments(['--inventory', 'inv', '--max-cidrs', '0'])).toThrow(/--max-cidrs: expected a number of at least 1/);
  });

  it('needs --out for --format cli, and names the rollback beside it', () => {
    // Act / Assess
    expect(() => parseReportArguments(['--inventory', 'inv', '--format', 'cli'])).toThrow(/--format cli needs --out FILE/);
    expect(rollbackPathOf('changes.sh')).toBe('changes.rollback.sh');
    expect(rollbackPathOf('changes')).toBe('changes.rollback.sh');
  });

  it('refuses an unknown format', () => {
    // Act / Assess
    expect(() => parseReportArguments(['--inventory', 'inv', '--format', 'pdf'])).toThrow(/expected md, json, html or cli/);
  });

  it('refuses a bad --log-format', () => {
    // Act / Assess
    expect(() => parseReportArguments(['--inventory', 'inv', '--log-format', '${srcaddr'])).toThrow(UsageError);
  });

  it('answers help', () => {
    // Act / Assess
    expect(parseReportArguments(['--help'])).toBe('help');
  });
});
