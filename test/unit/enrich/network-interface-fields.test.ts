import { describe, expect, it } from 'vitest';
import { networkInterfaceFields } from '../../../src/enrich/network-interface-fields.js';
import { flowDocument, networkInterfaceInfo, without } from '../../support/ec2-builders.js';

describe('networkInterfaceFields', () => {
  it('adds the security group ids and their names in the same order', () => {
    const info = networkInterfaceInfo({
      securityGroups: [
        { groupId: 'sg-0aaaaaaaaaaaaaaa1', groupName: 'web' },
        { groupId: 'sg-0bbbbbbbbbbbbbbb2', groupName: 'ssh-from-office' },
      ],
    });

    const fields = networkInterfaceFields(flowDocument(), info);

    expect(fields.security_group_ids).toEqual(['sg-0aaaaaaaaaaaaaaa1', 'sg-0bbbbbbbbbbbbbbb2']);
    expect(fields.security_group_names).toEqual(['web', 'ssh-from-office']);
  });

  it('keeps the names aligned with an empty name where EC2 gave none', () => {
    const info = networkInterfaceInfo({
      securityGroups: [{ groupId: 'sg-0aaaaaaaaaaaaaaa1' }, { groupId: 'sg-0bbbbbbbbbbbbbbb2', groupName: 'db' }],
    });

    const fields = networkInterfaceFields(flowDocument(), info);

    expect(fields.security_group_names).toEqual(['', 'db']);
  });

  it('adds empty group arrays for an interface without security groups', () => {
    const fields = networkInterfaceFields(flowDocument(), networkInterfaceInfo({ securityGroups: [] }));

    expect(fields.security_group_ids).toEqual([]);
    expect(fields.security_group_names).toEqual([]);
  });

  it('adds interface_type, vpc_id, subnet_id and instance_id when the record lacks them', () => {
    const info = networkInterfaceInfo({ interfaceType: 'interface', vpcId: 'vpc-0a1b2c3d', subnetId: 'subnet-0a1b2c3d', instanceId: 'i-0123456789abcdef0' });

    const fields = networkInterfaceFields(flowDocument(), info);

    expect(fields).toMatchObject({ interface_type: 'interface', vpc_id: 'vpc-0a1b2c3d', subnet_id: 'subnet-0a1b2c3d', instance_id: 'i-0123456789abcdef0' });
  });

  it('never overrides a value the record carries', () => {
    const document = flowDocument({ vpc_id: 'vpc-0record', subnet_id: 'subnet-0record', instance_id: 'i-0record', interface_type: 'nat_gateway' });

    const fields = networkInterfaceFields(document, networkInterfaceInfo());

    expect(Object.keys(fields).sort()).toEqual(['security_group_ids', 'security_group_names']);
    expect({ ...document, ...fields }).toMatchObject({ vpc_id: 'vpc-0record', subnet_id: 'subnet-0record', instance_id: 'i-0record', interface_type: 'nat_gateway' });
  });

  it('leaves out what the interface does not have, such as the instance of a NAT gateway interface', () => {
    const info = without(networkInterfaceInfo({ interfaceType: 'nat_gateway' }), 'instanceId');

    const fields = networkInterfaceFields(flowDocument(), info);

    expect(fields).not.toHaveProperty('instance_id');
    expect(fields.interface_type).toBe('nat_gateway');
  });
});
