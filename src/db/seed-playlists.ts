import { createHash } from 'node:crypto';
import { dropSecondaryIndexes, restoreIndexes } from './bulk-load.js';
import { POSITION_GAP } from './playlist-items.js';
import { withTransaction, type Pool, type Queryable } from './pool.js';
import { WATCH_LATER_TITLE } from './playlists.js';
import { SEEDED } from './seed-accounts.js';

/*
 * The playlists of `npm run seed` (issue 12, item 9), in two set-based statements: the playlists
 * with their item_count drawn, then the items made from it, so every count equals its rows with
 * no UPDATE afterwards (as seed-comments.ts does for comments).
 *
 * - Most accounts keep 0–3 playlists, one in six more (up to 6): floor(u³ × PLAYLISTS_SCALE).
 *   Public, unlisted and private in PRIVACY_SHARES. 5 to 50 videos each, most near the low end.
 * - About a third of the accounts have a Watch later with 1 to 30 videos.
 * - BIG_PLAYLISTS playlists of BIG_PLAYLIST_ITEMS videos (every seeded video when there are
 *   fewer): public, unlisted and private, the benchmark's (scripts/bench-playlists.ts), named by
 *   seededPlaylistId(1…3).
 * - An item's video is drawn from every seeded video, public or not: about one in 50 is private
 *   (an "Unavailable video" to anyone but its owner), one in 33 unlisted (shown: anyone with
 *   the playlist has its link). Positions are POSITION_GAP apart in order, as appends leave them.
 * Everything is drawn by hash from the playlist's number, not random(): the same seed gives the
 * same playlists, so the benchmark finds the big ones by id.
 */

/** The n-th seeded playlist's public id (the SQL below computes the same, as seededPublicId does for videos). */
export function seededPlaylistId(n: number): string {
  return createHash('sha256').update(`playlist${n}`).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, 'x').slice(0, 11);
}

/** The benchmark's big playlists: seededPlaylistId(1) public, (2) unlisted, (3) private (the one whose items the benchmark moves). */
export const BIG_PLAYLIST_ITEMS = 5000;
export const BIG_PLAYLISTS = [
  { publicId: seededPlaylistId(1), privacy: 'public' },
  { publicId: seededPlaylistId(2), privacy: 'unlisted' },
  { publicId: seededPlaylistId(3), privacy: 'private' },
] as const;
/** Owners of the big playlists: seed-2, seed-3, seed-4 (seed-1 owns the media fixture). */
const BIG_OWNER_FIRST = 2;

/** Playlists of an account: floor(u³ × this), 0 for about half, 4 or more for about one in six. */
const PLAYLISTS_SCALE = 7;
/** Videos in a normal playlist: SMALL_MIN + floor(u² × (SMALL_MAX − SMALL_MIN + 1)). */
const SMALL_MIN = 5;
const SMALL_MAX = 50;
/** Cumulative shares of public and unlisted; the rest private. */
const PUBLIC_SHARE = 0.6;
const UNLISTED_SHARE = 0.15;
/** Accounts with a Watch later, and its size: 1 + floor(u² × WATCH_LATER_MAX). */
const WATCH_LATER_SHARE = 0.3;
const WATCH_LATER_MAX = 30;

/** A uniform draw in [0, 1) from `value` under `salt`: the same in every run, unlike random(). */
const draw = (value: string, salt: number) => `((hashint8extended((${value})::bigint, ${salt}) & 1048575)::float8 / 1048576)`;
/** The SQL twin of seededPlaylistId. */
const publicIdOf = (n: string) => `substr(translate(encode(sha256(('playlist' || ${n})::bytea), 'base64'), '+/=', '-_x'), 1, 11)`;

export interface PlaylistSeedPlan {
  accounts: number;
  /** The media fixture, which no playlist holds. */
  fixtureId: number;
}

/** Whether this database has the seed's playlists already. */
export async function hasSeededPlaylists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM playlists WHERE public_id = $1', [BIG_PLAYLISTS[0].publicId]);
  return rows.length > 0;
}

/**
 * The seed's playlists and their items over the videos already there (every video but the
 * fixture), in the caller's transaction; returns how many of each were made.
 */
export async function seedPlaylists(db: Queryable, plan: PlaylistSeedPlan, words: readonly string[]): Promise<{ playlists: number; items: number }> {
  const { rows: counted } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM videos WHERE id <> $1', [plan.fixtureId]);
  const videos = counted[0]!.n;
  if (videos === 0) return { playlists: 0, items: 0 };
  const { rows: before } = await db.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM playlists');
  const after = Number(before[0]!.id);
  const { rowCount: playlists } = await db.query(
    `WITH ${SEEDED},
     big AS (
       SELECT b.n, s.id AS owner_id, 'normal' AS kind, b.privacy, least($4::int, $5::int) AS size
       FROM unnest($6::text[]) WITH ORDINALITY AS b (privacy, n)
       JOIN seeded s ON s.k = 1 + (${BIG_OWNER_FIRST} - 1 + b.n - 1) % $1
     ),
     normal AS (
       SELECT s.k, j, s.id AS owner_id, 'normal' AS kind,
              CASE WHEN ${draw('s.k * 64 + j', 2)} < ${PUBLIC_SHARE} THEN 'public'
                   WHEN ${draw('s.k * 64 + j', 2)} < ${PUBLIC_SHARE + UNLISTED_SHARE} THEN 'unlisted' ELSE 'private' END AS privacy,
              least($5::int, ${SMALL_MIN} + floor(power(${draw('s.k * 64 + j', 3)}, 2) * ${SMALL_MAX - SMALL_MIN + 1})::int) AS size
       FROM seeded s CROSS JOIN LATERAL generate_series(1, floor(power(${draw('s.k', 1)}, 3) * ${PLAYLISTS_SCALE})::int) AS j
     ),
     later AS (
       SELECT s.k, 0 AS j, s.id AS owner_id, 'watch_later' AS kind, 'private' AS privacy,
              least($5::int, 1 + floor(power(${draw('s.k', 5)}, 2) * ${WATCH_LATER_MAX})::int) AS size
       FROM seeded s
       WHERE ${draw('s.k', 4)} < ${WATCH_LATER_SHARE}
         AND NOT EXISTS (SELECT 1 FROM playlists p WHERE p.owner_id = s.id AND p.kind = 'watch_later')
     ),
     drawn AS (
       SELECT n, owner_id, kind, privacy, size FROM big
       UNION ALL
       SELECT cardinality($6::text[]) + row_number() OVER (ORDER BY kind, k, j), owner_id, kind, privacy, size FROM (SELECT * FROM normal UNION ALL SELECT * FROM later) o
     ),
     dated AS (
       SELECT d.*, now() - ${draw('d.n', 6)} * interval '2 years' AS created
       FROM drawn d
     )
     INSERT INTO playlists (public_id, owner_id, kind, title, description, privacy, item_count, created_at, updated_at)
     SELECT ${publicIdOf('d.n')}, d.owner_id, d.kind,
            CASE WHEN d.kind = 'watch_later' THEN $3
                 WHEN d.n <= cardinality($6::text[]) THEN 'Everything about ' || w[1 + (d.n::int * 7) % nw] || ' (' || d.privacy || ', ' || d.size || ' videos)'
                 ELSE initcap(w[1 + (d.n::int * 13) % nw]) || ' ' || w[1 + (d.n::int * 29) % nw]
                      || (ARRAY['', ' mix', ' favourites', ' to watch', ' collection', ' for beginners', ' part 2'])[1 + (d.n::int * 5) % 7] END,
            CASE WHEN d.kind = 'watch_later' OR ${draw('d.n', 7)} < 0.5 THEN ''
                 ELSE 'Videos about ' || w[1 + (d.n::int * 3) % nw] || ', ' || w[1 + (d.n::int * 11) % nw] || ' and ' || w[1 + (d.n::int * 17) % nw] || '.' END,
            d.privacy, d.size, d.created,
            -- Its last change: the last item added (the items below are dated up to it).
            d.created + ${draw('d.n', 8)} * (now() - d.created)
     FROM dated d, (SELECT $2::text[] AS w, array_length($2::text[], 1) AS nw) words
     ORDER BY d.n`,
    [plan.accounts, words, WATCH_LATER_TITLE, BIG_PLAYLIST_ITEMS, videos, BIG_PLAYLISTS.map((b) => b.privacy)],
  );
  // Item j (0-based) of a playlist is video number (start + j × step) mod N among the N seeded
  // videos: with step a prime that does not divide N, the first N of them are all different, so
  // a video is in a playlist at most once without a check. The start is drawn from the public id,
  // not the row's id, so the same seed gives the same items. Rows in order of playlist and position.
  const step = [7919, 7907, 7901].find((prime) => videos % prime !== 0)!;
  const { rowCount: items } = await db.query(
    `WITH vids AS MATERIALIZED (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, public_id FROM videos WHERE id <> $2)
     INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position, added_at)
     SELECT p.id, v.id, v.public_id, (j + 1) * $5::bigint, p.created_at + ((j + 1)::float8 / p.item_count) * (p.updated_at - p.created_at)
     FROM playlists p
     CROSS JOIN LATERAL generate_series(0, p.item_count - 1) AS j
     JOIN vids v ON v.n = (floor(${draw('hashtextextended(p.public_id, 0)', 9)} * $3::bigint)::bigint + j * $4::bigint) % $3::bigint
     WHERE p.id > $1
     ORDER BY p.id, j`,
    [after, plan.fixtureId, videos, step, POSITION_GAP],
  );
  return { playlists: playlists ?? 0, items: items ?? 0 };
}

/**
 * The seed's playlists added to a catalogue seeded without them (`npm run seed -- --only
 * playlists`): one transaction with the two tables' secondary indexes and keys built once after
 * the load, then their statistics.
 */
export async function seedPlaylistsAlone(pool: Pool, plan: PlaylistSeedPlan, words: readonly string[]): Promise<{ playlists: number; items: number }> {
  const made = await withTransaction(pool, async (client) => {
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    const dropped = await dropSecondaryIndexes(client, ['playlists', 'playlist_items']);
    const counts = await seedPlaylists(client, plan, words);
    await restoreIndexes(client, dropped);
    return counts;
  });
  await pool.query('VACUUM ANALYZE playlists, playlist_items');
  return made;
}
