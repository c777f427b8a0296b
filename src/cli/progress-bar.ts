import type { Writable } from 'node:stream';
import { formatBytes } from '../report/report-text.js';

/**
 * A progress indicator on a terminal: `update(done)` as work advances, `finish()` once at the end.
 * Units are whatever the caller counts (bytes read, records processed); `total` is optional.
 */
export interface ProgressBar {
  /** Records how much is done so far; redraws at most every `minRedrawMs`. Cheap to call per record. */
  update(done: number): void;
  /** Learns (or corrects) the total once known, e.g. after a stat of every input file. */
  setTotal(total: number | undefined): void;
  /** Erases the bar, leaving the terminal line empty for whatever is printed next. Idempotent. */
  finish(): void;
}

/** A stream that may be a terminal: process.stderr is one when attached to a TTY. */
export type MaybeTerminal = Writable & { readonly isTTY?: boolean; readonly columns?: number };

export interface ProgressBarOptions {
  /** What is counted, shown after the numbers: "bytes" are shown as KiB/MiB/GiB. Default "records". */
  readonly unit?: 'bytes' | 'records';
  /** Total amount of work when known: a percentage and a filled bar are shown. */
  readonly total?: number;
  /** A short label in front, e.g. "report". */
  readonly label?: string;
  /** Minimum milliseconds between two redraws; default 100 (ten per second is smooth and cheap). */
  readonly minRedrawMs?: number;
  /** The clock, injected for tests; default Date.now. */
  readonly now?: () => number;
}

/** Redraws per second beyond about ten cost time and flicker; the eye sees no difference. */
const DEFAULT_MIN_REDRAW_MS = 100;
const BAR_WIDTH_CHARS = 24;
/** ANSI "erase entire line" (CSI 2 K) after a carriage return: the bar never scrolls the terminal. */
const CLEAR_LINE = '\r\u001b[2K';

const NO_OP_PROGRESS_BAR: ProgressBar = { update() {}, setTotal() {}, finish() {} };

/**
 * A progress bar drawn on `stream` when it is a terminal, else a no-op (so piped or redirected
 * stderr, CI logs and tests that do not ask for it stay clean).
 *
 * @example
 * const bar = createProgressBar(process.stderr, { unit: 'bytes', total: size, label: 'report' });
 * for await (const chunk of input) bar.update((done += chunk.length));
 * bar.finish();
 */
export function createProgressBar(stream: MaybeTerminal, options: ProgressBarOptions = {}): ProgressBar {
  if (stream.isTTY !== true) return NO_OP_PROGRESS_BAR;
  const now = options.now ?? Date.now;
  const minRedrawMs = options.minRedrawMs ?? DEFAULT_MIN_REDRAW_MS;
  const unit = options.unit ?? 'records';
  const startedAt = now();
  let total = options.total;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let finished = false;
  const draw = (done: number): void => {
    const line = formatProgressLine({ done, total, unit, label: options.label, elapsedMs: now() - startedAt });
    const width = stream.columns;
    stream.write(`${CLEAR_LINE}${width !== undefined && width > 1 ? line.slice(0, width - 1) : line}`);
    drawn = true;
  };
  return {
    update(done) {
      if (finished) return;
      const time = now();
      if (time - lastDrawAt < minRedrawMs) return;
      lastDrawAt = time;
      draw(done);
    },
    setTotal(value) {
      total = value;
    },
    finish() {
      if (finished) return;
      finished = true;
      if (drawn) stream.write(CLEAR_LINE);
    },
  };
}

/**
 * The text of one redraw, without control characters; exported for tests and for callers that log.
 *
 * @example formatProgressLine({ done: 512, total: 1024, unit: 'bytes', elapsedMs: 1000 }) // "[############            ]  50% 512 B / 1.0 KiB, 512 B/s"
 */
export function formatProgressLine(state: { done: number; total: number | undefined; unit: 'bytes' | 'records'; label?: string | undefined; elapsedMs: number }): string {
  const { done, total, unit, label, elapsedMs } = state;
  const amount = (value: number): string => (unit === 'bytes' ? formatBytes(value) : `${Math.round(value).toLocaleString('en-US')}`);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const rateText = unit === 'bytes' ? `${formatBytes(rate)}/s` : `${amount(rate)} records/s`;
  const prefix = label === undefined ? '' : `${label} `;
  if (total === undefined || total <= 0) {
    return `${prefix}${amount(done)}${unit === 'records' ? ' records' : ''}, ${rateText}`;
  }
  const fraction = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * BAR_WIDTH_CHARS);
  const bar = `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH_CHARS - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  return `${prefix}${bar} ${percent}% ${amount(done)} / ${amount(total)}${unit === 'records' ? ' records' : ''}, ${rateText}`;
}
