import type { CreateAccountResult, NewAccount, User } from '../db/users.js';
import { findTakenIdentity } from '../db/users.js';
import type { Pool } from '../db/pool.js';
import type { Registration } from '../forms/register.js';
import { newAvatarKey, removeAvatar, storeDefaultAvatar, type Storage } from '../media/index.js';
import { hashPassword } from './passwords.js';

export const HANDLE_TAKEN_MESSAGE = 'This handle is taken. Choose another.';

export type SignUpResult =
  | { ok: true; user: User }
  | { ok: false; errors: Record<string, string> }
  /** Only from the setup page: its one-time address was used meanwhile, or an admin now exists. */
  | { ok: false; setupGone: true };

/** What creates the row: createAccount, or the setup page's createSetupAdmin. */
export type AccountCreator = (account: NewAccount) => Promise<CreateAccountResult | { ok: false; taken: 'setup' }>;

/**
 * Creates an account from a valid sign-up form: the password hash, the generated avatar and
 * the row. Uniqueness is checked first, so a taken handle costs one indexed query rather than
 * argon2 and four identicon renders; the insert still settles a race.
 *
 * An email address already used by another account is not reported: the account is created
 * without it, and the answer is the one a new address gets. Saying "this email is used" would
 * tell anyone whether an address has an account here, and with no mail yet there is no way to
 * tell its owner instead. Handles are public (every channel shows one), so a taken handle is
 * said plainly. The address typed is still mailed a confirmation link (routes/accounts.ts):
 * following it gives the address to the new account unless another account has confirmed it.
 */
export async function signUp(pool: Pool, storage: Storage, registration: Registration, create: AccountCreator): Promise<SignUpResult> {
  const { handle, displayName, password } = registration;
  const taken = await findTakenIdentity(pool, handle, registration.email);
  if (taken.handle) return { ok: false, errors: { handle: HANDLE_TAKEN_MESSAGE } };
  const email = taken.email ? null : registration.email;

  const avatarKey = newAvatarKey();
  let kept = false;
  try {
    const [passwordHash] = await Promise.all([hashPassword(password), storeDefaultAvatar(storage, handle, avatarKey)]);
    let created = await create({ handle, displayName, email, passwordHash, avatarKey });
    // The address was taken between the check and the insert (two sign-ups at once): as above.
    if (!created.ok && created.taken === 'email') created = await create({ handle, displayName, email: null, passwordHash, avatarKey });
    if (created.ok) {
      kept = true;
      return { ok: true, user: created.user };
    }
    return created.taken === 'setup' ? { ok: false, setupGone: true } : { ok: false, errors: { handle: HANDLE_TAKEN_MESSAGE } };
  } finally {
    // A refused sign-up leaves no picture behind.
    if (!kept) await removeAvatar(storage, avatarKey);
  }
}
