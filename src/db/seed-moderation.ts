import { REMOVAL_REASONS } from '../forms/comment-removal.js';
import { BAN_REASONS } from '../forms/ban.js';
import { REPORT_REASONS, type ReportKind, type ReportReason } from '../forms/report.js';
import { dropSecondaryIndexes, restoreIndexes } from './bulk-load.js';
import { withTransaction, type Pool, type Queryable } from './pool.js';
import { ratingStep, SEEDED } from './seed-accounts.js';
import { channelLive, listed, ownerLive } from './visibility.js';

/*
 * The moderation part of `npm run seed` (issue 13, item 11): the report queue and the audit log
 * at a running site's size, over the catalogue already there, in a few set-based statements.
 *
 * - Moderators: MODERATORS seeded accounts get the `moderator` role and one the `admin` role
 *   (the last ones by md5 of their handle, so never the benchmark's signed-in visitors, which
 *   are the first ones: bench-mix.ts's findFollowers). Moderator 1 is the busiest: the m-th
 *   acts with a share that falls with m (busyModerator).
 * - Open queue items over listed videos, live comments on them and live channels (VIDEO_SHARE,
 *   CHANNEL_SHARE, the rest comments), each thing at most once (the queue's unique key), with
 *   their reports: 1 for about 70 %, up to REPORTS_MAX, each from another seeded account and
 *   never the thing's owner; the reasons drawn per kind (REASON_SHARES), the item's severity the
 *   gravest of its reports; waiting from minutes to OPEN_AGE_DAYS, most not long.
 * - Handled and dismissed items (HANDLED_PER_OPEN of them for each open one, over the last year),
 *   their reports handled with them by a moderator, and one audit row each by that moderator.
 * - The rest of the audit log: moderators' removals, bans and take-downs outside the queue;
 *   creators removing comments on their own videos (many accounts, each a few times: the rare
 *   actors); bans ended by the site (no actor); the admin's role and job actions. Over a year,
 *   ids in order of time as an appended log's are. The rows record; the seed does not remove
 *   the comments, ban the accounts or take the videos down they name.
 * Draws are hashes of a row's number (draw), not random(), so the same catalogue gives the
 * same queue and log (times apart: they count back from now()).
 */

export const MODERATORS = 12;
/** The tables the part loads in bulk (seed.ts's LOADED_TABLES has them too). */
export const MODERATION_TABLES = ['report_items', 'reports', 'audit_log'];
const OPEN_ITEMS_PER_VIDEO = 1;
const AUDIT_ROWS_PER_VIDEO = 10;
/** Shares of the open items about videos and about channels; the rest are about comments. */
const VIDEO_SHARE = 0.4;
const CHANNEL_SHARE = 0.1;
/** At most this share of the videos or comments, and of the channels, is reported at once (targets are drawn without repeats). */
const TARGET_SHARE_MAX = 0.8;
const CHANNEL_SHARE_MAX = 0.3;
/** Reports of an item: 1 + floor(u¹⁰ × REPORTS_MAX) (about 3.5 on average, 1 for 70 %). */
const REPORTS_MAX = 30;
const OPEN_AGE_DAYS = 60;
/** Targets are drawn as a share of their kind this much over the count wanted, then cut at it. */
const SAMPLE_MARGIN = 1.1;
const HANDLED_PER_OPEN = 1.5;
const HANDLED_DISMISSED_SHARE = 0.55;
/** Audit rows not from the queue: cumulative shares of moderators, creators, the site; the rest the admin. */
const MODERATOR_SHARE = 0.45;
const CREATOR_SHARE = 0.45 + MODERATOR_SHARE;
const SITE_SHARE = 0.07 + CREATOR_SHARE;
/** Audit rows carrying a note (moderators' and the admin's). */
const NOTE_SHARE = 0.2;
/** Audit rows drawn for each one wanted: a drawn comment or video may be missing, deleted, held or not listed, and is skipped. */
const OVERSAMPLE = 1.3;

/** Which reasons each kind is reported for, in percent (REPORT_REASONS' codes). */
const REASON_SHARES: Record<ReportKind, Record<ReportReason, number>> = {
  video: { other: 10, spam: 25, copyright: 22, sexual: 12, hate: 6, harassment: 5, privacy: 4, violence: 15, child_safety: 1 },
  comment: { other: 8, spam: 40, copyright: 0, sexual: 5, hate: 15, harassment: 25, privacy: 4, violence: 2, child_safety: 1 },
  channel: { other: 20, spam: 40, copyright: 5, sexual: 5, hate: 10, harassment: 12, privacy: 3, violence: 4, child_safety: 1 },
};

/** The reasons by severity (1 … 9): reasons[severity] in SQL. */
const REASONS_BY_SEVERITY = (Object.keys(REPORT_REASONS) as ReportReason[]).sort((a, b) => REPORT_REASONS[a].severity - REPORT_REASONS[b].severity);

/** A kind's thresholds for width_bucket: 0, then the cumulative shares by severity, so a uniform draw lands on a severity 1 … 9. */
function severityThresholds(kind: ReportKind): number[] {
  let sum = 0;
  const thresholds = [0];
  for (const reason of REASONS_BY_SEVERITY.slice(0, -1)) thresholds.push((sum += REASON_SHARES[kind][reason]) / 100);
  return thresholds;
}

/** A uniform draw in [0, 1) from `value` under `salt`: the same in every run, unlike random(). */
const draw = (value: string, salt: number) => `((hashint8extended((${value})::bigint, ${salt}) & 1048575)::float8 / 1048576)`;

/** A statement's parameters, each added once with its type: `p(value, 'int')` is its `$n::int`. */
function parameters() {
  const values: unknown[] = [];
  const p = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  return { values, p };
}

/** What every statement of the part draws from. */
interface Shared {
  /** Moderators' ids, the busiest first. */
  moderators: string[];
  words: readonly string[];
  /** Seeded accounts (seed-1 … seed-N), and the step between an item's reporters. */
  accounts: number;
  fixtureId: number;
}

/** The m-th moderator (1-based) of `mods`, the first the busiest: floor(M × u³) gives 1 about 44 % of the time with 12. */
const busyModerator = (mods: string, u: string) => `(${mods})[1 + floor(power(${u}, 3) * cardinality(${mods}))::int]`;
/** A short text of `length` words from `w` (nw of them, the join `words`), drawn from `key`. */
const text = (key: string, length: number) => Array.from({ length }, (_, i) => `w[1 + ((${key}) * ${7 + 6 * i} + ${i})::bigint % nw]`).join(` || ' ' || `);
const wordsJoin = (words: string) => `(SELECT ${words} AS w, array_length(${words}, 1) AS nw) words`;
/** Each reason's code in a list of action reasons, by report severity: the reason when the list has it, else 'other'. */
const reasonsIn = (list: object) => REASONS_BY_SEVERITY.map((r) => (Object.hasOwn(list, r) ? r : 'other'));

export interface ModerationSeedPlan {
  /** Open queue items wanted (fewer when the catalogue has fewer things to report). */
  openItems: number;
  /** Audit log rows in all. */
  auditRows: number;
  /** The media fixture, which nobody reports. */
  fixtureId: number;
}

export interface SeededModeration { moderators: number; openItems: number; handledItems: number; reports: number; auditRows: number }

/** Whether this database has the seed's moderators already (and so its queue and log). */
export async function hasSeededModeration(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'moderator' AND u.handle ~ '^seed-[0-9]+$' LIMIT 1`);
  return rows.length > 0;
}

/** The queue and the log over the catalogue, in the caller's transaction; what was made. */
export async function seedModeration(db: Queryable, plan: ModerationSeedPlan, words: readonly string[]): Promise<SeededModeration> {
  const moderators = await grantStaffRoles(db);
  const { rows: counted } = await db.query<{ videos: number; comments: number; channels: number; accounts: number }>(
    `SELECT (SELECT count(*) FROM videos v JOIN users u ON u.id = v.owner_id WHERE ${listed()} AND v.id <> $1)::int AS videos,
            (SELECT count(*) FROM comments c JOIN videos v ON v.id = c.video_id JOIN users u ON u.id = v.owner_id WHERE c.deleted_at IS NULL AND NOT c.held AND ${listed()})::int AS comments,
            (SELECT count(*) FROM users u WHERE u.handle ~ '^seed-[0-9]+$' AND ${channelLive()})::int AS channels,
            (SELECT count(*) FROM users WHERE handle ~ '^seed-[0-9]+$')::int AS accounts`,
    [plan.fixtureId],
  );
  const c = counted[0]!;
  if (moderators.moderators.length === 0 || c.accounts < 2) return { moderators: 0, openItems: 0, handledItems: 0, reports: 0, auditRows: 0 };
  const shared: Shared = { moderators: moderators.moderators, words, accounts: c.accounts, fixtureId: plan.fixtureId };
  const cap = (wanted: number, available: number, share = TARGET_SHARE_MAX) => Math.max(0, Math.min(Math.round(wanted), Math.floor(available * share)));
  const channels = cap(plan.openItems * CHANNEL_SHARE, c.channels, CHANNEL_SHARE_MAX);
  const videos = cap(plan.openItems * VIDEO_SHARE, c.videos);
  const comments = cap(plan.openItems - channels - videos, c.comments);
  const open = await seedReportItems(db, shared, { open: true, videos, comments, channels }, c);
  const closed = Math.round((videos + comments + channels) * HANDLED_PER_OPEN);
  const handled = await seedReportItems(db, shared, {
    open: false, videos: cap(closed * VIDEO_SHARE, c.videos), channels: cap(closed * CHANNEL_SHARE, c.channels, CHANNEL_SHARE_MAX), comments: cap(closed * (1 - VIDEO_SHARE - CHANNEL_SHARE), c.comments),
  }, c);
  const auditRows = await seedAuditLog(db, shared, { rows: Math.max(0, plan.auditRows - handled.items), admin: moderators.admin ?? shared.moderators[0]! });
  return { moderators: shared.moderators.length, openItems: open.items, handledItems: handled.items, reports: open.reports + handled.reports, auditRows };
}

/** The moderator role for MODERATORS seeded accounts and the admin role for one more; their ids (the admin's null when it existed). */
async function grantStaffRoles(db: Queryable): Promise<{ moderators: string[]; admin: string | null }> {
  const { rows } = await db.query<{ id: string; role: string }>(
    `WITH ${SEEDED},
     picked AS (
       SELECT s.id, row_number() OVER (ORDER BY md5(u.handle) DESC) AS n FROM seeded s JOIN users u ON u.id = s.id
       WHERE ${ownerLive('u')} ORDER BY md5(u.handle) DESC LIMIT $1::int + 1
     )
     INSERT INTO user_roles (user_id, role) SELECT id, CASE WHEN n <= $1::int THEN 'moderator' ELSE 'admin' END FROM picked ORDER BY n
     ON CONFLICT DO NOTHING RETURNING user_id AS id, role`,
    [MODERATORS],
  );
  // RETURNING keeps the order of the rows inserted: the busiest moderator first.
  return { moderators: rows.filter((r) => r.role === 'moderator').map((r) => r.id), admin: rows.find((r) => r.role === 'admin')?.id ?? null };
}

/**
 * Items and their reports in one statement: the targets drawn without repeats per kind, the
 * items inserted in order of their first report, then each item's reports from consecutive
 * seeded accounts `step` apart (distinct, as seedRatings draws raters), skipping its owner.
 * Open ones keep the queue's rules (one open item a thing, one open report a reporter and
 * thing); handled ones may be about a thing reported again since.
 */
async function seedReportItems(db: Queryable, shared: Shared, wanted: { open: boolean; videos: number; comments: number; channels: number }, available: { videos: number; comments: number; channels: number }): Promise<{ items: number; reports: number }> {
  const share = (n: number, of: number) => (of > 0 ? Math.min(1, (n / of) * SAMPLE_MARGIN + 0.001) : 0);
  const o = { ...wanted, videoShare: share(wanted.videos, available.videos), commentShare: share(wanted.comments, available.comments), channelShare: share(wanted.channels, available.channels) };
  const { values, p } = parameters();
  const salt = o.open ? 1 : 2;
  const accounts = p(shared.accounts, 'int');
  const step = p(ratingStep(shared.accounts), 'bigint');
  const thresholds = (Object.keys(REASON_SHARES) as ReportKind[]).map((kind) => `WHEN '${kind}' THEN ${p(severityThresholds(kind), 'float8[]')}`).join(' ');
  const severityOf = (kind: string, u: string) => `width_bucket(${u}, CASE ${kind} ${thresholds} END)`;
  const reasons = p(REASONS_BY_SEVERITY, 'text[]');
  const firstAt = o.open ? `now() - power(${draw('k.key', 13)}, 2) * interval '${OPEN_AGE_DAYS} days'` : `now() - interval '3 days' - ${draw('k.key', 13)} * interval '1 year'`;
  // Open: reports keep coming until now; handled: within two days, then handled within three.
  const lastAt = o.open ? `d.first_at + ${draw('d.key', 14)} * (now() - d.first_at)` : `d.first_at + ${draw('d.key', 14)} * interval '2 days'`;
  const { rows } = await db.query<{ items: number; reports: number }>(
    `WITH ${SEEDED},
     -- Each kind's things drawn by a hash of their id: a share a little over what is wanted
     -- (SAMPLE_MARGIN), cut at the count; no sort of every comment.
     targets AS MATERIALIZED (
       (SELECT 'video' AS kind, v.id AS target_id, v.owner_id FROM videos v JOIN users u ON u.id = v.owner_id
        WHERE ${listed()} AND v.id <> ${p(shared.fixtureId, 'bigint')} AND ${draw('v.id', salt)} < ${p(o.videoShare, 'float8')} LIMIT ${p(o.videos, 'int')})
       UNION ALL
       (SELECT 'comment', c.id, c.author_id FROM comments c JOIN videos v ON v.id = c.video_id JOIN users u ON u.id = v.owner_id JOIN users a ON a.id = c.author_id
        WHERE c.deleted_at IS NULL AND NOT c.held AND ${listed()} AND ${ownerLive('a')} AND ${draw('c.id', salt)} < ${p(o.commentShare, 'float8')} LIMIT ${p(o.comments, 'int')})
       UNION ALL
       (SELECT 'channel', u.id, u.id FROM seeded s JOIN users u ON u.id = s.id WHERE ${channelLive()} AND ${draw('u.id', salt)} < ${p(o.channelShare, 'float8')} LIMIT ${p(o.channels, 'int')})
     ),
     keyed AS (SELECT t.*, t.target_id * 8 + CASE t.kind WHEN 'video' THEN 1 WHEN 'comment' THEN 2 ELSE 3 END + ${salt * 4} AS key FROM targets t),
     drawn AS (
       SELECT k.*, ${firstAt} AS first_at, ${severityOf('k.kind', draw('k.key', 11))} AS severity,
              least(${accounts} - 1, 1 + floor(power(${draw('k.key', 12)}, 10) * ${REPORTS_MAX})::int) AS reports
       FROM keyed k
     ),
     dated AS (SELECT d.*, CASE WHEN d.reports = 1 THEN d.first_at ELSE ${lastAt} END AS last_at FROM drawn d),
     items AS (
       INSERT INTO report_items (target_kind, target_id, target_owner_id, status, severity, report_count, first_reported_at, last_reported_at, handled_at, handled_by)
       SELECT d.kind, d.target_id, d.owner_id,
              ${o.open ? `'open'` : `CASE WHEN ${draw('d.key', 15)} < ${HANDLED_DISMISSED_SHARE} THEN 'dismissed' ELSE 'handled' END`},
              d.severity, d.reports, d.first_at, d.last_at,
              ${o.open ? 'NULL::timestamptz' : `least(now(), d.last_at + ${draw('d.key', 16)} * interval '3 days')`},
              ${o.open ? 'NULL::bigint' : busyModerator(p(shared.moderators, 'bigint[]'), draw('d.key', 17))}
       FROM dated d ORDER BY d.first_at
       RETURNING *
     ),
     made AS (
       INSERT INTO reports (item_id, reporter_id, target_kind, target_id, reason, severity, body, video_time_seconds, status, created_at, updated_at, handled_at, handled_by)
       SELECT i.id, reporter.id, i.target_kind, i.target_id, (${reasons})[r.severity], r.severity,
              CASE WHEN ${draw('r.key', 21)} < 0.5 THEN '' ELSE initcap(${text('r.key', 6)}) || '.' END,
              CASE WHEN i.target_kind = 'video' AND ${draw('r.key', 22)} < 0.4 THEN floor(${draw('r.key', 23)} * v.duration_seconds)::int END,
              i.status, r.at, r.at, i.handled_at, i.handled_by
       FROM items i
       LEFT JOIN videos v ON i.target_kind = 'video' AND v.id = i.target_id
       LEFT JOIN seeded o ON o.id = i.target_owner_id
       -- The j-th reporter is seeded account 1 + (h + j × step) mod N: distinct for j ≤ N. The
       -- owner is at most one of them, replaced by the next one, (count + 1)-th.
       CROSS JOIN LATERAL (
         SELECT CASE WHEN y.k = o.k THEN 1 + (y.h + (i.report_count + 1) * ${step}) % ${accounts} ELSE y.k END AS k,
                i.id * 64 + y.nth AS key,
                i.first_reported_at + (i.last_reported_at - i.first_reported_at) * y.nth / greatest(i.report_count - 1, 1) AS at,
                CASE WHEN y.nth = 0 OR ${draw('i.id * 64 + y.nth', 24)} < 0.6 THEN i.severity
                     ELSE least(i.severity, ${severityOf('i.target_kind', draw('i.id * 64 + y.nth', 25))}) END AS severity
         FROM (SELECT j - 1 AS nth, h, 1 + (h + j * ${step}) % ${accounts} AS k
               FROM (SELECT abs(hashint8extended(i.id, 26)) % ${accounts} AS h) x, generate_series(1, i.report_count) AS j) y
       ) r
       JOIN seeded reporter ON reporter.k = r.k
       CROSS JOIN ${wordsJoin(p(shared.words, 'text[]'))}
       ORDER BY r.at
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM made)::int AS reports`,
    values,
  );
  return rows[0]!;
}

/**
 * The audit log in one INSERT, ordered by time so that ids follow it as in a log appended over a
 * year: one row for each handled or dismissed item, by the moderator who closed it, when they did
 * (a dismissal names the item, an action its thing: the take-down, removal or ban it was, with
 * the gravest reason when that action's list has it), and `rows` more drawn by their number:
 * moderators acting outside the queue, creators removing comments on their videos (the comment
 * drawn from every live comment, so its video's owner acts: a few channels with many videos often,
 * most rarely), bans ended by the site, and the admin's roles and jobs.
 */
async function seedAuditLog(db: Queryable, shared: Shared, o: { rows: number; admin: string }): Promise<number> {
  const { values, p } = parameters();
  const mods = p(shared.moderators, 'bigint[]');
  const rows = p(o.rows, 'int');
  const words = wordsJoin(p(shared.words, 'text[]'));
  const banReasons = p(reasonsIn(BAN_REASONS), 'text[]');
  const removalReasons = p(Object.keys(REMOVAL_REASONS), 'text[]');
  const note = (key: string) => `CASE WHEN ${draw(key, 31)} < ${NOTE_SHARE} THEN initcap(${text(key, 8)}) || '.' END`;
  const pick = (list: string, u: string) => `(${list})[1 + floor(${u} * cardinality(${list}))::int]`;
  const banState = (banned: string, reason: string, until: string) => `jsonb_build_object('banned', ${banned}, 'reason', ${reason}, 'note', NULL, 'until', ${until})`;
  const { rowCount } = await db.query(
    `WITH ${SEEDED},
     -- Comments and videos drawn by id between the first and the last (the seed's ids are
     -- dense); those that are not there, deleted, held or not listed are skipped (OVERSAMPLE).
     bounds AS (SELECT (SELECT min(id) FROM comments) AS c_lo, (SELECT max(id) FROM comments) AS c_hi, (SELECT min(id) FROM videos) AS v_lo, (SELECT max(id) FROM videos) AS v_hi),
     drawn AS MATERIALIZED (
       SELECT g.i, g.who, g.why, now() - ${draw('g.i', 42)} * interval '1 year' AS at,
              CASE g.who WHEN 0 THEN CASE WHEN g.what < 0.5 THEN 'comment.remove' WHEN g.what < 0.65 THEN 'user.ban' WHEN g.what < 0.7 THEN 'user.unban' ELSE 'video.takedown' END
                         WHEN 1 THEN 'comment.remove' WHEN 2 THEN 'user.unban'
                         ELSE CASE WHEN g.what < 0.4 THEN 'job.retry' WHEN g.what < 0.5 THEN 'job.cancel' WHEN g.what < 0.8 THEN 'role.grant' ELSE 'role.revoke' END END AS action,
              b.c_lo + (hashint8extended(g.i, 45) & 2147483647) % (b.c_hi - b.c_lo + 1) AS comment_id,
              b.v_lo + (hashint8extended(g.i, 46) & 2147483647) % (b.v_hi - b.v_lo + 1) AS video_id,
              1 + (hashint8extended(g.i, 47) & 2147483647) % ${p(shared.accounts, 'int')} AS user_k
       FROM (SELECT i, CASE WHEN ${draw('i', 41)} < ${MODERATOR_SHARE} THEN 0 WHEN ${draw('i', 41)} < ${CREATOR_SHARE} THEN 1 WHEN ${draw('i', 41)} < ${SITE_SHARE} THEN 2 ELSE 3 END AS who,
                    ${draw('i', 43)} AS what, ${draw('i', 44)} AS why
             FROM generate_series(1, ceil(${rows} * ${OVERSAMPLE})::int) AS i) g
       CROSS JOIN bounds b
     ),
     chosen AS (
       SELECT d.*, c.video_id AS comment_video, c.thread_id, c.author_id, c.body, c.created_at AS commented_at, c.like_count, c.reply_count, cv.owner_id AS creator_id,
              v.owner_id AS video_owner, s.id AS user_id
       FROM drawn d
       LEFT JOIN comments c ON d.action = 'comment.remove' AND c.id = d.comment_id
       LEFT JOIN videos cv ON cv.id = c.video_id
       LEFT JOIN users cu ON cu.id = cv.owner_id
       LEFT JOIN videos v ON d.action IN ('video.takedown', 'job.retry', 'job.cancel') AND v.id = d.video_id
       LEFT JOIN users vu ON vu.id = v.owner_id
       JOIN seeded s ON s.k = d.user_k
       WHERE CASE WHEN d.action = 'comment.remove' THEN c.deleted_at IS NULL AND NOT c.held AND ${listed('cv', 'cu')}
                  WHEN d.action IN ('video.takedown', 'job.retry', 'job.cancel') THEN ${listed('v', 'vu')} AND v.id <> ${p(shared.fixtureId, 'bigint')}
                  ELSE true END
       LIMIT ${rows}
     ),
     queue AS (
       SELECT i.handled_at AS at, i.handled_by AS actor_id,
              CASE WHEN i.status = 'dismissed' THEN 'report.dismiss' WHEN i.target_kind = 'video' THEN 'video.takedown'
                   WHEN i.target_kind = 'comment' THEN 'comment.remove' ELSE 'user.ban' END AS action,
              CASE WHEN i.status = 'dismissed' THEN 'report' WHEN i.target_kind = 'channel' THEN 'user' ELSE i.target_kind END AS target_kind,
              CASE WHEN i.status = 'dismissed' THEN i.id ELSE i.target_id END::text AS target_id,
              i.target_owner_id AS subject_id,
              CASE WHEN i.status = 'dismissed' THEN 'no_violation' WHEN i.target_kind = 'comment' THEN (${p(reasonsIn(REMOVAL_REASONS), 'text[]')})[i.severity]
                   ELSE (${banReasons})[i.severity] END AS reason,
              ${note('i.id')} AS note,
              jsonb_build_object('status', 'open', 'reports', i.report_count, 'target', i.target_kind || ' ' || i.target_id) AS before,
              jsonb_build_object('status', i.status) AS after
       FROM report_items i CROSS JOIN ${words}
       WHERE i.status <> 'open' AND i.handled_by = ANY(${mods})
     ),
     other AS (
       SELECT c.at,
              CASE c.who WHEN 0 THEN ${busyModerator(mods, draw('c.i', 48))} WHEN 1 THEN c.creator_id WHEN 2 THEN NULL ELSE ${p(o.admin, 'bigint')} END AS actor_id,
              c.action,
              CASE WHEN c.action = 'comment.remove' THEN 'comment' WHEN c.action IN ('video.takedown', 'job.retry', 'job.cancel') THEN 'video' ELSE 'user' END AS target_kind,
              CASE WHEN c.action = 'comment.remove' THEN c.comment_id WHEN c.action IN ('video.takedown', 'job.retry', 'job.cancel') THEN c.video_id
                   WHEN c.action IN ('role.grant', 'role.revoke') THEN ${pick(mods, 'c.why')} ELSE c.user_id END::text AS target_id,
              CASE WHEN c.action = 'comment.remove' THEN c.author_id WHEN c.action IN ('video.takedown', 'job.retry', 'job.cancel') THEN c.video_owner
                   WHEN c.action IN ('role.grant', 'role.revoke') THEN ${pick(mods, 'c.why')} ELSE c.user_id END AS subject_id,
              CASE WHEN c.action = 'comment.remove' THEN ${pick(removalReasons, 'c.why')} WHEN c.action IN ('user.ban', 'video.takedown') THEN ${pick(banReasons, 'c.why')}
                   WHEN c.action = 'user.unban' THEN CASE WHEN c.actor_is_site THEN 'ban_ended' WHEN c.why < 0.7 THEN 'appeal' ELSE 'mistake' END END AS reason,
              CASE WHEN c.who IN (1, 2) THEN NULL ELSE ${note('c.i')} END AS note,
              CASE c.action
                WHEN 'comment.remove' THEN jsonb_build_object('videoId', c.comment_video, 'threadId', c.thread_id, 'authorId', c.author_id, 'body', c.body, 'createdAt', c.commented_at,
                                                             'editedAt', NULL, 'likeCount', c.like_count, 'replyCount', c.reply_count, 'revisions', '[]'::jsonb)
                WHEN 'user.ban' THEN ${banState('false', 'NULL', 'NULL')}
                WHEN 'user.unban' THEN ${banState('true', `${pick(banReasons, 'c.why')}`, `CASE WHEN c.actor_is_site THEN to_jsonb(c.at) END`)}
                WHEN 'video.takedown' THEN jsonb_build_object('moderation', 'none')
                WHEN 'job.retry' THEN jsonb_build_object('status', 'failed')
                WHEN 'job.cancel' THEN jsonb_build_object('job', 'processing', 'status', 'processing')
                WHEN 'role.grant' THEN jsonb_build_object('roles', jsonb_build_array('user'))
                ELSE jsonb_build_object('roles', jsonb_build_array('moderator', 'user')) END AS before,
              CASE c.action
                WHEN 'comment.remove' THEN jsonb_build_object('state', CASE WHEN c.reply_count > 0 THEN 'kept-as-removed' ELSE 'gone' END)
                WHEN 'user.ban' THEN ${banState('true', `${pick(banReasons, 'c.why')}`, `CASE WHEN c.why < 0.6 THEN to_jsonb(c.at + interval '30 days') END`)}
                WHEN 'user.unban' THEN ${banState('false', 'NULL', 'NULL')}
                WHEN 'video.takedown' THEN jsonb_build_object('moderation', 'taken_down')
                WHEN 'job.retry' THEN jsonb_build_object('status', 'uploaded')
                WHEN 'job.cancel' THEN jsonb_build_object('job', 'cancelled', 'status', 'failed')
                WHEN 'role.grant' THEN jsonb_build_object('roles', jsonb_build_array('moderator', 'user'))
                ELSE jsonb_build_object('roles', jsonb_build_array('user')) END AS after
       FROM (SELECT c.*, c.who = 2 AS actor_is_site FROM chosen c) c CROSS JOIN ${words}
     )
     INSERT INTO audit_log (created_at, actor_id, action, target_kind, target_id, subject_user_id, reason, note, before, after)
     SELECT at, actor_id, action, target_kind, target_id, subject_id, reason, note, before, after
     FROM (SELECT * FROM queue UNION ALL SELECT * FROM other) a
     ORDER BY at`,
    values,
  );
  return rowCount ?? 0;
}

/** The part's size for a catalogue of `videos` videos: one open item and ten audit rows a video (100,000 and 1,000,000 at 100,000, issue 13's figures). */
export function moderationSizeFor(videos: number): { openItems: number; auditRows: number } {
  return { openItems: videos * OPEN_ITEMS_PER_VIDEO, auditRows: videos * AUDIT_ROWS_PER_VIDEO };
}

/**
 * The part added to a catalogue seeded before it (`npm run seed -- --only moderation`): one
 * transaction with the three tables' secondary indexes and keys built once after the load, then
 * their statistics.
 */
export async function seedModerationAlone(pool: Pool, plan: ModerationSeedPlan, words: readonly string[]): Promise<SeededModeration> {
  const made = await withTransaction(pool, async (client) => {
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    const dropped = await dropSecondaryIndexes(client, MODERATION_TABLES);
    const counts = await seedModeration(client, plan, words);
    await restoreIndexes(client, dropped);
    return counts;
  });
  await pool.query(`VACUUM ANALYZE ${MODERATION_TABLES.join(', ')}, user_roles`);
  return made;
}
