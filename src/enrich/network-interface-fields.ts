import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import type { NetworkInterfaceInfo } from '../ports.js';

/** The fields a known network interface adds to a flow-log document. */
export interface NetworkInterfaceFields {
  readonly security_group_ids: readonly string[];
  /** Aligned with `security_group_ids`; `''` where EC2 gave no name. */
  readonly security_group_names: readonly string[];
  readonly interface_type?: string;
  readonly vpc_id?: string;
  readonly subnet_id?: string;
  readonly instance_id?: string;
}

/**
 * The fields to add to `document` from its interface. Security groups are always added (an
 * empty array when the interface has none). `interface_type`, `vpc_id`, `subnet_id` and
 * `instance_id` are added only when the record lacks them: a value the record carries (v3, v11)
 * describes the moment of the flow and is never overwritten by today's inventory.
 *
 * @example
 * const enriched = { ...document, ...networkInterfaceFields(document, info) };
 */
export function networkInterfaceFields(document: FlowLogDocument, info: NetworkInterfaceInfo): NetworkInterfaceFields {
  return {
    security_group_ids: info.securityGroups.map((group) => group.groupId),
    security_group_names: info.securityGroups.map((group) => group.groupName ?? ''),
    ...(document.interface_type === undefined && info.interfaceType !== undefined && { interface_type: info.interfaceType }),
    ...(document.vpc_id === undefined && info.vpcId !== undefined && { vpc_id: info.vpcId }),
    ...(document.subnet_id === undefined && info.subnetId !== undefined && { subnet_id: info.subnetId }),
    ...(document.instance_id === undefined && info.instanceId !== undefined && { instance_id: info.instanceId }),
  };
}
