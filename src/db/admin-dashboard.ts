import type { Queryable } from './pool.js';

/*
 * The dashboard's figures (/admin, issue 13 item 7). Each is a count or a sum over a whole
 * table, a scan that grows with the site: the route keeps them a minute (DASHBOARD_CACHE_SECONDS
 * in src/routes/admin-dashboard.ts) rather than scanning on every view. Storage is summed from
 * the sizes recorded when each file was written (videos.original_bytes, video_files.bytes), never
 * by walking DATA_DIR, which would read every directory of a large site on each view and could
 * not see an S3 bucket at all.
 */

/** Days of sign-ups shown, today included. */
export const SIGNUP_DAYS = 14;

export interface PeopleFigures {
  /** Accounts not deleted. */
  total: number;
  banned: number;
  /** Sign-ups of the last SIGNUP_DAYS days (UTC), oldest first, days without any included. */
  signups: { day: string; count: number }[];
}

export async function countPeople(db: Queryable, now: Date): Promise<PeopleFigures> {
  const { rows: totals } = await db.query<{ total: string; banned: string }>(
    `SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS total,
            count(*) FILTER (WHERE deleted_at IS NULL AND banned_at IS NOT NULL) AS banned
     FROM users`,
  );
  // users_created_idx (migration 1763683202410) bounds this to the days shown.
  const { rows: days } = await db.query<{ day: string; count: string }>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(u.id) AS count
     FROM generate_series(($1::timestamptz AT TIME ZONE 'UTC')::date - ($2::int - 1), ($1::timestamptz AT TIME ZONE 'UTC')::date, interval '1 day') AS d (day)
     LEFT JOIN users u ON u.created_at >= d.day AT TIME ZONE 'UTC' AND u.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
     GROUP BY d.day ORDER BY d.day`,
    [now, SIGNUP_DAYS],
  );
  return {
    total: Number(totals[0]!.total),
    banned: Number(totals[0]!.banned),
    signups: days.map((d) => ({ day: d.day, count: Number(d.count) })),
  };
}

export const VIDEO_STATUSES = ['uploaded', 'processing', 'ready', 'failed'] as const;

/** Videos per status, every status present (0 when none). */
export async function countVideosByStatus(db: Queryable): Promise<Record<(typeof VIDEO_STATUSES)[number], number>> {
  const { rows } = await db.query<{ status: string; count: string }>('SELECT status, count(*) AS count FROM videos GROUP BY status');
  const counts = Object.fromEntries(VIDEO_STATUSES.map((s) => [s, 0])) as Record<(typeof VIDEO_STATUSES)[number], number>;
  for (const r of rows) if (r.status in counts) counts[r.status as keyof typeof counts] = Number(r.count);
  return counts;
}

export interface StorageFigures {
  /** Uploaded files kept (KEEP_ORIGINALS): only while their key is set, as a removed one is gone from disk. */
  originalsBytes: number;
  renditionsBytes: number;
  /** Thumbnails, storyboard sprites and candidate frames. Avatars are not recorded with sizes (a few KB each). */
  imagesBytes: number;
}

export async function sumStorage(db: Queryable): Promise<StorageFigures> {
  const { rows } = await db.query<{ originals: string; renditions: string; images: string }>(
    `SELECT (SELECT coalesce(sum(original_bytes), 0) FROM videos WHERE original_key IS NOT NULL) AS originals,
            coalesce(sum(bytes) FILTER (WHERE kind = 'rendition'), 0) AS renditions,
            coalesce(sum(bytes) FILTER (WHERE kind <> 'rendition'), 0) AS images
     FROM video_files`,
  );
  return { originalsBytes: Number(rows[0]!.originals), renditionsBytes: Number(rows[0]!.renditions), imagesBytes: Number(rows[0]!.images) };
}

/** Open queue items (things reported) and the reports in them, through the queue's partial index (report_items_queue_idx). */
export async function countOpenReports(db: Queryable): Promise<{ items: number; reports: number }> {
  const { rows } = await db.query<{ items: string; reports: string }>(
    `SELECT count(*) AS items, coalesce(sum(report_count), 0) AS reports FROM report_items WHERE status = 'open'`,
  );
  return { items: Number(rows[0]!.items), reports: Number(rows[0]!.reports) };
}
