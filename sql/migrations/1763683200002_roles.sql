-- Up Migration

-- Built-in roles. What each may do is role_permissions; the catalogue of permission names
-- and the predicates built on them live in src/auth/permissions.ts. '*' means every
-- permission, including ones added after this migration.
CREATE TABLE roles (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{1,30}$'),
  description text NOT NULL
);

CREATE TABLE role_permissions (
  role text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  permission text NOT NULL,
  PRIMARY KEY (role, permission)
);

CREATE TABLE user_roles (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role_idx ON user_roles (role);

INSERT INTO roles (name, description) VALUES
  ('admin', 'Runs the site: every permission.'),
  ('moderator', 'Removes or hides videos and comments, handles reports, bans users.'),
  ('user', 'Uploads, comments, rates, subscribes and keeps playlists.');

INSERT INTO role_permissions (role, permission) VALUES
  ('admin', '*'),
  ('moderator', 'video.remove.any'),
  ('moderator', 'video.hide.any'),
  ('moderator', 'comment.remove.any'),
  ('moderator', 'report.handle'),
  ('moderator', 'user.ban'),
  ('user', 'video.upload'),
  ('user', 'comment.create'),
  ('user', 'video.rate'),
  ('user', 'channel.subscribe'),
  ('user', 'playlist.manage');

-- Down Migration
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE roles;
