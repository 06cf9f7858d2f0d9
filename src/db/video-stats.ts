import { VIEW_SOURCES, type ViewSource } from '../http/view-source.js';
import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

/** One UTC day of a video's statistics. */
export interface StatsDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  views: number;
  /** Distinct viewers that day (see rollUpViews: each viewer counts once a day). */
  viewers: number;
  /** Views per source; their sum is less than `views` for days counted before sources were. */
  sources: Record<ViewSource, number>;
  /** Ratings given that day, and taken back (or changed to the other) that day. */
  likes: number;
  dislikes: number;
  likesRemoved: number;
  dislikesRemoved: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `days` UTC dates ending with today, oldest first. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/**
 * kind: a rolled-up day's total, a rolled-up day's views from one source, recent views of a day
 * from one source, or a day's ratings.
 */
interface CountRow {
  kind: 'day' | 'source' | 'recent' | 'ratings';
  day: string;
  source: ViewSource | null;
  views: number;
  viewers: number;
  likes: number;
  dislikes: number;
  likes_removed: number;
  dislikes_removed: number;
}

/**
 * A video's views, distinct viewers and views per source for each of the last `days` UTC days
 * (today so far included), with its ratings per day, in one statement: one round trip, and a
 * roll-up running meanwhile is seen wholly or not at all. Views are rolled-up days plus the
 * recent rows still in video_views. A video with a million views reads at most `days` rows of
 * video_view_days and 8 × `days` of video_view_sources (their primary keys), the last hours'
 * rows in video_views (its primary key starts with video_id), and as many rows of
 * video_rating_days as video_view_days (its primary key). Days are grouped as dates and written
 * out after: formatting every row first cost more than the rest together.
 */
export async function listStatsDays(db: Queryable, videoId: number, days: number, now = new Date()): Promise<StatsDay[]> {
  const dates = lastDays(days, now);
  const { rows } = await db.query<CountRow>(prepared(
    'list-stats-days',
    `SELECT kind, to_char(day, 'YYYY-MM-DD') AS day, source, views, viewers, likes, dislikes, likes_removed, dislikes_removed FROM (
       SELECT 'day' AS kind, day, NULL::text AS source, views, viewers, 0 AS likes, 0 AS dislikes, 0 AS likes_removed, 0 AS dislikes_removed
       FROM video_view_days WHERE video_id = $1 AND day >= $2::date
       UNION ALL
       SELECT 'source', day, source, views, 0, 0, 0, 0, 0 FROM video_view_sources WHERE video_id = $1 AND day >= $2::date
       UNION ALL
       SELECT 'recent', (viewed_at AT TIME ZONE 'UTC')::date, source, count(*)::int, (count(*) FILTER (WHERE first_today))::int, 0, 0, 0, 0
       FROM video_views WHERE video_id = $1 AND viewed_at >= $2::date::timestamp AT TIME ZONE 'UTC'
       GROUP BY 2, 3
       UNION ALL
       SELECT 'ratings', day, NULL, 0, 0, likes, dislikes, likes_removed, dislikes_removed
       FROM video_rating_days WHERE video_id = $1 AND day >= $2::date
     ) counts`,
    [videoId, dates[0]],
  ));
  const byDay = new Map(dates.map((day) => [day, emptyDay(day)]));
  for (const row of rows) {
    const day = byDay.get(row.day);
    if (!day) continue;
    if (row.kind === 'ratings') {
      Object.assign(day, { likes: row.likes, dislikes: row.dislikes, likesRemoved: row.likes_removed, dislikesRemoved: row.dislikes_removed });
    }
    if (row.kind === 'day' || row.kind === 'recent') {
      day.views += row.views;
      day.viewers += row.viewers;
    }
    if (row.kind === 'source' || row.kind === 'recent') day.sources[row.source!] += row.views;
  }
  return [...byDay.values()];
}

function emptyDay(day: string): StatsDay {
  return { day, views: 0, viewers: 0, sources: Object.fromEntries(VIEW_SOURCES.map((s) => [s, 0])) as Record<ViewSource, number>, likes: 0, dislikes: 0, likesRemoved: 0, dislikesRemoved: 0 };
}
