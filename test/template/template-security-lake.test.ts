import { describe, expect, it } from 'vitest';
import { loadDecoratorConfig } from '../../src/config/decorator-config.js';
import { asList, describeValue, objectAt, parameterValues, rulesRefusing, toRuntimeString, type CfnObject, type CfnValue, type ResolvedStack } from '../support/cloudformation.js';
import { describeStack, resourceOf, SAMPLE_PARAMETER_VALUES, stacks, template } from './template-fixtures.js';

const LAKE_BUCKET = SAMPLE_PARAMETER_VALUES['SecurityLakeBucketName'] as string;
const SOURCE_PREFIX = SAMPLE_PARAMETER_VALUES['SecurityLakeSourcePrefix'] as string;
/** A stack id as CloudFormation gives it: the stream's name is built from its last part. */
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/vpc-flow-log-appender/6f1e2d3c-4b5a-4987-8765-43210fedcba9';
const LAKE: Readonly<Record<string, string>> = {
  FlowLogSource: 'VpcToFirehose',
  VpcId: 'vpc-0123456789abcdef0',
  DestinationType: 'S3',
  OutputSchema: 'ocsf',
  S3RecordFormat: 'parquet',
  S3Layout: 'security-lake',
  SecurityLakeBucketName: LAKE_BUCKET,
  SecurityLakeSourcePrefix: SOURCE_PREFIX,
};

function s3Destination(stack: ResolvedStack): CfnObject {
  return objectAt(resourceOf(stack, 'DeliveryStream').Properties?.['ExtendedS3DestinationConfiguration'], 'S3 destination');
}

/** The decorator's environment as Lambda would see it. */
function decoratorEnvironment(stack: ResolvedStack): Record<string, string> {
  const variables = objectAt(objectAt(resourceOf(stack, 'DecoratorFunction').Properties?.['Environment'], 'Environment')['Variables'], 'Variables');
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, toRuntimeString(value, stack.values)]));
}

function runtime(value: CfnValue | undefined, stack: ResolvedStack): string {
  return toRuntimeString(value ?? null, { ...stack.values, 'AWS::StackId': STACK_ID });
}

function roleStatements(stack: ResolvedStack): CfnObject[] {
  return asList(resourceOf(stack, 'DeliveryStreamRole').Properties?.['Policies']).flatMap((policy) =>
    asList(objectAt(objectAt(policy, 'policy')['PolicyDocument'], 'document')['Statement']).map((statement) => objectAt(statement, 'statement')),
  );
}

function statement(stack: ResolvedStack, sid: string): CfnObject | undefined {
  return roleStatements(stack).find((candidate) => candidate['Sid'] === sid);
}

/** Whether an IAM resource pattern with a trailing `*` covers a key. */
function covers(pattern: string, arn: string): boolean {
  return pattern.endsWith('*') ? arn.startsWith(pattern.slice(0, -1)) : arn === pattern;
}

const withS3 = stacks.filter((stack) => stack.values['DestinationType'] === 'S3');
const lake = withS3.filter((stack) => stack.values['S3Layout'] === 'security-lake');
const stackBucket = withS3.filter((stack) => stack.values['S3Layout'] !== 'security-lake');

describe('template.yaml Security Lake layout', () => {
  it('tries the layout with and without a KMS key, from every flow-log source', () => {
    expect(new Set(lake.map((stack) => stack.values['SecurityLakeKmsKeyArn']))).toEqual(new Set(['', SAMPLE_PARAMETER_VALUES['SecurityLakeKmsKeyArn']]));
    expect(new Set(lake.map((stack) => stack.values['FlowLogSource']))).toEqual(new Set(['ExistingLogGroup', 'VpcToLogGroup', 'VpcToFirehose']));
  });

  it.each([
    ['native documents', { OutputSchema: 'native' }],
    ['JSON lines', { S3RecordFormat: 'json' }],
    ['the OpenSearch destination', { DestinationType: 'OpenSearch' }],
    ['no bucket', { SecurityLakeBucketName: '' }],
    ['no source prefix', { SecurityLakeSourcePrefix: '' }],
    ['a scheduled report', { ReportSchedule: 'weekly', ReportEngine: 'athena' }],
    ['a CloudWatch Logs destination for other accounts, whose gzipped batches a split on newlines would break', { LogDestinationOrganizationId: 'o-a1b2c3d4e5' }],
    ['a CloudWatch Logs destination for listed accounts', { LogDestinationAccounts: '111111111111' }],
  ])('refuses the layout with %s', (_what, overrides) => {
    expect(rulesRefusing(template, parameterValues(template, { ...LAKE, ...overrides }))).toContain('SecurityLakeLayoutIsOcsfParquet');
  });

  it('accepts the layout as documented, and refuses its settings without it', () => {
    expect(rulesRefusing(template, parameterValues(template, LAKE))).toEqual([]);
    expect(rulesRefusing(template, parameterValues(template, { ...LAKE, S3Layout: 'stack-bucket' }))).toEqual(['SecurityLakeSettingsOnlyForTheLake']);
  });

  it("writes the lake's bucket under the custom source's prefix, partitioned by the decorator's region, accountId and eventDay keys", () => {
    for (const stack of lake) {
      const destination = s3Destination(stack);

      expect(runtime(destination['BucketARN'], stack), describeStack(stack)).toBe(`arn:aws:s3:::${LAKE_BUCKET}`);
      expect(runtime(destination['Prefix'], stack)).toBe(
        `${SOURCE_PREFIX}region=!{partitionKeyFromLambda:region}/accountId=!{partitionKeyFromLambda:accountId}/eventDay=!{partitionKeyFromLambda:eventDay}/`,
      );
      expect(destination['DynamicPartitioningConfiguration']).toEqual({ Enabled: true, RetryOptions: { DurationInSeconds: 300 } });
    }
  });

  it('keeps failed records in the lake bucket out of ext/, where Security Lake reads, one folder per error type', () => {
    for (const stack of lake) {
      const errors = runtime(s3Destination(stack)['ErrorOutputPrefix'], stack);

      expect(errors).toBe('vpc-flow-log-appender-errors/vpc-flow-log-appender/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/');
      expect(errors.startsWith('ext/')).toBe(false);
    }
  });

  it('splits packed records back into lines before the decorator, so that each record is one flow with its own partition', () => {
    for (const stack of lake) {
      const processors = asList(objectAt(s3Destination(stack)['ProcessingConfiguration'], 'processing')['Processors']).map((processor) => objectAt(processor, 'processor'));

      expect(processors.map((processor) => processor['Type'])).toEqual(['RecordDeAggregation', 'Lambda']);
      const parameters: Record<string, string> = Object.fromEntries(
        asList(processors[0]?.['Parameters']).map((parameter) => [describeValue(objectAt(parameter, 'parameter')['ParameterName'] ?? null), describeValue(objectAt(parameter, 'parameter')['ParameterValue'] ?? null)]),
      );
      expect(parameters['SubRecordType']).toBe('DELIMITED');
      expect(Buffer.from(parameters['Delimiter'] ?? '', 'base64').toString('utf8')).toBe('\n');
    }
    for (const stack of stackBucket) {
      const processors = asList(objectAt(s3Destination(stack)['ProcessingConfiguration'], 'processing')['Processors']).map((processor) => objectAt(processor, 'processor'));
      expect(processors.map((processor) => processor['Type']), describeStack(stack)).toEqual(['Lambda']);
    }
  });

  it('has the decorator return the Security Lake partition keys exactly when the stream partitions by them', () => {
    for (const stack of stacks) {
      const environment = decoratorEnvironment(stack);
      

      expect(loadDecoratorConfig(environment).s3Layout, describeStack(stack)).toBe(stack.values['S3Layout'] === 'security-lake' ? 'security-lake' : 'stack-bucket');
    }
  });

  it('names the stream with the layout, so that switching the layout replaces it (Firehose turns dynamic partitioning on at creation only)', () => {
    for (const stack of lake) {
      const name = runtime(resourceOf(stack, 'DeliveryStream').Properties?.['DeliveryStreamName'], stack);

      expect(name).toBe('vpc-flow-lake-6f1e2d3c-4b5a-4987-8765-43210fedcba9');
      expect(name).toMatch(/^[a-zA-Z0-9_.-]{1,64}$/);
    }
    for (const stack of stacks.filter((candidate) => candidate.values['S3Layout'] !== 'security-lake')) {
      expect(resourceOf(stack, 'DeliveryStream').Properties?.['DeliveryStreamName'], describeStack(stack)).toBeUndefined();
    }
  });

  it("lets the Firehose role write the lake's bucket only under the source's prefix and its own error prefix, and nothing of the stack's bucket", () => {
    for (const stack of lake) {
      const resources = asList(statement(stack, 'WriteBucket')?.['Resource']).map((resource) => runtime(resource, stack));
      const destination = s3Destination(stack);
      const written = [runtime(destination['Prefix'], stack), runtime(destination['ErrorOutputPrefix'], stack)].map((prefix) => `arn:aws:s3:::${LAKE_BUCKET}/${prefix}object`);

      expect(resources).toEqual([
        `arn:aws:s3:::${LAKE_BUCKET}`,
        `arn:aws:s3:::${LAKE_BUCKET}/${SOURCE_PREFIX}*`,
        `arn:aws:s3:::${LAKE_BUCKET}/vpc-flow-log-appender-errors/vpc-flow-log-appender/*`,
      ]);
      for (const key of written) expect(resources.some((pattern) => covers(pattern, key)), key).toBe(true);
      expect(resources.some((pattern) => covers(pattern, `arn:aws:s3:::${LAKE_BUCKET}/ext/another-source/object`))).toBe(false);
    }
  });

  it("uses the lake's KMS key through S3 for that bucket's two prefixes only, and only when one is given", () => {
    for (const stack of stacks) {
      const encrypt = statement(stack, 'EncryptLakeObjects');
      const key = stack.values['SecurityLakeKmsKeyArn'] ?? '';
      if (stack.values['S3Layout'] !== 'security-lake' || key === '') {
        expect(encrypt, describeStack(stack)).toBeUndefined();
        continue;
      }
      expect(encrypt?.['Action']).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(runtime(encrypt?.['Resource'], stack)).toBe(key);
      const condition = objectAt(encrypt?.['Condition'], 'condition');
      expect(runtime(objectAt(condition['StringEquals'], 'StringEquals')['kms:ViaService'], stack)).toBe('s3.us-east-1.amazonaws.com');
      expect(asList(objectAt(condition['StringLike'], 'StringLike')['kms:EncryptionContext:aws:s3:arn']).map((arn) => runtime(arn, stack))).toEqual([
        `arn:aws:s3:::${LAKE_BUCKET}`,
        `arn:aws:s3:::${LAKE_BUCKET}/${SOURCE_PREFIX}*`,
        `arn:aws:s3:::${LAKE_BUCKET}/vpc-flow-log-appender-errors/vpc-flow-log-appender/*`,
      ]);
      expect(runtime(objectAt(objectAt(s3Destination(stack)['EncryptionConfiguration'], 'encryption')['KMSEncryptionConfig'], 'kms')['AWSKMSKeyARN'], stack)).toBe(key);
    }
  });

  it("creates no named query over the stack's bucket, which holds no documents with the layout, and says where the documents go", () => {
    for (const stack of lake) {
      expect(Object.values(stack.resources).filter((resource) => resource.Type === 'AWS::Athena::NamedQuery'), describeStack(stack)).toEqual([]);
      expect(runtime(stack.outputs['SecurityLakeSourceLocation']?.Value, stack)).toBe(`s3://${LAKE_BUCKET}/${SOURCE_PREFIX}`);
      expect(stack.outputs['DeliveryStreamRoleArn']).toBeDefined();
    }
    for (const stack of stackBucket) expect(stack.outputs['SecurityLakeSourceLocation'], describeStack(stack)).toBeUndefined();
  });
});
