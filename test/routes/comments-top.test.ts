import assert from 'node:assert/strict';
import supertest from 'supertest';
import { rankAllVideoComments, rankChangedVideos, rankVideoComments } from '../../src/db/comment-ranking.js';
import { rateComment } from '../../src/db/comment-ratings.js';
import { findComment, insertComment } from '../../src/db/comments.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { useTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

const HOUR_MS = 3600_000;

/** The score of the migration's comment_top_score, written again here to check it. */
function expectedScore(likes: number, dislikes: number, replies: number, created: Date): number {
  const points = likes + 2 * replies - 0.5 * dislikes;
  return Math.sign(points) * Math.log10(Math.max(Math.abs(points), 1)) + (created.getTime() / 1000 - 1735689600) / 86400;
}

async function root(video: Video, author: User, body: string, counts: { likes?: number; dislikes?: number; replies?: number; ageHours?: number } = {}): Promise<number> {
  const id = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent: null }))!.id;
  if (counts.likes || counts.dislikes || counts.replies || counts.ageHours) {
    // Counters set directly, as a bulk load writes them: the re-rank is what makes them count.
    await testPool().query(
      `UPDATE comments SET like_count = $2, dislike_count = $3, reply_count = $4, created_at = now() - make_interval(secs => $5) WHERE id = $1`,
      [id, counts.likes ?? 0, counts.dislikes ?? 0, counts.replies ?? 0, (counts.ageHours ?? 0) * 3600],
    );
  }
  return id;
}

const shownIds = (html: string) => [...html.matchAll(/<li class="comment" id="comment-(\d+)"/g)].map((m) => Number(m[1]));
const nextLink = (html: string) => /href="([^"]+)#comments">More comments/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

async function epochOf(video: Video): Promise<number> {
  const { rows } = await testPool().query('SELECT comments_top_epoch FROM videos WHERE id = $1', [video.id]);
  return rows[0].comments_top_epoch;
}

describe('comments: the Top sort', function () {
  this.timeout(120_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let raters: User[];

  before(async () => {
    owner = await createUser();
    author = await createUser();
    raters = await Promise.all(Array.from({ length: 8 }, () => createUser()));
  });

  it('is the default, ranks by likes, replies and age, and offers Top and Newest links', async () => {
    const video = await createVideo(owner);
    const old = await root(video, author, 'Two days old, nothing', { ageHours: 48 });
    const fresh = await root(video, author, 'Brand new, nothing');
    const liked = await root(video, author, 'A day old, 50 likes', { likes: 50, ageHours: 24 });
    const talked = await root(video, author, 'A day old, 10 replies', { replies: 10, ageHours: 24 });
    const disliked = await root(video, author, 'An hour old, 5 likes and 20 dislikes', { likes: 5, dislikes: 20, ageHours: 1 });
    await rankVideoComments(testPool(), video.id);
    const page = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.equal(page.status, 200);
    assert.deepEqual(shownIds(page.text), [liked, talked, fresh, disliked, old]);
    assert.match(page.text, new RegExp(`<a href="/watch/${video.publicId}\\?sort=top#comments" aria-current="true">Top`));
    assert.match(page.text, new RegExp(`<a href="/watch/${video.publicId}\\?sort=newest#comments">Newest`));
    assert.deepEqual(shownIds((await supertest(t.app).get(`/watch/${video.publicId}?sort=top`)).text), [liked, talked, fresh, disliked, old]);
    const newest = await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`);
    assert.deepEqual(shownIds(newest.text), [disliked, talked, liked, fresh, old].sort((a, b) => b - a));
    assert.match(newest.text, /aria-current="true">Newest/);
  });

  it('stores the score at posting and recomputes it only at a re-rank, with the previous one kept and the epoch bumped', async () => {
    const video = await createVideo(owner);
    const a = await root(video, author, 'Will be liked');
    const b = await root(video, author, 'Will be answered');
    const score = async (id: number) => (await testPool().query('SELECT top_score, prev_top_score, like_count, dislike_count, reply_count, created_at FROM comments WHERE id = $1', [id])).rows[0];
    const posted = await score(a);
    assert.ok(Math.abs(posted.top_score - expectedScore(0, 0, 0, posted.created_at)) < 1e-6, 'scored at posting');
    assert.equal(posted.prev_top_score, null);
    // Any insert gets its score, counters and all (a seeder's bulk load does not go through insertComment).
    const { rows: bulk } = await testPool().query(
      `INSERT INTO comments (video_id, author_id, body, like_count, dislike_count, reply_count, created_at)
       VALUES ($1, $2, 'Bulk loaded', 40, 3, 2, now() - interval '3 hours') RETURNING id, top_score, created_at`,
      [video.id, author.id],
    );
    assert.ok(Math.abs(bulk[0].top_score - expectedScore(40, 3, 2, bulk[0].created_at)) < 1e-6, 'scored by the insert trigger');
    await testPool().query('DELETE FROM comments WHERE id = $1', [bulk[0].id]);

    await Promise.all(raters.slice(0, 5).map((r) => rateComment(testPool(), r.id, a, 'like')));
    await rateComment(testPool(), raters[5]!.id, a, 'dislike');
    const replier = await findComment(testPool(), b);
    await insertComment(testPool(), { videoId: video.id, authorId: raters[6]!.id, body: 'An answer', parent: replier });
    assert.equal((await score(a)).top_score, posted.top_score, 'a like does not move the stored score');
    const { rows: marked } = await testPool().query('SELECT 1 FROM comment_rank_changes WHERE video_id = $1', [video.id]);
    assert.equal(marked.length, 1, 'the video is marked changed');

    const epoch = await epochOf(video);
    assert.equal(await rankChangedVideos(testPool(), { minIntervalSeconds: 600 }) >= 1, true, 'a video never ranked is due at once');
    assert.equal(await epochOf(video), epoch + 1);
    for (const id of [a, b]) {
      const row = await score(id);
      assert.ok(Math.abs(row.top_score - expectedScore(row.like_count, row.dislike_count, row.reply_count, row.created_at)) < 1e-6, `rescored ${id}`);
    }
    const ranked = await score(a);
    assert.equal(ranked.like_count, 5);
    assert.equal(ranked.prev_top_score, posted.top_score, 'the previous epoch kept');
    const { rows: cleared } = await testPool().query('SELECT 1 FROM comment_rank_changes WHERE video_id = $1', [video.id]);
    assert.equal(cleared.length, 0, 'the mark cleared');

    // A new change within RERANK_MIN_INTERVAL is left for later; the seeder's rankAll ranks regardless.
    await rateComment(testPool(), raters[7]!.id, b, 'like');
    await rankChangedVideos(testPool(), { minIntervalSeconds: 600 });
    assert.equal(await epochOf(video), epoch + 1, 'not ranked again within 10 minutes');
    assert.ok(await rankAllVideoComments(testPool()) >= 1);
    assert.equal(await epochOf(video), epoch + 2);
    const bRow = await score(b);
    assert.ok(Math.abs(bRow.top_score - expectedScore(1, 0, 1, bRow.created_at)) < 1e-6);
  });

  it('keeps counters and scores right under parallel likes, replies and re-ranks (no deadlock)', async () => {
    const video = await createVideo(owner);
    const ids = await Promise.all([0, 1, 2, 3].map((i) => root(video, author, `Busy ${i}`)));
    const parents = await Promise.all(ids.map((id) => findComment(testPool(), id)));
    await Promise.all([
      ...raters.flatMap((r, i) => ids.map((id, j) => rateComment(testPool(), r.id, id, (i + j) % 3 === 0 ? 'dislike' : 'like'))),
      ...raters.slice(0, 4).map((r, i) => insertComment(testPool(), { videoId: video.id, authorId: r.id, body: `Reply ${i}`, parent: parents[i % 4]! })),
      rankVideoComments(testPool(), video.id),
      rankVideoComments(testPool(), video.id),
      rankVideoComments(testPool(), video.id),
    ]);
    await rankVideoComments(testPool(), video.id);
    const { rows } = await testPool().query(
      `SELECT c.id, c.top_score, comment_top_score(c.like_count, c.dislike_count, c.reply_count, c.created_at) AS expected,
         c.like_count = (SELECT count(*) FROM comment_ratings r WHERE r.comment_id = c.id AND r.value = 1) AS likes_hold
       FROM comments c WHERE c.video_id = $1 AND c.thread_id IS NULL`,
      [video.id],
    );
    for (const r of rows) {
      assert.equal(r.top_score, r.expected, `score of ${r.id}`);
      assert.ok(r.likes_hold, `like_count of ${r.id}`);
    }
  });

  it('shows the pinned comment first on the first page of both sorts, and never again on later pages', async () => {
    const video = await createVideo(owner);
    const ids: number[] = [];
    for (let i = 0; i < 45; i++) ids.push(await root(video, author, `Comment ${i}`, { likes: (i * 7) % 13, ageHours: i }));
    await rankVideoComments(testPool(), video.id);
    const pinned = ids[30]!;
    const agent = await signedInAgent(t.app, owner);
    assert.equal((await agent.post(`/comments/${pinned}/pin`).type('form').send({ _csrf: await tokenFor(agent, '/') })).status, 303);
    for (const sort of ['top', 'newest']) {
      const seen: number[] = [];
      let path: string | null = `/watch/${video.publicId}?sort=${sort}`;
      let pages = 0;
      while (path) {
        const page = await supertest(t.app).get(path);
        assert.equal(page.status, 200, path);
        const shown = shownIds(page.text);
        if (pages === 0) assert.equal(shown[0], pinned, `${sort}: pinned first`);
        else assert.ok(!shown.includes(pinned), `${sort}: pinned not repeated`);
        seen.push(...shown);
        path = nextLink(page.text);
        if (path) assert.match(path, new RegExp(`[?&]sort=${sort}&after=`), 'More comments keeps the sort');
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual([...seen].sort((a, b) => a - b), ids, `${sort}: every comment once`);
    }
  });

  it('pages through Top without a repeat or a gap while likes change, comments arrive and a re-rank runs between pages', async () => {
    const video = await createVideo(owner);
    const ids: number[] = [];
    for (let i = 0; i < 70; i++) ids.push(await root(video, author, `Ranked ${i}`, { likes: (i * 37) % 50, replies: i % 4, ageHours: (i * 5) % 72 }));
    await rankVideoComments(testPool(), video.id);
    const seen: number[] = [];
    const arrived: number[] = [];
    let path: string | null = `/watch/${video.publicId}`;
    let pages = 0;
    while (path) {
      const page = await supertest(t.app).get(path);
      assert.equal(page.status, 200, path);
      assert.doesNotMatch(page.text, /data-comments-restarted/);
      seen.push(...shownIds(page.text));
      path = nextLink(page.text);
      pages++;
      // Between pages: the order of the page just read turned upside down by likes (counters
      // and real ratings), new comments posted, and once, a re-rank on the new counts.
      await testPool().query('UPDATE comments SET like_count = like_count + (id % 97) * 3 WHERE video_id = $1 AND thread_id IS NULL', [video.id]);
      await Promise.all(raters.map((r, i) => rateComment(testPool(), r.id, seen.at(-1 - i) ?? ids[0]!, 'like')));
      arrived.push((await insertComment(testPool(), { videoId: video.id, authorId: raters[pages % raters.length]!.id, body: `Arrived after page ${pages}`, parent: null }))!.id);
      if (pages === 1) await rankVideoComments(testPool(), video.id);
    }
    assert.equal(new Set(seen).size, seen.length, 'no comment twice');
    for (const id of ids) assert.ok(seen.includes(id), `comment ${id} not skipped`);
    assert.ok(seen.every((id) => ids.includes(id) || arrived.includes(id)));
    assert.ok(pages >= 4);
  });

  it('starts a cursor two re-ranks old again at the first page with a notice; one re-rank old goes on', async () => {
    const video = await createVideo(owner);
    for (let i = 0; i < 25; i++) await root(video, author, `Stale ${i}`, { likes: i % 5, ageHours: i });
    await rankVideoComments(testPool(), video.id);
    const first = await supertest(t.app).get(`/watch/${video.publicId}`);
    const next = nextLink(first.text)!;
    await rankVideoComments(testPool(), video.id);
    const onPrevious = await supertest(t.app).get(next);
    assert.equal(onPrevious.status, 200);
    assert.doesNotMatch(onPrevious.text, /data-comments-restarted/);
    assert.equal(shownIds(onPrevious.text).length, 5);
    await rankVideoComments(testPool(), video.id);
    const stale = await supertest(t.app).get(next);
    assert.equal(stale.status, 200);
    assert.match(stale.text, /data-comments-restarted/);
    assert.match(stale.text, /start again from the top/);
    assert.deepEqual(shownIds(stale.text), shownIds((await supertest(t.app).get(`/watch/${video.publicId}`)).text));
    // A cursor of an epoch the video has not reached (made up) is stale too, not an error.
    const future = next.replace(/after=\d+_/, 'after=999_');
    assert.match((await supertest(t.app).get(future)).text, /data-comments-restarted/);
  });

  it('answers a bad sort or cursor with 400 and a message', async () => {
    const video = await createVideo(owner);
    await root(video, author, 'Something');
    const bad = ['?sort=best', '?sort=', '?sort=TOP', '?sort=top&sort=newest', '?after=abc', '?sort=top&after=12', '?sort=top&after=1_nan_5', '?sort=top&after=1_2_0',
      '?sort=newest&after=1_2.5_3', '?sort=newest&after=-4', '?after=1&after=2', `?sort=top&after=1_${'9'.repeat(400)}_3`, '?thread=1&after=x'];
    for (const query of bad) {
      const res = await supertest(t.app).get(`/watch/${video.publicId}${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.text, /(sorted by top or newest|That page of comments does not exist)/, query);
    }
    // Parameters that are not ours (`sort[]`) are ignored, as elsewhere on the page.
    for (const query of ['?sort=top', '?sort=newest', '?sort[]=top', '?after[]=1', '?sort=top&after=3_-0.5_7', '?sort=top&after=0_1.5e-7_7', '?sort=newest&after=99', '?thread=99999']) {
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}${query}`)).status, 200, query);
    }
  });
});
