import { describe, expect, it } from 'vitest';
import { classifyFlowInitiation } from '../../../src/analysis/flow-initiation.js';

describe('classifyFlowInitiation', () => {
  it('takes a TCP record with SYN and no ACK for the opening side', () => {
    expect(classifyFlowInitiation({ protocol: 6, tcp_flags: 2, srcport: 443, dstport: 50123 })).toEqual({ initiation: 'initiating', evidence: 'tcp_flags' });
  });

  it('takes SYN-ACK for the answering side, also with FIN or RST OR-ed in over the interval', () => {
    for (const flags of [18, 19, 22, 27]) {
      expect(classifyFlowInitiation({ protocol: 6, tcp_flags: flags, srcport: 50123, dstport: 443 })).toEqual({ initiation: 'return', evidence: 'tcp_flags' });
    }
  });

  it('falls back on the ports when the record has no SYN', () => {
    expect(classifyFlowInitiation({ protocol: 6, tcp_flags: 0, srcport: 443, dstport: 50123 })).toEqual({ initiation: 'return', evidence: 'ports' });
    expect(classifyFlowInitiation({ protocol: 6, tcp_flags: 1, srcport: 50123, dstport: 443 })).toEqual({ initiation: 'initiating', evidence: 'ports' });
  });

  it('ignores tcp_flags on protocols other than TCP', () => {
    expect(classifyFlowInitiation({ protocol: 17, tcp_flags: 2, srcport: 53, dstport: 40000 })).toEqual({ initiation: 'return', evidence: 'ports' });
  });

  it('takes the side with a well-known port for the server', () => {
    expect(classifyFlowInitiation({ protocol: 17, srcport: 5353, dstport: 53 }).initiation).toBe('initiating');
    expect(classifyFlowInitiation({ protocol: 6, srcport: 22, dstport: 2222 }).initiation).toBe('return');
  });

  it('takes a known service port for the server when neither port is well-known', () => {
    expect(classifyFlowInitiation({ protocol: 6, srcport: 20000, dstport: 5432 }).initiation).toBe('initiating');
    expect(classifyFlowInitiation({ protocol: 6, srcport: 3306, dstport: 20000 }).initiation).toBe('return');
  });

  it('takes the side below the ephemeral range for the server when only the other is in it', () => {
    expect(classifyFlowInitiation({ protocol: 6, srcport: 49152, dstport: 12345 }).initiation).toBe('initiating');
    expect(classifyFlowInitiation({ protocol: 6, srcport: 12345, dstport: 61000 }).initiation).toBe('return');
  });

  it('cannot tell ICMP, portless records, or ports alike on both sides', () => {
    const unknown = { initiation: 'unknown', evidence: 'none' };
    expect(classifyFlowInitiation({ protocol: 1, srcport: 0, dstport: 0 })).toEqual(unknown);
    expect(classifyFlowInitiation({ protocol: 50 })).toEqual(unknown);
    expect(classifyFlowInitiation({ protocol: 17, srcport: 123, dstport: 123 })).toEqual(unknown);
    expect(classifyFlowInitiation({ protocol: 6, srcport: 40000, dstport: 50000 })).toEqual(unknown);
    expect(classifyFlowInitiation({ protocol: 6, srcport: 5432, dstport: 3306 })).toEqual(unknown);
  });
});
