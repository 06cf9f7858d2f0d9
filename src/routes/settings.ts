import fs from 'node:fs';
import type { Request, Response } from 'express';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { isHttps, mailEnabled } from '../config.js';
import { announcePasswordChange } from '../auth/account-email.js';
import { changePasswordHash, findAccountEmail } from '../db/account-email.js';
import { deleteOtherSessions } from '../db/sessions.js';
import { findPasswordHash, findUserById, replaceAvatarKey, softDeleteAccount, updateProfile } from '../db/users.js';
import { parseAccountDeletion, parsePasswordChange } from '../forms/password.js';
import { BIO_MAX, parseProfile } from '../forms/profile.js';
import { notFound } from '../http/errors.js';
import { beginSession, endSession, flash } from '../http/session.js';
import { receiveOneFile } from '../http/uploads.js';
import { ImageRejected, newAvatarKey, removeAvatar, storeAvatar, storeDefaultAvatar } from '../media/index.js';
import type { RouteDeps } from './deps.js';

export function settingsRoutes(deps: RouteDeps) {
  const { pool, storage, config } = deps;
  async function renderProfile(req: Request, res: Response, status: number, values?: Record<string, string>, errors: Record<string, string> = {}) {
    const [user, emailAccount] = await Promise.all([findUserById(pool, req.viewer!.id), findAccountEmail(pool, req.viewer!.id)]);
    if (!user || !emailAccount) throw notFound();
    res.status(status).render('settings/profile', {
      emailAccount,
      mailOn: mailEnabled(config),
      title: 'Your channel settings',
      user,
      values: values ?? { displayName: user.displayName, bio: user.bio },
      errors,
      bioMax: BIO_MAX,
      maxAvatarMegabytes: Math.floor(config.maxAvatarBytes / (1024 * 1024)),
    });
  }

  /** Points the account at the avatar stored under `key`, then deletes the one it replaced. */
  async function switchAvatar(userId: number, key: string): Promise<void> {
    const oldKey = await replaceAvatarKey(pool, userId, key);
    if (oldKey) await removeAvatar(storage, oldKey);
  }

  return {
    showProfile: (req: Request, res: Response) => renderProfile(req, res, 200),

    async saveProfile(req: Request, res: Response): Promise<void> {
      const form = parseProfile(req.body);
      if (!form.ok) return renderProfile(req, res, 422, form.values, form.errors);
      await updateProfile(pool, req.viewer!.id, form.value);
      flash(req, 'success', 'Your profile has been saved.');
      res.redirect(303, '/settings');
    },

    receiveAvatar: receiveOneFile({ dataDir: config.dataDir, fieldName: 'avatar', maxBytes: config.maxAvatarBytes }),

    async saveAvatar(req: Request, res: Response): Promise<void> {
      const file = req.file;
      if (!file) return renderProfile(req, res, 422, undefined, { avatar: 'Choose a picture to upload.' });
      const key = newAvatarKey();
      let rejected: string | null = null;
      try {
        await storeAvatar(storage, file.path, key);
      } catch (err) {
        await removeAvatar(storage, key);
        if (!(err instanceof ImageRejected)) throw err;
        rejected = err.message;
      } finally {
        // Gone before the answer goes out, refused or not.
        await fs.promises.rm(file.path, { force: true });
      }
      if (rejected) return renderProfile(req, res, 422, undefined, { avatar: rejected });
      await switchAvatar(req.viewer!.id, key);
      flash(req, 'success', 'Your new picture is in place.');
      res.redirect(303, '/settings');
    },

    async resetAvatar(req: Request, res: Response): Promise<void> {
      const key = newAvatarKey();
      await storeDefaultAvatar(storage, req.viewer!.handle, key);
      await switchAvatar(req.viewer!.id, key);
      flash(req, 'success', 'Your picture is back to the generated one.');
      res.redirect(303, '/settings');
    },

    showPassword(_req: Request, res: Response): void {
      res.render('settings/password', { title: 'Change your password', errors: {} });
    },

    async changePassword(req: Request, res: Response): Promise<void> {
      const viewer = req.viewer!;
      const form = parsePasswordChange(req.body, viewer.handle);
      if (!form.ok) return void res.status(422).render('settings/password', { title: 'Change your password', errors: form.errors });
      const current = await verifyPassword(await findPasswordHash(pool, viewer.id), form.value.currentPassword);
      if (!current.ok) {
        return void res.status(422).render('settings/password', { title: 'Change your password', errors: { currentPassword: 'That is not your current password.' } });
      }
      await changePasswordHash(pool, viewer.id, await hashPassword(form.value.newPassword), (client) => announcePasswordChange(deps, client, viewer.id));
      const ended = await deleteOtherSessions(pool, viewer.id, req.sessionID);
      // This session goes on under a new id: an id copied before the change (the reason to change it, perhaps) stops working.
      await beginSession(req, viewer.id);
      flash(req, 'success', ended > 0 ? `Your password has been changed, and ${ended} other ${ended === 1 ? 'session was' : 'sessions were'} signed out.` : 'Your password has been changed.');
      res.redirect(303, '/settings');
    },

    showDelete(_req: Request, res: Response): void {
      res.render('settings/delete', { title: 'Delete your account', values: {}, errors: {} });
    },

    async deleteAccount(req: Request, res: Response): Promise<void> {
      const viewer = req.viewer!;
      const form = parseAccountDeletion(req.body, viewer.handle);
      if (!form.ok) return void res.status(422).render('settings/delete', { title: 'Delete your account', values: form.values, errors: form.errors });
      const verified = await verifyPassword(await findPasswordHash(pool, viewer.id), form.value.password);
      if (!verified.ok) {
        return void res.status(422).render('settings/delete', { title: 'Delete your account', values: { confirmHandle: viewer.handle }, errors: { password: 'That is not your password.' } });
      }
      const avatarKey = await softDeleteAccount(pool, viewer.id);
      if (avatarKey) await removeAvatar(storage, avatarKey);
      await endSession(req, res, isHttps(config));
      res.locals.viewer = null;
      res.render('settings/deleted', { title: 'Account deleted', handle: viewer.handle });
    },
  };
}
