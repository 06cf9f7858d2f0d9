// Account email (issue 14, item 6) with a real SMTP server: confirmation and reset links
// followed from the mail received, single use and expiry with an injected clock, answers that
// do not tell which accounts exist, and the announcements to the old address.
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import supertest from 'supertest';
import { insertEmailToken } from '../../src/db/email-tokens.js';
import { redactUrl } from '../../src/http/logging.js';
import { createTestApp, useWorker, type TestApp } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, deleteUser, DEFAULT_PASSWORD, uniqueHandle } from '../helpers/factories.js';
import { linkIn, useMailBox } from '../helpers/mail.js';

const NEW_PASSWORD = 'a brand new passphrase 31';
const HOUR_MS = 3_600_000;

/** Every mail of the site: a plain-text and an HTML part, both with the site's name. */
function assertWellFormed(mail: ParsedMail): void {
  assert.match(mail.subject ?? '', /^\[Tubestead\] /);
  assert.match(mail.text ?? '', /Tubestead/);
  assert.match(String(mail.html), /Tubestead/);
  assert.match(String(mail.html), /<a href="http/);
}

const address = (stem: string) => `${uniqueHandle(stem)}@example.test`;

async function emailRow(userId: number) {
  const { rows } = await testPool().query<{ email: string | null; email_confirmed_at: Date | null }>('SELECT email, email_confirmed_at FROM users WHERE id = $1', [userId]);
  return rows[0]!;
}

/** Follows a confirmation link as its owner does: its page (which only asks), then its button. */
async function confirmAt(app: TestApp['app'], path: string, agent: Agent = supertest.agent(app)) {
  const page = await agent.get(path);
  if (page.status !== 200) return page;
  return agent.post(path).type('form').send({ _csrf: csrfFrom(page.text) });
}

async function signInStatus(app: TestApp['app'], login: string, password: string): Promise<number> {
  const agent = supertest.agent(app);
  const token = await tokenFor(agent, '/login');
  return (await agent.post('/login').type('form').send({ _csrf: token, login, password })).status;
}

describe('account email', function () {
  this.timeout(30_000);
  const mail = useMailBox();
  let clock = new Date();
  const t = {} as TestApp;
  before(() => Object.assign(t, createTestApp(mail.env, testPool(), { now: () => clock })));
  useWorker(t);
  beforeEach(() => {
    clock = new Date();
  });

  /** A form post with the token of `tokenPage`, read first: the agent sends the cookies it holds when the request is made. */
  const post = async (agent: Agent, path: string, form: Record<string, string>, tokenPage = '/settings') => {
    const token = await tokenFor(agent, tokenPage);
    return agent.post(path).type('form').send({ _csrf: token, ...form });
  };

  describe('GET and POST /confirm-email/:token', () => {
    it('confirms the address given at sign-up from the link in the mail, once; only then does it sign in', async () => {
      const handle = uniqueHandle('conf');
      const email = address('signup');
      const visitor = supertest.agent(t.app);
      const res = await post(visitor, '/register', { handle, displayName: 'Confirming person', email, password: DEFAULT_PASSWORD }, '/register');
      assert.equal(res.status, 303);
      const received = await mail.box.waitFor(email);
      assertWellFormed(received);
      assert.match(received.subject!, /Confirm your email address/);
      assert.match(received.text!, new RegExp(`@${handle}`));
      const link = linkIn(received, '/confirm-email/');
      assert.equal(link.origin, t.config.publicUrl.origin);

      assert.equal(await signInStatus(t.app, email, DEFAULT_PASSWORD), 401, 'an unconfirmed address does not sign in');
      const settings = await visitor.get('/settings');
      assert.match(settings.text, /Not confirmed/);

      const visitor2 = supertest.agent(t.app);
      for (let i = 0; i < 2; i += 1) {
        const ask = await visitor2.get(link.pathname);
        assert.equal(ask.status, 200, 'opening the link (as a mail scanner does) does not use it');
        assert.match(ask.text, new RegExp(`Make <strong>${email}</strong> the address of the account <strong>@${handle}</strong>`));
        assert.match(ask.text, /Confirm this address/);
        assert.match(String(ask.headers['cache-control']), /no-store/);
        assert.equal(ask.headers['referrer-policy'], 'no-referrer');
      }
      assert.deepEqual((await testPool().query('SELECT email_confirmed_at FROM users WHERE handle = $1', [handle])).rows, [{ email_confirmed_at: null }]);
      assert.equal((await visitor2.post(link.pathname).type('form').send({})).status, 403, 'the button needs the page\'s CSRF token');
      const page = await visitor2.post(link.pathname).type('form').send({ _csrf: csrfFrom((await visitor2.get(link.pathname)).text) });
      assert.equal(page.status, 200);
      assert.match(String(page.headers['cache-control']), /no-store/);
      assert.match(page.text, /Your email address is confirmed/);
      const { rows } = await testPool().query('SELECT email, email_confirmed_at FROM users WHERE handle = $1', [handle]);
      assert.equal(rows[0].email, email);
      assert.equal(rows[0].email_confirmed_at.getTime(), clock.getTime(), 'confirmed at the injected time');

      const again = await confirmAt(t.app, link.pathname);
      assert.equal(again.status, 410, 'a link works once');
      assert.match(again.text, /already been used/);
      assert.equal(await signInStatus(t.app, email.toUpperCase(), DEFAULT_PASSWORD), 303, 'a confirmed address signs in');
      assert.match((await visitor.get('/settings')).text, /Confirmed/);
    });

    it('refuses a link after 24 hours (410) and writes nothing; the link sent again works', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const email = address('late');
      assert.equal((await post(agent, '/settings/email', { email, currentPassword: user.password })).status, 303);
      const link = linkIn(await mail.box.waitFor(email), '/confirm-email/');
      clock = new Date(clock.getTime() + 24 * HOUR_MS + 1000);
      const late = await confirmAt(t.app, link.pathname);
      assert.equal(late.status, 410);
      assert.match(late.text, /expired/);
      assert.deepEqual(await emailRow(user.id), { email: null, email_confirmed_at: null });

      const since = mail.box.messages.length;
      const resend = await post(agent, '/settings/email/resend', {});
      assert.equal(resend.status, 303);
      const second = linkIn(await mail.box.waitFor(email, undefined, { since }), '/confirm-email/');
      assert.notEqual(second.pathname, link.pathname);
      assert.equal((await confirmAt(t.app, second.pathname)).status, 200);
      assert.equal((await emailRow(user.id)).email, email);
    });

    it('answers 404 for a link it never sent, whatever its shape, and for a deleted account\'s', async () => {
      const deleted = await createUser();
      const token = await insertEmailToken(testPool(), { userId: deleted.id, purpose: 'confirm', email: address('gone'), now: clock });
      await deleteUser(deleted);
      for (const bad of ['A'.repeat(43), 'short', 'x'.repeat(300), '%00', token]) {
        const res = await supertest(t.app).get(`/confirm-email/${bad}`);
        assert.equal(res.status, 404, bad);
        assert.match(res.text, /Open your settings/);
      }
      assert.deepEqual(await emailRow(deleted.id), { email: null, email_confirmed_at: null });
    });

    it('refuses an address another account confirmed meanwhile, with a clear message, and writes nothing', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const email = address('taken');
      assert.equal((await post(agent, '/settings/email', { email, currentPassword: user.password })).status, 303);
      const link = linkIn(await mail.box.waitFor(email), '/confirm-email/');
      await createUser({ email, confirmedEmail: true });
      const res = await confirmAt(t.app, link.pathname);
      assert.equal(res.status, 409);
      assert.match(res.text, /belongs to another account/);
      assert.deepEqual(await emailRow(user.id), { email: null, email_confirmed_at: null });
      const { rows } = await testPool().query('SELECT used_at FROM email_tokens WHERE user_id = $1', [user.id]);
      assert.deepEqual(rows, [{ used_at: null }]);
    });

    it('takes an address from an account that only typed it, never confirmed it', async () => {
      const email = address('claimed');
      const squatter = await createUser({ email });
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      assert.equal((await post(agent, '/settings/email', { email: email.toUpperCase(), currentPassword: owner.password })).status, 303);
      const link = linkIn(await mail.box.waitFor(email), '/confirm-email/');
      assert.equal((await supertest(t.app).get(link.pathname)).status, 200);
      assert.equal((await emailRow(squatter.id)).email, email, 'opening the link takes nothing');
      assert.equal((await confirmAt(t.app, link.pathname)).status, 200);
      assert.equal((await emailRow(owner.id)).email, email.toUpperCase());
      assert.deepEqual(await emailRow(squatter.id), { email: null, email_confirmed_at: null });
    });
  });

  describe('POST /register', () => {
    it('shows a new account the same address section whether or not another account has confirmed the address, and mails both', async () => {
      const owner = await createUser({ email: address('owned'), confirmedEmail: true });
      const sections: string[] = [];
      for (const email of [owner.email!, address('free')]) {
        const visitor = supertest.agent(t.app);
        const handle = uniqueHandle('same');
        assert.equal((await post(visitor, '/register', { handle, displayName: 'Someone', email, password: DEFAULT_PASSWORD }, '/register')).status, 303);
        const page = (await visitor.get('/settings')).text;
        const section = page.slice(page.indexOf('<section class="card" aria-labelledby="email-title">'));
        sections.push(section.slice(0, section.indexOf('</section>')).replace(/name="_csrf" value="[^"]+"/g, '').replaceAll(email, 'ADDRESS'));
        await mail.box.waitFor(email, (m) => /Confirm your email address/.test(m.subject ?? '') && (m.text ?? '').includes(`@${handle}`));
      }
      assert.equal(sections[0], sections[1]);
      assert.match(sections[0]!, /Waiting for confirmation: <strong>ADDRESS<\/strong>/);
      assert.equal((await emailRow(owner.id)).email, owner.email, 'the owner keeps the address');
    });
  });

  describe('POST /settings/email', () => {
    it('asks the password to replace a confirmed address, keeps the old one until the link is followed, then tells the old address', async () => {
      const oldEmail = address('old');
      const user = await createUser({ email: oldEmail, confirmedEmail: true });
      const agent = await signedInAgent(t.app, user);
      const newEmail = address('new');
      const noPassword = await post(agent, '/settings/email', { email: newEmail });
      assert.equal(noPassword.status, 422);
      assert.match(noPassword.text, /Enter your current password/);
      assert.match(noPassword.text, new RegExp(`value="${newEmail}"`), 'the typed address is kept');
      assert.equal((await post(agent, '/settings/email', { email: newEmail, currentPassword: 'not my password' })).status, 422);
      assert.equal((await post(agent, '/settings/email', { email: oldEmail.toUpperCase(), currentPassword: user.password })).status, 422);
      const { rows: none } = await testPool().query('SELECT 1 FROM email_tokens WHERE user_id = $1', [user.id]);
      assert.equal(none.length, 0, 'a refused form sends nothing');

      const res = await post(agent, '/settings/email', { email: newEmail, currentPassword: user.password });
      assert.equal(res.status, 303);
      const settings = await agent.get('/settings');
      assert.match(settings.text, new RegExp(`Waiting for confirmation: <strong>${newEmail}</strong>`));
      assert.match(settings.text, new RegExp(`until then your address stays ${oldEmail}`));
      assert.equal((await emailRow(user.id)).email, oldEmail, 'the old address stays until the link is followed');
      assert.equal(await signInStatus(t.app, oldEmail, user.password), 303);

      const link = linkIn(await mail.box.waitFor(newEmail), '/confirm-email/');
      assert.equal((await confirmAt(t.app, link.pathname, agent)).status, 200);
      assert.equal((await emailRow(user.id)).email, newEmail);
      const notice = await mail.box.waitFor(oldEmail, (m) => /address was changed/.test(m.subject ?? ''));
      assertWellFormed(notice);
      assert.match(notice.text!, new RegExp(`to ${newEmail}`));
      assert.match(notice.text!, /If this was not you/);
      assert.equal(await signInStatus(t.app, oldEmail, user.password), 401, 'the old address no longer signs in');
      assert.equal(await signInStatus(t.app, newEmail, user.password), 303);
    });

    it('asks the password to add a first address too, for an account whose address was never confirmed', async () => {
      // Every account from before confirmed addresses: a stolen session must not set an address
      // of its own, confirm it and reset the password.
      const user = await createUser({ email: address('before') });
      const agent = await signedInAgent(t.app, user);
      const form = await agent.get('/settings');
      assert.match(form.text, /name="currentPassword"/);
      const attacker = address('attacker');
      for (const currentPassword of [undefined, '', 'not my password']) {
        const res = await post(agent, '/settings/email', currentPassword === undefined ? { email: attacker } : { email: attacker, currentPassword });
        assert.equal(res.status, 422, String(currentPassword));
        assert.match(res.text, currentPassword === 'not my password' ? /That is not your current password/ : /Enter your current password to add or change your address/);
      }
      const { rows } = await testPool().query('SELECT 1 FROM email_tokens WHERE user_id = $1', [user.id]);
      assert.equal(rows.length, 0, 'no link issued');
      assert.equal((await post(agent, '/settings/email', { email: attacker, currentPassword: user.password })).status, 303);
    });

    it('mails at most 3 confirmation links to an address an hour, whichever accounts ask (429 with Retry-After)', async () => {
      const victim = address('victim');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const user = await createUser();
        const res = await post(await signedInAgent(t.app, user), '/settings/email', { email: i % 2 ? victim.toUpperCase() : victim, currentPassword: user.password });
        statuses.push(res.status);
        if (res.status === 429) {
          assert.ok(Number(res.headers['retry-after']) > 0);
          assert.match(res.text, /Several confirmation links were sent to this address/);
        }
      }
      assert.deepEqual(statuses, [303, 303, 303, 429]);
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM email_tokens WHERE lower(email) = lower($1)`, [victim]);
      assert.equal(rows[0].n, 3, 'the refused form issued no link');

      // A sign-up past the limit is made and answered as any other, without the mail.
      const visitor = supertest.agent(t.app);
      const handle = uniqueHandle('late');
      const res = await post(visitor, '/register', { handle, displayName: 'Late person', email: victim, password: DEFAULT_PASSWORD }, '/register');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/@${handle}`);
      const { rows: after } = await testPool().query(`SELECT count(*)::int AS n FROM email_tokens WHERE lower(email) = lower($1)`, [victim]);
      assert.equal(after[0].n, 3, 'no link for the sign-up');
      assert.match((await visitor.get('/settings')).text, /Waiting for confirmation/);
    });

    it('only the last address asked for can be confirmed', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const first = address('first');
      const second = address('second');
      assert.equal((await post(agent, '/settings/email', { email: first, currentPassword: user.password })).status, 303);
      assert.equal((await post(agent, '/settings/email', { email: second, currentPassword: user.password })).status, 303);
      const firstLink = linkIn(await mail.box.waitFor(first), '/confirm-email/');
      await mail.box.waitFor(second);
      assert.equal((await supertest(t.app).get(firstLink.pathname)).status, 404);
      assert.equal((await emailRow(user.id)).email, null);
    });

    it('limits the confirmation mails an account asks for (429 with Retry-After)', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await post(agent, '/settings/email', { email: address('many'), currentPassword: user.password });
        statuses.push(res.status);
        if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0);
      }
      assert.deepEqual(statuses, [303, 303, 303, 303, 303, 429]);
    });
  });

  describe('POST /forgot-password and /reset-password/:token', () => {
    /** The answer to the forgot-password form, as a visitor sends it. */
    async function forgot(email: string) {
      const visitor = supertest.agent(t.app);
      const token = await tokenFor(visitor, '/forgot-password');
      return visitor.post('/forgot-password').type('form').send({ _csrf: token, email });
    }

    /** A page with what differs between any two answers taken out: the CSRF token and the address typed. */
    const comparable = (html: string, email: string) =>
      html.replace(/name="csrf-token" content="[^"]+"/g, '').replace(/name="_csrf" value="[^"]+"/g, '').replaceAll(email, 'ADDRESS');

    it('answers the same for an account, an unknown address, and banned, waiting, deleted and unconfirmed accounts; only the account gets mail', async () => {
      const existing = await createUser({ email: address('exists'), confirmedEmail: true });
      const banned = await createUser({ email: address('banned'), confirmedEmail: true });
      await banUser(banned);
      const waiting = await createUser({ email: address('waiting'), confirmedEmail: true });
      await testPool().query('UPDATE users SET pending_at = now() WHERE id = $1', [waiting.id]);
      const deletedEmail = address('deleted');
      await deleteUser(await createUser({ email: deletedEmail, confirmedEmail: true }));
      const unconfirmed = await createUser({ email: address('unconfirmed') });
      const others = [address('nobody'), banned.email!, waiting.email!, deletedEmail, unconfirmed.email!];
      const answers = [];
      for (const email of [...others, existing.email!]) {
        const res = await forgot(email);
        answers.push({ status: res.status, page: comparable(res.text, email) });
      }
      await testPool().query('UPDATE users SET pending_at = NULL WHERE id = $1', [waiting.id]);
      for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
      assert.equal(answers[0]!.status, 200);
      assert.match(answers[0]!.page, /If an account here has the confirmed address <strong>ADDRESS<\/strong>/);

      const received = await mail.box.waitFor(existing.email!);
      assertWellFormed(received);
      assert.match(received.subject!, /Reset your password/);
      // Mail is sent in the order it was queued: the others would have come before it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const email of others) assert.equal(mail.box.to(email).length, 0, `no mail to ${email}`);
    });

    it('mails a link whose page does not use it; the new password ends every session; the link works once and is announced', async () => {
      const user = await createUser({ email: address('reset'), confirmedEmail: true });
      const elsewhere = await signedInAgent(t.app, user);
      const phone = await signedInAgent(t.app, user);
      assert.equal((await forgot(user.email!.toUpperCase())).status, 200);
      const link = linkIn(await mail.box.waitFor(user.email!), '/reset-password/');
      assert.equal(link.origin, t.config.publicUrl.origin);

      const visitor = supertest.agent(t.app);
      for (let i = 0; i < 2; i += 1) {
        const page = await visitor.get(link.pathname);
        assert.equal(page.status, 200, 'opening the link (as a mail scanner does) does not use it');
        assert.match(String(page.headers['cache-control']), /no-store/);
        assert.equal(page.headers['referrer-policy'], 'no-referrer', 'the token is not repeated to the next page');
        assert.match(page.text, new RegExp(`@${user.handle}`));
      }
      const token = await tokenFor(visitor, link.pathname);
      const weak = await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: 'short', confirmPassword: 'short' });
      assert.equal(weak.status, 422);
      const withHandle = await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: `x${user.handle}yz12`, confirmPassword: `x${user.handle}yz12` });
      assert.equal(withHandle.status, 422, 'the same rules as sign-up');
      const mismatch = await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: NEW_PASSWORD, confirmPassword: 'something else entirely' });
      assert.equal(mismatch.status, 422);

      const since = mail.box.messages.length;
      const done = await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
      assert.equal(done.status, 200);
      assert.match(done.text, /Your password has been changed/);
      for (const agent of [elsewhere, phone]) assert.equal((await agent.get('/settings')).status, 303, 'every session is signed out');
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
      assert.equal(rows[0].n, 0);
      assert.equal(await signInStatus(t.app, user.handle, DEFAULT_PASSWORD), 401);
      assert.equal(await signInStatus(t.app, user.email!, NEW_PASSWORD), 303);

      const again = await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: 'yet another passphrase 9', confirmPassword: 'yet another passphrase 9' });
      assert.equal(again.status, 410);
      assert.equal((await visitor.get(link.pathname)).status, 410);
      const notice = await mail.box.waitFor(user.email!, (m) => /password was changed/.test(m.subject ?? ''), { since });
      assertWellFormed(notice);
    });

    it('refuses a link after an hour (410), and a link for another purpose (404), changing nothing', async () => {
      const user = await createUser({ email: address('hour'), confirmedEmail: true });
      await forgot(user.email!);
      const link = linkIn(await mail.box.waitFor(user.email!), '/reset-password/');
      clock = new Date(clock.getTime() + HOUR_MS + 1000);
      const visitor = supertest.agent(t.app);
      const page = await visitor.get(link.pathname);
      assert.equal(page.status, 410);
      assert.match(page.text, /expired/);
      assert.match(page.text, /Ask for a new link/);
      const token = await tokenFor(visitor, '/forgot-password');
      assert.equal((await visitor.post(link.pathname).type('form').send({ _csrf: token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status, 410);
      assert.equal(await signInStatus(t.app, user.handle, DEFAULT_PASSWORD), 303);
      clock = new Date();
      assert.equal((await supertest(t.app).get(link.pathname.replace('/reset-password/', '/confirm-email/'))).status, 404);
    });

    it('mails at most 3 links to an address an hour, whoever asks, answering the same page every time', async () => {
      // A 429 here would let anyone block someone's reset by asking for their address 3 times.
      const user = await createUser({ email: address('limit'), confirmedEmail: true });
      for (const email of [user.email!, address('limitnobody')]) {
        const answers = [];
        for (let i = 0; i < 5; i += 1) {
          const res = await forgot(i % 2 ? email.toUpperCase() : email);
          answers.push({ status: res.status, page: comparable(res.text, i % 2 ? email.toUpperCase() : email) });
        }
        for (const answer of answers) assert.deepEqual(answer, answers[0], email);
        assert.equal(answers[0]!.status, 200);
      }
      for (let i = 0; i < 100 && mail.box.to(user.email!).length < 3; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM email_tokens WHERE user_id = $1 AND purpose = 'reset'`, [user.id]);
      assert.equal(rows[0].n, 3, 'links issued');
      assert.equal(mail.box.to(user.email!).length, 3, 'mails sent');
    });

    it('limits requests per client address', async () => {
      const limited = createTestApp({ ...mail.env, SIGNUP_MAX_PER_HOUR: '1', TRUST_PROXY: 'loopback' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const visitor = supertest.agent(limited.app);
        const token = await tokenFor(visitor, '/forgot-password');
        statuses.push((await visitor.post('/forgot-password').set('X-Forwarded-For', '203.0.113.77').type('form').send({ _csrf: token, email: address('ip') })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    });
  });

  describe('reset links that outlived a change', () => {
    /** The reset link's page and its form, as its holder would use them; the two statuses. */
    async function useResetLink(token: string): Promise<[number, number]> {
      const visitor = supertest.agent(t.app);
      const page = await visitor.get(`/reset-password/${token}`);
      const csrf = await tokenFor(visitor, '/forgot-password');
      const post = await visitor.post(`/reset-password/${token}`).type('form').send({ _csrf: csrf, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
      return [page.status, post.status];
    }
    const resetLink = (user: { id: number; email: string | null }) => insertEmailToken(testPool(), { userId: user.id, purpose: 'reset', email: user.email!, now: clock });

    it('stop working when the password is changed in the settings', async () => {
      const user = await createUser({ email: address('pwchange'), confirmedEmail: true });
      const token = await resetLink(user);
      const agent = await signedInAgent(t.app, user);
      const changed = 'the owner chose this one 42';
      assert.equal((await post(agent, '/settings/password', { currentPassword: user.password, newPassword: changed, confirmPassword: changed }, '/settings/password')).status, 303);
      assert.deepEqual(await useResetLink(token), [404, 404]);
      assert.equal(await signInStatus(t.app, user.handle, changed), 303, 'the owner\'s password stays');
    });

    it('stop working when a new address is confirmed', async () => {
      const user = await createUser({ email: address('addrold'), confirmedEmail: true });
      const token = await resetLink(user);
      const agent = await signedInAgent(t.app, user);
      const newEmail = address('addrnew');
      assert.equal((await post(agent, '/settings/email', { email: newEmail, currentPassword: user.password })).status, 303);
      assert.equal((await confirmAt(t.app, linkIn(await mail.box.waitFor(newEmail), '/confirm-email/').pathname, agent)).status, 200);
      assert.deepEqual(await useResetLink(token), [404, 404]);
      assert.equal(await signInStatus(t.app, user.handle, user.password), 303);
    });

    it('do not work once the link\'s address is no longer the account\'s confirmed one', async () => {
      const user = await createUser({ email: address('moved'), confirmedEmail: true });
      const token = await resetLink(user);
      await testPool().query('UPDATE users SET email = $2 WHERE id = $1', [user.id, address('elsewhere')]);
      assert.deepEqual(await useResetLink(token), [404, 404]);
      await testPool().query('UPDATE users SET email = $2, email_confirmed_at = NULL WHERE id = $1', [user.id, user.email]);
      assert.deepEqual(await useResetLink(token), [404, 404], 'nor once it is unconfirmed');
      const { rows } = await testPool().query('SELECT used_at FROM email_tokens WHERE user_id = $1', [user.id]);
      assert.deepEqual(rows, [{ used_at: null }], 'a refused link is not used');
      assert.equal(await signInStatus(t.app, user.handle, user.password), 303, 'the password stays');
    });
  });

  describe('the token of a mailed link, kept out of the logs', () => {
    const token = 'AbC_-' + 'x'.repeat(38);

    it('is redacted from the request log, in the path and encoded in a next=', () => {
      for (const [url, logged] of [
        [`/reset-password/${token}`, '/reset-password/[redacted]'],
        [`/confirm-email/${token}?from=mail`, '/confirm-email/[redacted]?from=mail'],
        [`/Reset-Password/${token}`, '/Reset-Password/[redacted]'],
        [`/login?next=%2Freset-password%2F${token}`, '/login?next=%2Freset-password%2F[redacted]'],
        [`/login?next=%2fconfirm-email%2f${token}&x=1`, '/login?next=%2fconfirm-email%2f[redacted]&x=1'],
        ['/forgot-password', '/forgot-password'],
      ]) assert.equal(redactUrl(url!), logged);
    });

    it('is not in the "Sign in" link of the pages at a link\'s address', async () => {
      const user = await createUser({ email: address('next'), confirmedEmail: true });
      const reset = await insertEmailToken(testPool(), { userId: user.id, purpose: 'reset', email: user.email!, now: clock });
      const confirm = await insertEmailToken(testPool(), { userId: user.id, purpose: 'confirm', email: address('nextnew'), now: clock });
      for (const path of [`/reset-password/${reset}`, `/confirm-email/${confirm}`, `/reset-password/${'A'.repeat(43)}`, `/confirm-email/${'A'.repeat(43)}`]) {
        const page = await supertest(t.app).get(path);
        assert.match(page.text, /href="\/login"/, path);
        assert.doesNotMatch(page.text, /next=%2F(reset-password|confirm-email)/i, path);
      }
      for (const path of [`/reset-password/${reset}`, `/confirm-email/${confirm}`]) {
        const forged = await supertest(t.app).post(path).type('form').send({});
        assert.equal(forged.status, 403, 'refused before the route: no CSRF token');
        assert.match(String(forged.headers['cache-control']), /no-store/, path);
        assert.equal(forged.headers['referrer-policy'], 'no-referrer', path);
        assert.doesNotMatch(forged.text, /next=%2F(reset-password|confirm-email)/i, path);
      }
    });
  });

  describe('POST /settings/password', () => {
    it('tells the confirmed address that the password changed', async () => {
      const user = await createUser({ email: address('changed'), confirmedEmail: true });
      const agent = await signedInAgent(t.app, user);
      const res = await post(agent, '/settings/password', { currentPassword: user.password, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, '/settings/password');
      assert.equal(res.status, 303);
      const notice = await mail.box.waitFor(user.email!, (m) => /password was changed/.test(m.subject ?? ''));
      assertWellFormed(notice);
      assert.match(notice.text!, new RegExp(`@${user.handle}`));
    });
  });
});

describe('account email with mail off', () => {
  const t = {} as TestApp;
  before(() => Object.assign(t, createTestApp({ MAIL_TRANSPORT: 'off' })));

  it('says on the forgot-password page that this site cannot send mail, and sends nothing', async () => {
    const user = await createUser({ email: address('off'), confirmedEmail: true });
    const visitor = supertest.agent(t.app);
    const page = await visitor.get('/forgot-password');
    assert.equal(page.status, 200);
    assert.match(page.text, /This site cannot send mail/);
    assert.match(page.text, /Ask an administrator/);
    assert.doesNotMatch(page.text, /name="email"/);
    const token = await tokenFor(visitor, '/login');
    const res = await visitor.post('/forgot-password').type('form').send({ _csrf: token, email: user.email });
    assert.equal(res.status, 200);
    assert.match(res.text, /This site cannot send mail/);
    const { rows } = await testPool().query('SELECT 1 FROM email_tokens WHERE user_id = $1', [user.id]);
    assert.equal(rows.length, 0);
  });

  it('says in the settings that addresses cannot be confirmed, and refuses to send (409)', async () => {
    const user = await createUser({ email: address('offset') });
    const agent = await signedInAgent(t.app, user);
    const settings = await agent.get('/settings');
    assert.match(settings.text, /Not confirmed/);
    assert.match(settings.text, /addresses cannot be confirmed/);
    assert.doesNotMatch(settings.text, /action="\/settings\/email"/);
    const token = await tokenFor(agent, '/settings');
    for (const path of ['/settings/email', '/settings/email/resend']) {
      const res = await agent.post(path).type('form').send({ _csrf: token, email: address('offnew') });
      assert.equal(res.status, 409, path);
      assert.match(res.text, /cannot send mail/);
    }
    const { rows } = await testPool().query('SELECT 1 FROM email_tokens WHERE user_id = $1', [user.id]);
    assert.equal(rows.length, 0);
  });
});
