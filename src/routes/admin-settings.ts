import type { Request, Response } from 'express';
import { updateSiteSettings } from '../db/site-settings-update.js';
import {
  changedSettings, formatSize, NEW_UPLOAD_MODES, PAGE_TEXT_MAX, parseSiteSettings, REGISTRATION_MODES, settingsFormValues,
  SITE_DESCRIPTION_MAX, SITE_NAME_MAX, SIZE_FIELDS, SIZE_UNITS, UPLOADS_PER_DAY_MAX, WATCHED_WORDS_MAX,
} from '../forms/site-settings.js';
import { flash } from '../http/session.js';
import type { SettingKey } from '../settings/site-settings.js';
import type { RouteDeps } from './deps.js';

/** What each setting is called in the saved message. */
const SETTING_LABELS: Record<SettingKey, string> = {
  siteName: 'site name', siteDescription: 'description', aboutText: 'about text', rulesText: 'rules',
  registration: 'registration', newUploads: 'new uploads', maxUploadBytes: 'largest upload', uploadsPerDay: 'uploads per day',
  uploadBytesPerDay: 'bytes per day', storageQuotaBytes: 'storage per account', watchedWords: 'watched words',
};

/**
 * /admin/settings (issue 13, item 9; permission `settings.edit`, admins): every site setting in
 * one form. The route table has checked the permission. A save writes only the settings that
 * changed, with one 'settings.update' audit row holding their values before and after, in one
 * transaction; this process forgets its kept copy after the commit, and the others theirs when
 * the change says pages are stale (src/settings/site-settings.ts), so the next page anywhere
 * uses the new values. A form sent as it was shown writes nothing.
 */
export function adminSettingsRoutes({ pool, config, settings }: RouteDeps) {
  const environmentDefaults: Record<string, string> = {
    maxUploadBytes: formatSize(config.maxUploadBytes),
    uploadBytesPerDay: formatSize(config.uploadBytesPerDay),
    storageQuotaBytes: formatSize(config.storageQuotaBytes),
    uploadsPerDay: config.uploadsPerDay.toLocaleString('en'),
  };
  const sizeFields = Object.fromEntries(Object.entries(SIZE_FIELDS).map(([key, f]) => [key, { label: f.label, minLabel: formatSize(f.min), maxLabel: formatSize(f.max) }]));

  function render(res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): void {
    res.status(status).render('admin/settings', {
      title: 'Site settings',
      description: 'The site name, its about and rules pages, registration, upload limits and watched words.',
      values,
      errors,
      registrationModes: REGISTRATION_MODES,
      uploadModes: NEW_UPLOAD_MODES,
      sizeFields,
      units: Object.keys(SIZE_UNITS),
      defaults: environmentDefaults,
      limits: { siteName: SITE_NAME_MAX, siteDescription: SITE_DESCRIPTION_MAX, pageText: PAGE_TEXT_MAX, uploadsPerDay: UPLOADS_PER_DAY_MAX, watchedWords: WATCHED_WORDS_MAX },
    });
  }

  return {
    /** GET /admin/settings */
    async show(_req: Request, res: Response): Promise<void> {
      render(res, 200, settingsFormValues(await settings.get()), {});
    },

    /** POST /admin/settings — every field; 422 with the form as typed when one is wrong. */
    async save(req: Request, res: Response): Promise<void> {
      const current = await settings.get();
      const form = parseSiteSettings(req.body, current);
      if (!form.ok) return render(res, 422, form.values, form.errors);
      const changes = changedSettings(current, form.value);
      const keys = Object.keys(changes) as SettingKey[];
      if (keys.length === 0) {
        flash(req, 'info', 'Nothing changed: the settings are as they were.');
        return res.redirect(303, '/admin/settings');
      }
      await updateSiteSettings(pool, settings, changes, req.viewer!.id);
      settings.forget();
      flash(req, 'success', `Saved: ${keys.map((k) => SETTING_LABELS[k]).join(', ')}.`);
      res.redirect(303, '/admin/settings');
    },
  };
}
