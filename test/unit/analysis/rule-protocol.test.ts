import { describe, expect, it } from 'vitest';
import { ALL_PROTOCOLS, destinationPortRange, ruleProtocolNumber } from '../../../src/analysis/rule-protocol.js';
import { securityGroupRule } from '../../support/ec2-builders.js';

describe('ruleProtocolNumber', () => {
  it('reads -1 as every protocol', () => {
    expect(ruleProtocolNumber('-1')).toBe(ALL_PROTOCOLS);
  });

  it('reads the names EC2 uses, in any case, as their protocol numbers', () => {
    expect(['tcp', 'UDP', 'icmp', 'icmpv6'].map(ruleProtocolNumber)).toEqual([6, 17, 1, 58]);
  });

  it('reads protocol numbers given as text', () => {
    expect(['6', '50', '132'].map(ruleProtocolNumber)).toEqual([6, 50, 132]);
  });

  it('refuses what is neither a protocol name nor a number from 0 to 255', () => {
    expect(['256', '-2', '', 'bogus'].map(ruleProtocolNumber)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('destinationPortRange', () => {
  it('gives the port range of a TCP or UDP rule, whether named or numbered', () => {
    expect(destinationPortRange(securityGroupRule({ protocol: 'tcp', from_port: 8000, to_port: 8099 }))).toEqual({ from: 8000, to: 8099 });
    expect(destinationPortRange(securityGroupRule({ protocol: '17', from_port: 53, to_port: 53 }))).toEqual({ from: 53, to: 53 });
  });

  it('allows every port for -1 and for protocols other than TCP and UDP, whatever range was given', () => {
    expect(destinationPortRange(securityGroupRule({ protocol: '-1', from_port: -1, to_port: -1 }))).toBeUndefined();
    expect(destinationPortRange(securityGroupRule({ protocol: '50', from_port: 500, to_port: 500 }))).toBeUndefined();
  });

  it('leaves the ICMP type and code unchecked, since flow logs do not carry them', () => {
    expect(destinationPortRange(securityGroupRule({ protocol: 'icmp', from_port: 8, to_port: 0 }))).toBeUndefined();
    expect(destinationPortRange(securityGroupRule({ protocol: 'icmpv6', from_port: 128, to_port: -1 }))).toBeUndefined();
  });

  it('treats a missing or full range as every port', () => {
    expect(destinationPortRange({ protocol: 'tcp' })).toBeUndefined();
    expect(destinationPortRange(securityGroupRule({ protocol: 'tcp', from_port: 0, to_port: 65535 }))).toBeUndefined();
  });
});
