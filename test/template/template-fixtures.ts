// The project's template and the deployments the template tests look at.
import { loadTemplate, resolveStack, type CfnResource, type CfnTemplate, type ResolvedStack } from '../support/cloudformation.js';
import { combinationsWithIndependentDimensions, type IndependentDimension } from '../support/cloudformation-combinations.js';

export const template: CfnTemplate = loadTemplate('template.yaml');

/**
 * Realistic values for parameters that are empty by default, so each empty-means-off parameter is
 * also tried set. Documentation account id and example names only.
 */
export const SAMPLE_PARAMETER_VALUES: Readonly<Record<string, string>> = {
  ExistingLogGroupName: '/vpc/flow-logs',
  VpcId: 'vpc-0123456789abcdef0',
  FlowLogFormat:
    '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${tcp-flags} ${flow-direction}',
  ExistingOpenSearchDomainArn: 'arn:aws:es:us-east-1:123456789012:domain/existing-flow-logs',
  OpenSearchAdminPrincipalArn: 'arn:aws:iam::123456789012:role/FlowLogAdministrator',
  OpenSearchDomainSubnetIds: 'subnet-0123456789abcdef0',
  OpenSearchDomainSecurityGroupIds: 'sg-0123456789abcdef0,sg-0fedcba9876543210',
  IpstackApiKeyKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c9d-0e1f2a3b4c5d',
  GeoDatabaseLayerArn: 'arn:aws:lambda:us-east-1:123456789012:layer:geolite2-city:3',
  AlarmEmail: 'flow-log-alerts@example.com',
  AlarmTopicKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
  ReportEmail: 'security-reports@example.com',
  LookupRoleArnPattern: 'arn:aws:iam::{accountId}:role/vpc-flow-log-appender-lookup',
  LookupRoleExternalId: 'org-0a1b2c3d:flow-logs',
  LookupAccounts: '111111111111,222222222222',
  LogDestinationOrganizationId: 'o-a1b2c3d4e5',
  LogDestinationAccounts: '111111111111,222222222222',
  SecurityLakeBucketName: 'aws-security-data-lake-us-east-1-a1b2c3d4e5f6',
  SecurityLakeSourcePrefix: 'ext/vpc-flow-appender/1.0/',
  SecurityLakeKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
};

/**
 * Opt-in features enumerated apart from the product of the other parameters, so that each adds a
 * few dozen deployments rather than doubling them all. template-dimensions.test.ts checks that the
 * feature's resources depend on no other parameter.
 */
export const INDEPENDENT_DIMENSIONS: readonly IndependentDimension[] = [
  // The SSH Rejects alarm: on the flow-log log group (FlowLogSource), with a pattern for FlowLogFormat.
  // ExistingLogGroupName and VpcId go with FlowLogSource: the Rules refuse each with the wrong source.
  { parameters: ['AlarmOnSshRejects', 'AlarmEmail', 'AlarmTopicKmsKeyArn'], crossedWith: ['FlowLogSource', 'ExistingLogGroupName', 'VpcId', 'FlowLogFormat'] },
  // The created domain in a VPC: the domain (and its admin and reporter statements), the stream's
  // destination (and its tag for a direct flow log) and the Firehose role (whose S3 statements the
  // Security Lake layout shapes too).
  {
    parameters: ['OpenSearchDomainSubnetIds', 'OpenSearchDomainSecurityGroupIds'],
    crossedWith: [
      'DestinationType',
      'ExistingOpenSearchDomainArn',
      'OpenSearchAdminPrincipalArn',
      'ReportSchedule',
      'FlowLogSource',
      'ExistingLogGroupName',
      'VpcId',
      'S3RecordFormat',
      'OutputSchema',
      'S3Layout',
      'SecurityLakeBucketName',
      'SecurityLakeSourcePrefix',
      'SecurityLakeKmsKeyArn',
    ],
  },
  // The documents' schema and Parquet on S3 (issue 16): the Glue table, its named queries and the
  // stream's S3 destination, and the stream's and its role's other destination (OpenSearch, in a
  // VPC or not). FlowLogSource and its values go with them for the stream's tag. The Security Lake
  // layout is OCSF in Parquet on S3 (the Rules say so): its bucket, prefix and key belong here.
  {
    parameters: ['S3RecordFormat', 'OutputSchema', 'S3Layout', 'SecurityLakeBucketName', 'SecurityLakeSourcePrefix', 'SecurityLakeKmsKeyArn'],
    crossedWith: ['DestinationType', 'ExistingOpenSearchDomainArn', 'OpenSearchDomainSubnetIds', 'OpenSearchDomainSecurityGroupIds', 'FlowLogSource', 'ExistingLogGroupName', 'VpcId'],
  },
  // The scheduled report: the Rules allow it with rule attribution, over S3 or the public domain the
  // stack creates (whose access policy then admits the reporter: the domain's other parameters go
  // with it). FlowLogSource, ExistingLogGroupName and VpcId go with it so that the Rules allow the deployment.
  {
    parameters: ['ReportSchedule', 'ReportEmail', 'ReportEngine'],
    crossedWith: [
      'DestinationType',
      'RuleAttribution',
      'ExistingOpenSearchDomainArn',
      'OpenSearchAdminPrincipalArn',
      'OpenSearchDomainSubnetIds',
      'OpenSearchDomainSecurityGroupIds',
      'FlowLogSource',
      'ExistingLogGroupName',
      'VpcId',
    ],
  },
  // Several accounts (issue 17): the decorator's look-up role settings (LookupAccounts narrows the
  // roles it may assume) and the log destination.
  // The decorator's environment holds the pattern beside its geolocation and destination settings;
  // FlowLogSource and its values go with them so that the Rules allow the combinations.
  {
    parameters: ['LookupRoleArnPattern', 'LookupAccounts', 'LogDestinationOrganizationId', 'LogDestinationAccounts', 'CrossAccountFirehoseDelivery'],
    crossedWith: ['GeoProvider', 'GeoDatabaseLayerArn', 'DestinationType', 'FlowLogSource', 'ExistingLogGroupName', 'VpcId'],
  },
];

/** Every combination of the parameters conditions test (opt-in features as independent dimensions), each resolved to the stack it deploys. */
export const stacks: readonly ResolvedStack[] = combinationsWithIndependentDimensions(template, SAMPLE_PARAMETER_VALUES, INDEPENDENT_DIMENSIONS).map((combination) =>
  resolveStack(template, combination),
);

/** A resource of a resolved stack, or an error naming the deployment it is missing from. */
export function resourceOf(stack: ResolvedStack, logicalId: string): CfnResource {
  const resource = stack.resources[logicalId];
  if (resource === undefined) throw new Error(`${logicalId} is not deployed with ${JSON.stringify(stack.values)}`);
  return resource;
}

/** Short description of a deployment, for assertion messages. */
export function describeStack(stack: ResolvedStack): string {
  const { DestinationType, ExistingOpenSearchDomainArn, OpenSearchDomainSubnetIds, FlowLogSource, GeoProvider, RuleAttribution, SecurityGroupRules, AlarmOnSshRejects } = stack.values;
  return JSON.stringify({ DestinationType, ExistingOpenSearchDomainArn, OpenSearchDomainSubnetIds, FlowLogSource, GeoProvider, RuleAttribution, SecurityGroupRules, AlarmOnSshRejects });
}
