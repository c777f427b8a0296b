// The SAM translator's output, linted by cfn-lint, for every meaningful parameter set: each flow-log
// source x each destination (S3, a created domain, a created domain in a VPC, an existing domain) x
// each geolocation provider x the SSH Rejects alarm on and off, and the scheduled report (weekly and
// monthly, over the S3 destination it needs) with each source, and S3 with each output schema as
// JSON and as Parquet, and the Security Lake layout (with and without the lake's KMS key) from each source. cfn-lint gets each set's values, so it checks the deployed branch of every
// condition with real values, not the empty defaults.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadTemplate, parameterValues, rulesRefusing } from '../../support/cloudformation.js';
import { PROJECT_ROOT, pythonTool, pythonToolEnvironment } from '../support/python-tools.js';

interface ParameterSet {
  readonly name: string;
  readonly values: Readonly<Record<string, string>>;
}

interface SetResult {
  readonly name: string;
  readonly resources: number;
  readonly error: string | null;
  readonly findings: readonly string[];
}

const SOURCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ExistingLogGroup: { FlowLogSource: 'ExistingLogGroup', ExistingLogGroupName: '/vpc/flow-logs' },
  VpcToLogGroup: { FlowLogSource: 'VpcToLogGroup', VpcId: 'vpc-0123456789abcdef0' },
  VpcToFirehose: { FlowLogSource: 'VpcToFirehose', VpcId: 'vpc-0123456789abcdef0' },
};
const DESTINATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  S3: { DestinationType: 'S3' },
  CreatedDomain: { DestinationType: 'OpenSearch', OpenSearchAdminPrincipalArn: 'arn:aws:iam::123456789012:role/FlowLogAdministrator' },
  CreatedDomainInVpc: {
    DestinationType: 'OpenSearch',
    OpenSearchDomainSubnetIds: 'subnet-0123456789abcdef0',
    OpenSearchDomainSecurityGroupIds: 'sg-0123456789abcdef0,sg-0fedcba9876543210',
  },
  ExistingDomain: { DestinationType: 'OpenSearch', ExistingOpenSearchDomainArn: 'arn:aws:es:us-east-1:123456789012:domain/existing-flow-logs' },
};
const GEO_PROVIDERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  none: { GeoProvider: 'none' },
  ipstack: { GeoProvider: 'ipstack', IpstackApiKeyKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d' },
  mmdb: { GeoProvider: 'mmdb', GeoDatabaseLayerArn: 'arn:aws:lambda:us-east-1:123456789012:layer:geolite2-city:3' },
};
const ALARMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  noAlarm: { AlarmOnSshRejects: 'false' },
  alarm: { AlarmOnSshRejects: 'true', AlarmEmail: 'flow-log-alerts@example.com' },
};

const parameterSets: readonly ParameterSet[] = Object.entries(SOURCES).flatMap(([source, sourceValues]) =>
  Object.entries(DESTINATIONS).flatMap(([destination, destinationValues]) =>
    Object.entries(GEO_PROVIDERS).flatMap(([geo, geoValues]) =>
      Object.entries(ALARMS).map(([alarm, alarmValues]) => ({
        name: `${source}/${destination}/${geo}/${alarm}`,
        values: { ...sourceValues, ...destinationValues, ...geoValues, ...alarmValues },
      })),
    ),
  ),
).concat(
  Object.entries(SOURCES).flatMap(([source, sourceValues]) => [
    { name: `${source}/S3/weeklyReport`, values: { ...sourceValues, DestinationType: 'S3', RuleAttribution: 'true', ReportSchedule: 'weekly', ReportWindowInDays: '7' } },
    { name: `${source}/S3/monthlyReport`, values: { ...sourceValues, DestinationType: 'S3', RuleAttribution: 'true', ReportSchedule: 'monthly', ReportEmail: 'security-reports@example.com' } },
  ]),
  // Parquet on S3 and the schema of the documents (the Glue table's columns, its named queries).
  ['native', 'ecs', 'ocsf'].flatMap((schema) => [
    { name: `VpcToFirehose/S3/parquet/${schema}`, values: { ...SOURCES['VpcToFirehose'], DestinationType: 'S3', S3RecordFormat: 'parquet', OutputSchema: schema } },
    { name: `ExistingLogGroup/S3/json/${schema}`, values: { ...SOURCES['ExistingLogGroup'], DestinationType: 'S3', OutputSchema: schema } },
  ]),
  // The Security Lake layout: OCSF in Parquet in the lake's bucket, dynamic partitioning, de-aggregation.
  Object.entries(SOURCES).flatMap(([source, sourceValues]) =>
    [
      ['securityLake', ''],
      ['securityLakeWithKey', 'arn:aws:kms:us-east-1:123456789012:key/2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f'],
    ].map(([name, key]) => ({
      name: `${source}/S3/${name ?? ''}`,
      values: {
        ...sourceValues,
        DestinationType: 'S3',
        OutputSchema: 'ocsf',
        S3RecordFormat: 'parquet',
        S3Layout: 'security-lake',
        SecurityLakeBucketName: 'aws-security-data-lake-us-east-1-a1b2c3d4e5f6',
        SecurityLakeSourcePrefix: 'ext/vpc-flow-appender/1.0/',
        SecurityLakeKmsKeyArn: key ?? '',
      },
    })),
  ),
);

// One Python process translates every set and lints each distinct translation once with the values
// of every set that produced it: seconds in all, minutes with a process (or a lint) for each set.
const TRANSLATE_TIMEOUT_MS = 900_000;

function translateAndLint(sets: readonly ParameterSet[]): { readonly lintRuns: number; readonly sets: readonly SetResult[] } {
  const run = spawnSync(pythonTool('python'), ['test/integration/template/translate-and-lint.py'], {
    cwd: PROJECT_ROOT,
    env: pythonToolEnvironment(),
    input: JSON.stringify({ template: 'template.yaml', sets }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: TRANSLATE_TIMEOUT_MS,
  });
  if (run.status !== 0) throw new Error(`translate-and-lint.py exited with ${String(run.status)}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as { lintRuns: number; sets: SetResult[] };
}

describe('template.yaml through the SAM translator and cfn-lint', () => {
  it('enumerates only parameter sets the template\'s Rules accept', () => {
    const template = loadTemplate(`${PROJECT_ROOT}/template.yaml`);
    expect(parameterSets).toHaveLength(3 * 4 * 3 * 2 + 3 * 2 + 3 * 2 + 3 * 2);
    expect(parameterSets.filter((set) => rulesRefusing(template, parameterValues(template, set.values)).length > 0).map((set) => set.name)).toEqual([]);
  });

  it('translates every parameter set and cfn-lint finds nothing in any output', () => {
    // Act
    const output = translateAndLint(parameterSets);

    // Assess
    expect(output.sets.map((result) => result.name)).toEqual(parameterSets.map((set) => set.name));
    expect(output.sets.filter((result) => result.error !== null || result.findings.length > 0)).toEqual([]);
    for (const result of output.sets) expect(result.resources, result.name).toBeGreaterThan(10);
    // The translator keeps the template's conditions, so sets may share one translation (with SAM
    // 1.115 all of them do); cfn-lint still resolves each set's values in that one pass.
    expect(output.lintRuns).toBeGreaterThanOrEqual(1);
  }, TRANSLATE_TIMEOUT_MS);

  it('would report a parameter set that does not fit the template', () => {
    // Act
    const output = translateAndLint([{ name: 'unknown provider', values: { ...SOURCES['ExistingLogGroup'], GeoProvider: 'maxmind' } }]);

    // Assess
    expect(output.sets[0]?.findings.join('\n')).toMatch(/E2900.*maxmind/);
  }, TRANSLATE_TIMEOUT_MS);
});
