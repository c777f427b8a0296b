import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Decorates four hostile envelopes among good records in a child process with a small V8 heap. */
function decorateInSmallHeap(flows: number, shape: 'default' | 'tiny'): { status: number | null; stderr: string; output: Record<string, unknown> | undefined } {
  const child = spawnSync(process.execPath, ['--max-old-space-size=192', '--import', 'tsx', 'test/support/decorate-in-small-heap.ts', String(flows), shape], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = child.status === 0 ? (JSON.parse(child.stdout) as Record<string, unknown>) : undefined;
  return { status: child.status, stderr: child.stderr.slice(-2_000), output };
}

describe('decorateFirehoseRecords memory', () => {
  // Issue 12: a small gzipped envelope carrying 400,000 to 4,000,000 flows took the decorator past
  // 1,024 MB; four of them aborted it. A 192 MB heap holds what a 5 MB response can carry, no more.
  it.each([
    [400_000, 'default'],
    [4_000_000, 'tiny'],
  ] as const)(
    'answers a batch with four envelopes of %i flows (%s lines) in bounded memory: each ProcessingFailed with its data, every other record Ok',
    (flows, shape) => {
      const { status, stderr, output } = decorateInSmallHeap(flows, shape);

      expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
      expect(output?.results).toEqual(['Ok', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'Ok']);
      expect(output?.dataKept).toEqual(Array.from({ length: 9 }, () => true));
      expect(output?.overBudgetRecords).toBe(4);
      expect(Math.max(...(output?.envelopeSizes as number[]))).toBeLessThan(1_000_000);
    },
    240_000,
  );
});
