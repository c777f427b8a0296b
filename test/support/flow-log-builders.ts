// Builders for flow-log text: a record is a map from AWS field name to the text AWS would write,
// with defaults for every catalogue field and documentation addresses for public peers.
import { DEFAULT_FORMAT, formatFromFieldNames, FLOW_LOG_FIELDS, type FlowLogFormat } from '../../src/flow-log/index.js';

/** The text of each field in a typical accepted TCP record, by AWS field name. */
export const SAMPLE_FIELD_TEXT: Readonly<Record<string, string>> = {
  version: '2',
  'account-id': '123456789010',
  'interface-id': 'eni-0a1b2c3d4e5f60001',
  srcaddr: '203.0.113.12',
  dstaddr: '10.0.1.5',
  srcport: '49152',
  dstport: '443',
  protocol: '6',
  packets: '10',
  bytes: '840',
  start: '1418530010',
  end: '1418530070',
  action: 'ACCEPT',
  'log-status': 'OK',
  'vpc-id': 'vpc-0a1b2c3d4e5f60001',
  'subnet-id': 'subnet-0a1b2c3d4e5f60001',
  'instance-id': 'i-0a1b2c3d4e5f60001',
  'tcp-flags': '19',
  type: 'IPv4',
  'pkt-srcaddr': '203.0.113.12',
  'pkt-dstaddr': '10.0.1.5',
  region: 'us-east-1',
  'az-id': 'use1-az1',
  'sublocation-type': 'outpost',
  'sublocation-id': 'op-0a1b2c3d4e5f60001',
  'pkt-src-aws-service': 'S3',
  'pkt-dst-aws-service': 'EC2',
  'flow-direction': 'ingress',
  'traffic-path': '8',
  'ecs-cluster-arn': 'arn:aws:ecs:us-east-1:123456789010:cluster/web',
  'ecs-cluster-name': 'web',
  'ecs-container-instance-arn': 'arn:aws:ecs:us-east-1:123456789010:container-instance/web/0a1b2c3d',
  'ecs-container-instance-id': '0a1b2c3d',
  'ecs-container-id': 'c0a1b2c3d4e5',
  'ecs-second-container-id': 'c5e4d3c2b1a0',
  'ecs-service-name': 'web-service',
  'ecs-task-definition-arn': 'arn:aws:ecs:us-east-1:123456789010:task-definition/web:3',
  'ecs-task-arn': 'arn:aws:ecs:us-east-1:123456789010:task/web/0a1b2c3d',
  'ecs-task-id': '0a1b2c3d',
  'reject-reason': 'BPA',
  'resource-id': 'nat-0a1b2c3d4e5f60001',
  'encryption-status': '1',
  'instance-tag': 'web',
  'instance-tag-2': 'production',
  'interface-tag': 'primary',
  'interface-tag-2': 'team%20a',
  'asg-tag': 'web-asg',
  'asg-tag-2': 'blue',
  'interface-type': 'nat_gateway',
  'next-hop-interface-id': 'eni-0a1b2c3d4e5f60002',
  'next-hop-subnet-id': 'subnet-0a1b2c3d4e5f60002',
  'next-hop-az-id': 'use1-az2',
  'next-hop-vpc-id': 'vpc-0a1b2c3d4e5f60002',
  'next-hop-interface-type': 'network_load_balancer',
};

/** Field names of the default format, in order. */
export const DEFAULT_FIELD_NAMES: readonly string[] = DEFAULT_FORMAT.fields.map((field) => field.name);

/** Every catalogue field, in the order of the AWS documentation table. */
export const ALL_FIELD_NAMES: readonly string[] = FLOW_LOG_FIELDS.map((field) => field.name);

export interface FlowLogLineOptions {
  /** The field names of the format, in order. Default: the default format. */
  readonly fields?: readonly string[];
  /** What goes between values. Default: one space. */
  readonly separator?: string;
}

/**
 * One record as AWS would write it: SAMPLE_FIELD_TEXT overridden by `values` (use '-' for an absent
 * field), for the fields of `options.fields`.
 *
 * @example flowLogLine({ action: 'REJECT' })
 */
export function flowLogLine(values: Readonly<Record<string, string>> = {}, options: FlowLogLineOptions = {}): string {
  const fields = options.fields ?? DEFAULT_FIELD_NAMES;
  return fields.map((name) => values[name] ?? SAMPLE_FIELD_TEXT[name] ?? `${name}-value`).join(options.separator ?? ' ');
}

/** A default-format NODATA or SKIPDATA record: only version, account, interface, times and status. */
export function noDataLine(status: 'NODATA' | 'SKIPDATA' = 'NODATA', values: Readonly<Record<string, string>> = {}): string {
  const absent = Object.fromEntries(
    ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action'].map((name) => [name, '-']),
  );
  return flowLogLine({ ...absent, 'log-status': status, ...values });
}

/** The S3 header line naming `fields`. */
export function headerLine(fields: readonly string[] = DEFAULT_FIELD_NAMES): string {
  return fields.join(' ');
}

/** A format of the given field names (unknown names become string fields). */
export function formatOf(fields: readonly string[]): FlowLogFormat {
  return formatFromFieldNames(fields);
}

/** The LogFormat string of the given field names. */
export function formatText(fields: readonly string[]): string {
  return fields.map((name) => `\${${name}}`).join(' ');
}
