import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import supertest from 'supertest';
import { useTestApp, useWorker } from '../helpers/app.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Valid HTML5 and the accessibility rules html-validate checks (labels, headings, landmarks,
// alt text, unique ids), on every page a person can reach so far, signed in and out.
const validator = new HtmlValidate({
  extends: ['html-validate:recommended', 'html-validate:a11y'],
  rules: {
    // Attribute order and quoting are style, not validity.
    'attribute-boolean-style': 'off',
    'no-trailing-whitespace': 'off',
    'void-style': 'off',
    'doctype-style': 'off',
    // The channel name is a heading the whole page is about; h1 inside a header element is intended.
    'heading-level': 'error',
    'no-inline-style': 'error',
  },
});

async function assertValid(html: string, where: string): Promise<void> {
  // Search engines show it under the title; Lighthouse's SEO check asks for one on every page.
  const descriptions = [...html.matchAll(/<meta name="description" content="([^"]*)">/g)].map((m) => m[1]!);
  assert.equal(descriptions.length, 1, `${where}: one meta description`);
  assert.ok(descriptions[0]!.trim().length > 10, `${where}: a meta description that says something`);
  const report = await validator.validateString(html);
  const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} (line ${m.line}): ${m.message}`));
  assert.deepEqual(messages, [], `${where} is not valid:\n${messages.join('\n')}`);
}

describe('HTML validity and accessibility', () => {
  const t = useTestApp();

  it('holds for the pages of a visitor', async () => {
    const user = await createUser();
    for (const path of ['/', '/login', '/register', `/@${user.handle}`, `/@${user.handle}/about`, '/search?q=test', '/no-such-page']) {
      const res = await supertest(t.app).get(path);
      await assertValid(res.text, path);
    }
  });

  it('holds for the pages of a signed-in user, and for forms sent back with errors', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    for (const path of ['/', '/settings', '/settings/password', '/settings/delete', `/@${user.handle}`]) {
      const res = await agent.get(path);
      await assertValid(res.text, path);
    }
    const token = await tokenFor(agent, '/settings');
    const refused = await agent.post('/settings').type('form').send({ _csrf: token, displayName: '', bio: 'x'.repeat(1001) });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /settings (422)');
    const anonymous = supertest.agent(t.app);
    const registerToken = await tokenFor(anonymous, '/register');
    const register = await anonymous.post('/register').type('form').send({ _csrf: registerToken, handle: 'x', displayName: '', password: 'short' });
    await assertValid(register.text, 'POST /register (422)');
  });

  it("holds for a video's statistics in the studio, with views, sources and ratings", async () => {
    const user = await createUser();
    const video = await createVideo(user, { title: 'Statistics <page>' });
    await testPool().query(`INSERT INTO video_view_days (video_id, day, views, viewers) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 40, 30)`, [video.id]);
    await testPool().query(`INSERT INTO video_view_sources (video_id, day, source, views) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 'search', 40)`, [video.id]);
    await testPool().query(`INSERT INTO video_rating_days (video_id, day, likes, dislikes) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 2, 3, 1)`, [video.id]);
    const agent = await signedInAgent(t.app, user);
    for (const period of ['7', '28', '90']) {
      const path = `/studio/videos/${video.publicId}/stats?period=${period}`;
      await assertValid((await agent.get(path)).text, path);
    }
    const empty = await createVideo(user);
    await assertValid((await agent.get(`/studio/videos/${empty.publicId}/stats`)).text, 'statistics of a video nobody watched');
  });

  describe('video pages', function () {
    this.timeout(60_000);
    useWorker(t);

    it('holds for upload, processing, watch, studio, and the lists with cards', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await assertValid((await agent.get('/upload')).text, '/upload');
      const refused = await uploadVideo(agent, await fixtures.noAudio(), { title: 'x'.repeat(101) });
      assert.equal(refused.status, 422);
      await assertValid(refused.text, 'POST /upload (422)');
      const res = await uploadVideo(agent, await fixtures.noAudio(), { title: 'Valid page', description: 'Some words', tags: 'a, b' });
      const publicId = publicIdFrom(res.headers.location);
      await assertValid((await agent.get(`/watch/${publicId}`)).text, 'watch page while processing');
      await waitForProcessing(publicId);
      for (const path of [`/watch/${publicId}`, '/studio', '/', `/@${user.handle}`, `/@${user.handle}/playlists`, `/@${user.handle}/about`, '/feed/subscriptions', '/search?q=valid+page']) {
        await assertValid((await agent.get(path)).text, path);
      }
      await assertValid((await supertest(t.app).get(`/watch/${publicId}`)).text, 'watch page, signed out');
    });
  });
});
