import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSampleFlowLogs, SAMPLE_PATH } from '../../../scripts/generate-sample-flow-logs.js';
import { ndjson, runCliWith } from './cli-harness.js';

describe('the bundled sample (events/sample/flow-logs.log)', () => {
  it('is what scripts/generate-sample-flow-logs.ts writes', () => {
    expect(readFileSync(SAMPLE_PATH, 'utf8')).toBe(generateSampleFlowLogs());
  });

  it('enriches without a bad line, one document per record', async () => {
    // Prepare
    const recordCount = readFileSync(SAMPLE_PATH, 'utf8').trimEnd().split('\n').length - 1;

    // Act
    const run = await runCliWith(['enrich', SAMPLE_PATH]);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(ndjson(run.stdout)).toHaveLength(recordCount);
  });

  it('covers the traffic the README promises: accepts and rejects, SSH, RDP, HTTPS, DNS, IPv6, NODATA and SKIPDATA', async () => {
    const documents = ndjson((await runCliWith(['enrich', SAMPLE_PATH])).stdout);
    const has = (predicate: (document: Record<string, unknown>) => boolean): boolean => documents.some(predicate);

    expect(has((document) => document.action === 'ACCEPT')).toBe(true);
    expect(has((document) => document.action === 'REJECT' && document.dstport === 22)).toBe(true);
    expect(has((document) => document.action === 'REJECT' && document.dstport === 3389)).toBe(true);
    expect(has((document) => document.dstport === 443 && String(document.srcaddr).startsWith('2001:db8:'))).toBe(true);
    expect(has((document) => document.dstport === 53 && document.protocol_name === 'UDP')).toBe(true);
    expect(has((document) => document.protocol_name === 'IPv6-ICMP')).toBe(true);
    expect(has((document) => document.log_status === 'NODATA')).toBe(true);
    expect(has((document) => document.log_status === 'SKIPDATA')).toBe(true);
    expect(new Set(documents.map((document) => document.interface_id)).size).toBeGreaterThanOrEqual(6);
  });
});
