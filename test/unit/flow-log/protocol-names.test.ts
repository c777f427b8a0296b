import { describe, expect, it } from 'vitest';
import { protocolName, protocolNumber } from '../../../src/flow-log/index.js';

describe('protocolName', () => {
  it.each([
    [0, 'HOPOPT'],
    [1, 'ICMP'],
    [6, 'TCP'],
    [17, 'UDP'],
    [41, 'IPv6'],
    [47, 'GRE'],
    [50, 'ESP'],
    [51, 'AH'],
    [58, 'IPv6-ICMP'],
    [89, 'OSPFIGP'],
    [112, 'VRRP'],
    [132, 'SCTP'],
    [146, 'Homa'],
  ])('names protocol %d %s', (number, name) => {
    expect(protocolName(number)).toBe(name);
  });

  it.each([61, 63, 68, 99, 114, 147, 252, 253, 254, 255, 256])('gives no name to %d', (number) => {
    expect(protocolName(number)).toBeUndefined();
  });
});

describe('protocolNumber', () => {
  it.each([
    ['tcp', 6],
    ['UDP', 17],
    ['icmp', 1],
    ['icmpv6', 58],
    ['ipv6-icmp', 58],
  ])('reads %s as %d', (keyword, number) => {
    expect(protocolNumber(keyword)).toBe(number);
  });

  it('is undefined for a word that is no keyword', () => {
    expect(protocolNumber('http')).toBeUndefined();
  });
});
