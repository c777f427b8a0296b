import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENRICH_USAGE, parseEnrichArguments } from '../../../src/cli/enrich-command.js';
import { UsageError } from '../../../src/cli/cli-io.js';
import { flowLogLine } from '../../support/flow-log-builders.js';
import { ndjson, runCliWith, temporaryDirectory } from './cli-harness.js';

const SAMPLE = 'events/sample/flow-logs.log';
const INVENTORY = 'events/sample/inventory';
const GEO = 'mmdb:events/sample/geo-sample.mmdb';
const WEB_GROUP = 'sg-0a1b2c3d4e5f60101';
const DATABASE_GROUP = 'sg-0a1b2c3d4e5f60104';

type Document = Record<string, unknown>;

/** The id of the listed rule of a group whose description starts with `description`. */
function sampleRuleId(groupId: string, description: string): string {
  const { SecurityGroupRules: rules } = JSON.parse(readFileSync(`${INVENTORY}/security-group-rules.json`, 'utf8')) as {
    SecurityGroupRules: { SecurityGroupRuleId: string; GroupId: string; Description?: string }[];
  };
  const rule = rules.find((candidate) => candidate.GroupId === groupId && candidate.Description?.startsWith(description) === true);
  if (rule === undefined) throw new Error(`no rule "${description}" in ${groupId}`);
  return rule.SecurityGroupRuleId;
}

function firstWhere(documents: readonly Document[], predicate: (document: Document) => boolean): Document {
  const found = documents.find(predicate);
  if (found === undefined) throw new Error('no such document in the output');
  return found;
}

describe('enrich --inventory / --geo', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('enriches the bundled sample with groups, direction, rule attribution and geolocation, and exits 0', async () => {
    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY, '--geo', GEO]);

    // Assess
    const documents = ndjson(run.stdout);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const httpsIn = firstWhere(documents, (document) => document.interface_id === 'eni-0a1b2c3d4e5f60001' && document.dstport === 443 && document.srcaddr === '198.51.100.7');
    expect(httpsIn).toMatchObject({
      security_group_ids: [WEB_GROUP],
      security_group_names: ['web-servers'],
      vpc_id: 'vpc-0a1b2c3d4e5f60000',
      instance_id: 'i-0a1b2c3d4e5f60001',
      direction: 'ingress',
      rule_match: 'matched',
      security_group_rule_ids: [sampleRuleId(WEB_GROUP, 'HTTPS from anywhere')],
      src_geo: { country_code: 'US' },
    });
    expect(documents.some((document) => 'enrichment_issues' in document)).toBe(false);
  });

  it('attributes database traffic to the rule that references the app servers group by its members', async () => {
    const documents = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY])).stdout);

    const toDatabase = firstWhere(documents, (document) => document.interface_id === 'eni-0a1b2c3d4e5f60005' && document.dstport === 5432);

    expect(toDatabase).toMatchObject({ direction: 'ingress', rule_match: 'matched', security_group_rule_ids: [sampleRuleId(DATABASE_GROUP, 'PostgreSQL from the app servers')] });
  });

  it('keeps every parsed field and the order of the records across chunks', async () => {
    // Prepare: the sample has more records than one enrichment chunk.
    const plain = ndjson((await runCliWith(['enrich', SAMPLE])).stdout);

    // Act
    const enriched = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY, '--geo', GEO])).stdout);

    // Assess
    expect(plain.length).toBeGreaterThan(2_000);
    expect(enriched).toHaveLength(plain.length);
    enriched.forEach((document, index) => {
      expect(document).toMatchObject(plain[index] ?? {});
    });
  });

  it('lists the applicable security_group_rules with --rules only', async () => {
    const withRules = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY, '--rules'])).stdout);
    const withoutRules = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY])).stdout);

    const isHttpsIn = (document: Document): boolean => document.interface_id === 'eni-0a1b2c3d4e5f60001' && document.dstport === 443;
    expect(firstWhere(withRules, isHttpsIn).security_group_rules).toStrictEqual([
      expect.objectContaining({ group_id: WEB_GROUP, direction: 'ingress', from_port: 443 }),
      expect.objectContaining({ group_id: WEB_GROUP, direction: 'ingress', from_port: 443 }),
      expect.objectContaining({ group_id: WEB_GROUP, direction: 'ingress', from_port: 22 }),
      expect.objectContaining({ group_id: WEB_GROUP, direction: 'ingress', protocol: 'icmpv6' }),
    ]);
    expect(withoutRules.some((document) => 'security_group_rules' in document)).toBe(false);
  });

  it('leaves rule attribution out with --no-rules but keeps the interface fields', async () => {
    const documents = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', INVENTORY, '--no-rules'])).stdout);

    expect(documents.some((document) => 'rule_match' in document || 'security_group_rule_ids' in document)).toBe(false);
    expect(documents.filter((document) => document.log_status === 'OK').every((document) => Array.isArray(document.security_group_ids))).toBe(true);
  });

  it('attributes with rules derived from describe-security-groups output when no rules file is given', async () => {
    // Prepare
    files.write('enis.json', readFileSync(`${INVENTORY}/network-interfaces.json`));
    files.write('groups.json', readFileSync(`${INVENTORY}/security-groups.json`));

    // Act
    const documents = ndjson((await runCliWith(['enrich', SAMPLE, '--inventory', files.path('')])).stdout);

    // Assess
    const rejectedRdp = firstWhere(documents, (document) => document.dstport === 3389);
    const httpsIn = firstWhere(documents, (document) => document.interface_id === 'eni-0a1b2c3d4e5f60001' && document.dstport === 443);
    expect(rejectedRdp.rule_match).toBe('no_rule');
    expect(httpsIn).toMatchObject({ rule_match: 'matched', security_group_rule_ids: [`${WEB_GROUP}/ingress/0`] });
  });

  it('adds only the geolocation with --geo alone', async () => {
    const run = await runCliWith(['enrich', '--geo', GEO], `${flowLogLine({ srcaddr: '203.0.113.200', dstaddr: '10.0.0.220' })}\n`);

    const [document] = ndjson(run.stdout);
    expect(run.status).toBe(0);
    expect(document).toMatchObject({ src_geo: { country_code: 'JP' } });
    expect(document).not.toHaveProperty('security_group_ids');
    expect(document).not.toHaveProperty('dst_geo');
  });

  it('writes exactly the plain output with --geo none', async () => {
    const plain = await runCliWith(['enrich', SAMPLE]);

    const none = await runCliWith(['enrich', SAMPLE, '--geo', 'none']);

    expect(none.stdout).toBe(plain.stdout);
  });

  it('names an interface the inventory does not hold in enrichment_issues', async () => {
    const run = await runCliWith(['enrich', '--inventory', INVENTORY], `${flowLogLine({ 'interface-id': 'eni-0a1b2c3d4e5f69999' })}\n`);

    expect(ndjson(run.stdout)).toStrictEqual([expect.objectContaining({ interface_id: 'eni-0a1b2c3d4e5f69999', enrichment_issues: ['eni_not_found'] })]);
  });

  it('still reports bad lines as FILE:LINE and exits 1 while enriching the good ones', async () => {
    const file = files.write('flow.log', `${flowLogLine({ 'interface-id': 'eni-0a1b2c3d4e5f60003' })}\nnot a record\n`);

    const run = await runCliWith(['enrich', file, '--inventory', INVENTORY]);

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: `));
    expect(ndjson(run.stdout)).toStrictEqual([expect.objectContaining({ security_group_names: ['bastion'] })]);
  });

  it('warns on standard error about a JSON file of the inventory it does not recognise', async () => {
    files.write('enis.json', readFileSync(`${INVENTORY}/network-interfaces.json`));
    files.write('vpcs.json', '{"Vpcs": []}');

    const run = await runCliWith(['enrich', '--inventory', files.path('')], `${flowLogLine()}\n`);

    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`${files.path('vpcs.json')}: ignored, holds no NetworkInterfaces, SecurityGroups or SecurityGroupRules\n`);
  });

  it('exits 1 with one line naming the file and the entry of an inventory that is not AWS CLI output', async () => {
    const file = files.write('enis.json', '{"NetworkInterfaces":[{"foo":1}]}');

    const run = await runCliWith(['enrich', '--inventory', files.path('')], `${flowLogLine()}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: NetworkInterfaces[0] has no NetworkInterfaceId (expected aws ec2 describe-network-interfaces output)`);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('says once which groups the inventory has no rules for, flags their documents and exits 1', async () => {
    // Prepare: the rules of every group but the web servers'.
    const { SecurityGroupRules: rules } = JSON.parse(readFileSync(`${INVENTORY}/security-group-rules.json`, 'utf8')) as { SecurityGroupRules: { GroupId: string }[] };
    files.write('enis.json', readFileSync(`${INVENTORY}/network-interfaces.json`));
    files.write('rules.json', JSON.stringify({ SecurityGroupRules: rules.filter((rule) => rule.GroupId !== WEB_GROUP) }));

    // Act
    const run = await runCliWith(['enrich', SAMPLE, '--inventory', files.path('')]);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `vpc-flow-log-appender enrich: the inventory has no rules for ${WEB_GROUP}: add their aws ec2 describe-security-group-rules ` +
        '(or describe-security-groups) output to it; the documents affected say sg_rules_lookup_failed in enrichment_issues\n',
    );
    const webDocument = firstWhere(ndjson(run.stdout), (document) => document.interface_id === 'eni-0a1b2c3d4e5f60001' && document.dstport === 443);
    expect(webDocument.enrichment_issues).toContain('sg_rules_lookup_failed');
  });

  it('exits 1 with one line naming an inventory directory that cannot be read: a failure, not a usage mistake', async () => {
    const run = await runCliWith(['enrich', '--inventory', files.path('missing')], `${flowLogLine()}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot read the inventory directory');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('exits 1 with one line naming a geolocation database that cannot be read', async () => {
    const run = await runCliWith(['enrich', '--geo', `mmdb:${files.path('missing.mmdb')}`], `${flowLogLine()}\n`);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot read the geolocation database');
    expect(run.stderr).not.toContain('Usage:');
  });
});

describe('parseEnrichArguments', () => {
  it('reads --inventory, --geo mmdb:PATH, --rules', () => {
    const options = parseEnrichArguments(['a.log', '--inventory', 'inv', '--geo', 'mmdb:geo.mmdb', '--rules']);

    expect(options).toStrictEqual({ files: ['a.log'], inventory: 'inv', geoDatabase: 'geo.mmdb', listRules: true });
  });

  it('turns attribution off with --no-rules', () => {
    expect(parseEnrichArguments(['--inventory', 'inv', '--no-rules'])).toStrictEqual({ files: ['-'], inventory: 'inv', attributeRules: false });
  });

  it.each([
    [['--geo', 'maxmind']],
    [['--geo', 'mmdb:']],
    [['--rules']],
    [['--no-rules']],
    [['--inventory', 'inv', '--rules', '--no-rules']],
  ])('rejects %j as a usage error', (args) => {
    expect(() => parseEnrichArguments(args)).toThrow(UsageError);
  });

  it('documents every new option in the help', () => {
    for (const option of ['--inventory DIR', '--geo none|mmdb:PATH', '--rules', '--no-rules']) {
      expect(ENRICH_USAGE).toContain(option);
    }
  });
});
