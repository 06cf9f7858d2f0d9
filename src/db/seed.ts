import type { Queryable } from './pool.js';

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

/**
 * `count` ready videos spread over `accounts` seeded accounts (a few channels have many),
 * published over two years, one in 50 private and one in 33 unlisted, all pointing at the
 * fixture's thumbnails and storyboard. One INSERT, so that search_words (what search plans
 * from) is counted by its statement trigger in one pass: a few seconds of a 300,000-video
 * insert that takes about a minute here.
 */
export async function seedVideos(db: Queryable, count: number, accounts: number, words: readonly string[], fixtureId: number): Promise<void> {
  const { rows: fixture } = await db.query('SELECT thumbnail_stem, thumbnail_widths, storyboard, duration_seconds, width, height FROM videos WHERE id = $1', [fixtureId]);
  await db.query(
    `INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, status, progress, duration_seconds, width, height,
                         video_codec, audio_codec, thumbnail_stem, thumbnail_widths, storyboard, created_at, published_at)
     SELECT substr(translate(encode(sha256(('seed' || i)::bytea), 'base64'), '+/=', '-_x'), 1, 11),
            u.id,
            initcap(w[1 + (i * 31) % n]) || ' ' || w[1 + (i * 17) % n] || ' ' || w[1 + (i * 7 + 3) % n] || ' ' || w[1 + (i * 11 + 5) % n],
            'In this video: ' || w[1 + (i * 5) % n] || ', ' || w[1 + (i * 19) % n] || ' and ' || w[1 + (i * 23) % n] || '. '
              || 'Chapters: 0:00 intro, 1:30 ' || w[1 + (i * 29) % n] || '. More at https://example.org/' || w[1 + (i * 37) % n],
            ARRAY[w[1 + (i * 3) % n], w[1 + (i * 13) % n], w[1 + (i * 41) % n]],
            CASE WHEN i % 50 = 0 THEN 'private' WHEN i % 33 = 0 THEN 'unlisted' ELSE 'public' END,
            'ready', 100, 30 + (i::bigint * 7919) % 3600, $4, $5, 'h264', 'aac', $6, $8, $7,
            p.at, p.at
     FROM generate_series(1, $1) AS i,
          LATERAL (SELECT $3::text[] AS w, array_length($3::text[], 1) AS n) words,
          -- "+ 0 * i" ties each LATERAL to its row, so random() runs per video instead of once.
          LATERAL (SELECT now() - (power(random(), 2) * interval '2 years') + 0 * i * interval '1 second' AS at) p,
          -- The random handle is picked in its own step: inside the WHERE, random() would run per scanned row.
          LATERAL (SELECT 'seed-' || (1 + floor(power(random(), 2) * $2) + 0 * i)::int AS handle) pick,
          LATERAL (SELECT id FROM users WHERE handle = pick.handle) u`,
    [count, accounts, words, fixture[0].width, fixture[0].height, fixture[0].thumbnail_stem, fixture[0].storyboard, fixture[0].thumbnail_widths],
  );
  await db.query(
    `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes)
     SELECT v.id, f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes
     FROM videos v CROSS JOIN video_files f
     WHERE v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%') AND v.id <> $1 AND f.video_id = $1
       AND NOT EXISTS (SELECT 1 FROM video_files x WHERE x.video_id = v.id)`,
    [fixtureId],
  );
}

/**
 * About `perVideo` views a video over the last 30 days, from as many viewers (each its first of
 * the day), from sources drawn at random.
 */
export async function seedViews(db: Queryable, perVideo: number): Promise<void> {
  await db.query(
    `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at, source, first_today)
     SELECT v.id, 'seed:' || g, date_trunc('hour', t.at), t.at,
            (ARRAY['home', 'search', 'related', 'channel', 'playlist', 'embed', 'external', 'direct'])[1 + (g * 7 + v.id) % 8], true
     FROM videos v
     CROSS JOIN LATERAL generate_series(1, (random() * $1 * 2 + 0 * v.id)::int) AS g
     CROSS JOIN LATERAL (SELECT now() - random() * interval '30 days' + 0 * g * interval '1 second' AS at) t
     WHERE v.public_id <> 'seedfixture' AND v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%')
     ON CONFLICT DO NOTHING`,
    [perVideo],
  );
}

/** About `perVideo` ratings a video, nine in ten likes, from seeded accounts. */
export async function seedRatings(db: Queryable, perVideo: number, accounts: number): Promise<void> {
  await db.query(
    `INSERT INTO video_ratings (user_id, video_id, value)
     SELECT u.id, v.id, CASE WHEN random() < 0.9 THEN 1 ELSE -1 END
     FROM videos v
     CROSS JOIN LATERAL generate_series(1, (random() * $1 * 2 + 0 * v.id)::int) AS g
     JOIN users u ON u.handle = 'seed-' || (1 + (v.id * 31 + g * 7919) % $2)
     WHERE v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%')
     ON CONFLICT DO NOTHING`,
    [perVideo, accounts],
  );
}

/** About `perAccount` subscriptions a seeded account, more to the first channels. */
export async function seedSubscriptions(db: Queryable, perAccount: number, accounts: number): Promise<void> {
  await db.query(
    `INSERT INTO subscriptions (subscriber_id, channel_id)
     SELECT s.id, c.id
     FROM users s
     CROSS JOIN LATERAL generate_series(1, $1) AS g
     CROSS JOIN LATERAL (SELECT 'seed-' || (1 + floor(power(random(), 2) * $2) + 0 * s.id + 0 * g)::int AS handle) pick
     CROSS JOIN LATERAL (SELECT id FROM users WHERE handle = pick.handle) c
     WHERE s.handle LIKE 'seed-%' AND c.id <> s.id
     ON CONFLICT DO NOTHING`,
    [perAccount, accounts],
  );
}

/** Views, likes, dislikes and subscriber counters from their rows. */
export async function recountCounters(db: Queryable): Promise<void> {
  await db.query(`UPDATE videos v SET view_count = c.n FROM (SELECT video_id, count(*) AS n FROM video_views GROUP BY video_id) c WHERE c.video_id = v.id`);
  await db.query(`UPDATE videos v SET like_count = c.likes, dislike_count = c.dislikes FROM (
    SELECT video_id, count(*) FILTER (WHERE value = 1) AS likes, count(*) FILTER (WHERE value = -1) AS dislikes FROM video_ratings GROUP BY video_id) c WHERE c.video_id = v.id`);
  await db.query(`UPDATE users u SET subscriber_count = c.n FROM (SELECT channel_id, count(*) AS n FROM subscriptions GROUP BY channel_id) c WHERE c.channel_id = u.id`);
}

/**
 * A live site's videos lie on disk in about the order they were published, with counters
 * changed in place; seeded ones were inserted in random order and then rewritten by the counter
 * updates. Rewriting the table in publication order makes a benchmark's reads look like a live
 * site's instead of touching three times as many pages.
 */
export async function layOutVideosByPublication(db: Queryable): Promise<void> {
  await db.query('CREATE INDEX seed_layout_idx ON videos (published_at DESC NULLS LAST, id DESC)');
  await db.query('CLUSTER videos USING seed_layout_idx');
  await db.query('DROP INDEX seed_layout_idx');
  await db.query('VACUUM ANALYZE');
}

/** Every video's id in order, for working out their related videos in batches. */
export async function listVideoIds(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM videos ORDER BY id');
  return rows.map((r) => r.id);
}
