// Attack covered: bad parameters on channel pages (videos, playlists, about, Atom feed): unknown,
// malformed and hostile handles, banned and deleted channels, odd query parameters. Each gets
// its exact status and never a 500; a channel that is gone is 404 on every tab.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent } from '../helpers/agent.js';
import { UNKNOWN_ID, useCheckedApp } from '../helpers/check-params.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';

const TABS = ['', '/playlists', '/about', '/feed.atom'];
const MALFORMED_HANDLES = ['a'.repeat(31), 'bad%20handle', '..%2F..%2Fsettings', '%00', '%E2%80%AE', 'a%2Fb', '<script>'];

describe('check params: channels', () => {
  const t = useCheckedApp();
  let owner: Awaited<ReturnType<typeof createUser>>;

  before(async () => {
    owner = await createUser();
    await createVideo(owner, { title: 'On the channel' });
  });

  describe('GET /@:handle, /@:handle/playlists, /@:handle/about, /@:handle/feed.atom', () => {
    it('fails with an unknown handle', async () => {
      for (const tab of TABS) assert.equal((await supertest(t.app).get(`/@nobody_here_at_all${tab}`)).status, 404, tab);
    });

    it('fails with a malformed handle', async () => {
      const wrong: string[] = [];
      for (const tab of TABS) {
        for (const handle of MALFORMED_HANDLES) {
          const res = await supertest(t.app).get(`/@${handle}${tab}`);
          if (res.status !== 404) wrong.push(`/@${handle}${tab}: ${res.status}`);
        }
      }
      assert.deepEqual(wrong, [], 'each is 404');
    });

    it("fails with a banned or deleted owner's channel", async () => {
      const banned = await createUser();
      const deleted = await createUser();
      await banUser(banned);
      await deleteUser(deleted);
      for (const tab of TABS) {
        assert.equal((await supertest(t.app).get(`/@${banned.handle}${tab}`)).status, 404, `banned ${tab}`);
        assert.equal((await supertest(t.app).get(`/@${deleted.handle}${tab}`)).status, 404, `deleted ${tab}`);
      }
    });

    it('redirects a handle in another case to its canonical address (301)', async () => {
      for (const tab of ['', '/playlists', '/about']) {
        const res = await supertest(t.app).get(`/@${owner.handle.toUpperCase()}${tab}`);
        assert.equal(res.status, 301, tab);
        assert.equal(res.headers.location, `/@${owner.handle}${tab}`);
      }
    });

    it('ignores odd query parameters', async () => {
      for (const query of ['?sort=popular', '?sort=nonsense', `?after=${UNKNOWN_ID}`, '?after=garbage', '?sort[]=a&after[]=b', '?sort=popular&after=garbage']) {
        assert.equal((await supertest(t.app).get(`/@${owner.handle}${query}`)).status, 200, query);
      }
    });

    it('succeeds with correct parameters, signed out and signed in', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      for (const tab of TABS) {
        assert.equal((await supertest(t.app).get(`/@${owner.handle}${tab}`)).status, 200, tab);
        assert.equal((await agent.get(`/@${owner.handle}${tab}`)).status, 200, `signed in ${tab}`);
      }
      assert.match(String((await supertest(t.app).get(`/@${owner.handle}/feed.atom`)).headers['content-type']), /^application\/atom\+xml/);
    });
  });
});
