import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase } from '../../src/db/embedded.js';
import { POSITION_GAP } from '../../src/db/playlist-items.js';
import { BUSY_REPLIES, BUSY_ROOTS, BUSY_VIDEO, QUIET_VIDEO } from '../../src/db/seed-comments.js';
import { BIG_PLAYLISTS } from '../../src/db/seed-playlists.js';
import { ROOT_DIR } from '../../src/paths.js';
import { testDatabaseUrl, testPool } from '../helpers/database.js';
import { recountedSearchWords, storedSearchWords } from '../helpers/search.js';

const exec = promisify(execFile);

describe('npm run seed', function () {
  this.timeout(180_000);
  // A database of its own on the test server: seeded rows would show in every other test's listings.
  let url: URL;
  let dataDir: string;

  before(async () => {
    url = new URL(testDatabaseUrl());
    url.pathname = `${url.pathname}_seed`;
    await createDatabaseIfMissing(url.toString());
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-seed-test-'));
  });

  after(async () => {
    await dropDatabase(url.toString());
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const seed = (...args: string[]) => exec(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src/cli/seed.ts'), ...(args.length ? args : ['--users', '40', '--videos', '400'])], {
    cwd: ROOT_DIR, env: { ...process.env, DATABASE_URL: url.toString(), DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  });

  it("makes accounts, videos, views, ratings and subscriptions whose counters equal their rows, and every video's related videos", async () => {
    await seed();
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT
        (SELECT count(*) FROM users WHERE handle LIKE 'seed-%')::int AS users,
        (SELECT count(*) FROM videos)::int AS videos,
        (SELECT count(*) FROM videos WHERE visibility <> 'public')::int AS hidden,
        (SELECT count(*) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE f.kind = 'rendition')::int AS renditions,
        (SELECT count(*) FROM video_views)::int AS recent_views, (SELECT count(*) FROM video_views)::int + (SELECT coalesce(sum(views), 0) FROM video_view_days)::int AS views, (SELECT sum(view_count) FROM videos)::int AS view_count,
        (SELECT count(*) FROM video_ratings WHERE value = 1)::int AS likes, (SELECT sum(like_count) FROM videos)::int AS like_count,
        (SELECT count(*) FROM subscriptions)::int AS subscriptions, (SELECT sum(subscriber_count) FROM users)::int AS subscriber_count,
        (SELECT count(*) FROM videos v WHERE NOT EXISTS (SELECT 1 FROM video_related r WHERE r.video_id = v.id))::int AS without_related,
        (SELECT count(*) FROM video_related WHERE cardinality(related_ids) = 0)::int AS empty_related,
        (SELECT count(*) FROM videos WHERE thumbnail_widths <> '{320,480,640,1280}')::int AS without_every_width,
        (SELECT count(*) FROM videos v WHERE (SELECT count(*) FROM video_files f WHERE f.video_id = v.id AND f.kind = 'thumbnail') <> 8)::int AS without_every_thumbnail`);
      const c = rows[0];
      assert.equal(c.users, 40);
      assert.equal(c.videos, 401, 'the videos and the shared fixture');
      assert.ok(c.hidden > 0, 'some unlisted and private ones');
      assert.ok(c.renditions >= 400, 'every video plays the shared fixture');
      assert.ok(c.views > 400 && c.likes > 100 && c.subscriptions > 40, JSON.stringify(c));
      assert.equal(c.view_count, c.views);
      assert.ok(c.recent_views < c.views / 10, 'views of past hours are rolled up into daily counts');
      assert.equal(c.like_count, c.likes);
      assert.equal(c.subscriber_count, c.subscriptions);
      assert.equal(c.without_related, 0, 'every video has its related videos stored');
      assert.ok(c.empty_related < 10, `${c.empty_related} empty lists`);
      assert.equal(c.without_every_width, 0, 'every seeded video offers the four thumbnail widths');
      assert.equal(c.without_every_thumbnail, 0, 'and has their files, WebP and JPEG');
      const { rows: thumbnails } = await db.query(`SELECT f.storage_key FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.public_id <> 'seedfixture' AND f.kind = 'thumbnail' LIMIT 8`);
      for (const { storage_key: key } of thumbnails) assert.ok(fs.existsSync(path.join(dataDir, 'media', key)), key);
      const words = await storedSearchWords(db);
      assert.deepEqual([...words].sort(), [...(await recountedSearchWords(db))].sort(), 'search words counted as a recount would');
      assert.equal(words.get(''), c.videos - c.hidden, 'every listed video counted');
    } finally {
      await db.end();
    }
  });

  it('makes comments, replies, likes and revisions whose counters equal their rows, and the busy video of the benchmark', async () => {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT
        (SELECT count(*) FROM comments)::int AS comments,
        (SELECT count(*) FROM comments WHERE thread_id IS NOT NULL)::int AS replies,
        (SELECT count(*) FROM videos v WHERE v.comment_count <> (SELECT count(*) FROM comments c WHERE c.video_id = v.id AND c.deleted_at IS NULL AND NOT c.held))::int AS wrong_comment_count,
        (SELECT count(*) FROM comments r WHERE r.reply_count <> (SELECT count(*) FROM comments c WHERE c.thread_id = r.id AND NOT c.held))::int AS wrong_reply_count,
        (SELECT count(*) FROM comments c WHERE c.like_count <> (SELECT count(*) FROM comment_ratings r WHERE r.comment_id = c.id AND r.value = 1)
           OR c.dislike_count <> (SELECT count(*) FROM comment_ratings r WHERE r.comment_id = c.id AND r.value = -1))::int AS wrong_rating_count,
        (SELECT count(*) FROM comment_ratings)::int AS ratings,
        (SELECT count(*) FROM comments c JOIN comments r ON r.id = c.thread_id WHERE r.thread_id IS NOT NULL OR r.video_id <> c.video_id OR c.id < r.id OR c.created_at < r.created_at)::int AS bad_threads,
        (SELECT count(*) FROM comments c JOIN users u ON u.id = c.reply_to_user_id WHERE c.body NOT LIKE '@' || u.handle || ' %')::int AS unmentioned,
        (SELECT count(*) FROM comments WHERE reply_to_user_id IS NOT NULL)::int AS replies_to_replies,
        (SELECT count(*) FROM comments WHERE body ~ '^[0-9]{1,2}:[0-9]{2}')::int AS timecoded,
        (SELECT count(*) FROM comments c JOIN videos v ON v.id = c.video_id WHERE v.visibility = 'private')::int AS on_private,
        (SELECT count(*) FROM comments WHERE pinned_at IS NOT NULL)::int AS pinned,
        (SELECT count(*) FROM comments WHERE hearted_at IS NOT NULL)::int AS hearted,
        (SELECT count(*) FROM comments WHERE edited_at IS NOT NULL)::int AS edited,
        (SELECT count(*) FROM comments c WHERE c.edited_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comment_revisions r WHERE r.comment_id = c.id))::int AS edited_without_revision,
        (SELECT count(*) FROM comments c JOIN videos v ON v.id = c.video_id WHERE v.public_id = $1 AND c.thread_id IS NULL)::int AS busy_roots,
        (SELECT count(*) FROM comments c JOIN videos v ON v.id = c.video_id WHERE v.public_id = $1 AND c.thread_id IS NOT NULL)::int AS busy_replies,
        (SELECT comment_count FROM videos WHERE public_id = $2) AS quiet_comments,
        (SELECT visibility FROM videos WHERE public_id = $2) AS quiet_visibility,
        (SELECT max(id) FROM comments) AS last_id, (SELECT last_value FROM comments_id_seq) AS identity`, [BUSY_VIDEO, QUIET_VIDEO]);
      const c = rows[0];
      assert.equal(c.busy_roots, BUSY_ROOTS, JSON.stringify(c));
      assert.equal(c.busy_replies, BUSY_REPLIES);
      assert.equal(c.quiet_comments, 0, 'the quiet video has none');
      assert.equal(c.quiet_visibility, 'public');
      assert.ok(c.comments - c.busy_roots - c.busy_replies > 400 * 5, `about ten a listed video: ${c.comments}`);
      assert.equal(c.wrong_comment_count, 0, 'videos.comment_count equals its comments not deleted');
      assert.equal(c.wrong_reply_count, 0, 'comments.reply_count equals its replies');
      assert.equal(c.wrong_rating_count, 0, 'like and dislike counts equal the ratings');
      assert.ok(c.ratings > c.comments, 'likes in proportion');
      assert.equal(c.bad_threads, 0, 'replies join a root of the same video, after it');
      assert.ok(c.replies_to_replies > 0 && c.unmentioned === 0, 'a reply to a reply starts with @handle');
      assert.ok(c.timecoded > 0 && c.pinned > 0 && c.hearted > 0 && c.edited > 0, JSON.stringify(c));
      assert.equal(c.on_private, 0);
      assert.equal(c.edited_without_revision, 0, 'an edited comment keeps its earlier text');
      assert.equal(String(c.identity), String(c.last_id), 'the next comment posted takes the next id');
    } finally {
      await db.end();
    }
  });

  it('makes playlists of every privacy, Watch later for some accounts, and the three big ones of the benchmark, each with item_count equal to its rows and positions GAP apart', async () => {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const c = await playlistFigures(db);
      assert.ok(c.normal > 40 && c.normal < 40 * 3, `about one or two an account: ${JSON.stringify(c)}`);
      assert.ok(c.public > 0 && c.unlisted > 0 && c.private > 0, 'every privacy');
      assert.ok(c.watch_later > 0 && c.watch_later < 40, 'Watch later for some accounts');
      assert.equal(c.watch_later_not_private, 0);
      assert.ok(c.accounts_with_many > 0, 'some accounts keep more than three');
      assert.ok(c.small_median >= 5 && c.small_median <= 30, `sizes mostly small: median ${c.small_median}`);
      assert.equal(c.wrong_count, 0, 'item_count equals the rows');
      assert.equal(c.off_gap, 0, 'positions are 1, 2, 3 … × GAP in each playlist');
      assert.equal(c.with_fixture, 0, 'the media fixture is in no playlist');
      assert.ok(c.unavailable > 0 && c.unavailable < c.items / 10, `a few private videos among the items: ${c.unavailable} of ${c.items}`);
      assert.deepEqual(c.big, BIG_PLAYLISTS.map((b) => `${b.publicId} ${b.privacy} 400`), 'the big ones hold every seeded video when there are fewer than 5,000');
    } finally {
      await db.end();
    }
  });

  it('adds the same playlists to a catalogue seeded without them (--only playlists), and refuses to add them twice', async () => {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const seeded = await playlistFigures(db);
      const { rows: before } = await db.query(`SELECT p.public_id, p.title, p.privacy, p.item_count, array_agg(i.video_public_id ORDER BY i.position) AS videos
        FROM playlists p JOIN playlist_items i ON i.playlist_id = p.id GROUP BY p.id ORDER BY p.public_id`);
      await db.query('DELETE FROM playlists');
      await seed('--only', 'playlists');
      assert.deepEqual(await playlistFigures(db), seeded);
      const { rows: after } = await db.query(`SELECT p.public_id, p.title, p.privacy, p.item_count, array_agg(i.video_public_id ORDER BY i.position) AS videos
        FROM playlists p JOIN playlist_items i ON i.playlist_id = p.id GROUP BY p.id ORDER BY p.public_id`);
      assert.deepEqual(after, before, 'the same playlists, with the same videos in the same order');
      await assert.rejects(seed('--only', 'playlists'), (err: { code: number; stderr: string }) => err.code === 1 && /playlists already/.test(err.stderr));
    } finally {
      await db.end();
    }
  });

  it('adds moderators, the report queue and the audit log to a seeded catalogue (--only moderation), consistent with themselves, and refuses to add them twice', async () => {
    await seed('--only', 'moderation');
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT
        (SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'moderator' AND u.handle LIKE 'seed-%')::int AS moderators,
        (SELECT count(*) FROM user_roles WHERE role = 'admin')::int AS admins,
        (SELECT count(*) FROM report_items WHERE status = 'open')::int AS open,
        (SELECT count(DISTINCT target_kind) FROM report_items WHERE status = 'open')::int AS kinds,
        (SELECT count(DISTINCT severity) FROM report_items WHERE status = 'open')::int AS severities,
        (SELECT count(*) FROM report_items WHERE status = 'open' AND report_count > 1)::int AS several,
        (SELECT count(*) FROM report_items WHERE status <> 'open')::int AS closed,
        (SELECT count(*) FROM report_items i WHERE i.status <> 'open' AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = i.handled_by AND r.role = 'moderator'))::int AS closed_by_others,
        (SELECT count(*) FROM report_items i WHERE ROW(i.report_count, i.severity, i.first_reported_at, i.last_reported_at)
           IS DISTINCT FROM (SELECT ROW(count(*)::int, max(r.severity), min(r.created_at), max(r.created_at)) FROM reports r WHERE r.item_id = i.id))::int AS inconsistent,
        (SELECT count(*) FROM reports r JOIN report_items i ON i.id = r.item_id WHERE r.status <> i.status OR r.reporter_id = i.target_owner_id
           OR (r.target_kind, r.target_id) <> (i.target_kind, i.target_id))::int AS bad_reports,
        (SELECT count(*) FROM report_items i WHERE i.target_owner_id <> CASE i.target_kind WHEN 'video' THEN (SELECT owner_id FROM videos WHERE id = i.target_id)
           WHEN 'comment' THEN (SELECT author_id FROM comments WHERE id = i.target_id) ELSE i.target_id END)::int AS wrong_owner,
        (SELECT count(*) FROM audit_log)::int AS audit,
        (SELECT count(DISTINCT actor_id) FROM audit_log)::int AS actors,
        (SELECT count(*) FROM audit_log WHERE actor_id IS NULL)::int AS by_site,
        (SELECT count(DISTINCT action) FROM audit_log)::int AS actions,
        (SELECT count(*) FROM audit_log a WHERE a.action = 'report.dismiss' AND NOT EXISTS (SELECT 1 FROM report_items i WHERE i.id = a.target_id::bigint AND i.status = 'dismissed'))::int AS dangling_dismissals,
        (SELECT count(*) FROM (SELECT created_at < lag(created_at) OVER (ORDER BY id) AS back FROM audit_log) x WHERE back)::int AS out_of_order,
        (SELECT max(n) FROM (SELECT count(*) AS n FROM audit_log WHERE actor_id IS NOT NULL GROUP BY actor_id) x)::int AS busiest,
        (SELECT min(n) FROM (SELECT count(*) AS n FROM audit_log WHERE actor_id IS NOT NULL GROUP BY actor_id) x)::int AS rarest`);
      const c = rows[0];
      assert.equal(c.moderators, 12, JSON.stringify(c));
      assert.equal(c.admins, 1);
      assert.ok(c.open >= 380 && c.open <= 400, `about one open item a video: ${c.open}`);
      assert.equal(c.kinds, 3, 'videos, comments and channels');
      assert.ok(c.severities >= 6, 'reasons of every kind of gravity');
      assert.ok(c.several > 20 && c.several < c.open / 2, `several reports for some items: ${c.several}`);
      assert.ok(c.closed > c.open, 'handled and dismissed items besides');
      assert.equal(c.closed_by_others, 0, 'closed by the seeded moderators');
      assert.equal(c.inconsistent, 0, 'count, severity and times of every item are its reports\'');
      assert.equal(c.bad_reports, 0, 'reports share their item\'s state and thing, and nobody reports their own');
      assert.equal(c.wrong_owner, 0, 'the item is about the thing\'s owner');
      assert.equal(c.audit, 4000, 'ten audit rows a video');
      assert.ok(c.actors > 20, `the moderators, the admin and many creators: ${c.actors}`);
      assert.ok(c.by_site > 0 && c.actions >= 8, JSON.stringify(c));
      assert.ok(c.busiest > 20 * c.rarest, `a few busy actors, many rare: ${c.busiest} and ${c.rarest}`);
      assert.equal(c.dangling_dismissals, 0, 'each dismissal names a dismissed item');
      assert.equal(c.out_of_order, 0, 'ids follow time, as in a log appended over the year');
    } finally {
      await db.end();
    }
    await assert.rejects(seed('--only', 'moderation'), (err: { code: number; stderr: string }) => err.code === 1 && /already/.test(err.stderr));
  });

  it('leaves every index, constraint and trigger as the migrations made them (the load drops some and builds them again)', async () => {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      assert.deepEqual(await schemaObjects(db), await schemaObjects(testPool()));
    } finally {
      await db.end();
    }
  });

  it('refuses to seed the same database twice, changing nothing', async () => {
    await assert.rejects(seed(), (err: { code: number; stderr: string }) => err.code === 1 && /seeded already/.test(err.stderr));
  });
});

type Counted = 'normal' | 'public' | 'unlisted' | 'private' | 'watch_later' | 'watch_later_not_private' | 'accounts_with_many' | 'small_median' | 'wrong_count' | 'off_gap' | 'with_fixture' | 'unavailable' | 'items';

/** What the playlists tests check, as one row of figures. */
async function playlistFigures(db: pg.Client): Promise<Record<Counted, number> & { big: string[] }> {
  const { rows } = await db.query(`SELECT
    (SELECT count(*) FROM playlists WHERE kind = 'normal')::int AS normal,
    (SELECT count(*) FROM playlists WHERE kind = 'normal' AND privacy = 'public')::int AS public,
    (SELECT count(*) FROM playlists WHERE privacy = 'unlisted')::int AS unlisted,
    (SELECT count(*) FROM playlists WHERE kind = 'normal' AND privacy = 'private')::int AS private,
    (SELECT count(*) FROM playlists WHERE kind = 'watch_later')::int AS watch_later,
    (SELECT count(*) FROM playlists WHERE kind = 'watch_later' AND (privacy <> 'private' OR title <> 'Watch later'))::int AS watch_later_not_private,
    (SELECT count(*) FROM (SELECT owner_id FROM playlists WHERE kind = 'normal' GROUP BY owner_id HAVING count(*) > 3) m)::int AS accounts_with_many,
    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY item_count) FROM playlists WHERE kind = 'normal' AND NOT public_id = ANY($1::text[])) AS small_median,
    (SELECT count(*) FROM playlists p WHERE p.item_count <> (SELECT count(*) FROM playlist_items i WHERE i.playlist_id = p.id))::int AS wrong_count,
    (SELECT count(*) FROM (SELECT position, row_number() OVER (PARTITION BY playlist_id ORDER BY position) AS n FROM playlist_items) i WHERE i.position <> i.n * $2)::int AS off_gap,
    (SELECT count(*) FROM playlist_items WHERE video_public_id = 'seedfixture')::int AS with_fixture,
    (SELECT count(*) FROM playlist_items i JOIN videos v ON v.id = i.video_id WHERE v.visibility = 'private')::int AS unavailable,
    (SELECT count(*) FROM playlist_items)::int AS items,
    (SELECT array_agg(public_id || ' ' || privacy || ' ' || item_count ORDER BY array_position($1::text[], public_id)) FROM playlists WHERE public_id = ANY($1::text[])) AS big`,
  [BIG_PLAYLISTS.map((b) => b.publicId), POSITION_GAP]);
  return rows[0];
}

/** The indexes, constraints and triggers of a database, with their definitions. */
async function schemaObjects(db: Pick<pg.Client, 'query'>): Promise<string[]> {
  const { rows } = await db.query<{ o: string }>(
    `SELECT indexdef AS o FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL SELECT pg_get_triggerdef(oid) || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
     ORDER BY 1`,
  );
  return rows.map((r) => r.o);
}
