import assert from 'node:assert/strict';
import session from 'express-session';
import { createSessionStore } from '../../src/http/session.js';
import type { Pool } from '../../src/db/pool.js';
import { signedInAgent } from '../helpers/agent.js';
import { createTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, deleteUser } from '../helpers/factories.js';

const HOUR_MS = 60 * 60_000;

function cookie(maxAge: number): session.Cookie {
  const made = new session.Cookie();
  made.maxAge = maxAge;
  return made;
}

function call<T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

describe('session store', () => {
  const rowFor = async (sid: string) => (await testPool().query('SELECT sess FROM sessions WHERE sid = $1', [sid])).rows[0];

  it('never writes back a session whose row was deleted meanwhile (signed out, or ended by a password change)', async () => {
    const store = createSessionStore(testPool(), HOUR_MS);
    const sid = `test-${Date.now()}`;
    const fresh = { cookie: cookie(24 * HOUR_MS), userId: 42 } as unknown as session.SessionData;
    await call((cb) => store.set(sid, fresh, cb));
    assert.equal((await rowFor(sid)).sess.userId, 42);

    // A request loads the session…
    const loaded = (await call<session.SessionData | null>((cb) => store.get(sid, cb)))!;
    assert.equal(loaded.persisted, true);
    // …the account signs out everywhere…
    await testPool().query('DELETE FROM sessions WHERE sid = $1', [sid]);
    // …and that request then changes its copy (a flash shown) and saves it.
    loaded.flash = [{ kind: 'info', text: 'late' }];
    (loaded as unknown as { cookie: session.Cookie }).cookie = cookie(24 * HOUR_MS);
    await call((cb) => store.set(sid, loaded, cb));
    assert.equal(await rowFor(sid), undefined, 'still signed out');
  });

  it('saves changes to a session that still exists', async () => {
    const store = createSessionStore(testPool(), HOUR_MS);
    const sid = `test-kept-${Date.now()}`;
    await call((cb) => store.set(sid, { cookie: cookie(HOUR_MS), userId: 7 } as unknown as session.SessionData, cb));
    const loaded = (await call<session.SessionData | null>((cb) => store.get(sid, cb)))!;
    loaded.flash = [{ kind: 'success', text: 'Saved.' }];
    (loaded as unknown as { cookie: session.Cookie }).cookie = cookie(HOUR_MS);
    await call((cb) => store.set(sid, loaded, cb));
    assert.deepEqual((await rowFor(sid)).sess.flash, [{ kind: 'success', text: 'Saved.' }]);
  });
});

describe('session store: the account read with the session', () => {
  it('reads the signed-in account in the same query, once, for the request that read the session', async () => {
    const store = createSessionStore(testPool(), HOUR_MS);
    const user = await createUser();
    const sid = `test-viewer-${Date.now()}`;
    await call((cb) => store.set(sid, { cookie: cookie(HOUR_MS), userId: user.id } as unknown as session.SessionData, cb));
    assert.equal(store.takeViewer(sid), undefined, 'nothing until the session is read');
    await call((cb) => store.get(sid, cb));
    assert.equal(store.takeViewer(sid)?.handle, user.handle);
    assert.equal(store.takeViewer(sid), undefined, 'taken once');
  });

  it('reads no account for a deleted one or a userId that is not a number, without failing', async () => {
    const store = createSessionStore(testPool(), HOUR_MS);
    const gone = await createUser();
    await deleteUser(gone);
    for (const userId of [gone.id, 'nonsense', '1; DROP TABLE users']) {
      const sid = `test-odd-${Date.now()}-${String(userId).length}`;
      await call((cb) => store.set(sid, { cookie: cookie(HOUR_MS), userId } as unknown as session.SessionData, cb));
      const loaded = await call<session.SessionData | null>((cb) => store.get(sid, cb));
      assert.ok(loaded, 'the session itself is read');
      assert.equal(store.takeViewer(sid), null);
    }
  });

  it('signs a request in without asking for the account a second time', async () => {
    const { app } = createTestApp({}, recordingPool(names));
    const agent = await signedInAgent(app, await createUser());
    names.length = 0;
    const res = await agent.get('/settings');
    assert.equal(res.status, 200);
    assert.ok(names.includes('find-session'), `queries: ${names.join(', ')}`);
    assert.ok(!names.includes('find-viewer'), `queries: ${names.join(', ')}`);
  });
});

const names: string[] = [];
/** The test pool, noting the name of each prepared query it runs. */
function recordingPool(into: string[]): Pool {
  const pool = testPool();
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return (config: unknown, ...rest: unknown[]) => {
        if (config && typeof config === 'object' && 'name' in config) into.push(String((config as { name: string }).name));
        return (target.query as (...a: unknown[]) => unknown).call(target, config, ...rest);
      };
    },
  });
}

describe('session store: renewing the expiry', () => {
  it('does not write the session again on every request of the same second (the stored expiry is rounded up)', async () => {
    const texts: string[] = [];
    const pool = new Proxy(testPool(), {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver);
        return (config: unknown, ...rest: unknown[]) => {
          texts.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
          return (target.query as (...a: unknown[]) => unknown).call(target, config, ...rest);
        };
      },
    });
    const store = createSessionStore(pool, HOUR_MS);
    const sid = `test-touch-${Date.now()}`;
    await call((cb) => store.set(sid, { cookie: cookie(24 * HOUR_MS), userId: 1 } as unknown as session.SessionData, cb));
    for (let request = 0; request < 3; request++) {
      const loaded = (await call<session.SessionData | null>((cb) => store.get(sid, cb)))!;
      // As express-session does at the end of a request with `rolling`: the cookie renewed from now.
      (loaded as unknown as { cookie: session.Cookie }).cookie = cookie(24 * HOUR_MS);
      await call((cb) => store.touch!(sid, loaded, cb as () => void));
    }
    assert.deepEqual(texts.filter((text) => /^\s*UPDATE/i.test(text)), [], 'no write within the step');
  });
});
