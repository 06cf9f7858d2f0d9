import type { Request, Response } from 'express';
import type { Queryable } from '../db/pool.js';
import { findUploadOverride, saveUploadOverride } from '../db/upload-overrides.js';
import { findUploadUsage } from '../db/upload-quotas.js';
import { OVERRIDE_SIZE_FIELDS, SIZE_UNITS, formatSize, overrideFormValues, parseUploadOverride, UPLOADS_PER_DAY_MAX } from '../forms/upload-override.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { SiteSettingsStore } from '../settings/site-settings.js';
import { effectiveUploadLimits } from '../settings/upload-limits.js';
import type { RouteDeps } from './deps.js';
import { loadedPerson } from './people-loaders.js';
import { describeAllowance } from './upload-allowance.js';

const DELETED = 'This account has been deleted: its upload limits no longer change.';

/**
 * What the limits form shows for one account: its exceptions as form values (or those typed),
 * the site's values beside each (what a blank field means), and what it has used of the limits
 * in force. For the person's page and the form's own page.
 */
export async function uploadLimitsPanel(pool: Queryable, settings: SiteSettingsStore, userId: number, typed?: Record<string, string>) {
  const [site, override, usage] = await Promise.all([settings.get(), findUploadOverride(pool, userId), findUploadUsage(pool, userId)]);
  return {
    values: typed ?? overrideFormValues(override),
    site: { maxUploadBytes: formatSize(site.maxUploadBytes), uploadsPerDay: site.uploadsPerDay.toLocaleString('en'), uploadBytesPerDay: formatSize(site.uploadBytesPerDay), storageQuotaBytes: formatSize(site.storageQuotaBytes) },
    allowance: describeAllowance(effectiveUploadLimits(site, override), usage),
    hasOverride: Object.values(override).some((v) => v !== null),
    fields: OVERRIDE_SIZE_FIELDS,
    units: Object.keys(SIZE_UNITS),
    uploadsPerDayMax: UPLOADS_PER_DAY_MAX,
  };
}

/**
 * An account's own upload limits (issue 13, item 9; permission `settings.edit`): each blank
 * (the site's setting) or the account's exception, recorded in the audit log ('user.limits').
 * Uploads read them per request (src/http/upload-limits.ts): a change applies to the next one.
 */
export function adminUserLimitRoutes({ pool, settings }: RouteDeps) {
  async function render(req: Request, res: Response, status: number, typed?: Record<string, string>, errors: Record<string, string> = {}): Promise<void> {
    const person = loadedPerson(req);
    res.status(status).render('admin/user-limits', {
      title: `Upload limits of @${person.handle}`,
      description: `The upload limits and storage quota of @${person.handle}.`,
      person,
      panel: await uploadLimitsPanel(pool, settings, person.id, typed),
      errors,
    });
  }

  return {
    /** GET /admin/users/:handle/limits — the form alone (where a refused one comes back). */
    async show(req: Request, res: Response): Promise<void> {
      if (loadedPerson(req).deletedAt) throw notFound(DELETED);
      await render(req, res, 200);
    },

    /** POST /admin/users/:handle/limits — each limit blank (the site's) or the account's own. */
    async save(req: Request, res: Response): Promise<void> {
      const person = loadedPerson(req);
      if (person.deletedAt) throw notFound(DELETED);
      const form = parseUploadOverride(req.body, await findUploadOverride(pool, person.id));
      if (!form.ok) return render(req, res, 422, form.values, form.errors);
      const outcome = await saveUploadOverride(pool, { actorId: req.viewer!.id, userId: person.id, override: form.value });
      if (outcome === 'nothing') throw notFound(DELETED);
      flash(req, 'success', outcome === 'changed' ? `The upload limits of @${person.handle} are saved.` : `The upload limits of @${person.handle} were already these.`);
      res.redirect(303, `/admin/users/${person.handle}`);
    },
  };
}
