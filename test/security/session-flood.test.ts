import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { csrfFrom, sessionCookie, signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const ANONYMOUS_GETS = 1_000;

async function countSessions(): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
  return rows[0]!.n;
}

describe('session flood', function () {
  this.timeout(120_000);
  const t = useTestApp();

  it(`leaves no session row after ${ANONYMOUS_GETS} anonymous GETs of the sign-in and sign-up forms`, async () => {
    const before = await countSessions();
    for (let i = 0; i < ANONYMOUS_GETS; i += 10) {
      // Ten at a time, each without a cookie, as a script in a loop would send them.
      const pages = await Promise.all(Array.from({ length: 10 }, (_, j) => supertest(t.app).get((i + j) % 2 ? '/login' : '/register')));
      for (const page of pages) {
        assert.equal(page.status, 200);
        assert.equal(sessionCookie(page), null, 'no session cookie for a signed-out visitor');
        assert.ok(csrfFrom(page.text), 'the form still carries a CSRF token');
      }
    }
    assert.equal(await countSessions(), before);
  });

  it('still signs in from that form, and the session row appears only then', async () => {
    const user = await createUser();
    const agent = supertest.agent(t.app);
    const before = await countSessions();
    const token = await tokenFor(agent, '/login');
    assert.equal(await countSessions(), before);
    const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    assert.equal(res.status, 303);
    assert.ok(sessionCookie(res));
    assert.equal(await countSessions(), before + 1);
  });

  it('refuses a signed-out form token sent without the cookie it was made for', async () => {
    const user = await createUser();
    const token = await tokenFor(supertest.agent(t.app), '/login');
    const other = supertest.agent(t.app);
    await other.get('/login');
    const res = await other.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    assert.equal(res.status, 403);
    const bare = await supertest(t.app).post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    assert.equal(bare.status, 403);
  });

  it('keeps a session that is no longer signed in for an hour at most', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    // Signed in longer ago than SESSION_MAX_DAYS: the next request signs it out, and the session stays for its flash only.
    await testPool().query(`UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{signedInAt}', '0')::json WHERE sess ->> 'userId' = $1`, [String(user.id)]);
    const sid = await testPool().query<{ sid: string }>(`SELECT sid FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
    const res = await agent.get('/settings');
    assert.equal(res.status, 303, 'signed out');
    const { rows } = await testPool().query<{ left_ms: number }>(`SELECT extract(epoch FROM expire - now()::timestamp) * 1000 AS left_ms FROM sessions WHERE sid = $1`, [sid.rows[0]!.sid]);
    for (const row of rows) assert.ok(Number(row.left_ms) <= 60 * 60_000 + 5_000, `a signed-out session kept for ${Math.round(Number(row.left_ms) / 60_000)} minutes`);
  });
});
