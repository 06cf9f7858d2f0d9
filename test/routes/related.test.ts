import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { PER_WORD, RELATED_STORED } from '../../src/db/related-videos.js';
import { deleteVideo } from '../../src/db/videos.js';
import { refreshRelatedVideos } from '../../src/jobs/handlers/related-videos.js';
import { REFRESH_RELATED } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/log.js';
import { useTestApp, useWorker } from '../helpers/app.js';
import { testPool, testQueue } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';

/**
 * A word no other test uses (letters only, so Postgres's parser keeps it one word). A watched
 * video's title is made of these only: an ordinary word would bring in other tests' videos.
 */
const word = () => `q${Array.from(crypto.randomBytes(8), (b) => 'bcdfghjklmnpqrstvwxz'[b % 20]).join('')}`;

type Made = { id: number; publicId: string };

async function storedList(video: Made): Promise<{ ids: number[]; computedAt: Date } | null> {
  const { rows } = await testPool().query('SELECT related_ids, computed_at FROM video_related WHERE video_id = $1', [video.id]);
  return rows[0] ? { ids: rows[0].related_ids.map(Number), computedAt: rows[0].computed_at } : null;
}

const setViews = (video: Made, views: number) => testPool().query('UPDATE videos SET view_count = $2 WHERE id = $1', [video.id, views]);

describe('related videos', function () {
  this.timeout(60_000);
  const t = useTestApp();

  /** The "Up next" part of the video's watch page. */
  async function upNext(video: Made): Promise<string> {
    const res = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.equal(res.status, 200);
    const from = res.text.indexOf('id="related-title"');
    return from < 0 ? '' : res.text.slice(from);
  }

  it('are worked out and stored on the first page of a video that has no list yet, then read from the store', async () => {
    const shared = word();
    const watched = await createVideo(await createUser(), { title: `${shared} ${word()}` });
    const first = await createVideo(await createUser(), { title: `First ${shared}` });
    assert.equal(await storedList(watched), null);
    assert.ok((await upNext(watched)).includes(first.publicId));
    assert.deepEqual((await storedList(watched))?.ids, [first.id], 'never the video itself');

    // Published after the list was made: not shown until the list is worked out again.
    const later = await createVideo(await createUser(), { title: `Later ${shared}` });
    assert.ok(!(await upNext(watched)).includes(later.publicId));
  });

  it('are worked out again by the scheduled refresh once a day old, the oldest first, leaving newer lists alone', async () => {
    const shared = word();
    const watched = await createVideo(await createUser(), { title: `${shared} ${word()}` });
    const fresh = await createVideo(await createUser(), { title: `${shared} ${word()}` });
    await upNext(watched);
    await upNext(fresh);
    const later = await createVideo(await createUser(), { title: `Later ${shared}` });
    await testPool().query(`UPDATE video_related SET computed_at = now() - interval '25 hours' WHERE video_id = $1`, [watched.id]);
    const freshBefore = await storedList(fresh);

    assert.ok((await refreshRelatedVideos(testPool(), createLogger('silent'))) >= 1);

    assert.ok((await upNext(watched)).includes(later.publicId), 'the stale list now has the newer video');
    assert.ok((await storedList(watched))!.computedAt > freshBefore!.computedAt);
    assert.deepEqual(await storedList(fresh), freshBefore, 'a list less than a day old is left as it is');
  });

  it('rank a video sharing a title word above one sharing it only in tags, and a title word above a tag', async () => {
    const [titleWord, tagWord] = [word(), word()];
    const watched = await createVideo(await createUser(), { title: titleWord, tags: [tagWord] });
    const titles = await createVideo(await createUser(), { title: `Both titles ${titleWord}` });
    const titleInTags = await createVideo(await createUser(), { title: 'In its tags', tags: [titleWord] });
    const tagInTitle = await createVideo(await createUser(), { title: `Tag in title ${tagWord}` });
    const tags = await createVideo(await createUser(), { title: 'Both tags', tags: [tagWord] });
    // Views would put them in the opposite order: only the weights can put them right.
    for (const [video, views] of [[titles, 1], [titleInTags, 100], [tagInTitle, 100], [tags, 1000]] as const) await setViews(video, views);

    const html = await upNext(watched);
    const at = [titles, titleInTags, tagInTitle, tags].map((video) => html.indexOf(video.publicId));
    assert.ok(at.every((i) => i > 0), `all four shown: ${at}`);
    assert.ok(at[0]! < at[1]! && at[0]! < at[2]!, `both titles first: ${at}`);
    assert.ok(at[1]! < at[3]! && at[2]! < at[3]!, `both tags last: ${at}`);
  });

  it('keep some of the same channel beside better matches, and take only the most viewed few of each shared word', async () => {
    // More title matches than a list holds: 6 words, each in PER_WORD or more other videos' titles.
    const words = Array.from({ length: 6 }, word);
    const channel = await createUser();
    const watched = await createVideo(channel, { title: words.join(' ') });
    const own = [];
    for (let i = 0; i < 6; i++) own.push(await createVideo(channel, { title: `Unrelated ${i} ${word()}` }));
    const first = [];
    for (let i = 0; i < PER_WORD + 3; i++) {
      const video = await createVideo(await createUser(), { title: `Match ${i} ${words[0]}` });
      await setViews(video, 10 + i);
      first.push(video);
    }
    for (const w of words.slice(1)) for (let i = 0; i < PER_WORD; i++) await createVideo(await createUser(), { title: `Match ${i} ${w}` });

    await upNext(watched);
    const ids = (await storedList(watched))!.ids;
    assert.equal(ids.length, RELATED_STORED);
    assert.ok(own.filter((video) => ids.includes(video.id)).length >= 4, 'the channel keeps a place beside better matches');
    const mostViewed = first.slice(-PER_WORD).map((video) => video.id).sort();
    assert.deepEqual(first.filter((video) => ids.includes(video.id)).map((video) => video.id).sort(), mostViewed);
  });

  it('show at most 12 on the page, from a longer stored list', async () => {
    const channel = await createUser();
    const words = [word(), word(), word()];
    const watched = await createVideo(channel, { title: words.join(' ') });
    for (let i = 0; i < 4; i++) await createVideo(channel, { title: `Own ${i}` });
    for (const w of words) for (let i = 0; i < PER_WORD; i++) await createVideo(await createUser(), { title: `Match ${i} ${w}` });

    const html = await upNext(watched);
    assert.ok((await storedList(watched))!.ids.length > 12);
    assert.equal((html.match(/<li class="video-card">/g) ?? []).length, 12);
  });

  describe('a related video hidden since its list was made', () => {
    const cases: { name: string; hide: (video: Made, owner: { id: number }) => Promise<unknown> }[] = [
      { name: 'made private', hide: (video) => testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [video.id]) },
      { name: 'made unlisted', hide: (video) => testPool().query(`UPDATE videos SET visibility = 'unlisted' WHERE id = $1`, [video.id]) },
      { name: 'deleted', hide: (video) => deleteVideo(testPool(), video.id) },
      { name: 'of an owner since banned', hide: (_video, owner) => banUser(owner) },
      { name: 'of an owner since deleted', hide: (_video, owner) => deleteUser(owner) },
    ];
    for (const { name, hide } of cases) {
      it(`leaves the page at once when ${name}, without the list being worked out again`, async () => {
        const shared = word();
        const watched = await createVideo(await createUser(), { title: shared });
        const owner = await createUser();
        const hidden = await createVideo(owner, { title: `Hidden ${shared}` });
        const control = await createVideo(await createUser(), { title: `Control ${shared}` });
        const before = await upNext(watched);
        assert.ok(before.includes(hidden.publicId) && before.includes(control.publicId));
        const list = await storedList(watched);

        await hide(hidden, owner);

        const after = await upNext(watched);
        assert.ok(!after.includes(hidden.publicId), `${name}: still shown`);
        assert.ok(after.includes(control.publicId), 'the others stay');
        assert.deepEqual(await storedList(watched), list, 'the stored list is the same');
      });
    }
  });

  it('go with their video when it is deleted', async () => {
    const shared = word();
    const watched = await createVideo(await createUser(), { title: shared });
    await createVideo(await createUser(), { title: `Other ${shared}` });
    await upNext(watched);
    assert.ok(await storedList(watched));
    await deleteVideo(testPool(), watched.id);
    assert.equal(await storedList(watched), null);
  });

  describe('in the background', () => {
    useWorker(t);

    it('are worked out by a job queued for a video', async () => {
      const shared = word();
      const queued = await createVideo(await createUser(), { title: `Queued ${shared}` });
      const other = await createVideo(await createUser(), { title: `Other ${shared}` });
      await testQueue().enqueueRelated(queued.id);
      for (let tries = 0; !(await storedList(queued)) && tries < 200; tries++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual((await storedList(queued))?.ids, [other.id]);
    });

    it('are refreshed on a schedule: every worker asks pg-boss for the refresh job', async () => {
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [REFRESH_RELATED]);
      assert.ok(rows[0].n >= 1);
    });
  });
});
