import type { Queryable } from './pool.js';
import { WITH_OWNER, toVideoWithOwner, type VideoWithOwner } from './videos.js';
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
// brackets are swapped for these stand-ins before it runs and put back after.
const ANGLE_STANDINS = '\u0004\u0005';

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
const RANK_CANDIDATES = 1000;
const RECENT_WINDOW = 2000;
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
 * (videos_search_idx, GIN) with websearch syntax (quotes, -word, or), the last word also as a
 * prefix, and title trigrams (videos_title_trgm_idx) for typos. Any text is a valid query:
 * websearch_to_tsquery never raises, and the prefix term is built from letters and digits only.
 */
export async function searchVideos(db: Queryable, search: VideoSearch): Promise<VideoHit[]> {
  const { rest, prefix } = prefixTerm(search.query);
  const [minSeconds, maxSeconds] = search.duration ? DURATION[search.duration] : [null, null];
  const { rows } = await db.query(
    `WITH q AS (
       SELECT websearch_to_tsquery('english', $1)
         || CASE WHEN $2::text IS NULL THEN ''::tsquery ELSE websearch_to_tsquery('english', $3) && to_tsquery('simple', $2) END AS tsq
     ),
     -- Ranking costs per matching row, and a common word matches a fifth of a catalogue, so
     -- relevance ranks a bounded set: the matches among the newest 2,000 public videos (walking
     -- videos_public_listing_idx) and up to 1,000 more from videos_search_idx. Date and view
     -- order take the true first matches in that order.
     matching AS (
       SELECT v.id, v.published_at, v.view_count FROM videos v, q
       WHERE (v.search @@ q.tsq OR ($10 AND lower(v.title) % lower($1)))
         AND v.status = 'ready' AND v.visibility = 'public'
         AND ($4::double precision IS NULL OR v.duration_seconds >= $4) AND ($5::double precision IS NULL OR v.duration_seconds < $5)
         AND ($6::interval IS NULL OR v.published_at > now() - $6::interval)
     ),
     candidates AS (
       ${search.sort === 'relevance' ? `(SELECT recent.id FROM (
          SELECT v.id, v.search, v.title, v.duration_seconds, v.published_at FROM videos v
          WHERE v.status = 'ready' AND v.visibility = 'public' ORDER BY v.published_at DESC, v.id DESC LIMIT ${RECENT_WINDOW}
        ) recent, q
        WHERE (recent.search @@ q.tsq OR ($10 AND lower(recent.title) % lower($1)))
          AND ($4::double precision IS NULL OR recent.duration_seconds >= $4) AND ($5::double precision IS NULL OR recent.duration_seconds < $5)
          AND ($6::interval IS NULL OR recent.published_at > now() - $6::interval))
       UNION
       (SELECT id FROM matching LIMIT ${RANK_CANDIDATES})` : `SELECT id FROM matching m ORDER BY ${search.sort === 'date' ? 'm.published_at DESC, m.id DESC' : 'm.view_count DESC, m.id DESC'} LIMIT $7::int + $8::int`}
     )
     SELECT ${WITH_OWNER},
       ts_rank(v.search, q.tsq) + similarity(lower(v.title), lower($1)) AS rank,
       ts_headline('english', translate(v.title, '<>', $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, HighlightAll=true') AS title_highlighted,
       ts_headline('english', translate(v.description, '<>', $9), q.tsq, 'StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet
     FROM candidates c JOIN videos v ON v.id = c.id JOIN users u ON u.id = v.owner_id, q
     WHERE u.deleted_at IS NULL AND u.banned_at IS NULL
     ORDER BY ${ORDER[search.sort]}
     LIMIT $7 OFFSET $8`,
    [search.query, prefix, rest, minSeconds, maxSeconds, search.uploaded ? UPLOADED[search.uploaded] : null, search.limit, search.offset, ANGLE_STANDINS, !usesOperators(search.query)],
  );
  const restore = (text: string) => text.replaceAll(ANGLE_STANDINS[0]!, '<').replaceAll(ANGLE_STANDINS[1]!, '>');
  return rows.map((r) => ({ ...toVideoWithOwner(r), titleHighlighted: restore(r.title_highlighted), snippet: restore(r.snippet) }));
}

/** Channels whose handle or name matches, closest first, tolerant of typos (users_names_trgm_idx). */
export async function searchChannels(db: Queryable, query: string, limit: number): Promise<User[]> {
  const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query(
    `SELECT id, handle, display_name, email, bio, avatar_key, created_at, banned_at, deleted_at, subscriber_count
     FROM users
     WHERE deleted_at IS NULL AND banned_at IS NULL
       AND ((handle || ' ' || lower(display_name)) LIKE $1 OR (handle || ' ' || lower(display_name)) % lower($2))
     ORDER BY similarity(handle || ' ' || lower(display_name), lower($2)) DESC, subscriber_count DESC
     LIMIT $3`,
    [pattern, query, limit],
  );
  return rows.map((r) => ({
    id: r.id, handle: r.handle, displayName: r.display_name, email: r.email, bio: r.bio, avatarKey: r.avatar_key,
    createdAt: r.created_at, bannedAt: r.banned_at, deletedAt: r.deleted_at, subscriberCount: r.subscriber_count,
  }));
}
