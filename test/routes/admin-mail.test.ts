import assert from 'node:assert/strict';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { createTestApp, useWorker, type TestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { useMailBox } from '../helpers/mail.js';

describe('GET /admin/mail and POST /admin/mail/test', () => {
  const mail = useMailBox();
  const t = {} as TestApp;
  before(() => Object.assign(t, createTestApp({ ...mail.env, SMTP_URL: mail.env.SMTP_URL!.replace('smtp://', 'smtp://robot:hunter2@'), SITE_NAME: 'Valley Videos' })));
  useWorker(t);
  afterEach(() => {
    mail.box.refusing = false;
  });

  it('shows how mail is sent without the login in SMTP_URL, and sends a test message through the server', async () => {
    const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    const page = await admin.get('/admin/mail');
    assert.equal(page.status, 200);
    assert.match(page.text, /smtp:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(page.text, /hunter2|robot/);
    const token = await tokenFor(admin, '/admin/mail');
    const sent = await admin.post('/admin/mail/test').type('form').send({ _csrf: token, to: 'postmaster@example.test' });
    assert.equal(sent.status, 303);
    const received = await mail.box.waitFor('postmaster@example.test');
    assert.equal(received.subject, '[Valley Videos] Test message');
    assert.ok(received.text && received.html, 'a plain-text and an HTML part');
  });

  it('lists a message the server refuses, with the server\'s answer, as waiting to be tried again', async () => {
    const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    mail.box.refusing = true;
    const token = await tokenFor(admin, '/admin/mail');
    const started = Date.now();
    assert.equal((await admin.post('/admin/mail/test').type('form').send({ _csrf: token, to: 'refused@example.test' })).status, 303);
    assert.ok(Date.now() - started < 2000, 'the page does not wait for the server');
    let page = '';
    for (let i = 0; i < 40 && !/<dd>refused@example\.test<\/dd>/.test(page); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      page = (await admin.get('/admin/mail')).text;
    }
    assert.match(page, /<dd>refused@example\.test<\/dd>/);
    assert.match(page, /Try again later/);
    assert.match(page, /next try in/);
    await testPool().query(`DELETE FROM pgboss.job WHERE name = 'mail.send' AND data ->> 'to' = 'refused@example.test'`);
  });

  it('says mail is off, offers no test form, and refuses a test message (409) when SMTP_URL and MAIL_FROM are not set', async () => {
    const off = createTestApp();
    const admin = await signedInAgent(off.app, await createUser({ roles: ['admin'] }));
    const page = await admin.get('/admin/mail');
    assert.match(page.text, /Mail is off/);
    assert.doesNotMatch(page.text, /action="\/admin\/mail\/test"/);
    const token = await tokenFor(admin, '/admin/mail');
    assert.equal((await admin.post('/admin/mail/test').type('form').send({ _csrf: token, to: 'x@example.test' })).status, 409);
  });
});
