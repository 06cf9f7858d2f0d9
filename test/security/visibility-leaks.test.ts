// Attack covered: a hidden video leaking. A video that is private, scheduled, unlisted, still processing,
// failed, taken down or held for approval by a moderator, or whose owner is banned or deleted must not be found by a signed-out visitor on any
// public surface: home (both sections), search (common word, rare word, typo), channel tabs,
// related videos, both Atom feeds, the sitemap, oEmbed, the embed, the API and the media files
// (captions too, and search by a word said only in them).
// Unlisted is the one exception: watchable by its link (watch page, embed, oEmbed, API, media),
// listed nowhere. One table of states × surfaces; every check has a visible control video that
// must appear on the same surface, so that each check can fail.
// Playlists (issue 12, items 5, 8 and 10): a public playlist holding a hidden (or deleted) video
// before its control never names it or shows its picture on the playlist page, its JSON-LD, the
// channel tab's cover, search's playlist card or its oEmbed (an unlisted video may show, as by
// its link); a private playlist is a 404 to strangers on its page, its edit page and oEmbed, and a
// banned owner's public playlist is gone from every surface.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Express } from 'express';
import supertest from 'supertest';
import { saveCaptionTrack } from '../../src/db/captions.js';
import { insertComment } from '../../src/db/comments.js';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { deleteVideo } from '../../src/db/videos.js';
import { refreshPopularVideos } from '../../src/db/popular-videos.js';
import { signedInAgent } from '../helpers/agent.js';
import { createTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';
import { insertVideos } from '../helpers/search.js';
import { attachRendition } from '../helpers/videos.js';
import type { Moderation, VideoStatus, Visibility } from '../../src/db/visibility.js';

type User = Awaited<ReturnType<typeof createUser>>;
interface Made {
  id: number;
  publicId: string;
  title: string;
  /** The rendition recorded for it, served at /media/videos/:publicId/:file. */
  file?: string;
}

interface State {
  name: string;
  label: string;
  /** How the hidden video is made; `ownOwner` gives it an owner of its own (banned or deleted after). */
  video: { visibility?: Visibility; status?: VideoStatus };
  ownOwner?: (owner: User) => Promise<void>;
  /** A moderator's hold (videos.moderation), set once the popular list is worked out, as a take-down comes later. */
  moderation?: Moderation;
  /** Unlisted: listed nowhere, but watchable by anyone who has the link. */
  byLink?: boolean;
}

const STATES: State[] = [
  { name: 'private', label: 'a private video', video: { visibility: 'private' } },
  { name: 'scheduled', label: 'a video scheduled for later', video: { visibility: 'scheduled' } },
  { name: 'unlisted', label: 'an unlisted video', video: { visibility: 'unlisted' }, byLink: true },
  { name: 'processing', label: 'a video still processing', video: { status: 'processing' } },
  { name: 'failed', label: 'a video that failed processing', video: { status: 'failed' } },
  { name: 'taken down', label: 'a video taken down by a moderator', video: {}, moderation: 'taken_down' },
  { name: 'held', label: 'an upload held for approval', video: {}, moderation: 'held' },
  { name: 'owner banned', label: "a banned owner's video", video: {}, ownOwner: banUser },
  { name: 'owner deleted', label: "a deleted owner's video", video: {}, ownOwner: deleteUser },
];

/** Letters only, so the words stay single words for Postgres's parser and the typo stays a typo. */
const letters = (n: number) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnpqrstvwxz'[b % 20]).join('');
/** A misspelling that no word matches: the second and third letters swapped (so no prefix of the word matches either). */
const misspell = (word: string) => word[0]! + word[2]! + word[1]! + word.slice(3);

/**
 * In 1,500 older videos besides the test's own: common enough for search to rank only its newest
 * matches (the newest-matches plan of src/db/search-plan.ts), whatever else the test database holds.
 */
const COMMON = `glim${letters(6)}`;
const FILLERS = 1500;

interface Case {
  state: State;
  /** A word in the hidden video's title and tags, and in its controls' titles. */
  rare: string;
  hidden: Made;
  hiddenOwner: User;
  /** A visible video with the same words: it must appear wherever the hidden one must not. */
  control: Made;
  /** A visible video whose watch page lists both (were the hidden one visible) as related. */
  anchor: Made;
}

describe('security: hidden videos never leak onto public surfaces', function () {
  this.timeout(60_000);
  let app: Express;
  let owner: User;
  let fillerOwnerId: number;
  let channelControl: Made;
  const cases = new Map<string, Case>();
  /** A comment under each hidden video and its control (video id → comment id), for the comment surfaces. */
  const commentOn = new Map<number, number>();
  const commentText = (video: Made) => `A word about ${video.publicId}`;

  async function make(user: User, title: string, options: Parameters<typeof createVideo>[1] = {}, withFile = false): Promise<Made> {
    const video = await createVideo(user, { ...options, title });
    return { ...video, title, file: withFile ? await attachRendition(video) : undefined };
  }

  before(async () => {
    owner = await createUser();
    const controlOwner = await createUser();
    const fillerOwner = await createUser();
    fillerOwnerId = fillerOwner.id;
    await insertVideos(fillerOwner, Array.from({ length: FILLERS }, (_, i) => ({ title: `Filler ${i}`, description: `All about ${COMMON}.`, minutesAgo: 60 + i })));
    channelControl = await make(owner, `Channel control ${letters(6)}`, {}, true);
    for (const state of STATES) {
      const rare = `${state.name.slice(0, 4).replace(' ', '')}${letters(6)}`;
      const hiddenOwner = state.ownOwner ? await createUser() : owner;
      // Made one after the other, so that the hidden video sits next to its control in every "newest" list.
      const hidden = await make(hiddenOwner, `${rare} ${COMMON} hidden`, { ...state.video, tags: [rare] }, true);
      const control = await make(controlOwner, `${rare} ${COMMON} shown`, { tags: [rare] }, true);
      const anchor = await make(controlOwner, `${rare} anchor`);
      // A word said only in their captions, which search finds too (weight D of the vector).
      for (const [video, by] of [[hidden, hiddenOwner], [control, controlOwner]] as const) {
        await saveCaptionTrack(testPool(), video.id, by.id, { language: 'en', label: 'English', sourceFormat: 'vtt', vtt: `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nsaid${rare}\n`, cueCount: 1, cueTexts: [`said${rare}`] });
      }
      // Commented on while the video could still be seen (the states are set at creation, the
      // owners banned or deleted below): the comment is there, its video is not.
      for (const video of [hidden, control]) {
        const commenter = await createUser();
        commentOn.set(video.id, (await insertComment(testPool(), { videoId: video.id, authorId: commenter.id, body: commentText(video), parent: null }))!.id);
      }
      cases.set(state.name, { state, rare, hidden, hiddenOwner, control, anchor });
    }
    // Popular this week: each hidden video has a view more than the channel control, so one that
    // leaked would rank above it. Counted as yesterday's rolled-up views (video_view_days).
    const views = (videoId: number, n: number) => testPool().query(
      `INSERT INTO video_view_days (video_id, day, views) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, $2)`, [videoId, n]);
    for (const c of cases.values()) await views(c.hidden.id, 100_001);
    await views(channelControl.id, 100_000);
    // The stored list is worked out before the owners are banned or deleted, so that for those
    // states it is the page's own check that keeps their videos out.
    await refreshPopularVideos(testPool(), { rebuildBase: true });
    for (const c of cases.values()) await c.state.ownOwner?.(c.hiddenOwner);
    for (const c of cases.values()) {
      if (c.state.moderation) await testPool().query('UPDATE videos SET moderation = $2 WHERE id = $1', [c.hidden.id, c.state.moderation]);
    }
    // The newest of the whole test database, in the order made: other files leave videos
    // published later than now (premieres, scheduled ones published by a worker), which would
    // push the first controls off home's first page.
    const made = [channelControl, ...[...cases.values()].flatMap((c) => [c.hidden, c.control, c.anchor])].map((v) => v.id).sort((a, b) => a - b);
    await testPool().query(
      `UPDATE videos SET published_at = now() + interval '10 years' + (id - $2) * interval '1 second' WHERE id = ANY($1::bigint[]) AND published_at IS NOT NULL`,
      [made, made[0]],
    );
    app = createTestApp().app;
  });

  // The fillers would weigh on later tests' listings (the sitemap lists every video).
  after(async () => {
    await testPool().query('DELETE FROM videos WHERE owner_id = $1', [fillerOwnerId]);
  });

  async function get(path: string) {
    const res = await supertest(app).get(path);
    assert.ok(res.status < 500, `${path} answered ${res.status}`);
    return res;
  }

  /**
   * The text at `path`: the page itself, or for a sitemap index the index and every file it
   * lists (followed on this site only).
   */
  async function read(path: string): Promise<{ status: number; text: string }> {
    const res = await get(path);
    if (!/<sitemapindex/.test(res.text)) return { status: res.status, text: res.text };
    const files = [...res.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
    const texts = await Promise.all(files.map(async (file) => {
      const part = await get(file);
      assert.equal(part.status, 200, file);
      return part.text;
    }));
    return { status: res.status, text: [res.text, ...texts].join('\n') };
  }

  /** The page at `path` as a visible listing: 200, and the part `section` cuts out. */
  async function listing(path: string, section: (html: string) => string = (html) => html): Promise<string> {
    const res = await read(path);
    assert.equal(res.status, 200, path);
    return section(res.text);
  }

  const shows = (text: string, video: Made) => text.includes(video.publicId) || text.includes(video.title);
  const between = (start: string, end?: string) => (html: string) => {
    const from = html.indexOf(start);
    if (from < 0) return '';
    const to = end ? html.indexOf(end, from) : -1;
    return html.slice(from, to < 0 ? undefined : to);
  };
  /** The channel's video count in the header every tab shows ("· 3 videos ·"). */
  const videoCount = (html: string) => Number(/· ([\d,]+) videos? ·/.exec(html)?.[1]?.replace(/,/g, '') ?? NaN);

  /**
   * A surface where videos are listed: the page where the control must appear, and the page
   * where the hidden video would appear (the same one, except for channels: a banned or deleted
   * owner's channel is a page of its own, which may also be gone).
   */
  interface ListingSurface {
    name: string;
    control(c: Case): { path: string; section?: (html: string) => string; video: Made };
    hidden(c: Case): { path: string; section?: (html: string) => string };
  }

  const channelOf = (c: Case) => `/@${c.hiddenOwner.handle}`;
  const same = (path: (c: Case) => string, section?: (html: string) => string, video: (c: Case) => Made = (c) => c.control) => ({
    control: (c: Case) => ({ path: path(c), section, video: video(c) }),
    hidden: (c: Case) => ({ path: path(c), section }),
  });
  const channelTab = (suffix: string) => ({
    control: () => ({ path: `/@${owner.handle}${suffix}`, video: channelControl }),
    hidden: (c: Case) => ({ path: `${channelOf(c)}${suffix}` }),
  });

  const LISTINGS: ListingSurface[] = [
    { name: 'home, latest videos', ...same(() => '/', between('id="latest-title"')) },
    { name: 'home, popular this week', ...same(() => '/', between('id="popular-title"', 'id="latest-title"'), () => channelControl) },
    { name: 'search, a common word', ...same(() => `/search?q=${COMMON}`) },
    { name: 'search, a rare word', ...same((c) => `/search?q=${c.rare}`) },
    { name: 'search, a word said only in its captions', ...same((c) => `/search?q=said${c.rare}`) },
    { name: 'search, a typo', ...same((c) => `/search?q=${encodeURIComponent(`${misspell(c.rare)} ${COMMON}`)}`) },
    { name: 'channel videos tab', ...channelTab('') },
    { name: 'channel videos tab, popular first', ...channelTab('?sort=popular') },
    { name: 'channel Atom feed', ...channelTab('/feed.atom') },
    { name: 'related videos', ...same((c) => `/watch/${c.anchor.publicId}`, between('id="related-title"')) },
    { name: 'site Atom feed', ...same(() => '/feeds/videos.atom') },
    { name: 'sitemap (the index and every file it lists)', ...same(() => '/sitemap.xml') },
  ];

  /** Surfaces that open one video by its id: the hidden video is 404 there, except unlisted (200). */
  interface LinkSurface {
    name: string;
    path(video: Made): string;
    /** What an open video's answer carries. */
    opened(res: supertest.Response, video: Made): void;
    refused?(res: supertest.Response): void;
  }

  const LINKS: LinkSurface[] = [
    { name: 'watch page', path: (v) => `/watch/${v.publicId}`, opened: (res, v) => assert.ok(res.text.includes(v.title)) },
    { name: 'embed', path: (v) => `/embed/${v.publicId}`, opened: (res, v) => assert.ok(res.text.includes(v.title)) },
    {
      name: 'oEmbed',
      path: (v) => `/oembed?url=${encodeURIComponent(`http://localhost:3000/watch/${v.publicId}`)}`,
      opened: (res, v) => assert.equal(res.body.title, v.title),
    },
    {
      name: 'GET /api/v1/videos/:id',
      path: (v) => `/api/v1/videos/${v.publicId}`,
      opened: (res, v) => assert.equal(res.body.id, v.publicId),
      // RFC 9457 problem details: the lead's change to /api/v1 errors.
      refused: (res) => assert.match(String(res.headers['content-type']), /^application\/problem\+json/),
    },
    { name: 'media file', path: (v) => `/media/videos/${v.publicId}/${v.file}`, opened: (res) => assert.equal(res.headers['content-type'], 'video/mp4') },
    { name: 'captions file', path: (v) => `/media/videos/${v.publicId}/captions/en.vtt`, opened: (res) => assert.equal(res.headers['content-type'], 'text/vtt; charset=utf-8') },
    // Comments (issue 11): a thread opened by its comment's id, and the newest comments.
    { name: "a comment's thread", path: (v) => `/watch/${v.publicId}?thread=${commentOn.get(v.id)}`, opened: (res, v) => assert.ok(res.text.includes(commentText(v))), refused: (res) => assert.ok(!res.text.includes('A word about')) },
    { name: 'comments, newest first', path: (v) => `/watch/${v.publicId}?sort=newest`, opened: (res, v) => assert.ok(res.text.includes(commentText(v))), refused: (res) => assert.ok(!res.text.includes('A word about')) },
  ];

  for (const state of STATES) {
    describe(state.label, () => {
      for (const surface of LISTINGS) {
        it(`is not listed on: ${surface.name}`, async () => {
          const c = cases.get(state.name)!;
          const control = surface.control(c);
          const shown = await listing(control.path, control.section);
          // On failure, what the page listed instead (titles), so that a crowded list can be told from a leak check gone wrong.
          assert.ok(shows(shown, control.video), `the control ${control.video.publicId} is on ${control.path}; it listed: ${[...shown.matchAll(/<h3[^>]*>\s*<a[^>]*>([^<]*)</g)].map((m) => m[1]).join(' | ').slice(0, 2000)}`);
          const hidden = surface.hidden(c);
          const res = await read(hidden.path);
          // A banned or deleted owner's channel may be gone altogether; any other page is there.
          assert.ok(res.status === 200 || (state.ownOwner && res.status === 404), `${hidden.path} answered ${res.status}`);
          assert.ok(!shows((hidden.section ?? ((h: string) => h))(res.text), c.hidden), `${hidden.path} shows the ${state.name} video ${c.hidden.publicId}`);
        });
      }

      if (state.ownOwner) {
        it("leaves the owner's channel out of the sitemap", async () => {
          const c = cases.get(state.name)!;
          const text = await listing('/sitemap.xml');
          assert.ok(text.includes(`/@${owner.handle}</loc>`), 'a live channel is in the sitemap');
          assert.ok(!text.includes(`/@${c.hiddenOwner.handle}</loc>`), `the channel of the ${state.name} is in the sitemap`);
        });
      }

      it('is not counted on the channel header (videos, playlists and about tabs)', async () => {
        const c = cases.get(state.name)!;
        const listed = state.ownOwner ? 0 : 1; // the shared owner's only listed video is the channel control
        for (const tab of ['', '/playlists', '/about']) {
          const res = await get(`${channelOf(c)}${tab}`);
          if (state.ownOwner && res.status === 404) continue;
          assert.equal(res.status, 200, `${channelOf(c)}${tab}`);
          assert.equal(videoCount(res.text), listed, `${channelOf(c)}${tab} counts ${videoCount(res.text)} videos`);
          assert.ok(!shows(res.text, c.hidden), `${channelOf(c)}${tab} shows the video`);
        }
      });

      for (const surface of LINKS) {
        const expected = state.byLink ? 200 : 404;
        it(`${state.byLink ? 'opens' : 'is 404'} by its link on: ${surface.name}`, async () => {
          const c = cases.get(state.name)!;
          const control = await get(surface.path(c.control));
          assert.equal(control.status, 200, `the control on ${surface.path(c.control)}`);
          surface.opened(control, c.control);
          const res = await get(surface.path(c.hidden));
          assert.equal(res.status, expected, surface.path(c.hidden));
          if (state.byLink) return surface.opened(res, c.hidden);
          assert.ok(!res.text.includes(c.hidden.title), 'the refusal does not name the video');
          surface.refused?.(res);
        });
      }
    });
  }
  describe('playlists', () => {
    /** A live account keeping the playlists: whatever hides a video, it is not its owner's state. */
    let curator: User;
    /** Per state (and 'deleted', a video deleted after it was added): the public playlist holding the hidden video, then its control. */
    const lists = new Map<string, { publicId: string; word: string; hidden: Made; control: Made }>();

    async function playlistOf(by: User, title: string, privacy: PlaylistPrivacy, videos: Made[]): Promise<string> {
      const made = await insertPlaylist(testPool(), by.id, { title, description: '', privacy }, 1000);
      if (made === 'limit') throw new Error('limit');
      const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
      for (const video of videos) await addVideoToPlaylist(testPool(), by.id, Number(rows[0].id), video, 5000);
      return made.publicId;
    }

    /** A thumbnail recorded for the video: its address names the video's id, as a cover would show it. */
    const withThumbnail = (video: Made) => testPool().query(`UPDATE videos SET thumbnail_stem = 'thumb', thumbnail_widths = '{320,1280}' WHERE id = $1`, [video.id]);
    /** What would name a video on a playlist surface: its title, its picture, a link to watch or embed it. */
    const names = (text: string, video: Made) => [video.title, `/media/videos/${video.publicId}/`, `/watch/${video.publicId}`, `/embed/${video.publicId}`].some((s) => text.includes(s));

    before(async () => {
      curator = await createUser();
      for (const c of cases.values()) {
        for (const video of [c.hidden, c.control]) await withThumbnail(video);
        const word = `list${c.rare}`;
        lists.set(c.state.name, { publicId: await playlistOf(curator, `${word} mix`, 'public', [c.hidden, c.control]), word, hidden: c.hidden, control: c.control });
      }
      // A video deleted after it was added: its item stays, as "Unavailable video".
      const word = `listdeleted${letters(6)}`;
      const gone = await make(owner, `${word} gone video`);
      const control = await make(owner, `${word} kept video`);
      for (const video of [gone, control]) await withThumbnail(video);
      lists.set('deleted', { publicId: await playlistOf(curator, `${word} mix`, 'public', [gone, control]), word, hidden: gone, control });
      await deleteVideo(testPool(), gone.id);
    });

    const STATES_AND_DELETED = [...STATES.map((s) => ({ name: s.name, label: s.label, byLink: !!s.byLink })), { name: 'deleted', label: 'a deleted video', byLink: false }];

    /** Playlist surfaces: where the list's first available video, or a video of it, would show. */
    const SURFACES: { name: string; text(list: { publicId: string; word: string }): Promise<string> }[] = [
      { name: 'the playlist page', text: async (l) => (await listing(`/playlist/${l.publicId}`)) },
      {
        name: "the playlist page's JSON-LD",
        text: async (l) => /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(await listing(`/playlist/${l.publicId}`))?.[1] ?? '',
      },
      { name: "the channel's Playlists tab (the cover)", text: async () => listing(`/@${curator.handle}/playlists`) },
      { name: "search's playlist card (the cover)", text: async (l) => between('class="video-card playlist-card"', '</li>')(await listing(`/search?q=${l.word}`)) },
      {
        name: 'oEmbed (the embed starts with the first available video)',
        text: async (l) => {
          const res = await get(`/oembed?url=${encodeURIComponent(`http://localhost:3000/playlist/${l.publicId}`)}`);
          assert.equal(res.status, 200);
          return res.text;
        },
      },
    ];

    for (const state of STATES_AND_DELETED) {
      describe(`a public playlist holding ${state.label} before a visible one`, () => {
        for (const surface of SURFACES) {
          it(`${state.byLink ? 'shows it, as by its link,' : 'never names it or shows its picture'} on: ${surface.name}`, async () => {
            const l = lists.get(state.name)!;
            const text = await surface.text(l);
            const firstShown = state.byLink ? l.hidden : l.control;
            assert.ok(names(text, firstShown), `${surface.name} shows ${firstShown.publicId}`);
            if (!state.byLink) assert.ok(!names(text, l.hidden), `${surface.name} names the ${state.name} video ${l.hidden.publicId}`);
            // Nor its id at all, which would be its link if it were made unlisted later.
            if (!state.byLink && surface.name === 'the playlist page') assert.ok(!text.includes(l.hidden.publicId), `the page holds the id of the ${state.name} video`);
          });
        }
      });
    }

    it('a private playlist is a 404 to strangers and visitors on its page, its edit page and oEmbed, and is found nowhere', async () => {
      const c = cases.get('private')!;
      const word = `listprivate${letters(6)}`;
      const hidden = await playlistOf(curator, `${word} secret list`, 'private', [c.control]);
      const stranger = await signedInAgent(app, await createUser());
      for (const ask of [(path: string) => supertest(app).get(path), (path: string) => stranger.get(path)]) {
        for (const path of [`/playlist/${hidden}`, `/oembed?url=${encodeURIComponent(`http://localhost:3000/playlist/${hidden}`)}`]) {
          const res = await ask(path);
          assert.equal(res.status, 404, path);
          assert.ok(!res.text.includes('secret list'), path);
        }
        const edit = await ask(`/playlist/${hidden}/edit`);
        assert.ok(edit.status === 404 || (edit.status === 303 && /^\/login/.test(edit.headers.location ?? '')), `edit page answered ${edit.status}`);
        assert.ok(!edit.text.includes('secret list'));
      }
      assert.equal((await stranger.get(`/playlist/${hidden}/edit`)).status, 404);
      for (const path of [`/search?q=${word}`, `/@${curator.handle}/playlists`, '/sitemap.xml']) assert.ok(!(await listing(path)).includes(hidden), path);
    });

    it("a banned owner's public playlist is gone: its page, oEmbed, search, the sitemap", async () => {
      const c = cases.get('private')!;
      const keeper = await createUser();
      const word = `listbanned${letters(6)}`;
      const list = await playlistOf(keeper, `${word} list`, 'public', [c.control]);
      const control = await playlistOf(curator, `${word} control list`, 'public', [c.control]);
      await banUser(keeper);
      for (const path of [`/playlist/${list}`, `/oembed?url=${encodeURIComponent(`http://localhost:3000/playlist/${list}`)}`]) assert.equal((await get(path)).status, 404, path);
      for (const path of [`/search?q=${word}`, '/sitemap.xml']) {
        const text = await listing(path);
        assert.ok(text.includes(control), `the control is on ${path}`);
        assert.ok(!text.includes(list), `${path} shows the banned owner's playlist`);
      }
    });
  });
});
