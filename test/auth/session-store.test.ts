import assert from 'node:assert/strict';
import session from 'express-session';
import { createSessionStore } from '../../src/http/session.js';
import { testPool } from '../helpers/database.js';

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
