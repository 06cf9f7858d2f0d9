import { createHash } from 'node:crypto';
import type { Queryable } from './pool.js';
import { ratingStep, SEEDED } from './seed-accounts.js';

/*
 * The comments of `npm run seed` (issue 11): about ten a listed video (a third of them have
 * none, a few have dozens), threads one level deep, likes and dislikes, timecoded, pinned,
 * hearted and edited ones, and one video with 10,000 top-level comments and 2,000 replies for
 * the benchmark (scripts/bench-comments.ts), beside a video of the same shape with none.
 *
 * Every counter equals its rows by construction, with no UPDATE afterwards: how many comments a
 * video has is a function of its public id (a hash), so seedVideos writes videos.comment_count
 * with the video (commentCountOf) and seedRootComments makes the same comments from the same
 * draws; a root's reply_count and a comment's like and dislike counts are drawn with the row, and
 * the replies and ratings are made from them, as seedRatings makes a video's ratings.
 */

/** A seeded video's public id: the i-th video of the seed (seedVideos computes the same in SQL). */
export function seededPublicId(i: number): string {
  return createHash('sha256').update(`seed${i}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, 'x').slice(0, 11);
}

/** The benchmark's busy video: the first seeded one (public), with BUSY_ROOTS top-level comments and BUSY_REPLIES replies. */
export const BUSY_VIDEO = seededPublicId(1);
export const BUSY_ROOTS = 10_000;
export const BUSY_REPLIES = 2_000;
/** Its replies: BUSY_THREAD_REPLIES under every BUSY_THREAD_EVERY-th root. */
const BUSY_THREAD_EVERY = 50;
const BUSY_THREAD_REPLIES = BUSY_REPLIES / (BUSY_ROOTS / BUSY_THREAD_EVERY);
/** The benchmark's quiet video: the second seeded one (public), of the same shape but without a comment. */
export const QUIET_VIDEO = seededPublicId(2);

/** Top-level comments of a video: floor(u³ × this), about a quarter of it on average; 0 for a third of the videos. */
const ROOTS_SCALE = 29;
/** A root has replies with this chance, then 1 + floor(u² × REPLIES_SCALE) of them (about 3.5 a video). */
const THREAD_SHARE = 0.15;
const REPLIES_SCALE = 9;
/** A root with replies is "[deleted]" (kept for its replies, counted nowhere) with this chance. */
const DELETED_SHARE = 0.02;
/** Ratings of a comment: floor(u³ × this) (about 1.5), and floor(u⁵ × BUSY_RATINGS_SCALE) on the busy video (about 20); 15 % dislikes. */
const RATINGS_SCALE = 8;
const BUSY_RATINGS_SCALE = 120;
/** Shares of comments starting with a timestamp within the video, hearted by the creator, edited, and videos with a pinned comment. */
const TIMECODED_SHARE = 0.12;
const HEARTED_SHARE = 0.03;
const EDITED_SHARE = 0.02;
const PINNED_SHARE = 0.05;

/** A uniform draw in [0, 1) from `value` under `key` and `salt`: the same in every statement, unlike random(). */
const draw = (value: string, key: string, salt: number) => `((hashint8extended((${value})::bigint, (${key}) # ${salt}::bigint) & 1048575)::float8 / 1048576)`;
/** A video's key for its draws, from its public id (known to seedVideos before the row has an id). */
const videoKey = (publicId: string) => `hashtextextended(${publicId}, 0)`;

/**
 * What the draws of a video start from, computed once a video: its key, whether it is the busy
 * one, and whether it gets no comment at all (the quiet one, and private videos).
 */
function videoDraws(publicId: string, visibility: string): string {
  return `(SELECT ${videoKey(publicId)} AS key, ${publicId} = '${BUSY_VIDEO}' AS busy, ${publicId} = '${QUIET_VIDEO}' OR ${visibility} = 'private' AS no_comments)`;
}

/** How many top-level comments the video of these draws (`k`, videoDraws) gets. */
function rootsOf(k: string): string {
  return `CASE WHEN ${k}.busy THEN ${BUSY_ROOTS} WHEN ${k}.no_comments THEN 0 ELSE floor(power(${draw('0', `${k}.key`, 1)}, 3) * ${ROOTS_SCALE})::int END`;
}

/** How many replies its n-th root gets. */
function repliesOf(k: string, n: string): string {
  return `CASE WHEN ${k}.busy THEN CASE WHEN ${n} % ${BUSY_THREAD_EVERY} = 0 THEN ${BUSY_THREAD_REPLIES} ELSE 0 END
    WHEN ${draw(n, `${k}.key`, 2)} < ${THREAD_SHARE} THEN 1 + floor(power(${draw(n, `${k}.key`, 3)}, 2) * ${REPLIES_SCALE})::int ELSE 0 END`;
}

/**
 * Whether its n-th root, with `replies`, is "[deleted]": only one with replies (deleteComment
 * removes any other), never the first (which may be pinned), none on the busy video.
 */
function deletedRoot(k: string, n: string, replies: string): string {
  return `(NOT ${k}.busy AND ${n} > 1 AND ${replies} > 0 AND ${draw(n, `${k}.key`, 4)} < ${DELETED_SHARE})`;
}

/**
 * videos.comment_count of a seeded video, as seedVideos writes it: its roots not deleted and
 * every reply (as deleteComment and insertComment keep it).
 */
export function commentCountOf(publicId: string, visibility: string): string {
  return `(SELECT coalesce(sum(CASE WHEN ${deletedRoot('k', 'n', 'r.replies')} THEN 0 ELSE 1 END + r.replies), 0)::int
    FROM ${videoDraws(publicId, visibility)} k
    CROSS JOIN LATERAL generate_series(1, ${rootsOf('k')}) AS n
    CROSS JOIN LATERAL (SELECT ${repliesOf('k', 'n')} AS replies) r)`;
}


/** A comment's made-up text from the words $w (nw of them, in the join `words`), sometimes with an address. */
const BODY = `initcap(w[1 + floor(random() * nw)::int]) || ' ' || w[1 + floor(random() * nw)::int] || ' ' || w[1 + floor(random() * nw)::int]
  || CASE WHEN random() < 0.5 THEN ' ' || w[1 + floor(random() * nw)::int] || ' ' || w[1 + floor(random() * nw)::int] ELSE '' END
  || (ARRAY['.', '!', '?', ' :)', ''])[1 + floor(random() * 5)::int]
  || CASE WHEN random() < 0.25 THEN ' ' || initcap(w[1 + floor(random() * nw)::int]) || ' ' || w[1 + floor(random() * nw)::int] || ' and '
       || w[1 + floor(random() * nw)::int] || ' ' || w[1 + floor(random() * nw)::int] || '.' ELSE '' END
  || CASE WHEN random() < 0.02 THEN ' https://example.org/' || w[1 + floor(random() * nw)::int] ELSE '' END`;

/** "1:23 " or "1:02:03 " within a video of `duration` seconds, for TIMECODED_SHARE of comments (player markers). */
function timecode(duration: string): string {
  const t = `floor(random() * ${duration})::int`;
  return `CASE WHEN random() < ${TIMECODED_SHARE} THEN (SELECT CASE WHEN t >= 3600 THEN (t / 3600) || ':' || lpad((t / 60 % 60)::text, 2, '0') ELSE (t / 60)::text END
    || ':' || lpad((t % 60)::text, 2, '0') || ' ' FROM (SELECT ${t} AS t) s) ELSE '' END`;
}

/** A comment's ratings (r) and dislikes among them (d), drawn from its id: its like_count is r - d. */
function ratingsOf(id: string, busy: string, deleted: string, accounts: string): string {
  return `(SELECT r, floor(r * 0.15 + ${draw(id, '0', 12)})::int AS d FROM (SELECT CASE WHEN ${deleted} THEN 0
    ELSE least(${accounts}::int, floor(power(${draw(id, '0', 11)}, CASE WHEN ${busy} THEN 5 ELSE 3 END) * CASE WHEN ${busy} THEN ${BUSY_RATINGS_SCALE} ELSE ${RATINGS_SCALE} END)::int) END AS r) x)`;
}

/** What the seed's comment steps make, for the caller's log. */
export interface SeededComments { roots: number; replies: number; ratings: number }

/**
 * The top-level comments of every seeded video (those after `after`), in order of their time,
 * which is also the order of their ids (the listing's keyset): ids are given here (OVERRIDING
 * SYSTEM VALUE, the identity moved on at the end), so that the replies can point at their root
 * in one statement. Spread from the video's publication to now, most soon after it.
 */
export async function seedRootComments(db: Queryable, after: number, accounts: number, words: readonly string[]): Promise<number> {
  const before = await maxCommentId(db);
  const { rowCount } = await db.query(
    `WITH ${SEEDED},
     v AS (SELECT id, public_id, visibility, duration_seconds, published_at FROM videos WHERE id > $1 AND comment_count > 0),
     drawn AS (
       SELECT v.id AS video_id, k.busy, v.duration_seconds, n, r.replies,
              ${deletedRoot('k', 'n', 'r.replies')} AS deleted,
              n = 1 AND (k.busy OR ${draw('0', 'k.key', 7)} < ${PINNED_SHARE}) AS pinned,
              v.published_at + power(${draw('n', 'k.key', 5)}, 3) * (now() - v.published_at) AS at,
              1 + floor(${draw('n', 'k.key', 6)} * $2)::int AS k
       FROM v CROSS JOIN LATERAL ${videoDraws('v.public_id', 'v.visibility')} k
       CROSS JOIN LATERAL generate_series(1, ${rootsOf('k')}) AS n
       CROSS JOIN LATERAL (SELECT ${repliesOf('k', 'n')} AS replies) r
     ),
     numbered AS (SELECT d.*, $3::bigint + row_number() OVER (ORDER BY d.at, d.video_id, d.n) AS id FROM drawn d)
     INSERT INTO comments (id, video_id, author_id, body, like_count, dislike_count, reply_count, created_at, edited_at, deleted_at, pinned_at, hearted_at)
     OVERRIDING SYSTEM VALUE
     SELECT c.id, c.video_id, a.id,
            CASE WHEN c.deleted THEN '' ELSE ${timecode('c.duration_seconds')} || ${BODY} END,
            r.r - r.d, r.d, c.replies, c.at,
            CASE WHEN NOT c.deleted AND random() < ${EDITED_SHARE} THEN least(now(), c.at + interval '10 minutes') END,
            CASE WHEN c.deleted THEN least(now(), c.at + interval '1 day') END,
            CASE WHEN c.pinned THEN least(now(), c.at + interval '1 hour') END,
            CASE WHEN NOT c.deleted AND random() < ${HEARTED_SHARE} THEN least(now(), c.at + interval '2 hours') END
     FROM numbered c JOIN seeded a ON a.k = c.k
     CROSS JOIN LATERAL ${ratingsOf('c.id', 'c.busy', 'c.deleted', '$2')} r
     CROSS JOIN (SELECT $4::text[] AS w, array_length($4::text[], 1) AS nw) words
     ORDER BY c.id`,
    [after, accounts, before, words],
  );
  return rowCount ?? 0;
}

/**
 * Every seeded root's replies (its reply_count of them), oldest first in id order, after the
 * video's last root; a third of those after the first answer the reply before them, as a reply
 * to a reply does: reply_to_user_id and an "@handle " at the start.
 */
export async function seedReplies(db: Queryable, after: number, accounts: number, words: readonly string[]): Promise<number> {
  const before = await maxCommentId(db);
  const { rowCount } = await db.query(
    `WITH ${SEEDED},
     roots AS (
       SELECT c.id, c.video_id, c.created_at, c.reply_count, v.duration_seconds, v.public_id = '${BUSY_VIDEO}' AS busy
       FROM comments c JOIN videos v ON v.id = c.video_id
       WHERE v.id > $1 AND c.thread_id IS NULL AND c.reply_count > 0
     ),
     drawn AS (
       SELECT r.id AS thread_id, r.video_id, r.duration_seconds, r.busy, j,
              r.created_at + power((j - 1 + ${draw('j', 'r.id', 8)}) / r.reply_count, 3) * (now() - r.created_at) AS at,
              1 + floor(${draw('j', 'r.id', 9)} * $2)::int AS k,
              CASE WHEN j > 1 AND ${draw('j', 'r.id', 10)} < 0.33 THEN 1 + floor(${draw('j - 1', 'r.id', 9)} * $2)::int END AS to_k
       FROM roots r CROSS JOIN LATERAL generate_series(1, r.reply_count) AS j
     ),
     numbered AS (SELECT d.*, $3::bigint + row_number() OVER (ORDER BY d.at, d.thread_id, d.j) AS id FROM drawn d)
     INSERT INTO comments (id, video_id, author_id, thread_id, reply_to_user_id, body, like_count, dislike_count, created_at, edited_at, hearted_at)
     OVERRIDING SYSTEM VALUE
     SELECT c.id, c.video_id, a.id, c.thread_id, t.id,
            CASE WHEN t.id IS NOT NULL THEN '@seed-' || c.to_k || ' ' ELSE '' END || ${timecode('c.duration_seconds')} || ${BODY},
            r.r - r.d, r.d, c.at,
            CASE WHEN random() < ${EDITED_SHARE} THEN least(now(), c.at + interval '10 minutes') END,
            CASE WHEN random() < ${HEARTED_SHARE} THEN least(now(), c.at + interval '2 hours') END
     FROM numbered c JOIN seeded a ON a.k = c.k LEFT JOIN seeded t ON t.k = c.to_k
     CROSS JOIN LATERAL ${ratingsOf('c.id', 'c.busy', 'false', '$2')} r
     CROSS JOIN (SELECT $4::text[] AS w, array_length($4::text[], 1) AS nw) words
     ORDER BY c.id`,
    [after, accounts, before, words],
  );
  return rowCount ?? 0;
}

/**
 * The ratings each seeded comment (those after `after`) was given with its row, from distinct
 * seeded accounts (consecutive ones `step` apart, as seedRatings), likes first; and an earlier
 * text of each edited one. Then the identity of comments moves past the ids given here.
 */
export async function seedCommentRatings(db: Queryable, after: number, accounts: number): Promise<number> {
  const step = ratingStep(accounts);
  const { rowCount } = await db.query(
    `WITH ${SEEDED}
     INSERT INTO comment_ratings (user_id, comment_id, value, rated_at)
     SELECT s.id, c.id, CASE WHEN g <= c.like_count THEN 1 ELSE -1 END, c.created_at + (g::float8 / (c.like_count + c.dislike_count + 1)) * (now() - c.created_at)
     FROM comments c
     CROSS JOIN LATERAL generate_series(1, c.like_count + c.dislike_count) AS g
     JOIN seeded s ON s.k = 1 + (c.id * 31 + g * $3) % $2
     WHERE c.id > $1
     ORDER BY 1, 2`,
    [after, accounts, step],
  );
  return rowCount ?? 0;
}

/** The text each edited seeded comment had before (its first words), kept as a revision. */
export async function seedCommentRevisions(db: Queryable, after: number): Promise<void> {
  await db.query(
    `INSERT INTO comment_revisions (comment_id, body, replaced_at)
     SELECT id, left(body, greatest(1, length(body) / 2)), edited_at FROM comments WHERE id > $1 AND edited_at IS NOT NULL ORDER BY id`,
    [after],
  );
  // The next comment posted on the site takes the id after the seeded ones.
  await db.query(`SELECT setval(pg_get_serial_sequence('comments', 'id'), max(id)) FROM comments HAVING max(id) IS NOT NULL`);
}

/** The largest comment id so far (0 for none): seeded comments are those after it. */
export async function maxCommentId(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM comments');
  return Number(rows[0]!.id);
}
