import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Express } from 'express';
import { HtmlValidate } from 'html-validate';
import supertest from 'supertest';
import { hashSetupToken, prepareSetupAddress } from '../../src/auth/setup.js';
import type { Pool } from '../../src/db/pool.js';
import { ROOT_DIR } from '../../src/paths.js';
import { createTestApp, tempDataDir } from '../helpers/app.js';
import { csrfFrom, tokenFor } from '../helpers/agent.js';
import { freshDatabase } from '../helpers/database.js';
import { redactUrl } from '../../src/http/logging.js';
import { DEFAULT_PASSWORD, uniqueHandle } from '../helpers/factories.js';

const PUBLIC_URL = new URL('https://videos.example.org/');

async function rolesOf(pool: Pool, handle: string): Promise<string[]> {
  const { rows } = await pool.query<{ role: string }>('SELECT r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.handle = $1 ORDER BY r.role', [handle]);
  return rows.map((r) => r.role);
}

async function countUsers(pool: Pool): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
}

/** The path and query of a setup address, for supertest. */
const local = (address: URL) => address.pathname + address.search;

async function signUpThroughSetup(app: Express, address: URL, fields: Record<string, string>) {
  const agent = supertest.agent(app);
  const page = await agent.get(local(address));
  assert.equal(page.status, 200);
  const res = await agent.post('/setup').type('form').send({ _csrf: csrfFrom(page.text), token: address.searchParams.get('token')!, ...fields });
  return { agent, res };
}

describe('first-run setup', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let app: Express;

  // Each test on a site with no accounts, in a database of its own.
  beforeEach(async () => {
    fresh = await freshDatabase();
    app = createTestApp({}, fresh.pool).app;
  });
  afterEach(async () => {
    await fresh.drop();
  });

  it('does not make the first account made through /register an admin', async () => {
    const agent = supertest.agent(app);
    const handle = uniqueHandle('first');
    const token = await tokenFor(agent, '/register');
    const res = await agent.post('/register').type('form').send({ _csrf: token, handle, displayName: 'Early bird', password: DEFAULT_PASSWORD });
    assert.equal(res.status, 303);
    assert.doesNotMatch((await agent.get(res.headers.location!)).text, /administrator/);
    assert.deepEqual(await rolesOf(fresh.pool, handle), ['user']);
  });

  it('prints an address at PUBLIC_URL whose token is kept only as a hash', async () => {
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    assert.equal(address.origin, PUBLIC_URL.origin);
    assert.equal(address.pathname, '/setup');
    const token = address.searchParams.get('token')!;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const { rows } = await fresh.pool.query<{ token_hash: string }>('SELECT token_hash FROM setup_tokens');
    assert.deepEqual(rows, [{ token_hash: hashSetupToken(token) }]);
  });

  it('creates the admin account through the address, signs it in, and then is gone', async () => {
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const handle = uniqueHandle('owner');
    const { agent, res } = await signUpThroughSetup(app, address, { handle, displayName: 'Site Owner', password: DEFAULT_PASSWORD });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/@${handle}`);
    assert.match((await agent.get(res.headers.location!)).text, /You are the administrator of this site/);
    assert.deepEqual(await rolesOf(fresh.pool, handle), ['admin', 'user']);
    assert.equal((await fresh.pool.query('SELECT 1 FROM setup_tokens')).rowCount, 0, 'the token is used up');

    for (const url of [local(address), '/setup', '/setup?token=anything']) assert.equal((await supertest(app).get(url)).status, 404, url);
    assert.equal((await agent.get(local(address))).status, 404);
    assert.equal(await prepareSetupAddress(fresh.pool, PUBLIC_URL), null, 'no address is printed once an admin exists');
  });

  it('makes the signed-in account admin when it opens the address', async () => {
    const handle = uniqueHandle('member');
    const agent = supertest.agent(app);
    const token = await tokenFor(agent, '/register');
    assert.equal((await agent.post('/register').type('form').send({ _csrf: token, handle, displayName: 'Member', password: DEFAULT_PASSWORD })).status, 303);
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const page = await agent.get(local(address));
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`Make @${handle} the administrator`));
    const res = await agent.post('/setup').type('form').send({ _csrf: csrfFrom(page.text), token: address.searchParams.get('token')! });
    assert.equal(res.status, 303);
    assert.deepEqual(await rolesOf(fresh.pool, handle), ['admin', 'user']);
    assert.equal((await agent.get(local(address))).status, 404);
  });

  it('refuses a wrong token, and the address of an earlier start, with a 403 page that says what to do', async () => {
    const earlier = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const latest = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    for (const url of ['/setup', '/setup?token=wrong', local(earlier), `/setup?token=${'x'.repeat(5000)}`]) {
      const res = await supertest(app).get(url);
      assert.equal(res.status, 403, url.slice(0, 60));
      assert.match(res.text, /This setup address does not work/);
    }
    // A form posted with the old token writes nothing.
    const agent = supertest.agent(app);
    const form = await agent.get(local(latest));
    const res = await agent.post('/setup').type('form').send({ _csrf: csrfFrom(form.text), token: earlier.searchParams.get('token')!, handle: uniqueHandle('late'), displayName: 'Late', password: DEFAULT_PASSWORD });
    assert.equal(res.status, 403);
    assert.equal(await countUsers(fresh.pool), 0);
    assert.equal((await supertest(app).get(local(latest))).status, 200, 'the latest address still works');
  });

  it('stops working 24 hours after it was printed, and is kept out of caches and logs', async () => {
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const page = await supertest(app).get(local(address));
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    const token = address.searchParams.get('token')!;
    for (const url of [local(address), `/login?next=${encodeURIComponent(local(address))}`]) assert.ok(!redactUrl(url).includes(token), url);
    // As if printed a day ago (no data function backdates a token).
    await fresh.pool.query(`UPDATE setup_tokens SET created_at = now() - interval '24 hours 1 minute'`);
    const res = await supertest(app).get(local(address));
    assert.equal(res.status, 403);
    assert.match(res.text, /more than 24 hours old/);
  });

  it('shows the form again for a bad or taken handle, keeping the address usable', async () => {
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const bad = await signUpThroughSetup(app, address, { handle: 'admin', displayName: 'X', password: DEFAULT_PASSWORD });
    assert.equal(bad.res.status, 422);
    assert.match(bad.res.text, /This handle is reserved/);
    assert.match(bad.res.text, /name="token" value="/);
    const member = uniqueHandle('member');
    const agent = supertest.agent(app);
    const token = await tokenFor(agent, '/register');
    assert.equal((await agent.post('/register').type('form').send({ _csrf: token, handle: member, displayName: 'Member', password: DEFAULT_PASSWORD })).status, 303);
    const taken = await signUpThroughSetup(app, address, { handle: member, displayName: 'Impostor', password: DEFAULT_PASSWORD });
    assert.equal(taken.res.status, 422);
    assert.match(taken.res.text, /This handle is taken/);
    assert.equal(await countUsers(fresh.pool), 1);
    assert.deepEqual(await rolesOf(fresh.pool, member), ['user']);
    assert.equal((await supertest(app).get(local(address))).status, 200);
  });

  it('lets only one of two requests racing with the same address make an admin', async () => {
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const [a, b] = await Promise.all([uniqueHandle('racer'), uniqueHandle('racer')].map((handle) => signUpThroughSetup(app, address, { handle, displayName: 'Racer', password: DEFAULT_PASSWORD })));
    assert.deepEqual([a!.res.status, b!.res.status].sort(), [303, 403]);
    const { rows } = await fresh.pool.query(`SELECT count(*)::int AS n FROM user_roles WHERE role = 'admin'`);
    assert.equal(rows[0].n, 1);
    assert.equal(await countUsers(fresh.pool), 1, 'the refused one left no account');
  });

  it('serves valid, accessible HTML: the form, the form sent back, the signed-in button', async () => {
    const validator = new HtmlValidate({
      extends: ['html-validate:recommended', 'html-validate:a11y'],
      rules: { 'attribute-boolean-style': 'off', 'no-trailing-whitespace': 'off', 'void-style': 'off', 'doctype-style': 'off' },
    });
    const address = (await prepareSetupAddress(fresh.pool, PUBLIC_URL))!;
    const refused = await signUpThroughSetup(app, address, { handle: 'x', displayName: '', password: 'short' });
    const agent = supertest.agent(app);
    const token = await tokenFor(agent, '/register');
    await agent.post('/register').type('form').send({ _csrf: token, handle: uniqueHandle('member'), displayName: 'Member', password: DEFAULT_PASSWORD });
    const pages = { form: await supertest(app).get(local(address)), refused: refused.res, signedIn: await agent.get(local(address)), wrong: await supertest(app).get('/setup?token=wrong') };
    for (const [name, res] of Object.entries(pages)) {
      const report = await validator.validateString(res.text);
      const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} (line ${m.line}): ${m.message}`));
      assert.deepEqual(messages, [], `${name} (${res.status})`);
    }
  });

  it('is printed on the console by the server at start, while no admin exists', async function () {
    this.timeout(60_000);
    const url = new URL(fresh.pool.options.connectionString!);
    const child = spawn(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), [path.join(ROOT_DIR, 'src', 'server.ts')], {
      env: { ...process.env, DATABASE_URL: url.toString(), PORT: '0', WORKER: 'off', LOG_LEVEL: 'warn', DATA_DIR: tempDataDir(), PUBLIC_URL: 'https://videos.example.org' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const printed = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no setup address printed:\n${output}`)), 50_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = output.match(/^ {4}(https:\/\/videos\.example\.org\/setup\?token=[A-Za-z0-9_-]{43})$/m);
          // The log line carries it too.
          if (found && /"setupAddress"/.test(output)) {
            clearTimeout(timer);
            resolve(found[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
      });
      const address = new URL(printed);
      assert.equal((await supertest(app).get(local(address))).status, 200, 'the printed address works');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    }
  });
});
