import { formatCount, formatNumber } from '../format.js';
import { escapeHtml } from '../http/html.js';

// A bar chart drawn on the server as inline SVG: readable without scripts, sized by its viewBox
// so it scales to any width (390 px phones included). role="img" with a title and a
// description: screen readers announce those and skip the shapes; the page's table gives every
// figure. Each bar's <title> is its tooltip. Written here as a string, every text escaped,
// rather than as an EJS partial: 270 bars through EJS took 3 ms of a 90-day page's 11 ms.

/** The drawing's own units; CSS scales it to the width of its box. */
const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 44; // room for the value labels
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 26; // room for the day labels
/** The share of a day's slot its bars take; the rest is the gap between days. */
const BARS_SHARE = 0.8;
const GRID_LINES = 4;

export interface ChartSeries {
  /** The CSS class its bars get (colours live in site.css: no inline style under our CSP). */
  className: string;
  /** What one unit is called, for each bar's tooltip: "views", "likes". */
  unit: string;
  values: number[];
}

/** 1, 2 or 5 times a power of ten, at least `n`: grid steps people read at a glance. */
function niceStep(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * power >= n) return m * power;
  return 10 * power;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Dec 3", for a YYYY-MM-DD day (read from the string: an Intl formatter per bar cost 1 ms a chart). */
export const shortDay = (day: string): string => `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;

const round = (n: number) => Math.round(n * 10) / 10;

/** The chart's SVG markup: bars for each day (side by side when there are several series), a value grid and day labels. */
export function barChartSvg(days: string[], series: ChartSeries[], text: { id: string; title: string; summary: string }): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const bottom = TOP + plotHeight;
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  // Whole steps only: a count of views has no fractions.
  const step = max === 0 ? 1 : Math.max(1, niceStep(max / GRID_LINES));
  const top = Math.max(step * GRID_LINES, step * Math.ceil(max / step));
  const scale = (v: number) => (v / top) * plotHeight;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = (slot * BARS_SHARE) / Math.max(1, series.length);
  const id = escapeHtml(text.id);

  const parts = [
    `<svg class="bar-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">`,
    `<title id="${id}-title">${escapeHtml(text.title)}</title><desc id="${id}-desc">${escapeHtml(text.summary)}</desc>`,
    '<g class="chart-grid">',
  ];
  for (let v = 0; v <= top; v += step) {
    const y = round(bottom - scale(v));
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}"/><text x="${LEFT - 6}" y="${y + 4}" text-anchor="end">${formatCount(v)}</text>`);
  }
  parts.push('</g><g class="chart-bars">');
  days.forEach((day, i) => {
    const label = shortDay(day);
    series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const height = round(scale(value));
      if (height <= 0) return;
      const x = round(LEFT + i * slot + (slot * (1 - BARS_SHARE)) / 2 + j * barWidth);
      parts.push(`<rect class="${escapeHtml(s.className)}" x="${x}" y="${round(bottom - height)}" width="${round(Math.max(1, barWidth - 0.5))}" height="${height}"><title>${label}: ${formatNumber(value)} ${escapeHtml(s.unit)}</title></rect>`);
    });
  });
  parts.push('</g><g class="chart-days">');
  const dayLabel = (x: number, i: number, anchor: string) => parts.push(`<text x="${x}" y="${HEIGHT - 6}" text-anchor="${anchor}">${shortDay(days[i]!)}</text>`);
  if (days.length > 0) dayLabel(LEFT, 0, 'start');
  if (days.length > 2) {
    const middle = Math.floor(days.length / 2);
    dayLabel(round(LEFT + middle * slot + slot / 2), middle, 'middle');
  }
  if (days.length > 1) dayLabel(WIDTH - RIGHT, days.length - 1, 'end');
  parts.push('</g></svg>');
  return parts.join('');
}
