import { prepared, type Queryable } from './pool.js';

// What a search's words cost, known before it runs: search_words counts the listed videos each
// word is in (kept exact by triggers, sql/migrations/1763683200080_search-words.sql). From those
// counts a search estimates how many videos its words match and picks one of two plans, each a
// fixed prepared statement (src/db/search.ts):
// - every match: the GIN index (videos_search_idx) finds them all; each is read and ranked. Its
//   cost grows with the matches.
// - newest matches: videos_public_listing_idx is walked from the newest video, testing each, until
//   enough match. Its cost grows with how many videos must be walked to find them: few for a
//   common word, the whole catalogue for a rare one.

/**
 * The query as Postgres reads it: the words with websearch syntax (quotes, -word, or), or the
 * words before the last with the last as a prefix. $1 is the query, $2 its last word as tsquery
 * text (null when it has none): the prefix term ('scien':*), or, once its words are known, those
 * words or'ed ('science' | 'scientist'), $3 the query without that word.
 */
export const TSQUERY = `websearch_to_tsquery('english', $1)
  || CASE WHEN $2::text IS NULL THEN ''::tsquery ELSE websearch_to_tsquery('english', $3) && $2::text::tsquery END`;

/** How many videos the newest-matches plan ranks for relevance and view order: 10 pages of 20. */
export const NEWEST_MATCHES = 200;
/**
 * The most videos the newest-matches plan walks: it is chosen only when the counts say it will
 * find its matches sooner, so this bounds a walk only when the words are found together much
 * less often than their counts suggest (about 25 ms here).
 */
export const MAX_WALK = 20_000;
/**
 * What walking one video costs beside reading and ranking one match through the GIN index: at
 * 100,000 videos (EXPLAIN ANALYZE, fastest of 15 runs on a busy machine) about 1.4 µs a walked
 * video against 3.7 µs a match: walked videos lie together in publication order, matches all
 * over the table.
 */
const WALKED_VIDEO_COST = 0.4;
/** Prefix terms summed over at most this many words; a prefix of more is taken as matching everything. */
const MAX_PREFIX_WORDS = 1000;
/**
 * A prefix of at most this many words is searched as those words (prefixWords): the GIN index
 * then intersects the words' lists, where a prefix term gathers every video with any word of
 * the prefix first (4.2 → 0.9 ms for a two-word query at 100,000 videos).
 */
export const MAX_EXPANDED_PREFIX_WORDS = 16;

/** A lexeme of the query, as it is quoted in the tsquery's text, with whether it is a prefix. */
const OPERAND = `'((?:[^'\\\\]|''|\\\\.)*)'(?::([*A-D]+))?`;

export type SearchPlan = 'every-match' | 'newest-matches';

export interface WordCounts {
  /** The tsquery as text (Postgres's own output syntax). */
  tsquery: string;
  /** Listed videos. */
  listed: number;
  /** Listed videos per lexeme ("stor:*" for a prefix); null when a prefix has too many words to sum. */
  videos: Map<string, number | null>;
  /** The share of videos a duration filter keeps (1 without one), from the planner's histogram of durations. */
  durationShare: number;
  /**
   * The listed words the query's prefix term stands for, when it has one and they are at most
   * MAX_EXPANDED_PREFIX_WORDS (none: the prefix is in no listed video); null otherwise.
   */
  prefixWords: string[] | null;
}

/** The query's terms (see TSQUERY) and the duration filter's bounds in seconds, if any. */
export interface SearchTerms {
  query: string;
  prefix: string | null;
  rest: string;
  seconds: [number, number] | null;
}

/**
 * The query's tsquery and the counts of its lexemes, in one round trip. The lexemes are read
 * from the tsquery's text with OPERAND, the pattern estimateMatches parses the same text with.
 * Prefixes are summed through search_words_pkey (a range of the C-collated words). A duration
 * filter's share is the share of the histogram's bounds (pg_stats, kept by ANALYZE) it keeps:
 * "under 4 minutes" may keep a twentieth of a catalogue, a walk twenty times as long.
 */
export async function findWordCounts(db: Queryable, { query, prefix, rest, seconds }: SearchTerms): Promise<WordCounts> {
  const { rows } = await db.query(prepared(
    'search-word-counts',
    `WITH q AS (SELECT ${TSQUERY} AS tsq),
     terms AS (
       SELECT DISTINCT m[1] AS quoted, replace(replace(m[1], '''''', ''''), '\\\\', '\\') AS word, coalesce(m[2] LIKE '%*%', false) AS prefix
       FROM q, regexp_matches(q.tsq::text, $4, 'g') AS m
     )
     SELECT q.tsq::text AS tsquery,
       coalesce((SELECT videos FROM search_words WHERE word = ''), 0) AS listed,
       (SELECT coalesce(json_agg(json_build_array(t.quoted || CASE WHEN t.prefix THEN ':*' ELSE '' END, c.videos, c.words)), '[]')
        FROM terms t CROSS JOIN LATERAL (
          SELECT CASE WHEN NOT t.prefix THEN coalesce((SELECT videos FROM search_words WHERE word = t.word), 0)
                      WHEN count(*) >= $5 THEN NULL ELSE coalesce(sum(p.videos), 0) END AS videos,
                 CASE WHEN t.prefix AND count(*) <= $8 THEN coalesce(json_agg(p.word), '[]') END AS words
          FROM (SELECT word, videos FROM search_words
                WHERE t.prefix AND word >= t.word AND word < t.word || chr(1114111) AND starts_with(word, t.word) AND videos > 0 LIMIT $5) p
        ) c) AS counts,
       (SELECT avg((b >= $6 AND b < $7)::int) FROM pg_stats s, unnest(s.histogram_bounds::text::double precision[]) AS b
        WHERE $6::double precision IS NOT NULL AND s.schemaname = current_schema() AND s.tablename = 'videos' AND s.attname = 'duration_seconds') AS duration_share
     FROM q`,
    [query, prefix, rest, OPERAND, MAX_PREFIX_WORDS, seconds?.[0] ?? null, seconds?.[1] ?? null, MAX_EXPANDED_PREFIX_WORDS],
  ));
  const row = rows[0]!;
  const counts = row.counts as [string, number | null, string[] | null][];
  return {
    tsquery: row.tsquery, listed: Number(row.listed), videos: new Map(counts.map(([lexeme, videos]) => [lexeme, videos])),
    durationShare: row.duration_share === null ? 1 : Number(row.duration_share),
    prefixWords: counts.find(([lexeme]) => lexeme.endsWith(':*'))?.[2] ?? null,
  };
}

type Term = { op: 'word'; key: string } | { op: 'not'; arg: Term } | { op: 'and' | 'or'; left: Term; right: Term };

/**
 * Parses a tsquery's text: operands, `!`, `<->` and `<N>` (phrases), `&`, `|` and parentheses,
 * binding in that order. Returns null for text it does not follow.
 */
export function parseTsquery(text: string): Term | null {
  const tokens = [...text.matchAll(new RegExp(`\\s*(?:${OPERAND}|(<\\d*-?>)|([&|!()]))`, 'gy'))];
  if (tokens.map((t) => t[0]).join('').trim() !== text.trim()) return null;
  let i = 0;
  const peek = () => tokens[i]?.[4] ?? (tokens[i]?.[3] ? '<->' : undefined);
  const binary = (next: () => Term | null, ops: string[], op: 'and' | 'or'): Term | null => {
    let left = next();
    while (left && ops.includes(peek() ?? '')) {
      i += 1;
      const right = next();
      left = right && { op, left, right };
    }
    return left;
  };
  const unary = (): Term | null => {
    const token = tokens[i++];
    if (!token) return null;
    if (token[1] !== undefined) return { op: 'word', key: token[1] + (token[2]?.includes('*') ? ':*' : '') };
    if (token[4] === '!') {
      const arg = unary();
      return arg && { op: 'not', arg };
    }
    if (token[4] !== '(') return null;
    const inner = or();
    return tokens[i++]?.[4] === ')' ? inner : null;
  };
  // A phrase matches where its words all do (and then sit in order): costed as an and.
  const phrase = () => binary(unary, ['<->'], 'and');
  const and = () => binary(phrase, ['&'], 'and');
  const or = (): Term | null => binary(and, ['|'], 'or');
  const term = or();
  return term && i === tokens.length ? term : null;
}

/**
 * How many listed videos the query matches, from its words' counts: words found together as
 * often as chance would have it (an and is the product of its words' shares, and so never more
 * than its rarest word), an or its larger side (the two sides of a plain query are its last word
 * and that word as a prefix, which mostly match the same videos), a -word the videos without it.
 * Text the parser does not follow, and a prefix of too many words, count as matching every video.
 */
export function estimateMatches(counts: WordCounts): number {
  const all = Math.max(counts.listed, 1);
  const estimate = (term: Term): number => {
    switch (term.op) {
      case 'word': return Math.min(all, counts.videos.get(term.key) ?? all);
      case 'not': return all - estimate(term.arg);
      case 'and': return (estimate(term.left) * estimate(term.right)) / all;
      case 'or': return Math.max(estimate(term.left), estimate(term.right));
    }
  };
  if (counts.tsquery.trim() === '') return 0;
  const term = parseTsquery(counts.tsquery);
  return term ? estimate(term) : all;
}

/**
 * The cheaper plan for `wanted` matches (the newest ones, or as many as the page needs in date
 * order) of about `matches` among `listed` videos, of which a filter keeps `share`: reading every
 * match, or walking the newest videos, about `wanted × listed ÷ (matches × share)` of them, when
 * that stays under MAX_WALK.
 */
export function choosePlan(matches: number, listed: number, wanted: number, share = 1): SearchPlan {
  const walked = (wanted * Math.max(listed, matches)) / (matches * share);
  return walked <= MAX_WALK && WALKED_VIDEO_COST * walked < matches ? 'newest-matches' : 'every-match';
}
