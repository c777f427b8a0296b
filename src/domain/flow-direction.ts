/** Which way a flow crosses the network interface that logged it; also the direction of a security-group rule. */
export const FlowDirection = {
  Ingress: 'ingress',
  Egress: 'egress',
} as const;
export type FlowDirection = (typeof FlowDirection)[keyof typeof FlowDirection];

/** Every direction, in the order EC2 lists a group's rules. */
export const FLOW_DIRECTIONS: readonly FlowDirection[] = Object.values(FlowDirection);

/** Whether a value (a record's `flow-direction` field, a parsed document's) is a direction. */
export function isFlowDirection(value: unknown): value is FlowDirection {
  return value === FlowDirection.Ingress || value === FlowDirection.Egress;
}
