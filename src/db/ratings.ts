import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';

export type Rating = 'like' | 'dislike' | null;

// A rating as stored, in video_ratings and comment_ratings alike: 1 a like, -1 a dislike, no row none.
const VALUE = { like: 1, dislike: -1 } as const;

/** The stored value of a rating (0: none, no row). */
export const ratingValue = (rating: Rating): number => (rating ? VALUE[rating] : 0);

/** The rating a stored value stands for (a missing row: none). */
export const ratingOf = (value: number | null | undefined): Rating => (value === 1 ? 'like' : value === -1 ? 'dislike' : null);

/** How changing a rating from one stored value to another moves the like and dislike counters. */
export function ratingDeltas(before: number, after: number): { likes: number; dislikes: number } {
  return { likes: (after === 1 ? 1 : 0) - (before === 1 ? 1 : 0), dislikes: (after === -1 ? 1 : 0) - (before === -1 ? 1 : 0) };
}

/**
 * Sets the user's rating of a video (null takes it back) and moves the video's counters and the
 * day's ratings (video_rating_days) by the difference, in one transaction. The video row is
 * locked first, so concurrent clicks on the same video are applied one after another and the
 * counters always equal the rows.
 */
export async function rateVideo(pool: Pool, userId: number, videoId: number, rating: Rating): Promise<{ likes: number; dislikes: number }> {
  return withTransaction(pool, async (client) => {
    await client.query(prepared('lock-video', 'SELECT 1 FROM videos WHERE id = $1 FOR UPDATE', [videoId]));
    const old = await findRating(client, userId, videoId);
    const before = ratingValue(old);
    const after = ratingValue(rating);
    if (after === 0) await client.query(prepared('delete-rating', 'DELETE FROM video_ratings WHERE user_id = $1 AND video_id = $2', [userId, videoId]));
    else {
      await client.query(prepared(
        'upsert-rating',
        `INSERT INTO video_ratings (user_id, video_id, value) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, video_id) DO UPDATE SET value = EXCLUDED.value, rated_at = now()`,
        [userId, videoId, after],
      ));
    }
    const { likes: likeDelta, dislikes: dislikeDelta } = ratingDeltas(before, after);
    // The day's ratings for the owner's statistics; a resubmitted rating changes nothing.
    if (likeDelta !== 0 || dislikeDelta !== 0) {
      await client.query(prepared(
        'count-rating-day',
        `INSERT INTO video_rating_days AS d (video_id, day, likes, dislikes, likes_removed, dislikes_removed)
         VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, $3, $4, $5)
         ON CONFLICT (video_id, day) DO UPDATE SET likes = d.likes + EXCLUDED.likes, dislikes = d.dislikes + EXCLUDED.dislikes,
           likes_removed = d.likes_removed + EXCLUDED.likes_removed, dislikes_removed = d.dislikes_removed + EXCLUDED.dislikes_removed`,
        [videoId, Math.max(0, likeDelta), Math.max(0, dislikeDelta), Math.max(0, -likeDelta), Math.max(0, -dislikeDelta)],
      ));
    }
    const { rows } = await client.query<{ like_count: number; dislike_count: number }>(prepared(
      'count-rating',
      'UPDATE videos SET like_count = like_count + $2, dislike_count = dislike_count + $3 WHERE id = $1 RETURNING like_count, dislike_count',
      [videoId, likeDelta, dislikeDelta],
    ));
    return { likes: rows[0]!.like_count, dislikes: rows[0]!.dislike_count };
  });
}

/** The viewer's rating of a video, or null (video_ratings_pkey). */
export async function findRating(db: Queryable, userId: number, videoId: number): Promise<Rating> {
  const { rows } = await db.query<{ value: number }>(prepared('find-rating', 'SELECT value FROM video_ratings WHERE user_id = $1 AND video_id = $2', [userId, videoId]));
  return ratingOf(rows[0]?.value);
}
