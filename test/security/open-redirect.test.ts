import assert from 'node:assert/strict';
import supertest from 'supertest';
import { safeNextPath } from '../../src/http/next.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { createUser } from '../helpers/factories.js';

/** `?next=` values that a browser would follow to evil.example once the path is normalised. */
const ESCAPES = ['/.//evil.example', '/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example', '/a/..//evil.example', '/\\evil.example', '//evil.example', 'https://evil.example'];

/** A Location header a browser resolves against the site: does it stay on the site? */
function staysOnSite(location: string | undefined): boolean {
  return new URL(location ?? '', 'http://tubestead.test/a/b').host === 'tubestead.test';
}

describe('open redirect', () => {
  const t = useTestApp();

  describe('safeNextPath', () => {
    for (const next of ESCAPES) {
      it(`falls back for ${next}`, () => {
        assert.equal(safeNextPath(next), '/');
      });
    }

    it('keeps ordinary local paths, with their query and fragment', () => {
      assert.equal(safeNextPath('/watch/abcdefghijk?t=10#c'), '/watch/abcdefghijk?t=10#c');
      assert.equal(safeNextPath('/a/../settings'), '/settings');
    });
  });

  describe('GET /login?next= for a signed-in visitor', () => {
    for (const next of ESCAPES) {
      it(`does not leave the site for ${next}`, async () => {
        const agent = await signedInAgent(t.app, await createUser());
        const res = await agent.get(`/login?next=${encodeURIComponent(next)}`);
        assert.equal(res.status, 303);
        assert.ok(staysOnSite(res.headers.location), `sent to ${res.headers.location}`);
        assert.equal(res.headers.location, '/');
      });
    }
  });

  describe('POST /login with next', () => {
    it('does not leave the site once signed in', async () => {
      const user = await createUser();
      for (const next of ESCAPES) {
        const agent = supertest.agent(t.app);
        const token = await tokenFor(agent, '/login');
        const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password, next });
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, '/', next);
      }
    });
  });

  describe('back to the page after subscribing (Referer)', () => {
    for (const path of ['/.//evil.example', '//evil.example/x', '/%2e//evil.example']) {
      it(`does not leave the site for a referrer path ${path}`, async () => {
        const channel = await createUser();
        const agent = await signedInAgent(t.app, await createUser());
        const token = await tokenFor(agent, '/');
        const res = await agent.post(`/@${channel.handle}/subscribe`).set('Host', 'tubestead.test').set('Referer', `http://tubestead.test${path}`).type('form').send({ _csrf: token });
        assert.equal(res.status, 303);
        assert.ok(staysOnSite(res.headers.location), `sent to ${res.headers.location}`);
        assert.equal(res.headers.location, `/@${channel.handle}`);
      });
    }

    it('still goes back to a page of the site', async () => {
      const channel = await createUser();
      const agent = await signedInAgent(t.app, await createUser());
      const token = await tokenFor(agent, '/');
      const res = await agent.post(`/@${channel.handle}/subscribe`).set('Host', 'tubestead.test').set('Referer', 'http://tubestead.test/search?q=cats').type('form').send({ _csrf: token });
      assert.equal(res.headers.location, '/search?q=cats');
    });
  });
});
