import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function comment(video: Video, author: User, body: string, options: { parent?: number; held?: boolean } = {}): Promise<number> {
  const parent = options.parent ? await findComment(testPool(), options.parent) : null;
  return (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent, held: options.held }))!.id;
}

/** The ids of the comments listed on a "my comments" page, in page order. */
function listed(html: string): number[] {
  return [...html.matchAll(/<li class="comment" id="my-comment-(\d+)"/g)].map((m) => Number(m[1]));
}

function nextLink(html: string): string | null {
  return /<a href="(\/settings\/comments\?after=[^"]+)">Older comments<\/a>/.exec(html)?.[1] ?? null;
}

describe('GET /settings/comments', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;

  before(async () => {
    owner = await createUser();
  });

  it('sends signed-out visitors to sign in', async () => {
    const res = await supertest(t.app).get('/settings/comments');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/login?next=${encodeURIComponent('/settings/comments')}`);
  });

  it('lists my comments newest first, 20 a page, each once even when many share a time; others\' comments never', async () => {
    const me = await createUser();
    const agent = await signedInAgent(t.app, me);
    const video = await createVideo(owner);
    const ids: number[] = [];
    for (let i = 0; i < 45; i++) ids.push(await comment(video, me, `Mine ${i}`));
    await comment(video, owner, 'Not mine');
    // Ten of them at the very same moment: the id breaks the tie, so no page repeats or skips one.
    await testPool().query(`UPDATE comments SET created_at = '2026-01-01T00:00:00.123456Z' WHERE id = ANY($1)`, [ids.slice(15, 25)]);
    const expected = (await testPool().query('SELECT id FROM comments WHERE author_id = $1 ORDER BY created_at DESC, id DESC', [me.id])).rows.map((r) => r.id);
    const seen: number[] = [];
    let path: string | null = '/settings/comments';
    let pages = 0;
    while (path) {
      const page = await agent.get(path);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /Not mine/);
      seen.push(...listed(page.text));
      path = nextLink(page.text);
      pages += 1;
      // A comment posted while paging comes before the cursor: it changes no later page.
      if (pages === 1) await comment(video, me, 'Posted while paging');
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected);
  });

  it('shows each state: published with a link to the comment, waiting for review, removed by a moderator with the reason', async () => {
    const me = await createUser();
    const agent = await signedInAgent(t.app, me);
    const moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const video = await createVideo(owner, { title: 'A video about <tags>' });
    const root = await comment(video, owner, 'Their root');
    const reply = await comment(video, me, 'My reply', { parent: root });
    const held = await comment(video, me, 'My held one', { held: true });
    const removed = await comment(video, me, 'My removed one');
    assert.equal((await postForm(moderatorAgent, `/comments/${removed}/remove`, { reason: 'harassment', note: 'Internal: only moderators read this' })).status, 303);
    const page = await agent.get('/settings/comments');
    assert.deepEqual(listed(page.text), [removed, held, reply]);
    assert.match(page.text, new RegExp(`<a href="/watch/${video.publicId}\\?thread=${root}#comment-${reply}">View reply</a>`));
    assert.match(page.text, /On “<a href="\/watch\/[^"]+">A video about &lt;tags&gt;<\/a>”/);
    assert.match(page.text, /Waiting for review/);
    assert.match(page.text, /Removed by a moderator<\/span> <span>Reason: Harassment or bullying<\/span>/);
    assert.match(page.text, /My removed one/, 'the author sees what was removed');
    assert.doesNotMatch(page.text, /Internal: only moderators/, 'the moderator\'s note is not shown to the author');
    assert.match(page.text, /aria-current="page">Comments</);
  });

  it('never shows the title of a video I may no longer see: private, deleted, or its owner banned', async () => {
    const me = await createUser();
    const agent = await signedInAgent(t.app, me);
    const moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const bannedOwner = await createUser();
    const madePrivate = await createVideo(owner, { title: 'Secret title one' });
    const deleted = await createVideo(owner, { title: 'Secret title two' });
    const ownerBanned = await createVideo(bannedOwner, { title: 'Secret title three' });
    const unlisted = await createVideo(owner, { title: 'Unlisted but linked', visibility: 'unlisted' });
    const mine = await createVideo(me, { title: 'My own private video', visibility: 'private' });
    await comment(madePrivate, me, 'On the one made private');
    const removedThere = await comment(deleted, me, 'Removed, then its video deleted');
    assert.equal((await postForm(moderatorAgent, `/comments/${removedThere}/remove`, { reason: 'spam' })).status, 303);
    await comment(ownerBanned, me, 'On the banned owner\'s video');
    await comment(unlisted, me, 'On the unlisted one');
    await comment(mine, me, 'On my own private one');
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [madePrivate.id]);
    await testPool().query('DELETE FROM videos WHERE id = $1', [deleted.id]);
    await banUser(bannedOwner);
    const page = await agent.get('/settings/comments');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /Secret title/);
    for (const hidden of [madePrivate, deleted, ownerBanned]) assert.ok(!page.text.includes(hidden.publicId), 'no link to a hidden video either');
    assert.equal(page.text.match(/On a video that is no longer available/g)?.length, 3);
    assert.match(page.text, /Unlisted but linked/);
    assert.match(page.text, /My own private video/);
  });
});
