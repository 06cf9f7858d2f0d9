import assert from 'node:assert/strict';
import { loadConfig, mailEnabled } from '../../src/config.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createLogger } from '../../src/log.js';
import { composeMail } from '../../src/mail/compose.js';
import { createMailer } from '../../src/mail/mailer.js';
import { createTestApp, TEST_SESSION_SECRET, useWorker } from '../helpers/app.js';
import { openMail } from '../../src/mail/sealed.js';
import { headerValue, MAIL_FROM, recipients, useMailBox } from '../helpers/mail.js';

describe('mail through a real SMTP server', () => {
  const mail = useMailBox();

  it('is off without SMTP_URL and MAIL_FROM, on with both, and always with MAIL_TRANSPORT=log', () => {
    assert.equal(mailEnabled(loadConfig({})), false);
    assert.equal(mailEnabled(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:25' })), false);
    assert.equal(mailEnabled(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:25', MAIL_FROM: 'a@example.org' })), true);
    assert.equal(mailEnabled(loadConfig({ MAIL_TRANSPORT: 'log' })), true);
    assert.equal(mailEnabled(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:25', MAIL_FROM: 'a@example.org', MAIL_TRANSPORT: 'off' })), false);
    assert.throws(() => loadConfig({ SMTP_URL: 'http://example.org' }), /SMTP_URL/);
    assert.throws(() => loadConfig({ MAIL_FROM: 'not an address' }), /MAIL_FROM/);
  });

  it('sends a plain-text and an HTML part, the site name and the one-click unsubscribe headers', async () => {
    const config = loadConfig({ SMTP_URL: mail.box.url, MAIL_FROM, SITE_NAME: 'Hill Videos' });
    const mailer = createMailer(config, createLogger('silent'))!;
    await mailer.send(composeMail({
      to: 'ana@example.test',
      siteName: config.siteName,
      subject: 'Ben replied <to> you',
      paragraphs: ['Ben replied to your comment: "<b>hi</b>"'],
      action: { label: 'See the reply', url: 'http://localhost:3000/watch/abc' },
      unsubscribe: { url: 'http://localhost:3000/unsubscribe/xyz', what: 'replies' },
    }));
    const received = await mail.box.waitFor('ana@example.test');
    assert.equal(received.subject, '[Hill Videos] Ben replied <to> you');
    assert.match(received.text ?? '', /Ben replied to your comment: "<b>hi<\/b>"/);
    assert.match(received.text ?? '', /http:\/\/localhost:3000\/watch\/abc/);
    assert.match(String(received.html), /&lt;b&gt;hi&lt;\/b&gt;/);
    assert.match(String(received.html), /Hill Videos/);
    assert.equal(headerValue(received, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.equal(headerValue(received, 'List-Unsubscribe'), '<http://localhost:3000/unsubscribe/xyz>');
    assert.deepEqual(recipients(received), ['ana@example.test']);
  });

  describe('queued mail', () => {
    const holder = {} as ReturnType<typeof createTestApp>;
    before(() => Object.assign(holder, createTestApp(mail.env)));
    useWorker(holder);

    it('is sent by the worker, and waits while the server refuses, then goes', async () => {
      mail.box.refusing = true;
      await testQueue().enqueueMail(composeMail({ to: 'queued@example.test', siteName: 'S', subject: 'Queued', paragraphs: ['x'] }), testPool());
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(mail.box.to('queued@example.test').length, 0);
      const { rows } = await testPool().query(`SELECT state FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = 'queued@example.test'`);
      assert.ok(rows.some((r) => r.state === 'retry'), `a refused mail waits to be tried again (${JSON.stringify(rows)})`);
      mail.box.refusing = false;
      // The first retry comes 30 s later; move it to now rather than wait.
      await testPool().query(`UPDATE pgboss.job SET start_after = now() WHERE name = 'mail.send' AND state = 'retry'`);
      const received = await mail.box.waitFor('queued@example.test', undefined, { timeoutMs: 15_000 });
      assert.equal(received.subject, '[S] Queued');
    });
  });
});

describe('mail in the queue (src/mail/sealed.ts)', () => {
  it('keeps the text, the HTML and the links sealed: a copy of the database reads only the address and the subject', async () => {
    const link = 'http://localhost:3000/reset-password/SECRETLINKTOKEN123';
    await testQueue().enqueueMail(composeMail({ to: 'sealed@example.test', siteName: 'S', subject: 'Reset', paragraphs: ['Your link'], action: { label: 'Reset', url: link } }), testPool());
    const { rows } = await testPool().query(`SELECT data::text AS raw, data FROM pgboss.job WHERE name = 'mail.send' AND data ->> 'to' = 'sealed@example.test'`);
    assert.equal(rows.length, 1);
    assert.doesNotMatch(rows[0].raw, /SECRETLINKTOKEN123|Your link/);
    assert.equal(rows[0].data.subject, '[S] Reset');
    assert.match(openMail(rows[0].data, TEST_SESSION_SECRET).text, /SECRETLINKTOKEN123/);
    assert.throws(() => openMail(rows[0].data, 'another-secret-that-is-long-enough-for-sessions'));
    assert.throws(() => openMail({ ...rows[0].data, to: 'attacker@example.test' }, TEST_SESSION_SECRET), 'the address is bound to the sealed part');
    await testPool().query(`DELETE FROM pgboss.job WHERE name = 'mail.send' AND data ->> 'to' = 'sealed@example.test'`);
  });
});
