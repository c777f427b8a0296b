import { escapeHtml } from './escape-html.js';

const WIDTH = 240;
const HEIGHT = 36;
const SECONDS_PER_DAY = 86_400;

/**
 * Flows per day as a small inline SVG column chart (no script, no external resource), one column
 * per calendar day from the first to the last given, days without flows left empty so that gaps
 * show. Its title names the span and the busiest day; every value is escaped.
 *
 * @example renderSvgDailyChart('sgr-1', [['2026-11-01', 4], ['2026-11-03', 9]]).startsWith('<svg') // true
 */
export function renderSvgDailyChart(label: string, days: readonly (readonly [string, number])[]): string {
  if (days.length === 0) return '';
  const dayNumber = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000 / SECONDS_PER_DAY);
  const first = dayNumber(days[0]?.[0] ?? '');
  const last = dayNumber(days[days.length - 1]?.[0] ?? '');
  const span = Number.isFinite(first) && Number.isFinite(last) ? Math.max(1, last - first + 1) : days.length;
  const max = Math.max(1, ...days.map(([, flows]) => flows));
  const columnWidth = WIDTH / span;
  const columns = days.map(([date, flows]) => {
    const index = Number.isFinite(first) ? dayNumber(date) - first : 0;
    const height = Math.max(1, Math.round((flows / max) * (HEIGHT - 2)));
    return `<rect x="${(index * columnWidth).toFixed(1)}" y="${HEIGHT - height}" width="${Math.max(1, columnWidth - 1).toFixed(1)}" height="${height}"><title>${escapeHtml(`${date}: ${flows}`)}</title></rect>`;
  });
  const busiest = days.reduce((best, day) => (day[1] > best[1] ? day : best));
  const title = `${label}: flows per day, ${days[0]?.[0] ?? ''} to ${days[days.length - 1]?.[0] ?? ''}, busiest ${busiest[0]} (${busiest[1]})`;
  return `<svg class="daily" xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}"><title>${escapeHtml(title)}</title>${columns.join('')}</svg>`;
}
