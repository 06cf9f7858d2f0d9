import assert from 'node:assert/strict';
import type PgBoss from 'pg-boss';
import { noteFailureReason } from '../../src/db/video-processing.js';
import { processVideoFailedHandler, type VideoJobData } from '../../src/jobs/handlers/process-video.js';
import { createLogger } from '../../src/log.js';
import { tellerOf } from '../../src/notifications/tell.js';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, videoRow, waitForProcessing } from '../helpers/videos.js';
import { madeFor, onlyOf, shown } from './notices.js';

describe('notifications of subscribers and of processing (issue 14, items 1 and 7)', function () {
  this.timeout(180_000);
  const t = useTestApp();
  useWorker(t);

  describe('new_subscriber', () => {
    it('tells the channel of each new subscriber, grouped; leaving and coming back counts the person once', async () => {
      const channel = await createUser({ displayName: 'Channel' });
      const ana = await createUser({ displayName: 'Ana' });
      const ben = await createUser({ displayName: 'Ben' });
      const [anaAgent, benAgent] = [await signedInAgent(t.app, ana), await signedInAgent(t.app, ben)];
      assert.equal((await postForm(anaAgent, `/@${channel.handle}/subscribe`)).status, 303);
      const first = await onlyOf(channel, 'new_subscriber');
      assert.deepEqual({ actor: first.actorId, key: first.groupKey }, { actor: ana.id, key: 'new_subscriber' });
      assert.deepEqual({ text: (await shown(first.id)).text, path: (await shown(first.id)).path }, { text: 'Ana subscribed to your channel', path: `/@${ana.handle}` });

      await postForm(benAgent, `/@${channel.handle}/subscribe`);
      await postForm(anaAgent, `/@${channel.handle}/subscribe`);
      await postForm(anaAgent, `/@${channel.handle}/unsubscribe`);
      await postForm(anaAgent, `/@${channel.handle}/subscribe`);
      const grouped = await shown((await onlyOf(channel, 'new_subscriber')).id);
      assert.deepEqual({ count: grouped.actorCount, text: grouped.text }, { count: 2, text: 'Ana and 1 other subscribed to your channel' });
    });

    it('tells a banned channel nothing', async () => {
      const channel = await createUser();
      const fan = await signedInAgent(t.app, await createUser());
      await banUser(channel);
      await postForm(fan, `/@${channel.handle}/subscribe`);
      assert.deepEqual(await madeFor(channel), []);
    });
  });

  describe('video_ready and video_failed', () => {
    it('tells the uploader once their upload is ready, through the worker', async () => {
      const owner = await createUser();
      const res = await uploadVideo(await signedInAgent(t.app, owner), await fixtures.noAudio(), { title: 'Fresh upload' });
      assert.equal(res.status, 303);
      const publicId = publicIdFrom(res.headers.location);
      assert.equal((await waitForProcessing(publicId)).status, 'ready');
      const row = await videoRow(publicId);
      const ready = await onlyOf(owner, 'video_ready', Number(row.id));
      assert.equal(ready.actorId, null);
      assert.deepEqual({ text: (await shown(ready.id)).text }, { text: 'Your video “Fresh upload” is ready to watch' });
    });

    it('tells the owner when processing gave up (the dead-letter handler), with the reason on the video\'s page, once', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'processing', title: 'Broken', visibility: 'private' });
      await noteFailureReason(testPool(), video.id, 'The server ran out of disk space while processing this video.');
      const handle = processVideoFailedHandler({ pool: t.pool, logger: createLogger('silent'), tell: tellerOf({ queue: testQueue(), config: t.config }) });
      const job = { id: 'dead-letter', name: 'video.process.failed', data: { videoId: video.id } } as PgBoss.Job<VideoJobData>;
      await handle([job]);
      const failed = await onlyOf(owner, 'video_failed', video.id);
      assert.deepEqual(failed.detail, { reason: 'The server ran out of disk space while processing this video.' });
      const view = await shown(failed.id);
      assert.deepEqual({ text: view.text, path: view.path }, { text: 'Your video “Broken” could not be processed: The server ran out of disk space while processing this video.', path: `/studio/videos/${video.publicId}` });
      await handle([job]);
      assert.equal((await madeFor(owner)).length, 1, 'a late second dead letter tells nothing more');

      // A playable video whose higher renditions failed stays ready: nothing to tell.
      const playable = await createVideo(owner);
      await handle([{ ...job, data: { videoId: playable.id } }]);
      assert.deepEqual((await madeFor(owner)).filter((n) => n.videoId === playable.id), []);
    });
  });
});
