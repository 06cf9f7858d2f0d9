// Attack covered: bad parameters on the notifications in the site (issue 14): the list, the bell's
// count, following and marking read, the preferences and a channel's bell. Signed-out and banned
// requests, forged posts without a CSRF token, ids that are not ids or not the viewer's, unknown
// filters, cursors, kinds and values. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertNotification } from '../../src/db/notifications.js';
import { subscribe } from '../../src/db/subscriptions.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** What the routes here write, which the shared snapshot does not look at. */
async function notificationState(): Promise<unknown> {
  const { rows } = await testPool().query(`SELECT
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, read_at), ',' ORDER BY id), '')) FROM notifications) AS notifications,
    (SELECT md5(coalesce(string_agg(concat_ws('|', user_id, kind, in_site, by_email), ',' ORDER BY user_id, kind), '')) FROM notification_preferences) AS preferences,
    (SELECT md5(coalesce(string_agg(concat_ws('|', subscriber_id, channel_id, notify), ',' ORDER BY subscriber_id, channel_id), '')) FROM subscriptions) AS bells,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, email_cadence), ',' ORDER BY id), '')) FROM users) AS cadences`);
  return rows[0];
}

/** withoutWrites, and nothing of the notifications' own tables either. */
async function refused<T>(act: () => Promise<T>): Promise<T> {
  const before = await notificationState();
  const result = await withoutWrites(act);
  assert.deepEqual(await notificationState(), before, 'a refused request changed notifications, preferences or bells');
  return result;
}

const MALFORMED = ['0', '-1', 'abc', '1.5', '9'.repeat(20), '%00', '1e3'];

describe('check params: notifications', () => {
  const t = useCheckedApp();
  let me: User;
  let agent: Agent;
  let mine: number;
  let theirs: number;

  before(async () => {
    me = await createUser();
    const other = await createUser();
    agent = await signedInAgent(t.app, me);
    mine = (await insertNotification(testPool(), { userId: me.id, kind: 'report_handled', detail: {} }))!.id;
    theirs = (await insertNotification(testPool(), { userId: other.id, kind: 'report_handled', detail: {} }))!.id;
  });

  const post = (who: Agent, path: string, form: Record<string, string> = {}) => postForm(who, path, form, { tokenPage: '/notifications' });

  describe('GET /notifications, /notifications/unread.json and /settings/notifications', () => {
    const pages = ['/notifications', '/notifications/unread.json', '/settings/notifications'];

    it('fails with a non-authenticated user (303 to sign in, coming back)', async () => {
      for (const page of pages) assertSignIn(await supertest(t.app).get(page), page);
    });

    it('fails with a banned account', async () => {
      for (const page of pages) assertSignIn(await (await bannedAgent(t.app)).get(page), page);
    });

    it('fails with an unknown filter or a malformed cursor (400)', async () => {
      for (const query of ['filter=unknown', 'filter=ALL', 'filter=', 'after=x', 'after=-1', 'after=1-0', 'after=1-', 'after=123456789012345678-1', 'after=%00', 'filter=a&filter=b']) {
        assert.equal((await agent.get(`/notifications?${query}`)).status, 400, query);
      }
    });

    it('succeeds with correct parameters', async () => {
      for (const page of [...pages, '/notifications?filter=moderation', '/notifications?after=1-1', '/notifications?filter=videos&after=1776000000000000-5']) {
        assert.equal((await agent.get(page)).status, 200, page);
      }
    });
  });

  describe('GET /notifications/:id/open', () => {
    it('fails with a non-authenticated user', async () => {
      assertSignIn(await supertest(t.app).get(`/notifications/${mine}/open`), `/notifications/${mine}/open`);
    });

    it('fails with a malformed, unknown or someone else\'s id (404), writing nothing', async () => {
      for (const id of [...MALFORMED, '999999999999', String(theirs)]) assert.equal((await refused(() => agent.get(`/notifications/${id}/open`))).status, 404, id);
    });

    it('succeeds with correct parameters (303 to the list: it leads nowhere)', async () => {
      const res = await agent.get(`/notifications/${mine}/open`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/notifications');
    });
  });

  describe('POST /notifications/:id/read', () => {
    it('fails with a non-authenticated user', async () => {
      assertSignIn(await refused(async () => postForm(await anonymousAgent(t.app), `/notifications/${mine}/read`, {}, { tokenPage: '/login' })));
    });

    it('fails with a banned account', async () => {
      const banned = await bannedAgent(t.app);
      assertSignIn(await refused(() => postForm(banned, `/notifications/${mine}/read`, {}, { tokenPage: '/login' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await refused(() => agent.post(`/notifications/${mine}/read`).type('form').send({}))).status, 403);
    });

    it('fails with a malformed, unknown or someone else\'s id (404)', async () => {
      for (const id of [...MALFORMED, '999999999999', String(theirs)]) assert.equal((await refused(() => post(agent, `/notifications/${id}/read`))).status, 404, id);
    });

    it('succeeds with correct parameters; an unknown filter to go back to reads as all', async () => {
      const res = await post(agent, `/notifications/${mine}/read`, { filter: '<script>' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/notifications');
    });
  });

  describe('POST /notifications/read-all', () => {
    it('fails with a non-authenticated user', async () => {
      assertSignIn(await refused(async () => postForm(await anonymousAgent(t.app), '/notifications/read-all', {}, { tokenPage: '/login' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await refused(() => agent.post('/notifications/read-all').type('form').send({}))).status, 403);
    });

    it('fails with an unknown filter or a malformed time (400)', async () => {
      for (const form of <Record<string, string>[]>[{ filter: 'nope' }, { filter: 'videos', upTo: 'now' }, { upTo: '-5' }, { upTo: '1'.repeat(18) }]) {
        assert.equal((await refused(() => post(agent, '/notifications/read-all', form))).status, 400, JSON.stringify(form));
      }
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await post(agent, '/notifications/read-all', { filter: 'moderation', upTo: '1' })).status, 303);
      assert.equal((await post(agent, '/notifications/read-all')).status, 303);
    });
  });

  describe('POST /settings/notifications', () => {
    const form = { 'site-comment_reply': 'on', 'site-new_video': 'on' };

    it('fails with a non-authenticated user', async () => {
      assertSignIn(await refused(async () => postForm(await anonymousAgent(t.app), '/settings/notifications', form, { tokenPage: '/login' })));
    });

    it('fails with a banned account', async () => {
      const banned = await bannedAgent(t.app);
      assertSignIn(await refused(() => postForm(banned, '/settings/notifications', form, { tokenPage: '/login' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await refused(() => agent.post('/settings/notifications').type('form').send(form))).status, 403);
    });

    it('fails with unknown kinds, kinds not offered, values a checkbox never sends, mail fields while mail is off (422)', async () => {
      for (const bad of <Record<string, string>[]>[{ 'site-unknown': 'on' }, { 'site-new_report': 'on' }, { 'site-new_video': 'true' }, { 'site-new_video': '' }, { 'email-mention': 'on' }, { cadence: 'daily' }, { 'site-': 'on' }, { other: 'x' }]) {
        assert.equal((await refused(() => post(agent, '/settings/notifications', { ...form, ...bad }))).status, 422, JSON.stringify(bad));
      }
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await post(agent, '/settings/notifications', form)).status, 303);
    });
  });

  describe('POST /@:handle/notify', () => {
    let channel: User;
    before(async () => {
      channel = await createUser();
      await subscribe(testPool(), me.id, channel.id);
    });

    it('fails with a non-authenticated user', async () => {
      assertSignIn(await refused(async () => postForm(await anonymousAgent(t.app), `/@${channel.handle}/notify`, { notify: 'none' }, { tokenPage: '/login' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await refused(() => agent.post(`/@${channel.handle}/notify`).type('form').send({ notify: 'none' }))).status, 403);
    });

    it('fails with an unknown channel (404), one\'s own (403), one not followed (409), a bad value (422)', async () => {
      assert.equal((await refused(() => post(agent, '/@no_such_channel_here/notify', { notify: 'none' }))).status, 404);
      assert.equal((await refused(() => post(agent, `/@${me.handle}/notify`, { notify: 'none' }))).status, 403);
      const stranger = await createUser();
      assert.equal((await refused(() => post(agent, `/@${stranger.handle}/notify`, { notify: 'none' }))).status, 409);
      for (const notify of ['', 'some', 'None']) assert.equal((await refused(() => post(agent, `/@${channel.handle}/notify`, { notify }))).status, 422, notify);
    });

    it('succeeds with correct parameters, never going back to another site', async () => {
      const res = await post(agent, `/@${channel.handle}/notify`, { notify: 'none', next: '//evil.example/' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/@${channel.handle}`);
    });
  });
});
