-- Up Migration

-- Registration needing approval (issue 13, item 9): while the site setting `registration` is
-- 'approval', a sign-up makes its account with pending_at set. A pending account cannot sign in
-- (the sign-in page says it waits for approval), and its channel is hidden (channelLive in
-- src/db/visibility.ts); it has no videos, comments or playlists, as it was never signed in.
-- Approving clears pending_at ('user.approve' in the audit log); rejecting soft-deletes the
-- account like any deletion ('user.reject'), so its handle is never given again. The first admin
-- (the setup page, npm run create-admin) is never pending.
ALTER TABLE users ADD COLUMN pending_at timestamptz;

-- /admin/users?status=pending, in handle order (the list's order and keyset): holds only the
-- accounts waiting, so the filter reads a page of them however many accounts the site has.
CREATE INDEX users_pending_idx ON users ((handle COLLATE "C")) WHERE pending_at IS NOT NULL AND deleted_at IS NULL;

-- Approving and rejecting sign-ups: moderators, as in PeerTube (admins through '*').
INSERT INTO role_permissions (role, permission) VALUES ('moderator', 'user.approve') ON CONFLICT DO NOTHING;

-- Down Migration
DELETE FROM role_permissions WHERE role = 'moderator' AND permission = 'user.approve';
DROP INDEX users_pending_idx;
ALTER TABLE users DROP COLUMN pending_at;
