import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import supertest from 'supertest';
import { changeSiteSettings, resetSiteSettings, useTestApp, useWorker } from '../helpers/app.js';
import { settingsFormValues } from '../../src/forms/site-settings.js';
import { fixtures } from '../helpers/fixtures.js';
import { attachRendition, publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';
import { uploadCaptions } from '../helpers/captions.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { insertVideoFile } from '../../src/db/video-files.js';
import { findComment, insertComment } from '../../src/db/comments.js';
import { heartComment, pinComment } from '../../src/db/comment-curation.js';
import { rankVideoComments } from '../../src/db/comment-ranking.js';
import { testPool, testQueue } from '../helpers/database.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { findOrCreateWatchLater, findPlaylistByPublicId, insertPlaylist } from '../../src/db/playlists.js';
import { reportedItem } from '../helpers/report-items.js';
import { createTestApp } from '../helpers/app.js';
import { insertNotification } from '../../src/db/notifications.js';
import { subscribe } from '../../src/db/subscriptions.js';
import { createToken } from '../helpers/api.js';
import { insertDeletionKey } from '../../src/db/video-deletion-keys.js';
import { newDeletionKey } from '../../src/uploads/deletion-keys.js';
import { csrfFrom } from '../helpers/agent.js';

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

  it('holds for my playlists (and its form sent back with errors), a playlist page with available and unavailable videos for its owner and a visitor, its edit page, and the channel tab with playlists', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    await assertValid((await agent.get('/playlists')).text, '/playlists');
    const refused = await agent.post('/playlists').type('form').send({ _csrf: await tokenFor(agent, '/playlists'), title: '', description: 'x'.repeat(5001), privacy: 'secret' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /playlists (422)');
    const made = await insertPlaylist(testPool(), user.id, { title: 'Valid list', description: 'A list\nof clips', privacy: 'public' }, 500);
    assert.notEqual(made, 'limit');
    const playlist = (await findPlaylistByPublicId(testPool(), (made as { publicId: string }).publicId))!;
    for (const visibility of ['public', 'private'] as const) await addVideoToPlaylist(testPool(), user.id, playlist.id, await createVideo(user, { title: `A ${visibility} clip`, visibility }), 5000);
    await assertValid((await agent.get('/playlists')).text, '/playlists with playlists');
    await assertValid((await agent.get(`/playlist/${playlist.publicId}`)).text, 'playlist page, owner');
    await assertValid((await supertest(t.app).get(`/playlist/${playlist.publicId}`)).text, 'playlist page, visitor (an unavailable video)');
    await assertValid((await agent.get(`/playlist/${playlist.publicId}/edit`)).text, 'playlist edit page');
    const badEdit = await agent.post(`/playlist/${playlist.publicId}/edit`).type('form').send({ _csrf: await tokenFor(agent, '/playlists'), title: 'x'.repeat(151), privacy: 'public' });
    assert.equal(badEdit.status, 422);
    await assertValid(badEdit.text, 'POST /playlist/:id/edit (422)');
    await assertValid((await supertest(t.app).get(`/@${user.handle}/playlists`)).text, 'channel playlists tab with a playlist');
  });

  it('holds for the watch page and the embed player playing a playlist (the panel with available and unavailable videos, shuffled and looped), and an empty playlist', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const made = await insertPlaylist(testPool(), user.id, { title: 'Played <list>', description: '', privacy: 'public' }, 500);
    assert.notEqual(made, 'limit');
    const playlist = (await findPlaylistByPublicId(testPool(), (made as { publicId: string }).publicId))!;
    const videos = [];
    for (const visibility of ['public', 'private', 'public'] as const) {
      const video = await createVideo(user, { title: `Played ${visibility} clip`, visibility });
      await attachRendition(video);
      await addVideoToPlaylist(testPool(), user.id, playlist.id, video, 5000);
      videos.push(video);
    }
    const list = `list=${playlist.publicId}`;
    await assertValid((await supertest(t.app).get(`/watch/${videos[0]!.publicId}?${list}&index=1`)).text, 'watch with ?list, visitor (an unavailable video)');
    await assertValid((await agent.get(`/watch/${videos[1]!.publicId}?${list}&index=2&loop=1`)).text, 'watch with ?list, owner, looped');
    await assertValid((await supertest(t.app).get(`/watch/${videos[2]!.publicId}?${list}&shuffle=abc`)).text, 'watch with ?list, shuffled');
    // The embed player is noindex and has no description: only its markup is checked.
    const embed = await validator.validateString((await supertest(t.app).get(`/embed/${videos[0]!.publicId}?${list}`)).text);
    assert.deepEqual(embed.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} (line ${m.line}): ${m.message}`)), [], 'embed with ?list');
    const empty = await insertPlaylist(testPool(), user.id, { title: 'Empty list', description: '', privacy: 'public' }, 500);
    await assertValid((await supertest(t.app).get(`/watch/${videos[0]!.publicId}?list=${(empty as { publicId: string }).publicId}`)).text, 'watch with an empty ?list');
  });

  it('holds for playlists found: search results with playlist cards, the channel tab paged and empty, a playlist page with its metadata', async () => {
    const user = await createUser();
    await assertValid((await supertest(t.app).get(`/@${user.handle}/playlists`)).text, 'channel playlists tab, empty, visitor');
    await assertValid((await (await signedInAgent(t.app, user)).get(`/@${user.handle}/playlists`)).text, 'channel playlists tab, empty, owner');
    const word = `validlist${Date.now().toString(36).replace(/[0-9]/g, 'q')}`;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const made = await insertPlaylist(testPool(), user.id, { title: `${word} <i>shelf</i> ${i}`, description: '', privacy: 'public' }, 500);
      ids.push((made as { publicId: string }).publicId);
    }
    const playlist = (await findPlaylistByPublicId(testPool(), ids.at(-1)!))!;
    const video = await createVideo(user, { title: `${word} clip` });
    await testPool().query(`UPDATE videos SET thumbnail_stem = 'thumb', thumbnail_widths = '{320,1280}' WHERE id = $1`, [video.id]);
    await addVideoToPlaylist(testPool(), user.id, playlist.id, await createVideo(user, { title: 'Hidden', visibility: 'private' }), 5000);
    await addVideoToPlaylist(testPool(), user.id, playlist.id, video, 5000);
    await assertValid((await supertest(t.app).get(`/search?q=${word}`)).text, 'search with a video and playlist cards');
    await assertValid((await supertest(t.app).get(`/@${user.handle}/playlists`)).text, 'channel playlists tab, first page of two');
    await assertValid((await supertest(t.app).get(`/@${user.handle}/playlists?after=${ids[1]}`)).text, 'channel playlists tab, last page');
    await assertValid((await supertest(t.app).get(`/playlist/${playlist.publicId}`)).text, 'playlist page with OpenGraph and JSON-LD');
  });

  it('holds for the Save page (with a saved playlist, its new-playlist form sent back with errors), Watch later with Remove watched videos, and Save on the watch page and cards signed in', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const video = await createVideo(await createUser(), { title: 'A clip to save' });
    const made = await insertPlaylist(testPool(), user.id, { title: 'Saved here', description: '', privacy: 'unlisted' }, 500);
    const playlist = (await findPlaylistByPublicId(testPool(), (made as { publicId: string }).publicId))!;
    await addVideoToPlaylist(testPool(), user.id, playlist.id, video, 5000);
    await assertValid((await agent.get(`/watch/${video.publicId}/save`)).text, '/watch/:id/save');
    const refused = await agent.post(`/watch/${video.publicId}/save/new`).type('form').send({ _csrf: await tokenFor(agent, '/playlists'), title: '', privacy: 'secret' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /watch/:id/save/new (422)');
    const later = await findOrCreateWatchLater(testPool(), user.id);
    await addVideoToPlaylist(testPool(), user.id, later.id, video, 5000);
    const laterPage = (await agent.get(`/playlist/${later.publicId}`)).text;
    assert.match(laterPage, /Remove watched videos/);
    await assertValid(laterPage, 'Watch later with Remove watched videos');
    await assertValid((await agent.get(`/watch/${video.publicId}`)).text, 'watch page with Save, signed in');
    await assertValid((await agent.get('/')).text, 'home with Save on cards, signed in');
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

  it('holds for the studio comments inbox (empty, with held and published comments and replies, filtered, paged, with a report) and the review rules (sent back with errors)', async () => {
    const owner = await createUser();
    const author = await createUser();
    const agent = await signedInAgent(t.app, owner);
    await assertValid((await agent.get('/studio/comments')).text, '/studio/comments (empty)');
    const video = await createVideo(owner, { title: 'Inbox <video>', durationSeconds: 120 });
    let root = 0;
    for (let i = 0; i < 52; i++) {
      const parent = root ? await findComment(testPool(), root) : null;
      const id = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: `At 0:3${i % 10} see https://example.com/${i} @someone\n<b>line</b> \u202Eevil`, parent: i % 3 === 2 ? parent : null, held: i % 2 === 0 }))!.id;
      if (i % 3 === 0) root = id;
    }
    for (const path of ['/studio/comments', '/studio/comments?state=held', '/studio/comments?state=published', `/studio/comments?after=${root}`]) await assertValid((await agent.get(path)).text, path);
    const token = await tokenFor(agent, '/studio/comments');
    await agent.post('/studio/comments/bulk').type('form').send(`_csrf=${encodeURIComponent(token)}&action=approve&ids=${root}&ids=999999999`);
    await assertValid((await agent.get('/studio/comments')).text, '/studio/comments with a report of a bulk action');
    const refusedBulk = await agent.post('/studio/comments/bulk').type('form').send({ _csrf: token, action: 'approve' });
    assert.equal(refusedBulk.status, 422);
    await assertValid(refusedBulk.text, 'POST /studio/comments/bulk (422)');
    await assertValid((await agent.get('/studio/comments/settings')).text, '/studio/comments/settings');
    const refused = await agent.post('/studio/comments/settings').type('form').send({ _csrf: token, holdLinks: 'on', blockedWords: 'x'.repeat(51) });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /studio/comments/settings (422)');
  });

  it('holds for the studio details page, sent back with errors, and the watch page with its details and Edit link', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const video = await createVideo(user, { title: 'Details page', visibility: 'scheduled' });
    const page = `/studio/videos/${video.publicId}`;
    await assertValid((await agent.get(page)).text, page);
    const token = await tokenFor(agent, page);
    const refused = await agent.post(page).type('form').send({ _csrf: token, title: '', description: 'x'.repeat(5001), tags: 'x'.repeat(31), visibility: 'nope', category: 'nope', language: 'nope' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, `POST ${page} (422)`);
    const badDate = await agent.post(page).type('form').send({ _csrf: token, title: 'Details page', visibility: 'scheduled', publishDate: '2000-01-01', publishTime: '10:00' });
    assert.equal(badDate.status, 422);
    await assertValid(badDate.text, `POST ${page} (422, schedule)`);
    await agent.post(page).type('form').send({ _csrf: token, title: 'Details page', visibility: 'public', category: 'music', language: 'en' });
    const watch = await agent.get(`/watch/${video.publicId}`);
    assert.match(watch.text, /Edit video/);
    await assertValid(watch.text, 'watch page with category, language and Edit');
  });

  it('holds for the studio captions page (empty, with tracks, a refused file) and players with <track>', async function () {
    this.timeout(60_000);
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const video = await createVideo(user, { title: 'Captioned' });
    const page = `/studio/videos/${video.publicId}/captions`;
    await assertValid((await agent.get(page)).text, `${page} (no tracks)`);
    assert.equal((await uploadCaptions(agent, video, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n')).status, 303);
    assert.equal((await uploadCaptions(agent, video, '1\n00:00:01,000 --> 00:00:02,000\nOi\n', { language: 'pt-BR', label: 'Português <BR>' }, 'c.srt')).status, 303);
    await assertValid((await agent.get(page)).text, `${page} (two tracks)`);
    const refused = await uploadCaptions(agent, video, 'WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n', { language: 'not a tag', label: '' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, `POST ${page} (422)`);
    await attachRendition(video);
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with caption tracks');
  });

  it('holds for the chapters tab, its form sent back with errors, and a watch page with chapters', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const video = await createVideo(user, { description: '0:00 Intro\n0:30 Middle\n1:00 End', durationSeconds: 90 });
    await insertVideoFile(testPool(), video.id, { kind: 'rendition', name: '360p-html.mp4', storageKey: `videos/${video.publicId}/360p-html.mp4`, mimeType: 'video/mp4', width: 640, height: 360, bytes: 1000 });
    const page = `/studio/videos/${video.publicId}/chapters`;
    await assertValid((await agent.get(page)).text, page);
    const token = await tokenFor(agent, page);
    const refused = await agent.post(page).type('form').send(`_csrf=${encodeURIComponent(token)}&source=table&start%5B%5D=0:05&title%5B%5D=A&start%5B%5D=x&title%5B%5D=&start%5B%5D=&title%5B%5D=`);
    assert.equal(refused.status, 422);
    await assertValid(refused.text, `POST ${page} (422)`);
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with chapters');
  });

  it('holds for a watch page with comments, signed in and out, a thread, and the comment form sent back with errors', async () => {
    const owner = await createUser();
    const author = await createUser();
    const agent = await signedInAgent(t.app, author);
    const video = await createVideo(owner, { durationSeconds: 120 });
    const root = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'At 1:05 see https://example.com/x <b>bold</b>\nsecond line @nobody', parent: null }))!.id;
    const parent = await findComment(testPool(), root);
    const reply = await findComment(testPool(), (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'A reply', parent }))!.id);
    await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A reply to the reply', parent: reply });
    await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: '\u202Eevil', parent: null });
    // A player, and a timecoded comment that is a seek-bar marker (data-comment-markers on it).
    await attachRendition(video, 120);
    await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: '0:30 "quoted" <b>marker</b>', parent: null });
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with comments, signed out');
    await assertValid((await agent.get(`/watch/${video.publicId}`)).text, 'watch page with comments, signed in, edit and delete forms');
    await assertValid((await agent.get(`/watch/${video.publicId}?thread=${root}`)).text, 'watch page with a thread');
    await pinComment(testPool(), video.id, root);
    await heartComment(testPool(), root, true);
    const ownerAgent = await signedInAgent(t.app, owner);
    const curated = (await ownerAgent.get(`/watch/${video.publicId}`)).text;
    assert.match(curated, /Pinned by the creator/);
    await assertValid(curated, "watch page with a pinned and hearted comment, as the creator (pin, heart and delete forms)");
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with a pinned and hearted comment, signed out');
    await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Waiting for the creator', parent: null, held: true });
    await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
    const reviewing = (await ownerAgent.get(`/watch/${video.publicId}`)).text;
    assert.match(reviewing, /\/approve"/);
    await assertValid(reviewing, 'watch page with a held comment, as the creator (approve form, comments mode form)');
    await assertValid((await agent.get(`/watch/${video.publicId}`)).text, 'watch page with a held comment, as its author (waiting for review)');
    const token = await tokenFor(agent, `/watch/${video.publicId}`);
    const refused = await agent.post(`/watch/${video.publicId}/comments`).type('form').send({ _csrf: token, body: '' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'comment form sent back (422)');
  });

  it('holds for the moderators\' comment pages (watch page with removal forms and held comments, removal, revisions) and my comments', async () => {
    const owner = await createUser();
    const author = await createUser();
    const authorAgent = await signedInAgent(t.app, author);
    const moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const video = await createVideo(owner, { title: 'Moderated <video>' });
    const root = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Root \u202Eevil <b>x</b>', parent: null }))!.id;
    await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'A reply', parent: await findComment(testPool(), root) });
    const edited = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'First text', parent: null }))!.id;
    const token = await tokenFor(authorAgent, `/watch/${video.publicId}`);
    assert.equal((await authorAgent.post(`/comments/${edited}/edit`).type('form').send({ _csrf: token, body: 'Second text\nwith a line' })).status, 303);
    await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Held one', parent: null, held: true });
    const watch = (await moderatorAgent.get(`/watch/${video.publicId}`)).text;
    assert.match(watch, /\/remove"/);
    assert.match(watch, /waiting for review/);
    await assertValid(watch, 'watch page as a moderator (removal forms, revisions link, a held comment)');
    await assertValid((await moderatorAgent.get(`/comments/${root}/remove`)).text, 'GET /comments/:id/remove');
    const modToken = await tokenFor(moderatorAgent, `/comments/${root}/remove`);
    const refused = await moderatorAgent.post(`/comments/${root}/remove`).type('form').send({ _csrf: modToken, reason: '', note: 'x'.repeat(1001) });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /comments/:id/remove (422)');
    await assertValid((await moderatorAgent.get(`/comments/${edited}/revisions`)).text, 'GET /comments/:id/revisions');
    assert.equal((await moderatorAgent.post(`/comments/${root}/remove`).type('form').send({ _csrf: modToken, reason: 'spam' })).status, 303);
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with a [removed] placeholder');
    await assertValid((await moderatorAgent.get(`/comments/${root}/revisions`)).text, 'GET /comments/:id/revisions of a removed comment');
    const hidden = await createVideo(owner, { visibility: 'private' });
    await insertComment(testPool(), { videoId: hidden.id, authorId: author.id, body: 'On a private video', parent: null });
    const mine = (await authorAgent.get('/settings/comments')).text;
    assert.match(mine, /Removed by a moderator/);
    assert.match(mine, /no longer available/);
    await assertValid(mine, 'GET /settings/comments (every state)');
    await assertValid((await (await signedInAgent(t.app, await createUser())).get('/settings/comments')).text, 'GET /settings/comments (none)');
  });

  it('holds for the comments sorted by Top and Newest, a later page, and a Top page started again after a re-rank', async () => {
    const owner = await createUser();
    const video = await createVideo(owner);
    for (let i = 0; i < 22; i++) await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: `Comment ${i}`, parent: null });
    const top = (await supertest(t.app).get(`/watch/${video.publicId}`)).text;
    await assertValid(top, 'watch page, comments in Top');
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`)).text, 'watch page, comments in Newest');
    const next = /href="([^"]+)#comments">More comments/.exec(top)![1]!.replaceAll('&amp;', '&');
    await assertValid((await supertest(t.app).get(next)).text, 'watch page, a later page of Top');
    await rankVideoComments(testPool(), video.id);
    await rankVideoComments(testPool(), video.id);
    const restarted = (await supertest(t.app).get(next)).text;
    assert.match(restarted, /data-comments-restarted/);
    await assertValid(restarted, 'watch page, Top started again with a notice');
  });

  it('holds for the report pages of a video, a comment and a channel, a report sent back with errors, and my reports', async () => {
    const owner = await createUser();
    const reporter = await createUser();
    const agent = await signedInAgent(t.app, reporter);
    const video = await createVideo(owner, { title: 'Reported <video>', durationSeconds: 90 });
    const comment = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Reported \u202Ecomment <b>x</b>', parent: null }))!.id;
    const watch = (await agent.get(`/watch/${video.publicId}`)).text;
    assert.match(watch, /\/report"/);
    await assertValid(watch, 'watch page with Report links');
    await assertValid((await agent.get(`/@${owner.handle}/about`)).text, 'channel About with its Report link');
    await assertValid((await supertest(t.app).get(`/watch/${video.publicId}`)).text, 'watch page with Report links, signed out');
    for (const path of [`/watch/${video.publicId}/report`, `/comments/${comment}/report`, `/@${owner.handle}/report`]) await assertValid((await agent.get(path)).text, path);
    const token = await tokenFor(agent, `/watch/${video.publicId}/report`);
    const refused = await agent.post(`/watch/${video.publicId}/report`).type('form').send({ _csrf: token, reason: '', text: 'x'.repeat(3001), time: '9:99' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /watch/:id/report (422)');
    await assertValid((await agent.get('/settings/reports')).text, 'GET /settings/reports (none)');
    assert.equal((await agent.post(`/watch/${video.publicId}/report`).type('form').send({ _csrf: token, reason: 'spam', text: 'Spam <here>', time: '1:00' })).status, 303);
    assert.equal((await agent.post(`/comments/${comment}/report`).type('form').send({ _csrf: token, reason: 'hate' })).status, 303);
    assert.equal((await agent.post(`/@${owner.handle}/report`).type('form').send({ _csrf: token, reason: 'other' })).status, 303);
    await assertValid((await agent.get(`/watch/${video.publicId}/report`)).text, 'GET /watch/:id/report (updating my open report)');
    const gone = await createVideo(owner);
    assert.equal((await agent.post(`/watch/${gone.publicId}/report`).type('form').send({ _csrf: token, reason: 'violence' })).status, 303);
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [gone.id]);
    await testPool().query(`UPDATE reports SET status = 'handled', handled_at = now() WHERE reporter_id = $1 AND target_kind = 'channel'`, [reporter.id]);
    const mine = (await agent.get('/settings/reports')).text;
    assert.match(mine, /no longer available/);
    assert.match(mine, /Handled/);
    await assertValid(mine, 'GET /settings/reports (every state)');
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    await assertValid((await moderator.get('/admin/reports')).text, 'GET /admin/reports');
    await assertValid((await moderator.get('/admin/reports?kind=channel&reason=child_safety')).text, 'GET /admin/reports (filtered, none)');
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

  it('holds for the administration pages: dashboard, audit log (entries, filters sent back with errors), jobs (waiting, running, failed), as admin and moderator', async () => {
    const owner = await createUser();
    const admin = await createUser({ roles: ['admin'] });
    const failed = await createVideo(owner, { status: 'failed', title: 'Failed for the HTML check' });
    const waiting = await createVideo(owner, { status: 'uploaded' });
    const running = await createVideo(owner, { status: 'processing' });
    await testQueue().boss.send(PROCESS_VIDEO, { videoId: waiting.id });
    const runningJob = (await testQueue().boss.send(PROCESS_VIDEO, { videoId: running.id }))!;
    await testPool().query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND id = $2`, [PROCESS_VIDEO, runningJob]);
    await testPool().query(
      `INSERT INTO audit_log (actor_id, action, target_kind, target_id, subject_user_id, reason, note, before, after)
       VALUES ($1, 'job.retry', 'video', $2, $3, 'other', 'A note', '{"status":"failed"}', '{"status":"uploaded"}')`,
      [admin.id, failed.id, owner.id],
    );
    const agent = await signedInAgent(t.app, admin);
    for (const path of ['/admin', '/admin/jobs', '/admin/audit', `/admin/audit?actor=${admin.handle}&kind=video`, '/admin/audit?from=2025-02-30&kind=Bad', '/admin/audit?after=x']) {
      await assertValid((await agent.get(path)).text, path);
    }
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    await assertValid((await moderator.get('/admin/audit')).text, '/admin/audit as a moderator');
  });

  it('holds for the people and roles pages (lists, a person, a role, forms sent back with errors), for an admin and a moderator', async () => {
    const admin = await signedInAgent(t.app, await createUser({ roles: ['user', 'admin'] }));
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['user', 'moderator'] }));
    const person = await createUser({ roles: ['user'], email: `html-${Date.now()}@example.test` });
    const token = await tokenFor(admin, '/admin/roles');
    await admin.post(`/admin/users/${person.handle}/roles`).type('form').send({ _csrf: token, role: 'moderator' });
    const role = `html-${Date.now() % 100000}`;
    await admin.post('/admin/roles').type('form').send({ _csrf: token, name: role, description: 'For the validity test', permissions: 'video.upload' });
    for (const path of ['/admin/roles', '/admin/roles/admin', '/admin/roles/moderator', `/admin/roles/${role}`, '/admin/users', `/admin/users?q=${person.handle}&role=user&status=active`, '/admin/users?q=nobody-matches-this', `/admin/users/${person.handle}`]) {
      await assertValid((await admin.get(path)).text, path);
    }
    for (const path of ['/admin/users', `/admin/users/${person.handle}`]) await assertValid((await moderator.get(path)).text, `${path} (moderator)`);
    const refused = await admin.post('/admin/roles').type('form').send({ _csrf: token, name: 'Bad Name', description: '', permissions: 'nope' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/roles (422)');
    const refusedEdit = await admin.post(`/admin/roles/${role}`).type('form').send({ _csrf: token, description: '' });
    assert.equal(refusedEdit.status, 422);
    await assertValid(refusedEdit.text, 'POST /admin/roles/:name (422)');
    const refusedGrant = await admin.post(`/admin/users/${person.handle}/roles`).type('form').send({ _csrf: token, role: 'no-such-role' });
    assert.equal(refusedGrant.status, 422);
    await assertValid(refusedGrant.text, 'POST /admin/users/:handle/roles (422)');
  });

  it('holds for the ban, unban and account deletion pages (issue 13, item 4), with their errors, and the ban notice', async () => {
    const moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const adminAgent = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    const target = await createUser({ displayName: 'Banned <person> \u202Eevil' });
    const banPage = `/admin/users/${target.handle}/ban`;
    await assertValid((await moderatorAgent.get(banPage)).text, 'GET /admin/users/:handle/ban (not banned)');
    await assertValid((await adminAgent.get(banPage)).text, 'GET /admin/users/:handle/ban (as an admin, with the delete link)');
    const modToken = await tokenFor(moderatorAgent, banPage);
    const refused = await moderatorAgent.post(banPage).type('form').send({ _csrf: modToken, reason: '', note: 'x'.repeat(1001), untilDate: '2020-01-01' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/users/:handle/ban (422)');
    assert.equal((await moderatorAgent.post(banPage).type('form').send({ _csrf: modToken, reason: 'spam', note: 'A <note>', untilDate: '2030-01-01', untilTime: '08:30' })).status, 303);
    await assertValid((await moderatorAgent.get(banPage)).text, 'GET /admin/users/:handle/ban (banned, with the unban form)');
    const unbanRefused = await moderatorAgent.post(`/admin/users/${target.handle}/unban`).type('form').send({ _csrf: modToken, reason: 'bribe' });
    assert.equal(unbanRefused.status, 422);
    await assertValid(unbanRefused.text, 'POST /admin/users/:handle/unban (422)');
    const banned = await signedInAgent(t.app, target);
    const notice = await banned.get('/');
    assert.equal(notice.status, 403);
    await assertValid(notice.text, 'the ban notice');
    const deletePage = `/admin/users/${target.handle}/delete`;
    await assertValid((await adminAgent.get(deletePage)).text, 'GET /admin/users/:handle/delete');
    const adminToken = await tokenFor(adminAgent, deletePage);
    const deleteRefused = await adminAgent.post(deletePage).type('form').send({ _csrf: adminToken, reason: 'spam', confirm: 'not the handle' });
    assert.equal(deleteRefused.status, 422);
    await assertValid(deleteRefused.text, 'POST /admin/users/:handle/delete (422)');
  });

  it('holds for the upload limits form (issue 13, item 9) on the person\'s page and its own, with errors, and the upload page\'s limits', async () => {
    const admin = await signedInAgent(t.app, await createUser({ roles: ['user', 'admin'] }));
    const person = await createUser();
    await createVideo(person);
    for (const path of [`/admin/users/${person.handle}`, `/admin/users/${person.handle}/limits`]) await assertValid((await admin.get(path)).text, path);
    const token = await tokenFor(admin, `/admin/users/${person.handle}/limits`);
    const refused = await admin.post(`/admin/users/${person.handle}/limits`).type('form').send({ _csrf: token, maxUploadBytes: 'lots', maxUploadBytesUnit: 'TB', uploadsPerDay: '0', uploadBytesPerDay: '', uploadBytesPerDayUnit: 'GB', storageQuotaBytes: '-1', storageQuotaBytesUnit: 'GB' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/users/:handle/limits (422)');
    await assertValid((await (await signedInAgent(t.app, person)).get('/upload')).text, '/upload with usage');
  });

  it('holds for the comments held for watched words (issue 13, item 9), with a refused removal', async () => {
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['user', 'moderator'] }));
    const owner = await createUser();
    const video = await createVideo(owner);
    const author = await createUser({ displayName: 'Held <author> \u202Eevil' });
    const root = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A scam, see https://example.com at 0:10', parent: null, held: true, heldReason: 'watched-word' }))!;
    await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Another scam', parent: null, held: true, heldReason: 'watched-word' });
    await assertValid((await moderator.get('/admin/comments/held')).text, '/admin/comments/held');
    await assertValid((await moderator.get('/admin/comments/held?after=1')).text, '/admin/comments/held (a later page, empty)');
    const token = await tokenFor(moderator, '/admin/comments/held');
    const refused = await moderator.post(`/admin/comments/held/${root.id}/remove`).type('form').send({ _csrf: token, reason: '', note: 'x'.repeat(1001) });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/comments/held/:id/remove (422)');
  });

  it('holds for the site settings (issue 13, item 9): the form, sent back with errors, /about, /rules, sign-up closed or needing approval, the waiting page, pending accounts', async () => {
    try {
      const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
      await assertValid((await admin.get('/admin/settings')).text, 'GET /admin/settings');
      const token = await tokenFor(admin, '/admin/settings');
      const form = settingsFormValues(await t.settings.get());
      const refused = await admin.post('/admin/settings').type('form').send({ _csrf: token, ...form, siteName: '', registration: 'x', maxUploadBytes: 'lots', uploadsPerDay: '0', watchedWords: 'w'.repeat(101) });
      assert.equal(refused.status, 422);
      await assertValid(refused.text, 'POST /admin/settings (422)');
      await assertValid((await supertest(t.app).get('/about')).text, 'GET /about (nothing written)');
      const saved = await admin.post('/admin/settings').type('form').send({ _csrf: token, ...form, siteDescription: 'Videos of the valley.', aboutText: 'Run by <us>.\nLine two.\n\nSecond.', rulesText: 'Be kind.\n\nNo spam.', registration: 'approval' });
      assert.equal(saved.status, 303);
      for (const path of ['/about', '/rules', '/register', '/']) await assertValid((await supertest(t.app).get(path)).text, `GET ${path} (with the settings)`);
      const handle = `wait${Date.now() % 1_000_000}`;
      const visitor = supertest.agent(t.app);
      const signUpToken = await tokenFor(visitor, '/register');
      assert.equal((await visitor.post('/register').type('form').send({ _csrf: signUpToken, handle, displayName: 'Waiting person', email: '', password: 'a long and unusual passphrase 42' })).status, 303);
      await assertValid((await visitor.get('/login')).text, 'GET /login (after a sign-up waiting for approval)');
      const waiting = await visitor.post('/login').type('form').send({ _csrf: signUpToken, login: handle, password: 'a long and unusual passphrase 42' });
      assert.equal(waiting.status, 403);
      await assertValid(waiting.text, 'the waiting-for-approval page');
      await assertValid((await admin.get('/admin/users?status=pending')).text, 'GET /admin/users?status=pending');
      await assertValid((await admin.get(`/admin/users/${handle}`)).text, 'GET /admin/users/:handle (waiting)');
      await changeSiteSettings(t, { registration: 'closed' });
      for (const path of ['/register', '/login', '/']) await assertValid((await supertest(t.app).get(path)).text, `GET ${path} (sign-ups closed)`);
      await testPool().query('UPDATE users SET pending_at = NULL WHERE handle = $1', [handle]);
    } finally {
      await resetSiteSettings(t);
    }
  });

  it('holds for the take-down pages (issue 13, item 3): the form and its errors, the take-down in force, the owner\'s notice and appeal, the appeals queue, an appeal for the taker and for another moderator, pending uploads and the reject form', async () => {
    const owner = await createUser();
    const ownerAgent = await signedInAgent(t.app, owner);
    const taker = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const other = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const video = await createVideo(owner, { title: 'Taken <down> clip' });
    await attachRendition(video);
    const page = `/admin/videos/${video.publicId}/takedown`;
    await assertValid((await taker.get(page)).text, 'GET /admin/videos/:id/takedown');
    await assertValid((await taker.get(`${page}?item=3`)).text, 'GET /admin/videos/:id/takedown?item=');
    await assertValid((await taker.get(`/watch/${video.publicId}`)).text, 'watch page with Take down');
    const token = await tokenFor(taker, page);
    const refused = await taker.post(page).type('form').send({ _csrf: token, reason: '', policy: 'x'.repeat(2001) });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/videos/:id/takedown (422)');
    assert.equal((await taker.post(page).type('form').send({ _csrf: token, reason: 'spam', policy: 'Rule 1:\nno <spam>.', note: 'A note' })).status, 303);
    await assertValid((await taker.get(page)).text, 'GET /admin/videos/:id/takedown (taken down, with Restore)');
    await assertValid((await ownerAgent.get(`/watch/${video.publicId}`)).text, 'watch page of a taken-down video, owner');
    await assertValid((await ownerAgent.get(`/studio/videos/${video.publicId}`)).text, 'studio page of a taken-down video');
    await assertValid((await ownerAgent.get('/studio')).text, 'studio list with a taken-down video');
    const appealPage = `/studio/videos/${video.publicId}/appeal`;
    await assertValid((await ownerAgent.get(appealPage)).text, 'GET /studio/videos/:id/appeal');
    const ownerToken = await tokenFor(ownerAgent, appealPage);
    const badAppeal = await ownerAgent.post(appealPage).type('form').send({ _csrf: ownerToken, text: '' });
    assert.equal(badAppeal.status, 422);
    await assertValid(badAppeal.text, 'POST /studio/videos/:id/appeal (422)');
    assert.equal((await ownerAgent.post(appealPage).type('form').send({ _csrf: ownerToken, text: 'My <own> film.' })).status, 303);
    await assertValid((await ownerAgent.get(appealPage)).text, 'GET /studio/videos/:id/appeal (appealed)');
    const { rows } = await testPool().query('SELECT id FROM video_takedowns WHERE video_id = $1', [video.id]);
    const appeal = `/admin/appeals/${rows[0].id}`;
    await assertValid((await other.get('/admin/appeals')).text, 'GET /admin/appeals');
    await assertValid((await taker.get(appeal)).text, 'GET /admin/appeals/:id (the taker: no form)');
    await assertValid((await other.get(appeal)).text, 'GET /admin/appeals/:id');
    const badDecision = await other.post(appeal).type('form').send({ _csrf: await tokenFor(other, appeal), decision: 'maybe', message: '' });
    assert.equal(badDecision.status, 422);
    await assertValid(badDecision.text, 'POST /admin/appeals/:id (422)');
    const heldVideo = await createVideo(owner, { title: 'Held <clip>' });
    await testPool().query(`UPDATE videos SET moderation = 'held' WHERE id = $1`, [heldVideo.id]);
    await assertValid((await other.get('/admin/videos/pending')).text, 'GET /admin/videos/pending');
    await assertValid((await other.get(`/admin/videos/${heldVideo.publicId}/reject`)).text, 'GET /admin/videos/:id/reject');
    await assertValid((await ownerAgent.get(`/watch/${heldVideo.publicId}`)).text, 'watch page of a held video, owner');
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
      await assertValid((await agent.get(`/studio/videos/${publicId}/thumbnail`)).text, 'studio thumbnail while processing');
      await waitForProcessing(publicId);
      const thumbnail = `/studio/videos/${publicId}/thumbnail`;
      await assertValid((await agent.get(thumbnail)).text, thumbnail);
      const lateFrame = await agent.post(`${thumbnail}/frame`).type('form').send({ _csrf: await tokenFor(agent, thumbnail), time: '99:00' });
      assert.equal(lateFrame.status, 422);
      await assertValid(lateFrame.text, `POST ${thumbnail}/frame (422)`);
      for (const path of [`/watch/${publicId}`, '/studio', '/', `/@${user.handle}`, `/@${user.handle}/playlists`, `/@${user.handle}/about`, '/feed/subscriptions', '/search?q=valid+page']) {
        await assertValid((await agent.get(path)).text, path);
      }
      await assertValid((await supertest(t.app).get(`/watch/${publicId}`)).text, 'watch page, signed out');
    });
  });
});

describe('HTML validity and accessibility: a queue item and warnings (issue 13, item 2)', function () {
  this.timeout(60_000);
  const t = useTestApp();

  it('holds for the item pages of each kind, a refused action, the take-over page, the warning notice and my warnings', async () => {
    const owner = await createUser();
    const ownerAgent = await signedInAgent(t.app, owner);
    const moderatorUser = await createUser({ roles: ['moderator'] });
    const moderator = await signedInAgent(t.app, moderatorUser);
    const other = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const video = await createVideo(owner, { title: 'Reported <video>', durationSeconds: 90 });
    await attachRendition(video);
    const videoItem = await reportedItem('video', video.id, owner.id, { reason: 'violence', seconds: 42, text: 'Look at <this>' });
    const comment = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Reported \u202Ecomment <b>x</b>', parent: null }))!.id;
    const commentItem = await reportedItem('comment', comment, owner.id, { reason: 'hate' });
    const channelItem = await reportedItem('channel', owner.id, owner.id, { reason: 'other' });
    await assertValid((await moderator.get(`/admin/reports/${videoItem}`)).text, 'GET /admin/reports/:id (video)');
    await assertValid((await moderator.get(`/admin/reports/${commentItem}`)).text, 'GET /admin/reports/:id (comment)');
    await assertValid((await moderator.get(`/admin/reports/${channelItem}`)).text, 'GET /admin/reports/:id (channel)');
    const token = await tokenFor(moderator, `/admin/reports/${videoItem}`);
    for (const [action, form] of [['dismiss', { reason: '' }], ['warn', { reason: 'x', message: '', note: 'n'.repeat(1001) }], ['ban', { reason: 'spam', untilDate: '2000-01-01' }]] as const) {
      const refused = await moderator.post(`/admin/reports/${videoItem}/${action}`).type('form').send({ _csrf: token, ...form });
      assert.equal(refused.status, 422);
      await assertValid(refused.text, `POST /admin/reports/:id/${action} (422)`);
    }
    assert.equal((await moderator.post(`/admin/reports/${commentItem}/claim`).type('form').send({ _csrf: token })).status, 303);
    await assertValid((await moderator.get('/admin/reports')).text, 'GET /admin/reports (with a claim)');
    await assertValid((await moderator.get(`/admin/reports/${commentItem}`)).text, 'GET /admin/reports/:id (claimed by me)');
    const otherToken = await tokenFor(other, '/admin/reports');
    const ask = await other.post(`/admin/reports/${commentItem}/claim`).type('form').send({ _csrf: otherToken });
    assert.equal(ask.status, 409);
    await assertValid(ask.text, 'POST /admin/reports/:id/claim (someone else holds it)');
    assert.equal((await moderator.post(`/admin/reports/${videoItem}/warn`).type('form').send({ _csrf: token, reason: 'violence', message: 'Please read the rules <now>.' })).status, 303);
    const warned = await ownerAgent.get('/');
    assert.match(warned.text, /A warning from the moderators/);
    await assertValid(warned.text, 'a page with the warning notice');
    await assertValid((await ownerAgent.get('/settings/warnings')).text, 'GET /settings/warnings');
    await assertValid((await moderator.get(`/admin/reports/${videoItem}`)).text, 'GET /admin/reports/:id (handled)');
    await assertValid((await moderator.get(`/admin/users/${owner.handle}`)).text, 'GET /admin/users/:handle (with a warning)');
  });
});

describe('HTML validity and accessibility: account email (issue 14, item 6)', () => {
  // Mail on, written to the (silent) log; the mail jobs the pages queue are removed after.
  const t = useTestApp({ MAIL_TRANSPORT: 'log' });
  const off = useTestApp({ MAIL_TRANSPORT: 'off' });
  after(() => testPool().query(`DELETE FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' LIKE '%@html-mail.test'`));

  it('holds for the forgot-password page (mail on and off, answered, refused), the reset form (and with errors), the done pages, a bad link, and the settings email section', async () => {
    // Imported here so that this block stays one piece appended to the file.
    const { insertEmailToken } = await import('../../src/db/email-tokens.js');
    const user = await createUser({ email: `html-${Date.now()}@html-mail.test`, confirmedEmail: true });
    const visitor = supertest.agent(t.app);
    await assertValid((await visitor.get('/forgot-password')).text, 'GET /forgot-password');
    await assertValid((await supertest(off.app).get('/forgot-password')).text, 'GET /forgot-password (mail off)');
    const token = await tokenFor(visitor, '/forgot-password');
    const refused = await visitor.post('/forgot-password').type('form').send({ _csrf: token, email: 'not an address' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /forgot-password (422)');
    const answered = await visitor.post('/forgot-password').type('form').send({ _csrf: token, email: user.email });
    assert.equal(answered.status, 200);
    await assertValid(answered.text, 'POST /forgot-password (200)');

    const reset = await insertEmailToken(testPool(), { userId: user.id, purpose: 'reset', email: user.email!, now: new Date() });
    await assertValid((await visitor.get(`/reset-password/${reset}`)).text, 'GET /reset-password/:token');
    const weak = await visitor.post(`/reset-password/${reset}`).type('form').send({ _csrf: token, newPassword: 'short', confirmPassword: 'short' });
    assert.equal(weak.status, 422);
    await assertValid(weak.text, 'POST /reset-password/:token (422)');
    const done = await visitor.post(`/reset-password/${reset}`).type('form').send({ _csrf: token, newPassword: 'a brand new passphrase 31', confirmPassword: 'a brand new passphrase 31' });
    assert.equal(done.status, 200);
    await assertValid(done.text, 'POST /reset-password/:token (done)');
    const used = await visitor.get(`/reset-password/${reset}`);
    assert.equal(used.status, 410);
    await assertValid(used.text, 'GET /reset-password/:token (used)');
    await assertValid((await visitor.get(`/confirm-email/${'A'.repeat(43)}`)).text, 'GET /confirm-email/:token (unknown)');
    await assertValid((await visitor.post(`/confirm-email/${'A'.repeat(43)}`).type('form').send({ _csrf: token })).text, 'POST /confirm-email/:token (unknown)');

    const person = await createUser();
    const agent = await signedInAgent(t.app, person);
    await assertValid((await agent.get('/settings')).text, '/settings (no address)');
    const settingsToken = await tokenFor(agent, '/settings');
    const bad = await agent.post('/settings/email').type('form').send({ _csrf: settingsToken, email: 'nope' });
    assert.equal(bad.status, 422);
    await assertValid(bad.text, 'POST /settings/email (422)');
    const email = `person-${Date.now()}@html-mail.test`;
    assert.equal((await agent.post('/settings/email').type('form').send({ _csrf: settingsToken, email, currentPassword: person.password })).status, 303);
    await assertValid((await agent.get('/settings')).text, '/settings (an address waiting)');
    await assertValid((await agent.get('/settings/email')).text, '/settings/email');
    const confirm = await insertEmailToken(testPool(), { userId: person.id, purpose: 'confirm', email, now: new Date() });
    const asking = await agent.get(`/confirm-email/${confirm}`);
    assert.equal(asking.status, 200);
    await assertValid(asking.text, 'GET /confirm-email/:token');
    const confirmed = await agent.post(`/confirm-email/${confirm}`).type('form').send({ _csrf: settingsToken });
    assert.equal(confirmed.status, 200);
    await assertValid(confirmed.text, 'POST /confirm-email/:token (confirmed)');
    await assertValid((await agent.get('/settings')).text, '/settings (confirmed, with the password field)');
    const wrong = await agent.post('/settings/email').type('form').send({ _csrf: settingsToken, email: `other-${email}`, currentPassword: 'wrong one' });
    assert.equal(wrong.status, 422);
    await assertValid(wrong.text, 'POST /settings/email (wrong password)');
    const offAgent = await signedInAgent(off.app, await createUser({ email: `off-${Date.now()}@html-mail.test` }));
    await assertValid((await offAgent.get('/settings')).text, '/settings (mail off)');
    const offToken = await tokenFor(offAgent, '/settings');
    const offRes = await offAgent.post('/settings/email/resend').type('form').send({ _csrf: offToken });
    assert.equal(offRes.status, 409);
    await assertValid(offRes.text, 'POST /settings/email/resend (mail off, 409)');
  });
});

describe('HTML validity and accessibility: the mail page (issue 14)', () => {
  const t = useTestApp({ SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'Videos <videos@example.test>' });
  const off = useTestApp();

  it('holds with mail on and off, and with the test form sent back with errors', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const on = await signedInAgent(t.app, admin);
    await assertValid((await on.get('/admin/mail')).text, 'GET /admin/mail (mail on)');
    const token = await tokenFor(on, '/admin/mail');
    const refused = await on.post('/admin/mail/test').type('form').send({ _csrf: token, to: 'nope' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /admin/mail/test (422)');
    await assertValid((await (await signedInAgent(off.app, admin)).get('/admin/mail')).text, 'GET /admin/mail (mail off)');
  });
});

describe('HTML validity and accessibility: notifications in the site (issue 14)', function () {
  this.timeout(60_000);
  const t = useTestApp();

  it('holds for the list (items, a quote, an unavailable item, filtered, empty, a later page), the bell, the preferences (errors, mail off, no confirmed address) and a channel bell', async () => {
    const me = await createUser();
    const owner = await createUser({ displayName: 'Channel <b>' });
    const agent = await signedInAgent(t.app, me);
    const video = await createVideo(owner, { title: 'A <video> & more' });
    const gone = await createVideo(owner, { title: 'Soon private' });
    const root = (await insertComment(testPool(), { videoId: video.id, authorId: me.id, body: 'Mine', parent: null }))!.id;
    const reply = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'A reply with <tags> & \u202Ebidi', parent: await findComment(testPool(), root) }))!;
    for (let i = 0; i < 25; i++) await insertNotification(testPool(), { userId: me.id, kind: 'report_handled', detail: { targetKind: 'video', outcome: 'dismissed' } });
    await insertNotification(testPool(), { userId: me.id, kind: 'comment_reply', groupKey: 'r', videoId: video.id, commentId: reply.id, actorId: owner.id });
    await insertNotification(testPool(), { userId: me.id, kind: 'new_video', videoId: video.id, actorId: owner.id });
    await insertNotification(testPool(), { userId: me.id, kind: 'new_video', videoId: gone.id, actorId: owner.id });
    await testPool().query(`UPDATE notifications SET read_at = now() WHERE user_id = $1 AND kind = 'report_handled' AND id % 2 = 0`, [me.id]);
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [gone.id]);
    const first = await agent.get('/notifications?filter=all');
    assert.match(first.text, /no longer available/);
    await assertValid(first.text, 'GET /notifications (items, an unavailable one, the bell with a count)');
    const older = /href="(\/notifications\?after=[^"]+)" rel="next"/.exec(first.text)![1]!;
    await assertValid((await agent.get(older)).text, 'GET /notifications?after= (a later page)');
    await assertValid((await agent.get('/notifications?filter=comments')).text, 'GET /notifications?filter=comments');
    await assertValid((await agent.get('/notifications?filter=subscribers')).text, 'GET /notifications?filter=subscribers (empty)');
    await assertValid((await (await signedInAgent(t.app, await createUser())).get('/notifications')).text, 'GET /notifications (none at all)');

    await assertValid((await agent.get('/settings/notifications')).text, 'GET /settings/notifications (mail off, no channels)');
    const token = await tokenFor(agent, '/settings/notifications');
    const refused = await agent.post('/settings/notifications').type('form').send({ _csrf: token, 'site-new_video': 'maybe', 'site-nope': 'on' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /settings/notifications (422)');
    await subscribe(testPool(), me.id, owner.id);
    await assertValid((await agent.get(`/@${owner.handle}`)).text, 'channel page with its bell');
    const mailOn = createTestApp({ MAIL_TRANSPORT: 'log' });
    const moderator = await signedInAgent(mailOn.app, await createUser({ roles: ['moderator'] }));
    await assertValid((await moderator.get('/settings/notifications')).text, 'GET /settings/notifications (no address, a moderator)');
    const confirmed = await createUser({ email: `${Date.now()}-html@example.test` });
    await testPool().query('UPDATE users SET email_confirmed_at = now() WHERE id = $1', [confirmed.id]);
    const withMail = await signedInAgent(mailOn.app, confirmed);
    await subscribe(testPool(), confirmed.id, owner.id);
    await assertValid((await withMail.get('/settings/notifications')).text, 'GET /settings/notifications (mail on, a channel bell)');
  });
});

describe('HTML validity and accessibility: the unsubscribe pages (issue 14)', () => {
  const t = useTestApp();

  it('holds for the question, the answer and a forged link, signed out as a mail link is opened', async () => {
    const { unsubscribeToken } = await import('../../src/notifications/unsubscribe-tokens.js');
    const { TEST_SESSION_SECRET } = await import('../helpers/app.js');
    const user = await createUser();
    for (const scope of ['comment_reply', 'all'] as const) {
      const path = `/unsubscribe/${unsubscribeToken(TEST_SESSION_SECRET, user.id, scope)}`;
      const question = await supertest(t.app).get(path);
      assert.equal(question.status, 200);
      await assertValid(question.text, `GET /unsubscribe/:token (${scope})`);
      const done = await supertest(t.app).post(path).type('form').send('List-Unsubscribe=One-Click');
      assert.equal(done.status, 200);
      await assertValid(done.text, `POST /unsubscribe/:token (${scope})`);
    }
    const forged = await supertest(t.app).get(`/unsubscribe/${user.id}.all.${'A'.repeat(43)}`);
    assert.equal(forged.status, 404);
    await assertValid(forged.text, 'GET /unsubscribe/:token (forged)');
  });
});

describe('HTML validity and accessibility: access tokens, the API reference and deletion links (issue 15)', () => {
  const t = useTestApp();

  it('holds for the tokens page (empty, listed, the new secret, refused forms), /api, and a deletion link\'s pages', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    await assertValid((await agent.get('/settings/tokens')).text, 'GET /settings/tokens (none)');
    const token = await tokenFor(agent, '/settings/tokens');
    const created = await agent.post('/settings/tokens').type('form').send({ _csrf: token, name: 'A <script> name', scopes: ['videos:read', 'account:read'], expiry: '30' });
    assert.equal(created.status, 201);
    await assertValid(created.text, 'POST /settings/tokens (201, the secret)');
    await createToken(user, ['videos:upload'], { name: 'ShareX (2026-01-01)', kind: 'sharex', expiresAt: new Date(Date.now() - 1000) });
    await assertValid((await agent.get('/settings/tokens')).text, 'GET /settings/tokens (listed, one expired)');
    const refused = await agent.post('/settings/tokens').type('form').send({ _csrf: token, name: '', expiry: 'date', expiresOn: 'soon' });
    assert.equal(refused.status, 422);
    await assertValid(refused.text, 'POST /settings/tokens (422)');
    for (const agentOrVisitor of [supertest(t.app), agent]) await assertValid((await agentOrVisitor.get('/api')).text, 'GET /api');
    const video = await createVideo(user, { title: 'Deleted <by> link' });
    const { key, hash } = newDeletionKey();
    await insertDeletionKey(testPool(), video.id, hash);
    const visitor = supertest.agent(t.app);
    const question = await visitor.get(`/delete/${video.publicId}/${key}`);
    await assertValid(question.text, 'GET /delete/:id/:key');
    const done = await visitor.post(`/delete/${video.publicId}/${key}`).type('form').send({ _csrf: csrfFrom(question.text) });
    assert.equal(done.status, 200);
    await assertValid(done.text, 'POST /delete/:id/:key');
    await assertValid((await visitor.get(`/delete/${video.publicId}/${key}`)).text, 'GET /delete/:id/:key (404)');
  });
});
