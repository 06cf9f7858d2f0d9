import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

async function counters(videoId: number) {
  const { rows } = await testPool().query(
    `SELECT v.like_count, v.dislike_count, v.view_count,
       (SELECT count(*)::int FROM video_ratings r WHERE r.video_id = v.id AND r.value = 1) AS likes,
       (SELECT count(*)::int FROM video_ratings r WHERE r.video_id = v.id AND r.value = -1) AS dislikes,
       (SELECT count(*)::int FROM video_views w WHERE w.video_id = v.id) AS views
     FROM videos v WHERE v.id = $1`,
    [videoId],
  );
  return rows[0];
}

describe('engagement', function () {
  this.timeout(60_000);
  const t = useTestApp();

  describe('POST /watch/:id/rate', () => {
    it('redirects anonymous users to /login', async () => {
      const video = await createVideo(await createUser());
      const res = await supertest(t.app).post(`/watch/${video.publicId}/rate`).type('form').send({ value: 'like' });
      assert.equal(res.status, 403, 'refused by CSRF before anything else');
    });

    it('likes, switches to dislike and takes it back, counters following', async () => {
      const video = await createVideo(await createUser());
      const agent = await signedInAgent(t.app, await createUser());
      const token = await tokenFor(agent, '/');
      for (const [value, likes, dislikes] of [['like', 1, 0], ['like', 1, 0], ['dislike', 0, 1], ['none', 0, 0]] as const) {
        const res = await agent.post(`/watch/${video.publicId}/rate`).type('form').send({ _csrf: token, value });
        assert.equal(res.status, 303);
        const c = await counters(video.id);
        assert.deepEqual([c.like_count, c.dislike_count], [likes, dislikes], value);
      }
      const json = await agent.post(`/watch/${video.publicId}/rate`).set('Accept', 'application/json').type('form').send({ _csrf: token, value: 'like' });
      assert.deepEqual(json.body, { rating: 'like', likes: 1, dislikes: 0 });
      const bad = await agent.post(`/watch/${video.publicId}/rate`).type('form').send({ _csrf: token, value: 'love' });
      assert.equal(bad.status, 400);
    });

    it('keeps the counters equal to the rows under many concurrent clicks', async () => {
      const video = await createVideo(await createUser());
      const agents = await Promise.all(Array.from({ length: 6 }, async () => {
        const agent = await signedInAgent(t.app, await createUser());
        return { agent, token: await tokenFor(agent, '/') };
      }));
      const values = ['like', 'dislike', 'none'];
      await Promise.all(Array.from({ length: 60 }, (_, i) => {
        const { agent, token } = agents[i % agents.length]!;
        return agent.post(`/watch/${video.publicId}/rate`).set('Accept', 'application/json').type('form').send({ _csrf: token, value: values[(i * 7) % 3] });
      }));
      const c = await counters(video.id);
      assert.equal(c.like_count, c.likes);
      assert.equal(c.dislike_count, c.dislikes);
    });

    it('does not rate a private video of someone else (404)', async () => {
      const video = await createVideo(await createUser(), { visibility: 'private' });
      const agent = await signedInAgent(t.app, await createUser());
      const token = await tokenFor(agent, '/');
      assert.equal((await agent.post(`/watch/${video.publicId}/rate`).type('form').send({ _csrf: token, value: 'like' })).status, 404);
    });
  });

  describe('POST /watch/:id/view', () => {
    async function viewToken(agent: supertest.Agent | ReturnType<typeof supertest.agent>, publicId: string): Promise<string> {
      const page = await agent.get(`/watch/${publicId}`);
      const match = /data-view-token="([^"]+)"/.exec(page.text);
      // Videos made by the factory have no renditions, so the page has no player: sign a token the same way.
      if (match) return match[1]!;
      const { viewToken: sign } = await import('../../src/http/viewer-key.js');
      return sign('test-secret-that-is-long-enough-for-sessions', publicId);
    }

    it('counts one view per viewer per hour, and loading the page counts nothing', async () => {
      const video = await createVideo(await createUser());
      const anonymous = supertest.agent(t.app);
      await anonymous.get(`/watch/${video.publicId}`);
      assert.equal((await counters(video.id)).view_count, 0, 'loading the page counts nothing');
      const token = await viewToken(anonymous, video.publicId);
      const first = await anonymous.post(`/watch/${video.publicId}/view`).set('User-Agent', 'browser A').type('form').send({ token });
      assert.equal(first.status, 201);
      assert.equal((await anonymous.post(`/watch/${video.publicId}/view`).set('User-Agent', 'browser A').type('form').send({ token })).status, 200);
      assert.equal((await anonymous.post(`/watch/${video.publicId}/view`).set('User-Agent', 'browser B').type('form').send({ token })).status, 200, 'another user agent from the same address is the same viewer');
      const user = await signedInAgent(t.app, await createUser());
      assert.equal((await user.post(`/watch/${video.publicId}/view`).type('form').send({ token })).status, 201);
      assert.equal((await user.post(`/watch/${video.publicId}/view`).set('User-Agent', 'other').type('form').send({ token })).status, 200, 'an account is one viewer whatever its browser');
      const c = await counters(video.id);
      assert.equal(c.view_count, 2);
      assert.equal(c.views, 2);
      const { rows } = await testPool().query('SELECT viewer_key FROM video_views WHERE video_id = $1', [video.id]);
      for (const r of rows) assert.doesNotMatch(r.viewer_key, /127\.0\.0\.1|::1|browser/, 'no raw address or agent stored');
    });

    it('refuses a missing or forged token with 403, and counts nothing', async () => {
      const video = await createVideo(await createUser());
      for (const token of [undefined, 'nonsense', `${Date.now()}.AAAA`]) {
        const res = await supertest(t.app).post(`/watch/${video.publicId}/view`).type('form').send(token ? { token } : {});
        assert.equal(res.status, 403);
      }
      assert.equal((await counters(video.id)).view_count, 0);
    });

    it('counts no view of a video that is not watchable by link, even by its owner', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      for (const options of [{ visibility: 'private' as const }, { status: 'processing' as const }]) {
        const video = await createVideo(owner, options);
        const token = await viewToken(agent, video.publicId);
        assert.equal((await agent.post(`/watch/${video.publicId}/view`).type('form').send({ token })).status, 404, JSON.stringify(options));
        assert.equal((await counters(video.id)).view_count, 0);
      }
    });
  });

  describe('subscriptions', () => {
    it('subscribes once, unsubscribes, keeps the counter equal to the rows, and refuses yourself', async () => {
      const channel = await createUser();
      const fan = await createUser();
      const agent = await signedInAgent(t.app, fan);
      const token = await tokenFor(agent, `/@${channel.handle}`);
      for (let i = 0; i < 2; i++) assert.equal((await agent.post(`/@${channel.handle}/subscribe`).type('form').send({ _csrf: token })).status, 303);
      let { rows } = await testPool().query('SELECT subscriber_count, (SELECT count(*)::int FROM subscriptions WHERE channel_id = $1) AS n FROM users WHERE id = $1', [channel.id]);
      assert.deepEqual([rows[0].subscriber_count, rows[0].n], [1, 1]);
      assert.match((await agent.get(`/@${channel.handle}`)).text, /aria-pressed="true">Subscribed/);
      await agent.post(`/@${channel.handle}/unsubscribe`).type('form').send({ _csrf: token });
      ({ rows } = await testPool().query('SELECT subscriber_count FROM users WHERE id = $1', [channel.id]));
      assert.equal(rows[0].subscriber_count, 0);
      assert.equal((await agent.post(`/@${fan.handle}/subscribe`).type('form').send({ _csrf: token })).status, 403);
      assert.equal((await agent.post('/@nobody-at-all/subscribe').type('form').send({ _csrf: token })).status, 404);
    });

    it('shows the newest videos of followed channels only on /feed/subscriptions, with the channels listed', async () => {
      const followed = await createUser({ displayName: 'Followed Channel' });
      const other = await createUser();
      const mine = await createVideo(followed, { title: 'From the followed channel' });
      const hidden = await createVideo(followed, { title: 'Private one', visibility: 'private' });
      const notMine = await createVideo(other, { title: 'From elsewhere' });
      const agent = await signedInAgent(t.app, await createUser());
      const token = await tokenFor(agent, '/');
      await agent.post(`/@${followed.handle}/subscribe`).type('form').send({ _csrf: token });
      const feed = await agent.get('/feed/subscriptions');
      assert.equal(feed.status, 200);
      assert.ok(feed.text.includes(mine.publicId));
      assert.ok(!feed.text.includes(hidden.publicId));
      assert.ok(!feed.text.includes(notMine.publicId));
      assert.match(feed.text, /Channels you follow[\s\S]*Followed Channel/);
      assert.equal((await supertest(t.app).get('/feed/subscriptions')).status, 303);
    });
  });

  describe('channel pages', () => {
    it('show subscriber and video counts, popular order, playlists and about with total views', async () => {
      const owner = await createUser();
      const a = await createVideo(owner, { title: 'Less watched' });
      const b = await createVideo(owner, { title: 'Most watched' });
      await testPool().query('UPDATE videos SET view_count = 50 WHERE id = $1', [b.id]);
      await testPool().query('UPDATE videos SET view_count = 5 WHERE id = $1', [a.id]);
      const popular = (await supertest(t.app).get(`/@${owner.handle}?sort=popular`)).text;
      assert.ok(popular.indexOf(b.publicId) < popular.indexOf(a.publicId));
      const newest = (await supertest(t.app).get(`/@${owner.handle}`)).text;
      assert.ok(newest.indexOf(b.publicId) < newest.indexOf(a.publicId), 'b was made last');
      assert.match(newest, /2 videos/);
      assert.match((await supertest(t.app).get(`/@${owner.handle}/playlists`)).text, /has no public playlists/);
      assert.match((await supertest(t.app).get(`/@${owner.handle}/about`)).text, /<dt>Total views<\/dt><dd>55<\/dd>/);
    });
  });

  it('the CSRF token of a page is the one the forms use', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const page = await agent.get('/');
    assert.ok(csrfFrom(page.text).length > 20);
  });
});
