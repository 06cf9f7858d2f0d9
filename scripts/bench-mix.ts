/**
 * The mixed mode of `npm run bench`: traffic shaped like a real site's rather than one warm
 * address. Every request is drawn at random: its class by the weights of MIX, its video or
 * channel from a Zipf distribution (s = 1) over the whole listed catalogue (videos ranked by
 * views, channels by subscribers), its search words from a Zipf distribution over the seeded
 * vocabulary in a fixed shuffled order (so that popular queries are not simply the commonest
 * title words), and its signed-in account uniformly from a few sessions. The draws come from a
 * seeded generator, so the site and the bare server get the same sequence.
 */
import type { Pool } from '../src/db/pool.js';
import { channelLive, listed, videoListed } from '../src/db/visibility.js';
import { SEED_PASSWORD, WORDS } from '../src/cli/seed-words.js';

/** Classes of requests and their share of the mix, in percent. */
export const MIX = {
  'watch': 43,
  'watch, signed in': 19,
  'home': 10,
  'search, one word': 6,
  'search, two words': 4,
  'channel': 5,
  'subscription feed': 10,
  'view report (POST)': 2,
  'like (POST)': 1,
} as const;
export type RequestClass = keyof typeof MIX;
const ZIPF_EXPONENT = 1;
/** View reports are sent for videos watched a moment ago, with the token their page carried. */
const RECENT_WATCHES = 512;

export interface Catalogue {
  /** Listed videos' public ids, most viewed first: the Zipf ranks. */
  videos: string[];
  /** Handles of live channels with a listed video, most subscribed first. */
  channels: string[];
}

export interface Session {
  handle: string;
  cookie: string;
  csrf: string;
}

export interface Planned {
  cls: RequestClass;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Everything listed, as the ranks of the Zipf draws (the script's own reads, like the single-address table's). */
export async function loadCatalogue(pool: Pool): Promise<Catalogue> {
  const { rows: videos } = await pool.query<{ public_id: string }>(
    `SELECT v.public_id FROM videos v JOIN users u ON u.id = v.owner_id WHERE ${listed()} ORDER BY v.view_count DESC, v.id`,
  );
  const { rows: channels } = await pool.query<{ handle: string }>(
    `SELECT u.handle FROM users u WHERE ${channelLive()} AND EXISTS (SELECT 1 FROM videos v WHERE v.owner_id = u.id AND ${videoListed()})
     ORDER BY u.subscriber_count DESC, u.id`,
  );
  return { videos: videos.map((r) => r.public_id), channels: channels.map((r) => r.handle) };
}

/** `count` seeded accounts that follow channels, spread over the accounts (not only the first, biggest channels). */
export async function findFollowers(pool: Pool, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ handle: string }>(
    `SELECT u.handle FROM users u WHERE u.handle LIKE 'seed-%' AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.subscriber_id = u.id)
     ORDER BY md5(u.handle) LIMIT $1`,
    [count],
  );
  return rows.map((r) => r.handle);
}

function cookieNamed(setCookies: string[], name: string): string {
  const found = setCookies.find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie among ${setCookies.length} Set-Cookie headers`);
  return found.split(';')[0]!;
}

/** Signs in through the real form; returns the session cookie and its CSRF token (from the page's meta tag). */
export async function signIn(base: string, handle: string): Promise<Session> {
  const form = await fetch(`${base}/login`);
  const visitor = cookieNamed(form.headers.getSetCookie(), 'tubestead-csrf');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('the sign-in form has no _csrf field');
  const login = await fetch(`${base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: visitor, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, login: handle, password: SEED_PASSWORD }),
  });
  if (login.status !== 303) throw new Error(`signing in as ${handle} answered ${login.status}`);
  const cookie = cookieNamed(login.headers.getSetCookie(), 'tubestead');
  const home = await fetch(`${base}/`, { headers: { Cookie: cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await home.text())?.[1];
  if (!csrf) throw new Error(`no csrf-token meta tag on the home page signed in as ${handle}`);
  return { handle, cookie, csrf };
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0 … n−1 with P(k) ∝ 1 / (k + 1)^s, by binary search of the cumulative weights. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1) ** s;
  return () => {
    const x = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! < x) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * The request generator: `next()` draws one request; `watched()` is told of each signed-out
 * watch page received, whose view token a later view report sends (as the player would).
 */
export function planMix(catalogue: Catalogue, sessions: Session[], seed: number, weights: Partial<Record<RequestClass, number>> = MIX) {
  const random = seededRandom(seed);
  const video = zipf(catalogue.videos.length, ZIPF_EXPONENT, random);
  const channel = zipf(catalogue.channels.length, ZIPF_EXPONENT, random);
  const vocabulary = [...new Set(WORDS)].sort((a, b) => hash(a) - hash(b));
  const word = zipf(vocabulary.length, ZIPF_EXPONENT, random);
  const classes = Object.entries(weights) as [RequestClass, number][];
  const totalWeight = classes.reduce((sum, [, weight]) => sum + weight, 0);
  const recent: { id: string; token: string }[] = [];
  let recentNext = 0;

  const pickVideo = () => catalogue.videos[video()]!;
  const pickSession = () => sessions[Math.floor(random() * sessions.length)]!;
  const search = (q: string): string => `/search?q=${encodeURIComponent(q)}`;
  function pickClass(): RequestClass {
    let x = random() * totalWeight;
    for (const [cls, weight] of classes) if ((x -= weight) < 0) return cls;
    return classes[0]![0];
  }

  function next(): Planned {
    const cls = pickClass();
    switch (cls) {
      case 'watch': return { cls, method: 'GET', path: `/watch/${pickVideo()}`, headers: {} };
      case 'watch, signed in': return { cls, method: 'GET', path: `/watch/${pickVideo()}`, headers: { Cookie: pickSession().cookie } };
      case 'home': return { cls, method: 'GET', path: '/', headers: {} };
      case 'search, one word': return { cls, method: 'GET', path: search(vocabulary[word()]!), headers: {} };
      case 'search, two words': {
        const first = vocabulary[word()]!;
        let second = first;
        while (second === first) second = vocabulary[word()]!;
        return { cls, method: 'GET', path: search(`${first} ${second}`), headers: {} };
      }
      case 'channel': return { cls, method: 'GET', path: `/@${catalogue.channels[channel()]!}`, headers: {} };
      case 'subscription feed': return { cls, method: 'GET', path: '/feed/subscriptions', headers: { Cookie: pickSession().cookie } };
      case 'view report (POST)': {
        // Until a watch page has been received there is no token to send: watch instead.
        if (recent.length === 0) return { cls: 'watch', method: 'GET', path: `/watch/${pickVideo()}`, headers: {} };
        const watched = recent[Math.floor(random() * recent.length)]!;
        const body = new URLSearchParams({ token: watched.token }).toString();
        return { cls, method: 'POST', path: `/watch/${watched.id}/view`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body };
      }
      case 'like (POST)': {
        const session = pickSession();
        // Liking and taking it back, so that each is a change of the row and the counters.
        const body = new URLSearchParams({ value: random() < 0.5 ? 'like' : 'none', _csrf: session.csrf }).toString();
        return { cls, method: 'POST', path: `/watch/${pickVideo()}/rate`, headers: { Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body };
      }
    }
  }

  function watched(planned: Planned, body: string): void {
    const token = /data-view-token="([^"]+)"/.exec(body)?.[1];
    if (!token) return;
    recent[recentNext] = { id: planned.path.slice('/watch/'.length), token };
    recentNext = (recentNext + 1) % RECENT_WATCHES;
  }

  return { next, watched, vocabularySize: vocabulary.length };
}
export type MixPlan = ReturnType<typeof planMix>;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
