import { prepared, type Queryable } from './pool.js';
import { MAX_WALK, NEWEST_MATCHES, TSQUERY, choosePlan, estimateMatches, findWordCounts, type SearchPlan, type WordCounts } from './search-plan.js';
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

/** Sort keys of `words` and `typos` below; `a` qualifies them (none in a UNION's ORDER BY). Fixed lists, never interpolated input. */
const ORDER: Record<SearchSort, (a: string) => string> = {
  relevance: (a) => `${a}rank DESC, ${a}published_at DESC, ${a}view_count DESC, ${a}id DESC`,
  date: (a) => `${a}published_at DESC, ${a}id DESC`,
  views: (a) => `${a}view_count DESC, ${a}id DESC`,
};
/** Titles that look like a query with a typo, ranked by strict word similarity. */
const TYPO_CANDIDATES = 500;
const DURATION: Record<DurationFilter, [number, number]> = { short: [0, 240], medium: [240, 1200], long: [1200, 1e9] };
const UPLOADED: Record<UploadedFilter, string> = { day: '1 day', week: '7 days', month: '1 month', year: '1 year' };

/**
 * Quotes, -word and "or" ask for exactly that; the typo-tolerant title match would bring back
 * what they exclude, so it applies to plain queries only.
 */
function usesOperators(query: string): boolean {
  return /"|(^|\s)-\S|(^|\s)or(\s|$)/i.test(query);
}

/**
 * Whether a word of the query is in no listed video (or the query has no word Postgres indexes,
 * only stop words): only then can title trigrams find what the words did not. Words that are
 * each in the catalogue but never together have no typo to forgive, and the trigram scan reads
 * posting lists that grow with the catalogue (100–300 ms for two common words at a million
 * videos, for lookalikes that share a word with the query).
 */
function mayHaveTypo(counts: WordCounts): boolean {
  // Prefix terms are left out: the last word as typed ("science:*") is often the prefix of no
  // stemmed word ("scienc") while the word itself is found.
  const words = [...counts.videos].filter(([lexeme]) => !lexeme.endsWith(':*'));
  return words.length === 0 || words.some(([, videos]) => videos === 0);
}

/**
 * The prefix term as the words it stands for, when they are few: the same listed videos match
 * (search_words holds every lexeme of a listed video), through an intersection of the words'
 * lists instead of a scan of every video with the prefix. No word: null, the prefix part drops.
 */
function expandPrefix(prefix: string, words: string[] | null): string | null {
  if (words === null) return prefix;
  if (words.length === 0) return null;
  return words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | ');
}

/** The last word of a query as a prefix term ("tubest" finds "tubestead"), when it is a plain word. */
function prefixTerm(query: string): { rest: string; prefix: string | null } {
  const match = /^(.*?)([\p{L}\p{N}]{2,})$/u.exec(query.trim());
  if (!match || /[-"]$/.test(match[1]!.trim())) return { rest: query, prefix: null };
  return { rest: match[1]!, prefix: `${match[2]!.toLowerCase()}:*` };
}

// Conditions of the statements below ($4, $5: duration bounds; $6: how recent).
/**
 * The owner is live (ownerLive in visibility.ts), for a query that has not joined users: the
 * accounts that are not, read once through users_not_live_idx, so that matches are left out
 * before they are counted into a page.
 */
const ownerLiveById = (v: string) => `${v}.owner_id NOT IN (SELECT gone.id FROM users gone WHERE NOT (${ownerLive('gone')}))`;
/** Not an index condition: a bitmap of the listing index would be ANDed with the GIN matches, reading every entry of both. */
const uploadedWithin = (v: string) => `($6::interval IS NULL OR ${v}.published_at > now() - $6::interval)`;
/** The same as one expression, an index condition, so that a walk of videos_public_listing_idx stops at the window's edge. */
const uploadedWithinWalk = (v: string) => `${v}.published_at > coalesce(now() - $6::interval, '-infinity')`;
const lastingFor = (v: string) => `${v}.duration_seconds >= coalesce($4::double precision, 0) AND ${v}.duration_seconds < coalesce($5::double precision, 'infinity')`;
/** The query, read once (an InitPlan); a subquery rather than a join, so that a walk keeps its order and stops early. */
const TSQ = '(SELECT tsq FROM q)';
const rankIn = (sort: SearchSort, v: string) => (sort === 'relevance' ? `ts_rank(${v}.search, ${TSQ})` : '0::real');

/**
 * The matches a plan considers (search-plan.ts), as many as the page can need, with their sort keys:
 * - every match: found through videos_search_idx (GIN), all of them read and sorted;
 * - newest matches, for relevance and view order: videos_public_listing_idx walked newest first,
 *   testing each video until NEWEST_MATCHES match, at most MAX_WALK (the LIMIT also keeps the @@
 *   test out of the walk, where it would turn the plan into a GIN scan);
 * - newest matches in date order: the same walk until the page's last match, however far, so
 *   that date order stays complete; ts_match_vq is @@ as a function, the same test, which the
 *   GIN index cannot serve.
 */
const MATCHES: Record<SearchPlan, (sort: SearchSort) => string> = {
  'every-match': (sort) => `SELECT v.id, ${rankIn(sort, 'v')} AS rank, v.published_at, v.view_count FROM videos v
     WHERE v.search @@ ${TSQ} AND ${videoListed()} AND ${ownerLiveById('v')} AND ${uploadedWithin('v')} AND ${lastingFor('v')}
     ORDER BY ${ORDER[sort]('')} LIMIT $7::int + $8::int`,
  'newest-matches': (sort) => (sort === 'date'
    ? `SELECT v.id, 0::real AS rank, v.published_at, v.view_count FROM videos v
       WHERE ${videoListed()} AND ${uploadedWithinWalk('v')} AND ts_match_vq(v.search, ${TSQ}) AND ${ownerLiveById('v')} AND ${lastingFor('v')}
       ORDER BY v.published_at DESC, v.id DESC LIMIT $7::int + $8::int`
    : `SELECT r.id, ${rankIn(sort, 'r')} AS rank, r.published_at, r.view_count FROM (
         SELECT v.id, v.owner_id, v.search, v.published_at, v.view_count, v.duration_seconds FROM videos v
         WHERE ${videoListed()} AND ${uploadedWithinWalk('v')}
         ORDER BY v.published_at DESC, v.id DESC LIMIT ${MAX_WALK}
       ) r
       WHERE r.search @@ ${TSQ} AND ${ownerLiveById('r')} AND ${lastingFor('r')}
       ORDER BY r.published_at DESC, r.id DESC LIMIT ${NEWEST_MATCHES}`),
};

/** The statement of a plan and a sort: fixed text, so each connection plans it once. */
function statement(plan: SearchPlan, sort: SearchSort): string {
  return `WITH q AS (SELECT ${TSQUERY} AS tsq),
     words AS MATERIALIZED (${MATCHES[plan](sort)}),
     typos AS MATERIALIZED (
       SELECT v.id, strict_word_similarity(lower($1), lower(v.title)) AS rank, v.published_at, v.view_count FROM videos v
       WHERE $10 AND NOT EXISTS (SELECT 1 FROM words)
         AND lower($1) <% lower(v.title) AND ${videoListed()} AND ${ownerLiveById('v')} AND ${uploadedWithin('v')} AND ${lastingFor('v')}
       LIMIT ${TYPO_CANDIDATES}
     ),
     page AS (
       SELECT id, rank, published_at, view_count FROM words UNION ALL SELECT id, rank, published_at, view_count FROM typos
       ORDER BY ${ORDER[sort]('')} LIMIT $7 OFFSET $8
     )
     SELECT ${WITH_OWNER},
       ts_headline('english', translate(v.title, $11, $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true') AS title_highlighted,
       ts_headline('english', translate(v.description, $11, $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet
     FROM page p JOIN videos v ON v.id = p.id JOIN users u ON u.id = v.owner_id, q
     ORDER BY ${ORDER[sort]('p.')}`;
}

/**
 * Public videos matching `query`: Postgres full-text search on the weighted `search` column
 * with websearch syntax (quotes, -word, or), the last word also as a prefix, and, when the
 * words match nothing, title trigrams for typos. Any text is a valid query: websearch_to_tsquery
 * never raises, and the prefix term is built from letters and digits only.
 *
 * A GIN index finds every match but in no order, and a word in a fifth of a catalogue is 20,000
 * rows; so the words' counts (search_words) say first how many videos they match, and the
 * cheaper plan runs (search-plan.ts):
 * - words matching few videos: every match is ranked (or sorted by views or date);
 * - common words: relevance and view order rank the NEWEST_MATCHES newest matches only (ten
 *   pages); for view order, a much-viewed old video is then missing from "most viewed" for a
 *   common word, as there is no index on view counts (see listPopularVideosOfChannel in
 *   video-listings.ts) and sorting every match would read a fifth of the catalogue. Date order
 *   is complete either way: the walk goes on until the page is filled.
 * Title trigrams are searched only when the words match nothing and one of them is in no video
 * (mayHaveTypo), as a trigram scan for a short word reads much of that index. The query is
 * compared with the closest run of words in the title (word similarity, `<%`), not the whole
 * title, so that "patern" finds "Test pattern in full HD"; `<%` is served by the same
 * gin_trgm_ops index, videos_title_trgm_idx. Hits are ranked by strict word similarity, which
 * compares whole words: "pattern" before "pater" before "paternoster" ("gardn" is too far from
 * "garden" for the strict form to find, hence `<%` to find).
 */
export async function searchVideos(db: Queryable, search: VideoSearch): Promise<VideoHit[]> {
  const { rest, prefix } = prefixTerm(search.query);
  const seconds = search.duration ? DURATION[search.duration] : null;
  const counts = await findWordCounts(db, { query: search.query, prefix, rest, seconds });
  const wanted = search.sort === 'date' ? search.offset + search.limit : NEWEST_MATCHES;
  const plan = choosePlan(estimateMatches(counts), counts.listed, wanted, counts.durationShare);
  const [minSeconds, maxSeconds] = seconds ?? [null, null];
  const { rows } = await db.query(prepared(`search-videos-${plan}-by-${search.sort}`, statement(plan, search.sort), [
    search.query, prefix && expandPrefix(prefix, counts.prefixWords), rest, minSeconds, maxSeconds, search.uploaded ? UPLOADED[search.uploaded] : null,
    search.limit, search.offset, ANGLE_STANDINS, !usesOperators(search.query) && mayHaveTypo(counts), TRANSLATED,
  ]));
  const restore = (text: string) => text.replaceAll(ANGLE_STANDINS[0]!, '<').replaceAll(ANGLE_STANDINS[1]!, '>');
  return rows.map((r) => ({ ...toVideoWithOwner(r), titleHighlighted: restore(r.title_highlighted), snippet: restore(r.snippet) }));
}

/**
 * Channels whose handle or name contains the query, closest first; when fewer than `limit` do
 * and a word of the query is in no video (a typo is possible, as for videos), those with a run
 * of words that looks like it (word similarity `<%`, so one word of a long display name is
 * enough). Both through users_names_trgm_idx. The closest are picked from
 * the rows those scans read, and only they are read again whole (users_pkey): a common word is in
 * a fiftieth of the names, which the planner took for a reason to hash every account.
 */
export async function searchChannels(db: Queryable, query: string, limit: number): Promise<User[]> {
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query(prepared(
    'search-channels',
    `WITH names AS MATERIALIZED (
       SELECT id, handle || ' ' || lower(display_name) AS name, subscriber_count FROM users
       WHERE ${channelLive('users')} AND (handle || ' ' || lower(display_name)) LIKE $1
     ),
     -- The query's words as the catalogue indexes them; a typo is possible only when there are
     -- none (stop words only) or one of them is in no listed video (mayHaveTypo's rule).
     words AS (SELECT unnest(tsvector_to_array(to_tsvector('english', $2))) AS word),
     typo AS MATERIALIZED (
       SELECT NOT EXISTS (SELECT 1 FROM words)
           OR EXISTS (SELECT 1 FROM words w WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w.word AND s.videos > 0)) AS possible
     ),
     -- Only when the name as typed matches too few and the words may hold a typo: a trigram scan
     -- rechecks many rows (3–4 ms for two common words at 100,000 videos, for names that merely
     -- share a word with the query).
     lookalikes AS (
       SELECT id, handle || ' ' || lower(display_name) AS name, subscriber_count FROM users
       WHERE (SELECT count(*) FROM names) < $3 AND (SELECT possible FROM typo) AND ${channelLive('users')} AND lower($2) <% (handle || ' ' || lower(display_name))
     ),
     found AS (SELECT id, name, subscriber_count FROM names UNION SELECT id, name, subscriber_count FROM lookalikes),
     closest AS MATERIALIZED (
       SELECT id, strict_word_similarity(lower($2), name) AS words_alike, similarity(name, lower($2)) AS alike, subscriber_count FROM found
       ORDER BY words_alike DESC, alike DESC, subscriber_count DESC LIMIT $3
     )
     SELECT u.id, u.handle, u.display_name, u.email, u.bio, u.avatar_key, u.created_at, u.banned_at, u.deleted_at, u.subscriber_count
     FROM closest c JOIN users u ON u.id = c.id
     ORDER BY c.words_alike DESC, c.alike DESC, c.subscriber_count DESC`,
    [pattern, query, limit],
  ));
  return rows.map((r) => ({
    id: r.id, handle: r.handle, displayName: r.display_name, email: r.email, bio: r.bio, avatarKey: r.avatar_key,
    createdAt: r.created_at, bannedAt: r.banned_at, deletedAt: r.deleted_at, subscriberCount: r.subscriber_count,
  }));
}
