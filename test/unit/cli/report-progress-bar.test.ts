import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgressLine } from '../../../src/cli/progress-bar.js';

/** A writable that records each write and claims to be (or not to be) a terminal. */
function fakeTerminal(isTTY: boolean, columns?: number): Writable & { isTTY: boolean; columns?: number; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      callback();
    },
  });
  return Object.assign(stream, { isTTY, writes, ...(columns === undefined ? {} : { columns }) });
}

function manualClock(start = 0): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('createProgressBar', () => {
  it('writes nothing when the stream is not a terminal', () => {
    // Prepare
    const stream = fakeTerminal(false);
    const bar = createProgressBar(stream, { total: 10 });
    // Act
    bar.update(5);
    bar.finish();
    // Assess
    expect(stream.writes).toEqual([]);
  });

  it('draws on a terminal and starts each redraw by clearing the line', () => {
    // Prepare
    const stream = fakeTerminal(true);
    const clock = manualClock();
    const bar = createProgressBar(stream, { total: 10, now: clock.now });
    // Act
    bar.update(5);
    // Assess
    expect(stream.writes).toHaveLength(1);
    expect(stream.writes[0]?.startsWith('\r\u001b[2K')).toBe(true);
    expect(stream.writes[0]).toContain(' 50% 5 / 10 records');
  });

  it('redraws at most once per minRedrawMs however often it is updated', () => {
    // Prepare
    const stream = fakeTerminal(true);
    const clock = manualClock();
    const bar = createProgressBar(stream, { minRedrawMs: 100, now: clock.now });
    // Act
    for (let done = 1; done <= 1000; done += 1) {
      bar.update(done);
      clock.advance(1);
    }
    // Assess
    expect(stream.writes).toHaveLength(10);
  });

  it('clears the line once at the end and ignores updates after it', () => {
    // Prepare
    const stream = fakeTerminal(true);
    const clock = manualClock();
    const bar = createProgressBar(stream, { now: clock.now });
    bar.update(1);
    // Act
    bar.finish();
    bar.finish();
    clock.advance(1000);
    bar.update(2);
    // Assess
    expect(stream.writes.slice(1)).toEqual(['\r\u001b[2K']);
  });

  it('writes nothing at the end when it never drew', () => {
    // Prepare
    const stream = fakeTerminal(true);
    const bar = createProgressBar(stream);
    // Act
    bar.finish();
    // Assess
    expect(stream.writes).toEqual([]);
  });

  it('cuts the line to the terminal width so it never wraps', () => {
    // Prepare
    const stream = fakeTerminal(true, 20);
    const bar = createProgressBar(stream, { total: 1000, label: 'report' });
    // Act
    bar.update(500);
    // Assess
    expect(stream.writes[0]?.replace('\r\u001b[2K', '')).toHaveLength(19);
  });

  it('uses a total learnt after creation', () => {
    // Prepare
    const stream = fakeTerminal(true);
    const bar = createProgressBar(stream, { unit: 'bytes' });
    // Act
    bar.setTotal(2048);
    bar.update(1024);
    // Assess
    expect(stream.writes[0]).toContain('50% 1.0 KiB / 2.0 KiB');
  });
});

describe('formatProgressLine', () => {
  it('shows the count and rate without a bar when the total is unknown', () => {
    // Act
    const line = formatProgressLine({ done: 3000, total: undefined, unit: 'records', elapsedMs: 2000 });
    // Assess
    expect(line).toBe('3,000 records, 1,500 records/s');
  });

  it('never shows more than 100% when done passes the total', () => {
    // Act
    const line = formatProgressLine({ done: 15, total: 10, unit: 'records', elapsedMs: 0 });
    // Assess
    expect(line).toContain('100%');
    expect(line).toContain(`[${'#'.repeat(24)}]`);
  });

  it('shows bytes in binary units with the label in front', () => {
    // Act
    const line = formatProgressLine({ done: 3 * 1024 * 1024, total: 6 * 1024 * 1024, unit: 'bytes', label: 'report', elapsedMs: 1000 });
    // Assess
    expect(line).toMatch(/^report \[#{12} {12}\] {2}50% 3\.0 MiB \/ 6\.0 MiB, 3\.0 MiB\/s$/);
  });
});
