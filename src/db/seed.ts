import { dropSecondaryIndexes, restoreIndexes } from './bulk-load.js';
import { commentCountOf, maxCommentId, seedCommentRatings, seedCommentRevisions, seedReplies, seedRootComments } from './seed-comments.js';
import { withTransaction, type Pool, type Queryable } from './pool.js';
import { seedPlaylists } from './seed-playlists.js';
import { ratingStep, SEEDED } from './seed-accounts.js';

// The statements of `npm run seed` (src/cli/seed.ts): a made-up catalogue in set-based SQL.
// Seeded accounts are the handles `seed-1` … `seed-N`; every seeded video shares one fixture's files.

/** Accounts that are not seeded ones: a site with any is not seeded, to keep made-up data out of it. */
export async function countUnseededAccounts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE handle NOT LIKE 'seed-%'`);
  return rows[0]!.n;
}

/** Whether the fixture video exists, i.e. this database was seeded before. */
export async function isSeeded(db: Queryable, fixturePublicId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM videos WHERE public_id = $1', [fixturePublicId]);
  return rows.length > 0;
}

/** `count` accounts named from `words`, all with `passwordHash` and the role `user`; returns the id of seed-1. */
export async function seedAccounts(db: Queryable, count: number, words: readonly string[], passwordHash: string): Promise<number> {
  await db.query(
    `WITH made AS (
       INSERT INTO users (handle, display_name, password_hash, bio, created_at)
       SELECT 'seed-' || i, initcap(($2::text[])[1 + (i * 7) % array_length($2, 1)]) || ' ' || initcap(($2::text[])[1 + (i * 13) % array_length($2, 1)]) || ' ' || i,
              $3, 'A seeded channel about ' || ($2::text[])[1 + (i * 3) % array_length($2, 1)] || '.', now() - (random() * interval '3 years')
       FROM generate_series(1, $1) AS i
       ON CONFLICT DO NOTHING
       RETURNING id
     )
     INSERT INTO user_roles (user_id, role) SELECT id, 'user' FROM made`,
    [count, words, passwordHash],
  );
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM users WHERE handle = 'seed-1'`);
  return rows[0]!.id;
}

/** What seeded videos are made with: the fixture whose files they share, and how much of each. */
export interface SeedPlan {
  count: number;
  accounts: number;
  fixtureId: number;
  viewsPerVideo: number;
  ratingsPerVideo: number;
}

/** Runs one step of the seed; the command line times and prints each. */
export type SeedStep = <T>(label: string, work: () => Promise<T>) => Promise<T>;

/**
 * The tables loaded in bulk, whose secondary indexes and foreign keys are built once after the
 * load instead of maintained row by row. Not users: they are few, and the load joins them.
 */
const LOADED_TABLES = ['videos', 'video_files', 'video_views', 'video_view_days', 'video_ratings', 'subscriptions', 'comments', 'comment_ratings', 'comment_revisions',
  'playlists', 'playlist_items'];

/**
 * The catalogue after the accounts and the fixture: videos and their files, views, ratings,
 * subscriptions, comments and playlists with their counters, then VACUUM ANALYZE. One transaction, so that a seed that
 * fails leaves no half a catalogue, and the indexes and keys dropped for the load are back
 * either way. Related lists are left to the caller (src/db/related-videos.ts).
 */
export async function seedCatalogue(pool: Pool, plan: SeedPlan & { subscriptionsPerAccount: number }, words: readonly string[], step: SeedStep = (_label, work) => work()): Promise<void> {
  await withTransaction(pool, async (client) => {
    // For the sorts of the load (in memory rather than on disk) and for the index builds.
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    const dropped = await dropSecondaryIndexes(client, LOADED_TABLES);
    const after = await step(`${plan.count} videos and their (shared) files, in order of publication`, () => seedVideos(client, plan, words));
    await step(`about ${plan.viewsPerVideo} views a video over the last 30 days (before the last hour as daily counts)`, () => seedViews(client, after));
    await step(`about ${plan.ratingsPerVideo} ratings a video`, () => seedRatings(client, after, plan.accounts));
    await step(`about ${plan.subscriptionsPerAccount} subscriptions an account`, () => seedSubscriptions(client, plan.subscriptionsPerAccount, plan.accounts));
    await seedComments(client, after, plan.accounts, words, step);
    await step('playlists: 0–6 an account, 5–50 videos each, Watch later for about a third, three of 5,000 videos', () => seedPlaylists(client, plan, words));
    await step('subscriber counters from the rows', () => recountSubscribers(client));
    await step('indexes and foreign keys, built once over the loaded tables', () => restoreIndexes(client, dropped));
  });
  // Statistics and the visibility map for the new rows: plans and index-only scans depend on them.
  await step('VACUUM ANALYZE', () => pool.query('VACUUM ANALYZE'));
}

/**
 * About ten comments a listed video with their replies, likes and revisions (src/db/seed-comments.ts),
 * after the videos whose comment_count seedVideos drew.
 */
async function seedComments(db: Queryable, after: number, accounts: number, words: readonly string[], step: SeedStep): Promise<void> {
  const firstComment = await maxCommentId(db);
  await step('about 7 top-level comments a listed video (10,000 on the busy one)', () => seedRootComments(db, after, accounts, words));
  await step('about 3.5 replies a listed video (2,000 on the busy one)', () => seedReplies(db, after, accounts, words));
  await step('about 1.6 likes and dislikes a comment (about 20 on the busy video)', () => seedCommentRatings(db, firstComment, accounts));
  await step('revisions of edited comments', () => seedCommentRevisions(db, firstComment));
  // The Top sort's scores (comments.top_score) and the inbox's owner (comments.video_owner_id)
  // are set by the insert triggers of migrations 920 and 930 from each row as inserted: the
  // counters are drawn with the rows, so the scores are exact and no re-rank is needed.
}


/**
 * A view's time, the same in every statement of the transaction (now() is the transaction's):
 * spread evenly over the last 30 days by a hash of the video and the view's number, so that
 * the views counted by day and the recent ones kept as rows are two halves of one set.
 */
const VIEWED_AT = `now() - (abs(hashint8extended(v.id, g) % 1000000) / 1000000.0) * interval '30 days'`;
/** As rollUpViews leaves them: rows for the current and the previous clock hour, older views as daily counts. */
/** Where the g-th view of video v came from: spread over every source, as the studio's statistics show them. */
const SOURCE = `(ARRAY['home', 'search', 'related', 'channel', 'playlist', 'embed', 'external', 'direct'])[1 + ((g + v.id) % 8)::int]`;
const KEPT_AS_ROWS = `date_trunc('hour', now()) - interval '1 hour'`;

/**
 * `count` ready videos spread over `accounts` seeded accounts (a few channels have many),
 * published over two years, one in 50 private and one in 33 unlisted, all pointing at the
 * fixture's thumbnails and storyboard, with their files. Returns the largest video id before
 * them: the seeded videos are those after it.
 * The counters are drawn here (about `viewsPerVideo` views, `ratingsPerVideo` ratings, nine in
 * ten likes; comment_count from the video's public id, as seedComments makes them) and the
 * views, ratings and comments made from them, rather than counted afterwards: an
 * UPDATE of every video wrote the table a second time and scattered it. Rows are inserted in
 * order of publication, as a live site's lie on disk, so no CLUSTER is needed either.
 * search_words (what search plans from) is counted afterwards in one statement, with the
 * functions its trigger uses, the trigger being off for the INSERT: the trigger reads the
 * inserted rows back from a transition table, which took four to five times as long (9 s
 * against 2 at 200,000 videos). Run inside a transaction, so that the trigger is never off
 * for anyone else.
 */
export async function seedVideos(db: Queryable, plan: SeedPlan, words: readonly string[]): Promise<number> {
  const { rows: fixture } = await db.query('SELECT thumbnail_stem, thumbnail_widths, storyboard, width, height FROM videos WHERE id = $1', [plan.fixtureId]);
  const { rows: before } = await db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM videos');
  const after = Number(before[0]!.id);
  await db.query('ALTER TABLE videos DISABLE TRIGGER videos_search_words_insert');
  await db.query(
    `WITH ${SEEDED},
     drawn AS (
       SELECT i, now() - power(random(), 2) * interval '2 years' AS at, 1 + floor(power(random(), 2) * $2::int)::int AS k,
              (random() * $9 * 2)::int AS views, least((random() * $10 * 2)::int, $2::int) AS ratings,
              substr(translate(encode(sha256(('seed' || i)::bytea), 'base64'), '+/=', '-_x'), 1, 11) AS public_id,
              CASE WHEN i % 50 = 0 THEN 'private' WHEN i % 33 = 0 THEN 'unlisted' ELSE 'public' END AS visibility
       FROM generate_series(1, $1) AS i
     ),
     counted AS (
       SELECT d.*, s.id AS owner_id, floor(d.ratings * 0.1 + random())::int AS dislikes,
              ${commentCountOf('d.public_id', 'd.visibility')} AS comments
       FROM drawn d JOIN seeded s ON s.k = d.k
       -- Sorted here, before the titles and descriptions make the rows wide.
       ORDER BY d.at
     )
     INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, status, progress, duration_seconds, width, height,
                         video_codec, audio_codec, thumbnail_stem, thumbnail_widths, storyboard, created_at, published_at,
                         view_count, like_count, dislike_count, comment_count)
     SELECT c.public_id,
            c.owner_id,
            initcap(w[1 + (i * 31) % n]) || ' ' || w[1 + (i * 17) % n] || ' ' || w[1 + (i * 7 + 3) % n] || ' ' || w[1 + (i * 11 + 5) % n],
            'In this video: ' || w[1 + (i * 5) % n] || ', ' || w[1 + (i * 19) % n] || ' and ' || w[1 + (i * 23) % n] || '. '
              || 'Chapters: 0:00 intro, 1:30 ' || w[1 + (i * 29) % n] || '. More at https://example.org/' || w[1 + (i * 37) % n],
            ARRAY[w[1 + (i * 3) % n], w[1 + (i * 13) % n], w[1 + (i * 41) % n]],
            c.visibility,
            'ready', 100, 30 + (i::bigint * 7919) % 3600, $4, $5, 'h264', 'aac', $6, $8, $7,
            c.at, c.at, c.views, c.ratings - c.dislikes, c.dislikes, c.comments
     FROM counted c, (SELECT $3::text[] AS w, array_length($3::text[], 1) AS n) words`,
    [plan.count, plan.accounts, words, fixture[0].width, fixture[0].height, fixture[0].thumbnail_stem, fixture[0].storyboard, fixture[0].thumbnail_widths,
      plan.viewsPerVideo, plan.ratingsPerVideo],
  );
  await db.query('ALTER TABLE videos ENABLE TRIGGER videos_search_words_insert');
  await db.query(
    `SELECT tubestead_change_search_words(array_agg(c.word), array_agg(c.n)) FROM (
       SELECT w.word, count(*)::integer AS n FROM videos v, tubestead_search_words(v.search) AS w (word)
       WHERE v.id > $1 AND v.status = 'ready' AND v.visibility = 'public' GROUP BY w.word
     ) c`,
    [after],
  );
  await db.query(
    `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes)
     SELECT v.id, f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes
     FROM videos v CROSS JOIN (SELECT * FROM video_files WHERE video_id = $1 ORDER BY id) f
     WHERE v.id > $2
     ORDER BY v.id`,
    [plan.fixtureId, after],
  );
  return after;
}

/**
 * The views each seeded video (those after `after`) was given in seedVideos: older than the
 * previous hour as daily counts (video_view_days, UTC days, each view from a viewer of its own,
 * and video_view_sources), the rest as rows of video_views, which is what a running site's
 * roll-up leaves; the views spread over every source.
 */
export async function seedViews(db: Queryable, after: number): Promise<void> {
  await db.query(
    `WITH per_source AS MATERIALIZED (
       SELECT v.id AS video_id, d.day, d.source, d.views
       FROM videos v CROSS JOIN LATERAL (
         SELECT (t.at AT TIME ZONE 'UTC')::date AS day, ${SOURCE} AS source, count(*)::int AS views
         FROM generate_series(1, v.view_count) AS g, LATERAL (SELECT ${VIEWED_AT} AS at) t
         WHERE t.at < ${KEPT_AS_ROWS}
         GROUP BY 1, 2
       ) d
       WHERE v.id > $1
     ),
     days AS (
       INSERT INTO video_view_days (video_id, day, views, viewers)
       SELECT video_id, day, sum(views), sum(views) FROM per_source GROUP BY 1, 2
     )
     INSERT INTO video_view_sources (video_id, day, source, views) SELECT video_id, day, source, views FROM per_source`,
    [after],
  );
  await db.query(
    `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at, source, first_today)
     SELECT v.id, 'seed:' || g, date_trunc('hour', t.at), t.at, ${SOURCE}, true
     FROM videos v CROSS JOIN LATERAL generate_series(1, v.view_count) AS g CROSS JOIN LATERAL (SELECT ${VIEWED_AT} AS at) t
     WHERE v.id > $1 AND t.at >= ${KEPT_AS_ROWS}`,
    [after],
  );
}

/**
 * The ratings each seeded video was given in seedVideos, from distinct seeded accounts: its
 * likes first, then its dislikes. Consecutive ratings of a video are `step` accounts apart, and
 * a video has at most `accounts` of them, so no account rates a video twice when `step` and
 * `accounts` have no common factor.
 */
export async function seedRatings(db: Queryable, after: number, accounts: number): Promise<void> {
  const step = ratingStep(accounts);
  await db.query(
    `WITH ${SEEDED}
     INSERT INTO video_ratings (user_id, video_id, value)
     SELECT s.id, v.id, CASE WHEN g <= v.like_count THEN 1 ELSE -1 END
     FROM videos v
     CROSS JOIN LATERAL generate_series(1, v.like_count + v.dislike_count) AS g
     JOIN seeded s ON s.k = 1 + (v.id * 31 + g * $3) % $2
     WHERE v.id > $1
     ORDER BY 1, 2`,
    [after, accounts, step],
  );
}

/** About `perAccount` subscriptions a seeded account, more to the first channels. */
export async function seedSubscriptions(db: Queryable, perAccount: number, accounts: number): Promise<void> {
  await db.query(
    `WITH ${SEEDED},
     picks AS (
       SELECT s.id AS subscriber_id, 1 + floor(power(random(), 2) * $2)::int AS k
       FROM seeded s CROSS JOIN LATERAL generate_series(1, $1) AS g
     )
     INSERT INTO subscriptions (subscriber_id, channel_id)
     SELECT p.subscriber_id, c.id FROM picks p JOIN seeded c ON c.k = p.k
     WHERE c.id <> p.subscriber_id
     ORDER BY 1, 2
     ON CONFLICT DO NOTHING`,
    [perAccount, accounts],
  );
}

/** Subscriber counters from their rows (the video counters were drawn with the videos). */
export async function recountSubscribers(db: Queryable): Promise<void> {
  await db.query(`UPDATE users u SET subscriber_count = c.n FROM (SELECT channel_id, count(*) AS n FROM subscriptions GROUP BY channel_id) c WHERE c.channel_id = u.id`);
}

/** Every video's id in order, for working out their related videos in batches. */
export async function listVideoIds(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM videos ORDER BY id');
  return rows.map((r) => r.id);
}

/** Seeded accounts (seed-1 … seed-N): what an addition to a seeded catalogue spreads over. */
export async function countSeededAccounts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE handle ~ '^seed-[0-9]+$'`);
  return rows[0]!.n;
}

/** A video's row id by its public id (the seed's fixture), or null. */
export async function findVideoIdByPublicId(db: Queryable, publicId: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM videos WHERE public_id = $1', [publicId]);
  return rows[0]?.id ?? null;
}

/** Seeded videos: every video but the media fixture. */
export async function countSeededVideos(db: Queryable, fixtureId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM videos WHERE id <> $1', [fixtureId]);
  return rows[0]!.n;
}
