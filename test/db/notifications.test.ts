import assert from 'node:assert/strict';
import { insertNotification } from '../../src/db/notifications.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

describe('insertNotification (src/db/notifications.ts)', () => {
  it('folds an unread group into one row counting distinct actors, and starts again once read', async () => {
    const [reader, ana, ben] = await Promise.all([createUser(), createUser(), createUser()]);
    const video = await createVideo(reader);
    const make = (actorId: number) => insertNotification(testPool(), { userId: reader.id, kind: 'video_comment', groupKey: `video_comment:${video.id}`, videoId: video.id, actorId });
    const first = await make(ana.id);
    assert.ok(first);
    await make(ben.id);
    await make(ana.id);
    const { rows } = await testPool().query('SELECT id, actor_id, actor_ids, actor_count FROM notifications WHERE user_id = $1', [reader.id]);
    assert.equal(rows.length, 1);
    assert.deepEqual({ actor: rows[0].actor_id, ids: rows[0].actor_ids.map(Number), count: rows[0].actor_count }, { actor: ana.id, ids: [ana.id, ben.id], count: 2 });
    await testPool().query('UPDATE notifications SET read_at = now() WHERE user_id = $1', [reader.id]);
    await make(ben.id);
    const after = await testPool().query('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1', [reader.id]);
    assert.equal(after.rows[0].n, 2);
  });

  it('makes nothing about a video its reader may not see, for a banned reader, or for the actor themself', async () => {
    const [owner, reader, banned] = await Promise.all([createUser(), createUser(), createUser()]);
    const privateVideo = await createVideo(owner, { visibility: 'private' });
    const publicVideo = await createVideo(owner);
    await banUser(banned);
    assert.equal(await insertNotification(testPool(), { userId: reader.id, kind: 'new_video', videoId: privateVideo.id }), null);
    assert.ok(await insertNotification(testPool(), { userId: owner.id, kind: 'video_ready', videoId: privateVideo.id }), 'the owner sees their private video');
    assert.ok(await insertNotification(testPool(), { userId: reader.id, kind: 'new_video', videoId: publicVideo.id }));
    await testPool().query(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [publicVideo.id]);
    assert.equal(await insertNotification(testPool(), { userId: reader.id, kind: 'new_video', groupKey: 'x', videoId: publicVideo.id }), null);
    assert.equal(await insertNotification(testPool(), { userId: banned.id, kind: 'new_subscriber', actorId: reader.id }), null);
    assert.equal(await insertNotification(testPool(), { userId: reader.id, kind: 'new_subscriber', actorId: reader.id }), null);
  });

  it('follows the reader\'s preferences: off in the site and by mail makes nothing; mail only with a confirmed address', async () => {
    const reader = await createUser({ email: `${Date.now()}-n@example.test` });
    const actor = await createUser();
    await testPool().query(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_subscriber', false, false), ($1, 'comment_reply', false, true)`, [reader.id]);
    assert.equal(await insertNotification(testPool(), { userId: reader.id, kind: 'new_subscriber', actorId: actor.id }), null);
    assert.equal(await insertNotification(testPool(), { userId: reader.id, kind: 'comment_reply', actorId: actor.id }), null, 'mail only, but the address is not confirmed');
    await testPool().query('UPDATE users SET email_confirmed_at = now() WHERE id = $1', [reader.id]);
    const made = await insertNotification(testPool(), { userId: reader.id, kind: 'comment_reply', actorId: actor.id });
    assert.deepEqual(made && { emailDue: made.emailDue }, { emailDue: true });
    const { rows } = await testPool().query('SELECT in_site FROM notifications WHERE id = $1', [made!.id]);
    assert.equal(rows[0].in_site, false);
  });
});
