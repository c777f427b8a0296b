import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOOKUP_ROLE_ARN_PATTERN, roleArnFor } from '../../src/config/lookup-accounts-config.js';
import { ec2NetworkInterface, ec2SecurityGroupRule } from '../support/ec2-builders.js';
import { pointClientsAt } from '../support/loopback-http.js';
import { startOrganizationsLoopbackServer, type OrganizationsLoopbackServer } from '../support/organizations-loopback-server.js';
import { startOrganisationEc2Server, startStsLoopbackServer, type OrganisationEc2Server, type StsLoopbackServer } from '../support/sts-loopback-server.js';
import { runCliWith, temporaryDirectory } from '../unit/cli/cli-harness.js';

const REGION = 'us-east-1';
const OWN_ACCOUNT = '999999999999';
const MEMBERS = ['111111111111', '222222222222', '333333333333'] as const;
const WITHOUT_ROLE = '444444444444';
const EXTERNAL_ID = 'org-0a1b2c3d';

function groupOf(accountId: string): string {
  return `sg-0${accountId.slice(0, 1).repeat(16)}`;
}

function interfaceOf(accountId: string): string {
  return `eni-0${accountId.slice(0, 1).repeat(16)}`;
}

/** Each account: one interface in one group with one HTTPS rule; the first member's group also admits the second's group through peering. */
function inventoryOf(accountId: string) {
  const groupId = groupOf(accountId);
  const rules = [ec2SecurityGroupRule({ SecurityGroupRuleId: `sgr-0${accountId.slice(0, 1).repeat(16)}`, GroupId: groupId, GroupOwnerId: accountId })];
  if (accountId === MEMBERS[0]) {
    rules.push(
      ec2SecurityGroupRule({
        SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa',
        GroupId: groupId,
        GroupOwnerId: accountId,
        CidrIpv4: undefined,
        ReferencedGroupInfo: { GroupId: groupOf(MEMBERS[1]), UserId: MEMBERS[1], VpcPeeringConnectionId: 'pcx-0a1b2c3d' },
      }),
    );
  }
  return {
    networkInterfaces: [ec2NetworkInterface({ NetworkInterfaceId: interfaceOf(accountId), OwnerId: accountId, PrivateIpAddress: `10.${accountId.slice(0, 1)}.0.17`, PrivateIpAddresses: [{ PrivateIpAddress: `10.${accountId.slice(0, 1)}.0.17`, Primary: true }], Groups: [{ GroupId: groupId, GroupName: 'web' }] })],
    securityGroups: [{ GroupId: groupId, GroupName: 'web', OwnerId: accountId, VpcId: 'vpc-0a1b2c3d', IpPermissions: [], IpPermissionsEgress: [] }],
    securityGroupRules: rules,
  };
}

describe('snapshot and report --live across accounts (STS and EC2 on loopback)', () => {
  let sts: StsLoopbackServer;
  let ec2: OrganisationEc2Server;
  let output: ReturnType<typeof temporaryDirectory>;
  const restores: (() => void)[] = [];
  const roleOptions = ['--role-arn-pattern', DEFAULT_LOOKUP_ROLE_ARN_PATTERN, '--external-id', EXTERNAL_ID];

  beforeEach(async () => {
    sts = await startStsLoopbackServer({
      ownAccountId: OWN_ACCOUNT,
      ownAccessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      roles: Object.fromEntries(MEMBERS.map((accountId) => [accountId, roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })])),
      externalId: EXTERNAL_ID,
      clock: { now: () => Date.now() },
    });
    ec2 = await startOrganisationEc2Server(sts, Object.fromEntries([OWN_ACCOUNT, ...MEMBERS, WITHOUT_ROLE].map((accountId) => [accountId, inventoryOf(accountId)])));
    restores.push(pointClientsAt('STS', sts.url), pointClientsAt('EC2', ec2.url));
    output = temporaryDirectory();
  });
  afterEach(async () => {
    for (const restore of restores.splice(0)) restore();
    await ec2.close();
    await sts.close();
    output.remove();
  });

  it('snapshot --accounts saves each account, its own included, in DIR/ACCOUNT/ with that account\'s credentials', async () => {
    const run = await runCliWith(['snapshot', '--out', output.path('inventory'), ...roleOptions, '--accounts', [OWN_ACCOUNT, ...MEMBERS].join(',')]);

    expect(run.stderr).not.toContain('refused');
    expect(run.status).toBe(0);
    for (const accountId of [OWN_ACCOUNT, ...MEMBERS]) {
      const saved = JSON.parse(readFileSync(output.path(`inventory/${accountId}/network-interfaces.json`), 'utf8')) as { NetworkInterfaces: { NetworkInterfaceId: string }[] };
      expect(saved.NetworkInterfaces.map((item) => item.NetworkInterfaceId)).toEqual([interfaceOf(accountId)]);
    }
    expect(sts.calls.filter((call) => call.action === 'AssumeRole')).toHaveLength(3);
    expect(ec2.refusals).toEqual([]);
  });

  it('snapshot --accounts fails naming the account without the role and STS\'s answer, writing nothing', async () => {
    const run = await runCliWith(['snapshot', '--out', output.path('inventory'), ...roleOptions, '--accounts', `${MEMBERS[0]},${WITHOUT_ROLE}`]);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`account ${WITHOUT_ROLE}: EC2 refused`);
    expect(run.stderr).toContain('AccessDenied');
    expect(run.stderr).not.toContain(EXTERNAL_ID);
    expect(existsSync(output.path('inventory'))).toBe(false);
  });

  it('report --live --accounts judges the rules of every account read and says which rule allows another account\'s group', async () => {
    const lines = [MEMBERS[0], MEMBERS[1]].map((accountId) => `2 ${accountId} ${interfaceOf(accountId)} 203.0.113.9 10.${accountId.slice(0, 1)}.0.17 49152 443 6 10 840 1780000000 1780000060 ACCEPT OK`);

    const run = await runCliWith(['report', '--live', ...roleOptions, '--accounts', `${MEMBERS[0]},${MEMBERS[1]}`, '--format', 'json', '-'], `${lines.join('\n')}\n`);

    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { rules: { ruleId: string; flows?: number }[] };
    const ruleIds = report.rules.map((rule) => rule.ruleId);
    expect(ruleIds).toEqual(expect.arrayContaining(['sgr-01111111111111111', 'sgr-02222222222222222', 'sgr-0aaaaaaaaaaaaaaaa']));
    expect(ruleIds).not.toContain('sgr-03333333333333333');
    expect(run.stderr).toContain(`cross-account reference: sgr-0aaaaaaaaaaaaaaaa (${groupOf(MEMBERS[0])}, account ${MEMBERS[0]}) allows group ${groupOf(MEMBERS[1])} of account ${MEMBERS[1]} through pcx-0a1b2c3d, read`);
  });

  const recordOf = (accountId: string): string =>
    `2 ${accountId} ${interfaceOf(accountId)} 203.0.113.9 10.${accountId.slice(0, 1)}.0.17 49152 443 6 10 840 1780000000 1780000060 ACCEPT OK`;
  type EnrichedDocument = { account_id: string; interface_id: string; security_group_ids?: string[]; enrichment_issues?: string[] };

  it('enrich --live --role-arn-pattern looks each record up in its own account with that account\'s credentials', async () => {
    const accounts = [OWN_ACCOUNT, ...MEMBERS];
    const input = `${[...accounts, ...accounts].map(recordOf).join('\n')}\n`;

    const run = await runCliWith(['enrich', '--live', ...roleOptions, '-'], input);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const documents = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as EnrichedDocument);
    expect(documents.map((document) => document.account_id)).toEqual([...accounts, ...accounts]);
    for (const document of documents) {
      expect(document.security_group_ids).toEqual([groupOf(document.account_id)]);
      expect(document.enrichment_issues).toBeUndefined();
    }
    // One AssumeRole per member, however many records: the own account needs none.
    expect(sts.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params.RoleArn)).toEqual(
      MEMBERS.map((accountId) => roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId, region: REGION })),
    );
    for (const accountId of accounts) expect(ec2.accounts[accountId]?.calls.length, accountId).toBeGreaterThan(0);
    expect(ec2.refusals).toEqual([]);
  });

  it('enrich --live flags the records of an account without the role account_role_failed, names it once and exits 1', async () => {
    const input = `${[MEMBERS[0], WITHOUT_ROLE, WITHOUT_ROLE, MEMBERS[1]].map(recordOf).join('\n')}\n`;

    const run = await runCliWith(['enrich', '--live', ...roleOptions, '-'], input);

    expect(run.status).toBe(1);
    const documents = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as EnrichedDocument);
    expect(documents.map((document) => document.enrichment_issues ?? [])).toEqual([[], ['account_role_failed'], ['account_role_failed'], []]);
    expect(documents[0]?.security_group_ids).toEqual([groupOf(MEMBERS[0])]);
    expect(documents[3]?.security_group_ids).toEqual([groupOf(MEMBERS[1])]);
    const said = run.stderr.split('\n').filter((line) => line !== '');
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`account ${WITHOUT_ROLE}: cannot assume ${roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId: WITHOUT_ROLE, region: REGION })}: AccessDenied`);
    expect(said[0]).toContain('account_role_failed');
    expect(run.stderr).not.toContain(EXTERNAL_ID);
    expect(ec2.accounts[WITHOUT_ROLE]?.calls).toEqual([]);
  });

  it('enrich --live --accounts looks up only the accounts listed (and the caller\'s own); the others are flagged without an AssumeRole', async () => {
    const input = `${[OWN_ACCOUNT, MEMBERS[0], MEMBERS[2]].map(recordOf).join('\n')}\n`;

    const run = await runCliWith(['enrich', '--live', ...roleOptions, '--accounts', MEMBERS[0], '-'], input);

    expect(run.status).toBe(1);
    const documents = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as EnrichedDocument);
    expect(documents.map((document) => document.enrichment_issues ?? [])).toEqual([[], [], ['account_role_failed']]);
    expect(run.stderr).toContain(`account ${MEMBERS[2]}: not among the accounts to look up`);
    expect(sts.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params.RoleArn)).toEqual([roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId: MEMBERS[0], region: REGION })]);
  });

  it('refuses --accounts without --role-arn-pattern, and --role-arn-pattern without --live for report and enrich', async () => {
    const withoutPattern = await runCliWith(['snapshot', '--out', output.path('x'), '--accounts', MEMBERS[0]]);
    const withoutLive = await runCliWith(['report', '--inventory', output.path('x'), ...roleOptions, '--accounts', MEMBERS[0]]);

    expect(withoutPattern.status).toBe(2);
    expect(withoutPattern.stderr).toContain('--accounts needs --role-arn-pattern');
    expect(withoutLive.status).toBe(2);
    expect(withoutLive.stderr).toContain('--role-arn-pattern needs --live');
    const enrichWithoutLive = await runCliWith(['enrich', '--inventory', output.path('x'), ...roleOptions, '-'], '');
    expect(enrichWithoutLive.status).toBe(2);
    expect(enrichWithoutLive.stderr).toContain('--role-arn-pattern needs --live');
  });

  describe('--accounts organization (Organizations ListAccounts on loopback)', () => {
    const SUSPENDED = '555555555555';
    /** The own (management) account, three members with the role, one ACTIVE without it, one suspended; one answered with the retired Status only. */
    const ORGANIZATION = [
      { id: OWN_ACCOUNT, state: 'ACTIVE' },
      { id: MEMBERS[0], state: 'ACTIVE' },
      { id: SUSPENDED, state: 'SUSPENDED', status: 'SUSPENDED' },
      { id: MEMBERS[1], status: 'ACTIVE' },
      { id: WITHOUT_ROLE, state: 'ACTIVE' },
      { id: MEMBERS[2], state: 'ACTIVE' },
    ] as const;
    let organizations: OrganizationsLoopbackServer;
    const startOrganizations = async (refuse = false): Promise<void> => {
      organizations = await startOrganizationsLoopbackServer({ accounts: ORGANIZATION, refuse });
      restores.push(pointClientsAt('ORGANIZATIONS', organizations.url), () => void organizations.close());
    };

    it('snapshot saves every ACTIVE account whose role can be assumed, names the one whose role cannot and exits 1', async () => {
      await startOrganizations();

      const run = await runCliWith(['snapshot', '--out', output.path('inventory'), ...roleOptions, '--accounts', 'organization']);

      expect(run.status).toBe(1);
      for (const accountId of [OWN_ACCOUNT, ...MEMBERS]) expect(existsSync(output.path(`inventory/${accountId}/network-interfaces.json`)), accountId).toBe(true);
      for (const accountId of [WITHOUT_ROLE, SUSPENDED]) expect(existsSync(output.path(`inventory/${accountId}`)), accountId).toBe(false);
      expect(run.stderr).toContain(`snapshot: skipped account ${WITHOUT_ROLE}: cannot assume ${roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId: WITHOUT_ROLE, region: REGION })}: AccessDenied`);
      expect(run.stderr).not.toContain(SUSPENDED);
      // Every page read, the empty one before the last included; no role asked of the suspended account.
      expect(organizations.calls.map((call) => call.nextToken ?? 'first')).toEqual(['first', 'page-1', 'page-2', 'page-3']);
      expect(sts.calls.filter((call) => call.action === 'AssumeRole').map((call) => call.params.RoleArn)).not.toContain(
        roleArnFor(DEFAULT_LOOKUP_ROLE_ARN_PATTERN, { accountId: SUSPENDED, region: REGION }),
      );
    });

    it('report --live judges the rules of every account read, names the skipped one, and exits 0 only with --allow-refused-accounts', async () => {
      await startOrganizations();
      const input = `${[MEMBERS[0], MEMBERS[1]].map(recordOf).join('\n')}\n`;

      const strict = await runCliWith(['report', '--live', ...roleOptions, '--accounts', 'organization', '--format', 'json', '-'], input);
      const tolerant = await runCliWith(['report', '--live', ...roleOptions, '--accounts', 'organization', '--allow-refused-accounts', '--format', 'json', '-'], input);

      for (const run of [strict, tolerant]) {
        const report = JSON.parse(run.stdout) as { rules: { ruleId: string }[] };
        expect(report.rules.map((rule) => rule.ruleId)).toEqual(expect.arrayContaining(['sgr-01111111111111111', 'sgr-02222222222222222', 'sgr-03333333333333333']));
        expect(run.stderr).toContain(`report: skipped account ${WITHOUT_ROLE}: cannot assume`);
      }
      expect(strict.status).toBe(1);
      expect(tolerant.status).toBe(0);
    });

    it('an explicit --accounts list with --allow-refused-accounts skips the account without the role instead of failing', async () => {
      const run = await runCliWith(['snapshot', '--out', output.path('inventory'), ...roleOptions, '--accounts', `${MEMBERS[0]},${WITHOUT_ROLE}`, '--allow-refused-accounts']);

      expect(run.status).toBe(0);
      expect(existsSync(output.path(`inventory/${MEMBERS[0]}/network-interfaces.json`))).toBe(true);
      expect(run.stderr).toContain(`skipped account ${WITHOUT_ROLE}`);
    });

    it('enrich --live looks up only the organisation\'s ACTIVE accounts: a record of another account is flagged without an AssumeRole', async () => {
      await startOrganizations();
      const outsider = '666666666666';
      const input = `${[MEMBERS[1], outsider].map(recordOf).join('\n')}\n`;

      const run = await runCliWith(['enrich', '--live', ...roleOptions, '--accounts', 'organization', '-'], input);

      expect(run.status).toBe(1);
      const documents = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as EnrichedDocument);
      expect(documents.map((document) => document.enrichment_issues ?? [])).toEqual([[], ['account_role_failed']]);
      expect(run.stderr).toContain(`account ${outsider}: not among the accounts to look up`);
    });

    it('fails before reading any account when Organizations refuses, saying where ListAccounts answers', async () => {
      await startOrganizations(true);

      const run = await runCliWith(['snapshot', '--out', output.path('inventory'), ...roleOptions, '--accounts', 'organization']);

      expect(run.status).toBe(1);
      expect(run.stderr).toContain('ListAccounts failed (it answers in the organisation\'s management account or a delegated administrator\'s');
      expect(run.stderr).toContain('AccessDeniedException');
      expect(sts.calls.filter((call) => call.action === 'AssumeRole')).toEqual([]);
      expect(existsSync(output.path('inventory'))).toBe(false);
    });
  });
});
