-- Up Migration

-- Statistics for the columns issue 13 added to the two tables every page reads: videos.moderation
-- (1763683202600, in the one visibility rule) and users.pending_at (1763683202700, in
-- channelLive). A column added to a table that already has rows has no statistics until the next
-- ANALYZE, and autovacuum may not run one for days on a large, mostly read table; meanwhile the
-- planner guesses that `moderation = 'none'` keeps 0.5 % of the videos and `pending_at IS NULL`
-- 0.5 % of the people, and picks sequential scans where it walked an index. Measured on the
-- 100,000-video benchmark catalogue upgraded in place: the mixed benchmark fell from 236 to
-- 137-196 req/s, with ~200 sequential scans of `videos` per run where there had been one.
ANALYZE videos;
ANALYZE users;

-- Down Migration
SELECT 1;
