// Attack covered: bad parameters on the mail page (issue 14): signed-out and banned requests,
// forged posts, accounts without settings.edit, missing, repeated, oversized and hostile
// addresses. Each gets its exact status, never a 500, and a refused request queues nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { MAIL_FROM } from '../helpers/mail.js';

const queuedMail = async () => Number((await testPool().query(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'mail.send'`)).rows[0].n);

describe('check params: mail', () => {
  // Mail on (a server nobody listens on: nothing here is sent, only queued or refused).
  const t = useCheckedApp({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM });
  let admin: Agent;
  let moderator: Agent;
  let plain: Agent;

  before(async () => {
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    plain = await signedInAgent(t.app, await createUser());
  });

  describe('GET /admin/mail, POST /admin/mail/test', () => {
    it('fails with a non-authenticated user or a banned account (sign in), without a CSRF token (403), and without settings.edit (403)', async () => {
      assertSignIn(await supertest(t.app).get('/admin/mail'), '/admin/mail');
      assertSignIn(await (await bannedAgent(t.app)).get('/admin/mail'));
      for (const who of [plain, moderator]) assert.equal((await who.get('/admin/mail')).status, 403);
      const before = await queuedMail();
      const form = { to: 'forged@example.test' };
      const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
      assertSignIn(await postForm(visitor, '/admin/mail/test', form, { tokenPage: '/login' }));
      assertSignIn(await postForm(banned, '/admin/mail/test', form, { tokenPage: '/login' }));
      assert.equal((await admin.post('/admin/mail/test').type('form').send(form)).status, 403);
      for (const who of [plain, moderator]) assert.equal((await postForm(who, '/admin/mail/test', form)).status, 403);
      assert.equal(await queuedMail(), before);
    });

    it('fails with a missing, malformed, oversized, repeated or hostile address (422), queuing nothing', async () => {
      const before = await queuedMail();
      for (const to of ['', 'not-an-address', 'a@b', `${'x'.repeat(250)}@example.org`, 'a b@example.org', 'a@example.org\r\nBcc: x@example.org', '\u202Ea@example.org']) {
        const res = await withoutWrites(() => postForm(admin, '/admin/mail/test', { to }));
        assert.equal(res.status, 422, JSON.stringify(to));
      }
      const token = await tokenOf(admin, '/');
      const repeated = new URLSearchParams({ _csrf: token, to: 'a@example.org' });
      repeated.append('to', 'b@example.org');
      assert.equal((await admin.post('/admin/mail/test').type('form').send(repeated.toString())).status, 422);
      assert.equal((await admin.post('/admin/mail/test').type('form').send(`_csrf=${encodeURIComponent(token)}&to[a]=b`)).status, 422);
      assert.equal(await queuedMail(), before);
    });

    it('ignores a query string, and succeeds with correct parameters', async () => {
      assert.equal((await admin.get('/admin/mail?x[]=1&to=%00')).status, 200);
      const before = await queuedMail();
      const res = await postForm(admin, '/admin/mail/test', { to: 'check@example.test' });
      assert.equal(res.status, 303);
      assert.equal(await queuedMail(), before + 1);
      await testPool().query(`DELETE FROM pgboss.job WHERE name = 'mail.send' AND data ->> 'to' = 'check@example.test'`);
    });
  });
});
