import { escapeHtml } from './escape-html.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Shown at the end of the bar; default the value. */
  readonly valueText?: string;
}

const WIDTH = 720;
const LABEL_WIDTH = 260;
const VALUE_WIDTH = 110;
const ROW_HEIGHT = 24;
const BAR_HEIGHT = 16;
const MAX_LABEL_CHARS = 38;

/**
 * A horizontal bar chart as inline SVG (no script, no external resource), bars scaled to the
 * largest value; labels and values are escaped. An empty chart says so in text.
 *
 * @example renderSvgBarChart('Top rejected sources', [{ label: '192.0.2.7', value: 42 }]).startsWith('<svg') // true
 */
export function renderSvgBarChart(title: string, bars: readonly Bar[]): string {
  const height = Math.max(1, bars.length) * ROW_HEIGHT + 8;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const rows = bars.map((bar, index) => {
    const y = 4 + index * ROW_HEIGHT;
    const width = max > 0 ? Math.max(1, Math.round((bar.value / max) * plotWidth)) : 0;
    const label = bar.label.length > MAX_LABEL_CHARS ? `${bar.label.slice(0, MAX_LABEL_CHARS - 1)}…` : bar.label;
    return (
      `<g class="bar"><title>${escapeHtml(`${bar.label}: ${bar.valueText ?? String(bar.value)}`)}</title>` +
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT - 3}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" rx="2"></rect>` +
      `<text x="${LABEL_WIDTH + width + 6}" y="${y + BAR_HEIGHT - 3}">${escapeHtml(bar.valueText ?? String(bar.value))}</text></g>`
    );
  });
  const empty = bars.length === 0 ? `<text x="8" y="${ROW_HEIGHT - 6}">No data</text>` : '';
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    `<title>${escapeHtml(title)}</title>${rows.join('')}${empty}</svg>`
  );
}
