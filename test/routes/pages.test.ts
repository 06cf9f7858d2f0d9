import assert from 'node:assert/strict';
import supertest from 'supertest';
import { createPool } from '../../src/db/pool.js';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

describe('pages', () => {
  const t = useTestApp();

  describe('GET /@:handle', () => {
    it('shows the channel with its avatar, name, bio, joined date and an empty video list', async () => {
      const user = await createUser({ displayName: 'Channel Person' });
      await testPool().query(`UPDATE users SET bio = 'Woodworking videos.' WHERE id = $1`, [user.id]);
      const res = await supertest(t.app).get(`/@${user.handle}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1 id="page-title">Channel Person<\/h1>/);
      assert.match(res.text, /Woodworking videos\./);
      assert.match(res.text, /Joined <time datetime="/);
      assert.match(res.text, /has not published any videos yet/);
      assert.match(res.text, /class="avatar avatar-channel"/);
    });

    it('redirects a handle typed in another case to the canonical one', async () => {
      const user = await createUser();
      const res = await supertest(t.app).get(`/@${user.handle.toUpperCase()}`);
      assert.equal(res.status, 301);
      assert.equal(res.headers.location, `/@${user.handle}`);
    });

    it('redirects a percent-encoded handle to the same channel, keeping the rest of the address', async () => {
      const user = await createUser();
      const encoded = `%${user.handle.charCodeAt(0).toString(16).toUpperCase()}${user.handle.slice(1).toUpperCase()}`;
      for (const [path, expected] of [[`/@${encoded}`, `/@${user.handle}`], [`/@${encoded}/feed.atom?x=1`, `/@${user.handle}/feed.atom?x=1`], [`/@${encoded}/about`, `/@${user.handle}/about`]]) {
        const res = await supertest(t.app).get(path!);
        assert.equal(res.status, 301, path);
        assert.equal(res.headers.location, expected, path);
      }
    });

    it('answers 404 with the error page for an unknown or banned channel', async () => {
      const banned = await createUser();
      await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [banned.id]);
      for (const path of ['/@nobody-here-at-all', `/@${banned.handle}`, '/@%3Cscript%3E', '/@' + 'x'.repeat(300)]) {
        const res = await supertest(t.app).get(path);
        assert.equal(res.status, 404, path);
        assert.match(res.text, /There is no channel with this handle/);
      }
    });

    it('offers the owner a link to customise the channel, and nobody else', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      assert.match((await agent.get(`/@${user.handle}`)).text, /Customise channel/);
      assert.doesNotMatch((await supertest(t.app).get(`/@${user.handle}`)).text, /Customise channel/);
    });
  });

  describe('GET /search', () => {
    it('finds channels by handle or name, escaping the query', async () => {
      const user = await createUser({ displayName: 'Findable Fiona' });
      const res = await supertest(t.app).get('/search').query({ q: 'findable fio' });
      assert.equal(res.status, 200);
      assert.match(res.text, new RegExp(`@${user.handle}`));
      const hostile = await supertest(t.app).get('/search').query({ q: `<b>"%_\\'; DROP TABLE users; --` + 'x'.repeat(10_000) });
      assert.equal(hostile.status, 200);
      assert.doesNotMatch(hostile.text, /<b>"/);
    });

    it('sends an empty query home', async () => {
      const res = await supertest(t.app).get('/search?q=%20');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/');
    });
  });

  describe('errors', () => {
    it('renders the 404 page with a request id', async () => {
      const res = await supertest(t.app).get('/no/such/page');
      assert.equal(res.status, 404);
      assert.match(res.text, /We could not find that/);
      assert.match(res.text, new RegExp(`Request id: <code>${res.headers['x-request-id']}</code>`));
    });

    it('renders the 500 page without a stack trace when the database is gone', async () => {
      const dead = createPool('postgres://nobody:nothing@127.0.0.1:1/none', 1);
      const { app } = createTestApp({}, dead);
      const res = await supertest(app).get('/');
      assert.equal(res.status, 500);
      assert.match(res.text, /Something went wrong/);
      assert.match(res.text, new RegExp(res.headers['x-request-id'] as string));
      assert.doesNotMatch(res.text, /ECONNREFUSED|at .*\.ts:\d+|Error:/);
      await dead.end();
    });

    it('answers API errors as problem details (RFC 9457)', async () => {
      const res = await supertest(t.app).get('/api/v1/nothing');
      assert.equal(res.status, 404);
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
      const problem = JSON.parse(res.text);
      assert.equal(problem.status, 404);
      assert.equal(problem.title, 'Page not found');
      assert.match(problem.detail, /no GET \/api\/v1\/nothing/);
      const video = await supertest(t.app).get('/api/v1/videos/xxxxxxxxxxx');
      assert.equal(video.status, 404);
      assert.match(video.headers['content-type'] as string, /^application\/problem\+json/);
    });

    it('refuses an oversized form body with 413, not 500', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings');
      const res = await agent.post('/settings').set('X-CSRF-Token', token).type('form').send({ displayName: 'x', bio: 'y'.repeat(200_000) });
      assert.equal(res.status, 413);
    });

    it('refuses malformed JSON with 400, not 500', async () => {
      const res = await supertest(t.app).post('/login').set('Content-Type', 'application/json').send('{"login": ');
      assert.equal(res.status, 400);
    });
  });

  describe('GET /healthz', () => {
    it('answers 200 when the database answers', async () => {
      const res = await supertest(t.app).get('/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
    });

    it('answers 503 when it does not', async () => {
      const dead = createPool('postgres://nobody:nothing@127.0.0.1:1/none', 1);
      const res = await supertest(createTestApp({}, dead).app).get('/healthz');
      assert.equal(res.status, 503);
      await dead.end();
    });
  });

  describe('security headers', () => {
    it('sends a strict Content-Security-Policy and forbids framing', async () => {
      const res = await supertest(t.app).get('/');
      const csp = res.headers['content-security-policy'] as string;
      for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        assert.ok(csp.includes(directive), directive);
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https:/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
    });

    it('behind HTTPS: HSTS, and Secure __Host- cookies for the sign-in form and the session', async () => {
      const { app } = createTestApp({ PUBLIC_URL: 'https://videos.example.org', TRUST_PROXY: 'loopback' });
      const user = await createUser();
      const page = await supertest(app).get('/login').set('X-Forwarded-Proto', 'https');
      assert.match(page.headers['strict-transport-security'] as string, /max-age=31536000/);
      const formCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? [])[0] ?? '';
      assert.match(formCookie, /^__Host-tubestead-csrf=/);
      const res = await supertest(app).post('/login').set('X-Forwarded-Proto', 'https').set('Cookie', formCookie.split(';')[0]!)
        .type('form').send({ _csrf: csrfFrom(page.text), login: user.handle, password: user.password });
      assert.equal(res.status, 303);
      const sessionCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-tubestead=')) ?? '';
      for (const cookie of [formCookie, sessionCookie]) {
        assert.match(cookie, /^__Host-tubestead(-csrf)?=/);
        assert.match(cookie, /; Secure/);
        assert.match(cookie, /; HttpOnly/);
        assert.match(cookie, /; SameSite=Lax/);
        assert.match(cookie, /; Path=\//);
        assert.doesNotMatch(cookie, /Domain=/);
      }
    });

    it('serves no page with an inline script', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      for (const path of ['/', '/login', '/register', '/settings', '/settings/password', '/settings/delete', `/@${user.handle}`, `/@${user.handle}/about`, '/nope']) {
        const res = await agent.get(path);
        assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/, path);
        assert.doesNotMatch(res.text, /\son[a-z]+=/i, path);
      }
    });
  });

  describe('session lifetime', () => {
    it('signs out a session older than SESSION_MAX_DAYS, however active', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      assert.equal((await agent.get('/settings')).status, 200);
      await testPool().query(
        `UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{signedInAt}', to_jsonb((extract(epoch FROM now() - interval '31 days') * 1000)::bigint))::json
         WHERE sess ->> 'userId' = $1`,
        [String(user.id)],
      );
      assert.equal((await agent.get('/settings')).status, 303);
    });

    it('moves the expiry in Postgres only when it would move by more than an hour', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const expiry = async () => {
        const { rows } = await testPool().query(`SELECT expire FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
        return (rows[0].expire as Date).getTime();
      };
      const signedIn = await expiry();
      await agent.get('/settings');
      assert.equal(await expiry(), signedIn, 'a page a moment later writes nothing');
      await testPool().query(`UPDATE sessions SET expire = expire - interval '2 hours' WHERE sess ->> 'userId' = $1`, [String(user.id)]);
      assert.equal((await agent.get('/settings')).status, 200);
      assert.ok((await expiry()) >= signedIn, 'two hours behind: moved');
    });

    it('signs out a session idle past its expiry', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await testPool().query(`UPDATE sessions SET expire = now() - interval '1 second' WHERE sess ->> 'userId' = $1`, [String(user.id)]);
      assert.equal((await agent.get('/settings')).status, 303);
    });
  });
});
