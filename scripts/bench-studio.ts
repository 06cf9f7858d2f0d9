/**
 * The studio run of `npm run bench` (BENCH_MODE=studio alone): the studio list of a channel
 * with 10,000 videos and the statistics page of a video with 1,000,000 counted views, signed in
 * as that channel, each with autocannon. The channel is a bench-only account (`bench-studio`)
 * seeded here in set-based SQL into the bench's own catalogue, and reused by the next run: its
 * videos are topped up to the count, and the big video's statistics are laid out again around
 * today, since they are kept per day.
 */
import { createRequire } from 'node:module';
import { hashPassword } from '../src/auth/passwords.js';
import { SEED_PASSWORD } from '../src/cli/seed-words.js';
import type { Pool } from '../src/db/pool.js';
import { VIEW_SOURCES } from '../src/http/view-source.js';
import { signIn } from './bench-mix.js';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (opts: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;

export const STUDIO_HANDLE = 'bench-studio';
export const STUDIO_VIDEOS = 10_000;
export const COUNTED_VIEWS = 1_000_000;
/** The days the million views are spread over: the longest period the page offers. */
const VIEW_DAYS = 90;
/** Views of the last two hours, not yet rolled up (the page adds them to the days). */
const RECENT_VIEWS = 2_000;
/** About 3 % of views rate, as on a popular video; at most as many accounts as the catalogue has. */
const RATINGS = 30_000;
/** Issue 10's target for both pages at 16 connections. */
const P99_TARGET_MS = 50;

/** The bench account, its 10,000 videos and the big video's statistics; returns its public id. */
export async function seedStudio(pool: Pool): Promise<{ publicId: string; ratings: number }> {
  const { rows: existing } = await pool.query<{ id: number }>('SELECT id FROM users WHERE handle = $1', [STUDIO_HANDLE]);
  let ownerId = existing[0]?.id;
  if (!ownerId) {
    const { rows } = await pool.query<{ id: number }>(
      `WITH made AS (INSERT INTO users (handle, display_name, password_hash, bio) VALUES ($1, 'Bench studio', $2, 'A channel the benchmark makes.') RETURNING id),
       role AS (INSERT INTO user_roles (user_id, role) SELECT id, 'user' FROM made)
       SELECT id FROM made`,
      [STUDIO_HANDLE, await hashPassword(SEED_PASSWORD)],
    );
    ownerId = rows[0]!.id;
  }
  // Thumbnails of the seeded catalogue's fixture, when there is one, so the list shows pictures.
  await pool.query(
    `INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, status, progress, duration_seconds, width, height,
                         video_codec, audio_codec, thumbnail_stem, thumbnail_widths, storyboard, created_at, published_at)
     SELECT substr(translate(encode(sha256(('bench-studio' || i)::bytea), 'base64'), '+/=', '-_x'), 1, 11), $1,
            'Studio bench video ' || i, 'Made by npm run bench.', ARRAY['bench'],
            CASE WHEN i % 3 = 0 THEN 'unlisted' ELSE 'private' END,
            'ready', 100, 30 + i % 600, 1280, 720, 'h264', 'aac', f.thumbnail_stem, coalesce(f.thumbnail_widths, '{}'), f.storyboard,
            now() - i * interval '1 hour', now() - i * interval '1 hour'
     FROM generate_series(1, $2) i
     LEFT JOIN (SELECT thumbnail_stem, thumbnail_widths, storyboard FROM videos WHERE public_id = 'seedfixture') f ON true
     ON CONFLICT (public_id) DO NOTHING`,
    [ownerId, STUDIO_VIDEOS],
  );
  // The newest is the big one. None is public: listed, they would join the catalogue the other
  // runs draw from (a million views would make this one the mix's most watched video).
  const { rows: big } = await pool.query<{ id: number; public_id: string }>(
    `SELECT id, public_id FROM videos WHERE public_id = substr(translate(encode(sha256('bench-studio1'::bytea), 'base64'), '+/=', '-_x'), 1, 11)`,
  );
  if (!big[0]) throw new Error(`${STUDIO_HANDLE}'s first video is gone: delete the account (or its videos) and run again.`);
  const { id: videoId, public_id: publicId } = big[0];
  for (const table of ['video_view_days', 'video_view_sources', 'video_views', 'video_ratings', 'video_rating_days']) {
    await pool.query(`DELETE FROM ${table} WHERE video_id = $1`, [videoId]);
  }
  // A million views over 90 days, rising towards today, split over the sources; 70 % first views.
  await pool.query(
    `WITH weights AS (SELECT d, 1 + d * 0.02 + 0.3 * sin(d) AS w FROM generate_series(0, $3::int - 1) d),
     days AS (SELECT (now() AT TIME ZONE 'UTC')::date - ($3::int - 1 - d) AS day, round(($2::int - $4::int) * w / sum(w) OVER ())::int AS views FROM weights)
     INSERT INTO video_view_days (video_id, day, views, viewers) SELECT $1, day, views, (views * 0.7)::int FROM days`,
    [videoId, COUNTED_VIEWS, VIEW_DAYS, RECENT_VIEWS],
  );
  await pool.query(
    `INSERT INTO video_view_sources (video_id, day, source, views)
     SELECT d.video_id, d.day, s.source, greatest(1, (d.views * s.share)::int)
     FROM video_view_days d, unnest($2::text[], $3::float8[]) AS s (source, share)
     WHERE d.video_id = $1`,
    [videoId, VIEW_SOURCES, [0.3, 0.25, 0.2, 0.08, 0.05, 0.04, 0.05, 0.03]],
  );
  await pool.query(
    `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at, source, first_today)
     SELECT $1, 'bench:' || g, date_trunc('hour', t.at), t.at, ($3::text[])[1 + g % 8], g % 3 <> 0
     FROM generate_series(1, $2) g CROSS JOIN LATERAL (SELECT now() - random() * interval '90 minutes' + 0 * g * interval '1 second' AS at) t`,
    [videoId, RECENT_VIEWS, VIEW_SOURCES],
  );
  const { rowCount } = await pool.query(
    `INSERT INTO video_ratings (user_id, video_id, value, rated_at)
     SELECT id, $1, CASE WHEN id % 12 = 0 THEN -1 ELSE 1 END, now() - random() * interval '90 days'
     FROM users WHERE id <> $3 ORDER BY id LIMIT $2`,
    [videoId, RATINGS, ownerId],
  );
  // As the migration counts ratings made before rateVideo kept days: each on the day it was set.
  await pool.query(
    `INSERT INTO video_rating_days (video_id, day, likes, dislikes)
     SELECT video_id, (rated_at AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = -1)
     FROM video_ratings WHERE video_id = $1 GROUP BY 1, 2`,
    [videoId],
  );
  await pool.query(
    `UPDATE videos SET view_count = (SELECT sum(views) FROM video_view_days WHERE video_id = $1) + $2,
       like_count = (SELECT count(*) FROM video_ratings WHERE video_id = $1 AND value = 1),
       dislike_count = (SELECT count(*) FROM video_ratings WHERE video_id = $1 AND value = -1)
     WHERE id = $1`,
    [videoId, RECENT_VIEWS],
  );
  await pool.query('VACUUM ANALYZE video_view_days, video_view_sources, video_views, video_ratings, video_rating_days, videos');
  return { publicId, ratings: rowCount ?? 0 };
}

/** The studio table, as Markdown lines. */
export async function studio(pool: Pool, base: string, options: { connections: number; seconds: number; log: (line: string) => void }): Promise<string[]> {
  const started = Date.now();
  const { publicId, ratings } = await seedStudio(pool);
  options.log(`studio: ${STUDIO_HANDLE} with ${STUDIO_VIDEOS} videos, ${publicId} with ${COUNTED_VIEWS} views, seeded in ${((Date.now() - started) / 1000).toFixed(1)} s…`);
  const { cookie } = await signIn(base, STUDIO_HANDLE);
  const pages: [string, string][] = [
    // For scale: what any signed-in page costs here (session, viewer, layout), the least a studio page can.
    ['/settings (signed in, for scale)', '/settings'],
    [`/studio (${STUDIO_VIDEOS.toLocaleString('en')} videos)`, '/studio'],
    [`/studio/videos/:id/stats (${COUNTED_VIEWS.toLocaleString('en')} views, 28 days)`, `/studio/videos/${publicId}/stats`],
    [`/studio/videos/:id/stats?period=90`, `/studio/videos/${publicId}/stats?period=90`],
    [`/studio/videos/:id/stats.csv?period=90`, `/studio/videos/${publicId}/stats.csv?period=90`],
  ];
  const rows: string[] = [];
  const unmet: string[] = [];
  for (const [label, url] of pages) {
    const probe = await fetch(base + url, { headers: { Cookie: cookie }, redirect: 'manual' });
    if (probe.status !== 200) throw new Error(`${url} answered ${probe.status}`);
    const size = (await probe.arrayBuffer()).byteLength;
    options.log(`${label}: ${size} bytes…`);
    await autocannon({ url: base + url, connections: options.connections, duration: Math.min(3, options.seconds), headers: { Cookie: cookie } });
    const run = await autocannon({ url: base + url, connections: options.connections, duration: options.seconds, headers: { Cookie: cookie } });
    if (run.non2xx || run.errors) throw new Error(`${url}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
    // What the machine gives at that moment: a bare Express route sending as many bytes.
    const bare = await autocannon({ url: `${base}/__bare/${size}`, connections: options.connections, duration: options.seconds });
    if (run.latency.p99 >= P99_TARGET_MS && url.startsWith('/studio')) unmet.push(label);
    rows.push(`| \`${label}\` | ${(size / 1024).toFixed(1)} KiB | ${run.requests.average.toFixed(0)} | ${run.latency.p50} / ${run.latency.p99} ms | ${bare.requests.average.toFixed(0)} | ${bare.latency.p50} / ${bare.latency.p99} ms | ${!url.startsWith('/studio') ? '–' : run.latency.p99 < P99_TARGET_MS ? 'met' : '**unmet**'} |`);
  }
  return [
    `### The studio (autocannon, ${options.connections} connections × ${options.seconds} s each, signed in as ${STUDIO_HANDLE})`, '',
    `${STUDIO_VIDEOS.toLocaleString('en')} videos in one channel; one of them with ${COUNTED_VIEWS.toLocaleString('en')} counted views over ${VIEW_DAYS} days (rolled-up days and sources, plus ${RECENT_VIEWS.toLocaleString('en')} views of the last hours not yet rolled up) and ${ratings.toLocaleString('en')} ratings.`, '',
    `| Page | Body | req/s | p50 / p99 | Bare req/s | Bare p50 / p99 | p99 < ${P99_TARGET_MS} ms |`, '|---|---|---|---|---|---|---|',
    ...rows,
    '', `- Target: p99 under ${P99_TARGET_MS} ms for each at ${options.connections} connections: ${unmet.length === 0 ? 'met' : `**unmet** for ${unmet.join(', ')}`}.`,
  ];
}
