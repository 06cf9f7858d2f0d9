import assert from 'node:assert/strict';
import { insertNotification } from '../../src/db/notifications.js';
import { subscribe } from '../../src/db/subscriptions.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

const preferences = async (userId: number) =>
  (await testPool().query('SELECT kind, in_site, by_email FROM notification_preferences WHERE user_id = $1 ORDER BY kind', [userId])).rows;
const cadenceOf = async (userId: number) => (await testPool().query('SELECT email_cadence FROM users WHERE id = $1', [userId])).rows[0].email_cadence as string;
const bellOf = async (subscriberId: number, channelId: number) =>
  (await testPool().query('SELECT notify FROM subscriptions WHERE subscriber_id = $1 AND channel_id = $2', [subscriberId, channelId])).rows[0]?.notify as string | undefined;

/** The form as the page sends it with every default kept, for a viewer without report.handle. */
const DEFAULTS: Record<string, string> = {
  'site-new_video': 'on', 'site-comment_reply': 'on', 'site-mention': 'on', 'site-video_comment': 'on', 'site-video_ready': 'on', 'site-video_failed': 'on',
  'site-video_taken_down': 'on', 'site-video_restored': 'on', 'site-appeal_decided': 'on', 'site-report_handled': 'on', 'site-new_subscriber': 'on',
};
const DEFAULT_EMAIL: Record<string, string> = {
  'email-comment_reply': 'on', 'email-mention': 'on', 'email-video_failed': 'on', 'email-video_taken_down': 'on', 'email-video_restored': 'on', 'email-appeal_decided': 'on',
};

async function confirmedUser(options: { roles?: string[] } = {}): Promise<User> {
  const user = await createUser({ email: `${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`, ...options });
  await testPool().query('UPDATE users SET email_confirmed_at = now() WHERE id = $1', [user.id]);
  return user;
}

describe('GET|POST /settings/notifications, with mail on', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(() => {
    t = createTestApp({ MAIL_TRANSPORT: 'log' });
  });

  async function signedIn(user: User): Promise<{ agent: Agent; post: (form: Record<string, string>) => ReturnType<Agent['post']> }> {
    const agent = await signedInAgent(t.app, user);
    const token = await tokenFor(agent, '/settings/notifications');
    return { agent, post: (form) => agent.post('/settings/notifications').type('form').send({ _csrf: token, ...form }) };
  }

  it('shows each kind with two labelled boxes ticked as the defaults say, and the cadence; new reports only to moderators', async () => {
    const { agent } = await signedIn(await confirmedUser());
    const page = await agent.get('/settings/notifications');
    assert.equal(page.status, 200);
    assert.match(page.text, /<a href="\/settings\/notifications" aria-current="page">Notifications<\/a>/);
    assert.match(page.text, /<th scope="row">Reply to my comment<\/th>/);
    assert.match(page.text, /name="site-comment_reply" checked>\s*<span class="visually-hidden">Reply to my comment: in the site<\/span>/);
    assert.match(page.text, /name="email-comment_reply" checked>/);
    assert.match(page.text, /name="email-new_video">/, 'new videos are not mailed by default');
    assert.match(page.text, /id="cadence-instant" value="instant" checked/);
    assert.doesNotMatch(page.text, /New reports to review/);
    assert.doesNotMatch(page.text, /disabled/);
    const moderator = await signedIn(await confirmedUser({ roles: ['moderator'] }));
    assert.match((await moderator.agent.get('/settings/notifications')).text, /<th scope="row">New reports to review<\/th>/);
  });

  it('stores only the choices that differ from the defaults, and the cadence; going back to a default removes its row', async () => {
    const user = await confirmedUser();
    const { post } = await signedIn(user);
    const changed = { ...DEFAULTS, ...DEFAULT_EMAIL, cadence: 'daily', 'email-new_video': 'on' } as Record<string, string>;
    delete changed['site-new_subscriber'];
    const res = await post(changed);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/settings/notifications');
    assert.deepEqual(await preferences(user.id), [
      { kind: 'new_subscriber', in_site: false, by_email: false },
      { kind: 'new_video', in_site: true, by_email: true },
    ]);
    assert.equal(await cadenceOf(user.id), 'daily');
    assert.equal((await post({ ...DEFAULTS, ...DEFAULT_EMAIL, cadence: 'weekly' })).status, 303);
    assert.deepEqual(await preferences(user.id), []);
    assert.equal(await cadenceOf(user.id), 'weekly');
  });

  it('applies the choices: a kind turned off in the site makes no row there', async () => {
    const user = await confirmedUser();
    const actor = await createUser();
    const { post } = await signedIn(user);
    const form = { ...DEFAULTS, ...DEFAULT_EMAIL, cadence: 'instant' } as Record<string, string>;
    delete form['site-new_subscriber'];
    assert.equal((await post(form)).status, 303);
    assert.equal(await insertNotification(testPool(), { userId: user.id, kind: 'new_subscriber', actorId: actor.id }), null);
    assert.ok(await insertNotification(testPool(), { userId: user.id, kind: 'report_handled', detail: {} }));
    const { rows } = await testPool().query('SELECT kind FROM notifications WHERE user_id = $1 AND in_site', [user.id]);
    assert.deepEqual(rows.map((r) => r.kind), ['report_handled']);
  });

  it('lets a moderator choose new reports, keeps that choice once the role is gone, and refuses the kind to others', async () => {
    const moderator = await confirmedUser({ roles: ['moderator'] });
    const { post } = await signedIn(moderator);
    assert.equal((await post({ ...DEFAULTS, ...DEFAULT_EMAIL, cadence: 'instant', 'site-new_report': 'on' })).status, 303);
    assert.deepEqual(await preferences(moderator.id), [{ kind: 'new_report', in_site: true, by_email: false }]);
    // Without the role the kind is not offered, and saving the page leaves its row as it was.
    await testPool().query('DELETE FROM user_roles WHERE user_id = $1', [moderator.id]);
    const former = await signedIn(moderator);
    assert.equal((await former.post({ ...DEFAULTS, ...DEFAULT_EMAIL, cadence: 'instant' })).status, 303);
    assert.deepEqual(await preferences(moderator.id), [{ kind: 'new_report', in_site: true, by_email: false }]);
    const user = await confirmedUser();
    const refused = await (await signedIn(user)).post({ ...DEFAULTS, cadence: 'instant', 'site-new_report': 'on' });
    assert.equal(refused.status, 422, 'a kind not offered to this account');
  });

  it('refuses unknown kinds, values a checkbox never sends and unknown cadences (422, the page again with the message), writing nothing', async () => {
    const user = await confirmedUser();
    const { post } = await signedIn(user);
    for (const bad of <Record<string, string>[]>[{ 'site-no_such_kind': 'on' }, { 'site-new_video': 'yes' }, { 'email-mention': 'off' }, { cadence: 'hourly' }, { cadence: '' }, { extra: '1' }]) {
      const res = await post({ ...DEFAULTS, cadence: 'instant', ...bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
      assert.match(res.text, /class="error-summary"/);
    }
    assert.deepEqual(await preferences(user.id), []);
    assert.equal(await cadenceOf(user.id), 'instant');
  });
});

describe('GET|POST /settings/notifications, without mail or a confirmed address', function () {
  this.timeout(60_000);
  let off: TestApp;
  let on: TestApp;
  before(() => {
    off = createTestApp({ MAIL_TRANSPORT: 'off' });
    on = createTestApp({ MAIL_TRANSPORT: 'log' });
  });

  it('shows the mail column disabled and says why: mail off, no address, an unconfirmed address', async () => {
    const confirmed = await confirmedUser();
    const offPage = await (await signedInAgent(off.app, confirmed)).get('/settings/notifications');
    assert.match(offPage.text, /This site does not send email/);
    assert.match(offPage.text, /name="email-comment_reply" checked disabled aria-describedby="mail-off-why"/);
    assert.match(offPage.text, /<fieldset class="field" id="field-cadence" disabled/);
    const noAddress = await (await signedInAgent(on.app, await createUser())).get('/settings/notifications');
    assert.match(noAddress.text, /Your account has no email address\. Add one in your profile settings[^<]*<a href="\/settings">/);
    assert.match(noAddress.text, /name="email-mention" checked disabled/);
    const unconfirmed = await (await signedInAgent(on.app, await createUser({ email: `${Date.now()}-u@example.test` }))).get('/settings/notifications');
    assert.match(unconfirmed.text, /Your email address is not confirmed yet/);
  });

  it('keeps the stored mail choices and cadence when saving the site column; refuses mail fields then', async () => {
    const user = await confirmedUser();
    await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_video', true, true)`, [user.id]);
    await testPool().query(`UPDATE users SET email_cadence = 'weekly' WHERE id = $1`, [user.id]);
    const agent = await signedInAgent(off.app, user);
    const token = await tokenFor(agent, '/settings/notifications');
    const form = { ...DEFAULTS } as Record<string, string>;
    delete form['site-mention'];
    assert.equal((await agent.post('/settings/notifications').type('form').send({ _csrf: token, ...form })).status, 303);
    assert.deepEqual(await preferences(user.id), [
      { kind: 'mention', in_site: false, by_email: true },
      { kind: 'new_video', in_site: true, by_email: true },
    ]);
    assert.equal(await cadenceOf(user.id), 'weekly');
    for (const bad of [{ 'email-mention': 'on' }, { cadence: 'daily' }]) {
      assert.equal((await agent.post('/settings/notifications').type('form').send({ _csrf: token, ...form, ...bad })).status, 422, JSON.stringify(bad));
    }
    assert.equal(await cadenceOf(user.id), 'weekly');
  });
});

describe('POST /@:handle/notify: the bell of a followed channel', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(() => {
    t = createTestApp();
  });

  it('is offered on the channel page only while subscribed, sets all or none, and is listed in the settings', async () => {
    const me = await createUser();
    const channel = await createUser({ displayName: 'Bell Channel' });
    const agent = await signedInAgent(t.app, me);
    const token = await tokenFor(agent, `/@${channel.handle}`);
    assert.doesNotMatch((await agent.get(`/@${channel.handle}`)).text, /data-channel-bell/);
    assert.equal((await agent.post(`/@${channel.handle}/notify`).type('form').send({ _csrf: token, notify: 'none' })).status, 409, 'not subscribed');
    await subscribe(testPool(), me.id, channel.id);
    const page = await agent.get(`/@${channel.handle}`);
    assert.match(page.text, /<form action="\/@[^"]+\/notify" method="post" class="channel-bell" data-channel-bell>/);
    assert.match(page.text, /value="all" id="bell-[^"]+-all" checked/);
    const res = await agent.post(`/@${channel.handle}/notify`).type('form').send({ _csrf: token, notify: 'none' }).set('Referer', `http://127.0.0.1/@${channel.handle}`);
    assert.equal(res.status, 303);
    assert.equal(await bellOf(me.id, channel.id), 'none');
    assert.match((await agent.get(`/@${channel.handle}`)).text, /value="none" id="bell-[^"]+-none" checked/);
    const settings = await agent.get('/settings/notifications');
    assert.match(settings.text, /<legend>Bell Channel<\/legend>/);
    const back = await agent.post(`/@${channel.handle}/notify`).type('form').send({ _csrf: token, notify: 'all', next: '/settings/notifications' });
    assert.equal(back.headers.location, '/settings/notifications');
    assert.equal(await bellOf(me.id, channel.id), 'all');
  });

  it('refuses a value other than all or none (422) and one\'s own channel (403), writing nothing', async () => {
    const me = await createUser();
    const channel = await createUser();
    await subscribe(testPool(), me.id, channel.id);
    const agent = await signedInAgent(t.app, me);
    const token = await tokenFor(agent, '/settings/notifications');
    for (const notify of ['', 'some', 'ALL']) assert.equal((await agent.post(`/@${channel.handle}/notify`).type('form').send({ _csrf: token, notify })).status, 422, notify);
    assert.equal(await bellOf(me.id, channel.id), 'all');
    assert.equal((await agent.post(`/@${me.handle}/notify`).type('form').send({ _csrf: token, notify: 'none' })).status, 403);
  });
});
