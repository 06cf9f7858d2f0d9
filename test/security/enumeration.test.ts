import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import supertest from 'supertest';
import { createTestApp, tempDataDir, useTestApp } from '../helpers/app.js';
import { tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, uniqueHandle, DEFAULT_PASSWORD } from '../helpers/factories.js';

async function register(app: Express, fields: Record<string, string>) {
  const agent = supertest.agent(app);
  const token = await tokenFor(agent, '/register');
  const res = await agent.post('/register').type('form').send({ _csrf: token, ...fields });
  return { agent, res };
}

/** The page a new account lands on, less what differs between any two accounts: handle, avatar, time, tokens. */
async function landing(agent: supertest.Agent, location: string, handle: string): Promise<string> {
  const page = await agent.get(location);
  return page.text.replaceAll(handle, 'HANDLE')
    .replace(/<meta name="csrf-token" content="[^"]+">/, '')
    .replace(/name="_csrf" value="[^"]+"/g, '')
    .replace(/\/media\/avatars\/[A-Za-z0-9_-]+\//g, '/media/avatars/KEY/')
    .replace(/datetime="[^"]+"/g, '');
}

describe('account enumeration', () => {
  const t = useTestApp();

  describe('POST /register with an email address', () => {
    it('answers the same whether or not another account uses it', async () => {
      const owner = await createUser({ email: `${uniqueHandle('owner')}@example.org` });
      const takenHandle = uniqueHandle('taken');
      const freeHandle = uniqueHandle('free');
      const taken = await register(t.app, { handle: takenHandle, displayName: 'Someone', email: owner.email!.toUpperCase(), password: DEFAULT_PASSWORD });
      const free = await register(t.app, { handle: freeHandle, displayName: 'Someone', email: `${freeHandle}@example.org`, password: DEFAULT_PASSWORD });
      assert.equal(taken.res.status, free.res.status);
      assert.equal(taken.res.status, 303);
      assert.equal(taken.res.headers.location, `/@${takenHandle}`);
      assert.equal(free.res.headers.location, `/@${freeHandle}`);
      const takenPage = await landing(taken.agent, taken.res.headers.location!, takenHandle);
      const freePage = await landing(free.agent, free.res.headers.location!, freeHandle);
      assert.doesNotMatch(takenPage, /email/i);
      assert.match(takenPage, /Welcome to Tubestead, Someone!/);
      assert.equal(takenPage, freePage, 'the two pages are the same');
    });

    it('leaves the address with its owner: the new account gets none', async () => {
      const email = `${uniqueHandle('mine')}@example.org`;
      const owner = await createUser({ email });
      const handle = uniqueHandle('claim');
      const { res } = await register(t.app, { handle, displayName: 'Claimant', email, password: DEFAULT_PASSWORD });
      assert.equal(res.status, 303);
      const { rows } = await testPool().query<{ handle: string; email: string | null }>('SELECT handle, email FROM users WHERE handle = ANY($1) ORDER BY id', [[owner.handle, handle]]);
      assert.deepEqual(rows, [{ handle: owner.handle, email }, { handle, email: null }]);
    });

    it('still says that a handle is taken: handles are public', async () => {
      const owner = await createUser();
      const { res } = await register(t.app, { handle: owner.handle, displayName: 'Copycat', password: DEFAULT_PASSWORD });
      assert.equal(res.status, 422);
      assert.match(res.text, /This handle is taken/);
    });
  });

  describe('POST /register with a taken handle', () => {
    it('is refused before the password is hashed or a picture drawn', async () => {
      // A site whose avatar directory cannot be made: drawing the picture would fail with a 500.
      const dataDir = tempDataDir();
      fs.mkdirSync(path.join(dataDir, 'media'), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'media', 'avatars'), 'not a directory');
      const app = createTestApp({ DATA_DIR: dataDir }).app;
      const owner = await createUser();
      const { res } = await register(app, { handle: owner.handle, displayName: 'Copycat', password: DEFAULT_PASSWORD });
      assert.equal(res.status, 422);
      assert.match(res.text, /This handle is taken/);
    });
  });

  describe('POST /register limits', () => {
    it('counts refused sign-ups too, so a taken handle cannot be tried without end', async () => {
      const limited = createTestApp({ SIGNUP_MAX_PER_HOUR: '1' }).app;
      const owner = await createUser();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await register(limited, { handle: owner.handle, displayName: 'Again', password: DEFAULT_PASSWORD })).res.status);
      // Four attempts for each account an address may create in an hour.
      assert.deepEqual(statuses, [422, 422, 422, 422, 429]);
    });
  });

  describe('POST /login', () => {
    it('answers the same for a wrong password and for an account that does not exist', async () => {
      const user = await createUser({ email: `${uniqueHandle('known')}@example.org`, confirmedEmail: true });
      const answers: { status: number; message: string }[] = [];
      for (const login of [user.email!, `${uniqueHandle('unknown')}@example.org`]) {
        const agent = supertest.agent(t.app);
        const token = await tokenFor(agent, '/login');
        const res = await agent.post('/login').type('form').send({ _csrf: token, login, password: 'not the password' });
        answers.push({ status: res.status, message: res.text.match(/<p class="flash[^"]*"[^>]*>([^<]*)</)?.[1] ?? res.text.match(/do not match an account/)?.[0] ?? '' });
      }
      assert.deepEqual(answers[0], answers[1]);
      assert.equal(answers[0]!.status, 401);
    });
  });
});
