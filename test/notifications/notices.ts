import assert from 'node:assert/strict';
import { NOTIFICATION_VIEW_FROM, toNotificationView, type NotificationView, type NotificationViewRow } from '../../src/db/notification-views.js';
import { describeNotification, type Described } from '../../src/notifications/describe.js';
import type { Agent } from '../helpers/agent.js';
import { tokenOf } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';

/** What the notification tests read: the rows as made, and each as the list and the mail show it. */

export interface Made {
  id: number;
  kind: string;
  groupKey: string | null;
  actorId: number | null;
  actorCount: number;
  videoId: number | null;
  commentId: number | null;
  detail: Record<string, unknown>;
}

/** Every notification of a person, oldest first, as stored. */
export async function madeFor(user: { id: number }): Promise<Made[]> {
  const { rows } = await testPool().query(
    'SELECT id, kind, group_key, actor_id, actor_count, video_id, comment_id, detail FROM notifications WHERE user_id = $1 ORDER BY id',
    [user.id],
  );
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, groupKey: r.group_key, actorId: r.actor_id, actorCount: r.actor_count, videoId: r.video_id, commentId: r.comment_id, detail: r.detail }));
}

/** The one notification of a person of this kind (about this video, when given); fails when there is not exactly one. */
export async function onlyOf(user: { id: number }, kind: string, videoId?: number): Promise<Made> {
  const found = (await madeFor(user)).filter((n) => n.kind === kind && (videoId === undefined || n.videoId === videoId));
  assert.equal(found.length, 1, `${kind} notifications: ${JSON.stringify(found)}`);
  return found[0]!;
}

/** A notification as it is shown: the view (looked up again for its reader) and its wording. */
export async function shown(id: number): Promise<NotificationView & Described> {
  const { rows } = await testPool().query<NotificationViewRow>(`${NOTIFICATION_VIEW_FROM} WHERE n.id = $1`, [id]);
  const view = toNotificationView(rows[0]!);
  return { ...view, ...describeNotification(view) };
}

/** Posts a comment (or a reply to `parent`) through the watch page's form, as JSON; its id. */
export async function postComment(agent: Agent, publicId: string, body: string, parent?: number): Promise<number> {
  const res = await agent.post(`/watch/${publicId}/comments`).set('Accept', 'application/json').type('form')
    .send({ _csrf: await tokenOf(agent, '/'), body, ...(parent === undefined ? {} : { parent: String(parent) }) });
  assert.ok(res.status === 201 || res.status === 200, `posting answered ${res.status}: ${res.text}`);
  return Number(res.body.id);
}

/** How many notifications exist at all about this video or comment (for "nothing was made"). */
export async function countAbout(where: { videoId?: number; commentId?: number }): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>(
    'SELECT count(*)::int AS n FROM notifications WHERE ($1::bigint IS NULL OR video_id = $1) AND ($2::bigint IS NULL OR comment_id = $2)',
    [where.videoId ?? null, where.commentId ?? null],
  );
  return rows[0]!.n;
}
