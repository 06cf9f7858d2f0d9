import assert from 'node:assert/strict';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { confirmationMail, emailChangedMail, passwordChangedMail, resetMail } from '../../src/mail/account-mail.js';
import { createMailer } from '../../src/mail/mailer.js';

/** What the README tells a newcomer to run on the log to find a reset link: `grep -o` with this. */
const README_PATTERN = /http[^"\\ ]*\/reset-password\/[^"\\ ]*/g;

describe('account mail', () => {
  it('writes a reset link whole into the log line with MAIL_TRANSPORT=log, where the README says to find it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const mailer = createMailer(loadConfig({ MAIL_TRANSPORT: 'log' }), logger)!;
    const url = 'http://localhost:3000/reset-password/Zm9vYmFyYmF6cXV4X2Jhcl9iYXotcXV4LWZvb2Jhcl8x';
    await mailer.send(resetMail({ to: 'ana@example.test', siteName: 'Tubestead', handle: 'ana', url, minutes: 60 }));
    assert.equal(lines.length, 1, 'one line per mail');
    assert.deepEqual(lines[0]!.match(README_PATTERN), [url]);
    const entry = JSON.parse(lines[0]!) as { msg: string; mail: { to: string } };
    assert.equal(entry.mail.to, 'ana@example.test');
    assert.ok(entry.msg.split('\n').includes(url), 'the link is a line of its own in the message');
  });

  it('gives every account mail a text and an HTML part with the site name and no unsubscribe header', () => {
    const mails = [
      confirmationMail({ to: 'a@example.test', siteName: 'Hill Videos', handle: 'ana', url: 'http://x.test/confirm-email/t', hours: 24 }),
      resetMail({ to: 'a@example.test', siteName: 'Hill Videos', handle: 'ana', url: 'http://x.test/reset-password/t', minutes: 60 }),
      passwordChangedMail({ to: 'a@example.test', siteName: 'Hill Videos', handle: 'ana', signInUrl: 'http://x.test/login' }),
      emailChangedMail({ to: 'a@example.test', siteName: 'Hill Videos', handle: 'ana', newEmail: 'b@example.test', settingsUrl: 'http://x.test/settings' }),
    ];
    for (const mail of mails) {
      assert.match(mail.subject, /^\[Hill Videos\] /);
      assert.match(mail.text, /Hill Videos/);
      assert.match(mail.html, /Hill Videos/);
      assert.equal(mail.headers, undefined, 'account mail is not a notification one can turn off');
    }
    assert.match(mails[1]!.text, /within 60 minutes/);
    assert.match(mails[3]!.text, /from a@example\.test to b@example\.test/);
  });
});
