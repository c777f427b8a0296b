/**
 * One flow-log record as a JSON document: every present field under its name with `-` replaced by
 * `_`, integers as numbers, everything else as strings. A field whose value was `-` is absent.
 * This is the contract the decorator, the CLI, the OpenSearch mapping and the analysis build on.
 */
export interface FlowLogDocument {
  /** ISO-8601 UTC of `start` (of `end` when the format has no `start`). */
  '@timestamp'?: string;
  version?: number;
  account_id?: string;
  interface_id?: string;
  srcaddr?: string;
  dstaddr?: string;
  srcport?: number;
  dstport?: number;
  protocol?: number;
  /** The IANA keyword of `protocol`, when IANA assigns one. */
  protocol_name?: string;
  packets?: number;
  bytes?: number;
  start?: number;
  end?: number;
  action?: string;
  log_status?: string;
  vpc_id?: string;
  subnet_id?: string;
  instance_id?: string;
  tcp_flags?: number;
  type?: string;
  pkt_srcaddr?: string;
  pkt_dstaddr?: string;
  region?: string;
  az_id?: string;
  sublocation_type?: string;
  sublocation_id?: string;
  pkt_src_aws_service?: string;
  pkt_dst_aws_service?: string;
  flow_direction?: string;
  traffic_path?: number;
  ecs_cluster_arn?: string;
  ecs_cluster_name?: string;
  ecs_container_instance_arn?: string;
  ecs_container_instance_id?: string;
  ecs_container_id?: string;
  ecs_second_container_id?: string;
  ecs_service_name?: string;
  ecs_task_definition_arn?: string;
  ecs_task_arn?: string;
  ecs_task_id?: string;
  reject_reason?: string;
  resource_id?: string;
  encryption_status?: number;
  instance_tag?: string;
  instance_tag_2?: string;
  interface_tag?: string;
  interface_tag_2?: string;
  asg_tag?: string;
  asg_tag_2?: string;
  interface_type?: string;
  next_hop_interface_id?: string;
  next_hop_subnet_id?: string;
  next_hop_az_id?: string;
  next_hop_vpc_id?: string;
  next_hop_interface_type?: string;
  /**
   * Fields newer than the catalogue (kept as strings by the parser) and, in enriched documents,
   * the fields enrichment adds (see EnrichedFlowLog).
   */
  [otherField: string]: unknown;
}
