import assert from 'node:assert/strict';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { useTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** Everything about a comment that the refused requests must leave as it was. */
async function snapshot(videoId: number) {
  const { rows } = await testPool().query(
    `SELECT c.id, c.body, c.like_count, c.dislike_count, c.reply_count, c.edited_at, v.comment_count,
       (SELECT count(*)::int FROM comments x WHERE x.video_id = v.id) AS comments,
       (SELECT count(*)::int FROM comment_ratings r JOIN comments x ON x.id = r.comment_id WHERE x.video_id = v.id) AS ratings
     FROM comments c JOIN videos v ON v.id = c.video_id WHERE c.video_id = $1 ORDER BY c.id`,
    [videoId],
  );
  return rows;
}

describe('comments turned off on a video', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let ownerAgent: Agent;
  let authorAgent: Agent;
  let otherAgent: Agent;

  before(async () => {
    owner = await createUser();
    author = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    authorAgent = await signedInAgent(t.app, author);
    otherAgent = await signedInAgent(t.app, await createUser());
  });

  async function closedVideoWithComment() {
    const video = await createVideo(owner);
    const id = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Said before comments were closed', parent: null }))!.id;
    await testPool().query(`UPDATE videos SET comments_mode = 'off' WHERE id = $1`, [video.id]);
    return { video, id };
  }

  const send = async (agent: Agent, path: string, form: Record<string, string>, json = false) => {
    const request = agent.post(path).type('form');
    if (json) request.set('Accept', 'application/json');
    return request.send({ _csrf: await tokenFor(agent, '/'), ...form });
  };

  it('refuses the author an edit (403 with the reason) and keeps the text', async () => {
    const { video, id } = await closedVideoWithComment();
    const before = await snapshot(video.id);
    const res = await send(authorAgent, `/comments/${id}/edit`, { body: 'Changed after closing' });
    assert.equal(res.status, 403);
    assert.match(res.text, /Comments are turned off on this video\./);
    assert.deepEqual(await snapshot(video.id), before);
  });

  it('refuses likes and dislikes (403, JSON too) and counts nothing', async () => {
    const { video, id } = await closedVideoWithComment();
    const before = await snapshot(video.id);
    for (const value of ['like', 'dislike', 'none']) {
      const res = await send(otherAgent, `/comments/${id}/rate`, { value });
      assert.equal(res.status, 403, value);
      assert.match(res.text, /Comments are turned off on this video\./);
    }
    const json = await send(otherAgent, `/comments/${id}/rate`, { value: 'like' }, true);
    assert.equal(json.status, 403);
    assert.equal(json.body.error.message, 'Comments are turned off on this video.');
    assert.deepEqual(await snapshot(video.id), before);
  });

  it('refuses a reply to an existing comment, and a new comment, with 403 and the reason', async () => {
    const { video, id } = await closedVideoWithComment();
    const before = await snapshot(video.id);
    for (const form of [{ body: 'A reply', parent: String(id) }, { body: 'A new one' }] as Record<string, string>[]) {
      const res = await send(otherAgent, `/watch/${video.publicId}/comments`, form);
      assert.equal(res.status, 403, JSON.stringify(form));
      assert.match(res.text, /Comments are turned off on this video\./);
    }
    assert.deepEqual(await snapshot(video.id), before);
  });

  it('still lets the author delete their comment, and the creator delete any', async () => {
    const { video, id } = await closedVideoWithComment();
    const other = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Another one', parent: null }))!.id;
    assert.equal((await send(authorAgent, `/comments/${id}/delete`, {})).status, 303);
    assert.equal((await send(ownerAgent, `/comments/${other}/delete`, {})).status, 303);
    assert.deepEqual(await snapshot(video.id), []);
    const { rows } = await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id]);
    assert.equal(rows[0].comment_count, 0);
  });

  it('allows editing and rating again once comments are turned back on', async () => {
    const { video, id } = await closedVideoWithComment();
    await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
    assert.equal((await send(authorAgent, `/comments/${id}/edit`, { body: 'Open again' })).status, 303);
    assert.equal((await send(otherAgent, `/comments/${id}/rate`, { value: 'like' })).status, 303);
  });
});
