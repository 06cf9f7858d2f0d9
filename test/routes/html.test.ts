import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import supertest from 'supertest';
import { useTestApp, useWorker } from '../helpers/app.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
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
    // Checkboxes sharing a name send a list (the studio's selection of videos), as HTML intends.
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
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

  it('holds for the studio list, its filters, and the pages of bulk changes', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    await assertValid((await agent.get('/studio')).text, '/studio (empty)');
    const videos = [
      await createVideo(user, { title: 'A <b>ready</b> video' }),
      await createVideo(user, { title: 'Processing one', status: 'processing' }),
      await createVideo(user, { title: 'Failed one', status: 'failed', visibility: 'private' }),
      await createVideo(user, { title: 'Waiting one', status: 'uploaded' }),
    ];
    for (const path of ['/studio', '/studio?visibility=private&state=failed&q=one&sort=views', '/studio?q=nothing+matches']) {
      await assertValid((await agent.get(path)).text, path);
    }
    await assertValid((await agent.get('/studio?sort=nonsense')).text, '/studio (400)');
    const token = await tokenFor(agent, '/studio');
    const changed = await agent.post('/studio/bulk').type('form').send(`_csrf=${encodeURIComponent(token)}&action=add-tag&tag=x&ids=${videos[0]!.publicId}&ids=AAAAAAAAAAA`);
    await assertValid((await agent.get(changed.headers.location!)).text, 'bulk summary with a failure');
    await assertValid((await agent.get('/studio')).text, '/studio with a bulk change');
    const asked = await agent.post('/studio/bulk').type('form').send(`_csrf=${encodeURIComponent(token)}&action=delete&scope=all`);
    await assertValid((await agent.get(asked.headers.location!)).text, 'bulk delete confirmation');
    const refused = await agent.post('/studio/bulk').type('form').send(`_csrf=${encodeURIComponent(token)}&action=delete`);
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /studio/bulk (422)');
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
