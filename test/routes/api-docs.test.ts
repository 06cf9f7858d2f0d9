import assert from 'node:assert/strict';
import supertest from 'supertest';
import { inlineCodeHtml, readDocument } from '../../src/api/openapi/reading.js';
import { useTestApp } from '../helpers/app.js';
import { apiDocument } from '../helpers/api.js';

/** The page's text with tags dropped and entities read, to look for words. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

describe('GET /api (the API reference, issue 15)', () => {
  const t = useTestApp();

  it('explains tokens, errors, pages, limits and CORS, and links the tokens page and the OpenAPI document', async () => {
    const res = await supertest(t.app).get('/api');
    assert.equal(res.status, 200);
    for (const heading of ['Access tokens', 'Errors', 'Pages of results', 'Rate limits', 'Other sites (CORS)']) assert.match(res.text, new RegExp(`<h2 id="[a-z-]+">${heading.replace(/[()]/g, '\\$&')}</h2>`));
    assert.match(res.text, /href="\/settings\/tokens"/);
    assert.match(res.text, /href="\/api\/v1\/openapi\.json"/);
    assert.match(res.text, /Authorization: Bearer tst_/);
    assert.match(res.text, new RegExp(`${t.config.apiRequestsPerMinute} requests a minute`));
  });

  it('names every operation of the document, whichever parts it holds, grouped by tag, with its scope, fields and answers', async () => {
    const text = textOf((await supertest(t.app).get('/api')).text);
    const groups = readDocument(apiDocument());
    assert.ok(groups.length > 0);
    let operations = 0;
    for (const group of groups) {
      assert.ok(text.includes(group.tag), group.tag);
      for (const op of group.operations) {
        operations += 1;
        assert.ok(text.includes(`${op.method} ${op.path}`), `${op.method} ${op.path}`);
        if (op.summary) assert.ok(text.includes(op.summary), op.summary);
        if (op.scope) assert.ok(text.includes(`scope ${op.scope}`), `${op.path}: scope ${op.scope}`);
        for (const p of op.parameters) assert.ok(text.includes(`${p.name} (${p.in}`), `${op.path}: parameter ${p.name}`);
        for (const f of op.body?.fields ?? []) assert.ok(text.includes(`${f.name} (${f.type}`), `${op.path}: field ${f.name}`);
        assert.ok(text.includes(op.responses.map((r) => r.status).join(', ')), `${op.path}: answers`);
      }
    }
    const documented = Object.values(apiDocument().paths).reduce((n, item) => n + Object.keys(item).length, 0);
    assert.equal(operations, documented, 'every operation once');
  });

  it('reads the upload operation: multipart fields, the upload scope, 201 and its refusals', () => {
    const upload = readDocument(apiDocument()).flatMap((g) => g.operations).find((op) => op.path === '/api/v1/uploads')!;
    assert.equal(upload.method, 'POST');
    assert.equal(upload.scope, 'videos:upload');
    assert.equal(upload.anonymous, false);
    assert.equal(upload.body?.contentType, 'multipart/form-data');
    assert.deepEqual(upload.body?.fields.map((f) => [f.name, f.required]), [['file', true], ['title', false], ['description', false], ['tags', false], ['visibility', false]]);
    assert.deepEqual(upload.responses.map((r) => r.status), ['201', '400', '401', '403', '413', '422', '429']);
    assert.ok(upload.responses.every((r) => r.description.length > 0), 'each answer described (shared problems resolved)');
    const video = readDocument(apiDocument()).flatMap((g) => g.operations).find((op) => op.path === '/api/v1/videos/{id}')!;
    assert.equal(video.anonymous, true);
    assert.deepEqual(video.parameters.map((p) => [p.name, p.in, p.required]), [['id', 'path', true]]);
  });

  it('shows the document\'s `code` as code, and everything else as text', async () => {
    assert.equal(inlineCodeHtml('Send `Authorization: Bearer <token>` & <b>wait</b>'), 'Send <code>Authorization: Bearer &lt;token&gt;</code> &amp; &lt;b&gt;wait&lt;/b&gt;');
    assert.match((await supertest(t.app).get('/api')).text, /in the field <code>file<\/code>/);
  });
});
