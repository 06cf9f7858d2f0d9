import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { createUser } from '../helpers/factories.js';
import { testPool } from '../helpers/database.js';
import { declaredRoutes } from '../helpers/routes.js';

/**
 * Posted from a mail, with no session: the signed link is the authority (RFC 8058's one-click
 * unsubscribe is posted by the mail provider, which has no token). Their own tests refuse a
 * forged link.
 */
const LINK_AUTHORIZED = new Set(['/unsubscribe/:token']);

const concrete = (path: string, handle: string) => path.replace(':handle', handle).replace(/:(\w+)/g, 'abcdefghijk');

describe('CSRF protection', () => {
  const t = useTestApp();

  it('finds the unsafe routes to check', () => {
    const unsafe = declaredRoutes(t.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    assert.ok(unsafe.length >= 8, `only ${unsafe.length} unsafe routes found`);
  });

  it('refuses every unsafe request without a token with the 403 page, and changes nothing', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const before = await testPool().query('SELECT display_name, password_hash, avatar_key, deleted_at FROM users WHERE id = $1', [user.id]);
    // The API takes no session-only changes at all (its own test); every page's form needs the token.
    for (const { method, path } of declaredRoutes(t.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && !r.path.startsWith('/api/') && !LINK_AUTHORIZED.has(r.path))) {
      const url = concrete(path, user.handle);
      const res = await (agent as unknown as Record<string, (u: string) => supertest.Test>)[method.toLowerCase()]!(url)
        .type('form')
        .send({ displayName: 'Hijacked', password: user.password, confirmHandle: user.handle, login: user.handle });
      assert.equal(res.status, 403, `${method.toUpperCase()} ${url} answered ${res.status}`);
      assert.match(res.text, /This form has expired or did not come from this site/);
    }
    const after = await testPool().query('SELECT display_name, password_hash, avatar_key, deleted_at FROM users WHERE id = $1', [user.id]);
    assert.deepEqual(after.rows, before.rows);
    assert.equal((await agent.get('/settings')).status, 200, 'still signed in: logout was refused too');
  });

  it('refuses a wrong token, and a token from another session', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const other = supertest.agent(t.app);
    const foreign = await tokenFor(other, '/login');
    for (const token of ['nonsense', foreign]) {
      const res = await agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Hijacked', bio: '' });
      assert.equal(res.status, 403);
    }
  });

  it('accepts the token in the X-CSRF-Token header for scripts', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const token = await tokenFor(agent, '/');
    const res = await agent.post('/settings').set('X-CSRF-Token', token).type('form').send({ displayName: 'Via header', bio: '' });
    assert.equal(res.status, 303);
  });

  it('does not accept the token in the query string of an ordinary form', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const token = await tokenFor(agent, '/');
    const res = await agent.post(`/settings?_csrf=${encodeURIComponent(token)}`).type('form').send({ displayName: 'Via query', bio: '' });
    assert.equal(res.status, 403);
  });

  it('refuses a multipart request without a token before reading its file', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const res = await agent.post('/settings/avatar').attach('avatar', Buffer.from('x'.repeat(1000)), 'a.png');
    assert.equal(res.status, 403);
  });
});
