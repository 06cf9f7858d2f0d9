import { findUploadOverride, type UploadOverride } from '../db/upload-overrides.js';
import type { Queryable } from '../db/pool.js';
import type { SiteSettings, SiteSettingsStore } from './site-settings.js';

/**
 * The upload limits that apply to one account (issue 13, item 9): each is the account's own
 * exception when an administrator set one (upload_overrides), else the site setting, read per
 * request so a change applies at once. UPLOADS_PROCESSING_MAX stays a start-time setting
 * (src/config.ts): it protects the workers, not a person's share.
 */
export interface UploadLimits {
  maxUploadBytes: number;
  uploadsPerDay: number;
  uploadBytesPerDay: number;
  storageQuotaBytes: number;
}

export type UploadLimitKey = keyof UploadLimits;

export const UPLOAD_LIMIT_KEYS: readonly UploadLimitKey[] = ['maxUploadBytes', 'uploadsPerDay', 'uploadBytesPerDay', 'storageQuotaBytes'];

/** Each limit: the account's exception, or the site's value. */
export function effectiveUploadLimits(site: Pick<SiteSettings, UploadLimitKey>, override: UploadOverride): UploadLimits {
  return {
    maxUploadBytes: override.maxUploadBytes ?? site.maxUploadBytes,
    uploadsPerDay: override.uploadsPerDay ?? site.uploadsPerDay,
    uploadBytesPerDay: override.uploadBytesPerDay ?? site.uploadBytesPerDay,
    storageQuotaBytes: override.storageQuotaBytes ?? site.storageQuotaBytes,
  };
}

/** The limits of `userId` now: the settings (kept in memory) and the account's row, read together. */
export async function findUploadLimits(db: Queryable, settings: SiteSettingsStore, userId: number): Promise<UploadLimits> {
  const [site, override] = await Promise.all([settings.get(), findUploadOverride(db, userId)]);
  return effectiveUploadLimits(site, override);
}
