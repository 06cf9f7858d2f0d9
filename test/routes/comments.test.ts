import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function post(agent: Agent, video: Video, body: string, parent?: number) {
  const token = await tokenFor(agent, `/watch/${video.publicId}`);
  return agent.post(`/watch/${video.publicId}/comments`).set('Accept', 'application/json').type('form')
    .send({ _csrf: token, body, ...(parent ? { parent: String(parent) } : {}) });
}

async function postOk(agent: Agent, video: Video, body: string, parent?: number): Promise<number> {
  const res = await post(agent, video, body, parent);
  assert.equal(res.status, 201, res.text);
  return res.body.id as number;
}

async function commentRow(id: number) {
  const { rows } = await testPool().query('SELECT id, thread_id, reply_to_user_id, body, reply_count, edited_at, deleted_at FROM comments WHERE id = $1', [id]);
  return rows[0];
}

/** Every counter next to the rows it counts. */
async function counters(videoId: number) {
  const { rows } = await testPool().query(
    `SELECT v.comment_count, (SELECT count(*)::int FROM comments c WHERE c.video_id = v.id AND c.deleted_at IS NULL) AS comments,
       (SELECT count(*)::int FROM comments r JOIN comments t ON t.id = r.thread_id WHERE t.video_id = v.id AND t.reply_count <> (SELECT count(*) FROM comments x WHERE x.thread_id = t.id)) AS wrong_threads
     FROM videos v WHERE v.id = $1`,
    [videoId],
  );
  return rows[0];
}

async function assertCountersHold(videoId: number) {
  const c = await counters(videoId);
  assert.equal(c.comment_count, c.comments, 'comment_count equals the comments not deleted');
  assert.equal(c.wrong_threads, 0, 'every reply_count equals its replies');
}

describe('comments', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let other: User;
  let agent: Agent;
  let otherAgent: Agent;

  before(async () => {
    owner = await createUser();
    author = await createUser();
    other = await createUser();
    agent = await signedInAgent(t.app, author);
    otherAgent = await signedInAgent(t.app, other);
  });

  describe('POST /watch/:id/comments', () => {
    it('posts a comment shown on the watch page with the count, and redirects a form to it', async () => {
      const video = await createVideo(owner);
      const token = await tokenFor(agent, `/watch/${video.publicId}`);
      const res = await agent.post(`/watch/${video.publicId}/comments`).type('form').send({ _csrf: token, body: 'First!\nSecond line' });
      assert.equal(res.status, 303);
      assert.match(String(res.headers.location), new RegExp(`^/watch/${video.publicId}\\?sort=newest#comment-\\d+$`), 'a new comment is shown first in Newest');
      const page = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.match(page.text, /1 comment</);
      assert.match(page.text, /First!<br>\nSecond line/);
      assert.match(page.text, /Sign in to comment/);
      await assertCountersHold(video.id);
    });

    it('threads a reply to a reply into the same thread, starting with a mention of the person answered', async () => {
      const video = await createVideo(owner);
      const root = await postOk(agent, video, 'A root');
      const reply = await postOk(otherAgent, video, 'A reply', root);
      const replyToReply = await postOk(agent, video, 'Answering you', reply);
      assert.equal((await commentRow(reply)).thread_id, root);
      const deep = await commentRow(replyToReply);
      assert.equal(deep.thread_id, root, 'no deeper nesting');
      assert.equal(deep.reply_to_user_id, other.id);
      assert.equal(deep.body, `@${other.handle} Answering you`);
      assert.equal((await commentRow(root)).reply_count, 2);
      await assertCountersHold(video.id);

      const main = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.match(main.text, /2 replies/);
      assert.doesNotMatch(main.text, /Answering you/, 'replies are folded');
      const thread = await supertest(t.app).get(`/watch/${video.publicId}?thread=${root}`);
      assert.match(thread.text, new RegExp(`<a href="/@${other.handle}">@${other.handle}</a> Answering you`));
    });

    it('pages roots in Newest 20 at a time by keyset: inserts between pages repeat and skip nothing', async () => {
      const video = await createVideo(owner);
      const ids: number[] = [];
      for (let i = 0; i < 25; i++) ids.push(await postOk(agent, video, `Comment number ${i}.`));
      const first = await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`);
      const next = /\?sort=newest&amp;after=(\d+)#comments">More comments/.exec(first.text)?.[1];
      assert.ok(next, 'a link to the next page');
      await postOk(otherAgent, video, 'Posted while paging.');
      const second = await supertest(t.app).get(`/watch/${video.publicId}?sort=newest&after=${next}`);
      const shown = (html: string) => [...html.matchAll(/id="comment-(\d+)"/g)].map((m) => Number(m[1]));
      const seen = [...shown(first.text), ...shown(second.text)];
      assert.deepEqual(seen, [...ids].reverse(), 'every comment once, newest first');
      assert.doesNotMatch(second.text, /More comments/);
    });

    it('keeps comment_count and reply_count equal to the rows under parallel replies and deletes', async () => {
      const video = await createVideo(owner);
      const root = await postOk(agent, video, 'Busy thread');
      const posters = await Promise.all(Array.from({ length: 6 }, async () => signedInAgent(t.app, await createUser())));
      const ids = await Promise.all(posters.flatMap((p) => [1, 2, 3].map((n) => postOk(p, video, `Parallel reply ${n}`, root))));
      assert.equal((await commentRow(root)).reply_count, 18);
      await Promise.all(posters.map(async (p, i) => p.post(`/comments/${ids[i * 3]}/delete`).type('form').send({ _csrf: await tokenFor(p, '/') })));
      assert.equal((await commentRow(root)).reply_count, 12);
      await assertCountersHold(video.id);
    });

    it('answers replies racing the deletion of their thread with 201 or 404, never an error, counters intact', async () => {
      const video = await createVideo(owner);
      const posters = await Promise.all(Array.from({ length: 4 }, async () => signedInAgent(t.app, await createUser())));
      const tokens = await Promise.all(posters.map((p) => tokenFor(p, '/')));
      const authorToken = await tokenFor(agent, '/');
      for (let round = 0; round < 3; round++) {
        const root = await postOk(agent, video, `Short thread ${round}`);
        const first = await postOk(posters[0]!, video, `First reply ${round}`, root);
        const answers = await Promise.all([
          ...posters.map((p, i) => p.post(`/watch/${video.publicId}/comments`).set('Accept', 'application/json').type('form').send({ _csrf: tokens[i], body: `Racing ${round}`, parent: String(root) })),
          posters[0]!.post(`/comments/${first}/delete`).type('form').send({ _csrf: tokens[0] }),
          agent.post(`/comments/${root}/delete`).type('form').send({ _csrf: authorToken }),
        ]);
        for (const res of answers) assert.ok([200, 201, 303, 404].includes(res.status), `answered ${res.status}: ${res.text.slice(0, 200)}`);
        await assertCountersHold(video.id);
      }
    });

    it('pages replies 10 at a time, oldest first', async () => {
      const video = await createVideo(owner);
      const root = await postOk(agent, video, 'Root of many');
      const replies: number[] = [];
      for (let i = 0; i < 12; i++) replies.push(await postOk(otherAgent, video, `Reply ${i}.`, root));
      const first = await supertest(t.app).get(`/watch/${video.publicId}?thread=${root}`);
      const next = /after=(\d+)#comments">More replies/.exec(first.text)?.[1];
      assert.ok(next);
      const second = await supertest(t.app).get(`/watch/${video.publicId}?thread=${root}&after=${next}`);
      const shown = (html: string) => [...html.matchAll(/id="comment-(\d+)"/g)].map((m) => Number(m[1])).filter((id) => id !== root);
      assert.deepEqual([...shown(first.text), ...shown(second.text)], replies);
    });

    it('answers the same text from the same account within a minute with the first comment', async () => {
      const video = await createVideo(owner);
      const first = await post(agent, video, 'Double click');
      const again = await post(agent, video, 'Double click');
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.created, false);
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM comments WHERE video_id = $1', [video.id]);
      assert.equal(rows[0].n, 1);
      await assertCountersHold(video.id);
    });

    it('refuses empty and over-long text (422) and a body over the parser limit (413), writing nothing; takes 10,000 emoji', async () => {
      const video = await createVideo(owner);
      assert.equal((await post(agent, video, '   \n ')).status, 422);
      assert.equal((await post(agent, video, 'x'.repeat(10_001))).status, 422);
      assert.equal((await post(agent, video, '\u{1F600}'.repeat(10_001))).status, 422, 'counted in characters, not bytes');
      assert.equal((await post(agent, video, 'x'.repeat(140_000))).status, 413);
      const form = await agent.post(`/watch/${video.publicId}/comments`).type('form').send({ _csrf: await tokenFor(agent, '/'), body: '' });
      assert.equal(form.status, 422);
      assert.match(form.text, /Write something to post/);
      assert.equal((await post(agent, video, 'x'.repeat(10_000))).status, 201, '10,000 characters are allowed');
      assert.equal((await post(agent, video, '\u{1F600}'.repeat(10_000))).status, 201, '10,000 emoji too (about 120 kB as a form)');
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM comments WHERE video_id = $1', [video.id]);
      assert.equal(rows[0].n, 2);
    });

    it('renders hostile text inert: HTML, </script>, RTL override, zero-width joiners; links get nofollow ugc, timestamps seek', async () => {
      const video = await createVideo(owner, { durationSeconds: 300 });
      const hostile = '<img src=x onerror=alert(1)></script><script>alert(2)</script> \u202Eevil\u200D\u200D https://example.com/a?b=1&c=2 at 1:23 "quoted"';
      await postOk(agent, video, hostile);
      const page = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.doesNotMatch(page.text, /<img src=x/);
      assert.doesNotMatch(page.text, /<script>alert/);
      assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;&lt;\/script&gt;&lt;script&gt;/);
      assert.match(page.text, /<p class="comment-text" dir="auto">[^\n]*\u202Eevil/, 'the override stays inside an isolated paragraph');
      assert.match(page.text, /<a href="https:\/\/example.com\/a\?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">/);
      assert.match(page.text, new RegExp(`<a href="/watch/${video.publicId}\\?t=83" data-seek="83">1:23</a>`));
    });

    it('refuses a reply to a comment of another video (404)', async () => {
      const video = await createVideo(owner);
      const elsewhere = await createVideo(owner);
      const root = await postOk(agent, elsewhere, 'Elsewhere');
      assert.equal((await post(agent, video, 'Reply', root)).status, 404);
    });
  });

  describe('POST /comments/:id/edit', () => {
    it('changes the text, marks it edited and keeps the earlier version', async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Before');
      const token = await tokenFor(agent, `/watch/${video.publicId}`);
      const res = await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, body: 'After' });
      assert.equal(res.status, 303);
      const row = await commentRow(id);
      assert.equal(row.body, 'After');
      assert.ok(row.edited_at);
      const { rows } = await testPool().query('SELECT body FROM comment_revisions WHERE comment_id = $1', [id]);
      assert.deepEqual(rows.map((r) => r.body), ['Before']);
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /· edited/);
    });

    it("refuses someone else's comment (403) and empty text (422)", async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Mine');
      const token = await tokenFor(otherAgent, `/watch/${video.publicId}`);
      assert.equal((await otherAgent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, body: 'Yours now' })).status, 403);
      const mine = await tokenFor(agent, `/watch/${video.publicId}`);
      assert.equal((await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: mine, body: '' })).status, 422);
      assert.equal((await commentRow(id)).body, 'Mine');
    });
  });

  describe('POST /comments/:id/delete', () => {
    it('moves the thread reply_count when a reply goes', async () => {
      const video = await createVideo(owner);
      const root = await postOk(agent, video, 'Root');
      const reply = await postOk(otherAgent, video, 'Reply', root);
      await postOk(otherAgent, video, 'Another', root);
      await otherAgent.post(`/comments/${reply}/delete`).type('form').send({ _csrf: await tokenFor(otherAgent, '/') });
      assert.equal((await commentRow(root)).reply_count, 1);
      await assertCountersHold(video.id);
    });

    const remove = async (who: Agent, video: Video, id: number) =>
      who.post(`/comments/${id}/delete`).type('form').send({ _csrf: await tokenFor(who, `/watch/${video.publicId}`) });

    it('removes a comment without replies, keeps one with replies as [deleted] until its last reply goes', async () => {
      const video = await createVideo(owner);
      const lonely = await postOk(agent, video, 'Lonely');
      const root = await postOk(agent, video, 'Has replies');
      const reply = await postOk(otherAgent, video, 'A reply', root);
      assert.equal((await remove(agent, video, lonely)).status, 303);
      assert.equal(await commentRow(lonely), undefined);
      assert.equal((await remove(agent, video, root)).status, 303);
      const kept = await commentRow(root);
      assert.ok(kept.deleted_at);
      assert.equal(kept.body, '');
      await assertCountersHold(video.id);
      const page = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.match(page.text, /\[deleted\]/);
      assert.match(page.text, /1 reply/);
      assert.match(page.text, /1 comment</);
      // The last reply removed: the "[deleted]" root, kept only for it, goes too.
      assert.equal((await remove(otherAgent, video, reply)).status, 303);
      assert.equal(await commentRow(root), undefined);
      await assertCountersHold(video.id);
      assert.doesNotMatch((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /\[deleted\]/);
    });

    it("refuses someone else's comment (403), and a deleted one is gone (404)", async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Keep me');
      assert.equal((await remove(otherAgent, video, id)).status, 403);
      assert.ok(await commentRow(id));
      await remove(agent, video, id);
      assert.equal((await remove(agent, video, id)).status, 404);
    });
  });

  describe('POST /comments/:id/rate', () => {
    const rate = async (who: Agent, id: number, value: string) =>
      who.post(`/comments/${id}/rate`).set('Accept', 'application/json').type('form').send({ _csrf: await tokenFor(who, '/'), value });
    const likeCounts = async (id: number) => (await testPool().query(
      `SELECT c.like_count, c.dislike_count,
         (SELECT count(*)::int FROM comment_ratings r WHERE r.comment_id = c.id AND r.value = 1) AS likes,
         (SELECT count(*)::int FROM comment_ratings r WHERE r.comment_id = c.id AND r.value = -1) AS dislikes
       FROM comments c WHERE c.id = $1`,
      [id],
    )).rows[0];

    it('likes once per account, switches to a dislike, takes it back; the page shows likes only', async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Like me');
      assert.equal((await rate(otherAgent, id, 'like')).body.likes, 1);
      assert.equal((await rate(otherAgent, id, 'like')).body.likes, 1, 'a second like from the same account changes nothing');
      assert.match((await otherAgent.get(`/watch/${video.publicId}`)).text, /1 like<\/span>[\s\S]*aria-pressed="true">Like/);
      assert.equal((await rate(otherAgent, id, 'dislike')).body.likes, 0);
      assert.deepEqual(await likeCounts(id), { like_count: 0, dislike_count: 1, likes: 0, dislikes: 1 });
      await rate(otherAgent, id, 'none');
      assert.deepEqual(await likeCounts(id), { like_count: 0, dislike_count: 0, likes: 0, dislikes: 0 });
      const form = await otherAgent.post(`/comments/${id}/rate`).type('form').send({ _csrf: await tokenFor(otherAgent, '/'), value: 'like' });
      assert.equal(form.status, 303);
    });

    it('keeps the counters equal to the rows under many parallel clicks', async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Popular');
      const raters = await Promise.all(Array.from({ length: 8 }, async () => signedInAgent(t.app, await createUser())));
      const tokens = await Promise.all(raters.map((r) => tokenFor(r, '/')));
      const values = ['like', 'dislike', 'none', 'like'];
      await Promise.all(raters.flatMap((r, i) => values.map((value, j) =>
        r.post(`/comments/${id}/rate`).set('Accept', 'application/json').type('form').send({ _csrf: tokens[i], value: values[(i + j) % values.length] }))));
      const counts = await likeCounts(id);
      assert.equal(counts.like_count, counts.likes);
      assert.equal(counts.dislike_count, counts.dislikes);
    });

    it('refuses a deleted comment (404 once removed) and a bad value (400)', async () => {
      const video = await createVideo(owner);
      const id = await postOk(agent, video, 'Short-lived');
      assert.equal((await rate(otherAgent, id, 'love')).status, 400);
      await agent.post(`/comments/${id}/delete`).type('form').send({ _csrf: await tokenFor(agent, '/') });
      assert.equal((await rate(otherAgent, id, 'like')).status, 404);
    });
  });

  describe('who sees what', () => {
    it("never shows a private video's comments to strangers, nor lets them reply or change them", async () => {
      const video = await createVideo(owner, { visibility: 'private' });
      const ownerAgent = await signedInAgent(t.app, owner);
      const id = await postOk(ownerAgent, video, 'Private words');
      assert.match((await ownerAgent.get(`/watch/${video.publicId}`)).text, /Private words/);
      const stranger = await supertest(t.app).get(`/watch/${video.publicId}?thread=${id}`);
      assert.equal(stranger.status, 404);
      assert.doesNotMatch(stranger.text, /Private words/);
      assert.equal((await post(otherAgent, video, 'Let me in', id)).status, 404);
      const token = await tokenFor(otherAgent, '/');
      assert.equal((await otherAgent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, body: 'x' })).status, 404);
      assert.equal((await otherAgent.post(`/comments/${id}/delete`).type('form').send({ _csrf: token })).status, 404);
    });

    it('hides the comments of a banned author', async () => {
      const video = await createVideo(owner);
      const troll = await createUser();
      const trollAgent = await signedInAgent(t.app, troll);
      const id = await postOk(trollAgent, video, 'Troll text');
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /Troll text/);
      await banUser(troll);
      const page = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.doesNotMatch(page.text, /Troll text/);
      assert.doesNotMatch(page.text, new RegExp(`comment-${id}"`));
      assert.equal((await post(agent, video, 'Reply to the troll', id)).status, 404);
    });
  });

  describe('page cache', () => {
    const cached = useTestApp({ PAGE_CACHE_SECONDS: '30' });

    it('shows a new comment to signed-out visitors at once: a comment post empties the kept pages', async () => {
      const video = await createVideo(owner);
      const before = await supertest(cached.app).get(`/watch/${video.publicId}`);
      assert.match(before.text, /0 comments/);
      const who = await signedInAgent(cached.app, await createUser());
      const token = await tokenFor(who, '/');
      assert.equal((await who.post(`/watch/${video.publicId}/comments`).type('form').send({ _csrf: token, body: 'Fresh words' })).status, 303);
      const after = await supertest(cached.app).get(`/watch/${video.publicId}`);
      assert.match(after.text, /Fresh words/);
    });
  });

  describe('limits', () => {
    const limited = useTestApp({ COMMENTS_PER_MINUTE: '2', COMMENTS_PER_DAY: '1000' });

    it('answers 429 past the per-minute limit, and a refused form does not count', async () => {
      const video = await createVideo(owner);
      const user = await createUser();
      const who = await signedInAgent(limited.app, user);
      const send = async (body: string) =>
        who.post(`/watch/${video.publicId}/comments`).set('Accept', 'application/json').type('form').send({ _csrf: await tokenFor(who, '/'), body });
      assert.equal((await send('')).status, 422);
      assert.equal((await send('one')).status, 201);
      assert.equal((await send('two')).status, 201);
      const third = await send('three');
      assert.equal(third.status, 429);
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM comments WHERE author_id = $1', [user.id]);
      assert.equal(rows[0].n, 2);
    });
  });
});
