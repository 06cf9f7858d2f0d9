import type { Request, Response } from 'express';
import { listStatsDays, type StatsDay } from '../db/video-stats.js';
import { formatNumber } from '../format.js';
import { STATS_PERIODS, parseStatsPeriod, type StatsPeriod } from '../forms/stats-period.js';
import { csv } from '../http/csv.js';
import { badRequest } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { VIEW_SOURCES, VIEW_SOURCE_LABELS, type ViewSource } from '../http/view-source.js';
import type { RouteDeps } from './deps.js';
import { barChartSvg, shortDay } from './stats-chart.js';

/** The period's figures as the page and the CSV show them. */
export interface StatsSummary {
  views: number;
  viewers: number;
  likes: number;
  dislikes: number;
  likesRemoved: number;
  dislikesRemoved: number;
  /** Each source's views and share of the period's views, most first; "unknown" for views counted before sources were. */
  sources: { source: ViewSource | 'unknown'; label: string; views: number; percent: number }[];
}

export function summarize(days: StatsDay[]): StatsSummary {
  const sum = (pick: (d: StatsDay) => number) => days.reduce((n, d) => n + pick(d), 0);
  const views = sum((d) => d.views);
  const bySource: StatsSummary['sources'] = VIEW_SOURCES.map((source) => ({ source, label: VIEW_SOURCE_LABELS[source], views: sum((d) => d.sources[source]), percent: 0 }));
  const unknown = views - bySource.reduce((n, s) => n + s.views, 0);
  if (unknown > 0) bySource.push({ source: 'unknown', label: 'Not recorded (counted before sources were)', views: unknown, percent: 0 });
  for (const s of bySource) s.percent = views === 0 ? 0 : Math.round((s.views / views) * 1000) / 10;
  bySource.sort((a, b) => b.views - a.views);
  return {
    views,
    viewers: sum((d) => d.viewers),
    likes: sum((d) => d.likes),
    dislikes: sum((d) => d.dislikes),
    likesRemoved: sum((d) => d.likesRemoved),
    dislikesRemoved: sum((d) => d.dislikesRemoved),
    sources: bySource,
  };
}

function periodOf(req: Request): StatsPeriod {
  const parsed = parseStatsPeriod(req.query as Record<string, unknown>);
  if ('error' in parsed) throw badRequest(parsed.error);
  return parsed.value;
}

/** "1,234 views from Nov 6 to Dec 3; the most on Nov 20: 120." — what a chart shows, in words. */
function describe(days: StatsDay[], pick: (d: StatsDay) => number, unit: string): string {
  if (days.length === 0) return `No ${unit}.`;
  const total = days.reduce((n, d) => n + pick(d), 0);
  const range = `from ${shortDay(days[0]!.day)} to ${shortDay(days[days.length - 1]!.day)} (UTC)`;
  if (total === 0) return `No ${unit} ${range}.`;
  const best = days.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  return `${formatNumber(total)} ${unit} ${range}; the most on ${shortDay(best.day)}: ${formatNumber(pick(best))}.`;
}

export function studioStatsRoutes({ pool }: RouteDeps) {
  return {
    /** GET /studio/videos/:id/stats?period=7|28|90 — the owner's statistics of one video. */
    async show(req: Request, res: Response): Promise<void> {
      const period = periodOf(req);
      const video = loadedVideo(req);
      const days = await listStatsDays(pool, video.id, period);
      const dates = days.map((d) => d.day);
      const viewsText = describe(days, (d) => d.views, 'views');
      const ratingsText = `${describe(days, (d) => d.likes, 'likes given')} ${describe(days, (d) => d.dislikes, 'dislikes given')}`;
      res.render('studio/stats', {
        title: `Statistics: ${video.title}`,
        video,
        period,
        periods: STATS_PERIODS,
        days,
        summary: summarize(days),
        viewsChart: barChartSvg(dates, [{ className: 'bar-views', unit: 'views', values: days.map((d) => d.views) }], {
          id: 'views-chart', title: `Views per day, last ${period} days`, summary: viewsText,
        }),
        viewsText,
        ratingsChart: barChartSvg(dates, [
          { className: 'bar-likes', unit: 'likes', values: days.map((d) => d.likes) },
          { className: 'bar-dislikes', unit: 'dislikes', values: days.map((d) => d.dislikes) },
        ], { id: 'ratings-chart', title: `Likes and dislikes given per day, last ${period} days`, summary: ratingsText }),
      });
    },

    /** GET /studio/videos/:id/stats.csv?period=… — the same figures, one row a day. */
    async csv(req: Request, res: Response): Promise<void> {
      const period = periodOf(req);
      const video = loadedVideo(req);
      const days = await listStatsDays(pool, video.id, period);
      const header = ['date', 'video', 'title', 'views', 'unique_viewers', 'likes', 'dislikes', 'likes_removed', 'dislikes_removed', ...VIEW_SOURCES.map((s) => `views_${s}`)];
      const rows = days.map((d) => [
        d.day, video.publicId, video.title, d.views, d.viewers, d.likes, d.dislikes, d.likesRemoved, d.dislikesRemoved, ...VIEW_SOURCES.map((s) => d.sources[s]),
      ]);
      res.attachment(`${video.publicId}-statistics-${period}-days.csv`);
      res.type('text/csv; charset=utf-8').send(csv([header, ...rows]));
    },
  };
}
