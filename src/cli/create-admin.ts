import { grantRoleTo } from '../db/role-admin.js';
import { findUserByHandle } from '../db/users.js';
import { withDatabase } from './with-database.js';

/** `npm run create-admin -- <handle>`: gives an existing account the admin role. */
const handle = (process.argv[2] ?? '').replace(/^@/, '');
if (!handle || process.argv.length > 3) {
  console.error('Usage: npm run create-admin -- <handle>');
  process.exit(2);
}

await withDatabase(async ({ pool }) => {
  const user = await findUserByHandle(pool, handle);
  if (!user) {
    console.error(`There is no account with the handle "${handle}". Sign up first, then run this again.`);
    return 1;
  }
  // Recorded in the audit log as any grant is, with no actor: it came from the server's shell.
  const outcome = await grantRoleTo(pool, { actorId: null, userId: user.id, role: 'admin' }, () => true);
  console.log(outcome === 'unchanged' ? `@${user.handle} was already an administrator.` : `@${user.handle} is now an administrator.`);
  return 0;
});
