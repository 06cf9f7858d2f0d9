import assert from 'node:assert/strict';
import { subscribe } from '../../src/db/subscriptions.js';
import { publishScheduledVideos } from '../../src/jobs/handlers/publish-scheduled.js';
import { runFanout } from '../../src/jobs/handlers/notification-fanout.js';
import { createLogger } from '../../src/log.js';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { postForm, tokenOf } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';

// New videos told to their channel's subscribers (issue 14, items 1 and 3): every way a video is
// published records one 'published' event and queues the fan-out job; the job (run here by the
// test, or by the worker in the last block) tells each subscriber once, in batches.

type User = Awaited<ReturnType<typeof createUser>>;
const DAY = 24 * 3600 * 1000;
const silent = createLogger('silent');

const q = async (sql: string, values: unknown[] = []) => (await testPool().query(sql, values)).rows;
/** Who has a new_video notification about the video, by id; one entry per row. */
const toldOf = async (videoId: number) => (await q(`SELECT user_id FROM notifications WHERE kind = 'new_video' AND video_id = $1 ORDER BY user_id`, [videoId])).map((r) => Number(r.user_id));
const eventsOf = async (videoId: number) => (await q(`SELECT id, fanout_after, fanned_out_at FROM video_events WHERE video_id = $1 AND kind = 'published'`, [videoId]));
const waitingFanoutJobs = async () => (await q(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notifications.fanout' AND state = 'created'`))[0].n as number;

async function followers(channel: User, count: number): Promise<User[]> {
  const people: User[] = [];
  for (let i = 0; i < count; i++) {
    const person = await createUser();
    await subscribe(testPool(), person.id, channel.id);
    people.push(person);
  }
  return people.sort((a, b) => a.id - b.id);
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('new videos told to subscribers (fan-out)', function () {
  this.timeout(120_000);
  const t = useTestApp({ MAIL_BATCH_SECONDS: '0' });
  const fanout = (options: { batchSize?: number; maxBatches?: number } = {}) => runFanout({ pool: testPool(), queue: testQueue(), config: t.config, logger: silent }, options);
  let owner: User;
  let agent: Agent;

  async function setVisibility(video: { publicId: string; title?: string }, visibility: string, fields: Record<string, string> = {}) {
    const token = await tokenFor(agent, `/studio/videos/${video.publicId}`);
    const res = await agent.post(`/studio/videos/${video.publicId}`).type('form').send({ _csrf: token, title: 'A new video', visibility, ...fields });
    assert.equal(res.status, 303, res.text.slice(0, 300));
  }

  beforeEach(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  describe('who is told', () => {
    it('tells, at a scheduled video\'s time, each live subscriber whose bell is on and who wants it, once; the rest not at all', async () => {
      const [on, bellOff, prefOff, banned, pending, deleted, mailed, unconfirmed, mailOnly] = await followers(owner, 9);
      await q(`UPDATE subscriptions SET notify = 'none' WHERE subscriber_id = $1`, [bellOff!.id]);
      await q(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_video', false, false)`, [prefOff!.id]);
      await banUser(banned!);
      await q('UPDATE users SET pending_at = now() WHERE id = $1', [pending!.id]);
      await deleteUser(deleted!);
      await q(`UPDATE users SET email = 'm' || id || '@example.test', email_confirmed_at = now() WHERE id = ANY ($1)`, [[mailed!.id, mailOnly!.id]]);
      await q(`UPDATE users SET email = 'u' || id || '@example.test' WHERE id = $1`, [unconfirmed!.id]);
      await q(`INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, 'new_video', true, true), ($2, 'new_video', true, true), ($3, 'new_video', false, true)`, [mailed!.id, unconfirmed!.id, mailOnly!.id]);

      const at = new Date(Date.now() + 30 * DAY);
      const video = await createVideo(owner, { visibility: 'scheduled', publishAt: at });
      const waitingBefore = await waitingFanoutJobs();
      assert.ok((await publishScheduledVideos({ pool: testPool(), queue: testQueue(), logger: silent }, at)).includes(video.id));
      assert.equal((await eventsOf(video.id)).length, 1);
      assert.ok((await waitingFanoutJobs()) >= Math.min(1, waitingBefore + 1), 'the fan-out job is queued');
      assert.deepEqual(await toldOf(video.id), [], 'nobody is told by the publishing itself');

      await fanout();
      assert.deepEqual(await toldOf(video.id), [on!.id, mailed!.id, unconfirmed!.id, mailOnly!.id].sort((a, b) => a - b));
      const rows = await q(`SELECT user_id, in_site, email_state, actor_id FROM notifications WHERE video_id = $1 ORDER BY user_id`, [video.id]);
      const state = Object.fromEntries(rows.map((r) => [Number(r.user_id), `${r.in_site ? 'site' : '-'} ${r.email_state}`]));
      assert.deepEqual(state, { [on!.id]: 'site none', [mailed!.id]: 'site due', [unconfirmed!.id]: 'site none', [mailOnly!.id]: '- due' });
      assert.ok(rows.every((r) => Number(r.actor_id) === owner.id), 'the channel is the actor');
      const mailJobs = await q(`SELECT singleton_key FROM pgboss.job WHERE name = 'notifications.mail' AND singleton_key = ANY ($1)`, [[String(mailed!.id), String(mailOnly!.id), String(unconfirmed!.id)]]);
      assert.deepEqual(mailJobs.map((r) => Number(r.singleton_key)).sort((a, b) => a - b), [mailed!.id, mailOnly!.id].sort((a, b) => a - b), 'one mail job for each person due by mail');
      assert.ok((await eventsOf(video.id))[0].fanned_out_at, 'the event is done');

      await fanout();
      assert.equal((await toldOf(video.id)).length, 4, 'a second run tells nobody twice');
    });

    it('tells nobody of a video made private, or taken down, before the fan-out reaches it, and closes its event', async () => {
      const [fan] = await followers(owner, 1);
      const made = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      const downed = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      await setVisibility(made, 'public');
      await setVisibility(downed, 'public');
      await setVisibility(made, 'private');
      await q(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [downed.id]);
      await fanout();
      assert.deepEqual([await toldOf(made.id), await toldOf(downed.id)], [[], []]);
      for (const video of [made, downed]) assert.ok((await eventsOf(video.id))[0].fanned_out_at);
      // Public again: it was announced once, to nobody; not again.
      await setVisibility(made, 'public');
      await fanout();
      assert.deepEqual(await toldOf(made.id), []);
      assert.equal((await eventsOf(made.id)).length, 1);
      assert.ok(fan);
    });

    it('copes with a video deleted before the fan-out: its event went with it', async () => {
      await followers(owner, 2);
      const video = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      await setVisibility(video, 'public');
      assert.equal((await eventsOf(video.id)).length, 1);
      await postForm(agent, `/studio/videos/${video.publicId}/delete`, {}, { tokenPage: `/studio/videos/${video.publicId}` });
      assert.equal((await eventsOf(video.id)).length, 0);
      await fanout();
      assert.deepEqual(await toldOf(video.id), []);
    });
  });

  describe('each way of publishing announces once', () => {
    it('the edit page: private → public → private → public announces once; unlisted → public, and a scheduled video made public now, too', async () => {
      const fans = await followers(owner, 3);
      const ids = fans.map((f) => f.id);
      const video = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      await setVisibility(video, 'public');
      await fanout();
      await setVisibility(video, 'private');
      await setVisibility(video, 'public');
      await fanout();
      assert.equal((await eventsOf(video.id)).length, 1);
      assert.deepEqual(await toldOf(video.id), ids);

      const unlisted = await createVideo(owner, { title: 'A new video', visibility: 'unlisted' });
      const scheduled = await createVideo(owner, { title: 'A new video', visibility: 'scheduled', publishAt: new Date(Date.now() + 5 * DAY) });
      await setVisibility(unlisted, 'public');
      await setVisibility(scheduled, 'public');
      await fanout();
      assert.deepEqual([await toldOf(unlisted.id), await toldOf(scheduled.id)], [ids, ids]);
      // A scheduled video published early is not published again at its time.
      await publishScheduledVideos({ pool: testPool(), queue: testQueue(), logger: silent }, new Date(Date.now() + 6 * DAY));
      assert.equal((await eventsOf(scheduled.id)).length, 1);
    });

    it('a held upload approved by a moderator; not one still processing (its processing announces it)', async () => {
      const fans = await followers(owner, 2);
      const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      const ready = await createVideo(owner);
      const processing = await createVideo(owner, { status: 'processing' });
      await q(`UPDATE videos SET moderation = 'held' WHERE id = ANY ($1)`, [[ready.id, processing.id]]);
      for (const video of [ready, processing]) assert.equal((await postForm(moderator, `/admin/videos/${video.publicId}/approve`, {}, { tokenPage: '/admin/videos/pending' })).status, 303);
      await fanout();
      assert.equal((await eventsOf(ready.id)).length, 1);
      assert.deepEqual(await toldOf(ready.id), fans.map((f) => f.id));
      assert.deepEqual(await eventsOf(processing.id), []);
      assert.deepEqual(await toldOf(processing.id), []);
    });

    it('a bulk change to public, for those listed; not a restore after a take-down', async () => {
      const fans = await followers(owner, 2);
      const a = await createVideo(owner, { visibility: 'private' });
      const b = await createVideo(owner, { visibility: 'unlisted' });
      const failed = await createVideo(owner, { visibility: 'private', status: 'failed' });
      const body = new URLSearchParams({ _csrf: await tokenOf(agent, '/studio'), action: 'make-public' });
      for (const video of [a, b, failed]) body.append('ids', video.publicId);
      assert.equal((await agent.post('/studio/bulk').type('form').send(body.toString())).status, 303);
      await fanout();
      assert.deepEqual([(await eventsOf(a.id)).length, (await eventsOf(b.id)).length, (await eventsOf(failed.id)).length], [1, 1, 0]);
      assert.deepEqual([await toldOf(a.id), await toldOf(b.id), await toldOf(failed.id)], [fans.map((f) => f.id), fans.map((f) => f.id), []]);

      // Taken down and restored by moderators: not new, not announced (a public video the factory made has no event).
      const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      const restored = await createVideo(owner);
      const takedown = { reason: 'copyright', policy: 'Rule 4: no uploads of films you do not own.' };
      assert.equal((await postForm(moderator, `/admin/videos/${restored.publicId}/takedown`, takedown)).status, 303);
      assert.equal((await postForm(moderator, `/admin/videos/${restored.publicId}/restore`, { message: 'Taken down by mistake.' })).status, 303);
      assert.equal((await q('SELECT moderation FROM videos WHERE id = $1', [restored.id]))[0].moderation, 'none');
      await fanout();
      assert.deepEqual([await eventsOf(restored.id), await toldOf(restored.id)], [[], []]);
    });
  });

  describe('batches', () => {
    it('goes on after a run stopped after one batch, from where it stopped, telling nobody twice', async () => {
      const fans = await followers(owner, 5);
      const video = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      await setVisibility(video, 'public');
      await fanout({ batchSize: 2, maxBatches: 1 });
      assert.deepEqual(await toldOf(video.id), fans.slice(0, 2).map((f) => f.id));
      const [event] = await eventsOf(video.id);
      assert.equal(Number(event.fanout_after), fans[1]!.id);
      assert.equal(event.fanned_out_at, null);
      await fanout({ batchSize: 2 });
      assert.deepEqual(await toldOf(video.id), fans.map((f) => f.id));
      assert.ok((await eventsOf(video.id))[0].fanned_out_at);
    });

    it('two runs at once tell each subscriber once', async () => {
      const fans = await followers(owner, 7);
      const videos = [await createVideo(owner, { title: 'A new video', visibility: 'private' }), await createVideo(owner, { title: 'A new video', visibility: 'private' })];
      for (const video of videos) await setVisibility(video, 'public');
      await Promise.all([fanout({ batchSize: 1 }), fanout({ batchSize: 2 }), fanout({ batchSize: 3 })]);
      for (const video of videos) assert.deepEqual(await toldOf(video.id), fans.map((f) => f.id));
    });
  });

  describe('with the worker running, as `npm start` runs it', () => {
    useWorker(t);

    it('answers the publishing request before any subscriber is told; the worker tells them after', async () => {
      const fans = await followers(owner, 3);
      const video = await createVideo(owner, { title: 'A new video', visibility: 'private' });
      // A subscriber's row held by another transaction: the fan-out's insert waits on it (its
      // foreign key), the publishing request does not.
      const blocker = await testPool().connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [fans[0]!.id]);
        await setVisibility(video, 'public');
        assert.equal((await eventsOf(video.id)).length, 1);
        assert.deepEqual(await toldOf(video.id), []);
        await blocker.query('COMMIT');
      } finally {
        blocker.release();
      }
      await waitFor('the fan-out', () => toldOf(video.id), (told) => told.length === 3);
      assert.deepEqual(await toldOf(video.id), fans.map((f) => f.id));
    });

    it('announces a video uploaded as public when its processing ends, and not one uploaded as private', async () => {
      const fans = await followers(owner, 2);
      const shown = publicIdFrom((await uploadVideo(agent, await fixtures.h264(), { title: 'Uploaded public', visibility: 'public' })).headers.location);
      const hidden = publicIdFrom((await uploadVideo(agent, await fixtures.h264(), { title: 'Uploaded private', visibility: 'private' })).headers.location);
      for (const publicId of [shown, hidden]) assert.equal((await waitForProcessing(publicId)).status, 'ready');
      const idOf = async (publicId: string) => Number((await q('SELECT id FROM videos WHERE public_id = $1', [publicId]))[0].id);
      const [shownId, hiddenId] = [await idOf(shown), await idOf(hidden)];
      await waitFor('the fan-out', () => toldOf(shownId), (told) => told.length === 2);
      assert.deepEqual(await toldOf(shownId), fans.map((f) => f.id));
      assert.equal((await eventsOf(shownId)).length, 1, 'announced once, though its later renditions end after');
      assert.deepEqual([await eventsOf(hiddenId), await toldOf(hiddenId)], [[], []]);
    });
  });
});
