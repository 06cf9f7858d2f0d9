import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { insertNotification, type NewNotification } from '../../src/db/notifications.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

/** The clock of the app under test: the list says "3 hours ago" against it. */
const NOW = new Date('2026-06-01T12:00:00Z');

async function notify(n: NewNotification, updatedAt?: Date): Promise<number> {
  const made = await insertNotification(testPool(), n);
  assert.ok(made, `a ${n.kind} notification was made`);
  if (updatedAt) await testPool().query('UPDATE notifications SET updated_at = $2, created_at = $2 WHERE id = $1', [made.id, updatedAt]);
  return made.id;
}

async function comment(video: Video, author: User, body: string, parentId: number | null = null, held = false): Promise<number> {
  const parent = parentId ? await findComment(testPool(), parentId) : null;
  return (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent, held }))!.id;
}

/** The notification ids listed on a page, in order. */
function listed(html: string): number[] {
  return [...html.matchAll(/<li class="notification[^"]*" id="notification-(\d+)"/g)].map((m) => Number(m[1]));
}

function olderLink(html: string): string | null {
  return /<a href="(\/notifications\?[^"]*after=[^"]+)" rel="next">Older<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;
}

/** The item's markup on a page. */
function item(html: string, id: number): string {
  const m = new RegExp(`<li class="notification[^"]*" id="notification-${id}">[\\s\\S]*?</li>`).exec(html);
  assert.ok(m, `notification ${id} is listed`);
  return m[0];
}

const unreadCount = async (userId: number) => (await testPool().query('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId])).rows[0].n as number;

describe('GET /notifications', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(() => {
    t = createTestApp({}, undefined, { now: () => NOW });
  });

  it('lists my notifications newest first (last updated), 20 a page, each once across pages even when times tie; never another\'s', async () => {
    const me = await createUser();
    const other = await createUser();
    const agent = await signedInAgent(t.app, me);
    for (let i = 0; i < 45; i++) await notify({ userId: me.id, kind: 'report_handled', detail: { targetKind: 'video', outcome: 'dismissed' } }, new Date(NOW.getTime() - (i % 30) * 60_000));
    const theirs = await notify({ userId: other.id, kind: 'report_handled', detail: { targetKind: 'video', outcome: 'dismissed' } });
    const expected = (await testPool().query('SELECT id FROM notifications WHERE user_id = $1 ORDER BY updated_at DESC, id DESC', [me.id])).rows.map((r) => Number(r.id));
    const seen: number[] = [];
    let path: string | null = '/notifications';
    let pages = 0;
    while (path) {
      const page = await agent.get(path);
      assert.equal(page.status, 200);
      assert.ok(!listed(page.text).includes(theirs));
      assert.ok(listed(page.text).length <= 20);
      seen.push(...listed(page.text));
      path = olderLink(page.text);
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected);
  });

  it('moves a collapsed group up when someone joins it, and words it "Ana and 12 others…"', async () => {
    const me = await createUser();
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'Cats <3' });
    const mine = await comment(video, me, 'My comment');
    const older = await notify({ userId: me.id, kind: 'report_handled', detail: { targetKind: 'comment', outcome: 'action_taken' } }, new Date(NOW.getTime() - 3_600_000));
    const actors = [];
    for (let i = 0; i < 13; i++) actors.push(await createUser({ displayName: i === 12 ? 'Ana' : `Replier ${i}` }));
    let group = 0;
    for (const [i, actor] of actors.entries()) {
      const reply = await comment(video, actor, `Reply ${i}`, mine);
      group = await notify({ userId: me.id, kind: 'comment_reply', groupKey: `comment_reply:${mine}`, videoId: video.id, commentId: reply, actorId: actor.id }, new Date(NOW.getTime() - 3 * 3_600_000 + i * 1000));
    }
    await testPool().query('UPDATE notifications SET updated_at = $2 WHERE id = $1', [group, new Date(NOW.getTime() - 60_000)]);
    const page = await (await signedInAgent(t.app, me)).get('/notifications');
    assert.deepEqual(listed(page.text), [group, older]);
    const shown = item(page.text, group);
    assert.match(shown, /Ana and 12 others replied to your comment on “Cats &lt;3”/);
    assert.match(shown, /Reply 12/, 'the newest reply is quoted');
    assert.match(shown, /1 minute ago/);
    assert.match(shown, new RegExp(`href="/notifications/${group}/open"`));
    assert.match(item(page.text, older), /1 hour ago/);
  });

  it('filters by kind, with the current tab marked, an empty state per filter, and marks unread items in words', async () => {
    const me = await createUser();
    const channel = await createUser();
    const agent = await signedInAgent(t.app, me);
    const video = await createVideo(channel, { title: 'New from the channel' });
    const own = await createVideo(me, { title: 'My own upload' });
    const ids = {
      videos: await notify({ userId: me.id, kind: 'new_video', videoId: video.id, actorId: channel.id }),
      'my-videos': await notify({ userId: me.id, kind: 'video_ready', videoId: own.id }),
      subscribers: await notify({ userId: me.id, kind: 'new_subscriber', groupKey: 'subs', actorId: channel.id }),
    };
    for (const [filter, id] of Object.entries(ids)) {
      const page = await agent.get(`/notifications?filter=${filter}`);
      assert.equal(page.status, 200);
      assert.deepEqual(listed(page.text), [id], filter);
      assert.match(page.text, new RegExp(`<a href="/notifications\\?filter=${filter}" aria-current="page">`));
      assert.match(item(page.text, id), /<span class="badge unread-badge">New<\/span>/);
    }
    assert.deepEqual(listed((await agent.get('/notifications')).text).sort(), Object.values(ids).sort());
    const comments = await agent.get('/notifications?filter=comments');
    assert.deepEqual(listed(comments.text), []);
    assert.match(comments.text, /No replies, mentions or comments on your videos yet\./);
    const empty = await (await signedInAgent(t.app, await createUser())).get('/notifications');
    assert.match(empty.text, /You have no notifications yet\./);
    assert.doesNotMatch(empty.text, /Mark all as read/);
  });

  it('answers 400 to an unknown filter or a cursor that is not one, never 500', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    for (const query of ['filter=nope', 'filter=', 'after=abc', 'after=1-0', 'after=99999999999999999999-1', 'after=', 'filter=videos&filter=comments', 'after=1-1&after=2-2']) {
      assert.equal((await agent.get(`/notifications?${query}`)).status, 400, query);
    }
    assert.equal((await agent.get('/notifications?after=1-1')).status, 200, 'a cursor before everything: an empty page');
  });

  it('shows "no longer available", naming nothing, once the video is private, taken down or deleted, or the comment held or removed', async () => {
    const me = await createUser();
    const owner = await createUser();
    const agent = await signedInAgent(t.app, me);
    const titles = ['Soon private', 'Soon taken down', 'Soon deleted', 'Held reply here', 'Removed reply here'];
    const videos = await Promise.all(titles.map((title) => createVideo(owner, { title })));
    const made: number[] = [];
    for (const v of videos.slice(0, 3)) made.push(await notify({ userId: me.id, kind: 'new_video', videoId: v.id, actorId: owner.id }));
    const replies: number[] = [];
    for (const v of videos.slice(3)) {
      const root = await comment(v, me, 'A root of mine');
      const reply = await comment(v, owner, `Secret excerpt on ${v.publicId}`, root);
      replies.push(reply);
      made.push(await notify({ userId: me.id, kind: 'comment_reply', videoId: v.id, commentId: reply, actorId: owner.id }));
    }
    const before = await agent.get('/notifications');
    for (const title of titles.slice(0, 3)) assert.match(before.text, new RegExp(title));
    assert.match(before.text, /Secret excerpt/);

    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [videos[0]!.id]);
    await testPool().query(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [videos[1]!.id]);
    await testPool().query('DELETE FROM videos WHERE id = $1', [videos[2]!.id]);
    await testPool().query('UPDATE comments SET held = true WHERE id = $1', [replies[0]]);
    await testPool().query(`UPDATE comments SET removed = true, deleted_at = now(), body = '' WHERE id = $1`, [replies[1]]);

    const after = await agent.get('/notifications');
    assert.equal(after.status, 200);
    for (const id of made) {
      const shown = item(after.text, id);
      assert.match(shown, /no longer available/, `notification ${id}`);
      assert.doesNotMatch(shown, /\/open"/, 'no link');
      assert.match(shown, /class="notification unread unavailable"/);
    }
    for (const title of titles) assert.doesNotMatch(after.text, new RegExp(title));
    assert.doesNotMatch(after.text, /Secret excerpt/);
    // Following one that is gone leads back to the list, and marks it read.
    const open = await agent.get(`/notifications/${made[0]}/open`);
    assert.equal(open.status, 303);
    assert.equal(open.headers.location, '/notifications');
  });

  it('shows a new report as no longer available to a moderator who lost the role', async () => {
    const moderator = await createUser({ roles: ['moderator'] });
    // Off in the site by default: this moderator turned it on.
    await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_report', true, false)`, [moderator.id]);
    const id = await notify({ userId: moderator.id, kind: 'new_report', detail: { targetKind: 'video', itemId: 7 } });
    const agent = await signedInAgent(t.app, moderator);
    assert.match(item((await agent.get('/notifications')).text, id), /New report about a video to review/);
    await testPool().query('DELETE FROM user_roles WHERE user_id = $1', [moderator.id]);
    const after = item((await agent.get('/notifications')).text, id);
    assert.match(after, /no longer available to you/);
    assert.doesNotMatch(after, /admin\/reports/);
    assert.equal((await agent.get(`/notifications/${id}/open`)).headers.location, '/notifications');
  });
});

describe('Marking notifications read: POST /notifications/:id/read, /notifications/read-all and GET /notifications/:id/open', function () {
  this.timeout(60_000);
  let t: TestApp;
  let me: User;
  let agent: Agent;
  let token: string;
  before(async () => {
    t = createTestApp({}, undefined, { now: () => NOW });
    me = await createUser();
    agent = await signedInAgent(t.app, me);
    token = await tokenFor(agent, '/notifications');
  });

  const subscriber = () => notify({ userId: me.id, kind: 'report_handled', detail: { targetKind: 'channel', outcome: 'dismissed' } });

  it('marks one of mine read and goes back to the list (its filter); a second post is no error', async () => {
    const id = await subscriber();
    const res = await agent.post(`/notifications/${id}/read`).type('form').send({ _csrf: token, filter: 'moderation' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/notifications?filter=moderation');
    const { rows } = await testPool().query('SELECT read_at FROM notifications WHERE id = $1', [id]);
    assert.ok(rows[0].read_at);
    assert.equal((await agent.post(`/notifications/${id}/read`).type('form').send({ _csrf: token })).status, 303);
    assert.doesNotMatch(item((await agent.get('/notifications')).text, id), /unread/);
  });

  it('answers 404 for another person\'s notification, and leaves it unread', async () => {
    const other = await createUser();
    const theirs = await notify({ userId: other.id, kind: 'report_handled', detail: {} });
    assert.equal((await agent.post(`/notifications/${theirs}/read`).type('form').send({ _csrf: token })).status, 404);
    assert.equal((await agent.get(`/notifications/${theirs}/open`)).status, 404);
    assert.equal(await unreadCount(other.id), 1);
  });

  it('follows a notification through its link: marked read, then where it leads', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'Go and watch' });
    const id = await notify({ userId: me.id, kind: 'new_video', videoId: video.id, actorId: owner.id });
    const res = await agent.get(`/notifications/${id}/open`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/watch/${video.publicId}`);
    assert.ok((await testPool().query('SELECT read_at FROM notifications WHERE id = $1', [id])).rows[0].read_at);
  });

  it('marks all of one filter read, or all; one that came after the page was drawn stays unread', async () => {
    const reader = await createUser();
    const readerAgent = await signedInAgent(t.app, reader);
    const readerToken = await tokenFor(readerAgent, '/notifications');
    const owner = await createUser();
    const video = await createVideo(owner);
    const moderation = await notify({ userId: reader.id, kind: 'report_handled', detail: {} }, new Date(NOW.getTime() - 60_000));
    const videos = await notify({ userId: reader.id, kind: 'new_video', videoId: video.id, actorId: owner.id }, new Date(NOW.getTime() - 120_000));
    const page = await readerAgent.get('/notifications?filter=moderation');
    const upTo = /name="upTo" value="(\d+)"/.exec(page.text)![1]!;
    const late = await notify({ userId: reader.id, kind: 'report_handled', detail: {} }, new Date(NOW.getTime() + 60_000));
    const res = await readerAgent.post('/notifications/read-all').type('form').send({ _csrf: readerToken, filter: 'moderation', upTo });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/notifications?filter=moderation');
    const unread = (await testPool().query('SELECT id FROM notifications WHERE user_id = $1 AND read_at IS NULL ORDER BY id', [reader.id])).rows.map((r) => Number(r.id));
    assert.deepEqual(unread, [videos, late].sort((a, b) => a - b));
    assert.ok(!unread.includes(moderation));
    assert.equal((await readerAgent.post('/notifications/read-all').type('form').send({ _csrf: readerToken })).status, 303);
    assert.equal(await unreadCount(reader.id), 0);
  });

  it('refuses a bad filter or time (400) and writes nothing', async () => {
    const id = await subscriber();
    for (const form of [{ filter: 'nope' }, { upTo: 'yesterday' }, { upTo: '1'.repeat(30) }]) {
      assert.equal((await agent.post('/notifications/read-all').type('form').send({ _csrf: token, ...form })).status, 400, JSON.stringify(form));
    }
    assert.equal((await testPool().query('SELECT read_at FROM notifications WHERE id = $1', [id])).rows[0].read_at, null);
  });
});

describe('The bell: the header on every page and GET /notifications/unread.json', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(() => {
    t = createTestApp({}, undefined, { now: () => NOW });
  });

  it('shows the unread count with an accessible name, and the same in JSON, never cached', async () => {
    const me = await createUser();
    const agent = await signedInAgent(t.app, me);
    const none = await agent.get('/');
    assert.match(none.text, /<a class="bell" href="\/notifications" aria-label="Notifications, none unread"/);
    assert.match(none.text, /<span class="bell-count" data-bell-count hidden>0<\/span>/);
    for (let i = 0; i < 3; i++) await notify({ userId: me.id, kind: 'report_handled', detail: {} });
    for (const path of ['/', '/settings', `/@${me.handle}`]) {
      const page = await agent.get(path);
      assert.match(page.text, /aria-label="Notifications, 3 unread"/, path);
      assert.match(page.text, /<span class="bell-count" data-bell-count>3<\/span>/, path);
    }
    const json = await agent.get('/notifications/unread.json');
    assert.equal(json.status, 200);
    assert.match(String(json.headers['cache-control']), /\bno-store\b/);
    assert.deepEqual(json.body, { unread: 3, shown: '3', label: 'Notifications, 3 unread' });
  });

  it('shows "99+" past 99 unread', async () => {
    const me = await createUser();
    await testPool().query(`INSERT INTO notifications (user_id, kind) SELECT $1, 'report_handled' FROM generate_series(1, 120)`, [me.id]);
    const agent = await signedInAgent(t.app, me);
    assert.match((await agent.get('/')).text, /aria-label="Notifications, 99\+ unread"[\s\S]*?>99\+<\/span>/);
    assert.deepEqual((await agent.get('/notifications/unread.json')).body, { unread: 100, shown: '99+', label: 'Notifications, 99+ unread' });
  });

  it('is not there for visitors', async () => {
    assert.doesNotMatch((await supertest(t.app).get('/')).text, /class="bell"/);
  });
});
