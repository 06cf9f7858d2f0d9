import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { WITH_OWNER, toVideoWithOwner, type VideoWithOwner } from './videos.js';
import { listed, videoListed } from './visibility.js';

/*
 * Related videos ("Up next"): worked out in the background and stored in video_related, one
 * list per video, so that a watch page costs one indexed read. The list holds more than a page
 * shows, so that a few videos hidden since still leave a full one.
 */

/** Ids kept per video; the watch page shows fewer. */
export const RELATED_STORED = 20;

/**
 * Candidates are bounded whatever the catalogue's size or how common a word is: the newest
 * RECENT_WINDOW listed videos (walking videos_public_listing_idx) and the channel's newest
 * OWN_CANDIDATES. Older videos of other channels are not suggested; the scheduled refresh keeps
 * every list following the newest. Within the window each of the video's words brings at most
 * PER_WORD videos (title matches first, then the most viewed), so a common word cannot fill a
 * list and the work per video stays at about (words × PER_WORD).
 */
const RECENT_WINDOW = 2000;
export const PER_WORD = 4;
const OWN_CANDIDATES = 8;
/** Of the channel's own, this many are in every list whatever the others score. */
const OWN_KEPT = 4;

/**
 * A shared word scores its weight on the watched video's side times its weight on the other's:
 * both titles 9, a title and a tag 3, both tags 1. The description is left out (it repeats
 * boilerplate: links, "chapters"). The same channel adds OWN_SCORE.
 */
const TITLE_WEIGHT = 3;
const TAG_WEIGHT = 1;
const OWN_SCORE = 3;

/** Title and tag words of the tsvector `search` (videos.search: title weight A, tags B, description C), each with its weight. */
const wordsOf = (search: string) =>
  `(SELECT w.lexeme, CASE WHEN w.lexeme = ANY (title.words) THEN ${TITLE_WEIGHT} ELSE ${TAG_WEIGHT} END AS weight
    FROM (SELECT tsvector_to_array(ts_filter(${search}, '{a}')) AS words) title,
      unnest(tsvector_to_array(ts_filter(${search}, '{a,b}'))) AS w(lexeme))`;

/**
 * Works out and stores the related videos of `videoIds` (any number: the seed passes thousands,
 * a job one), replacing their lists; a video deleted meanwhile is skipped. A batch shares the
 * window's work: at 100,000 videos one video takes 20–40 ms, a batch of 5,000 about a second.
 */
export async function storeRelatedVideos(db: Queryable, videoIds: number[]): Promise<void> {
  if (videoIds.length === 0) return;
  try {
    await writeRelatedVideos(db, videoIds);
  } catch (err) {
    // A video deleted between reading it and storing its list (a foreign key violation): once
    // more, when it is no longer found, so that the rest of the batch is stored.
    if ((err as { code?: string }).code !== '23503') throw err;
    await writeRelatedVideos(db, videoIds);
  }
}

async function writeRelatedVideos(db: Queryable, videoIds: number[]): Promise<void> {
  await db.query(
    `WITH targets AS (
       SELECT v.id, v.owner_id, v.search FROM videos v WHERE v.id = ANY ($1::bigint[])
     ),
     recent AS (
       SELECT v.id, v.view_count, v.search FROM videos v JOIN users u ON u.id = v.owner_id
       WHERE ${listed()}
       ORDER BY v.published_at DESC, v.id DESC
       LIMIT ${RECENT_WINDOW}
     ),
     -- For each word of the targets, its best videos in the window, as one jsonb object
     -- {word: [[id, weight, views], ...]} built once per statement. Each target looks its
     -- words up in it: a batch then costs a little per video, with no sort over all of them
     -- (joining every target's words to every word's videos sorted millions of rows).
     leaders AS (
       SELECT jsonb_object_agg(lexeme, best) AS by_word FROM (
         SELECT lexeme, jsonb_agg(jsonb_build_array(id, weight, view_count)) AS best FROM (
           SELECT w.lexeme, r.id, w.weight, r.view_count,
             row_number() OVER (PARTITION BY w.lexeme ORDER BY w.weight DESC, r.view_count DESC, r.id DESC) AS n
           FROM recent r CROSS JOIN LATERAL ${wordsOf('r.search')} w
           WHERE w.lexeme IN (SELECT tw.lexeme FROM targets t CROSS JOIN LATERAL ${wordsOf('t.search')} tw)
         ) ranked
         WHERE n <= ${PER_WORD}
         GROUP BY lexeme
       ) per_word
     )
     INSERT INTO video_related (video_id, related_ids, computed_at)
     SELECT t.id, coalesce(chosen.ids, '{}'), now()
     FROM targets t CROSS JOIN LATERAL (
       SELECT array_agg(related_id ORDER BY score DESC, view_count DESC NULLS LAST, related_id DESC) AS ids FROM (
         SELECT related_id, sum(score) AS score, max(view_count) AS view_count, coalesce(min(own_n) <= ${OWN_KEPT}, false) AS kept
         FROM (
           SELECT (best ->> 0)::bigint AS related_id, tw.weight * (best ->> 1)::int AS score, (best ->> 2)::bigint AS view_count, NULL::bigint AS own_n
           FROM ${wordsOf('t.search')} tw CROSS JOIN LATERAL jsonb_array_elements((SELECT by_word FROM leaders) -> tw.lexeme) best
           UNION ALL
           SELECT own.id, ${OWN_SCORE}, NULL, own.n FROM (
             SELECT v.id, row_number() OVER (ORDER BY v.published_at DESC, v.id DESC) AS n FROM videos v
             WHERE v.owner_id = t.owner_id AND ${videoListed()} AND v.id <> t.id
             ORDER BY v.published_at DESC, v.id DESC
             LIMIT ${OWN_CANDIDATES}
           ) own
         ) pairs
         WHERE related_id <> t.id
         GROUP BY related_id
         ORDER BY kept DESC, score DESC, view_count DESC NULLS LAST, related_id DESC
         LIMIT ${RELATED_STORED}
       ) best_of
     ) chosen
     ON CONFLICT (video_id) DO UPDATE SET related_ids = excluded.related_ids, computed_at = excluded.computed_at`,
    [videoIds],
  );
}

/**
 * The stored related videos of `videoId` that are listed now, in their order, at most `limit`;
 * null when no list is stored yet. One read: the list by video_related_pkey, each video and its
 * owner by their primary keys, the visibility rule applied to each, so a video made private,
 * unlisted or deleted, or whose owner is banned, since the list was made is left out at once.
 */
export async function listRelatedVideos(db: Queryable, videoId: number, limit: number): Promise<VideoWithOwner[] | null> {
  const { rows } = await db.query(prepared(
    'list-related-videos',
    `SELECT shown.* FROM video_related r
     LEFT JOIN LATERAL (
       SELECT ${WITH_OWNER}, wanted.position
       FROM unnest(r.related_ids) WITH ORDINALITY AS wanted(id, position)
       JOIN videos v ON v.id = wanted.id JOIN users u ON u.id = v.owner_id
       WHERE ${listed()}
       ORDER BY wanted.position
       LIMIT $2
     ) shown ON true
     WHERE r.video_id = $1
     ORDER BY shown.position`,
    [videoId, limit],
  ));
  if (rows.length === 0) return null;
  // A stored list whose videos are all hidden now comes back as one row of nulls.
  return rows.filter((row) => row.id !== null).map(toVideoWithOwner);
}

/**
 * Videos whose lists were worked out more than `olderThanSeconds` ago, the oldest first, at
 * most `limit` (video_related_computed_idx).
 */
export async function listStaleRelatedVideoIds(db: Queryable, olderThanSeconds: number, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ video_id: number }>(
    `SELECT video_id FROM video_related
     WHERE computed_at < now() - make_interval(secs => $1)
     ORDER BY computed_at
     LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows.map((r) => r.video_id);
}
