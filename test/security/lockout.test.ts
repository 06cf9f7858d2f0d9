import assert from 'node:assert/strict';
import supertest from 'supertest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { tokenFor, type Agent } from '../helpers/agent.js';
import { createUser, uniqueHandle } from '../helpers/factories.js';

const MAX_FAILURES = 5;

/** A browser at `address` (the app trusts X-Forwarded-For from loopback, as behind a proxy). */
function browserAt(t: TestApp, address: string): { agent: Agent; signIn(login: string, password: string): Promise<number>; signOut(): Promise<void> } {
  const agent = supertest.agent(t.app);
  return {
    agent,
    async signOut() {
      const token = await tokenFor(agent, '/');
      const res = await agent.post('/logout').set('X-Forwarded-For', address).type('form').send({ _csrf: token });
      assert.equal(res.status, 303);
    },
    async signIn(login, password) {
      const page = await agent.get('/login').set('X-Forwarded-For', address);
      const token = page.text.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const res = await agent.post('/login').set('X-Forwarded-For', address).type('form').send({ _csrf: token, login, password });
      return res.status;
    },
  };
}

describe('sign-in lockout', () => {
  let t: TestApp;
  before(() => {
    t = createTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_MAX_FAILURES_PER_ADDRESS: '1000', TRUST_PROXY: 'loopback' });
  });

  it('counts failures for the handle, @handle and any case in one bucket per account, and the email in one of its own', async () => {
    const alice = await createUser({ email: `${uniqueHandle('alice')}@example.org`, confirmedEmail: true });
    const stranger = browserAt(t, '203.0.113.1');
    const statuses: number[] = [];
    for (const login of [alice.handle, `@${alice.handle}`, alice.handle.toUpperCase(), `@${alice.handle.toUpperCase()}`, alice.handle]) statuses.push(await stranger.signIn(login, 'a wrong guess!'));
    statuses.push(await stranger.signIn(`@${alice.handle}`, 'a wrong guess!'));
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const byEmail: number[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) byEmail.push(await stranger.signIn(i % 2 ? alice.email! : alice.email!.toUpperCase(), 'a wrong guess!'));
    assert.deepEqual(byEmail, [401, 401, 401, 401, 401, 429]);
  });

  it('does not tell whose an email address is: locking the address leaves the handle as it was', async () => {
    const alice = await createUser({ email: `${uniqueHandle('alice')}@example.org`, confirmedEmail: true });
    const stranger = browserAt(t, '203.0.113.9');
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await stranger.signIn(alice.email!, `wrong guess ${i}`), 401);
    assert.equal(await stranger.signIn(alice.email!, 'again'), 429);
    // Had they shared a count, this 429 would say that the address is alice's.
    assert.equal(await stranger.signIn(alice.handle, 'a wrong guess!'), 401);
  });

  it('counts spellings that the database reads as one name together, dotted capital I included', async () => {
    const bill = await createUser({ handle: uniqueHandle('bill') });
    const stranger = browserAt(t, '203.0.113.10');
    const dotted = bill.handle.replace('i', '\u0130');
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await stranger.signIn(i % 2 ? dotted : bill.handle, `wrong guess ${i}`), 401);
    assert.equal(await stranger.signIn(dotted, bill.password), 429, 'the dotted spelling is counted with the plain one');
    const nobody = uniqueHandle('nobodyi');
    const dottedNobody = nobody.replace('i', '\u0130');
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await stranger.signIn(i % 2 ? dottedNobody : nobody, 'a wrong guess!'), 401);
    assert.equal(await stranger.signIn(nobody, 'a wrong guess!'), 429, 'and so is a name that does not exist');
  });

  it('lets the owner sign in from a browser that signed in before, after 5 failures from another address', async () => {
    const alice = await createUser();
    const owner = browserAt(t, '198.51.100.7');
    assert.equal(await owner.signIn(alice.handle, alice.password), 303);
    await owner.signOut();

    const attacker = browserAt(t, '203.0.113.2');
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await attacker.signIn(alice.handle, `wrong guess ${i}`), 401);
    assert.equal(await attacker.signIn(alice.handle, alice.password), 429, 'the attacker is locked out, even with the right password');

    assert.equal(await owner.signIn(alice.handle, alice.password), 303, 'the owner is not');
    // A browser that never signed in to this account is in the attacker's bucket, wherever it is.
    assert.equal(await browserAt(t, '198.51.100.7').signIn(alice.handle, alice.password), 429);
  });

  it('counts a known browser\'s own failures against that browser only', async () => {
    const alice = await createUser();
    const owner = browserAt(t, '198.51.100.8');
    assert.equal(await owner.signIn(alice.handle, alice.password), 303);
    await owner.signOut();
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await owner.signIn(alice.handle, `typo ${i}`), 401);
    assert.equal(await owner.signIn(alice.handle, alice.password), 429);
    assert.equal(await browserAt(t, '203.0.113.3').signIn(alice.handle, alice.password), 303, 'other browsers are not locked out by it');
  });

  it('does not take a browser known to another account as known to this one', async () => {
    const alice = await createUser();
    const mallory = await createUser();
    const attacker = browserAt(t, '203.0.113.4');
    assert.equal(await attacker.signIn(mallory.handle, mallory.password), 303);
    await attacker.signOut();
    for (let i = 0; i < MAX_FAILURES; i++) assert.equal(await attacker.signIn(alice.handle, `wrong guess ${i}`), 401);
    assert.equal(await browserAt(t, '203.0.113.5').signIn(alice.handle, alice.password), 429, 'the failures counted in the strangers\' bucket');
  });

  it('locks a login that matches no account just the same, so the lockout tells nothing', async () => {
    const stranger = browserAt(t, '203.0.113.6');
    const nobody = uniqueHandle('nobody');
    const statuses: number[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) statuses.push(await stranger.signIn(i % 2 ? `@${nobody}` : nobody.toUpperCase(), 'a wrong guess!'));
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });
});
