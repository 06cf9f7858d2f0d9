// Attack covered: hostile comment text, beyond what comments.test.ts checks on the watch page
// (HTML and </script> escaped there, an RTL override inside its dir="auto" paragraph, 10,000
// emoji accepted, 10,001 refused, a body over the limit 413). Here: the same text in JSON
// answers and on the pages added for moderators and authors (removal, versions, my comments);
// an RTL override in a display name; zero-width joiners kept exactly; the edit form's limits.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type Video = Awaited<ReturnType<typeof createVideo>>;

const SCRIPT = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
/** Man, woman, girl joined by zero-width joiners (one emoji of 5 code points), and a ZWJ/ZWNJ between letters. */
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
const JOINED = `a\u200Db\u200Cc ${FAMILY}`;

async function post(agent: Agent, video: Video, body: string, path = `/watch/${video.publicId}/comments`) {
  const token = await tokenFor(agent, `/watch/${video.publicId}`);
  return agent.post(path).set('Accept', 'application/json').type('form').send({ _csrf: token, body });
}

describe('comments: hostile text', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;
  let moderatorAgent: Agent;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, await createUser({ displayName: '\u202Eevil name <b>' }));
    moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  it('escapes HTML and </script> in JSON answers (\\u003c), which still read back as the text typed', async () => {
    const video = await createVideo(owner);
    const created = await post(agent, video, `First ${SCRIPT}`);
    assert.equal(created.status, 201);
    const id = created.body.id as number;
    const token = await tokenFor(agent, `/watch/${video.publicId}`);
    assert.equal((await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, body: `Second ${SCRIPT}` })).status, 303);
    const res = await moderatorAgent.get(`/comments/${id}/revisions`).set('Accept', 'application/json');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^application\/json/);
    assert.doesNotMatch(res.text, /<\/?script|<img/i);
    assert.match(res.text, /\\u003c\/script\\u003e/);
    assert.deepEqual(res.body.versions.map((v: { body: string }) => v.body), [`First ${SCRIPT}`, `Second ${SCRIPT}`]);
    // A refused form's JSON answer too.
    const refused = await post(agent, video, '\u{1F600}'.repeat(10_001));
    assert.equal(refused.status, 422);
    assert.doesNotMatch(refused.text, /</);
  });

  it('escapes the text on the removal page, the versions page and my comments', async () => {
    const video = await createVideo(owner, { title: `Title ${SCRIPT}` });
    const id = (await post(agent, video, `Body ${SCRIPT}`)).body.id as number;
    const pages = [
      (await moderatorAgent.get(`/comments/${id}/remove`)).text,
      (await moderatorAgent.get(`/comments/${id}/revisions`)).text,
      (await agent.get('/settings/comments')).text,
    ];
    for (const html of pages) {
      assert.doesNotMatch(html, /<script>alert|<img src=x/);
      assert.match(html, /Body &lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
    }
    assert.match(pages[2]!, /Title &lt;\/script&gt;/);
  });

  it('keeps an RTL override inside its own comment (dir="auto" text, names in <bdi>), on every page that shows it', async () => {
    const video = await createVideo(owner);
    const id = (await post(agent, video, '\u202Eoverride then more')).body.id as number;
    const watch = (await supertest(t.app).get(`/watch/${video.publicId}`)).text;
    assert.match(watch, /<p class="comment-text" dir="auto">\u202Eoverride then more<\/p>/, 'the override ends with its paragraph');
    assert.match(watch, /<bdi>\u202Eevil name &lt;b&gt;<\/bdi>/, 'a display name is isolated, and escaped');
    for (const html of [(await moderatorAgent.get(`/comments/${id}/remove`)).text, (await agent.get('/settings/comments')).text]) {
      assert.match(html, /<p class="comment-text" dir="auto">\u202Eoverride then more<\/p>/);
    }
    assert.match((await moderatorAgent.get(`/comments/${id}/remove`)).text, /<bdi>\u202Eevil name &lt;b&gt;<\/bdi>/);
  });

  it('keeps zero-width joiners and non-joiners exactly as typed, in the database and on the page', async () => {
    const video = await createVideo(owner);
    const id = (await post(agent, video, JOINED)).body.id as number;
    const { rows } = await testPool().query('SELECT body FROM comments WHERE id = $1', [id]);
    assert.equal(rows[0].body, JOINED);
    assert.ok((await supertest(t.app).get(`/watch/${video.publicId}`)).text.includes(`>${JOINED}</p>`));
  });

  it('counts characters as code points: 2,000 five-point family emoji are 10,000 and pass, one more joiner is refused; the edit form has the same limits and 413', async () => {
    const video = await createVideo(owner);
    const family = await post(agent, video, FAMILY.repeat(2_000));
    assert.equal(family.status, 201, '10,000 code points');
    assert.equal((await post(agent, video, `${FAMILY.repeat(2_000)}\u200D`)).status, 422);
    const id = family.body.id as number;
    const edit = (body: string) => post(agent, video, body, `/comments/${id}/edit`);
    assert.equal((await edit('\u{1F600}'.repeat(10_000))).status, 200, '10,000 emoji as an edit (about 120 kB as a form)');
    assert.equal((await edit('\u{1F600}'.repeat(10_001))).status, 422);
    assert.equal((await edit('x'.repeat(140_000))).status, 413);
    const { rows } = await testPool().query('SELECT char_length(body) AS n FROM comments WHERE id = $1', [id]);
    assert.equal(rows[0].n, 10_000);
  });
});
