// Attack covered: turning off someone else's mail, or any mail at all, through the open
// unsubscribe routes (no session, no CSRF): forged, altered, malformed and oversized tokens,
// a token of a deleted account, oversized bodies, and a GET that would change something (mail
// scanners fetch every link). Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { redactUrl } from '../../src/http/logging.js';
import { unsubscribeToken, type UnsubscribeScope } from '../../src/notifications/unsubscribe-tokens.js';
import { TEST_SESSION_SECRET } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { bannedAgent, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, deleteUser } from '../helpers/factories.js';

const ONE_CLICK = 'List-Unsubscribe=One-Click';

async function preferences(userId: number) {
  const { rows } = await testPool().query('SELECT kind, in_site, by_email FROM notification_preferences WHERE user_id = $1 ORDER BY kind', [userId]);
  return rows;
}

/** Nothing written anywhere, preferences included (snapshot does not count them). */
async function refused<T>(userId: number, act: () => Promise<T>): Promise<T> {
  const before = await preferences(userId);
  const result = await withoutWrites(act);
  assert.deepEqual(await preferences(userId), before, 'a refused unsubscribe changed preferences');
  return result;
}

describe('check params: unsubscribe', () => {
  describe('GET /unsubscribe/:token and POST /unsubscribe/:token', () => {
    const t = useCheckedApp();
    const link = (userId: number, scope: UnsubscribeScope) => `/unsubscribe/${unsubscribeToken(TEST_SESSION_SECRET, userId, scope)}`;

    it('fails with a malformed, forged or oversized token (404), writing nothing', async () => {
      const user = await createUser();
      const good = unsubscribeToken(TEST_SESSION_SECRET, user.id, 'comment_reply');
      const mac = good.split('.')[2]!;
      const bad = [
        'x', '0.all.' + mac, `${user.id}`, `${user.id}.comment_reply`, `${user.id}.comment_reply.`, `${user.id}.nonsense.${mac}`,
        `${user.id}.all.${mac}`, `${user.id + 1}.comment_reply.${mac}`, `${user.id}.comment_reply.${mac.slice(0, -1)}`,
        `${user.id}.comment_reply.${mac}A`, `${user.id}.comment_reply.${'A'.repeat(43)}`, `${'9'.repeat(20)}.all.${mac}`,
        'x'.repeat(5000), '%00', '..%2F..%2Fsettings',
        `${user.id}.comment_reply.${unsubscribeToken('another secret that is long enough to be one', user.id, 'comment_reply').split('.')[2]}`,
      ];
      for (const token of bad) {
        await refused(user.id, async () => {
          assert.equal((await supertest(t.app).get(`/unsubscribe/${token}`)).status, 404, `GET ${token.slice(0, 40)}`);
          assert.equal((await supertest(t.app).post(`/unsubscribe/${token}`).type('form').send(ONE_CLICK)).status, 404, `POST ${token.slice(0, 40)}`);
        });
      }
    });

    it('fails for an account deleted since (404)', async () => {
      const user = await createUser();
      await deleteUser(user);
      await refused(user.id, async () => {
        assert.equal((await supertest(t.app).get(link(user.id, 'all'))).status, 404);
        assert.equal((await supertest(t.app).post(link(user.id, 'all')).type('form').send(ONE_CLICK)).status, 404);
      });
    });

    it('fails with an oversized body (413), writing nothing', async () => {
      const user = await createUser();
      await refused(user.id, async () => {
        const res = await supertest(t.app).post(link(user.id, 'mention')).type('form').send(`${ONE_CLICK}&padding=${'x'.repeat(10_000)}`);
        assert.equal(res.status, 413);
      });
    });

    it('changes nothing on GET, whoever opens it', async () => {
      const user = await createUser();
      await refused(user.id, async () => {
        const res = await supertest(t.app).get(link(user.id, 'mention'));
        assert.equal(res.status, 200);
        assert.match(res.text, /Stop mail about “Mention of me in a comment”\?/);
      });
    });

    it('succeeds with the one-click body, another body or none, with no cookie, a stranger\'s session or a banned one; twice is no error', async () => {
      const user = await createUser();
      const stranger = await signedInAgent(t.app, await createUser());
      const banned = await bannedAgent(t.app);
      for (const send of [
        () => supertest(t.app).post(link(user.id, 'mention')).type('form').send(ONE_CLICK),
        () => supertest(t.app).post(link(user.id, 'mention')),
        () => stranger.post(link(user.id, 'mention')).type('form').send(ONE_CLICK),
        () => banned.post(link(user.id, 'mention')).type('form').send('List-Unsubscribe=Something-Else'),
      ]) {
        const res = await send();
        assert.equal(res.status, 200);
        assert.match(res.text, /Mail stopped/);
      }
      assert.deepEqual(await preferences(user.id), [{ kind: 'mention', in_site: true, by_email: false }]);
    });

    it('keeps the link\'s signature out of the request log', () => {
      const token = unsubscribeToken(TEST_SESSION_SECRET, 42, 'mention');
      const logged = redactUrl(`/unsubscribe/${token}`);
      assert.equal(logged, '/unsubscribe/42.mention.[redacted]');
    });

    it('turns off every kind\'s mail with an `all` token, keeping each kind\'s choice in the site', async () => {
      const user = await createUser();
      await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_subscriber', false, true)`, [user.id]);
      assert.equal((await supertest(t.app).post(link(user.id, 'all')).type('form').send(ONE_CLICK)).status, 200);
      const prefs = await preferences(user.id);
      assert.equal(prefs.length, 12);
      assert.ok(prefs.every((p) => p.by_email === false));
      assert.deepEqual(prefs.find((p) => p.kind === 'new_subscriber'), { kind: 'new_subscriber', in_site: false, by_email: false });
      assert.deepEqual(prefs.find((p) => p.kind === 'new_report'), { kind: 'new_report', in_site: false, by_email: false }, 'off in the site by default');
      assert.deepEqual(prefs.find((p) => p.kind === 'comment_reply'), { kind: 'comment_reply', in_site: true, by_email: false });
    });
  });
});
