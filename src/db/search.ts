import type { Queryable } from './pool.js';
import { WITH_OWNER, toVideoWithOwner, type VideoWithOwner } from './videos.js';
import { channelLive, ownerLive, videoListed } from './visibility.js';
import type { User } from './users.js';

export type SearchSort = 'relevance' | 'date' | 'views';
export type DurationFilter = 'short' | 'medium' | 'long';
export type UploadedFilter = 'day' | 'week' | 'month' | 'year';

export interface VideoSearch {
  query: string;
  sort: SearchSort;
  duration: DurationFilter | null;
  uploaded: UploadedFilter | null;
  offset: number;
  limit: number;
}

/** Marks ts_headline puts around matches; the page escapes everything else and turns these into <mark>. */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

// ts_headline drops anything that looks like an HTML tag ("a <b> c" becomes "a  c"); angle
// brackets are swapped for these stand-ins before it runs and put back after. The markers and
// stand-ins themselves are deleted from stored text first (translate drops characters of
// `from` that have no counterpart in `to`): a title holding U+0002 would otherwise open a
// <mark> that nothing closes.
const ANGLE_STANDINS = '\u0004\u0005';
const TRANSLATED = `<>${HIGHLIGHT_START}${HIGHLIGHT_END}${ANGLE_STANDINS}`;

export interface VideoHit extends VideoWithOwner {
  titleHighlighted: string;
  snippet: string;
}

// Fixed lists, never interpolated input.
const ORDER: Record<SearchSort, string> = {
  relevance: 'rank DESC, v.published_at DESC, v.view_count DESC, v.id DESC',
  date: 'v.published_at DESC, v.id DESC',
  views: 'v.view_count DESC, v.id DESC',
};
/** Titles that look like a query with a typo, ranked by strict word similarity. */
const TYPO_CANDIDATES = 500;
const RECENT_WINDOW = 2000;
/** Matches among the newest RECENT_WINDOW that make a query common enough to rank only those. */
const COMMON_MATCHES = 40;
const DURATION: Record<DurationFilter, [number, number]> = { short: [0, 240], medium: [240, 1200], long: [1200, 1e9] };
const UPLOADED: Record<UploadedFilter, string> = { day: '1 day', week: '7 days', month: '1 month', year: '1 year' };

/**
 * Quotes, -word and "or" ask for exactly that; the typo-tolerant title match would bring back
 * what they exclude, so it applies to plain queries only.
 */
function usesOperators(query: string): boolean {
  return /"|(^|\s)-\S|(^|\s)or(\s|$)/i.test(query);
}

/** The last word of a query as a prefix term ("tubest" finds "tubestead"), when it is a plain word. */
function prefixTerm(query: string): { rest: string; prefix: string | null } {
  const match = /^(.*?)([\p{L}\p{N}]{2,})$/u.exec(query.trim());
  if (!match || /[-"]$/.test(match[1]!.trim())) return { rest: query, prefix: null };
  return { rest: match[1]!, prefix: `${match[2]!.toLowerCase()}:*` };
}

/**
 * Public videos matching `query`: Postgres full-text search on the weighted `search` column
 * with websearch syntax (quotes, -word, or), the last word also as a prefix, and, when the
 * words match nothing, title trigrams for typos. Any text is a valid query: websearch_to_tsquery
 * never raises, and the prefix term is built from letters and digits only.
 *
 * The work is bounded whatever the words' frequency, because a GIN index finds every match but
 * cannot hand them over in any order, and a word in a fifth of a catalogue is 20,000 rows:
 * - relevance and view order rank the matches among the newest RECENT_WINDOW public videos
 *   (walking videos_public_listing_idx, testing each row); only when those are fewer than
 *   COMMON_MATCHES, so the words are not common, do they rank every match found through
 *   videos_search_idx (GIN), keeping as many of the best as the page needs. Old videos that
 *   match only very common words are thus not ranked: for view order, the trade is that a
 *   much-viewed old video is missing from "most viewed" for a common word (date order still
 *   lists it), as there is no index on view counts (see listPopularVideosOfChannel in
 *   video-listings.ts) and sorting every match of a common word would read a fifth of the catalogue;
 * - date order takes the first matches in that order, walking videos_public_listing_idx for
 *   common words or sorting the GIN matches for rare ones (the planner chooses from the words'
 *   frequencies);
 * - title trigrams are searched only when the words match nothing, as a trigram scan for a
 *   short word reads much of that index. The query is compared with the closest run of words
 *   in the title (word similarity, `<%`), not the whole title, so that "patern" finds "Test
 *   pattern in full HD"; `<%` is served by the same gin_trgm_ops index, videos_title_trgm_idx.
 *   Hits are ranked by strict word similarity, which compares whole words: "pattern" before
 *   "pater" before "paternoster" ("gardn" is too far from "garden" for the strict form to
 *   find, hence `<%` to find).
 */
export async function searchVideos(db: Queryable, search: VideoSearch): Promise<VideoHit[]> {
  const { rest, prefix } = prefixTerm(search.query);
  const [minSeconds, maxSeconds] = search.duration ? DURATION[search.duration] : [null, null];
  const filters = (v: string) => `($4::double precision IS NULL OR ${v}.duration_seconds >= $4) AND ($5::double precision IS NULL OR ${v}.duration_seconds < $5)
         AND ($6::interval IS NULL OR ${v}.published_at > now() - $6::interval)`;
  const matches = search.sort !== 'date'
    ? `recent AS MATERIALIZED (
         SELECT r.id FROM (
           SELECT v.id, v.search, v.duration_seconds, v.published_at FROM videos v
           WHERE ${videoListed()} ORDER BY v.published_at DESC, v.id DESC LIMIT ${RECENT_WINDOW}
         ) r, q
         WHERE r.search @@ q.tsq AND ${filters('r')}
       ),
       -- An uncommon query: a one-time filter skips this scan entirely for common ones.
       older AS MATERIALIZED (
         SELECT v.id FROM videos v, q
         WHERE (SELECT count(*) FROM recent) < ${COMMON_MATCHES}
           AND v.search @@ q.tsq AND ${videoListed()} AND ${filters('v')}
         -- The final order, so the first offset + limit of these are all the page can need.
         ORDER BY ${search.sort === 'views' ? ORDER.views : 'ts_rank(v.search, q.tsq) DESC, v.published_at DESC, v.view_count DESC, v.id DESC'}
         LIMIT $7::int + $8::int
       ),
       words AS (SELECT id FROM recent UNION SELECT id FROM older)`
    : `words AS MATERIALIZED (
         SELECT v.id FROM videos v, q
         WHERE v.search @@ q.tsq AND ${videoListed()} AND ${filters('v')}
         ORDER BY v.published_at DESC, v.id DESC
         LIMIT $7::int + $8::int
       )`;
  const { rows } = await db.query({
    // Named, so each connection plans the relevance and view-order queries once (their shape
    // suits every query); date order is planned each time, as its best plan depends on the words.
    ...(search.sort === 'date' ? {} : { name: `search-videos-by-${search.sort}` }),
    text: `WITH q AS (
       SELECT websearch_to_tsquery('english', $1)
         || CASE WHEN $2::text IS NULL THEN ''::tsquery ELSE websearch_to_tsquery('english', $3) && to_tsquery('simple', $2) END AS tsq
     ),
     ${matches},
     typos AS (
       SELECT v.id FROM videos v
       WHERE $10 AND NOT EXISTS (SELECT 1 FROM words)
         AND lower($1) <% lower(v.title) AND ${videoListed()} AND ${filters('v')}
       LIMIT ${TYPO_CANDIDATES}
     ),
     candidates AS (SELECT id, false AS typo FROM words UNION ALL SELECT id, true FROM typos)
     SELECT ${WITH_OWNER},
       CASE WHEN c.typo THEN strict_word_similarity(lower($1), lower(v.title)) ELSE ts_rank(v.search, q.tsq) END AS rank,
       ts_headline('english', translate(v.title, $11, $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true') AS title_highlighted,
       ts_headline('english', translate(v.description, $11, $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet
     FROM candidates c JOIN videos v ON v.id = c.id JOIN users u ON u.id = v.owner_id, q
     WHERE ${ownerLive()}
     ORDER BY ${ORDER[search.sort]}
     LIMIT $7 OFFSET $8`,
    values: [search.query, prefix, rest, minSeconds, maxSeconds, search.uploaded ? UPLOADED[search.uploaded] : null, search.limit, search.offset, ANGLE_STANDINS, !usesOperators(search.query), TRANSLATED],
  });
  const restore = (text: string) => text.replaceAll(ANGLE_STANDINS[0]!, '<').replaceAll(ANGLE_STANDINS[1]!, '>');
  return rows.map((r) => ({ ...toVideoWithOwner(r), titleHighlighted: restore(r.title_highlighted), snippet: restore(r.snippet) }));
}

/**
 * Channels whose handle or name contains the query, closest first; when fewer than `limit` do,
 * those with a run of words that looks like it (typos, word similarity `<%`, so one word of a
 * long display name is enough). Both through users_names_trgm_idx.
 */
export async function searchChannels(db: Queryable, query: string, limit: number): Promise<User[]> {
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query({
    name: 'search-channels',
    text: `WITH names AS MATERIALIZED (
       SELECT id, handle || ' ' || lower(display_name) AS name FROM users
       WHERE ${channelLive('users')} AND (handle || ' ' || lower(display_name)) LIKE $1
     ),
     -- Only when the name as typed matches too few: a trigram scan rechecks many rows.
     lookalikes AS (
       SELECT id, handle || ' ' || lower(display_name) AS name FROM users
       WHERE (SELECT count(*) FROM names) < $3 AND ${channelLive('users')} AND lower($2) <% (handle || ' ' || lower(display_name))
     ),
     found AS (SELECT id, name FROM names UNION SELECT id, name FROM lookalikes)
     SELECT u.id, u.handle, u.display_name, u.email, u.bio, u.avatar_key, u.created_at, u.banned_at, u.deleted_at, u.subscriber_count
     FROM found f JOIN users u ON u.id = f.id
     ORDER BY strict_word_similarity(lower($2), f.name) DESC, similarity(f.name, lower($2)) DESC, u.subscriber_count DESC
     LIMIT $3`,
    values: [pattern, query, limit],
  });
  return rows.map((r) => ({
    id: r.id, handle: r.handle, displayName: r.display_name, email: r.email, bio: r.bio, avatarKey: r.avatar_key,
    createdAt: r.created_at, bannedAt: r.banned_at, deletedAt: r.deleted_at, subscriberCount: r.subscriber_count,
  }));
}
