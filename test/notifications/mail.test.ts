import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { withTransaction } from '../../src/db/pool.js';
import { sendDigests } from '../../src/jobs/handlers/notification-digests.js';
import { mailDueNotifications, type NotificationMailDeps } from '../../src/jobs/handlers/notification-mail.js';
import { NOTIFICATION_DIGESTS, NOTIFICATION_MAIL, SEND_MAIL } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/log.js';
import { insertNotification, type NewNotification } from '../../src/db/notifications.js';
import { notify } from '../../src/notifications/notify.js';
import { TEST_SESSION_SECRET, useTestApp, useWorker, type TestApp } from '../helpers/app.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { headerValue, linkIn, useMailBox } from '../helpers/mail.js';
import { openMail } from '../../src/mail/sealed.js';

type User = Awaited<ReturnType<typeof createUser>>;

let addresses = 0;
/** An account with a confirmed address, as following the confirmation link leaves it. */
async function mailableUser(cadence: 'instant' | 'daily' | 'weekly' = 'instant', lastDigestAt: Date | null = null): Promise<User & { email: string }> {
  addresses += 1;
  const email = `notified-${process.pid}-${addresses}-${Date.now()}@example.test`;
  const user = await createUser({ email });
  await testPool().query('UPDATE users SET email_confirmed_at = now(), email_cadence = $2, last_digest_at = $3 WHERE id = $1', [user.id, cadence, lastDigestAt]);
  return { ...user, email };
}

/** A public video with a comment by `author` on it, replied to by a new account: what a reply notification points at. */
async function replyTo(author: User, title = 'A video about hills') {
  const owner = await createUser();
  const video = await createVideo(owner, { title });
  const replier = await createUser({ displayName: 'Ana Replier' });
  const comment = (await insertComment(testPool(), { videoId: video.id, authorId: replier.id, body: `Nice hills <b>${Math.random()}</b>`, parent: null }))!;
  return { video, replier, commentId: comment.id, author };
}

/** Tells `user` as the app's routes do: the row, and their mail job after `batchSeconds`. */
function tell(t: TestApp, n: NewNotification, batchSeconds = 0) {
  return notify({ queue: testQueue(), config: { mailBatchSeconds: batchSeconds } }, testPool(), n);
}

async function reply(t: TestApp, reader: User, title?: string, batchSeconds = 0) {
  const r = await replyTo(reader, title);
  const made = await tell(t, { userId: reader.id, kind: 'comment_reply', videoId: r.video.id, commentId: r.commentId, actorId: r.replier.id }, batchSeconds);
  return { ...r, made };
}

/** Waits until every mail job of this person has run (done or dropped). */
async function mailJobsDone(userId: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'userId' = $2 AND state NOT IN ('completed', 'failed', 'cancelled')`, [NOTIFICATION_MAIL, String(userId)]);
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the mail job of ${userId} did not run`);
}

/** Messages queued to `to` (SEND_MAIL jobs), whatever became of them. */
async function queuedTo(to: string): Promise<{ subject: string; text: string }[]> {
  const { rows } = await testPool().query(`SELECT data FROM pgboss.job WHERE name = $1 AND data->>'to' = $2 ORDER BY created_on`, [SEND_MAIL, to]);
  return rows.map((r) => openMail(r.data, TEST_SESSION_SECRET));
}

async function emailStates(userId: number): Promise<string[]> {
  const { rows } = await testPool().query('SELECT email_state FROM notifications WHERE user_id = $1 ORDER BY id', [userId]);
  return rows.map((r) => r.email_state);
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('notification mail (src/jobs/handlers/notification-mail.ts)', () => {
  const mail = useMailBox();
  const t = useTestApp(mail.env);
  useWorker(t);

  it('mails a reply at once: text and HTML parts, the site name, the quote, full links and the one-click unsubscribe headers', async () => {
    const reader = await mailableUser();
    const r = await reply(t, reader, 'Hills <at> dawn');
    assert.deepEqual(r.made && { emailDue: r.made.emailDue }, { emailDue: true });
    const received = await mail.box.waitFor(reader.email);
    assert.equal(received.subject, '[Tubestead] Ana Replier replied to your comment on “Hills <at> dawn”');
    assert.match(received.text ?? '', /Ana Replier replied to your comment on “Hills <at> dawn”/);
    assert.match(received.text ?? '', /“Nice hills <b>/);
    assert.match(received.text ?? '', new RegExp(`http://localhost:3000/watch/${r.video.publicId}`));
    assert.match(received.text ?? '', /http:\/\/localhost:3000\/settings\/notifications/);
    assert.match(String(received.html), /Hills &lt;at&gt; dawn/);
    assert.match(String(received.html), /Nice hills &lt;b&gt;/);
    assert.match(String(received.html), /— Tubestead/);
    const unsubscribe = linkIn(received, '/unsubscribe/');
    assert.equal(headerValue(received, 'List-Unsubscribe'), `<${unsubscribe.href}>`);
    assert.equal(headerValue(received, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.match(String(received.html), new RegExp(`href="${unsubscribe.href}"`));
    await mailJobsDone(reader.id);
    assert.deepEqual(await emailStates(reader.id), ['sent']);
  });

  it('sends a burst within the batch window as one message, each item once', async () => {
    const reader = await mailableUser();
    const first = await reply(t, reader, 'Burst one', 2);
    await reply(t, reader, 'Burst two', 2);
    await tell(t, { userId: reader.id, kind: 'mention', videoId: first.video.id, commentId: first.commentId, actorId: first.replier.id }, 2);
    const received = await mail.box.waitFor(reader.email);
    assert.equal(received.subject, '[Tubestead] 3 new notifications');
    const text = received.text ?? '';
    assert.equal(count(text, 'replied to your comment on “Burst one”'), 1);
    assert.equal(count(text, 'replied to your comment on “Burst two”'), 1);
    assert.equal(count(text, 'mentioned you in a comment on “Burst one”'), 1);
    assert.match(text, /Reply to my comment/, 'grouped under the kind');
    assert.match(headerValue(received, 'List-Unsubscribe') ?? '', /\/unsubscribe\/\d+\.all\./, 'several kinds: the link stops all of them');
    await mailJobsDone(reader.id);
    assert.equal(mail.box.to(reader.email).length, 1);
    assert.deepEqual(await emailStates(reader.id), ['sent', 'sent', 'sent']);
  });

  it('mails nothing to an unconfirmed address, nor about a kind whose mail is off, and keeps due rows while the address is unconfirmed', async () => {
    const unconfirmed = await createUser({ email: `unconfirmed-${Date.now()}@example.test` });
    const a = await reply(t, unconfirmed);
    assert.equal(a.made!.emailDue, false);

    const muted = await mailableUser();
    await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'comment_reply', true, false)`, [muted.id]);
    const b = await reply(t, muted);
    assert.equal(b.made!.emailDue, false);

    // Confirmed when it was made, no longer when its job runs (the address was changed).
    const changed = await mailableUser();
    await withTransaction(testPool(), async (client) => {
      const r = await replyTo(changed);
      await notify({ queue: testQueue(), config: { mailBatchSeconds: 0 } }, client, { userId: changed.id, kind: 'comment_reply', videoId: r.video.id, commentId: r.commentId, actorId: r.replier.id });
      await client.query('UPDATE users SET email_confirmed_at = NULL WHERE id = $1', [changed.id]);
    });
    await mailJobsDone(changed.id);
    await mailJobsDone(muted.id);
    assert.deepEqual(await emailStates(changed.id), ['due'], 'left for when the address is confirmed');
    assert.deepEqual(await queuedTo(changed.email), []);
    assert.deepEqual(await queuedTo(muted.email), []);
    assert.deepEqual(await queuedTo(unconfirmed.email!), []);
  });

  it('does not mail a notification whose video became private before it was sent', async () => {
    const reader = await mailableUser();
    const r = await reply(t, reader, 'Soon private', 2);
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [r.video.id]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await mailJobsDone(reader.id);
    assert.deepEqual(await queuedTo(reader.email), []);
    assert.deepEqual(await emailStates(reader.id), ['sent'], 'done with, never mailed');
  });

  it('never mails a row twice, however many jobs run at once', async () => {
    const reader = await mailableUser();
    // Rows made without queueing a job: the two runs below are the only ones.
    for (const title of ['Race one', 'Race two', 'Race three']) {
      const r = await replyTo(reader, title);
      await insertNotification(testPool(), { userId: reader.id, kind: 'comment_reply', videoId: r.video.id, commentId: r.commentId, actorId: r.replier.id });
    }
    const deps: NotificationMailDeps = { pool: testPool(), queue: testQueue(), config: t.config, secret: TEST_SESSION_SECRET, siteName: async () => 'Racing', logger: createLogger('silent') };
    const find = async () => ({ id: reader.id, email: reader.email, cadence: 'instant' as const });
    const mailed = await Promise.all([1, 2, 3].map(() => mailDueNotifications(deps, find, null)));
    assert.equal(mailed.reduce((a, b) => a + b, 0), 3);
    const text = (await queuedTo(reader.email)).map((m) => m.text).join('\n');
    for (const title of ['Race one', 'Race two', 'Race three']) assert.equal(count(text, `“${title}”`), 1, title);
    assert.deepEqual(await emailStates(reader.id), ['sent', 'sent', 'sent']);
  });

  it('leaves a digest person\'s rows for the digest', async () => {
    const reader = await mailableUser('daily', new Date(Date.now() + 30 * 86_400_000));
    await reply(t, reader);
    await mailJobsDone(reader.id);
    assert.deepEqual(await emailStates(reader.id), ['due']);
    assert.deepEqual(await queuedTo(reader.email), []);
  });

  it('sends what a digest was keeping once its person switches back to mail at once', async () => {
    const reader = await mailableUser('daily', new Date(Date.now() + 30 * 86_400_000));
    await reply(t, reader, 'Kept for the digest');
    await mailJobsDone(reader.id);
    assert.deepEqual(await emailStates(reader.id), ['due']);
    const agent = await signedInAgent(t.app, reader);
    const token = await tokenFor(agent, '/settings/notifications');
    const saved = await agent.post('/settings/notifications').type('form').send({ _csrf: token, cadence: 'instant', 'site-comment_reply': 'on', 'email-comment_reply': 'on' });
    assert.equal(saved.status, 303);
    const received = await mail.box.waitFor(reader.email);
    assert.match(received.text ?? '', /Kept for the digest/);
  });

  describe('digests, with an injected clock', () => {
    const DAY = 86_400_000;
    // Far enough ahead that the workers' own digest runs (the real clock) find nobody here due.
    const base = new Date(Date.now() + 30 * DAY);
    const at = (ms: number) => new Date(base.getTime() + ms);
    const deps = (): NotificationMailDeps => ({ pool: testPool(), queue: testQueue(), config: t.config, secret: TEST_SESSION_SECRET, siteName: async () => t.config.siteName, logger: createLogger('silent') });

    it('mails a new report only while its reader still holds report.handle', async () => {
      const reader = await mailableUser('daily', base);
      await testPool().query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'moderator')`, [reader.id]);
      await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_report', true, true)`, [reader.id]);
      assert.ok(await insertNotification(testPool(), { userId: reader.id, kind: 'new_report', detail: { itemId: 1, targetKind: 'video' } }));
      await testPool().query(`DELETE FROM user_roles WHERE user_id = $1 AND role = 'moderator'`, [reader.id]);
      await sendDigests(deps(), at(DAY + 60_000));
      assert.deepEqual(await queuedTo(reader.email), [], 'demoted before the digest: nothing about the queue');
      assert.deepEqual(await emailStates(reader.id), ['sent'], 'and it is not kept for later');
    });

    it('sends a daily digest only once a day has passed and something is due, each item once, never again', async () => {
      const reader = await mailableUser('daily', base);
      await sendDigests(deps(), at(DAY + 60_000));
      assert.deepEqual(await queuedTo(reader.email), [], 'nothing due: no empty digest');
      await reply(t, reader, 'Digest one');
      await reply(t, reader, 'Digest two');
      await mailJobsDone(reader.id);
      await sendDigests(deps(), at(DAY / 2));
      assert.deepEqual(await queuedTo(reader.email), [], 'not a day yet');
      await sendDigests(deps(), at(DAY + 60_000));
      const received = await mail.box.waitFor(reader.email);
      assert.equal(received.subject, '[Tubestead] Your daily digest: 2 new notifications');
      assert.equal(count(received.text ?? '', '“Digest one”'), 1);
      assert.equal(count(received.text ?? '', '“Digest two”'), 1);
      assert.match(headerValue(received, 'List-Unsubscribe') ?? '', /\/unsubscribe\/\d+\.all\./);
      assert.deepEqual(await emailStates(reader.id), ['sent', 'sent']);

      await sendDigests(deps(), at(DAY + 120_000));
      assert.equal((await queuedTo(reader.email)).length, 1, 'a second run sends nothing new');
      await reply(t, reader, 'Digest three');
      await mailJobsDone(reader.id);
      await sendDigests(deps(), at(DAY + 3_600_000));
      assert.equal((await queuedTo(reader.email)).length, 1, 'the next digest waits a day after the last');
      await sendDigests(deps(), at(2 * DAY + 120_000));
      const next = await queuedTo(reader.email);
      assert.equal(next.length, 2);
      assert.equal(next[1]!.subject, '[Tubestead] Your daily digest: 1 new notification');
      assert.match(next[1]!.text, /“Digest three”/);
      assert.doesNotMatch(next[1]!.text, /“Digest one”|“Digest two”/);
    });

    it('is sent by the workers\' scheduled run, by the real clock', async function () {
      this.timeout(60_000);
      const reader = await mailableUser('weekly', new Date(Date.now() - 8 * DAY));
      await reply(t, reader, 'Scheduled digest');
      await mailJobsDone(reader.id);
      // What the workers' timer sends every period, sent now rather than waited for.
      await testQueue().boss.send(NOTIFICATION_DIGESTS, {});
      const received = await mail.box.waitFor(reader.email, undefined, { timeoutMs: 30_000 });
      assert.equal(received.subject, '[Tubestead] Your weekly digest: 1 new notification');
    });

    it('sends a weekly digest only a week after the last', async () => {
      const reader = await mailableUser('weekly', base);
      await reply(t, reader, 'Weekly one');
      await mailJobsDone(reader.id);
      await sendDigests(deps(), at(DAY + 60_000));
      assert.deepEqual(await queuedTo(reader.email), []);
      await sendDigests(deps(), at(7 * DAY + 60_000));
      const received = await mail.box.waitFor(reader.email);
      assert.equal(received.subject, '[Tubestead] Your weekly digest: 1 new notification');
      assert.match(received.text ?? '', /“Weekly one”/);
      const row = await testPool().query('SELECT last_digest_at FROM users WHERE id = $1', [reader.id]);
      assert.equal(row.rows[0].last_digest_at.getTime(), at(7 * DAY + 60_000).getTime());
    });

    it('sends nothing, and keeps the date of the last digest, when every due item is no longer available', async () => {
      const reader = await mailableUser('daily', base);
      const r = await reply(t, reader, 'Gone before the digest');
      await mailJobsDone(reader.id);
      await testPool().query(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [r.video.id]);
      await sendDigests(deps(), at(DAY + 60_000));
      assert.deepEqual(await queuedTo(reader.email), []);
      assert.deepEqual(await emailStates(reader.id), ['sent']);
      const row = await testPool().query('SELECT last_digest_at FROM users WHERE id = $1', [reader.id]);
      assert.equal(row.rows[0].last_digest_at.getTime(), base.getTime());
    });
  });

  it('stops a kind\'s mail from the link in the received mail: GET only asks, POST with no cookie does it', async () => {
    const reader = await mailableUser();
    await reply(t, reader, 'Unsubscribe me');
    const received = await mail.box.waitFor(reader.email);
    const link = linkIn(received, '/unsubscribe/');
    const prefs = async () => (await testPool().query('SELECT kind, in_site, by_email FROM notification_preferences WHERE user_id = $1', [reader.id])).rows;

    const page = await supertest(t.app).get(link.pathname);
    assert.equal(page.status, 200);
    assert.match(page.text, /Stop mail about “Reply to my comment”\?/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.deepEqual(await prefs(), [], 'opening the link changes nothing');

    const done = await supertest(t.app).post(link.pathname).type('form').send('List-Unsubscribe=One-Click');
    assert.equal(done.status, 200);
    assert.match(done.text, /Mail stopped/);
    assert.match(done.text, /href="\/settings\/notifications"/);
    assert.equal(done.headers['set-cookie'], undefined, 'no session is made');
    assert.deepEqual(await prefs(), [{ kind: 'comment_reply', in_site: true, by_email: false }]);

    const since = mail.box.messages.length;
    const next = await reply(t, reader, 'After unsubscribing');
    assert.equal(next.made!.emailDue, false, 'that kind is no longer mailed');
    await tell(t, { userId: reader.id, kind: 'mention', videoId: next.video.id, commentId: next.commentId, actorId: next.replier.id });
    const other = await mail.box.waitFor(reader.email, undefined, { since });
    assert.match(other.subject ?? '', /mentioned you/, 'other kinds still are');
    await mailJobsDone(reader.id);
    assert.equal(mail.box.to(reader.email).length, 2);
  });

  it('answers a forged link with 404 and writes nothing', async () => {
    const reader = await mailableUser();
    await reply(t, reader, 'Forge me');
    const link = linkIn(await mail.box.waitFor(reader.email), '/unsubscribe/');
    const [, scope, mac] = link.pathname.split('/')[2]!.split('.');
    const other = await createUser();
    for (const forged of [`${other.id}.${scope}.${mac}`, `${reader.id}.mention.${mac}`, `${reader.id}.all.${mac}`, `${reader.id}.${scope}.${'A'.repeat(43)}`]) {
      assert.equal((await supertest(t.app).get(`/unsubscribe/${forged}`)).status, 404);
      assert.equal((await supertest(t.app).post(`/unsubscribe/${forged}`).type('form').send('List-Unsubscribe=One-Click')).status, 404);
    }
    const { rows } = await testPool().query('SELECT count(*)::int AS n FROM notification_preferences WHERE user_id = ANY($1::bigint[])', [[reader.id, other.id]]);
    assert.equal(rows[0].n, 0);
  });

  it('delays mail while the SMTP server refuses, and never a page', async () => {
    const reader = await mailableUser();
    mail.box.refusing = true;
    try {
      const started = performance.now();
      await withTransaction(testPool(), async (client) => {
        const r = await replyTo(reader, 'While refusing');
        await notify({ queue: testQueue(), config: { mailBatchSeconds: 0 } }, client, { userId: reader.id, kind: 'comment_reply', videoId: r.video.id, commentId: r.commentId, actorId: r.replier.id });
      });
      assert.ok(performance.now() - started < 2000, 'telling someone only queues their mail');
      const home = performance.now();
      assert.equal((await supertest(t.app).get('/')).status, 200);
      assert.ok(performance.now() - home < 2000, 'pages do not wait for mail');
      await mailJobsDone(reader.id);
      let waiting = false;
      for (let i = 0; i < 50 && !waiting; i++) {
        const { rows } = await testPool().query(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>'to' = $2`, [SEND_MAIL, reader.email]);
        waiting = rows.some((r) => r.state === 'retry');
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(waiting, 'the refused message waits to be tried again');
      assert.equal(mail.box.to(reader.email).length, 0);
      assert.deepEqual(await emailStates(reader.id), ['sent'], 'the message is queued with its retries');
    } finally {
      mail.box.refusing = false;
    }
    await testPool().query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry' AND data->>'to' = $2`, [SEND_MAIL, reader.email]);
    const received = await mail.box.waitFor(reader.email);
    assert.match(received.subject ?? '', /While refusing/);
  });
});
