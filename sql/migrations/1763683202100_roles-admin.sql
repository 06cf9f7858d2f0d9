-- Up Migration

-- Issue 13, item 5 (people and roles). New permissions of the catalogue (src/auth/permissions.ts)
-- given to the built-in roles: moderators read the audit log and take videos down; changing the
-- site's settings stays with admins, who hold every permission through '*'.
INSERT INTO role_permissions (role, permission) VALUES
  ('moderator', 'audit.read'),
  ('moderator', 'video.takedown')
ON CONFLICT DO NOTHING;

-- /admin/users searches by the start of a handle or of an email address. LIKE 'abc%' can use a
-- btree index only under the "C" collation (or a *_pattern_ops class); handles are ASCII
-- ([a-z0-9_.-]), so "C" order is also the order people expect, and the same index serves the
-- keyset paging (ORDER BY handle COLLATE "C", then handle COLLATE "C" > the cursor).
CREATE INDEX users_handle_c_idx ON users ((handle COLLATE "C"));
CREATE INDEX users_email_prefix_idx ON users ((lower(email) COLLATE "C")) WHERE email IS NOT NULL;

-- Down Migration
DROP INDEX users_email_prefix_idx;
DROP INDEX users_handle_c_idx;
DELETE FROM role_permissions WHERE role = 'moderator' AND permission IN ('audit.read', 'video.takedown');
