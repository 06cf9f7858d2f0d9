import assert from 'node:assert/strict';
import { MAX_MENTIONS_PER_COMMENT } from '../../src/notifications/comment-notices.js';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';
import { countAbout, madeFor, onlyOf, postComment, shown } from './notices.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('notifications of comments: replies, mentions, comments on my video (issue 14, items 1, 2 and 7)', function () {
  this.timeout(60_000);
  const t = useTestApp();
  interface Person { user: User; agent: Agent }
  let owner: Person, ana: Person, ben: Person, cat: Person, dan: Person;
  let moderator: Agent;
  const person = async (name: string): Promise<Person> => {
    const user = await createUser({ displayName: name });
    return { user, agent: await signedInAgent(t.app, user) };
  };

  before(async () => {
    [owner, ana, ben, cat, dan] = [await person('Owner'), await person('Ana'), await person('Ben'), await person('Cat'), await person('Dan')];
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  after(() => resetSiteSettings(t));

  describe('comment_reply and video_comment', () => {
    it('tells the author of the comment replied to, and the video\'s owner, grouping a burst as "Cat and 1 other"', async () => {
      const video = await createVideo(owner.user, { title: 'Bread at home' });
      const root = await postComment(ana.agent, video.publicId, 'Lovely crust.');
      const benReply = await postComment(ben.agent, video.publicId, 'Agreed!', root);
      const reply = await onlyOf(ana.user, 'comment_reply', video.id);
      assert.deepEqual({ actor: reply.actorId, video: reply.videoId, comment: reply.commentId, key: reply.groupKey }, { actor: ben.user.id, video: video.id, comment: benReply, key: `comment_reply:${root}` });
      assert.equal((await shown(reply.id)).text, 'Ben replied to your comment on “Bread at home”');

      const catReply = await postComment(cat.agent, video.publicId, 'Same here.', root);
      const grouped = await shown((await onlyOf(ana.user, 'comment_reply', video.id)).id);
      assert.equal(grouped.text, 'Cat and 1 other replied to your comment on “Bread at home”');
      assert.equal(grouped.comment?.id, catReply, 'it points at the newest reply');
      assert.equal(grouped.quote, 'Same here.');

      const onVideo = await onlyOf(owner.user, 'video_comment', video.id);
      assert.equal(onVideo.groupKey, `video_comment:${video.id}`);
      assert.equal((await shown(onVideo.id)).text, 'Cat and 2 others commented on your video “Bread at home”', 'roots and replies alike');
      assert.deepEqual((await madeFor(ben.user)).filter((n) => n.videoId === video.id).map((n) => n.kind), [], 'a replier is not told of the next reply to someone else');
    });

    it('tells the person a reply to a reply names, once (its "@handle" is the reply, not a mention too), not the root\'s author', async () => {
      const video = await createVideo(owner.user);
      const root = await postComment(ana.agent, video.publicId, 'First!');
      const benReply = await postComment(ben.agent, video.publicId, 'Second.', root);
      const before = (await madeFor(ana.user)).filter((n) => n.videoId === video.id).length;
      const danReply = await postComment(dan.agent, video.publicId, 'No, third.', benReply);
      const told = (await madeFor(ben.user)).filter((n) => n.commentId === danReply);
      assert.deepEqual(told.map((n) => [n.kind, n.actorId]), [['comment_reply', dan.user.id]]);
      assert.equal((await madeFor(ana.user)).filter((n) => n.videoId === video.id).length, before, 'the root\'s author is not told of a reply to someone else');
    });

    it('queues the reader\'s mail with the notification when they chose mail and confirmed their address', async () => {
      const reader = await createUser({ email: `reply-${Date.now()}@example.test` });
      await testPool().query('UPDATE users SET email_confirmed_at = now() WHERE id = $1', [reader.id]);
      const video = await createVideo(owner.user);
      const root = await postComment(await signedInAgent(t.app, reader), video.publicId, 'Tell me by mail.');
      await postComment(ben.agent, video.publicId, 'A reply to mail.', root);
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.mail' AND (data ->> 'userId')::bigint = $1`, [reader.id]);
      assert.equal(rows[0].n, 1, 'comment_reply is mailed by default');
      assert.equal((await onlyOf(reader, 'comment_reply', video.id)).actorId, ben.user.id);
    });

    it('never tells anyone of their own act: the owner\'s comment on their own video, a reply to one\'s own comment', async () => {
      const video = await createVideo(owner.user);
      const root = await postComment(owner.agent, video.publicId, `My own video, @${owner.user.handle}.`);
      await postComment(owner.agent, video.publicId, 'And my own reply.', root);
      assert.equal(await countAbout({ videoId: video.id }), 0);
    });

    it('tells a resubmitted comment once', async () => {
      const video = await createVideo(owner.user);
      const root = await postComment(ana.agent, video.publicId, 'Resubmitted once.');
      assert.equal(await postComment(ana.agent, video.publicId, 'Resubmitted once.'), root);
      assert.equal((await shown((await onlyOf(owner.user, 'video_comment', video.id)).id)).actorCount, 1);
      assert.equal(await countAbout({ commentId: root }), 1);
    });
  });

  describe('mention', () => {
    it('tells each @handle once, not the author, not an address like a@handle.com, at most 10 handles', async () => {
      const video = await createVideo(owner.user, { title: 'Knots' });
      const id = await postComment(ana.agent, video.publicId, `@${ben.user.handle} look, and @${cat.user.handle.toUpperCase()} too; @${ben.user.handle} again. Mail ${dan.user.handle}@example.com or me@${dan.user.handle}.com. I am @${ana.user.handle}.`);
      for (const who of [ben, cat]) {
        const mention = await onlyOf(who.user, 'mention', video.id);
        assert.deepEqual({ actor: mention.actorId, video: mention.videoId, comment: mention.commentId }, { actor: ana.user.id, video: video.id, comment: id });
        assert.equal((await shown(mention.id)).text, 'Ana mentioned you in a comment on “Knots”');
      }
      assert.deepEqual((await madeFor(dan.user)).filter((n) => n.videoId === video.id), [], 'an email address is not a mention');
      assert.equal((await madeFor(ana.user)).filter((n) => n.videoId === video.id).length, 0);

      const many = [];
      for (let i = 0; i <= MAX_MENTIONS_PER_COMMENT; i++) many.push(await createUser());
      const crowd = await postComment(ana.agent, video.publicId, many.map((u) => `@${u.handle}`).join(' '));
      const told = [];
      for (const u of many) told.push((await madeFor(u)).filter((n) => n.commentId === crowd).length);
      assert.deepEqual(told, [...Array(MAX_MENTIONS_PER_COMMENT).fill(1), 0], 'the first ten handles only');
    });

    it('tells the video\'s owner mentioned by the mention alone, and on an edit only the handles newly added', async () => {
      const video = await createVideo(owner.user);
      const id = await postComment(cat.agent, video.publicId, `Hello @${owner.user.handle} and @${ben.user.handle}`);
      assert.deepEqual((await madeFor(owner.user)).filter((n) => n.commentId === id).map((n) => n.kind), ['mention'], 'one notification per person for one comment');
      const res = await postForm(cat.agent, `/comments/${id}/edit`, { body: `Hello @${owner.user.handle}, @${ben.user.handle} and @${dan.user.handle}` });
      assert.equal(res.status, 303);
      assert.equal((await madeFor(ben.user)).filter((n) => n.commentId === id).length, 1, 'not told twice');
      assert.equal((await onlyOf(dan.user, 'mention', video.id)).commentId, id);
      assert.equal((await madeFor(owner.user)).filter((n) => n.videoId === video.id).length, 1);
      // Removing a mention and putting it back is not a new mention.
      await postForm(cat.agent, `/comments/${id}/edit`, { body: 'Hello all' });
      await postForm(cat.agent, `/comments/${id}/edit`, { body: `Hello @${dan.user.handle}` });
      assert.equal((await madeFor(dan.user)).filter((n) => n.commentId === id).length, 1);
    });
    it('tells at most 10 people over a comment\'s whole life: edits naming new handles again and again tell nobody past the tenth', async () => {
      const video = await createVideo(owner.user);
      const crowd = [];
      for (let i = 0; i < 3 * 6; i++) crowd.push(await createUser());
      const id = await postComment(ana.agent, video.publicId, crowd.slice(0, 6).map((u) => `@${u.handle}`).join(' '));
      for (const round of [1, 2]) {
        const res = await postForm(ana.agent, `/comments/${id}/edit`, { body: crowd.slice(round * 6, round * 6 + 6).map((u) => `@${u.handle}`).join(' ') });
        assert.equal(res.status, 303);
      }
      const told = [];
      for (const u of crowd) told.push((await madeFor(u)).filter((n) => n.commentId === id).length);
      assert.deepEqual(told, [...Array(MAX_MENTIONS_PER_COMMENT).fill(1), ...Array(18 - MAX_MENTIONS_PER_COMMENT).fill(0)]);
    });
  });

  describe('never leak (item 2)', () => {
    it('does not tell a commenter of a reply on a video made private since', async () => {
      const video = await createVideo(owner.user);
      const root = await postComment(ana.agent, video.publicId, 'Will it stay up?');
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [video.id]);
      await postComment(owner.agent, video.publicId, 'It will not.', root);
      assert.deepEqual((await madeFor(ana.user)).filter((n) => n.videoId === video.id), []);
    });

    it('tells a mention on an unlisted video (its link is enough), not on a private one', async () => {
      const unlisted = await createVideo(owner.user, { visibility: 'unlisted' });
      const privateVideo = await createVideo(owner.user, { visibility: 'private' });
      await postComment(owner.agent, unlisted.publicId, `@${cat.user.handle} have a look`);
      await postComment(owner.agent, privateVideo.publicId, `@${cat.user.handle} have a look`);
      assert.equal((await madeFor(cat.user)).filter((n) => n.videoId === unlisted.id).length, 1);
      assert.equal(await countAbout({ videoId: privateVideo.id }), 0);
    });

    it('tells a banned account nothing', async () => {
      const banned = await createUser();
      const video = await createVideo(banned);
      const someone = await createUser();
      const agent = await signedInAgent(t.app, someone);
      const mine = await createVideo(owner.user);
      const theirs = await postComment(await signedInAgent(t.app, banned), mine.publicId, 'Before my ban.');
      await banUser(banned);
      await postComment(agent, mine.publicId, `@${banned.handle} hello`);
      await postComment(agent, mine.publicId, 'A reply.', theirs).catch(() => null);
      assert.equal((await madeFor(banned)).length, 0);
      assert.equal(await countAbout({ videoId: video.id }), 0);
    });

    it('makes nothing for a refused comment (an empty one, a reply to a comment of another video)', async () => {
      const video = await createVideo(owner.user);
      const other = await createVideo(owner.user);
      const elsewhere = await postComment(ben.agent, other.publicId, 'Elsewhere.');
      const before = (await madeFor(owner.user)).length;
      assert.equal((await postForm(ana.agent, `/watch/${video.publicId}/comments`, { body: '   ' })).status, 422);
      assert.equal((await postForm(ana.agent, `/watch/${video.publicId}/comments`, { body: `@${ben.user.handle} hi`, parent: String(elsewhere) })).status, 404);
      assert.equal((await madeFor(owner.user)).length, before);
      assert.equal(await countAbout({ videoId: video.id }), 0);
    });
  });

  describe('held comments', () => {
    it('tell only the video\'s owner while held; the person answered and those mentioned once the creator approves', async () => {
      const video = await createVideo(owner.user, { title: 'Held here' });
      const root = await postComment(ben.agent, video.publicId, 'Before review began.');
      const ownerBefore = (await madeFor(owner.user)).filter((n) => n.videoId === video.id).length;
      assert.equal((await postForm(owner.agent, `/watch/${video.publicId}/comments/mode`, { mode: 'held' })).status, 303);
      const held = await postComment(ana.agent, video.publicId, `Waiting, @${dan.user.handle}.`, root);
      assert.equal((await testPool().query('SELECT held FROM comments WHERE id = $1', [held])).rows[0].held, true);
      assert.deepEqual((await madeFor(ben.user)).filter((n) => n.videoId === video.id), [], 'the person answered is not told of a held reply');
      assert.deepEqual((await madeFor(dan.user)).filter((n) => n.videoId === video.id), [], 'nor the person it mentions');
      const toOwner = (await madeFor(owner.user)).filter((n) => n.videoId === video.id);
      assert.equal(toOwner.length, 1);
      assert.equal(toOwner[0]!.commentId, held, 'the owner, who reviews it, is told');
      assert.equal(ownerBefore, 1);

      assert.equal((await postForm(owner.agent, `/comments/${held}/approve`)).status, 303);
      assert.equal((await onlyOf(ben.user, 'comment_reply', video.id)).commentId, held);
      assert.equal((await onlyOf(dan.user, 'mention', video.id)).commentId, held);
      assert.equal((await madeFor(owner.user)).filter((n) => n.videoId === video.id).length, 1, 'the owner is not told again');
      assert.equal((await shown(toOwner[0]!.id)).actorCount, 2, 'Ben and Ana, once each');
    });

    it('held for the site\'s watched words: the moderators\' approval tells; a published comment edited into a hold tells only the newly mentioned', async () => {
      await changeSiteSettings(t, { watchedWords: ['zorblax'] });
      const video = await createVideo(owner.user);
      const held = await postComment(ana.agent, video.publicId, `zorblax @${cat.user.handle}`);
      assert.deepEqual((await madeFor(cat.user)).filter((n) => n.commentId === held), []);
      assert.equal((await postForm(moderator, `/admin/comments/held/${held}/approve`)).status, 303);
      assert.equal((await madeFor(cat.user)).filter((n) => n.commentId === held).length, 1);

      const published = await postComment(ana.agent, video.publicId, `Fine words @${ben.user.handle}`);
      const ownerRows = (await madeFor(owner.user)).length;
      assert.equal((await postForm(ana.agent, `/comments/${published}/edit`, { body: `zorblax @${ben.user.handle} @${dan.user.handle}` })).status, 303);
      assert.deepEqual((await madeFor(dan.user)).filter((n) => n.commentId === published), [], 'held by the edit: nobody new is told');
      assert.equal((await postForm(moderator, `/admin/comments/held/${published}/approve`)).status, 303);
      assert.equal((await madeFor(dan.user)).filter((n) => n.commentId === published).length, 1);
      assert.equal((await madeFor(ben.user)).filter((n) => n.commentId === published).length, 1, 'told once, when first published');
      assert.equal((await madeFor(owner.user)).length, ownerRows, 'the owner was told when it was first published');
      await resetSiteSettings(t);
    });
  });
});
