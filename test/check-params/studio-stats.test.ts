// Attack covered: bad parameters on a video's statistics and their CSV: signed-out and banned
// requests, strangers (a public or private video of someone else is a 404, its existence not
// revealed), wrong and malformed ids, and periods other than the three offered. Each gets its
// exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';

const BAD_PERIODS = ['0', '1', '30', '365', '7.0', ' 7', 'seven', '-7', '7\u0000', 'x'.repeat(5000)];
/** The period given twice (a list, to the query parser). */
const BAD_QUERIES = ['period=28&period=90', 'period=7&period=7'];

describe('check params: studio statistics', () => {
  const t = useCheckedApp();
  let owner: Agent;
  let video: { id: number; publicId: string };
  let ownerUser: Awaited<ReturnType<typeof createUser>>;

  before(async () => {
    ownerUser = await createUser();
    owner = await signedInAgent(t.app, ownerUser);
    video = await createVideo(ownerUser, { title: 'Counted by check-params' });
  });

  describe('GET /studio/videos/:id/stats and /studio/videos/:id/stats.csv', () => {
    const paths = (id: string) => [`/studio/videos/${id}/stats`, `/studio/videos/${id}/stats.csv`];

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const path of paths(video.publicId)) {
        assertSignIn(await withoutWrites(() => visitor.get(path)), path);
        assertSignIn(await withoutWrites(() => banned.get(path)), path);
      }
    });

    it("fails with someone else's video, public, private or unfinished (404)", async () => {
      const stranger = await signedInAgent(t.app, await createUser());
      const other = await createUser();
      for (const theirs of [await createVideo(other), await createVideo(other, { visibility: 'private' }), await createVideo(other, { status: 'processing' })]) {
        for (const path of paths(theirs.publicId)) assert.equal((await withoutWrites(() => stranger.get(path))).status, 404, path);
      }
      for (const path of paths(video.publicId)) assert.equal((await withoutWrites(() => stranger.get(path))).status, 404, path);
    });

    it('fails with an unknown or a malformed id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        for (const path of paths(id)) assert.equal((await withoutWrites(() => owner.get(path))).status, 404, path);
      }
    });

    it('fails with a period other than 7, 28 or 90 days (400)', async () => {
      const queries = [...BAD_PERIODS.map((p) => `period=${encodeURIComponent(p)}`), ...BAD_QUERIES];
      for (const query of queries) {
        for (const path of paths(video.publicId)) {
          assert.equal((await withoutWrites(() => owner.get(`${path}?${query}`))).status, 400, `${path}?${query}`.slice(0, 80));
        }
      }
    });

    it('succeeds with correct parameters, for the owner', async () => {
      for (const period of ['', '?period=7', '?period=28', '?period=90']) {
        const [page, csv] = await Promise.all(paths(video.publicId).map((path) => withoutWrites(() => owner.get(`${path}${period}`))));
        assert.equal(page!.status, 200, `page${period}`);
        assert.equal(csv!.status, 200, `csv${period}`);
        assert.match(String(csv!.headers['content-disposition']), /^attachment/);
      }
    });
  });
});
