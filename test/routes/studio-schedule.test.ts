import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { withTransaction } from '../../src/db/pool.js';
import { saveVideoDetails, TIME_PASSED } from '../../src/db/video-edits.js';
import { listVideoEventsAfter, publishDueVideos } from '../../src/db/video-events.js';
import { cachedTimeZoneCount, parseVideoEdit, zonedTimeToUtc } from '../../src/forms/video-edit.js';
import { publishScheduledVideos } from '../../src/jobs/handlers/publish-scheduled.js';
import { createLogger } from '../../src/log.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool, testQueue } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

// Scheduled publication with an injected clock: the form is checked against a `now` the test
// chooses, and publishing is run for a `now` the test chooses; nothing sleeps.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const word = () => `zq${Array.from(crypto.randomBytes(8), (b) => 'bcdfghjkmnpqrstvwxz'[b % 19]).join('')}x`;
/** The date and time inputs of an instant, in UTC. */
const inputs = (at: Date) => ({ publishDate: at.toISOString().slice(0, 10), publishTime: at.toISOString().slice(11, 16) });
const publish = (now: Date) => publishScheduledVideos({ pool: testPool(), queue: testQueue(), logger: createLogger('silent') }, now);
const lastEventId = async () => (await testPool().query('SELECT coalesce(max(id), 0)::int AS id FROM video_events')).rows[0].id as number;

describe('scheduling: the form’s date, time and time zone', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  const body = (fields: Record<string, string>) => ({ title: 'Scheduled', visibility: 'scheduled', ...fields });

  it('reads the date and time in the zone the browser sent, daylight saving included, UTC without one', () => {
    assert.equal(zonedTimeToUtc('2026-07-01', '18:30', 'Europe/Paris')!.toISOString(), '2026-07-01T16:30:00.000Z');
    assert.equal(zonedTimeToUtc('2026-12-01', '18:30', 'Europe/Paris')!.toISOString(), '2026-12-01T17:30:00.000Z');
    assert.equal(zonedTimeToUtc('2026-11-01', '01:30', 'America/New_York')!.toISOString(), '2026-11-01T05:30:00.000Z');
    assert.equal(zonedTimeToUtc('2026-03-10', '09:15', 'Asia/Kolkata')!.toISOString(), '2026-03-10T03:45:00.000Z');
    const parsed = parseVideoEdit(body(inputs(new Date('2026-06-16T08:00:00Z'))), now);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.publishAt!.toISOString(), '2026-06-16T08:00:00.000Z');
  });

  it('moves a time skipped by a spring-forward change later by the jump, east and west of UTC, north and south', () => {
    const cases: [string, string, string, string][] = [
      // [date, time typed, zone, instant]: each lands at 03:30 local, the first minute after the jump is 03:00.
      ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
      ['2026-03-29', '02:30', 'Europe/Paris', '2026-03-29T01:30:00.000Z'],
      ['2026-10-04', '02:30', 'Australia/Sydney', '2026-10-03T16:30:00.000Z'],
      ['2026-09-27', '02:30', 'Pacific/Auckland', '2026-09-26T14:30:00.000Z'],
      // Lord Howe's clocks jump 30 minutes (02:00 → 02:30): 02:15 becomes 02:45.
      ['2026-10-04', '02:15', 'Australia/Lord_Howe', '2026-10-03T15:45:00.000Z'],
    ];
    for (const [date, time, zone, instant] of cases) assert.equal(zonedTimeToUtc(date, time, zone)?.toISOString(), instant, `${date} ${time} ${zone}`);
    // A time that happens twice (fall back) is the first of the two, north and south.
    assert.equal(zonedTimeToUtc('2026-11-01', '01:30', 'America/New_York')!.toISOString(), '2026-11-01T05:30:00.000Z');
    assert.equal(zonedTimeToUtc('2026-10-25', '02:30', 'Europe/Paris')!.toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(zonedTimeToUtc('2026-04-05', '02:30', 'Australia/Sydney')!.toISOString(), '2026-04-04T15:30:00.000Z');
  });

  it('takes a zone in any letter case as its canonical name, and keeps one formatter per zone whatever the spelling', () => {
    const future = inputs(new Date(now.getTime() + DAY));
    const parsed = parseVideoEdit(body({ ...future, timeZone: 'aMERICA/aRGENTINA/bUENOS_aIRES' }), now);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.publishAt!.toISOString(), zonedTimeToUtc(future.publishDate, future.publishTime, 'America/Argentina/Buenos_Aires')!.toISOString());
    // A link name browsers send (Node's list names the zone Asia/Calcutta) is taken too.
    assert.ok(parseVideoEdit(body({ ...future, timeZone: 'asia/kolkata' }), now).ok);
    const failed = parseVideoEdit(body({ ...future, title: '', timeZone: 'europe/PARIS' }), now);
    assert.ok(!failed.ok);
    assert.equal(failed.values.timeZone, 'Europe/Paris', 'the form gets the canonical name back');

    const before = cachedTimeZoneCount();
    const base = 'America/Argentina/Buenos_Aires';
    for (let i = 0; i < 2000; i++) {
      const spelling = [...base].map((c, j) => ((i >> (j % 11)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
      parseVideoEdit(body({ ...future, title: i % 2 ? '' : 'x', timeZone: spelling }), now);
      parseVideoEdit({ title: '', visibility: 'public', timeZone: spelling }, now);
    }
    assert.ok(cachedTimeZoneCount() - before <= 1, `${cachedTimeZoneCount() - before} formatters added for 2000 spellings of one zone`);
    assert.ok(cachedTimeZoneCount() <= Intl.supportedValuesOf('timeZone').length + 1);
  });

  it('refuses a time in the past or now, more than a year ahead, a date that does not exist, a missing one, or an unknown zone', () => {
    const refused: [Record<string, string>, RegExp][] = [
      [inputs(new Date(now.getTime() - MINUTE)), /in the future/],
      [inputs(now), /in the future/],
      [inputs(new Date(now.getTime() + 367 * DAY)), /at most a year ahead/],
      [{ publishDate: '2026-02-30', publishTime: '10:00' }, /real date/],
      [{ publishDate: '2026-07-01', publishTime: '24:00' }, /real date/],
      [{ publishDate: '01/07/2026', publishTime: '10:00' }, /real date/],
      [{ publishDate: '2026-07-01', publishTime: '' }, /Enter the date and time/],
      [{ publishDate: '', publishTime: '10:00' }, /Enter the date and time/],
      [{ ...inputs(new Date(now.getTime() + DAY)), timeZone: 'Mars/Olympus_Mons' }, /time zone was not recognised/],
      [{ ...inputs(new Date(now.getTime() + DAY)), timeZone: '../../etc/passwd' }, /time zone was not recognised/],
      [{ ...inputs(new Date(now.getTime() + DAY)), timeZone: 'x'.repeat(5000) }, /time zone was not recognised/],
    ];
    for (const [fields, message] of refused) {
      const parsed = parseVideoEdit(body(fields), now);
      assert.ok(!parsed.ok, JSON.stringify(fields).slice(0, 80));
      assert.match(parsed.errors.publishDate!, message);
    }
    assert.ok(parseVideoEdit(body(inputs(new Date(now.getTime() + 365 * DAY))), now).ok, 'a year ahead is allowed');
    const justPassed = new Date(now.getTime() - MINUTE);
    assert.ok(parseVideoEdit(body(inputs(justPassed)), now, justPassed).ok, 'the time it is already scheduled for may be kept, though just passed');
    const other = parseVideoEdit({ title: 'Public', visibility: 'public', publishDate: 'garbage', timeZone: 'garbage' }, now);
    assert.ok(other.ok && other.value.publishAt === null, 'the date is ignored unless scheduling');
  });
});

describe('scheduling: POST /studio/videos/:id and the worker’s publishing', function () {
  this.timeout(30_000);
  // Publishing happens in the worker, which tells the web processes through Postgres to drop
  // their kept pages (checked below); this app does not listen, so it keeps none.
  const t = useTestApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  async function save(id: string, fields: Record<string, string>) {
    const token = await tokenFor(agent, `/studio/videos/${id}`);
    return agent.post(`/studio/videos/${id}`).type('form').send({ _csrf: token, title: 'Scheduled', visibility: 'scheduled', ...fields });
  }
  const row = async (id: number) => (await testPool().query('SELECT visibility, publish_at, published_at FROM videos WHERE id = $1', [id])).rows[0];
  const publishedEvents = async (id: number) => (await testPool().query(`SELECT count(*)::int AS n FROM video_events WHERE video_id = $1 AND kind = 'published'`, [id])).rows[0].n as number;

  it('keeps a scheduled video from every surface until its time, then publishes it with that time as its date, and records the event', async () => {
    const mark = word();
    const video = await createVideo(owner, { title: 'Before scheduling', visibility: 'private' });
    const at = new Date(Math.ceil((Date.now() + 2 * DAY) / MINUTE) * MINUTE);
    const saved = await save(video.publicId, { title: `Premiere ${mark}`, ...inputs(at), timeZone: 'UTC' });
    assert.equal(saved.status, 303);
    assert.equal((await row(video.id)).publish_at.toISOString(), at.toISOString());
    const studio = await agent.get(`/studio/videos/${video.publicId}`);
    assert.match(studio.text, new RegExp(`Scheduled: public on <time datetime="${at.toISOString()}"`));
    assert.match(studio.text, /id="visibility-scheduled"[^>]* checked/);
    assert.match((await agent.get(`/watch/${video.publicId}`)).text, /class="badge">Scheduled</, 'its owner sees it, marked');

    const visitor = supertest(t.app);
    const stranger = await signedInAgent(t.app, await createUser());
    const surfaces = ['/', `/search?q=${mark}`, '/feeds/videos.atom', `/@${owner.handle}`, `/@${owner.handle}/feed.atom`];
    const visible = async () => {
      const found = [];
      for (const path of surfaces) if ((await visitor.get(path)).text.includes(video.publicId)) found.push(path);
      const watch = [(await visitor.get(`/watch/${video.publicId}`)).status, (await stranger.get(`/watch/${video.publicId}`)).status,
        (await visitor.get(`/embed/${video.publicId}`)).status, (await visitor.get(`/api/v1/videos/${video.publicId}`)).status];
      return { found, watch };
    };
    assert.deepEqual(await visible(), { found: [], watch: [404, 404, 404, 404] });

    const events = await lastEventId();
    // Other tests' scheduled videos may fall due at the same injected times: only this one is looked at.
    assert.ok(!(await publish(new Date(at.getTime() - 1000))).includes(video.id), 'a second early: not yet');
    assert.deepEqual(await visible(), { found: [], watch: [404, 404, 404, 404] });
    const listener = await testPool().connect();
    try {
      await listener.query('LISTEN tubestead_pages_stale');
      const told = new Promise((resolve) => listener.once('notification', resolve));
      assert.ok((await publish(at)).includes(video.id), 'at its time');
      await told;
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
    }
    assert.deepEqual(await visible(), { found: surfaces, watch: [200, 200, 200, 200] });
    const published = await row(video.id);
    assert.equal(published.visibility, 'public');
    assert.equal(published.publish_at, null);
    assert.equal(published.published_at.toISOString(), at.toISOString(), 'its publication date is the scheduled time');
    const eventsOf = async () => (await listVideoEventsAfter(testPool(), events, 1000)).filter((e) => e.videoId === video.id).map((e) => ({ ...e, id: 0 }));
    assert.deepEqual(await eventsOf(), [{ id: 0, videoId: video.id, kind: 'published', at }]);
    assert.ok(!(await publish(new Date(at.getTime() + DAY))).includes(video.id), 'published once');
    assert.equal((await eventsOf()).length, 1);
  });

  it('publishes every due video in one run, and only those', async () => {
    const base = Date.now() + 3 * DAY;
    const due = [await createVideo(owner, { visibility: 'scheduled', publishAt: new Date(base) }), await createVideo(owner, { visibility: 'scheduled', publishAt: new Date(base + MINUTE) })];
    const later = await createVideo(owner, { visibility: 'scheduled', publishAt: new Date(base + 10 * MINUTE) });
    const published = await publish(new Date(base + 2 * MINUTE));
    for (const video of due) assert.ok(published.includes(video.id));
    assert.ok(!published.includes(later.id));
    assert.equal((await row(later.id)).visibility, 'scheduled');
  });

  it('records a published event only for a video listed as it turns public: not one still processing, failed, or whose owner is banned', async () => {
    const at = new Date(Date.now() + 4 * DAY);
    const banned = await createUser();
    const ready = await createVideo(owner, { visibility: 'scheduled', publishAt: at });
    const processing = await createVideo(owner, { visibility: 'scheduled', publishAt: at, status: 'processing' });
    const failed = await createVideo(owner, { visibility: 'scheduled', publishAt: at, status: 'failed' });
    const bannedOwners = await createVideo(banned, { visibility: 'scheduled', publishAt: at });
    await banUser(banned);
    const all = [ready, processing, failed, bannedOwners];
    const published = await publishDueVideos(testPool(), at);
    for (const video of all) {
      assert.ok(published.includes(video.id), 'each is made public');
      assert.equal((await row(video.id)).visibility, 'public');
    }
    assert.deepEqual(await Promise.all(all.map((v) => publishedEvents(v.id))), [1, 0, 0, 0]);

    // The same on the edit page's "public now".
    const early = await createVideo(owner, { visibility: 'scheduled', publishAt: new Date(Date.now() + 5 * DAY), status: 'processing' });
    assert.equal((await save(early.publicId, { visibility: 'public' })).status, 303);
    assert.equal((await row(early.id)).visibility, 'public');
    assert.equal(await publishedEvents(early.id), 0);
  });

  it('publishes at once, with an event, when the owner makes a scheduled video public early', async () => {
    const video = await createVideo(owner, { visibility: 'scheduled', publishAt: new Date(Date.now() + 5 * DAY) });
    const events = await lastEventId();
    const started = Date.now();
    assert.equal((await save(video.publicId, { visibility: 'public' })).status, 303);
    const published = await row(video.id);
    assert.equal(published.visibility, 'public');
    assert.equal(published.publish_at, null);
    assert.ok(published.published_at.getTime() >= started - 1000, 'its date is now');
    const recorded = (await listVideoEventsAfter(testPool(), events, 1000)).filter((e) => e.videoId === video.id);
    assert.deepEqual(recorded.map((e) => [e.videoId, e.kind]), [[video.id, 'published']]);
  });

  it('answers a past, too distant or missing time with 422 and the values typed, changing nothing', async () => {
    const video = await createVideo(owner, { title: 'Stays public' });
    for (const fields of [inputs(new Date(Date.now() - DAY)), inputs(new Date(Date.now() + 400 * DAY)), { publishDate: '', publishTime: '' }, { ...inputs(new Date(Date.now() + DAY)), timeZone: 'Nowhere/Land' }]) {
      const res = await save(video.publicId, fields);
      assert.equal(res.status, 422, JSON.stringify(fields));
      assert.match(res.text, /href="#field-publishDate"/);
      assert.ok(res.text.includes(`value="${fields.publishDate}"`));
    }
    assert.equal((await row(video.id)).visibility, 'public');
    assert.equal((await testPool().query('SELECT count(*)::int AS n FROM video_edits WHERE video_id = $1', [video.id])).rows[0].n, 0);
  });

  it('refuses, under the row lock, to keep a passed schedule for a video the worker published since the form was checked', async () => {
    const at = new Date(Math.ceil((Date.now() + 2 * MINUTE) / MINUTE) * MINUTE);
    const video = await createVideo(owner, { visibility: 'scheduled', publishAt: at });
    const now = new Date(at.getTime() + 1000);
    // The route checked the form against the video as loaded: still scheduled for `at`.
    const form = parseVideoEdit({ title: 'Edited title', visibility: 'scheduled', ...inputs(at), timeZone: 'UTC' }, now, at);
    assert.ok(form.ok);
    assert.ok((await publishDueVideos(testPool(), now)).includes(video.id), 'the worker publishes it in between');
    const saved = await withTransaction(testPool(), (client) => saveVideoDetails(client, { videoId: video.id, ownerId: owner.id }, form.value, now));
    assert.equal(saved, TIME_PASSED);
    const after = await row(video.id);
    assert.equal(after.visibility, 'public');
    assert.equal(after.publish_at, null);
    assert.ok(!(await publishDueVideos(testPool(), new Date(now.getTime() + MINUTE))).includes(video.id), 'not published a second time');
    assert.equal(await publishedEvents(video.id), 1);
    // Kept while it is still scheduled, as the form allows.
    const waiting = await createVideo(owner, { visibility: 'scheduled', publishAt: at });
    const kept = await withTransaction(testPool(), (client) => saveVideoDetails(client, { videoId: waiting.id, ownerId: owner.id }, form.value, now));
    assert.deepEqual(Object.keys(kept ?? {}), ['title']);
  });

  it('answers 422, not a server error, when the video is published between the page’s check and the save', async () => {
    // Scheduled a minute ago and not yet published: the form may keep that time.
    const at = new Date(Math.floor((Date.now() - MINUTE) / MINUTE) * MINUTE);
    const video = await createVideo(owner, { title: 'Due', visibility: 'scheduled', publishAt: at });
    const token = await tokenFor(agent, `/studio/videos/${video.publicId}`);
    // Another transaction holds the row: the save waits on its lock after the route has loaded
    // the video and checked the form, and the worker's publishing commits meanwhile.
    const blocker = await testPool().connect();
    let answer: Promise<supertest.Response>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM videos WHERE id = $1 FOR UPDATE', [video.id]);
      answer = agent.post(`/studio/videos/${video.publicId}`).type('form').send({ _csrf: token, title: 'Edited', visibility: 'scheduled', ...inputs(at), timeZone: 'UTC' }).then((r) => r);
      // The save's locking read (saveVideoDetails), waiting: found by the start of its text.
      const waitingOnLock = async () =>
        (await testPool().query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT v.title, v.description, v.tags, v.visibility, v.publish_at%'`)).rowCount === 1;
      while (!(await waitingOnLock())) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok((await publishDueVideos(blocker, new Date())).includes(video.id));
      await blocker.query('COMMIT');
    } finally {
      blocker.release();
    }
    const res = await answer;
    assert.equal(res.status, 422);
    assert.match(res.text, /This time has passed/);
    assert.match(res.text, /href="#field-publishDate"/);
    const after = await row(video.id);
    assert.equal(after.visibility, 'public');
    assert.equal(await publishedEvents(video.id), 1);
    assert.equal((await testPool().query('SELECT count(*)::int AS n FROM video_edits WHERE video_id = $1', [video.id])).rows[0].n, 0);
  });

  it('stores a time typed in the creator’s zone in UTC', async () => {
    const video = await createVideo(owner);
    // Kolkata keeps UTC+5:30 all year, so the expected instant needs no daylight-saving rules.
    const date = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    assert.equal((await save(video.publicId, { publishDate: date, publishTime: '15:00', timeZone: 'Asia/Kolkata' })).status, 303);
    assert.equal((await row(video.id)).publish_at.toISOString(), `${date}T09:30:00.000Z`);
  });
});
