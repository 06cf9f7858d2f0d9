import assert from 'node:assert/strict';
import { canGiveRole, canSeePeople, type Viewer } from '../../src/auth/permissions.js';

const viewer = (permissions: string[], banned = false): Viewer => ({ id: 1, handle: 'a', displayName: 'A', avatarKey: null, permissions: new Set(permissions), banned });

describe('permissions: people and roles', () => {
  it('canSeePeople: role.assign or user.ban, not banned', () => {
    assert.equal(canSeePeople(null), false);
    assert.equal(canSeePeople(viewer(['video.upload'])), false);
    assert.equal(canSeePeople(viewer(['user.ban'])), true);
    assert.equal(canSeePeople(viewer(['role.assign'])), true);
    assert.equal(canSeePeople(viewer(['*'])), true);
    assert.equal(canSeePeople(viewer(['*'], true)), false);
  });

  it('canGiveRole: role.assign and every permission of the role held; admins any role, and only they a role holding *', () => {
    const lead = viewer(['role.assign', 'comment.remove.any']);
    assert.equal(canGiveRole(lead, ['comment.remove.any']), true);
    assert.equal(canGiveRole(lead, []), true);
    assert.equal(canGiveRole(lead, ['comment.remove.any', 'user.ban']), false);
    assert.equal(canGiveRole(lead, ['*']), false);
    assert.equal(canGiveRole(viewer(['comment.remove.any']), ['comment.remove.any']), false, 'no role.assign');
    assert.equal(canGiveRole(viewer(['*']), ['*']), true);
    assert.equal(canGiveRole(viewer(['*'], true), ['video.upload']), false, 'banned');
    assert.equal(canGiveRole(null, []), false);
  });
});
