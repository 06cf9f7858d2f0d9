import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT_DIR } from '../src/paths.js';
import { testDatabaseUrl, testPool } from './helpers/database.js';
import { createUser } from './helpers/factories.js';

const run = promisify(execFile);
const TSX = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');

async function createAdmin(...args: string[]) {
  return run(TSX, [path.join(ROOT_DIR, 'src', 'cli', 'create-admin.ts'), ...args], {
    env: { ...process.env, DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' },
  }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('npm run create-admin', function () {
  this.timeout(30_000);

  it('grants admin to an existing account, typed with or without @ and in any case', async () => {
    const user = await createUser();
    const result = await createAdmin(`@${user.handle.toUpperCase()}`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`@${user.handle} is now an administrator`));
    const { rows } = await testPool().query('SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role', [user.id]);
    assert.deepEqual(rows.map((r) => r.role), ['admin', 'user']);
    const audit = await testPool().query(`SELECT actor_id, action, before, after FROM audit_log WHERE subject_user_id = $1`, [user.id]);
    assert.deepEqual(audit.rows, [{ actor_id: null, action: 'role.grant', before: { roles: ['user'] }, after: { roles: ['admin', 'user'] } }]);
    const again = await createAdmin(user.handle);
    assert.match(again.stdout, /was already an administrator/);
  });

  it('says so when there is no such account, and exits non-zero', async () => {
    const result = await createAdmin('no-such-person');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /There is no account with the handle "no-such-person"/);
  });

  it('explains its usage without a handle', async () => {
    const result = await createAdmin();
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: npm run create-admin -- <handle>/);
  });
});
