import { readFileSync } from 'node:fs';
import type { NetworkInterface, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { Ec2LoopbackServerOptions } from './ec2-loopback-server.js';

/** The bundled sample inventory (AWS CLI output of the six sample interfaces), read in place. */
export const SAMPLE_INVENTORY = 'events/sample/inventory';

/** One file of the sample inventory, parsed. */
export function sampleInventoryFile<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${SAMPLE_INVENTORY}/${name}`, 'utf8')) as T;
}

/**
 * The sample inventory as EC2 holds it, for the loopback EC2 server, with overrides: what
 * `enrich --live` and `snapshot` read where `enrich --inventory events/sample/inventory` reads files.
 *
 * @example const server = await startEc2LoopbackServer(sampleEc2Account({ maxPageSize: 2 }));
 */
export function sampleEc2Account(
  overrides: Partial<Ec2LoopbackServerOptions> = {},
): Ec2LoopbackServerOptions & Required<Pick<Ec2LoopbackServerOptions, 'networkInterfaces' | 'securityGroups' | 'securityGroupRules'>> {
  return {
    networkInterfaces: sampleInventoryFile<{ NetworkInterfaces: NetworkInterface[] }>('network-interfaces.json').NetworkInterfaces,
    securityGroups: sampleInventoryFile<{ SecurityGroups: SecurityGroup[] }>('security-groups.json').SecurityGroups,
    securityGroupRules: sampleInventoryFile<{ SecurityGroupRules: SecurityGroupRule[] }>('security-group-rules.json').SecurityGroupRules,
    ...overrides,
  };
}
