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
  /** Ratings as they stand, on the day each was last set (see listRatingDays). */
  likes: number;
  dislikes: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The `days` UTC dates ending with today, oldest first. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

interface CountRow { day: string; source: ViewSource | null; views: number; viewers: number }
interface RatingRow { day: string; likes: number; dislikes: number }

/**
 * A video's views, distinct viewers and views per source for each of the last `days` UTC days
 * (today so far included), with its ratings per day. Views are rolled-up days plus the recent
 * rows still in video_views, read in one statement so that a roll-up running meanwhile is seen
 * wholly or not at all. A video with a million views reads at most `days` rows of
 * video_view_days and 8 × `days` of video_view_sources (their primary keys), plus the last
 * hours' rows in video_views (its primary key starts with video_id).
 */
export async function listStatsDays(db: Queryable, videoId: number, days: number, now = new Date()): Promise<StatsDay[]> {
  const dates = lastDays(days, now);
  const since = dates[0]!;
  const [counts, ratings] = await Promise.all([
    db.query<CountRow>(prepared(
      'list-stats-days',
      // source NULL: the day's total; otherwise that source's share of it.
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, source, sum(views)::int AS views, sum(viewers)::int AS viewers FROM (
         SELECT day, NULL::text AS source, views, viewers FROM video_view_days WHERE video_id = $1 AND day >= $2::date
         UNION ALL
         SELECT day, source, views, 0 FROM video_view_sources WHERE video_id = $1 AND day >= $2::date
         UNION ALL
         SELECT (viewed_at AT TIME ZONE 'UTC')::date, s.source, 1, first_today::int
         FROM video_views CROSS JOIN LATERAL (VALUES (NULL::text), (source)) s (source)
         WHERE video_id = $1 AND viewed_at >= $2::date::timestamp AT TIME ZONE 'UTC'
       ) counts
       GROUP BY day, source`,
      [videoId, since],
    )),
    listRatingDays(db, videoId, since),
  ]);
  const byDay = new Map(dates.map((day) => [day, emptyDay(day)]));
  for (const row of counts.rows) {
    const day = byDay.get(row.day);
    if (!day) continue;
    if (row.source === null) {
      day.views += row.views;
      day.viewers += row.viewers;
    } else day.sources[row.source] += row.views;
  }
  for (const row of ratings) {
    const day = byDay.get(row.day);
    if (day) Object.assign(day, { likes: row.likes, dislikes: row.dislikes });
  }
  return [...byDay.values()];
}

function emptyDay(day: string): StatsDay {
  return { day, views: 0, viewers: 0, sources: Object.fromEntries(VIEW_SOURCES.map((s) => [s, 0])) as Record<ViewSource, number>, likes: 0, dislikes: 0 };
}

/**
 * Likes and dislikes per UTC day since `since`, from video_ratings_video_rated_idx alone.
 * video_ratings keeps each person's current rating and when it was last set (rated_at), not
 * its history: a rating changed later counts on the day of the change, one taken back is gone.
 * So these are "ratings as they stand, by the day they were given", not the count on each day;
 * the true history needs rateVideo to log each change (a per-day table of ratings added and
 * removed), which this does not add.
 */
export async function listRatingDays(db: Queryable, videoId: number, since: string): Promise<RatingRow[]> {
  const { rows } = await db.query<RatingRow>(prepared(
    'list-rating-days',
    `SELECT to_char((rated_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day,
            count(*) FILTER (WHERE value = 1)::int AS likes, count(*) FILTER (WHERE value = -1)::int AS dislikes
     FROM video_ratings WHERE video_id = $1 AND rated_at >= $2::date::timestamp AT TIME ZONE 'UTC'
     GROUP BY 1`,
    [videoId, since],
  ));
  return rows;
}
