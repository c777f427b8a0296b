import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrichFlowLogs } from '../../../src/enrich/enrich-flow-logs.js';
import type { SecurityGroupRule } from '../../../src/ports.js';
import { renderCliScripts, shellQuote } from '../../../src/report/render-cli-script.js';
import type { SecurityGroupReport } from '../../../src/report/report-model.js';
import { proposedRules, type Proposal } from '../../../src/report/safety-check.js';
import { buildSecurityGroupReport } from '../../../src/report/security-group-report.js';
import { advisorGroundTruthSources, generateAdvisorGroundTruth } from '../../support/advisor-ground-truth.js';
import { reportFlow, reportRule } from '../../support/report-builders.js';

const truth = generateAdvisorGroundTruth({ seed: 5, publicClients: 400 });
let cached: Promise<SecurityGroupReport> | undefined;
const reportOfTruth = (): Promise<SecurityGroupReport> =>
  (cached ??= enrichFlowLogs(truth.documents.map((document) => ({ ...document })), advisorGroundTruthSources(truth)).then((documents) =>
    buildSecurityGroupReport(documents, { rules: truth.rules, groupMembers: truth.groupMembers }),
  ));

/** Shell words of a line the way bash reads the script's (bare or single-quoted, `'\''` inside). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index] as string;
    if (character === "'") {
      const end = line.indexOf("'", index + 1);
      word += line.slice(index + 1, end);
      index = end;
      inWord = true;
    } else if (character === '\\') {
      word += line[index + 1] ?? '';
      index += 1;
      inWord = true;
    } else if (character === ' ') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += character;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** A permission as a comparable text: protocol, ports and exactly one peer. */
type Permission = string;

interface IpPermission {
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  IpRanges?: { CidrIp: string }[];
  Ipv6Ranges?: { CidrIpv6: string }[];
  UserIdGroupPairs?: { GroupId: string }[];
  PrefixListIds?: { PrefixListId: string }[];
}

function permissionsOf(permission: IpPermission, direction: string): Permission[] {
  const peers = [
    ...(permission.IpRanges ?? []).map((range) => range.CidrIp),
    ...(permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => pair.GroupId),
    ...(permission.PrefixListIds ?? []).map((list) => list.PrefixListId),
  ];
  return peers.map((peer) => `${direction} ${permission.IpProtocol} ${permission.FromPort} ${permission.ToPort} ${peer}`);
}

function ruleAsPermission(rule: SecurityGroupRule): Permission {
  const { peer } = rule;
  const peerText = peer.kind === 'ipv4_cidr' || peer.kind === 'ipv6_cidr' ? peer.cidr : peer.kind === 'prefix_list' ? peer.prefix_list_id : peer.group_id;
  return `${rule.direction} ${rule.protocol} ${rule.from_port ?? -1} ${rule.to_port ?? -1} ${peerText}`;
}

/** Groups in memory, as EC2 keeps them: rules by id, each a permission; new rules get fresh ids. */
let next = 0;
function applyScript(script: string, groups: Map<string, Map<string, Permission>>): void {
  for (const line of script.split('\n')) {
    if (!line.startsWith('run aws ec2 ')) continue;
    const [, , , action = '', ...rest] = shellWords(line);
    const option = (name: string): string => rest[rest.indexOf(name) + 1] ?? '';
    const direction = action.endsWith('ingress') ? 'ingress' : 'egress';
    const group = groups.get(option('--group-id'));
    if (group === undefined) throw new Error(`unknown group in ${line}`);
    if (action.startsWith('authorize')) {
      for (const permission of (JSON.parse(option('--ip-permissions')) as IpPermission[]).flatMap((each) => permissionsOf(each, direction))) {
        if ([...group.values()].includes(permission)) throw new Error(`duplicate permission ${permission}`);
        group.set(`sgr-new-${(next += 1)}`, permission);
      }
    } else if (rest.includes('--security-group-rule-ids')) {
      const ruleId = option('--security-group-rule-ids');
      if (!group.delete(ruleId)) throw new Error(`no rule ${ruleId}`);
    } else {
      for (const permission of (JSON.parse(option('--ip-permissions')) as IpPermission[]).flatMap((each) => permissionsOf(each, direction))) {
        const id = [...group].find(([, known]) => known === permission)?.[0];
        if (id === undefined) throw new Error(`no permission ${permission}`);
        group.delete(id);
      }
    }
  }
}

function groupsOf(rulesByGroup: ReadonlyMap<string, readonly SecurityGroupRule[]>): Map<string, Map<string, Permission>> {
  return new Map([...rulesByGroup].map(([groupId, rules]) => [groupId, new Map(rules.map((rule) => [rule.rule_id, ruleAsPermission(rule)]))]));
}

function sortedPermissions(groups: ReadonlyMap<string, ReadonlyMap<string, Permission>>): Record<string, Permission[]> {
  return Object.fromEntries([...groups].map(([groupId, rules]) => [groupId, [...rules.values()].sort()]));
}

const temporary = mkdtempSync(join(tmpdir(), 'advisor-script-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

describe('renderCliScripts', () => {
  it('leaves each group with exactly the proposed rules once the apply script ran', async () => {
    // Prepare
    const report = await reportOfTruth();
    const groups = groupsOf(truth.rulesByGroup);
    const byId = new Map(truth.rules.map((rule) => [rule.rule_id, rule]));
    const proposals = new Map<string, Proposal>();
    for (const recommendation of report.recommendations) {
      const rule = byId.get(recommendation.ruleId);
      if (rule !== undefined && (recommendation.verdict === 'narrow' || recommendation.verdict === 'remove')) proposals.set(rule.rule_id, { rule, replacement: recommendation.replacement ?? [] });
    }
    const expected = new Map([...proposedRules(truth.rulesByGroup, proposals)].map(([groupId, rules]) => [groupId, new Map(rules.map((rule) => [rule.rule_id, ruleAsPermission(rule)]))]));
    // Act
    applyScript(renderCliScripts(report, truth.rules).apply, groups);
    // Assess
    expect(proposals.size).toBeGreaterThanOrEqual(8);
    expect(sortedPermissions(groups)).toEqual(sortedPermissions(expected));
  });

  it('restores every group as it was when the rollback runs after the apply script', async () => {
    // Prepare
    const report = await reportOfTruth();
    const groups = groupsOf(truth.rulesByGroup);
    const { apply, rollback } = renderCliScripts(report, truth.rules);
    // Act
    applyScript(apply, groups);
    applyScript(rollback, groups);
    // Assess
    expect(sortedPermissions(groups)).toEqual(sortedPermissions(groupsOf(truth.rulesByGroup)));
  });

  it('authorizes every replacement before it revokes any rule, and comments each change with its evidence', async () => {
    // Act
    const { apply } = renderCliScripts(await reportOfTruth(), truth.rules);
    // Assess
    const commands = apply.split('\n').filter((line) => line.startsWith('run aws ec2 '));
    const firstRevoke = commands.findIndex((line) => line.includes(' revoke-'));
    expect(commands.slice(firstRevoke).every((line) => line.includes(' revoke-'))).toBe(true);
    expect(apply).toMatch(/^set -euo pipefail$/m);
    expect(apply).toContain('# sgr-web-ssh-any in sg-0web0000000000001, ingress, "SSH (temporary)": narrow (exposed_admin_port, over_broad_peers)');
    expect(apply).toMatch(/# Evidence: 64 flows from 8 peers, first 2026-11-\d\dT[\d:]+Z, last 2026-11-\d\dT[\d:]+Z, 21 days covered\./);
  });

  it('runs nothing without --apply, and every command with it (bash, a fake aws on the PATH)', async () => {
    // Prepare
    const { apply } = renderCliScripts(await reportOfTruth(), truth.rules);
    const script = join(temporary, 'apply.sh');
    const calls = join(temporary, 'calls.log');
    writeFileSync(script, apply);
    writeFileSync(join(temporary, 'aws'), `#!/usr/bin/env bash\necho "$*" >> ${shellQuote(calls)}\n`);
    chmodSync(join(temporary, 'aws'), 0o755);
    writeFileSync(calls, '');
    const environment = { ...process.env, PATH: `${temporary}:${process.env.PATH ?? ''}` };
    // Act
    const dryRun = spawnSync('bash', [script], { env: environment, encoding: 'utf8' });
    const afterDryRun = readFileSync(calls, 'utf8');
    const applied = spawnSync('bash', [script, '--apply'], { env: environment, encoding: 'utf8' });
    // Assess
    expect(dryRun.status).toBe(0);
    expect(afterDryRun).toBe('');
    expect(dryRun.stderr).toContain('Dry run: nothing was changed');
    expect(applied.status).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(apply.split('\n').filter((line) => line.startsWith('run aws ec2 ')).length);
  });

  it('keeps a hostile description and rule id from breaking out of a comment, a quote or the JSON', () => {
    // Prepare
    const hostile = "x'; rm -rf / #\n$(reboot) \"quoted\"";
    const rule = reportRule({ rule_id: "sgr-0aaaa'$(id)", from_port: 8443, to_port: 8443, description: hostile });
    const report = buildSecurityGroupReport(
      Array.from({ length: 15 * 24 }, (_, hour) => reportFlow({ start: hour * 3_600, end: hour * 3_600 + 60, dstport: 443, security_group_rule_ids: ['sgr-0aaaaaaaaaaaaaaa1'] })),
      { rules: [reportRule(), rule] },
    );
    // Act
    const { apply, rollback } = renderCliScripts(report, [reportRule(), rule]);
    // Assess
    const header = renderCliScripts(buildSecurityGroupReport([], { rules: [] }), []).apply.split('\n');
    for (const script of [apply, rollback]) {
      for (const line of script.split('\n')) {
        if (line === '' || line.startsWith('# ') || header.includes(line)) continue;
        // Anything else is a command of exactly eight words: nothing escaped its quotes.
        expect(line.startsWith('run aws ec2 ') && shellWords(line).length === 8).toBe(true);
      }
    }
    expect(apply).toContain(`--security-group-rule-ids ${shellQuote("sgr-0aaaa'$(id)")}`);
    const authorize = rollback.split('\n').find((line) => line.startsWith('run aws ec2 authorize') && line.includes('8443'));
    const permissions = JSON.parse(shellWords(authorize ?? '').at(-1) ?? '[]') as { IpRanges: { Description: string }[] }[];
    expect(permissions[0]?.IpRanges[0]?.Description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/);
  });
});
