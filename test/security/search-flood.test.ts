import assert from 'node:assert/strict';
import supertest from 'supertest';
import { createTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { createUser } from '../helpers/factories.js';

// Attack: one client sending search after search, each a new query, to keep the database busy.

describe('search flood', function () {
  this.timeout(60_000);

  it('limits searches per address with 429 and Retry-After, signed in or not', async () => {
    const { app } = createTestApp({ SEARCHES_PER_MINUTE: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await supertest(app).get('/search').query({ q: `flood ${i}` });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const agent = await signedInAgent(app, await createUser());
    assert.equal((await agent.get('/search').query({ q: 'flood signed in' })).status, 429, 'an account does not lift the limit of its address');
  });

  it('counts only the searches the page cache does not answer', async () => {
    const { app } = createTestApp({ SEARCHES_PER_MINUTE: '3', PAGE_CACHE_SECONDS: '60' });
    for (let i = 0; i < 10; i++) {
      assert.equal((await supertest(app).get('/search').query({ q: 'cached flood' })).status, 200, `kept page, request ${i}`);
    }
    assert.equal((await supertest(app).get('/search').query({ q: 'second query' })).status, 200);
    assert.equal((await supertest(app).get('/search').query({ q: 'third query' })).status, 200);
    assert.equal((await supertest(app).get('/search').query({ q: 'fourth query' })).status, 429, 'the fourth search the database would answer');
    assert.equal((await supertest(app).get('/search').query({ q: 'cached flood' })).status, 200, 'a kept page is still served');
  });
});
