-- Up Migration

-- Issue 13, item 6: moderators read the audit log (/admin/audit), so that each can see what the
-- others did and why. Admins have it through '*'. ON CONFLICT: the roles helper's migration may
-- grant the same line.
INSERT INTO role_permissions (role, permission) VALUES ('moderator', 'audit.read') ON CONFLICT DO NOTHING;

-- Down Migration
DELETE FROM role_permissions WHERE role = 'moderator' AND permission = 'audit.read';
