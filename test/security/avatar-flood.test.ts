import assert from 'node:assert/strict';
import path from 'node:path';
import { createTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { createUser } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { jpegWithExif } from '../helpers/images.js';
import { testPool } from '../helpers/database.js';

// Attack: uploading picture after picture, each received to disk and decoded, from new
// accounts or one.

describe('avatar upload flood', function () {
  this.timeout(60_000);

  it('limits avatar uploads per address with 429 and Retry-After, receiving nothing once refused', async () => {
    const { app, config } = createTestApp({ AVATAR_UPLOADS_PER_HOUR: '2' });
    const picture = await jpegWithExif(400, 400);
    const statuses = [];
    let lastUser = null;
    for (let i = 0; i < 3; i++) {
      // A new account each time: the limit is the address's.
      lastUser = await createUser();
      const agent = await signedInAgent(app, lastUser);
      const token = await tokenFor(agent, '/settings');
      const res = await agent.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).attach('avatar', picture, 'me.jpg');
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    }
    assert.deepEqual(statuses, [303, 303, 429]);
    const { rows } = await testPool().query('SELECT avatar_key FROM users WHERE id = $1', [lastUser!.id]);
    assert.equal(rows[0].avatar_key, null, 'the refused picture was not stored');
    assert.deepEqual(filesUnder(path.join(config.dataDir, 'tmp', 'uploads')), []);
  });
});
