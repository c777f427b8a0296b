import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_LIMITS } from '../../src/cli/invoke-command.js';
import { MAX_TRANSFORMATION_RESPONSE_BYTES } from '../../src/firehose/transformation/firehose-limits.js';
import { asList, describeValue, isObject, objectAt, toRuntimeString, type CfnObject, type CfnValue, type ResolvedStack } from '../support/cloudformation.js';
import { describeStack, resourceOf, stacks, template } from './template-fixtures.js';

/** Firehose waits at most 5 minutes for a transformation Lambda. https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html */
const MAX_FIREHOSE_TRANSFORMATION_TIMEOUT_SECONDS = 300;
/** A flow-log line grows about tenfold once enriched: the bound on the Lambda buffer hint that keeps responses far below the limit. */
const ENRICHMENT_GROWTH = 10;
/** ECS and OCSF documents are about 1.7 times native ones (npm run bench, decorator-schemas). */
const MAPPED_SCHEMA_GROWTH: Readonly<Record<string, number>> = { native: 1, ecs: 1.7, ocsf: 1.7 };

/** The buffer hint of each OutputSchema: the value itself, or the entries of the mapping it is looked up in. */
function bufferHintsBySchema(value: unknown): Record<string, number> {
  const lookup = isObject(value) ? value['Fn::FindInMap'] : undefined;
  if (!Array.isArray(lookup)) return { native: Number(value) };
  const [mapName, key, attribute] = lookup as unknown[];
  if (typeof mapName !== 'string' || typeof attribute !== 'string') throw new Error('Fn::FindInMap names its map and attribute');
  const mapping = (template as unknown as { Mappings: Record<string, Record<string, Record<string, unknown>>> }).Mappings[mapName] ?? {};
  expect(key).toEqual({ Ref: 'OutputSchema' });
  return Object.fromEntries(Object.entries(mapping).map(([schema, entry]) => [schema, Number(entry[attribute])]));
}

const FUNCTIONS = [
  { logicalId: 'IngestorFunction', bundle: 'ingestor' },
  { logicalId: 'DecoratorFunction', bundle: 'decorator' },
] as const;

function destinationsOf(stack: ResolvedStack): CfnObject {
  const properties = resourceOf(stack, 'DeliveryStream').Properties ?? {};
  return Object.fromEntries(Object.entries(properties).filter(([key]) => key.endsWith('DestinationConfiguration')));
}

function processorParameters(destination: CfnObject): Record<string, CfnValue> {
  const processing = objectAt(destination['ProcessingConfiguration'], 'ProcessingConfiguration');
  const processors = asList(processing['Processors']).map((processor) => objectAt(processor, 'processor'));
  expect(processing['Enabled']).toBe(true);
  // The Security Lake layout splits packed records into lines first (template-security-lake.test.ts).
  expect(processors.map((processor) => processor['Type'])).toEqual(processors.length === 1 ? ['Lambda'] : ['RecordDeAggregation', 'Lambda']);
  const processor = processors.at(-1) as CfnObject;
  return Object.fromEntries(
    asList(processor['Parameters']).map((parameter) => [describeValue(objectAt(parameter, 'parameter')['ParameterName'] ?? null), objectAt(parameter, 'parameter')['ParameterValue'] ?? null]),
  );
}

const withIngestor = stacks.filter((stack) => stack.resources['IngestorFunction'] !== undefined);

describe('template.yaml functions', () => {
  it.each(FUNCTIONS)('runs $logicalId on a supported Node.js runtime on arm64, built by the Makefile from its sources', ({ logicalId, bundle }) => {
    // Prepare
    const resource = template.Resources[logicalId];
    const makefile = readFileSync('Makefile', 'utf8');
    const buildScript = readFileSync('scripts/build.mjs', 'utf8');

    // Act
    const target = new RegExp(`^build-${logicalId}:\\n((?:\\t.*\\n)+)`, 'm').exec(makefile)?.[1] ?? '';

    // Assess
    expect(resource?.Properties).toMatchObject({ CodeUri: '.', Handler: 'index.handler', Architectures: ['arm64'] });
    expect(['nodejs22.x', 'nodejs24.x']).toContain(resource?.Properties?.['Runtime']);
    expect(resource?.Metadata).toEqual({ BuildMethod: 'makefile' });
    // Bundles its one function from the sources straight into SAM's artifact folder (no copy of dist/).
    expect(target.trim()).toBe(`node scripts/build.mjs --function ${bundle} --outdir "$(ARTIFACTS_DIR)"`);
    expect(buildScript).toMatch(new RegExp(`FUNCTIONS = \\[[^\\]]*'${bundle}'`));
    expect(existsSync(`${bundle}/index.ts`)).toBe(true);
  });

  it.each(FUNCTIONS)('gives $logicalId its own log group with a retention, created before it', ({ logicalId }) => {
    // Prepare
    const stack = withIngestor[0];
    if (stack === undefined) throw new Error('no deployment has an ingestor');
    const fn = resourceOf(stack, logicalId);
    const logGroupId = logicalId.replace(/Function$/, 'LogGroup');

    // Act
    const logGroup = resourceOf(stack, logGroupId).Properties ?? {};

    // Assess
    expect(toRuntimeString(logGroup['LogGroupName'] ?? null, stack.values)).toBe(`/aws/lambda/${toRuntimeString(fn.Properties?.['FunctionName'] ?? null, stack.values)}`);
    expect(logGroup['RetentionInDays']).toEqual({ Ref: 'LogRetentionInDays' });
    expect(fn.DependsOn).toBe(logGroupId);
  });

  it('keeps function names within Lambda\'s 64 characters for the configured stack name', () => {
    const stackName = /^stack_name = "([^"]+)"$/m.exec(readFileSync('samconfig.toml', 'utf8'))?.[1] ?? '';
    for (const { logicalId } of FUNCTIONS) {
      const name = toRuntimeString(template.Resources[logicalId]?.Properties?.['FunctionName'] ?? null, { 'AWS::StackName': stackName });
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toContain(stackName);
    }
  });

  it.each(FUNCTIONS)('gives $logicalId the memory and timeout vpc-flow-log-appender invoke runs it with', ({ logicalId, bundle }) => {
    const properties = template.Resources[logicalId]?.Properties ?? {};
    expect({ memorySizeMb: properties['MemorySize'], timeoutSeconds: properties['Timeout'] }).toEqual(FUNCTION_LIMITS[bundle]);
  });

  it('gives the decorator a timeout Firehose waits for, and the ingestor one well above its retry margin', () => {
    // Prepare
    const stack = withIngestor[0];
    if (stack === undefined) throw new Error('no deployment has an ingestor');
    const ingestor = resourceOf(stack, 'IngestorFunction').Properties ?? {};
    const decorator = resourceOf(stack, 'DecoratorFunction').Properties ?? {};
    const variables = objectAt(objectAt(ingestor['Environment'], 'Environment')['Variables'], 'Variables');

    // Act
    const marginMs = Number(toRuntimeString(variables['RETRY_TIME_MARGIN_MS'] ?? null, stack.values));

    // Assess
    expect(Number(decorator['Timeout'])).toBeLessThanOrEqual(MAX_FIREHOSE_TRANSFORMATION_TIMEOUT_SECONDS);
    expect(Number(ingestor['Timeout']) * 1000).toBeGreaterThanOrEqual(10 * marginMs);
  });

  it('retries failed asynchronous ingestor events a bounded number of times, then sends them to the encrypted queue', () => {
    for (const stack of withIngestor) {
      expect(resourceOf(stack, 'IngestorFunction').Properties?.['EventInvokeConfig'], describeStack(stack)).toEqual({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: expect.any(Number) as unknown,
        DestinationConfig: { OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['IngestorFailureQueue', 'Arn'] } } },
      });
    }
  });

  it('keeps every log group for a limited time', () => {
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.resources)) {
        if (resource.Type === 'AWS::Logs::LogGroup') expect(resource.Properties?.['RetentionInDays'], id).toEqual({ Ref: 'LogRetentionInDays' });
      }
    }
  });
});

describe('template.yaml delivery stream', () => {
  it('is a Direct PUT stream with exactly the destination the parameter chooses, in every combination', () => {
    for (const stack of stacks) {
      const expected = stack.values['DestinationType'] === 'S3' ? 'ExtendedS3DestinationConfiguration' : 'AmazonopensearchserviceDestinationConfiguration';
      expect(resourceOf(stack, 'DeliveryStream').Properties?.['DeliveryStreamType']).toBe('DirectPut');
      expect(Object.keys(destinationsOf(stack)), describeStack(stack)).toEqual([expected]);
    }
  });

  it('transforms every record with the decorator, on batches small enough for the response limit', () => {
    for (const stack of stacks) {
      for (const destination of Object.values(destinationsOf(stack))) {
        // Act
        const parameters = processorParameters(objectAt(destination, 'destination'));

        // Assess
        expect(parameters['LambdaArn']).toEqual({ 'Fn::GetAtt': ['DecoratorFunction', 'Arn'] });
        const hints = bufferHintsBySchema(parameters['BufferSizeInMBs']);
        expect(Object.keys(hints).sort()).toEqual(['ecs', 'native', 'ocsf']);
        for (const [schema, megabytes] of Object.entries(hints)) {
          expect(megabytes * 1024 * 1024 * ENRICHMENT_GROWTH * (MAPPED_SCHEMA_GROWTH[schema] ?? Number.NaN), schema).toBeLessThan(MAX_TRANSFORMATION_RESPONSE_BYTES);
        }
        expect(Number(parameters['BufferIntervalInSeconds'])).toBeGreaterThan(0);
      }
    }
  });

  it('indexes into the chosen domain under the cwl index rotated daily by default, backing up failures under distinct error prefixes', () => {
    for (const stack of stacks.filter((candidate) => candidate.values['DestinationType'] === 'OpenSearch')) {
      // Act
      const destination = objectAt(destinationsOf(stack)['AmazonopensearchserviceDestinationConfiguration'], 'OpenSearch destination');
      const backup = objectAt(destination['S3Configuration'], 'S3Configuration');

      // Assess
      expect(destination['DomainARN'], describeStack(stack)).toEqual(
        stack.values['ExistingOpenSearchDomainArn'] === '' ? { 'Fn::GetAtt': ['OpenSearchDomain', 'Arn'] } : { Ref: 'ExistingOpenSearchDomainArn' },
      );
      expect(destination).toMatchObject({ IndexName: { Ref: 'OpenSearchIndexName' }, IndexRotationPeriod: { Ref: 'OpenSearchIndexRotation' }, S3BackupMode: 'FailedDocumentsOnly' });
      expect(backup['BucketARN']).toEqual({ 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] });
      expect(backup['ErrorOutputPrefix']).toMatch(/^errors\/!\{firehose:error-output-type\}\//);
    }
    expect(template.Parameters['OpenSearchIndexName']?.Default).toBe('cwl');
    expect(template.Parameters['OpenSearchIndexRotation']?.Default).toBe('OneDay');
  });

  it('writes gzipped newline-delimited documents (or Parquet, compressed by itself) to S3, errors apart from documents', () => {
    // The Security Lake layout writes the lake's bucket instead (template-security-lake.test.ts).
    for (const stack of stacks.filter((candidate) => candidate.values['DestinationType'] === 'S3' && candidate.values['S3Layout'] !== 'security-lake')) {
      const destination = objectAt(destinationsOf(stack)['ExtendedS3DestinationConfiguration'], 'S3 destination');
      const parquet = stack.values['S3RecordFormat'] === 'parquet';
      expect(destination).toMatchObject({ CompressionFormat: parquet ? 'UNCOMPRESSED' : 'GZIP', BucketARN: { 'Fn::GetAtt': ['DeliveryBucket', 'Arn'] } });
      expect(destination['DataFormatConversionConfiguration'] !== undefined).toBe(parquet);
      expect(destination['Prefix']).toMatch(/^flow-logs\/.*!\{timestamp:/);
      expect(destination['ErrorOutputPrefix']).toMatch(/^errors\/!\{firehose:error-output-type\}\//);
    }
  });

  it('uses the same transformation whatever the destination', () => {
    const processing = Object.values(template.Resources['DeliveryStream']?.Properties ?? {})
      .filter(isObject)
      .map((configuration) => {
        const branches = configuration['Fn::If'];
        return Array.isArray(branches) && isObject(branches[1]) ? branches[1]['ProcessingConfiguration'] : undefined;
      })
      .filter((value) => value !== undefined);
    expect(processing).toHaveLength(2);
    // The same Lambda processor; S3 adds, for the Security Lake layout only, the de-aggregation before it.
    const [openSearch, s3] = processing.map((configuration) => asList(objectAt(configuration, 'ProcessingConfiguration')['Processors']));
    expect(s3?.slice(1)).toEqual(openSearch);
    expect(s3?.[0]).toMatchObject({ 'Fn::If': ['WriteSecurityLakeLayout', { Type: 'RecordDeAggregation' }, { Ref: 'AWS::NoValue' }] });
  });
});

describe('template.yaml flow-log sources', () => {
  it.each([
    ['ExistingLogGroup', { Ref: 'ExistingLogGroupName' }, undefined],
    ['VpcToLogGroup', { Ref: 'FlowLogLogGroup' }, 'VpcFlowLogToLogGroup'],
  ] as const)('subscribes the ingestor to the log group with %s', (source, logGroupName, flowLog) => {
    for (const stack of stacks.filter((candidate) => candidate.values['FlowLogSource'] === source)) {
      expect(resourceOf(stack, 'FlowLogSubscription').Properties).toEqual({
        LogGroupName: logGroupName,
        FilterPattern: '',
        DestinationArn: { 'Fn::GetAtt': ['IngestorFunction', 'Arn'] },
      });
      expect(Object.values(stack.resources).filter((resource) => resource.Type === 'AWS::EC2::FlowLog')).toEqual(flowLog === undefined ? [] : [stack.resources[flowLog]]);
    }
  });

  it('creates the flow log into its own log group through a delivery role, in the chosen format', () => {
    for (const stack of stacks.filter((candidate) => candidate.values['FlowLogSource'] === 'VpcToLogGroup')) {
      const flowLog = resourceOf(stack, 'VpcFlowLogToLogGroup').Properties ?? {};
      expect(flowLog).toMatchObject({
        ResourceType: 'VPC',
        ResourceId: { Ref: 'VpcId' },
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: 'FlowLogLogGroup' },
        DeliverLogsPermissionArn: { 'Fn::GetAtt': ['FlowLogDeliveryRole', 'Arn'] },
      });
      expect(flowLog['LogFormat'], describeStack(stack)).toEqual(stack.values['FlowLogFormat'] === '' ? undefined : { Ref: 'FlowLogFormat' });
    }
  });

  it('sends flow logs straight to the stream with no ingestor, the stream tagged for log delivery', () => {
    const direct = stacks.filter((candidate) => candidate.values['FlowLogSource'] === 'VpcToFirehose');
    expect(direct.length).toBeGreaterThan(0);
    for (const stack of direct) {
      expect(resourceOf(stack, 'VpcFlowLogToFirehose').Properties).toMatchObject({ LogDestinationType: 'kinesis-data-firehose', LogDestination: { 'Fn::GetAtt': ['DeliveryStream', 'Arn'] } });
      expect(Object.keys(stack.resources).filter((id) => id.startsWith('Ingestor') || id === 'FlowLogSubscription')).toEqual([]);
      expect(resourceOf(stack, 'DeliveryStream').Properties?.['Tags']).toEqual([{ Key: 'LogDeliveryEnabled', Value: 'true' }]);
    }
  });
});

describe('template.yaml outputs', () => {
  it('exports both function ARNs and gives the stream, bucket, queue and, with a created domain, the dashboards', () => {
    for (const stack of stacks) {
      // Prepare
      const expected = ['DecoratorFunctionArn', 'DecoratorRoleArn', 'DeliveryBucketName', 'DeliveryStreamArn', 'DeliveryStreamName'];
      if (stack.resources['LogDestination'] !== undefined) expected.push('LogDestinationArn');
      if (stack.resources['CrossAccountFirehoseDeliveryRole'] !== undefined) expected.push('CrossAccountFirehoseDeliveryRoleArn');
      if (stack.resources['IngestorFunction'] !== undefined) expected.push('IngestorFunctionArn', 'IngestorFailureQueueUrl');
      if (stack.resources['OpenSearchDomain'] !== undefined) expected.push('OpenSearchDashboardsUrl', 'OpenSearchDomainEndpoint');
      if (stack.values['DestinationType'] === 'OpenSearch') expected.push('OpenSearchSetupCommand');
      if (stack.resources['FlowLogLogGroup'] !== undefined) expected.push('FlowLogLogGroupName');
      if (stack.resources['SshRejectsTopic'] !== undefined) expected.push('SshRejectsTopicArn');
      if (stack.resources['AthenaWorkGroup'] !== undefined) expected.push('AthenaWorkGroupName', 'AthenaTable');
      if (stack.resources['ReporterFunction'] !== undefined) expected.push('ReporterFunctionArn', 'ReportTopicArn', 'ReportFailureQueueUrl');
      if (stack.values['DestinationType'] === 'S3' && stack.values['S3Layout'] === 'security-lake') expected.push('SecurityLakeSourceLocation', 'DeliveryStreamRoleArn');

      // Act
      const outputs = Object.keys(stack.outputs);

      // Assess
      expect(outputs.sort(), describeStack(stack)).toEqual(expected.sort());
      expect(stack.outputs['DecoratorFunctionArn']?.Export).toBeDefined();
      if (stack.resources['IngestorFunction'] !== undefined) expect(stack.outputs['IngestorFunctionArn']?.Export).toBeDefined();
    }
  });

  it('prints the opensearch setup command for the created domain, with the index pattern its rotation produces', () => {
    const value = JSON.stringify(template.Outputs['OpenSearchSetupCommand']?.Value);
    expect(value).toContain('opensearch setup --endpoint https://${OpenSearchDomain.DomainEndpoint}');
    expect(value).toContain('NoIndexRotation');
    expect(value).toContain('${OpenSearchIndexName}-*');
    // The template and dashboards must be the ones of the schema the decorator writes.
    expect(value).toContain('--schema ${OutputSchema}');
  });

  it('prints, for an existing domain, a setup command that asks the AWS CLI for the endpoint of the domain its ARN names', () => {
    const existing = stacks.filter((stack) => stack.values['DestinationType'] === 'OpenSearch' && stack.resources['OpenSearchDomain'] === undefined);
    expect(existing.length).toBeGreaterThan(0);
    for (const stack of existing) {
      // Act
      const command = toRuntimeString(stack.outputs['OpenSearchSetupCommand']?.Value ?? '', stack.values);
      // Assess
      const domainName = String(stack.values['ExistingOpenSearchDomainArn']).split('domain/')[1];
      expect(command, describeStack(stack)).toContain(`aws opensearch describe-domain --domain-name ${domainName} `);
      expect(command, describeStack(stack)).toMatch(/^npm run cli -- opensearch setup --endpoint "\$\(aws opensearch describe-domain .* --query DomainStatus\.Endpoint --output text\)" --region \S+ --index-pattern '\S+' --schema (native|ecs|ocsf)$/);
    }
  });

  it('points the dashboards output at the domain over HTTPS', () => {
    expect(template.Outputs['OpenSearchDashboardsUrl']?.Value).toEqual({ 'Fn::Sub': 'https://${OpenSearchDomain.DomainEndpoint}/_dashboards/' });
  });
});
