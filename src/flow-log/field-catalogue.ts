/**
 * Every field of VPC Flow Logs versions 2 to 11, with the version that introduced it and the
 * type its value takes in our document.
 *
 * Source: Amazon VPC User Guide, "Flow log records" (available fields), summarised with sources in
 * ../shared/reference/aws-contracts.md §1.2. Types for v7 and later follow the Parquet column
 * types where AWS documents them and the values seen in public test data otherwise.
 */

/** How a field's text becomes a value in the document. */
export const FieldType = {
  /** A non-negative integer, emitted as a JSON number. */
  Integer: 'integer',
  /** An IPv4 or IPv6 address, validated and emitted as a string. */
  Address: 'address',
  /** Any text, emitted as a string. Unknown future fields are strings too. */
  String: 'string',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

export interface FlowLogFieldDefinition {
  /** The field id as AWS spells it in format strings and S3 header lines, e.g. `account-id`. */
  readonly name: string;
  /** The key in our document: the name with `-` replaced by `_`, e.g. `account_id`. */
  readonly key: string;
  /** The flow-log version that introduced the field. */
  readonly version: number;
  readonly type: FieldType;
}

type FieldSpec = readonly [name: string, version: number, type: FieldType];

const { Integer, Address, String } = FieldType;

const FIELD_SPECS: readonly FieldSpec[] = [
  ['version', 2, Integer],
  ['account-id', 2, String],
  ['interface-id', 2, String],
  ['srcaddr', 2, Address],
  ['dstaddr', 2, Address],
  ['srcport', 2, Integer],
  ['dstport', 2, Integer],
  ['protocol', 2, Integer],
  ['packets', 2, Integer],
  ['bytes', 2, Integer],
  ['start', 2, Integer],
  ['end', 2, Integer],
  ['action', 2, String],
  ['log-status', 2, String],
  ['vpc-id', 3, String],
  ['subnet-id', 3, String],
  ['instance-id', 3, String],
  ['tcp-flags', 3, Integer],
  ['type', 3, String],
  ['pkt-srcaddr', 3, Address],
  ['pkt-dstaddr', 3, Address],
  ['region', 4, String],
  ['az-id', 4, String],
  ['sublocation-type', 4, String],
  ['sublocation-id', 4, String],
  ['pkt-src-aws-service', 5, String],
  ['pkt-dst-aws-service', 5, String],
  ['flow-direction', 5, String],
  ['traffic-path', 5, Integer],
  ['ecs-cluster-arn', 7, String],
  ['ecs-cluster-name', 7, String],
  ['ecs-container-instance-arn', 7, String],
  ['ecs-container-instance-id', 7, String],
  ['ecs-container-id', 7, String],
  ['ecs-second-container-id', 7, String],
  ['ecs-service-name', 7, String],
  ['ecs-task-definition-arn', 7, String],
  ['ecs-task-arn', 7, String],
  ['ecs-task-id', 7, String],
  ['reject-reason', 8, String],
  ['resource-id', 9, String],
  ['encryption-status', 10, Integer],
  ['instance-tag', 11, String],
  ['instance-tag-2', 11, String],
  ['interface-tag', 11, String],
  ['interface-tag-2', 11, String],
  ['asg-tag', 11, String],
  ['asg-tag-2', 11, String],
  ['interface-type', 11, String],
  ['next-hop-interface-id', 11, String],
  ['next-hop-subnet-id', 11, String],
  ['next-hop-az-id', 11, String],
  ['next-hop-vpc-id', 11, String],
  ['next-hop-interface-type', 11, String],
];

/** The document key of a field name: `-` becomes `_` so that every key is a valid identifier. */
export function toDocumentKey(fieldName: string): string {
  return fieldName.replaceAll('-', '_');
}

/** All known fields, in the order of the AWS documentation table. */
export const FLOW_LOG_FIELDS: readonly FlowLogFieldDefinition[] = FIELD_SPECS.map(([name, version, type]) => ({
  name,
  key: toDocumentKey(name),
  version,
  type,
}));

const FIELDS_BY_NAME: ReadonlyMap<string, FlowLogFieldDefinition> = new Map(FLOW_LOG_FIELDS.map((field) => [field.name, field]));

/** The newest flow-log version this catalogue knows. */
export const LATEST_KNOWN_VERSION = Math.max(...FLOW_LOG_FIELDS.map((field) => field.version));

/** Whether AWS documents a field of this name. */
export function isKnownField(name: string): boolean {
  return FIELDS_BY_NAME.has(name);
}

/**
 * The definition of a field. A name AWS has not documented (a field newer than this catalogue)
 * is kept as a string field rather than rejected, so a new flow-log version never stops the pipeline.
 *
 * @example lookupField('tcp-flags') // { name: 'tcp-flags', key: 'tcp_flags', version: 3, type: 'integer' }
 */
export function lookupField(name: string): FlowLogFieldDefinition {
  return FIELDS_BY_NAME.get(name) ?? { name, key: toDocumentKey(name), version: LATEST_KNOWN_VERSION + 1, type: FieldType.String };
}
