import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** Letters only, so Postgres's parser keeps it one word and the English stemmer leaves it alone. */
const word = () => `zq${Array.from(crypto.randomBytes(8), (b) => 'bcdfghjkmnpqrstvwxz'[b % 19]).join('')}x`;

async function stored(videoId: number) {
  const { rows } = await testPool().query('SELECT title, description, tags, visibility, category, language, publish_at FROM videos WHERE id = $1', [videoId]);
  return rows[0];
}
const editsOf = async (videoId: number) => (await testPool().query('SELECT editor_id, edited_at, changes FROM video_edits WHERE video_id = $1 ORDER BY id', [videoId])).rows;

describe('GET and POST /studio/videos/:id (a video’s details)', function () {
  this.timeout(30_000);
  // The page cache on, as in production: a signed-out visitor must see an edit at once.
  const t = useTestApp({ PAGE_CACHE_SECONDS: '60' });
  let owner: User;
  let agent: Agent;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  const form = (fields: Record<string, string> = {}) => ({ title: 'A title', description: '', tags: '', visibility: 'public', category: '', language: '', ...fields });
  async function save(id: string, fields: Record<string, string>, who = agent) {
    const token = await tokenFor(who, `/studio/videos/${id}`);
    return who.post(`/studio/videos/${id}`).type('form').send({ _csrf: token, ...fields });
  }

  it('shows the owner a form holding the video’s details, with the Details tab current', async () => {
    const video = await createVideo(owner, { title: 'Shown in the form', description: 'Some words', tags: ['one', 'two'] });
    const res = await agent.get(`/studio/videos/${video.publicId}`);
    assert.equal(res.status, 200);
    assert.match(res.text, /value="Shown in the form"/);
    assert.match(res.text, />Some words<\/textarea>/);
    assert.match(res.text, /value="one, two"/);
    assert.match(res.text, /id="visibility-public"[^>]* checked/);
    assert.match(res.text, /<a href="\/studio\/videos\/[^"]+" aria-current="page">Details<\/a>/);
    assert.match(res.text, /Film &amp; Animation/);
    assert.match(res.text, /<option value="pt-BR">Portuguese \(Brazil\)<\/option>/);
  });

  it('answers 404 to anyone but the owner, for public and private videos alike; signed out → sign-in', async () => {
    const stranger = await signedInAgent(t.app, await createUser());
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    for (const visibility of ['public', 'private', 'unlisted', 'scheduled'] as const) {
      const video = await createVideo(owner, { title: `Not yours ${visibility}`, visibility });
      for (const who of [stranger, moderator]) {
        assert.equal((await who.get(`/studio/videos/${video.publicId}`)).status, 404, visibility);
        assert.equal((await who.get(`/studio/videos/${video.publicId}/original`)).status, 404, visibility);
        const refused = await save(video.publicId, form({ title: 'Taken over' }), who);
        assert.equal(refused.status, 404, visibility);
        assert.doesNotMatch(refused.text, /Not yours/, 'the 404 page says nothing of the video');
      }
      assert.equal((await stored(video.id)).title, `Not yours ${visibility}`);
      const visitor = await supertest(t.app).get(`/studio/videos/${video.publicId}`);
      assert.equal(visitor.status, 303);
      assert.equal(visitor.headers.location, `/login?next=${encodeURIComponent(`/studio/videos/${video.publicId}`)}`);
    }
  });

  it('saves every field, records who changed what from what to what, and records nothing for a resubmit', async () => {
    const video = await createVideo(owner, { title: 'Old title', tags: ['old'] });
    const res = await save(video.publicId, form({ title: '  New title ', description: 'New\r\ndescription', tags: 'new, #fresh, New', visibility: 'unlisted', category: 'science-technology', language: 'pt-BR' }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/studio/videos/${video.publicId}`);
    const row = await stored(video.id);
    assert.deepEqual({ ...row, publish_at: undefined }, { title: 'New title', description: 'New\ndescription', tags: ['new', 'fresh'], visibility: 'unlisted', category: 'science-technology', language: 'pt-BR', publish_at: undefined });
    const edits = await editsOf(video.id);
    assert.equal(edits.length, 1);
    assert.equal(edits[0].editor_id, owner.id);
    assert.deepEqual(edits[0].changes, {
      title: { old: 'Old title', new: 'New title' },
      description: { old: '', new: 'New\ndescription' },
      tags: { old: ['old'], new: ['new', 'fresh'] },
      visibility: { old: 'public', new: 'unlisted' },
      category: { old: null, new: 'science-technology' },
      language: { old: null, new: 'pt-BR' },
    });
    assert.match((await agent.get(res.headers.location)).text, /Your changes are saved/);
    const queued = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'video.related' AND (data->>'videoId')::bigint = $1`, [video.id]);
    assert.equal(queued.rows[0].n, 1, 'its related videos are worked out again');
    const again = await save(video.publicId, form({ title: 'New title', description: 'New\ndescription', tags: 'new, fresh', visibility: 'unlisted', category: 'science-technology', language: 'pt-BR' }));
    assert.equal(again.status, 303);
    assert.equal((await editsOf(video.id)).length, 1, 'an unchanged form records no edit');
  });

  it('refuses each field beyond its limits or with hostile values with 422, the messages and the typed values, writing nothing', async () => {
    const video = await createVideo(owner, { title: 'Limits' });
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ title: '' }, 'title', /Give the video a title/],
      [{ title: '   ' }, 'title', /Give the video a title/],
      [{ title: 'x'.repeat(101) }, 'title', /at most 100 characters/],
      [{ title: '🎬'.repeat(101) }, 'title', /at most 100 characters/],
      [{ title: 'two\nlines' }, 'title', /one line/],
      [{ title: 'bell\u0007' }, 'title', /control characters/],
      [{ title: 'non\uFFFEchar' }, 'title', /control characters/],
      [{ description: 'x'.repeat(5001) }, 'description', /at most 5000 characters/],
      [{ description: 'escape\u001b[31m' }, 'description', /control characters/],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }, 'tags', /at most 20 tags/],
      [{ tags: 'x'.repeat(31) }, 'tags', /30 characters/],
      [{ tags: 'ok, bad\u0008tag' }, 'tags', /control characters/],
      [{ visibility: 'secret' }, 'visibility', /Choose public, unlisted, private or scheduled/],
      [{ visibility: 'PUBLIC' }, 'visibility', /Choose public/],
      [{ category: 'cats' }, 'category', /category from the list/],
      [{ category: 'music ' }, 'category', /category from the list/],
      [{ language: 'xx' }, 'language', /language from the list/],
      [{ language: 'EN' }, 'language', /language from the list/],
    ];
    for (const [fields, name, message] of cases) {
      const res = await save(video.publicId, form(fields));
      assert.equal(res.status, 422, JSON.stringify(fields));
      assert.match(res.text, message, JSON.stringify(fields));
      assert.match(res.text, new RegExp(`href="#field-${name}"`), 'the summary links to the field');
    }
    const typed = await save(video.publicId, form({ title: 'x'.repeat(101), description: 'Kept <b>as typed</b>', tags: 'a, b', category: 'gaming', language: 'ja', visibility: 'nope' }));
    assert.match(typed.text, new RegExp(`value="${'x'.repeat(101)}"`));
    assert.match(typed.text, />Kept &lt;b&gt;as typed&lt;\/b&gt;<\/textarea>/);
    assert.match(typed.text, /value="a, b"/);
    assert.match(typed.text, /<option value="gaming" selected>/);
    assert.match(typed.text, /<option value="ja" selected>/);
    // Limits themselves pass.
    assert.equal((await save(video.publicId, form({ title: '🎬'.repeat(100), description: 'd'.repeat(5000), tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(30, 'x')).join(',') }))).status, 303);
    // NUL is refused before any form is read (src/http/nul-bytes.ts).
    assert.equal((await save(video.publicId, form({ title: 'nul\u0000byte' }))).status, 400);
    const edits = await editsOf(video.id);
    assert.equal(edits.length, 1, 'only the valid save is recorded');
    // Repeated fields (title=a&title=b) arrive as arrays and are not a title.
    const token = await tokenFor(agent, `/studio/videos/${video.publicId}`);
    const repeated = await agent.post(`/studio/videos/${video.publicId}`).type('form').send(`_csrf=${encodeURIComponent(token)}&title=a&title=b&visibility=public`);
    assert.equal(repeated.status, 422);
  });

  it('answers a 10 MB body with 413, not a server error, and keeps the video as it was', async () => {
    const video = await createVideo(owner, { title: 'Huge body' });
    const res = await save(video.publicId, form({ description: 'x'.repeat(10 * 1024 * 1024) }));
    assert.equal(res.status, 413);
    assert.equal((await stored(video.id)).description, '');
    assert.equal((await editsOf(video.id)).length, 0);
  });

  it('shows HTML typed in a title as text everywhere it appears', async () => {
    const mark = word();
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)> ${mark}`;
    const video = await createVideo(owner, { title: 'Plain' });
    assert.equal((await save(video.publicId, form({ title: hostile, tags: '<b>tag</b>' }))).status, 303);
    const paths = ['/', `/watch/${video.publicId}`, `/search?q=${mark}`];
    const pages: [string, string][] = [[`/studio/videos/${video.publicId}`, (await agent.get(`/studio/videos/${video.publicId}`)).text]];
    for (const path of paths) pages.push([path, (await supertest(t.app).get(path)).text]);
    for (const [path, text] of pages) {
      assert.ok(text.includes(mark), `${path} shows the title`);
      assert.ok(!text.includes('<script>alert(1)'), `${path} escapes it`);
      assert.ok(!text.includes('<img src=x'), `${path} escapes it`);
    }
    const watch = pages[2]![1];
    assert.ok(watch.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!watch.includes('<b>tag</b>'));
  });

  it('changes the watch page, home, search and the feed at once, though the page cache kept them', async () => {
    const before = word();
    const after = word();
    const video = await createVideo(owner, { title: `Cached ${before}` });
    // An app of its own: no page kept from other tests, made before this video existed.
    const { app } = createTestApp({ PAGE_CACHE_SECONDS: '60' });
    const visitor = supertest(app);
    const author = await signedInAgent(app, owner);
    const pages = ['/', `/watch/${video.publicId}`, `/search?q=${before}`, '/feeds/videos.atom', `/@${owner.handle}`];
    for (const path of pages) assert.ok((await visitor.get(path)).text.includes(before), `${path} shows the first title`);
    assert.equal((await visitor.get(`/watch/${video.publicId}`)).headers.age, '0', 'the watch page is kept');
    assert.equal((await save(video.publicId, form({ title: `Edited ${after}`, tags: before }), author)).status, 303);
    for (const path of ['/', `/watch/${video.publicId}`, '/feeds/videos.atom', `/@${owner.handle}`]) {
      const text = (await visitor.get(path)).text;
      assert.ok(text.includes(`Edited ${after}`) && !text.includes(`Cached ${before}`), `${path} shows the new title`);
    }
    assert.ok((await visitor.get(`/search?q=${after}`)).text.includes(video.publicId), 'found by its new title');
    assert.ok((await visitor.get(`/search?q=${before}`)).text.includes(video.publicId), 'still found by the old word, now a tag');
    assert.equal((await save(video.publicId, form({ title: `Edited ${after}`, visibility: 'private' }), author)).status, 303);
    for (const path of ['/', `/search?q=${after}`, '/feeds/videos.atom', `/@${owner.handle}`]) {
      assert.ok(!(await visitor.get(path)).text.includes(video.publicId), `${path} no longer lists it once private`);
    }
    assert.equal((await visitor.get(`/watch/${video.publicId}`)).status, 404);
    const { rows } = await testPool().query(`SELECT videos FROM search_words WHERE word = $1`, [after]);
    assert.deepEqual(rows, [], 'the search word counts follow (search_words triggers)');
  });

  it('shows category and language on the watch page and in its JSON-LD, and offers the owner alone an Edit link', async () => {
    const video = await createVideo(owner, { title: 'With details' });
    assert.equal((await save(video.publicId, form({ title: 'With details', category: 'howto-style', language: 'fr' }))).status, 303);
    const page = (await supertest(t.app).get(`/watch/${video.publicId}`)).text;
    assert.match(page, /<dt>Category<\/dt><dd>Howto &amp; Style<\/dd>/);
    assert.match(page, /<dt>Language<\/dt><dd>French<\/dd>/);
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page)![1]!);
    assert.equal(jsonLd.genre, 'Howto & Style');
    assert.equal(jsonLd.inLanguage, 'fr');
    assert.doesNotMatch(page, /Edit video/);
    assert.doesNotMatch((await (await signedInAgent(t.app, await createUser())).get(`/watch/${video.publicId}`)).text, /Edit video/);
    assert.match((await agent.get(`/watch/${video.publicId}`)).text, new RegExp(`href="/studio/videos/${video.publicId}">Edit video`));
  });
});
