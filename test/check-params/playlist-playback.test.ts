// Attack covered: bad parameters on playing a playlist (the watch and embed pages with ?list=,
// index=, shuffle= and loop=, and Play all / Shuffle): malformed, repeated and oversized values,
// unknown and malformed playlist ids, a private playlist of someone else. A malformed index,
// shuffle or loop is a 400 that names it; a list that names no playlist this viewer may see is
// the page without the panel, saying nothing of it; never a 500, and nothing is written.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const BAD_QUERIES = [
  'index=0', 'index=-3', 'index=1.5', 'index=abc', 'index=', 'index=1234567', 'index=%00', 'index=1&index=2',
  'shuffle=', 'shuffle=a%20b', 'shuffle=%00', `shuffle=${'s'.repeat(33)}`, 'shuffle=a&shuffle=b', 'shuffle=%E2%9C%93',
  'loop=2', 'loop=true', 'loop=', 'loop=1&loop=0',
];

describe('check params: playing a playlist', () => {
  const t = useCheckedApp();
  let owner: User;
  let stranger: Agent;
  let video: { id: number; publicId: string };

  async function playlist(privacy: PlaylistPrivacy = 'public'): Promise<string> {
    const made = await insertPlaylist(testPool(), owner.id, { title: `Played list ${privacy}`, description: '', privacy }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    await addVideoToPlaylist(testPool(), owner.id, Number(rows[0].id), video, 5000);
    return made.publicId;
  }

  before(async () => {
    owner = await createUser();
    stranger = await signedInAgent(t.app, await createUser());
    video = await createVideo(owner, { title: 'Played by check-params' });
  });

  describe('GET /watch/:id and /embed/:id with ?list=', () => {
    it('fails with a malformed, empty, repeated or oversized index, shuffle or loop (400, naming it)', async () => {
      const list = await playlist();
      const wrong: string[] = [];
      for (const page of ['watch', 'embed']) {
        for (const query of BAD_QUERIES) {
          const res = await withoutWrites(() => supertest(t.app).get(`/${page}/${video.publicId}?list=${list}&${query}`));
          const name = query.replace(/[[=].*$/, '');
          if (res.status !== 400 || !res.text.includes(`${name}=`)) wrong.push(`${page} ${query}: ${res.status}`);
        }
      }
      assert.deepEqual(wrong, [], 'each is a 400 that names the parameter');
    });

    it('shows the page without the panel for an unknown, malformed, repeated or private list of someone else', async () => {
      const hidden = await playlist('private');
      for (const page of ['watch', 'embed']) {
        for (const list of [UNKNOWN_ID, ...MALFORMED_IDS.map(encodeURIComponent), hidden, `${hidden}&list=${hidden}`, `x&list[]=${hidden}`]) {
          for (const who of [supertest(t.app), stranger]) {
            const res = await who.get(`/${page}/${video.publicId}?list=${list}&index=2&shuffle=abc&loop=1`);
            assert.equal(res.status, 200, `${page} ${list}`);
            assert.ok(!res.text.includes('Played list private'), `${page} ${list}`);
            assert.doesNotMatch(res.text, /data-playlist-next/, `${page} ${list}`);
          }
        }
      }
    });

    it('fails with an unknown, malformed or hidden video as without a list (404)', async () => {
      const list = await playlist();
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        for (const page of ['watch', 'embed']) assert.equal((await supertest(t.app).get(`/${page}/${id}?list=${list}`)).status, 404, `${page} ${id}`);
      }
    });

    it('succeeds with correct parameters (200), an index past the end included', async () => {
      const list = await playlist('unlisted');
      for (const page of ['watch', 'embed']) {
        // The query parser is Express 5's simple one: index[]=1 is a parameter of another name, ignored.
        for (const query of ['', '&index=1', '&index=999999', '&shuffle=abc_-9', '&loop=1', '&loop=0', '&index=1&shuffle=x&loop=1', '&index[]=1&shuffle[]=x&loop[]=1']) {
          const res = await supertest(t.app).get(`/${page}/${video.publicId}?list=${list}${query}`);
          assert.equal(res.status, 200, `${page} ${query}`);
          assert.match(res.text, /data-playlist-next/, `${page} ${query}`);
        }
      }
    });
  });

  describe('GET /playlist/:id/play', () => {
    it('fails with an unknown or malformed id, or a private playlist of someone else (404)', async () => {
      const hidden = await playlist('private');
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, hidden]) {
        assert.equal((await supertest(t.app).get(`/playlist/${id}/play`)).status, 404, id);
        assert.equal((await stranger.get(`/playlist/${id}/play`)).status, 404, id);
      }
    });

    it('fails with a malformed shuffle (400)', async () => {
      const list = await playlist();
      for (const query of ['shuffle=0', 'shuffle=yes', 'shuffle=', 'shuffle=%00', 'shuffle=1&shuffle=1']) {
        assert.equal((await supertest(t.app).get(`/playlist/${list}/play?${query}`)).status, 400, query);
      }
    });

    it('succeeds with correct parameters (303)', async () => {
      const list = await playlist();
      for (const query of ['', '?shuffle=1']) {
        const res = await supertest(t.app).get(`/playlist/${list}/play${query}`);
        assert.equal(res.status, 303, query);
        assert.match(String(res.headers.location), new RegExp(`^/watch/${video.publicId}\\?list=${list}&index=1`));
      }
    });
  });
});
