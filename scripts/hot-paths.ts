/**
 * The hot paths of the site, as the mixed benchmark (bench-mix.ts) asks for them, requested
 * once each through the real application, and every query the pool runs meanwhile recorded
 * with its values. Shared by the plan check (test/db/query-plans.test.ts) and
 * scripts/explain-hot.ts, so that both look at the queries the pages really run.
 */
import type { Express } from 'express';
import supertest from 'supertest';
import type { Pool } from '../src/db/pool.js';

export interface RecordedQuery {
  /** The request that ran it, as visitHotPaths labels it. */
  request: string;
  /** Its prepared statement's name, or null when it is planned on every call. */
  name: string | null;
  text: string;
  values: unknown[];
}

export interface QueryRecorder {
  recorded: RecordedQuery[];
  /** Records the queries run while `work` runs, under `request`. */
  during<T>(request: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Records what every connection of `pool` is asked to run, from now on: attach it before the
 * pool's first query, as connections made earlier are not watched. The queries of a
 * transaction (withTransaction) and of libraries handed the pool (connect-pg-simple) are seen
 * too, because every query goes through a connection's `query`.
 */
export function recordQueries(pool: Pool): QueryRecorder {
  const recorded: RecordedQuery[] = [];
  let current: string | null = null;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      if (current !== null) recorded.push({ request: current, ...describeQuery(config, values) });
      return query(config, values, callback);
    };
  });
  return {
    recorded,
    async during(request, work) {
      current = request;
      try {
        return await work();
      } finally {
        current = null;
      }
    },
  };
}

function describeQuery(config: unknown, values: unknown): Omit<RecordedQuery, 'request'> {
  if (typeof config === 'string') return { name: null, text: config, values: Array.isArray(values) ? values : [] };
  const c = config as { name?: string; text: string; values?: unknown[] };
  return { name: c.name ?? null, text: c.text, values: c.values ?? (Array.isArray(values) ? values : []) };
}

export interface HotPathSubjects {
  /** A listed video's public id: watched, counted as viewed, liked. */
  video: string;
  /** A live channel's handle. */
  channel: string;
  /** An account that follows channels, for the signed-in pages. */
  member: { handle: string; password: string };
  /** Two search words. */
  words: [string, string];
  /** A listed video with many comments (the seed's BUSY_VIDEO): its watch page, next page, a thread, a comment posted and deleted. */
  commented: string;
}

type Agent = ReturnType<typeof supertest.agent>;
type Visit = (request: string, work: () => Promise<supertest.Response>, expected?: number[]) => Promise<supertest.Response>;

const nextPageAfter = (html: string): string | null => /[?&]after=([A-Za-z0-9_-]{11})/.exec(html)?.[1] ?? null;
/** The address of a comments link of the watch page ("More comments", "N replies"), as served. */
const commentsLink = (html: string, kind: 'more' | 'replies'): string | null =>
  new RegExp(`<a data-comments-${kind} href="([^"#]+)`).exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;

/**
 * Requests every hot path once, each under `during` (QueryRecorder.during), and checks it
 * answered as it should: a page that fails would run other queries than a real visit's.
 * Signing in happens outside `during`: it is not a hot path.
 */
export async function visitHotPaths(app: Express, subjects: HotPathSubjects, during: QueryRecorder['during']): Promise<void> {
  const visit: Visit = async (request, work, expected = [200]) => {
    const res = await during(request, work);
    if (!expected.includes(res.status)) throw new Error(`${request} answered ${res.status}, not ${expected.join(' or ')}`);
    return res;
  };
  const { video, channel, words } = subjects;
  const visitor = supertest.agent(app);
  const watched = await visit('GET /watch/:id', () => visitor.get(`/watch/${video}`));
  const home = await visit('GET /', () => visitor.get('/'));
  const homeAfter = nextPageAfter(home.text);
  if (homeAfter) await visit('GET /?after= (next page)', () => visitor.get(`/?after=${homeAfter}`));
  await visit('GET /search?q= (one word)', () => visitor.get('/search').query({ q: words[0] }));
  await visit('GET /search?q= (two words)', () => visitor.get('/search').query({ q: words.join(' ') }));
  await visit('GET /@:handle', () => visitor.get(`/@${channel}`));
  const token = /data-view-token="([^"]+)"/.exec(watched.text)?.[1];
  if (!token) throw new Error('the watch page has no view token');
  await visit('POST /watch/:id/view', () => visitor.post(`/watch/${video}/view`).type('form').set('Accept', 'application/json').send({ token }), [200, 201]);
  // Comments (issue 11): a video with many, its second page and one thread's replies, as linked.
  const commented = await visit('GET /watch/:id (many comments)', () => visitor.get(`/watch/${subjects.commented}`));
  const more = commentsLink(commented.text, 'more');
  if (more) await visit('GET /watch/:id?after= (comments, next page)', () => visitor.get(more));
  const replies = commentsLink(commented.text, 'replies');
  if (replies) await visit('GET /watch/:id?thread= (replies)', () => visitor.get(replies));
  // The first page is in Top (the default); Newest reads another index, and so does its next page.
  const newest = await visit('GET /watch/:id?sort=newest (many comments)', () => visitor.get(`/watch/${subjects.commented}?sort=newest`));
  const newestMore = commentsLink(newest.text, 'more');
  if (newestMore) await visit('GET /watch/:id?sort=newest&after= (comments, next page)', () => visitor.get(newestMore));

  const member = await signIn(app, subjects.member);
  await visitSignedIn(member, subjects, visit);
}

async function visitSignedIn(member: Agent, { video, channel, commented }: HotPathSubjects, visit: Visit): Promise<void> {
  const watched = await visit('GET /watch/:id (signed in)', () => member.get(`/watch/${video}`));
  await visit('GET / (signed in)', () => member.get('/'));
  const feed = await visit('GET /feed/subscriptions', () => member.get('/feed/subscriptions'));
  const feedAfter = nextPageAfter(feed.text);
  if (feedAfter) await visit('GET /feed/subscriptions?after= (next page)', () => member.get(`/feed/subscriptions?after=${feedAfter}`));
  await visit('GET /@:handle (signed in)', () => member.get(`/@${channel}`));
  // The creator's studio: the list of their videos (with the channel's totals), and most viewed.
  await visit('GET /studio', () => member.get('/studio'));
  await visit('GET /studio?sort=views', () => member.get('/studio?sort=views'));
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(watched.text)?.[1];
  if (!csrf) throw new Error('the signed-in watch page has no CSRF token');
  // Liking and taking it back, as the benchmark does: an insert and a delete of the rating.
  for (const value of ['like', 'none']) {
    await visit(`POST /watch/:id/rate (${value})`, () => member.post(`/watch/${video}/rate`).type('form').set('Accept', 'application/json').send({ value, _csrf: csrf }));
  }
  // Posting a comment as the form does with scripts, then deleting it: the catalogue keeps its shape.
  await visit('GET /watch/:id (many comments, signed in)', () => member.get(`/watch/${commented}`));
  const posted = await visit('POST /watch/:id/comments', () => member.post(`/watch/${commented}/comments`).type('form').set('Accept', 'application/json').send({ body: `A hot path's comment ${Date.now()}`, _csrf: csrf }), [201]);
  await visit('POST /comments/:id/delete', () => member.post(`/comments/${posted.body.id}/delete`).type('form').set('Accept', 'application/json').send({ _csrf: csrf }));
}

/** An agent signed in through the real sign-in form. */
async function signIn(app: Express, account: { handle: string; password: string }): Promise<Agent> {
  const agent = supertest.agent(app);
  const form = await agent.get('/login');
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  if (!token) throw new Error('the sign-in form has no _csrf field');
  const res = await agent.post('/login').type('form').send({ _csrf: token, login: account.handle, password: account.password });
  if (res.status !== 303) throw new Error(`signing in as ${account.handle} answered ${res.status}`);
  return agent;
}
