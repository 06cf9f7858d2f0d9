import { formatCount, formatNumber } from '../format.js';

// A bar chart drawn on the server as inline SVG (src/views/partials/bar-chart.ejs): readable
// without scripts, sized by its viewBox so it scales to any width (390 px phones included).
// This module computes the geometry; the template only writes it out, escaped.

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

export interface BarChart {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  bars: { x: number; y: number; width: number; height: number; className: string; tooltip: string }[];
  grid: { y: number; label: string }[];
  dayLabels: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
}

/** 1, 2 or 5 times a power of ten, at least `n`: grid steps people read at a glance. */
function niceStep(n: number): number {
  const power = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * power >= n) return m * power;
  return 10 * power;
}

const DAY_LABEL = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
/** "Dec 3", for a YYYY-MM-DD day. */
export const shortDay = (day: string): string => DAY_LABEL.format(new Date(`${day}T00:00:00Z`));

/** Bars for each day (side by side when there are several series), a value grid and day labels. */
export function barChart(days: string[], series: ChartSeries[]): BarChart {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  // Whole steps only: a count of views has no fractions.
  const step = max === 0 ? 1 : Math.max(1, niceStep(max / GRID_LINES));
  const top = Math.max(step * GRID_LINES, step * Math.ceil(max / step));
  const scale = (v: number) => (v / top) * plotHeight;
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = (slot * BARS_SHARE) / Math.max(1, series.length);
  const round = (n: number) => Math.round(n * 10) / 10;

  const bars = days.flatMap((day, i) => series.map((s, j) => {
    const value = s.values[i] ?? 0;
    const height = scale(value);
    return {
      x: round(LEFT + i * slot + (slot * (1 - BARS_SHARE)) / 2 + j * barWidth),
      y: round(TOP + plotHeight - height),
      width: round(Math.max(1, barWidth - 0.5)),
      height: round(height),
      className: s.className,
      tooltip: `${shortDay(day)}: ${formatNumber(value)} ${s.unit}`,
    };
  })).filter((b) => b.height > 0);

  const grid = [];
  for (let v = 0; v <= top; v += step) grid.push({ y: round(TOP + plotHeight - scale(v)), label: formatCount(v) });

  const dayLabels: BarChart['dayLabels'] = [];
  if (days.length > 0) {
    const centre = (i: number) => round(LEFT + i * slot + slot / 2);
    dayLabels.push({ x: LEFT, label: shortDay(days[0]!), anchor: 'start' });
    if (days.length > 2) {
      const middle = Math.floor(days.length / 2);
      dayLabels.push({ x: centre(middle), label: shortDay(days[middle]!), anchor: 'middle' });
    }
    if (days.length > 1) dayLabels.push({ x: WIDTH - RIGHT, label: shortDay(days[days.length - 1]!), anchor: 'end' });
  }
  return { width: WIDTH, height: HEIGHT, plot: { left: LEFT, right: WIDTH - RIGHT, top: TOP, bottom: TOP + plotHeight }, bars, grid, dayLabels };
}
