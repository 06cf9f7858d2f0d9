-- Up Migration

-- Reports (issue 13, item 1): a signed-in person flags a video, a comment or a channel with a
-- reason from a fixed list (src/forms/report.ts), a text and, for a video, a time in it.
--
-- Grouping is kept, not computed at read time: every report of one thing belongs to one open
-- `report_items` row (the queue item), whose count, severity and first/last times are changed
-- in the same transaction as its reports (src/db/reports.ts, under the item's row lock). The
-- queue (/admin/reports) is then one walk of a partial index over open items, already in its
-- order, however many reports each item has; grouping at read time would aggregate every open
-- report before the first row could be shown.
--
-- Targets are internal ids without foreign keys on purpose: a report outlives what it is
-- about (a deleted comment's row goes, a deleted video's too), and the reporter's list and the
-- moderators' history keep it, shown as "no longer available".
CREATE TABLE report_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target_kind text NOT NULL CHECK (target_kind IN ('video', 'comment', 'channel')),
  target_id bigint NOT NULL,
  -- The person the item is about (the video's owner, the comment's author, the channel): their
  -- history of reports and actions on the item page (issue 13, item 2).
  target_owner_id bigint NOT NULL REFERENCES users (id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled', 'dismissed')),
  -- The gravest severity among its open reports (each reason has its own: REPORT_REASONS).
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 9),
  -- Its open reports: one per reporter (a second report of the same thing updates the first).
  report_count integer NOT NULL DEFAULT 0 CHECK (report_count >= 0),
  first_reported_at timestamptz NOT NULL DEFAULT now(),
  last_reported_at timestamptz NOT NULL DEFAULT now(),
  handled_at timestamptz,
  handled_by bigint REFERENCES users (id),
  CHECK ((status = 'open') = (handled_at IS NULL))
);

-- One open item per thing: a report after the item was handled starts a new one. Also what
-- INSERT … ON CONFLICT infers to find (and lock) the open item.
CREATE UNIQUE INDEX report_items_open_target_key ON report_items (target_kind, target_id) WHERE status = 'open';
-- The queue in its order (gravest first, then most reported, then longest waiting, id last to
-- make the key unique), negated where descending so that a keyset cursor is one row
-- comparison the index answers: (-severity, -report_count, first_reported_at, id) > cursor.
-- A reason filter is an equality on severity (each reason has its own), so it walks the same index.
CREATE INDEX report_items_queue_idx ON report_items ((-severity), (-report_count), first_reported_at, id) WHERE status = 'open';
-- The same, filtered by kind.
CREATE INDEX report_items_queue_kind_idx ON report_items (target_kind, (-severity), (-report_count), first_reported_at, id) WHERE status = 'open';
-- Items about one person, newest first (their history on an item page).
CREATE INDEX report_items_owner_idx ON report_items (target_owner_id, first_reported_at DESC);

CREATE TABLE reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES report_items (id),
  reporter_id bigint NOT NULL REFERENCES users (id),
  target_kind text NOT NULL CHECK (target_kind IN ('video', 'comment', 'channel')),
  target_id bigint NOT NULL,
  reason text NOT NULL CHECK (reason IN ('child_safety', 'violence', 'privacy', 'harassment', 'hate', 'sexual', 'copyright', 'spam', 'other')),
  -- The reason's severity when it was given (REPORT_REASONS), so the item's is max(severity).
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 9),
  -- In characters, as the form counts them.
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 3000),
  -- Where in the video the problem is, in seconds; videos only.
  video_time_seconds integer CHECK (video_time_seconds >= 0),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled', 'dismissed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  handled_at timestamptz,
  handled_by bigint REFERENCES users (id),
  CHECK (video_time_seconds IS NULL OR target_kind = 'video'),
  CHECK ((status = 'open') = (handled_at IS NULL))
);

-- One open report per reporter and thing: reporting it again updates it (ON CONFLICT infers this).
CREATE UNIQUE INDEX reports_open_reporter_target_key ON reports (reporter_id, target_kind, target_id) WHERE status = 'open';
-- A reporter's own reports, newest first (/settings/reports, keyset on id).
CREATE INDEX reports_reporter_idx ON reports (reporter_id, id DESC);
-- An item's reports, gravest first: its severity after a report changes, and the item page.
CREATE INDEX reports_item_idx ON reports (item_id, severity DESC, id);

-- Everyone signed in may report (issue 13, item 1).
INSERT INTO role_permissions (role, permission) VALUES ('user', 'report.create');

-- Down Migration
DELETE FROM role_permissions WHERE role = 'user' AND permission = 'report.create';
DROP TABLE reports;
DROP TABLE report_items;
