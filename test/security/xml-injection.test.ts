import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { textFixture } from '../helpers/fixtures.js';
import { uploadVideo } from '../helpers/videos.js';
import { assertWellFormedXml } from '../helpers/xml.js';

// Attack: one title or channel name holding a character XML forbids (U+FFFE, a control
// character) makes every feed it appears in unreadable for every subscriber's reader.

/** Non-characters and control characters, each of which a form must refuse. */
const FORBIDDEN = ['\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF', '\u{1FFFE}', '\u{10FFFF}', '\u0001', '\u001b'];

describe('XML injection through titles and names', function () {
  this.timeout(60_000);
  const t = useTestApp();

  it('keeps the Atom feeds and the sitemap well-formed when stored text holds characters XML forbids', async () => {
    const owner = await createUser();
    // Written directly, as rows from before the forms refused them would be.
    await testPool().query('UPDATE users SET display_name = $2 WHERE id = $1', [owner.id, 'Name\uFFFE with \u0001 control']);
    const video = await createVideo(owner, { title: 'Test\uFFFE pattern \uFFFF & <b>bold</b> \u0008', description: 'About \u0002 it \uFFFE' });
    for (const path of ['/feeds/videos.atom', `/@${owner.handle}/feed.atom`]) {
      const res = await supertest(t.app).get(path);
      assert.equal(res.status, 200, path);
      assertWellFormedXml(res.text);
      assert.ok(res.text.includes('<title>Test pattern  &amp; &lt;b&gt;bold&lt;/b&gt; </title>'), `${path}: the title, minus what XML forbids, escaped`);
    }
    const index = await supertest(t.app).get('/sitemap.xml');
    assertWellFormedXml(index.text);
    const files = [...index.text.matchAll(/<loc>http:\/\/localhost:3000(\/sitemaps\/[a-z]+-\d+\.xml)<\/loc>/g)].map((m) => m[1]!);
    const sitemaps = await Promise.all(files.map((file) => supertest(t.app).get(file)));
    for (const sitemap of sitemaps) assertWellFormedXml(sitemap.text);
    assert.ok(sitemaps.some((s) => s.text.includes(video.publicId)), 'the video is in the sitemap');
    const channelFeed = (await supertest(t.app).get(`/@${owner.handle}/feed.atom`)).text;
    assert.ok(channelFeed.includes('<name>Name with  control</name>'), 'the author name, minus what XML forbids');
  });

  it('the well-formedness check itself refuses what XML forbids', () => {
    assert.throws(() => assertWellFormedXml('<a>x\uFFFEy</a>'), /U\+FFFE/);
    assert.throws(() => assertWellFormedXml('<a>&#xFFFE;</a>'), /not an XML character/);
    assert.throws(() => assertWellFormedXml('<a>&nbsp;</a>'), /unknown entity/);
    assert.throws(() => assertWellFormedXml('<a><b></a></b>'), /closes/);
    assert.throws(() => assertWellFormedXml('<a x="1" x="2"/>'), /twice/);
    assertWellFormedXml('<?xml version="1.0" encoding="utf-8"?>\n<a x="&#34;"><b>&amp;&#39;\u{1F3A5}</b><c/></a>\n');
  });

  it('refuses non-characters and control characters in the profile form with 422, changing nothing', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    for (const bad of FORBIDDEN) {
      const token = await tokenFor(agent, '/settings');
      const name = await agent.post('/settings').type('form').send({ _csrf: token, displayName: `Bad${bad}name`, bio: '' });
      assert.equal(name.status, 422, `display name with U+${bad.codePointAt(0)!.toString(16)}`);
      assert.match(name.text, /Use letters, digits, spaces and punctuation only/);
      const bio = await agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Fine', bio: `Bad${bad}bio` });
      assert.equal(bio.status, 422, `bio with U+${bad.codePointAt(0)!.toString(16)}`);
      assert.match(bio.text, /invisible control characters/);
    }
    const { rows } = await testPool().query('SELECT display_name, bio FROM users WHERE id = $1', [user.id]);
    assert.equal(rows[0].display_name, user.displayName);
  });

  it('refuses non-characters and control characters in the upload form with 422, keeping nothing', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const file = textFixture('xml-injection.mp4', 'details are checked before the file');
    const { rows: before } = await testPool().query('SELECT count(*)::int AS n FROM videos');
    for (const bad of FORBIDDEN) {
      const cases: Record<string, string>[] = [{ title: `Bad${bad}title` }, { title: 'Fine', description: `Bad${bad}description` }, { title: 'Fine', tags: `one, bad${bad}tag` }];
      for (const fields of cases) {
        const res = await uploadVideo(agent, file, fields);
        assert.equal(res.status, 422, `${Object.keys(fields).at(-1)} with U+${bad.codePointAt(0)!.toString(16)}`);
        assert.match(res.text, /invisible control characters/);
      }
    }
    const { rows: after } = await testPool().query('SELECT count(*)::int AS n FROM videos');
    assert.equal(after[0].n, before[0].n);
  });

  it('refuses them in the display name of a new account', async () => {
    const agent = supertest.agent(t.app);
    const token = await tokenFor(agent, '/register');
    const res = await agent.post('/register').type('form').send({ _csrf: token, handle: `xml${Date.now().toString(36)}`, displayName: 'New\uFFFEname', password: 'correct horse battery staple' });
    assert.equal(res.status, 422);
    assert.match(res.text, /Use letters, digits, spaces and punctuation only/);
  });
});
