import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function comment(video: Video, author: User, body: string, options: { parent?: number; held?: boolean } = {}): Promise<number> {
  const parent = options.parent ? await findComment(testPool(), options.parent) : null;
  return (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent, held: options.held ?? false }))!.id;
}

async function row(id: number): Promise<{ held: boolean; body: string; deleted_at: Date | null; reply_count: number } | undefined> {
  return (await testPool().query('SELECT held, body, deleted_at, reply_count FROM comments WHERE id = $1', [id])).rows[0];
}

const counts = async (video: Video) => (await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id])).rows[0].comment_count as number;

/** The comment ids the inbox page lists, in order. */
function listed(html: string): number[] {
  return [...html.matchAll(/<li class="comment" id="inbox-(\d+)"/g)].map((m) => Number(m[1]));
}

/** A form post with repeated fields (the ticked checkboxes), as a browser sends it. */
async function postBulk(agent: Agent, fields: [string, string][]) {
  const body = [['_csrf', await tokenFor(agent, '/settings')] as [string, string], ...fields].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return agent.post('/studio/comments/bulk').type('form').send(body);
}

describe('the studio’s comments inbox', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let ownerAgent: Agent;
  let author: User;
  let stranger: User;
  let strangerAgent: Agent;

  beforeEach(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    author = await createUser();
    stranger = await createUser();
    strangerAgent = await signedInAgent(t.app, stranger);
  });

  it('sends a signed-out visitor to sign in', async () => {
    assertSignIn(await supertest(t.app).get('/studio/comments'), '/studio/comments');
    assertSignIn(await postForm(await anonymousAgent(t.app), '/studio/comments/bulk', { action: 'approve', ids: '1' }));
  });

  it('lists every comment and reply on my videos, newest first, with its video, author, linkified text and state; nobody else’s', async () => {
    const video = await createVideo(owner, { title: 'My <b>video</b>', visibility: 'private' });
    const other = await createVideo(owner, { title: 'Second video' });
    const root = await comment(video, author, 'First at https://example.com/x <i>hi</i>');
    const reply = await comment(video, author, 'A held reply', { parent: root, held: true });
    const later = await comment(other, owner, 'My own comment');
    const onTheirs = await comment(await createVideo(stranger), author, 'On a stranger’s video');
    const banned = await createUser();
    await comment(video, banned, 'From an account banned later');
    await banUser(banned);
    const page = await ownerAgent.get('/studio/comments');
    assert.equal(page.status, 200);
    assert.deepEqual(listed(page.text), [later, reply, root]);
    assert.match(page.text, new RegExp(`href="/watch/${video.publicId}\\?thread=${root}#comment-${reply}">My &lt;b&gt;video&lt;/b&gt;</a>`), 'a reply links into its thread');
    assert.match(page.text, new RegExp(`href="/watch/${video.publicId}\\?thread=${root}#comment-${root}"`), 'a root opens as its thread');
    assert.match(page.text, /<a href="https:\/\/example.com\/x" rel="nofollow ugc noopener noreferrer">/);
    assert.match(page.text, /&lt;i&gt;hi&lt;\/i&gt;/);
    assert.match(page.text, /1 comment waiting for your review/);
    assert.match(page.text, /Held for review/);
    assert.match(page.text, /aria-label="Studio"[\s\S]*href="\/studio\/comments" aria-current="page"/, 'the studio nav links the inbox');
    // The stranger's inbox has their video's comment and nothing of mine.
    assert.deepEqual(listed((await strangerAgent.get('/studio/comments')).text), [onTheirs]);
  });

  it('filters held and published, and pages newest first by a keyset that new comments do not shift', async () => {
    const video = await createVideo(owner);
    const ids: number[] = [];
    for (let i = 0; i < 53; i++) ids.push(await comment(video, author, `Comment ${i}`, { held: i % 2 === 0 }));
    const newestFirst = [...ids].reverse();
    const first = await ownerAgent.get('/studio/comments');
    assert.deepEqual(listed(first.text), newestFirst.slice(0, 50));
    const next = /<a rel="next" href="([^"]+)"/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    assert.equal(next, `/studio/comments?after=${newestFirst[49]}`);
    await comment(video, author, 'Posted while paging');
    assert.deepEqual(listed((await ownerAgent.get(next)).text), newestFirst.slice(50));
    const held = listed((await ownerAgent.get('/studio/comments?state=held')).text);
    assert.deepEqual(held, newestFirst.filter((id) => ids.indexOf(id) % 2 === 0).slice(0, 50));
    const published = listed((await ownerAgent.get('/studio/comments?state=published')).text);
    assert.deepEqual(published.slice(1), newestFirst.filter((id) => ids.indexOf(id) % 2 === 1));
    // Unknown filters and cursors read as the defaults, never an error.
    for (const query of ['?state=nonsense', '?after=abc', '?after=-1', '?state[]=held', `?after=${'9'.repeat(30)}`]) assert.equal((await ownerAgent.get(`/studio/comments${query}`)).status, 200, query);
  });

  it('approves and rejects one comment, moving the counters as the watch page does, back to the same place', async () => {
    const video = await createVideo(owner);
    const root = await comment(video, author, 'Root');
    const heldReply = await comment(video, author, 'Held reply', { parent: root, held: true });
    const heldRoot = await comment(video, author, 'Held root', { held: true });
    assert.equal(await counts(video), 1);
    const approved = await postForm(ownerAgent, `/studio/comments/${heldReply}/approve`, { state: 'held' });
    assert.equal(approved.status, 303);
    assert.equal(approved.headers.location, '/studio/comments?state=held');
    assert.equal((await row(heldReply))!.held, false);
    assert.equal((await row(root))!.reply_count, 1);
    assert.equal(await counts(video), 2);
    // Resubmitted: nothing more moves.
    assert.equal((await postForm(ownerAgent, `/studio/comments/${heldReply}/approve`)).status, 303);
    assert.equal(await counts(video), 2);
    const rejected = await postForm(ownerAgent, `/studio/comments/${heldRoot}/reject`);
    assert.equal(rejected.status, 303);
    assert.equal(rejected.headers.location, '/studio/comments');
    assert.equal(await row(heldRoot), undefined);
    assert.equal(await counts(video), 2, 'a held comment was never counted');
    // Rejecting a published root with replies keeps it as "[deleted]", as deleteComment does.
    assert.equal((await postForm(ownerAgent, `/studio/comments/${root}/reject`)).status, 303);
    assert.ok((await row(root))!.deleted_at);
    assert.equal(await counts(video), 1);
  });

  it('refuses one comment to others: 404 when they may not see it (held, private video), 403 when they may', async () => {
    const video = await createVideo(owner);
    const shown = await comment(video, author, 'Shown');
    const held = await comment(video, author, 'Held', { held: true });
    const hidden = await comment(await createVideo(owner, { visibility: 'private' }), author, 'On a private video');
    for (const action of ['approve', 'reject']) {
      assert.equal((await postForm(strangerAgent, `/studio/comments/${shown}/${action}`)).status, 403, action);
      assert.equal((await postForm(strangerAgent, `/studio/comments/${held}/${action}`)).status, 404, action);
      assert.equal((await postForm(strangerAgent, `/studio/comments/${hidden}/${action}`)).status, 404, action);
      // The author of a comment on my video is not its reviewer either.
      assert.equal((await postForm(await signedInAgent(t.app, author), `/studio/comments/${held}/${action}`)).status, 403, action);
    }
    assert.equal((await row(held))!.held, true);
    assert.ok(await row(shown));
  });

  it('approves and rejects in bulk; ids not on my videos are reported and never touched, my own comments elsewhere included', async () => {
    const video = await createVideo(owner);
    const a = await comment(video, author, 'Held a', { held: true });
    const b = await comment(video, author, 'Held b', { held: true });
    const published = await comment(video, author, 'Published');
    const theirs = await comment(await createVideo(stranger), author, 'Held on a stranger’s video', { held: true });
    const mineElsewhere = await comment(await createVideo(stranger), owner, 'My comment on a stranger’s video');
    const approved = await postBulk(ownerAgent, [['action', 'approve'], ['ids', String(a)], ['ids', String(b)], ['ids', String(published)], ['ids', String(theirs)], ['ids', '999999999'], ['state', 'held']]);
    assert.equal(approved.status, 303);
    assert.equal(approved.headers.location, '/studio/comments?state=held');
    assert.equal((await row(a))!.held, false);
    assert.equal((await row(b))!.held, false);
    assert.equal((await row(theirs))!.held, true, 'another creator’s held comment is untouched');
    assert.equal(await counts(video), 3);
    const report = (await ownerAgent.get('/studio/comments')).text;
    assert.match(report, /2 comments approved/);
    assert.match(report, /1 comment left as it was \(already published\)/);
    assert.match(report, new RegExp(`not comments on your videos[^<]*#${theirs}, #999999999`));
    const rejected = await postBulk(ownerAgent, [['action', 'reject'], ['ids', String(a)], ['ids', String(theirs)], ['ids', String(mineElsewhere)]]);
    assert.equal(rejected.status, 303);
    assert.equal(await row(a), undefined);
    assert.ok(await row(theirs), 'another creator’s comment is never removed');
    assert.ok(await row(mineElsewhere), 'my own comment under another’s video is not the inbox’s to remove');
    assert.equal(await counts(video), 2);
  });

  it('refuses a bulk form without an action, without ids, with malformed or too many ids (422), writing nothing', async () => {
    const video = await createVideo(owner);
    const held = await comment(video, author, 'Held', { held: true });
    for (const fields of <[string, string][][]>[
      [['ids', String(held)]],
      [['action', 'publish'], ['ids', String(held)]],
      [['action', 'approve']],
      [['action', 'approve'], ['ids', 'abc']],
      [['action', 'approve'], ['ids', String(held)], ['ids', '-1']],
      [['action', 'approve'], ...Array.from({ length: 51 }, (_, i): [string, string] => ['ids', String(held + i)])],
    ]) {
      const res = await postBulk(ownerAgent, fields);
      assert.equal(res.status, 422, JSON.stringify(fields).slice(0, 60));
    }
    assert.equal((await row(held))!.held, true);
  });

  it('shows the creator a thread’s held replies when opening it, and no one else (the "N replies" link counts published ones)', async () => {
    const video = await createVideo(owner);
    const root = await comment(video, author, 'Root');
    const held = await comment(video, stranger, 'Held reply', { parent: root, held: true });
    const inbox = (await ownerAgent.get('/studio/comments?state=held')).text;
    const href = new RegExp(`href="(/watch/${video.publicId}\\?thread=${root}#comment-${held})"`).exec(inbox)![1]!;
    const thread = await ownerAgent.get(href.replace(/#.*/, ''));
    assert.match(thread.text, new RegExp(`id="comment-${held}"`));
    assert.match(thread.text, /waiting for review/);
    assert.doesNotMatch((await supertest(t.app).get(href.replace(/#.*/, ''))).text, new RegExp(`id="comment-${held}"`));
    assert.doesNotMatch((await signedInAgent(t.app, author).then((a) => a.get(href.replace(/#.*/, '')))).text, new RegExp(`id="comment-${held}"`));
  });

  it('keeps a root whose replies are all held as "[deleted]" when deleted, and removes it with its last reply', async () => {
    const video = await createVideo(owner);
    const root = await comment(video, author, 'Root');
    const held = await comment(video, stranger, 'Held reply', { parent: root, held: true });
    assert.equal((await row(root))!.reply_count, 0);
    assert.equal((await postForm(await signedInAgent(t.app, author), `/comments/${root}/delete`)).status, 303);
    const kept = await row(root);
    assert.ok(kept?.deleted_at, 'kept as "[deleted]" for its held reply');
    assert.equal(kept!.body, '');
    assert.ok(await row(held), 'the held reply is still there to review');
    assert.equal(await counts(video), 0);
    // The creator approves it: it is shown under the "[deleted]" root.
    assert.equal((await postForm(ownerAgent, `/studio/comments/${held}/approve`)).status, 303);
    assert.equal((await row(root))!.reply_count, 1);
    assert.equal(await counts(video), 1);
    // Its last reply removed, the "[deleted]" root goes too.
    assert.equal((await postForm(ownerAgent, `/studio/comments/${held}/reject`)).status, 303);
    assert.equal(await row(held), undefined);
    assert.equal(await row(root), undefined);
    // Rejecting the last held reply of a "[deleted]" root takes the root with it as well.
    const root2 = await comment(video, author, 'Root 2');
    const held2 = await comment(video, stranger, 'Held 2', { parent: root2, held: true });
    await postForm(await signedInAgent(t.app, author), `/comments/${root2}/delete`);
    assert.ok((await row(root2))?.deleted_at);
    await postForm(ownerAgent, `/studio/comments/${held2}/reject`);
    assert.equal(await row(root2), undefined);
    assert.equal(await counts(video), 0);
  });

  it('shows the comment count of each video in the studio list', async () => {
    const video = await createVideo(owner, { title: 'Counted' });
    await comment(video, author, 'One');
    await comment(video, author, 'Two');
    await comment(video, author, 'Held', { held: true });
    const page = (await ownerAgent.get('/studio')).text;
    assert.match(page, /<th scope="col">Comments<\/th>/);
    const rowHtml = page.slice(page.indexOf('>Counted</a>'));
    assert.match(rowHtml.slice(0, rowHtml.indexOf('</tr>')), /<td>2<\/td>\s*<\/tr>|<td>2<\/td>\s*$/);
  });
});
