import { mailEnabled, type Config } from '../config.js';
import { findAccountEmail } from '../db/account-email.js';
import { CONFIRM_LINK_LIFETIME_MS, RESET_LINK_LIFETIME_MS, insertEmailToken } from '../db/email-tokens.js';
import type { Queryable } from '../db/pool.js';
import type { JobQueue } from '../jobs/queue.js';
import type { SiteSettingsStore } from '../settings/site-settings.js';
import { confirmationMail, emailChangedMail, passwordChangedMail, resetMail } from '../mail/account-mail.js';

/**
 * Issuing the links of account email and queueing their mail. Each function takes the caller's
 * transaction: the token row and the mail job are written with the change that asks for them,
 * or not at all. Mail goes only where mail is on (mailEnabled), and only announcements go to a
 * confirmed address; a confirmation link goes to the address it confirms.
 */

export interface AccountMailDeps {
  config: Config;
  queue: JobQueue;
  now: () => Date;
  /** For the site's name as its administrators set it, which every mail carries. */
  settings: SiteSettingsStore;
}

const siteNameOf = async (deps: AccountMailDeps) => (await deps.settings.get()).siteName;

/** An absolute link on this site (PUBLIC_URL): mail is read away from the site. */
export const siteUrl = (config: Pick<Config, 'publicUrl'>, path: string) => new URL(path, config.publicUrl).href;

/** Mails a link confirming `email` for the account; false when mail is off (nothing written). */
export async function sendConfirmationLink(deps: AccountMailDeps, db: Queryable, account: { id: number; handle: string }, email: string): Promise<boolean> {
  if (!mailEnabled(deps.config)) return false;
  const token = await insertEmailToken(db, { userId: account.id, purpose: 'confirm', email, now: deps.now() });
  await deps.queue.enqueueMail(confirmationMail({
    to: email,
    siteName: await siteNameOf(deps),
    handle: account.handle,
    url: siteUrl(deps.config, `/confirm-email/${token}`),
    hours: CONFIRM_LINK_LIFETIME_MS / 3_600_000,
  }), db);
  return true;
}

/** Mails a reset link to the account's confirmed address (found by findResettableAccount). */
export async function sendResetLink(deps: AccountMailDeps, db: Queryable, account: { id: number; handle: string; email: string }): Promise<void> {
  if (!mailEnabled(deps.config)) return;
  const token = await insertEmailToken(db, { userId: account.id, purpose: 'reset', email: account.email, now: deps.now() });
  await deps.queue.enqueueMail(resetMail({
    to: account.email,
    siteName: await siteNameOf(deps),
    handle: account.handle,
    url: siteUrl(deps.config, `/reset-password/${token}`),
    minutes: RESET_LINK_LIFETIME_MS / 60_000,
  }), db);
}

/** Tells the account's confirmed address that its password changed; nothing without one. */
export async function announcePasswordChange(deps: AccountMailDeps, db: Queryable, userId: number): Promise<void> {
  if (!mailEnabled(deps.config)) return;
  const account = await findAccountEmail(db, userId);
  if (!account?.email || !account.confirmedAt) return;
  await deps.queue.enqueueMail(passwordChangedMail({ to: account.email, siteName: await siteNameOf(deps), handle: account.handle, signInUrl: siteUrl(deps.config, '/login') }), db);
}

/** Tells the old confirmed address that the account's address is now `newEmail`. */
export async function announceEmailChange(deps: AccountMailDeps, db: Queryable, change: { handle: string; oldEmail: string; newEmail: string }): Promise<void> {
  if (!mailEnabled(deps.config)) return;
  await deps.queue.enqueueMail(emailChangedMail({ to: change.oldEmail, siteName: await siteNameOf(deps), handle: change.handle, newEmail: change.newEmail, settingsUrl: siteUrl(deps.config, '/settings') }), db);
}
