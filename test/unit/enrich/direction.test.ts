import { describe, expect, it } from 'vitest';
import { FlowDirection } from '../../../src/domain/flow-direction.js';
import { inferDirection, interfaceAddressSet } from '../../../src/enrich/direction.js';
import { flowDocument, networkInterfaceInfo, without } from '../../support/ec2-builders.js';

describe('inferDirection', () => {
  it('takes the record flow_direction when there is one, even against the addresses', () => {
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.17'] });
    const document = flowDocument({ srcaddr: '203.0.113.25', dstaddr: '10.0.1.17', flow_direction: 'egress' });

    const direction = inferDirection(document, info);

    expect(direction).toBe(FlowDirection.Egress);
  });

  it('is ingress when dstaddr is the primary private IPv4 address', () => {
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.17'] });

    const direction = inferDirection(flowDocument({ srcaddr: '203.0.113.25', dstaddr: '10.0.1.17' }), info);

    expect(direction).toBe(FlowDirection.Ingress);
  });

  it('is egress when srcaddr is a secondary private IPv4 address', () => {
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.55', '10.0.1.117'] });

    const direction = inferDirection(flowDocument({ srcaddr: '10.0.1.117', dstaddr: '198.51.100.9' }), info);

    expect(direction).toBe(FlowDirection.Egress);
  });

  it('recognises an IPv6 address of the interface written in another text form', () => {
    const info = networkInterfaceInfo({ ipv6Addresses: ['2001:db8:1234:1a00::17'] });
    const document = flowDocument({ srcaddr: '2001:db8:ffff::1', dstaddr: '2001:DB8:1234:1A00:0:0:0:17' });

    const direction = inferDirection(document, info);

    expect(direction).toBe(FlowDirection.Ingress);
  });

  it('recognises an address inside a delegated IPv4 or IPv6 prefix', () => {
    const info = networkInterfaceInfo({ delegatedPrefixes: ['10.0.3.48/28', '2001:db8:1:2:3::/80'] });

    expect(inferDirection(flowDocument({ srcaddr: '10.0.3.50', dstaddr: '198.51.100.9' }), info)).toBe(FlowDirection.Egress);
    expect(inferDirection(flowDocument({ srcaddr: '2001:db8::9', dstaddr: '2001:db8:1:2:3:0:0:a' }), info)).toBe(FlowDirection.Ingress);
  });

  it('is unknown when neither address belongs to the interface', () => {
    // A NAT gateway interface logs flows it forwards between two other hosts.
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.124.85'], publicIpv4Addresses: ['203.0.113.85'] });

    const direction = inferDirection(flowDocument({ srcaddr: '10.0.1.17', dstaddr: '203.0.113.85' }), info);

    expect(direction).toBeUndefined();
  });

  it('is unknown when both addresses belong to the interface', () => {
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.17', '10.0.1.18'] });

    const direction = inferDirection(flowDocument({ srcaddr: '10.0.1.18', dstaddr: '10.0.1.17' }), info);

    expect(direction).toBeUndefined();
  });

  it('is unknown when the record has no addresses and no flow_direction', () => {
    const document = without(flowDocument(), 'srcaddr', 'dstaddr');

    expect(inferDirection(document, networkInterfaceInfo())).toBeUndefined();
  });

  it('infers from the addresses when flow_direction holds an unexpected value', () => {
    const document = flowDocument({ srcaddr: '10.0.1.17', dstaddr: '198.51.100.9', flow_direction: 'sideways' });

    expect(inferDirection(document, networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.17'] }))).toBe(FlowDirection.Egress);
  });
});

describe('interfaceAddressSet', () => {
  it('builds the set of one interface info once', () => {
    const info = networkInterfaceInfo();

    expect(interfaceAddressSet(info)).toBe(interfaceAddressSet(info));
  });

  it('leaves public IPv4 addresses out', () => {
    const info = networkInterfaceInfo({ privateIpv4Addresses: ['10.0.1.17'], publicIpv4Addresses: ['203.0.113.12'] });

    expect(interfaceAddressSet(info).has('203.0.113.12')).toBe(false);
  });
});
