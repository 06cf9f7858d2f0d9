import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Express } from 'express';
import supertest from 'supertest';
import { createTestApp, runDataDir, type TestApp } from './app.js';
import { csrfFrom, signedInAgent, type Agent } from './agent.js';
import { testPool } from './database.js';
import { banUser, createUser } from './factories.js';
import { filesUnder } from './files.js';

/**
 * Statuses of 500 and above that are the right answer, not a failure: oEmbed's specification
 * asks for 501 when a format other than json is requested.
 */
const SPECIFIED_5XX = [{ method: 'GET', path: /^\/oembed(\?|$)/, status: 501 }];

/**
 * For a check-params describe block: the real app behind a wrapper that notes every answer of
 * 500 or more; the block fails, naming each test that caused one. Bad parameters get a 4xx,
 * never a server error, whatever the test itself asserts.
 */
export function useCheckedApp(env: Record<string, string> = {}): TestApp {
  const holder = {} as TestApp;
  const serverErrors: string[] = [];
  before(() => {
    const t = createTestApp(env);
    const checked = (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '';
      res.on('finish', () => {
        const specified = SPECIFIED_5XX.some((s) => s.method === req.method && s.path.test(url) && s.status === res.statusCode);
        if (res.statusCode >= 500 && !specified) serverErrors.push(`${req.method} ${url.replace(/_csrf=[^&]*/, '_csrf=…').slice(0, 120)} answered ${res.statusCode}`);
      });
      return t.app(req as never, res as never);
    };
    Object.assign(holder, t, { app: checked as unknown as Express });
  });
  // Noted per test, and reported at the end of the block by its "after all" hook: a failing
  // afterEach hook would make mocha skip the rest of the block, hiding its other answers.
  const offending: string[] = [];
  afterEach(function () {
    const found = serverErrors.splice(0);
    if (found.length > 0) offending.push(`${this.currentTest?.fullTitle()}:\n    ${found.join('\n    ')}`);
  });
  after(() => {
    assert.deepEqual(offending, [], `requests answered with a server error:\n  ${offending.join('\n  ')}`);
  });
  return holder;
}

const tokens = new WeakMap<Agent, string>();

/** The agent's CSRF token, read once from a page that carries it. */
export async function tokenOf(agent: Agent, page = '/login'): Promise<string> {
  if (!tokens.has(agent)) tokens.set(agent, csrfFrom((await agent.get(page)).text));
  return tokens.get(agent)!;
}

/** A form post as the site's pages send it: the session's token in the hidden _csrf field. */
export async function postForm(agent: Agent, url: string, form: Record<string, string> = {}, options: { tokenPage?: string } = {}) {
  const token = await tokenOf(agent, options.tokenPage ?? '/');
  return agent.post(url).type('form').send({ _csrf: token, ...form });
}

/** A signed-out visitor holding a form's token, as one who opened a form and sends it. */
export async function anonymousAgent(app: Express): Promise<Agent> {
  const agent = supertest.agent(app);
  await tokenOf(agent, '/login');
  return agent;
}

/**
 * An account signed in, then banned, that opens a form again: its first request finds it
 * signed out, and the token it then holds is a signed-out visitor's. (A form opened before
 * the ban is refused as expired, 403: the route matrix checks that case.)
 */
export async function bannedAgent(app: Express): Promise<Agent> {
  const user = await createUser();
  const agent = await signedInAgent(app, user);
  await banUser(user);
  assertSignIn(await agent.get('/settings'), '/settings');
  await tokenOf(agent, '/login');
  return agent;
}

/** 303 to the sign-in page, coming back to `next` when given. */
export function assertSignIn(res: supertest.Response, next?: string): void {
  assert.equal(res.status, 303, `expected the sign-in redirect, got ${res.status}`);
  const location = String(res.headers.location ?? '');
  assert.match(location, /^\/login\?next=/);
  if (next !== undefined) assert.equal(location, `/login?next=${encodeURIComponent(next)}`);
}

/** Where a request may leave files in the run's DATA_DIR: temporary uploads, originals, avatars. */
const WRITTEN_DIRS = ['tmp', 'media/originals', 'media/avatars'];

/**
 * What a refused request must not change: the row counts of every table people write to, a
 * checksum of the account and video columns forms change, and the files kept for uploads and
 * avatars (a refused upload leaves no temporary file behind).
 */
export async function snapshot(): Promise<Record<string, unknown>> {
  const files = WRITTEN_DIRS.flatMap((dir) => filesUnder(path.join(runDataDir(), dir))).map((f) => path.relative(runDataDir(), f)).sort();
  return { ...(await countRows()), files };
}

async function countRows(): Promise<Record<string, unknown>> {
  const { rows } = await testPool().query(`SELECT
    (SELECT count(*) FROM users)::int AS users,
    (SELECT count(*) FROM user_roles)::int AS user_roles,
    (SELECT count(*) FROM videos)::int AS videos,
    (SELECT count(*) FROM video_files)::int AS video_files,
    (SELECT count(*) FROM video_ratings)::int AS video_ratings,
    (SELECT count(*) FROM video_views)::int AS video_views,
    (SELECT count(*) FROM watched_videos)::int AS watched_videos,
    (SELECT count(*) FROM subscriptions)::int AS subscriptions,
    (SELECT count(*) FROM comment_revisions)::int AS comment_revisions,
    (SELECT count(*) FROM audit_log)::int AS audit_log,
    (SELECT md5(coalesce(string_agg(concat_ws('|', r.name, r.description, rp.permission), ',' ORDER BY r.name, rp.permission), '')) FROM roles r LEFT JOIN role_permissions rp ON rp.role = r.name) AS roles_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, reason, body, video_time_seconds, status, updated_at), ',' ORDER BY id), '')) FROM reports) AS reports_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, status, severity, report_count, last_reported_at), ',' ORDER BY id), '')) FROM report_items) AS report_items_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, claimed_by, claimed_at, action, handled_by), ',' ORDER BY id), '')) FROM report_items) AS report_claims_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, user_id, reason, message, note, seen_at), ',' ORDER BY id), '')) FROM warnings) AS warnings_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, title, description, privacy, item_count), ',' ORDER BY id), '')) FROM playlists) AS playlists_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, playlist_id, video_public_id, position), ',' ORDER BY id), '')) FROM playlist_items) AS playlist_items_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, body, reply_count, like_count, dislike_count, deleted_at, edited_at), ',' ORDER BY id), '')) FROM comments) AS comments_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, comment_count), ',' ORDER BY id), '')) FROM videos) AS comment_counts_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', video_id, language, label, md5(vtt)), ',' ORDER BY video_id, language), '')) FROM video_captions) AS captions_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, display_name, bio, email, avatar_key, password_hash, deleted_at, banned_at, ban_reason, ban_note, banned_until, subscriber_count), ',' ORDER BY id), '')) FROM users) AS users_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, title, description, visibility, status, progress, view_count, like_count, dislike_count), ',' ORDER BY id), '')) FROM videos) AS videos_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', v.id, v.chapters_source, c.start_seconds, c.title), ',' ORDER BY v.id, c.start_seconds), '')) FROM videos v LEFT JOIN video_chapters c ON c.video_id = v.id) AS chapters_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', user_id, max_upload_bytes, uploads_per_day, upload_bytes_per_day, storage_quota_bytes), ',' ORDER BY user_id), '')) FROM upload_overrides) AS upload_overrides_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, held, held_reason), ',' ORDER BY id), '')) FROM comments WHERE held) AS comment_holds_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', key, value::text, updated_at), ',' ORDER BY key), '')) FROM site_settings) AS site_settings_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, pending_at), ',' ORDER BY id), '')) FROM users WHERE pending_at IS NOT NULL) AS pending_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, moderation), ',' ORDER BY id), '')) FROM videos) AS moderation_sum,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, appealed_at, decided_at, restored_at), ',' ORDER BY id), '')) FROM video_takedowns) AS takedowns_sum`);
  return rows[0];
}

/** Runs `act` and asserts that it changed nothing `snapshot` sees; returns its answer. */
export async function withoutWrites<T>(act: () => Promise<T>): Promise<T> {
  const before = await snapshot();
  const result = await act();
  assert.deepEqual(await snapshot(), before, 'a refused request wrote something');
  return result;
}

/** Ids that look right but name nothing, and ids that are not ids at all. */
export const UNKNOWN_ID = 'AAAAAAAAAAA';
export const MALFORMED_IDS = ['short', 'x'.repeat(12), '..%2F..%2Fetc', '%00%00%00%00%00%00%00%00%00%00%00'];
