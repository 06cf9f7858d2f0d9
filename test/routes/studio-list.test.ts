import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** The public ids of the table's rows, in the order shown. */
function listed(html: string): string[] {
  return [...html.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1]!);
}

function nextLink(html: string): string | null {
  const href = /<a rel="next" href="([^"]+)"/.exec(html)?.[1];
  return href ? href.replace(/&amp;/g, '&') : null;
}

describe('GET /studio (the studio list)', () => {
  const t = useTestApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;
  /** The owner's videos by name, uploaded an hour apart in this order. */
  const v: Record<string, { id: number; publicId: string }> = {};
  let strangers: { id: number; publicId: string }[];

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    const specs = [
      ['cats', { title: 'Funny cats compilation' }],
      ['dogs', { title: 'Dogs at the beach', visibility: 'unlisted' as const }],
      ['draft', { title: 'Cat food review (draft)', visibility: 'private' as const }],
      ['broken', { title: 'Broken upload', status: 'failed' as const }],
      ['busy', { title: 'Still processing cats', status: 'processing' as const }],
      ['percent', { title: '100% real 50_50 video' }],
    ] as const;
    for (const [name, options] of specs) v[name] = await createVideo(owner, options);
    const base = Date.parse('2026-01-01T00:00:00Z');
    let hour = 0;
    for (const name of Object.keys(v)) {
      await testPool().query('UPDATE videos SET created_at = $2, view_count = $3 WHERE id = $1', [v[name]!.id, new Date(base + hour * 3_600_000), [50, 10, 0, 0, 0, 30][hour]]);
      hour += 1;
    }
    await testPool().query('UPDATE videos SET like_count = 7, dislike_count = 2 WHERE id = $1', [v.cats!.id]);
    const stranger = await createUser();
    strangers = [await createVideo(stranger, { title: 'Funny cats of a stranger' }), await createVideo(stranger, { title: 'Private cats', visibility: 'private' })];
  });

  it('lists my videos in every state, newest first, and none of anyone else', async () => {
    const res = await agent.get('/studio');
    assert.equal(res.status, 200);
    assert.deepEqual(listed(res.text), ['percent', 'busy', 'broken', 'draft', 'dogs', 'cats'].map((n) => v[n]!.publicId));
    for (const video of strangers) assert.ok(!res.text.includes(video.publicId));
    assert.ok(!res.text.includes('of a stranger'));
  });

  it('shows each video with its links, state, counts', async () => {
    const res = await agent.get('/studio');
    assert.ok(res.text.includes(`href="/studio/videos/${v.cats!.publicId}"`));
    assert.ok(res.text.includes(`href="/watch/${v.cats!.publicId}"`));
    assert.match(res.text, /Broken upload[\s\S]*?Failed<\/span>: Made failed by a test\./);
    assert.ok(res.text.includes(`data-poll="/api/v1/videos/${v.busy!.publicId}"`), 'a video being processed shows its progress');
    const catsRow = res.text.slice(res.text.indexOf(`value="${v.cats!.publicId}"`)).split('</tr>')[0]!;
    assert.match(catsRow, /<td>50<\/td>\s*<td>7<\/td>\s*<td>2<\/td>/);
    assert.match(catsRow, /<td>Public<\/td>/);
  });

  it('filters by visibility and by state', async () => {
    assert.deepEqual(listed((await agent.get('/studio?visibility=private')).text), [v.draft!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?visibility=unlisted')).text), [v.dogs!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?state=failed')).text), [v.broken!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?state=ready&visibility=public')).text), [v.percent!.publicId, v.cats!.publicId]);
    const none = await agent.get('/studio?state=uploaded');
    assert.deepEqual(listed(none.text), []);
    assert.match(none.text, /No video matches/);
  });

  it('searches my titles, case-insensitively, with wildcards taken as typed', async () => {
    assert.deepEqual(listed((await agent.get('/studio?q=CAT')).text), ['busy', 'draft', 'cats'].map((n) => v[n]!.publicId));
    assert.deepEqual(listed((await agent.get('/studio?q=cats&state=ready')).text), [v.cats!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?q=100%25')).text), [v.percent!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?q=50_5')).text), [v.percent!.publicId]);
    assert.deepEqual(listed((await agent.get('/studio?q=%25')).text), [v.percent!.publicId], '% matches a percent sign only');
    assert.deepEqual(listed((await agent.get('/studio?q=stranger')).text), []);
  });

  it('sorts oldest first and most viewed first', async () => {
    assert.deepEqual(listed((await agent.get('/studio?sort=oldest')).text), ['cats', 'dogs', 'draft', 'broken', 'busy', 'percent'].map((n) => v[n]!.publicId));
    // Equal counts fall back to the newer id first.
    assert.deepEqual(listed((await agent.get('/studio?sort=views')).text).slice(0, 3), ['cats', 'percent', 'dogs'].map((n) => v[n]!.publicId));
  });

  describe('keyset pagination', () => {
    let big: Awaited<ReturnType<typeof createUser>>;
    let bigAgent: Agent;
    const ids: string[] = [];

    before(async () => {
      big = await createUser();
      bigAgent = await signedInAgent(t.app, big);
      for (let i = 0; i < 120; i++) {
        const video = await createVideo(big, { title: `Episode ${i}`, visibility: i % 3 === 0 ? 'private' : 'public' });
        await testPool().query('UPDATE videos SET view_count = $2 WHERE id = $1', [video.id, (i * 7) % 40]);
        ids.push(video.publicId);
      }
    });

    for (const [query, expected] of [
      ['', () => [...ids].reverse()],
      ['sort=oldest', () => ids],
      ['visibility=private', () => ids.filter((_, i) => i % 3 === 0).reverse()],
      ['q=episode+1', () => ids.filter((_, i) => String(i).startsWith('1')).reverse()],
    ] as const) {
      it(`walks every page once, in order (${query || 'newest'})`, async () => {
        const seen: string[] = [];
        let url: string | null = `/studio${query ? `?${query}` : ''}`;
        for (let pages = 0; url && pages < 10; pages++) {
          const res = await bigAgent.get(url);
          assert.equal(res.status, 200);
          seen.push(...listed(res.text));
          url = nextLink(res.text);
        }
        assert.deepEqual(seen, expected());
      });
    }

    it('walks most viewed without repeats or gaps', async () => {
      const seen: string[] = [];
      let url: string | null = '/studio?sort=views';
      while (url) {
        const res = await bigAgent.get(url);
        seen.push(...listed(res.text));
        url = nextLink(res.text);
      }
      assert.equal(seen.length, 120);
      assert.equal(new Set(seen).size, 120);
      const { rows } = await testPool().query('SELECT public_id FROM videos WHERE owner_id = $1 ORDER BY view_count DESC, id DESC', [big.id]);
      assert.deepEqual(seen, rows.map((r) => r.public_id));
    });

    it('reads a cursor that is not one of my videos as the first page', async () => {
      const first = listed((await bigAgent.get('/studio')).text);
      for (const after of [strangers[0]!.publicId, strangers[1]!.publicId, 'AAAAAAAAAAA', 'not-an-id']) {
        const res = await bigAgent.get(`/studio?after=${after}`);
        assert.equal(res.status, 200);
        assert.deepEqual(listed(res.text), first, after);
      }
    });
  });

  describe('channel totals', () => {
    it('counts the views of the last 28 days, rolled up or not, and the new subscribers', async () => {
      const creator = await createUser();
      const creatorAgent = await signedInAgent(t.app, creator);
      const a = await createVideo(creator);
      const b = await createVideo(creator, { visibility: 'private' });
      const other = await createVideo(await createUser());
      const db = testPool();
      const day = (daysAgo: number) => `((now() AT TIME ZONE 'UTC')::date - ${daysAgo})`;
      // Rolled up: today and 27 days ago count, 28 days ago does not; another channel's never.
      await db.query(`INSERT INTO video_view_days (video_id, day, views) VALUES ($1, ${day(0)}, 5), ($1, ${day(27)}, 7), ($1, ${day(28)}, 1000), ($2, ${day(3)}, 11), ($3, ${day(0)}, 500)`, [a.id, b.id, other.id]);
      // A roll-up adding to a day already there (ON CONFLICT … DO UPDATE) is counted too.
      await db.query(`INSERT INTO video_view_days AS d (video_id, day, views) VALUES ($1, ${day(0)}, 2) ON CONFLICT (video_id, day) DO UPDATE SET views = d.views + excluded.views`, [a.id]);
      // Not rolled up yet: two recent views, and one older than the window.
      await db.query(`INSERT INTO video_views (video_id, viewer_key, hour, viewed_at) VALUES
        ($1, 'k1', date_trunc('hour', now()), now()), ($2, 'k2', date_trunc('hour', now()), now()),
        ($1, 'k3', date_trunc('hour', now() - interval '40 days'), now() - interval '40 days'), ($3, 'k4', date_trunc('hour', now()), now())`, [a.id, b.id, other.id]);
      // Subscribers: two new, one from long ago.
      for (const when of ['now()', "now() - interval '3 days'", "now() - interval '60 days'"]) {
        const fan = await createUser();
        await db.query(`INSERT INTO subscriptions (subscriber_id, channel_id, subscribed_at) VALUES ($1, $2, ${when})`, [fan.id, creator.id]);
      }
      const res = await creatorAgent.get('/studio');
      assert.match(res.text, /<dt>Views<\/dt><dd>27<\/dd>/); // 5 + 2 + 7 + 11 + 2 recent
      assert.match(res.text, /<dt>New subscribers<\/dt><dd>2<\/dd>/);
    });
  });

  describe('bad parameters', () => {
    for (const query of ['sort=popular', 'visibility=scheduled', 'state=deleted', 'sort=views&sort=oldest', `q=${'x'.repeat(10_000)}`, 'q=%01cats', 'q=%C2%85']) {
      it(`answers ${query.slice(0, 30)} with 400 and a message`, async () => {
        const res = await agent.get(`/studio?${query}`);
        assert.equal(res.status, 400);
        assert.match(res.text, /Sort by|Filter by|Give each filter once|Search with at most|control characters/);
      });
    }

    it('takes empty values as the defaults and ignores parameters it does not know', async () => {
      const all = listed((await agent.get('/studio')).text);
      for (const query of ['sort=&visibility=&state=&q=', 'q=%20%20', 'visibility[]=public', 'page=2', 'after=']) {
        const res = await agent.get(`/studio?${query}`);
        assert.equal(res.status, 200, query);
        assert.deepEqual(listed(res.text), all, query);
      }
    });
  });
});
