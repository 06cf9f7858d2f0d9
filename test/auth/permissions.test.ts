import assert from 'node:assert/strict';
import { ALL_PERMISSIONS, PERMISSIONS, accountDeletionRefusal, banRefusal, can, canEditChannel, isOwnerOr, type Permission, type Viewer } from '../../src/auth/permissions.js';
import { findViewerById } from '../../src/db/roles.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const USER: Permission[] = ['video.upload', 'video.rate', 'comment.create', 'channel.subscribe', 'playlist.manage', 'report.create'];
const MODERATOR: Permission[] = ['video.remove.any', 'video.hide.any', 'comment.remove.any', 'report.handle', 'user.ban', 'audit.read', 'video.takedown', 'user.warn', 'user.approve', 'video.approve'];
const ADMIN_ONLY: Permission[] = ['role.assign', 'admin.access', 'settings.edit', 'user.delete'];

/** Expected answer of can() for each role, permission by permission. */
const TABLE: Record<string, { roles: string[]; allowed: Permission[] }> = {
  user: { roles: [], allowed: USER },
  moderator: { roles: ['moderator'], allowed: [...USER, ...MODERATOR] },
  admin: { roles: ['admin'], allowed: [...USER, ...MODERATOR, ...ADMIN_ONLY] },
};

async function viewerFor(roles: string[]): Promise<Viewer> {
  const user = await createUser({ roles });
  const row = (await findViewerById(testPool(), user.id))!;
  return { ...row, permissions: new Set(row.permissions), banned: row.bannedAt !== null };
}

describe('permissions', () => {
  it('covers every permission in the catalogue in this table', () => {
    const listed = new Set([...USER, ...MODERATOR, ...ADMIN_ONLY]);
    assert.deepEqual([...listed].sort(), Object.keys(PERMISSIONS).sort());
  });

  for (const [role, { roles, allowed }] of Object.entries(TABLE)) {
    describe(`role ${role} (from the database)`, () => {
      for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
        const expected = allowed.includes(permission);
        it(`${expected ? 'may' : 'may not'} ${permission}`, async () => {
          assert.equal(can(await viewerFor(roles), permission), expected);
        });
      }
    });
  }

  it('lets nobody signed out do anything', () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) assert.equal(can(null, permission), false);
  });

  it('lets a banned admin do nothing', async () => {
    const admin = await viewerFor(['admin']);
    assert.ok(admin.permissions.has(ALL_PERMISSIONS));
    const banned = { ...admin, banned: true };
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) assert.equal(can(banned, permission), false);
    assert.equal(isOwnerOr(banned, banned.id, 'video.remove.any'), false);
  });

  it('banRefusal and accountDeletionRefusal: never oneself or an admin; a moderator only by an admin; deleting by admins', async () => {
    const moderator = await viewerFor(['moderator']);
    const admin = await viewerFor(['admin']);
    const user = await viewerFor([]);
    const target = (v: Viewer) => ({ id: v.id, permissions: [...v.permissions] });
    const otherUser = target(await viewerFor([]));
    const otherModerator = target(await viewerFor(['moderator']));
    const otherAdmin = target(await viewerFor(['admin']));
    assert.equal(banRefusal(moderator, otherUser), null);
    assert.equal(banRefusal(admin, otherUser), null);
    assert.equal(banRefusal(admin, otherModerator), null);
    assert.match(banRefusal(user, otherUser)!, /not allowed/);
    assert.match(banRefusal(null, otherUser)!, /not allowed/);
    assert.match(banRefusal(moderator, target(moderator))!, /your own/);
    assert.match(banRefusal(moderator, otherModerator)!, /Only an admin/);
    assert.match(banRefusal(moderator, otherAdmin)!, /Admins cannot be banned/);
    assert.match(banRefusal(admin, otherAdmin)!, /Admins cannot be banned/);
    assert.match(banRefusal(admin, target(admin))!, /your own/);
    assert.match(banRefusal({ ...admin, banned: true }, otherUser)!, /not allowed/);
    assert.equal(accountDeletionRefusal(admin, otherUser), null);
    assert.equal(accountDeletionRefusal(admin, otherModerator), null);
    assert.match(accountDeletionRefusal(moderator, otherUser)!, /Only admins/);
    assert.match(accountDeletionRefusal(admin, otherAdmin)!, /Admins cannot be deleted/);
    assert.match(accountDeletionRefusal(admin, target(admin))!, /your settings/);
  });

  it('isOwnerOr: the owner, or the holder of the permission', async () => {
    const owner = await viewerFor([]);
    const stranger = await viewerFor([]);
    const moderator = await viewerFor(['moderator']);
    assert.equal(isOwnerOr(owner, owner.id, 'video.remove.any'), true);
    assert.equal(isOwnerOr(stranger, owner.id, 'video.remove.any'), false);
    assert.equal(isOwnerOr(moderator, owner.id, 'video.remove.any'), true);
    assert.equal(isOwnerOr(null, owner.id, 'video.remove.any'), false);
  });

  it('canEditChannel: only the channel itself, not even an admin', async () => {
    const owner = await viewerFor([]);
    const admin = await viewerFor(['admin']);
    assert.equal(canEditChannel(owner, owner.id), true);
    assert.equal(canEditChannel(admin, owner.id), false);
  });
});
